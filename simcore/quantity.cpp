#include "simcore/quantity.hpp"

#include <charconv>
#include <cmath>
#include <span>

#include "simcore/error.hpp"

namespace wattsim::simcore {

namespace {

struct Unit {
  std::string_view symbol;
  double factor;  // internal units per one of this unit
};

constexpr Unit kPower[] = {{"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}, {"GW", 1e9}};
constexpr Unit kEnergy[] = {{"J", 1.0},       {"kJ", 1e3},       {"MJ", 1e6},        {"GJ", 1e9},
                            {"Wh", 3600.0},   {"kWh", 3.6e6},    {"MWh", 3.6e9},     {"GWh", 3.6e12}};
constexpr Unit kTime[] = {{"us", 1e-6}, {"ms", 1e-3},         {"s", 1.0},          {"min", 60.0},
                          {"h", 3600.0}, {"d", 86400.0},      {"w", 604800.0},     {"y", 31536000.0}};
constexpr Unit kIntensity[] = {{"g/kWh", 1.0}, {"kg/kWh", 1000.0}, {"kg/MWh", 1.0}, {"t/MWh", 1000.0}};
constexpr Unit kMass[] = {{"g", 1e-3}, {"kg", 1.0}, {"t", 1000.0}};
constexpr Unit kTemperature[] = {{"C", 1.0}, {"K", 1.0}};  // K is offset below
constexpr Unit kFraction[] = {{"%", 0.01}};
constexpr Unit kFrequency[] = {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
// Decimal (kB = 1000 B) and binary (KiB = 2^10 B) prefixes.
constexpr Unit kDataSize[] = {{"B", 1.0},       {"kB", 1e3},      {"MB", 1e6},      {"GB", 1e9},
                              {"TB", 1e12},     {"PB", 1e15},     {"KiB", 0x1p10},  {"MiB", 0x1p20},
                              {"GiB", 0x1p30},  {"TiB", 0x1p40},  {"PiB", 0x1p50}};

std::span<const Unit> units_of(Dimension d) {
  switch (d) {
    case Dimension::kPower: return kPower;
    case Dimension::kEnergy: return kEnergy;
    case Dimension::kTime: return kTime;
    case Dimension::kCarbonIntensity: return kIntensity;
    case Dimension::kMass: return kMass;
    case Dimension::kTemperature: return kTemperature;
    case Dimension::kFraction: return kFraction;
    case Dimension::kMoney: return {};
    case Dimension::kFrequency: return kFrequency;
    case Dimension::kDataSize: return kDataSize;
  }
  return {};
}

// Dimensions where a bare number (no unit) is complete.
bool unit_optional(Dimension d) { return d == Dimension::kFraction || d == Dimension::kMoney; }

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string expected_text(Dimension d) {
  if (d == Dimension::kMoney) return "expected a plain number";
  if (d == Dimension::kFraction) return "expected a number, optionally followed by %";
  return "expected a number followed by one of " + accepted_units(d);
}

[[noreturn]] void fail(std::string_view text, Dimension d, const std::string& why) {
  throw InputError("", "cannot read \"" + std::string(text) + "\" as " +
                           (std::string_view("aeiou").find(dimension_name(d).front()) != std::string_view::npos ? "an " : "a ") + std::string(dimension_name(d)) + ": " + why +
                           "; " + expected_text(d));
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::kPower: return "power";
    case Dimension::kEnergy: return "energy";
    case Dimension::kTime: return "time";
    case Dimension::kCarbonIntensity: return "carbon intensity";
    case Dimension::kMass: return "mass";
    case Dimension::kTemperature: return "temperature";
    case Dimension::kFraction: return "fraction";
    case Dimension::kMoney: return "amount of money";
    case Dimension::kFrequency: return "frequency";
    case Dimension::kDataSize: return "data size";
  }
  return "quantity";
}

std::string_view internal_unit(Dimension d) {
  switch (d) {
    case Dimension::kPower: return "W";
    case Dimension::kEnergy: return "J";
    case Dimension::kTime: return "s";
    case Dimension::kCarbonIntensity: return "g/kWh";
    case Dimension::kMass: return "kg";
    case Dimension::kTemperature: return "C";
    case Dimension::kFraction: return "1";
    case Dimension::kMoney: return "1";
    case Dimension::kFrequency: return "Hz";
    case Dimension::kDataSize: return "B";
  }
  return "";
}

std::string accepted_units(Dimension d) {
  std::string out;
  for (const Unit& u : units_of(d)) {
    if (!out.empty()) out += ", ";
    out += u.symbol;
  }
  return out;
}

double parse_quantity(std::string_view text, Dimension d, QuantityOptions options) {
  const std::string_view s = trim(text);
  if (s.empty()) fail(text, d, "the text is empty");

  double number = 0.0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  // from_chars rejects a leading '+'; accept it as people write it.
  if (*first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, number, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) fail(text, d, "the number is out of range");
  if (ec != std::errc() || ptr == first) fail(text, d, "it does not start with a number");
  if (!std::isfinite(number)) fail(text, d, "the number is not finite");

  const std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(last - ptr)));
  double factor = 1.0;
  if (unit.empty()) {
    if (!unit_optional(d)) fail(text, d, "the unit is missing");
  } else {
    bool found = false;
    for (const Unit& u : units_of(d)) {
      if (u.symbol == unit) {
        factor = u.factor;
        found = true;
        break;
      }
    }
    if (!found) {
      // "1.2.3 kW" leaves ".3 kW": name what follows the number, not a made-up unit.
      const bool looks_numeric = unit.front() == '.' || (unit.front() >= '0' && unit.front() <= '9');
      std::string why = looks_numeric ? std::string("\"") : std::string("unknown unit \"");
      why.append(unit);
      why += '"';
      if (looks_numeric) why.append(" follows the number ").append(first, ptr);
      fail(text, d, why);
    }
  }

  double value = number * factor;
  // "1e308 GW": a finite number in a finite unit, but not in the internal unit.
  if (!std::isfinite(value)) fail(text, d, "the number is out of range in " + std::string(internal_unit(d)));
  if (d == Dimension::kTemperature) {
    if (unit == "K") {
      if (number < 0.0) fail(text, d, "kelvins cannot be negative");
      value = number - 273.15;
    }
    if (value < -273.15) fail(text, d, "it is below absolute zero");
    return value;
  }
  if (value < 0.0 && !options.allow_negative) fail(text, d, "negative values are not allowed here");
  return value;
}

SimTime parse_duration(std::string_view text, QuantityOptions options) {
  const double seconds = parse_quantity(text, Dimension::kTime, options);
  try {
    return SimTime::from_seconds(seconds);
  } catch (const std::out_of_range&) {
    fail(text, Dimension::kTime, "it is longer than the simulated span");
  }
}

}  // namespace wattsim::simcore
