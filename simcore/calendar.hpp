#pragma once
// The proleptic Gregorian calendar in UTC, for aligning simulated time to calendar hours,
// days, months and years (hourly carbon matching, monthly demand charges and credit periods,
// yearly matching). Absolute times are SimTimes counted from 1970-01-01T00:00:00Z.

#include <cstdint>

#include "simcore/time.hpp"

namespace wattsim::simcore {

// Days from 1970-01-01 to a date (month 1-12, day 1-31). Howard Hinnant's days-from-civil:
// years start on 1 March so that the leap day ends a year; an era is 400 years (146,097 days).
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);                                   // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;         // [0, 365]
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};

// The inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t mp = (5 * day_of_year + 2) / 153;
  const auto day = static_cast<unsigned>(day_of_year - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

enum class CalendarPeriod : std::uint8_t { kHour, kDay, kMonth, kYear };

// The start of the calendar period holding absolute time t, and of the next one.
SimTime period_start(SimTime t, CalendarPeriod period);
SimTime next_period_start(SimTime t, CalendarPeriod period);

}  // namespace wattsim::simcore
