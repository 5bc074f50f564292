#include "simcore/calendar.hpp"

#include <catch2/catch.hpp>

using namespace wattsim::simcore;

namespace {
SimTime utc(std::int64_t y, unsigned m, unsigned d, int hour = 0) {
  return SimTime::days(days_from_civil(y, m, d)) + SimTime::hours(hour);
}
}  // namespace

TEST_CASE("civil dates convert both ways", "[simcore][calendar]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2023, 1, 1) == 19358);
  CHECK(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28) == 2);  // leap day
  CHECK(days_from_civil(2023, 3, 1) - days_from_civil(2023, 2, 28) == 1);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  for (std::int64_t day : {-800000LL, -1LL, 0LL, 19358LL, 19782LL, 60000LL}) {
    const CivilDate c = civil_from_days(day);
    CHECK(days_from_civil(c.year, c.month, c.day) == day);
  }
  const CivilDate leap = civil_from_days(days_from_civil(2024, 2, 29));
  CHECK(leap.year == 2024);
  CHECK(leap.month == 2);
  CHECK(leap.day == 29);
}

TEST_CASE("calendar periods start and end where the calendar says", "[simcore][calendar]") {
  const SimTime t = utc(2023, 6, 15, 13) + SimTime::minutes(25);
  CHECK(period_start(t, CalendarPeriod::kHour) == utc(2023, 6, 15, 13));
  CHECK(next_period_start(t, CalendarPeriod::kHour) == utc(2023, 6, 15, 14));
  CHECK(period_start(t, CalendarPeriod::kDay) == utc(2023, 6, 15));
  CHECK(next_period_start(t, CalendarPeriod::kDay) == utc(2023, 6, 16));
  CHECK(period_start(t, CalendarPeriod::kMonth) == utc(2023, 6, 1));
  CHECK(next_period_start(t, CalendarPeriod::kMonth) == utc(2023, 7, 1));
  CHECK(next_period_start(utc(2023, 12, 31, 23), CalendarPeriod::kMonth) == utc(2024, 1, 1));
  CHECK(next_period_start(utc(2024, 2, 10), CalendarPeriod::kMonth) - utc(2024, 2, 1) == SimTime::days(29));
  CHECK(period_start(t, CalendarPeriod::kYear) == utc(2023, 1, 1));
  CHECK(next_period_start(t, CalendarPeriod::kYear) == utc(2024, 1, 1));
  // A period boundary belongs to the period it starts.
  CHECK(period_start(utc(2023, 7, 1), CalendarPeriod::kMonth) == utc(2023, 7, 1));
  CHECK(next_period_start(utc(2023, 7, 1), CalendarPeriod::kMonth) == utc(2023, 8, 1));
  // Before 1970.
  CHECK(period_start(utc(1969, 12, 31, 5), CalendarPeriod::kDay) == utc(1969, 12, 31));
}
