#include "simcore/quantity.hpp"

#include <catch2/catch.hpp>

#include "simcore/error.hpp"

using namespace wattsim::simcore;
using Catch::Matchers::Contains;

TEST_CASE("power units", "[simcore][quantity]") {
  CHECK(parse_quantity("400 W", Dimension::kPower) == 400.0);
  CHECK(parse_quantity("400W", Dimension::kPower) == 400.0);
  CHECK(parse_quantity("1.2 kW", Dimension::kPower) == 1200.0);
  CHECK(parse_quantity("1.2 MW", Dimension::kPower) == 1.2e6);
  CHECK(parse_quantity("0.5 GW", Dimension::kPower) == 5e8);
  CHECK(parse_quantity("  3e3 W ", Dimension::kPower) == 3000.0);
  CHECK(parse_quantity("+7 kW", Dimension::kPower) == 7000.0);
  CHECK(parse_quantity("0 W", Dimension::kPower) == 0.0);
}

TEST_CASE("energy units", "[simcore][quantity]") {
  CHECK(parse_quantity("5 J", Dimension::kEnergy) == 5.0);
  CHECK(parse_quantity("2 kJ", Dimension::kEnergy) == 2000.0);
  CHECK(parse_quantity("3 MJ", Dimension::kEnergy) == 3e6);
  CHECK(parse_quantity("1 GJ", Dimension::kEnergy) == 1e9);
  CHECK(parse_quantity("1 Wh", Dimension::kEnergy) == 3600.0);
  CHECK(parse_quantity("2.5 kWh", Dimension::kEnergy) == 9e6);
  CHECK(parse_quantity("1 MWh", Dimension::kEnergy) == 3.6e9);
  CHECK(parse_quantity("1 GWh", Dimension::kEnergy) == 3.6e12);
}

TEST_CASE("time units", "[simcore][quantity]") {
  CHECK(parse_duration("250 us") == SimTime::from_us(250));
  CHECK(parse_duration("15 ms") == SimTime::from_ms(15));
  CHECK(parse_duration("90 s") == SimTime::seconds(90));
  CHECK(parse_duration("5 min") == SimTime::minutes(5));
  CHECK(parse_duration("1.5 h") == SimTime::minutes(90));
  CHECK(parse_duration("30 d") == SimTime::days(30));
  CHECK(parse_duration("2 w") == SimTime::days(14));
  CHECK(parse_duration("1 y") == SimTime::days(365));
  CHECK(parse_quantity("1 h", Dimension::kTime) == 3600.0);
}

TEST_CASE("carbon intensity, mass, temperature, fraction, money and frequency units", "[simcore][quantity]") {
  CHECK(parse_quantity("250 g/kWh", Dimension::kCarbonIntensity) == 250.0);
  CHECK(parse_quantity("0.4 kg/kWh", Dimension::kCarbonIntensity) == Approx(400.0).epsilon(1e-15));
  CHECK(parse_quantity("385 kg/MWh", Dimension::kCarbonIntensity) == 385.0);
  CHECK(parse_quantity("0.45 t/MWh", Dimension::kCarbonIntensity) == Approx(450.0).epsilon(1e-15));
  CHECK(parse_quantity("500 g", Dimension::kMass) == 0.5);
  CHECK(parse_quantity("12 kg", Dimension::kMass) == 12.0);
  CHECK(parse_quantity("3 t", Dimension::kMass) == 3000.0);
  CHECK(parse_quantity("27 C", Dimension::kTemperature) == 27.0);
  CHECK(parse_quantity("-10 C", Dimension::kTemperature) == -10.0);  // Celsius may be negative
  CHECK(parse_quantity("300 K", Dimension::kTemperature) == Approx(26.85).epsilon(1e-12));
  CHECK(parse_quantity("85 %", Dimension::kFraction) == Approx(0.85).epsilon(1e-15));
  CHECK(parse_quantity("85%", Dimension::kFraction) == Approx(0.85).epsilon(1e-15));
  CHECK(parse_quantity("0.3", Dimension::kFraction) == 0.3);
  CHECK(parse_quantity("1234.5", Dimension::kMoney) == 1234.5);
  CHECK(parse_quantity("1980 MHz", Dimension::kFrequency) == 1.98e9);
  CHECK(parse_quantity("1.41 GHz", Dimension::kFrequency) == Approx(1.41e9).epsilon(1e-15));
  CHECK(parse_quantity("-3.5", Dimension::kMoney, {.allow_negative = true}) == -3.5);
}

TEST_CASE("bad input quotes the text and says what was expected", "[simcore][quantity]") {
  CHECK_THROWS_WITH(parse_quantity("12 parsecs", Dimension::kTime),
                    Contains("\"12 parsecs\"") && Contains("a time") && Contains("unknown unit \"parsecs\"") &&
                        Contains("us, ms, s, min, h, d, w, y"));
  CHECK_THROWS_WITH(parse_quantity("1.2.3 kW", Dimension::kPower),
                    Contains("\"1.2.3 kW\"") && Contains("\".3 kW\" follows the number 1.2") &&
                        Contains("W, kW, MW, GW"));
  CHECK_THROWS_WITH(parse_quantity("", Dimension::kPower), Contains("empty") && Contains("W, kW, MW, GW"));
  CHECK_THROWS_WITH(parse_quantity("   ", Dimension::kEnergy), Contains("empty") && Contains("an energy"));
  CHECK_THROWS_WITH(parse_quantity("-5 W", Dimension::kPower), Contains("\"-5 W\"") && Contains("negative"));
  CHECK_THROWS_WITH(parse_quantity("400", Dimension::kPower), Contains("unit is missing"));
  CHECK_THROWS_WITH(parse_quantity("kW", Dimension::kPower), Contains("does not start with a number"));
  CHECK_THROWS_WITH(parse_quantity("400 kw", Dimension::kPower), Contains("unknown unit \"kw\""));  // case matters
  CHECK_THROWS_WITH(parse_quantity("400 kWh", Dimension::kPower), Contains("unknown unit \"kWh\""));
  CHECK_THROWS_WITH(parse_quantity("inf W", Dimension::kPower), Contains("not finite"));
  CHECK_THROWS_WITH(parse_quantity("nan W", Dimension::kPower), Contains("not finite"));
  CHECK_THROWS_WITH(parse_quantity("1e999 W", Dimension::kPower), Contains("out of range"));
  // Fuzz regression (tests/fuzz/regressions/quantity): the number fits a double, the watts do not.
  CHECK_THROWS_WITH(parse_quantity("1e308 GW", Dimension::kPower),
                    Contains("\"1e308 GW\"") && Contains("out of range in W"));
  CHECK_THROWS_WITH(parse_duration("1e305 y"), Contains("out of range in s"));
  CHECK_THROWS_WITH(parse_quantity("-300 C", Dimension::kTemperature), Contains("absolute zero"));
  CHECK_THROWS_WITH(parse_quantity("-3 K", Dimension::kTemperature), Contains("kelvins cannot be negative"));
  CHECK_THROWS_WITH(parse_quantity("5 USD", Dimension::kMoney), Contains("expected a plain number"));
  CHECK_THROWS_WITH(parse_quantity("85 percent", Dimension::kFraction), Contains("optionally followed by %"));
  CHECK_THROWS_WITH(parse_duration("1e20 y"), Contains("longer than the simulated span"));
  CHECK_THROWS_AS(parse_quantity("12 parsecs", Dimension::kTime), InputError);
}

TEST_CASE("dimension names and units for messages", "[simcore][quantity]") {
  CHECK(dimension_name(Dimension::kCarbonIntensity) == "carbon intensity");
  CHECK(internal_unit(Dimension::kCarbonIntensity) == "g/kWh");
  CHECK(internal_unit(Dimension::kEnergy) == "J");
  CHECK(accepted_units(Dimension::kMass) == "g, kg, t");
}

TEST_CASE("data sizes: decimal and binary prefixes, case-sensitive", "[simcore][quantity]") {
  CHECK(parse_quantity("512 B", Dimension::kDataSize) == 512.0);
  CHECK(parse_quantity("32 GB", Dimension::kDataSize) == 32e9);
  CHECK(parse_quantity("1 kB", Dimension::kDataSize) == 1000.0);
  CHECK(parse_quantity("1 KiB", Dimension::kDataSize) == 1024.0);
  CHECK(parse_quantity("512 MiB", Dimension::kDataSize) == 512.0 * 1024 * 1024);
  CHECK(parse_quantity("1.5 GiB", Dimension::kDataSize) == 1.5 * 1024 * 1024 * 1024);
  CHECK(parse_quantity("2 TB", Dimension::kDataSize) == 2e12);
  CHECK(parse_quantity("1 TiB", Dimension::kDataSize) == 1099511627776.0);
  CHECK(parse_quantity("1 PB", Dimension::kDataSize) == 1e15);
  CHECK(dimension_name(Dimension::kDataSize) == "data size");
  CHECK(internal_unit(Dimension::kDataSize) == "B");
  // "mb" would be millibits: units are case-sensitive, and a size needs its unit.
  CHECK_THROWS_WITH(parse_quantity("32 gb", Dimension::kDataSize),
                    Contains("a data size") && Contains("unknown unit \"gb\"") && Contains("KiB, MiB, GiB"));
  CHECK_THROWS_WITH(parse_quantity("4096", Dimension::kDataSize), Contains("unit is missing"));
  CHECK_THROWS_WITH(parse_quantity("-1 GB", Dimension::kDataSize), Contains("negative"));
}
