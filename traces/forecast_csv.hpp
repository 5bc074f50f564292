#pragma once
// Forecast issues read from CSV: what was known when (issue 13, docs/forecasts.md). Each row is
// one forecast value: `time` (the instant it is for), `issued_at` (when the forecast was
// made) and `value`. Rows are grouped by issued_at, which must not decrease down the file;
// within one issue, times strictly increase. Each row's value holds from its time until the
// issue's next row; the last row's value holds on (forecast::make_forecast's file model).
//
//   time,issued_at,value
//   2023-01-01T00:00:00Z,2022-12-31T12:00:00Z,310     -> issue 0 (issued 12 h before the origin
//   2023-01-01T01:00:00Z,2022-12-31T12:00:00Z,290        2023-01-01): -12 h; rows at 0 h, 1 h
//   2023-01-01T01:00:00Z,2023-01-01T00:30:00Z,305     -> issue 1: issued at 0.5 h; rows at 1 h, 2 h
//   2023-01-01T02:00:00Z,2023-01-01T00:30:00Z,280
//
// Times are UTC as in the series CSVs (parse_utc_time: "YYYY-MM-DD HH:MM:SS", "T", fractions,
// "Z" or an offset, or epoch seconds) and become simulated time by subtracting the calendar
// origin (the UTC instant of simulated time 0). Other columns are ignored; column order is
// free. The file streams through a fixed-size buffer. Every bad row (wrong field count, a
// time that does not parse, an issue time that goes back, a time not after the previous row
// of its issue, a value that is not a finite number or is out of bounds) is reported, with
// path:line:column, what was found and what was expected, in one simcore::InputError (at most
// kMaxRowErrors of them, then a count of the rest); a header problem stops at once.

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "models/forecast/forecast.hpp"
#include "simcore/time.hpp"

namespace wattsim::traces {

struct ForecastCsvOptions {
  std::string time_column = "time";
  std::string issued_column = "issued_at";
  std::string value_column = "value";
  double scale = 1.0;  // multiply each value (unit conversion done by the caller)
  std::string name;    // for messages, e.g. "carbon intensity forecast"
  // Every value, once scaled, must lie in [min_value, max_value]. Requires min <= max.
  double min_value = -std::numeric_limits<double>::infinity();
  double max_value = std::numeric_limits<double>::infinity();
};

inline constexpr std::size_t kMaxRowErrors = 50;

// The issues in file order (issued_at strictly increasing), times in simulated time.
std::vector<forecast::Issue> read_forecast_csv(const std::string& path, const ForecastCsvOptions& options,
                                               simcore::SimTime calendar_origin);

}  // namespace wattsim::traces
