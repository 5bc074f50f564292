#include "models/power/efficiency_curve.hpp"

#include <catch2/catch.hpp>

using wattsim::power::EfficiencyCurve;

namespace {
// 80 PLUS Titanium, 230 V internal redundant: 90/94/96/91 % at 10/20/50/100 % load.
EfficiencyCurve titanium() { return EfficiencyCurve({{0.1, 0.90}, {0.2, 0.94}, {0.5, 0.96}, {1.0, 0.91}}); }
}  // namespace

TEST_CASE("efficiency at the points and between them", "[power][efficiency]") {
  const auto c = titanium();
  CHECK(c.efficiency(0.1) == 0.90);
  CHECK(c.efficiency(0.2) == 0.94);
  CHECK(c.efficiency(0.5) == 0.96);
  CHECK(c.efficiency(1.0) == 0.91);
  CHECK(c.efficiency(0.35) == Approx(0.95).epsilon(1e-15));   // half way from 0.2 to 0.5
  CHECK(c.efficiency(0.75) == Approx(0.935).epsilon(1e-15));  // half way from 0.5 to 1.0
  CHECK(c.efficiency(0.15) == Approx(0.92).epsilon(1e-15));
}

TEST_CASE("efficiency is held at the end points outside the curve", "[power][efficiency]") {
  const auto c = titanium();
  CHECK(c.efficiency(0.05) == 0.90);
  CHECK(c.efficiency(0.0) == 0.90);
  CHECK(c.efficiency(1.3) == 0.91);
}

TEST_CASE("input power and losses follow from the efficiency", "[power][efficiency]") {
  const auto c = titanium();
  // Rated 10 kW, 3.5 kW out: eta 0.95.
  CHECK(c.input_power_w(3500.0, 10000.0) == Approx(3500.0 / 0.95).epsilon(1e-15));
  CHECK(c.input_power_w(0.0, 10000.0) == 0.0);  // no load, no loss
  const EfficiencyCurve lossless;
  CHECK(lossless.lossless());
  CHECK(lossless.input_power_w(1234.5, 10000.0) == 1234.5);
  CHECK(lossless.efficiency(0.3) == 1.0);
}

TEST_CASE("invalid curves are refused", "[power][efficiency]") {
  CHECK_THROWS_AS(EfficiencyCurve(std::vector<wattsim::power::EfficiencyPoint>{}), std::invalid_argument);
  CHECK_THROWS_AS(EfficiencyCurve({{0.0, 0.9}}), std::invalid_argument);
  CHECK_THROWS_AS(EfficiencyCurve({{0.1, 1.1}}), std::invalid_argument);
  CHECK_THROWS_AS(EfficiencyCurve({{0.1, 0.0}}), std::invalid_argument);
  CHECK_THROWS_AS(EfficiencyCurve({{0.5, 0.9}, {0.5, 0.95}}), std::invalid_argument);
  CHECK_THROWS_AS(EfficiencyCurve({{0.5, 0.9}, {0.2, 0.95}}), std::invalid_argument);
}
