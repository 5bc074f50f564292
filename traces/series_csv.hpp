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
//
// Options can skip rows with an empty value cell (EIA-930 files have a few), refuse gaps
// between rows, and bound the values:
//   timestamp,SUN
//   2022-01-05 09:00:00+00:00,120
//   2022-01-05 10:00:00+00:00,          -> kSkipRow: 120 holds on [09:00, 11:00)
//   2022-01-05 11:00:00+00:00,300
//   2022-01-05 14:00:00+00:00,500       -> max_interval 1 h: "gap of 3 h after 2022-01-05 11:00:00+00:00; ..."

#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "simcore/calendar.hpp"
#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::traces {

struct SeriesCsvOptions {
  std::string time_column;   // empty: the first column
  std::string value_column;  // empty: the only other column (error if there are several, listing them)
  double scale = 1.0;        // multiply each value (unit conversion done by the caller)
  std::string name;          // for messages and the series' name, e.g. "carbon intensity"

  // A row whose value cell is empty is an error (kError) or is dropped (kSkipRow): the value
  // before it then holds over the missing rows, and a series starts at its first non-empty
  // row. A skipped row's time is still read, must still increase, and still counts for the
  // gap check and for the end of the series (a skipped last row extends the value before it).
  enum class EmptyCells { kError, kSkipRow };
  EmptyCells empty_cells = EmptyCells::kError;

  // Rows further apart than max_interval (a missing row) are an error at the later row. With
  // detect_gaps and no max_interval, the limit is 1.5 x the file's first interval (a regular
  // hourly file then refuses any interval over 90 min). max_interval must be > 0.
  std::optional<simcore::SimTime> max_interval = std::nullopt;
  bool detect_gaps = false;

  // Every value, once scaled, must lie in [min_value, max_value] (e.g. [0, 1] for capacity
  // factors); otherwise an error names the bound. Requires min_value <= max_value.
  double min_value = -std::numeric_limits<double>::infinity();
  double max_value = std::numeric_limits<double>::infinity();

  // Each row's time marks the END of its value's interval ("valid for the 5 minutes before the
  // timestamp"): the whole series moves back by the first row interval, so a value holds over
  // [t - interval, t). For regular series (see detect_gaps).
  bool times_mark_end = false;
};

// Reads (time, value) rows; times must be strictly increasing and values finite numbers.
// Needs at least two rows (one row leaves the interval length, and so the end, unknown).
// Equal consecutive values merge into one segment of the returned series.
simcore::StepSeries read_series_csv(const std::string& path, const SeriesCsvOptions& options);

// The text inside the last pair of round or square brackets of a column name, trimmed of
// blanks: "Price (USD/MWh)" -> "USD/MWh", "value [g/kWh]" -> "g/kWh",
// "Carbon Intensity gCO₂eq/kWh (LCA)" -> "LCA" (the caller decides whether that is a unit),
// "plain" -> "". Brackets nest ("a (b (c))" -> "b (c)"); a closing bracket without its
// opening one is passed over.
std::string unit_in_header(std::string_view column_name);

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

// Days from 1970-01-01 to a date: the calendar lives in simcore/calendar.hpp.
using simcore::days_from_civil;

}  // namespace wattsim::traces
