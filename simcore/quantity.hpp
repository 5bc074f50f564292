#pragma once
// Quantities with units, parsed at the input edge into wattsim's internal units:
//
//   dimension          internal unit   accepted units
//   power              W               W kW MW GW
//   energy             J               J kJ MJ GJ Wh kWh MWh GWh
//   time               s               us ms s min h d w y      (y = 365 d)
//   carbon intensity   g/kWh           g/kWh kg/kWh kg/MWh t/MWh
//   mass               kg              g kg t
//   temperature        C               C K                     (degrees Celsius)
//   fraction           1               %  or a bare number     ("85 %" = 0.85)
//   money              1               a bare number            (the currency is set elsewhere)
//   frequency          Hz              Hz kHz MHz GHz
//   data size          B               B kB MB GB TB PB KiB MiB GiB TiB PiB   (kB = 1000 B, KiB = 1024 B)
//
// A number may be followed by its unit with or without a space ("400 W", "400W"). Every unit
// is case-sensitive (mW would be milliwatts, so MW and mW must not be confused). Errors quote
// the text and list what was expected, e.g.
//   cannot read "12 parsecs" as a time: unknown unit "parsecs"; expected a number followed by
//   one of us, ms, s, min, h, d, w, y

#include <string>
#include <string_view>

#include "simcore/time.hpp"

namespace wattsim::simcore {

enum class Dimension {
  kPower, kEnergy, kTime, kCarbonIntensity, kMass, kTemperature, kFraction, kMoney, kFrequency, kDataSize
};

struct QuantityOptions {
  // Negative values are errors unless allowed (temperatures in C may always be negative,
  // but never below absolute zero).
  bool allow_negative = false;
};

// Throws simcore::InputError (without a location: the caller adds the JSON path or file:line).
double parse_quantity(std::string_view text, Dimension dimension, QuantityOptions options = {});
// A time quantity as a SimTime (rounded to the microsecond).
SimTime parse_duration(std::string_view text, QuantityOptions options = {});

std::string_view dimension_name(Dimension dimension);  // "power", "carbon intensity", ...
std::string_view internal_unit(Dimension dimension);   // "W", "g/kWh", ...
// "W, kW, MW, GW", for messages.
std::string accepted_units(Dimension dimension);

}  // namespace wattsim::simcore
