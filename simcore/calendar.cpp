#include "simcore/calendar.hpp"

namespace wattsim::simcore {

namespace {
constexpr std::int64_t kDayUs = 86'400'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
}  // namespace

SimTime period_start(SimTime t, CalendarPeriod period) {
  switch (period) {
    case CalendarPeriod::kHour: return SimTime::from_us(floor_div(t.us(), 3'600'000'000) * 3'600'000'000);
    case CalendarPeriod::kDay: return SimTime::from_us(floor_div(t.us(), kDayUs) * kDayUs);
    case CalendarPeriod::kMonth: {
      const CivilDate d = civil_from_days(floor_div(t.us(), kDayUs));
      return SimTime::from_us(days_from_civil(d.year, d.month, 1) * kDayUs);
    }
    case CalendarPeriod::kYear: {
      const CivilDate d = civil_from_days(floor_div(t.us(), kDayUs));
      return SimTime::from_us(days_from_civil(d.year, 1, 1) * kDayUs);
    }
  }
  return t;
}

SimTime next_period_start(SimTime t, CalendarPeriod period) {
  const SimTime start = period_start(t, period);
  switch (period) {
    case CalendarPeriod::kHour: return start + SimTime::hours(1);
    case CalendarPeriod::kDay: return start + SimTime::days(1);
    case CalendarPeriod::kMonth: {
      const CivilDate d = civil_from_days(floor_div(start.us(), kDayUs));
      const std::int64_t year = d.month == 12 ? d.year + 1 : d.year;
      const unsigned month = d.month == 12 ? 1 : d.month + 1;
      return SimTime::from_us(days_from_civil(year, month, 1) * kDayUs);
    }
    case CalendarPeriod::kYear: {
      const CivilDate d = civil_from_days(floor_div(start.us(), kDayUs));
      return SimTime::from_us(days_from_civil(d.year + 1, 1, 1) * kDayUs);
    }
  }
  return t;
}

}  // namespace wattsim::simcore
