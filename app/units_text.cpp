#include "app/units_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <span>

namespace wattsim::app {
namespace {

struct Scale {
  double factor;  // base units per this unit
  const char* name;
};

constexpr Scale kEnergy[] = {{1.0, "kWh"}, {1e3, "MWh"}, {1e6, "GWh"}, {1e9, "TWh"}};
constexpr Scale kPower[] = {{1.0, "kW"}, {1e3, "MW"}, {1e6, "GW"}};
constexpr Scale kMass[] = {{1.0, "kg"}, {1e3, "t"}, {1e6, "kt"}, {1e9, "Mt"}};
constexpr Scale kDuration[] = {{1.0, "s"}, {60.0, "min"}, {3600.0, "h"}, {86400.0, "d"}};

// A rounded "-0", "-0.00" loses its sign.
std::string without_negative_zero(std::string text) {
  if (!text.empty() && text.front() == '-' && text.find_first_of("123456789") == std::string::npos) text.erase(0, 1);
  return text;
}

// A comma every three digits: "1234567" -> "1,234,567".
std::string with_commas(std::string digits) {
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

// A whole number with a comma every three digits: "-1,234,567".
std::string grouped(double whole) {
  return without_negative_zero((whole < 0 ? "-" : "") + with_commas(fmt::format("{:.0f}", std::fabs(whole))));
}

// Three significant digits ("1.23", "45", "0.5"), grouped whole numbers from 1,000 up.
std::string significant(double x) {
  if (std::fabs(x) >= 999.5) return grouped(std::round(x));
  return without_negative_zero(fmt::format("{:.3g}", x));
}

// The value in the largest unit in which it is at least 1 once rounded to three digits ("999.7
// kWh" is "1 MWh", not "1e+03 kWh"); values under 1 in the smallest unit.
std::string scaled(double value, double reference, std::span<const Scale> scales) {
  value = zero_if_negligible(value, reference);
  if (!std::isfinite(value)) return fmt::format("{} {}", value, scales.front().name);
  std::size_t pick = 0;
  for (std::size_t i = 1; i < scales.size(); ++i) {
    if (std::fabs(value) / scales[i].factor >= 0.9995) pick = i;
  }
  return significant(value / scales[pick].factor) + " " + scales[pick].name;
}

}  // namespace

double zero_if_negligible(double value, double reference) noexcept {
  return std::fabs(value) <= kNegligible * std::fabs(reference) ? 0.0 : value;  // -0 too
}

std::string format_energy_kwh(double kwh, double reference_kwh) {
  return scaled(kwh, reference_kwh, kEnergy);
}

std::string format_power_kw(double kw, double reference_kw) {
  return scaled(kw, reference_kw, kPower);
}

std::string format_mass_kg(double kg, double reference_kg) {
  return scaled(kg, reference_kg, kMass);
}

std::string format_duration_s(double seconds, double reference_s) {
  return scaled(seconds, reference_s, kDuration);
}

std::string format_money(double amount, const std::string& currency, double reference) {
  amount = zero_if_negligible(amount, reference);
  const std::string name = currency.empty() ? "currency" : currency;
  if (!std::isfinite(amount)) return fmt::format("{} {}", amount, name);
  if (std::fabs(amount) >= 99.995) return grouped(std::round(amount)) + " " + name;
  return without_negative_zero(fmt::format("{:.2f}", amount)) + " " + name;
}

std::string format_plain(double value, double reference) {
  value = zero_if_negligible(value, reference);
  if (std::isfinite(value) && value == std::round(value) && std::fabs(value) < 1e15) return grouped(value);
  return without_negative_zero(fmt::format("{:.4g}", value));
}

std::string format_quantity(double value, const std::string& unit_in, const std::string& currency, double reference) {
  // A unit that names the currency ("EUR", "EUR/y") reads as "currency", "currency/y".
  std::string unit = unit_in;
  if (!currency.empty() && unit.compare(0, currency.size(), currency) == 0 &&
      (unit.size() == currency.size() || unit[currency.size()] == '/')) {
    unit = "currency" + unit.substr(currency.size());
  }
  // A unit of the form PREFIX + rest, where rest is empty or starts with ' ' or '/'.
  const auto rest_after = [&](const std::string& prefix) -> const char* {
    if (unit.compare(0, prefix.size(), prefix) != 0) return nullptr;
    const char* rest = unit.c_str() + prefix.size();
    return *rest == '\0' || *rest == ' ' || *rest == '/' ? rest : nullptr;
  };
  if (unit == "kWh") return format_energy_kwh(value, reference);
  if (unit == "kW") return format_power_kw(value, reference);
  if (unit == "s") return format_duration_s(value, reference);
  if (unit == "1" || unit.empty()) return format_plain(value, reference);
  if (const char* rest = rest_after("kg")) return format_mass_kg(value, reference) + rest;  // "kg CO2e/y": "t CO2e/y"
  if (unit == "currency" || unit == "currency/y") {
    return format_money(value, currency, reference) + unit.substr(std::string("currency").size());
  }
  std::string named = unit;
  if (const auto at = named.find("currency"); at != std::string::npos && !currency.empty()) {
    named.replace(at, std::string("currency").size(), currency);
  }
  return without_negative_zero(fmt::format("{:.4g}", zero_if_negligible(value, reference))) + " " + named;
}

std::string with_currency(std::string unit, const std::string& currency) {
  static const std::string kPlaceholder = "currency";
  if (const auto at = unit.find(kPlaceholder); at != std::string::npos && !currency.empty()) {
    unit.replace(at, kPlaceholder.size(), currency);
  }
  return unit;
}

std::string group_digits(std::uint64_t n) { return with_commas(std::to_string(n)); }

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t u = 0;
  while (bytes >= 1000.0 && u + 1 < std::size(kUnits)) {
    bytes /= 1000.0;
    ++u;
  }
  if (u == 0) return fmt::format("{:.0f} B", bytes);
  return bytes < 100.0 ? fmt::format("{:.1f} {}", bytes, kUnits[u]) : fmt::format("{:.0f} {}", bytes, kUnits[u]);
}

}  // namespace wattsim::app
