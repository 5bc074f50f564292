// Printed numbers: each unit's steps, three significant digits, the carry at a step ("999.7 kWh"
// is "1 MWh"), thousands separators, and the zero rule.

#include "app/units_text.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace wattsim::app;

TEST_CASE("energy prints in kWh, MWh, GWh or TWh with three significant digits", "[app][units]") {
  CHECK(format_energy_kwh(532.4) == "532 kWh");
  CHECK(format_energy_kwh(12.345) == "12.3 kWh");
  CHECK(format_energy_kwh(0.5) == "0.5 kWh");
  CHECK(format_energy_kwh(999.4) == "999 kWh");
  CHECK(format_energy_kwh(999.7) == "1 MWh");  // not "1e+03 kWh"
  CHECK(format_energy_kwh(1234.0) == "1.23 MWh");
  CHECK(format_energy_kwh(824'205.0) == "824 MWh");
  CHECK(format_energy_kwh(4.56e6) == "4.56 GWh");
  CHECK(format_energy_kwh(1.2e9) == "1.2 TWh");
  CHECK(format_energy_kwh(5.0e12) == "5,000 TWh");
  CHECK(format_energy_kwh(-2500.0) == "-2.5 MWh");
  CHECK(format_energy_kwh(0.0) == "0 kWh");
  CHECK(format_energy_kwh(-0.0) == "0 kWh");
}

TEST_CASE("power prints in kW, MW or GW", "[app][units]") {
  CHECK(format_power_kw(1451.66) == "1.45 MW");
  CHECK(format_power_kw(450.0) == "450 kW");
  CHECK(format_power_kw(2.5e6) == "2.5 GW");
}

TEST_CASE("mass prints in kg, t, kt or Mt", "[app][units]") {
  CHECK(format_mass_kg(12.34) == "12.3 kg");
  CHECK(format_mass_kg(539'000.0) == "539 t");
  CHECK(format_mass_kg(1.2e6) == "1.2 kt");
  CHECK(format_mass_kg(3.4e9) == "3.4 Mt");
}

TEST_CASE("durations print in s, min, h or d", "[app][units]") {
  CHECK(format_duration_s(45.0) == "45 s");
  CHECK(format_duration_s(750.0) == "12.5 min");
  CHECK(format_duration_s(3.2 * 3600) == "3.2 h");
  CHECK(format_duration_s(6.5 * 86400) == "6.5 d");
  CHECK(format_duration_s(30 * 86400.0) == "30 d");
  CHECK(format_duration_s(59.99) == "1 min");
  CHECK(format_duration_s(0.25) == "0.25 s");
}

TEST_CASE("money prints with its currency's name, whole units with separators from 100 up", "[app][units]") {
  CHECK(format_money(12'345.4, "EUR") == "12,345 EUR");
  CHECK(format_money(1'234'567.5, "USD") == "1,234,568 USD");
  CHECK(format_money(-98'765.0, "USD") == "-98,765 USD");
  CHECK(format_money(7.5, "") == "7.50 currency");
  CHECK(format_money(99.996, "EUR") == "100 EUR");
  CHECK(format_money(-0.001, "EUR") == "0.00 EUR");  // no "-0.00"
}

TEST_CASE("a value negligible beside its reference prints as 0", "[app][units]") {
  CHECK(zero_if_negligible(-7.27596e-12, 539'000.0) == 0.0);
  CHECK(zero_if_negligible(1e-3, 539'000.0) == 1e-3);  // 2e-9 of it: not negligible
  CHECK(zero_if_negligible(5e-4, 539'000.0) == 0.0);   // 0.93e-9 of it
  CHECK(zero_if_negligible(1e-300, 0.0) == 1e-300);    // without a reference only 0 is 0
  CHECK(std::signbit(zero_if_negligible(-0.0, 0.0)) == false);
  CHECK(format_mass_kg(-7.27596e-12, 539'000.0) == "0 kg");
  CHECK(format_mass_kg(-7.27596e-12) == "-7.28e-12 kg");
  CHECK(format_energy_kwh(3e-10, 1e3) == "0 kWh");
  CHECK(format_money(-4e-9, "EUR", 10.0) == "0.00 EUR");
  CHECK(format_plain(2e-12, 100.0) == "0");
}

TEST_CASE("plain numbers: counts grouped, ratios with four significant digits", "[app][units]") {
  CHECK(format_plain(12'345.0) == "12,345");
  CHECK(format_plain(1.2345678) == "1.235");
  CHECK(format_plain(0.0) == "0");
}

TEST_CASE("format_quantity picks the printing from a result set's unit", "[app][units]") {
  CHECK(format_quantity(824'205.0, "kWh") == "824 MWh");
  CHECK(format_quantity(1451.66, "kW") == "1.45 MW");
  CHECK(format_quantity(604'800.0, "s") == "7 d");
  CHECK(format_quantity(539'000.0, "kg CO2e") == "539 t CO2e");
  CHECK(format_quantity(-7.27596e-12, "kg CO2e", "", 539'000.0) == "0 kg CO2e");
  CHECK(format_quantity(2.5e6, "kg CO2e/y") == "2.5 kt CO2e/y");
  CHECK(format_quantity(12'345.4, "currency", "EUR") == "12,345 EUR");
  CHECK(format_quantity(12'345.4, "currency/y", "USD") == "12,345 USD/y");
  CHECK(format_quantity(12'345.4, "currency") == "12,345 currency");
  CHECK(format_quantity(12'345.4, "EUR", "EUR") == "12,345 EUR");  // a unit that names the currency
  CHECK(format_quantity(12'345.4, "EUR/y", "EUR") == "12,345 EUR/y");
  CHECK(format_quantity(0.25, "EUR/kWh", "EUR") == "0.25 EUR/kWh");
  CHECK(format_quantity(0.07123, "currency/kWh", "USD") == "0.07123 USD/kWh");
  CHECK(format_quantity(1.23456, "1") == "1.235");
  CHECK(format_quantity(1.23456, "") == "1.235");
  CHECK(format_quantity(23.456, "C") == "23.46 C");
  CHECK(format_quantity(std::numeric_limits<double>::quiet_NaN(), "C") == "nan C");
  CHECK(format_quantity(std::numeric_limits<double>::infinity(), "kW") == "inf kW");
}
