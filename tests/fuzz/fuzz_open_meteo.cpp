// Fuzzes traces::read_open_meteo_json (Open-Meteo's Historical Weather API response). Input:
// the JSON file, read for temperature_2m.
//
// Promises checked for a series read: strictly increasing times one hour apart, an end one
// hour after the last time, finite values.

#include <cmath>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"
#include "traces/weather.hpp"

using namespace wattsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      fuzz::write_file("weather.json", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_input_error([&] {
    const simcore::StepSeries series = traces::read_open_meteo_json(path);
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
