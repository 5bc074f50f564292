// Fuzzes simcore::parse_quantity and parse_duration (the units of every scenario field).
// Input: one byte choosing the dimension (low 4 bits, modulo the 10 dimensions) and whether
// negative values are allowed (bit 7), then the text, e.g. "\x00" "400 kW".
//
// Promise checked: an accepted quantity is a finite number in the internal unit, >= 0 unless
// negatives are allowed (temperatures: not below absolute zero).

#include <cmath>
#include <iterator>
#include <string_view>

#include "simcore/quantity.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace wattsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr simcore::Dimension kDimensions[] = {simcore::Dimension::kPower,     simcore::Dimension::kEnergy,
                                                simcore::Dimension::kTime,      simcore::Dimension::kCarbonIntensity,
                                                simcore::Dimension::kMass,      simcore::Dimension::kTemperature,
                                                simcore::Dimension::kFraction,  simcore::Dimension::kMoney,
                                                simcore::Dimension::kFrequency, simcore::Dimension::kDataSize};
  const simcore::Dimension dimension = kDimensions[(data[0] & 0x0F) % std::size(kDimensions)];
  const simcore::QuantityOptions options{(data[0] & 0x80) != 0};
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  fuzz::expect_input_error([&] {
    const double value = simcore::parse_quantity(text, dimension, options);
    WATTSIM_FUZZ_CHECK(std::isfinite(value));
    if (dimension == simcore::Dimension::kTemperature) {
      WATTSIM_FUZZ_CHECK(value >= -273.15);
    } else if (!options.allow_negative) {
      WATTSIM_FUZZ_CHECK(value >= 0.0);
    }
  });
  if (dimension == simcore::Dimension::kTime) {
    fuzz::expect_input_error([&] { simcore::parse_duration(text, options); });
  }
  return 0;
}
