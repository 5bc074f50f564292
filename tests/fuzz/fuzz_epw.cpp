// Fuzzes traces::read_epw (EnergyPlus weather, dry-bulb temperature). Input: one byte choosing
// the year to place the rows in (0: the first row's own year; else 1999 + byte, leap years
// and not), then the EPW file.
//
// Promises checked for a series read: strictly increasing times, an end after the last time,
// finite values.

#include <cmath>
#include <optional>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"
#include "traces/weather.hpp"

using namespace wattsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::optional<int> year = data[0] == 0 ? std::nullopt : std::optional<int>(1999 + data[0]);
  const std::string path =
      fuzz::write_file("weather.epw", std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  fuzz::expect_input_error([&] {
    const simcore::StepSeries series = traces::read_epw(path, year);
    WATTSIM_FUZZ_CHECK(!series.empty());
    const auto& times = series.times();
    for (std::size_t i = 0; i < times.size(); ++i) {
      WATTSIM_FUZZ_CHECK(i == 0 || times[i - 1] < times[i]);
      WATTSIM_FUZZ_CHECK(std::isfinite(series.values()[i]));
    }
    WATTSIM_FUZZ_CHECK(series.end() > times.back());
  });
  return 0;
}
