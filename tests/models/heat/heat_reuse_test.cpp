#include "models/heat/heat_reuse.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace wattsim::heat;

namespace {

constexpr double kEps = 1e-12;

// Liquid loop return 45 C, 765 kW (cooling_plant_test's liquid plant: 750 kW captured + 15 kW
// of pumps); exhaust air 35 C, 271.35 kW, half of it captured. Network at 70 C.
//   liquid: T_cond = 75 C = 348.15 K, T_evap = 40 C: COP = 0.43 x 348.15 / 35 = 4.27727142857
//   air:    T_evap = 30 C:                           COP = 0.43 x 348.15 / 45 = 3.32676666667
constexpr double kCopLiquid = 0.43 * 348.15 / 35.0;
constexpr double kCopAir = 0.43 * 348.15 / 45.0;
// Heat out when a whole source is lifted: 765000 x 4.27727 / 3.27727 = 998425.890 W and
// 135675 x 3.32677 / 2.32677 = 193985.531 W.
constexpr double kLiquidMaxOutW = 765000.0 * kCopLiquid / (kCopLiquid - 1.0);
constexpr double kAirMaxOutW = 135675.0 * kCopAir / (kCopAir - 1.0);

Plant district_plant() {
  Plant plant;
  plant.present = true;
  plant.network_supply_c = 70.0;
  plant.carnot_fraction = 0.43;
  plant.approach_k = 5.0;
  plant.liquid_capture = 1.0;
  plant.air_capture = 0.5;
  plant.air_source_c = 35.0;
  return plant;
}

Source datacenter_source() {
  return Source{765000.0, 45.0, 271350.0};
}

// Heat delivered is the source heat drawn plus the heat pumps' electricity.
void check_heat_pump_balance(const Flows& f) {
  CHECK(f.delivered_w == Approx(f.recovered_liquid_w + f.recovered_air_w + f.heat_pump_w).epsilon(kEps));
}

}  // namespace

TEST_CASE("heat pump COP from a Carnot fraction of the lift", "[heat]") {
  // 45 C source, 70 C network, 5 K approaches: T_cond 75 C = 348.15 K, T_evap 40 C, lift 35 K.
  CHECK(heat_pump_cop(45.0, 70.0, 0.43, 5.0) == Approx(0.43 * 348.15 / 35.0).epsilon(kEps));
  CHECK(heat_pump_cop(45.0, 70.0, 0.43, 5.0) == Approx(4.2774).epsilon(1e-4));
  // Exhaust air at 35 C: lift 75 - 30 = 45 K.
  CHECK(heat_pump_cop(35.0, 70.0, 0.43, 5.0) == Approx(3.3268).epsilon(1e-4));
  // No approach: 45 C to 70 C = 343.15 K, lift 25 K, Carnot fraction 0.5: 0.5 x 343.15 / 25.
  CHECK(heat_pump_cop(45.0, 70.0, 0.5, 0.0) == Approx(6.863).epsilon(kEps));
  // A source that is barely below the sink with no approach still needs a (tiny) lift:
  // 0.43 x 343.15 / 0.5 = 295.109.
  CHECK(heat_pump_cop(69.5, 70.0, 0.43, 0.0) == Approx(295.109).epsilon(kEps));
}

TEST_CASE("heat pump COP matches Zangeneh and Oi from a 45 C source", "[heat]") {
  // Carnot fraction 0.43, 5 K approaches, T_evap = 40 C:
  //   60 C: 0.43 x 338.15 / 25 = 5.81618 (reference 5.5: +5.75 %)
  //   70 C: 0.43 x 348.15 / 35 = 4.27727 (reference 4.3: -0.53 %)
  //   80 C: 0.43 x 358.15 / 45 = 3.42232 (reference 3.5: -2.22 %)
  const double cop60 = heat_pump_cop(45.0, 60.0, 0.43, 5.0);
  const double cop70 = heat_pump_cop(45.0, 70.0, 0.43, 5.0);
  const double cop80 = heat_pump_cop(45.0, 80.0, 0.43, 5.0);
  CHECK(cop60 == Approx(0.43 * 338.15 / 25.0).epsilon(kEps));
  CHECK(cop70 == Approx(0.43 * 348.15 / 35.0).epsilon(kEps));
  CHECK(cop80 == Approx(0.43 * 358.15 / 45.0).epsilon(kEps));
  CHECK(cop70 == Approx(4.3).epsilon(0.05));
  CHECK(cop80 == Approx(3.5).epsilon(0.05));
  // The header's "within 5 %" does not hold at 60 C: the Carnot-fraction model is 5.75 % above
  // the reference there (it overestimates COP at small lifts). Asserted as it is, not widened.
  CHECK(cop60 / 5.5 - 1.0 == Approx(0.0575).margin(5e-4));
  // COP falls as the network gets hotter.
  CHECK(cop60 > cop70);
  CHECK(cop70 > cop80);
}

TEST_CASE("a source hot enough for the network needs no heat pump", "[heat]") {
  CHECK(std::isinf(heat_pump_cop(75.0, 60.0, 0.43, 5.0)));  // 75 - 5 = 70 >= 60
  CHECK(std::isinf(heat_pump_cop(65.0, 60.0, 0.43, 5.0)));  // 65 - 5 = 60 >= 60: exactly enough
  CHECK(std::isfinite(heat_pump_cop(64.9, 60.0, 0.43, 5.0)));
  CHECK(std::isinf(heat_pump_cop(70.0, 70.0, 0.43, 0.0)));
}

TEST_CASE("reuse limited by the network's demand uses the liquid loop only", "[heat]") {
  const Flows f = reuse(district_plant(), datacenter_source(), 500000.0);
  // 500 kW < 998.4 kW the loop could give: Q_src = 500000 x 3.27727 / 4.27727 = 383103.046 W,
  // W = 500000 / 4.27727 = 116896.954 W; the air is not touched.
  CHECK(f.delivered_w == Approx(500000.0).epsilon(kEps));
  CHECK(f.recovered_liquid_w == Approx(500000.0 * (kCopLiquid - 1.0) / kCopLiquid).epsilon(kEps));
  CHECK(f.recovered_liquid_w == Approx(383103.046).epsilon(1e-8));
  CHECK(f.heat_pump_w == Approx(116896.954).epsilon(1e-8));
  CHECK(f.recovered_air_w == 0.0);
  CHECK(f.recoverable_w == Approx(765000.0 + 0.5 * 271350.0).epsilon(kEps));  // 900675 W
  CHECK(f.cop_liquid == Approx(kCopLiquid).epsilon(kEps));
  CHECK(f.cop_air == Approx(kCopAir).epsilon(kEps));
  check_heat_pump_balance(f);
}

TEST_CASE("reuse limited by its sources draws the loop dry, then the exhaust air", "[heat]") {
  const Plant plant = district_plant();
  SECTION("the air tops up what the loop cannot give") {
    const Flows f = reuse(plant, datacenter_source(), 1.1e6);
    // Loop: all 765000 W drawn, 998425.890 W out; air: the remaining 101574.110 W out, drawing
    // 101574.110 x 2.32677 / 3.32677 = 71041.0 W of the 135675 W it has.
    const double air_out_w = 1.1e6 - kLiquidMaxOutW;
    CHECK(f.recovered_liquid_w == Approx(765000.0).epsilon(kEps));
    CHECK(f.delivered_w == Approx(1.1e6).epsilon(kEps));
    CHECK(f.recovered_air_w == Approx(air_out_w * (kCopAir - 1.0) / kCopAir).epsilon(kEps));
    CHECK(f.recovered_air_w < 135675.0);
    CHECK(f.heat_pump_w == Approx(kLiquidMaxOutW / kCopLiquid + air_out_w / kCopAir).epsilon(kEps));
    check_heat_pump_balance(f);
  }
  SECTION("both sources exhausted, demand unmet") {
    const Flows f = reuse(plant, datacenter_source(), 2e6);
    // 998425.890 + 193985.531 = 1192411.421 W delivered.
    CHECK(f.recovered_liquid_w == Approx(765000.0).epsilon(kEps));
    CHECK(f.recovered_air_w == Approx(135675.0).epsilon(kEps));
    CHECK(f.delivered_w == Approx(kLiquidMaxOutW + kAirMaxOutW).epsilon(kEps));
    CHECK(f.delivered_w == Approx(1192411.421).epsilon(1e-9));
    CHECK(f.recovered_liquid_w + f.recovered_air_w == Approx(f.recoverable_w).epsilon(kEps));
    check_heat_pump_balance(f);
  }
}

TEST_CASE("reuse limited by the heat pumps' capacity", "[heat]") {
  Plant plant = district_plant();
  SECTION("capacity reached on the loop") {
    plant.capacity_w = 600000.0;
    const Flows f = reuse(plant, datacenter_source(), 2e6);
    CHECK(f.delivered_w == Approx(600000.0).epsilon(kEps));
    CHECK(f.recovered_liquid_w == Approx(600000.0 * (kCopLiquid - 1.0) / kCopLiquid).epsilon(kEps));
    CHECK(f.recovered_air_w == 0.0);
    check_heat_pump_balance(f);
  }
  SECTION("capacity reached on the air") {
    plant.capacity_w = 1.05e6;
    const Flows f = reuse(plant, datacenter_source(), 2e6);
    // Air delivers 1.05e6 - 998425.890 = 51574.110 W.
    CHECK(f.delivered_w == Approx(1.05e6).epsilon(kEps));
    CHECK(f.recovered_liquid_w == Approx(765000.0).epsilon(kEps));
    CHECK(f.recovered_air_w == Approx((1.05e6 - kLiquidMaxOutW) * (kCopAir - 1.0) / kCopAir).epsilon(kEps));
    check_heat_pump_balance(f);
  }
}

TEST_CASE("a 75 C loop feeds a 60 C network by direct exchange", "[heat]") {
  Plant plant = district_plant();
  plant.network_supply_c = 60.0;
  plant.air_capture = 0.0;
  const Source source{765000.0, 75.0, 271350.0};
  SECTION("demand below the loop's heat") {
    const Flows f = reuse(plant, source, 500000.0);
    CHECK(std::isinf(f.cop_liquid));
    CHECK(f.cop_air == 0.0);  // nothing recoverable from the air
    CHECK(f.delivered_w == Approx(500000.0).epsilon(kEps));
    CHECK(f.recovered_liquid_w == Approx(500000.0).epsilon(kEps));
    CHECK(f.heat_pump_w == 0.0);
    check_heat_pump_balance(f);
  }
  SECTION("demand above it: the loop's heat as it is") {
    const Flows f = reuse(plant, source, 1e6);
    CHECK(f.delivered_w == Approx(765000.0).epsilon(kEps));
    CHECK(f.recovered_liquid_w == Approx(765000.0).epsilon(kEps));
    CHECK(f.recovered_air_w == 0.0);
    CHECK(f.heat_pump_w == 0.0);
    CHECK(f.recoverable_w == Approx(765000.0).epsilon(kEps));
  }
  SECTION("heat pumps on the air top up a direct loop") {
    plant.air_capture = 0.5;
    const Flows f = reuse(plant, source, 1e6);
    // Air 35 C to 60 C: T_cond 65 C = 338.15 K, lift 65 - 30 = 35 K, COP 0.43 x 338.15 / 35
    // = 4.15441; the 235000 W still wanted exceed what the air can give, 135675 x 4.15441 /
    // 3.15441 = 178686.2 W, so all of the air's recoverable heat is drawn.
    const double cop_air = 0.43 * 338.15 / 35.0;
    CHECK(f.cop_air == Approx(cop_air).epsilon(kEps));
    CHECK(f.recovered_air_w == Approx(135675.0).epsilon(kEps));
    CHECK(f.delivered_w == Approx(765000.0 + 135675.0 * cop_air / (cop_air - 1.0)).epsilon(kEps));
    CHECK(f.heat_pump_w == Approx(135675.0 / (cop_air - 1.0)).epsilon(kEps));
    check_heat_pump_balance(f);
  }
}

TEST_CASE("no reuse without a network or without demand", "[heat]") {
  Plant plant = district_plant();
  for (double demand_w : {0.0, -10.0}) {
    const Flows f = reuse(plant, datacenter_source(), demand_w);
    CHECK(f.delivered_w == 0.0);
    CHECK(f.recovered_liquid_w == 0.0);
    CHECK(f.recovered_air_w == 0.0);
    CHECK(f.heat_pump_w == 0.0);
    CHECK(f.cop_liquid == 0.0);
    CHECK(f.cop_air == 0.0);
    CHECK(f.recoverable_w == Approx(900675.0).epsilon(kEps));
  }
  plant.present = false;
  const Flows f = reuse(plant, datacenter_source(), 1e6);
  CHECK(f.delivered_w == 0.0);
  CHECK(f.recovered_liquid_w == 0.0);
  CHECK(f.recovered_air_w == 0.0);
  CHECK(f.heat_pump_w == 0.0);
  CHECK(f.recoverable_w == Approx(900675.0).epsilon(kEps));  // 765000 + 0.5 x 271350
}

TEST_CASE("a heat pump with COP not above 1 is not used", "[heat]") {
  Plant plant = district_plant();
  plant.carnot_fraction = 0.1;
  // Loop: 0.1 x 348.15 / 35 = 0.99471; air: 0.1 x 348.15 / 45 = 0.77367. Both below 1.
  const Flows f = reuse(plant, datacenter_source(), 1e6);
  CHECK(f.cop_liquid == Approx(0.1 * 348.15 / 35.0).epsilon(kEps));
  CHECK(f.cop_air == Approx(0.1 * 348.15 / 45.0).epsilon(kEps));
  CHECK(f.delivered_w == 0.0);
  CHECK(f.recovered_liquid_w == 0.0);
  CHECK(f.recovered_air_w == 0.0);
  CHECK(f.heat_pump_w == 0.0);
}
