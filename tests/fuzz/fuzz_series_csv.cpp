// Fuzzes traces::read_series_csv (carbon intensity, prices, capacity factors) and
// parse_utc_time. Input: a first line of options, then the CSV file:
//
//   <flags byte><time column>\t<value column>\n      (both names may be empty)
//   Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)
//   2023-01-01 00:00:00,90.5
//
// flags: bit 0 skip rows with an empty value; bit 1 detect gaps; bit 2 times mark the end of
// each interval; bit 3 rows at most 1 h apart; bit 4 values in [0, 1]; bit 5 scale by 1e-3.
//
// Promises checked for a series read: at least one segment, strictly increasing times, an end
// after the last time, every value finite and within the bounds.

#include <cmath>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"
#include "traces/series_csv.hpp"

using namespace wattsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (size == 0 || newline == std::string_view::npos) return 0;
  const std::string_view options_line = input.substr(1, newline - 1);
  const std::size_t tab = options_line.find('\t');
  const unsigned flags = data[0];
  traces::SeriesCsvOptions options;
  options.time_column = std::string(options_line.substr(0, tab));
  options.value_column = tab == std::string_view::npos ? std::string() : std::string(options_line.substr(tab + 1));
  if ((flags & 1U) != 0) options.empty_cells = traces::SeriesCsvOptions::EmptyCells::kSkipRow;
  options.detect_gaps = (flags & 2U) != 0;
  options.times_mark_end = (flags & 4U) != 0;
  if ((flags & 8U) != 0) options.max_interval = simcore::SimTime::hours(1);
  if ((flags & 16U) != 0) {
    options.min_value = 0.0;
    options.max_value = 1.0;
  }
  if ((flags & 32U) != 0) options.scale = 1e-3;
  options.name = "fuzzed series";

  const std::string path = fuzz::write_file("series.csv", input.substr(newline + 1));
  fuzz::expect_input_error([&] {
    const simcore::StepSeries series = traces::read_series_csv(path, options);
    WATTSIM_FUZZ_CHECK(!series.empty());
    const auto& times = series.times();
    const auto& values = series.values();
    WATTSIM_FUZZ_CHECK(times.size() == values.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      WATTSIM_FUZZ_CHECK(i == 0 || times[i - 1] < times[i]);
      WATTSIM_FUZZ_CHECK(std::isfinite(values[i]));
      WATTSIM_FUZZ_CHECK(values[i] >= options.min_value && values[i] <= options.max_value);
    }
    WATTSIM_FUZZ_CHECK(series.end() > times.back());
  });
  // The time parser alone, on the options line's time column name.
  fuzz::expect_input_error([&] {
    const simcore::SimTime t = traces::parse_utc_time(options.time_column);
    traces::format_utc_time(t);
  });
  return 0;
}
