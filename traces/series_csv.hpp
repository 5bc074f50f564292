#pragma once
// A time series read from CSV (carbon intensity, prices, weather, renewable output) into a
// simcore::StepSeries in absolute time: SimTime = microseconds since 1970-01-01T00:00:00Z.
//
// Each row's value holds from its time until the next row's time; the last value holds for
// one more interval of the same length as the one before it. Example (hourly):
//   Datetime (UTC),price
//   2023-01-01 00:00:00,90.5      -> 90.5 on [1672531200 s, 1672534800 s)
//   2023-01-01 01:00:00,88.0      -> 88.0 on [1672534800 s, 1672538400 s); end 1672538400 s
//
// The file streams through a fixed-size buffer; fields are separated by commas and may not
// be quoted. Column names are matched exactly (they may hold UTF-8, e.g.
// "Carbon Intensity gCO₂eq/kWh (LCA)"). Errors throw simcore::InputError with
// where = "path:line:column".

#include <string>
#include <string_view>

#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::traces {

struct SeriesCsvOptions {
  std::string time_column;   // empty: the first column
  std::string value_column;  // empty: the only other column (error if there are several, listing them)
  double scale = 1.0;        // multiply each value (unit conversion done by the caller)
  std::string name;          // for messages and the series' name, e.g. "carbon intensity"
};

// Reads (time, value) rows; times must be strictly increasing and values finite numbers.
// Needs at least two rows (one row leaves the interval length, and so the end, unknown).
// Equal consecutive values merge into one segment of the returned series.
simcore::StepSeries read_series_csv(const std::string& path, const SeriesCsvOptions& options);

// Microseconds since the epoch of a UTC time written as
//   "2023-01-01 00:00:00" or "2023-01-01T00:00:00", optionally with fractional seconds
//   (".25", rounded to the microsecond) and "Z" or an offset "+02:00" / "-0530" (converted
//   to UTC: "12:00:00+02:00" is 10:00:00Z); a time without offset is taken as UTC;
//   "2023-01-01" alone is midnight;
// or a plain number of seconds since the epoch ("1672531200", "1672531200.5").
// Throws simcore::InputError(where = "", ...) naming the text and what was expected.
simcore::SimTime parse_utc_time(std::string_view text);

// "2023-06-01T00:00:00Z" (whole seconds; fractions are dropped), the inverse of parse_utc_time.
std::string format_utc_time(simcore::SimTime t);

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1-12, day 1-31).
constexpr long long days_from_civil(long long year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm: years start on 1 March, so the leap day ends a year; an era
  // is 400 years (146,097 days).
  year -= month <= 2 ? 1 : 0;
  const long long era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);                                   // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;         // [0, 365]
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + static_cast<long long>(day_of_era) - 719468;
}

}  // namespace wattsim::traces
