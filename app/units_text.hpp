#pragma once
// Numbers for people: the printed summaries of `wattsim run`, `batch` and `inspect` show each
// value in a unit of its size, with three significant digits (result sets keep SI-ish units
// and full precision; this is only the output edge).
//
//   format_energy_kwh(532.4)          "532 kWh"      format_energy_kwh(1.2345e6)  "1.23 GWh"
//   format_power_kw(1451.66)          "1.45 MW"      format_mass_kg(539'000)      "539 t"
//   format_duration_s(2'592'000)      "30 d"         format_duration_s(750)       "12.5 min"
//   format_money(12'345.4, "EUR")     "12,345 EUR"   format_money(7.5, "")        "7.50 currency"
//
// The zero rule: rounding leaves a balance that should be 0 (net-zero carbon, a battery's net
// energy) a few ulps of its parts away from it. A value whose magnitude is at most
// kNegligible x |reference| (the total it is a part of, or the largest value beside it) prints
// as 0: format_mass_kg(-7.27596e-12, 539'000) is "0 kg", where today's printing shows
// "-7.27596e-12 kg". With reference 0 only an exact 0 is zero. Non-finite values print as
// "nan"/"inf"/"-inf" followed by the base unit.

#include <cstdint>
#include <string>

namespace wattsim::app {

inline constexpr double kNegligible = 1e-9;

// 0 when |value| <= kNegligible x |reference| (and for -0), else value.
double zero_if_negligible(double value, double reference) noexcept;

// kWh, MWh, GWh, TWh.
std::string format_energy_kwh(double kwh, double reference_kwh = 0);
// kW, MW, GW.
std::string format_power_kw(double kw, double reference_kw = 0);
// kg, t, kt, Mt.
std::string format_mass_kg(double kg, double reference_kg = 0);
// s (under a minute), min (under an hour), h (under a day), d.
std::string format_duration_s(double seconds, double reference_s = 0);
// Whole units with thousands separators from 100 up, else two decimals; "currency" when the
// currency is unknown ("").
std::string format_money(double amount, const std::string& currency, double reference = 0);
// "12,345" for whole numbers (counts), else four significant digits ("1.235").
std::string format_plain(double value, double reference = 0);

// A value in a result set's unit, printed with the functions above: "kWh", "kW", "s", "kg..."
// ("kg CO2e" gives "539 t CO2e", "kg CO2e/y" gives "539 t CO2e/y"), "currency" and
// "currency/y" (or the currency's own name: "EUR", "EUR/y"; "" for unknown), "1" or ""
// (plain). Any other unit: four
// significant digits and the unit, "currency" in it replaced by the currency's name
// ("0.0712 USD/kWh").
std::string format_quantity(double value, const std::string& unit, const std::string& currency = "",
                            double reference = 0);

// A unit with "currency" in it named by the price data's currency: ("currency/kWh", "USD")
// gives "USD/kWh"; unchanged when the currency is unknown ("").
std::string with_currency(std::string unit, const std::string& currency);

// "31,536,000": a count with a comma every three digits.
std::string group_digits(std::uint64_t n);
// "1.9 TB", "22.1 GB", "512 kB", "80 B" (decimal prefixes).
std::string format_bytes(double bytes);

}  // namespace wattsim::app
