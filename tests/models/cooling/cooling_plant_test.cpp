#include "models/cooling/cooling_plant.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "simcore/random.hpp"

using Catch::Matchers::Contains;
using namespace wattsim::cooling;

namespace {

constexpr double kEps = 1e-12;

// The reference plant of these tests, round numbers so every term can be checked by hand:
//   fans 50 kW at 1.2 MW of air heat, never below 30 % airflow;
//   chillers 1.5 MW, COP 6 at 15 C falling to 4 at 35 C (held outside), part-load multiplier
//   0.7 / 1.4 / 1.0 at PLR 0.1 / 0.5 / 1.0;
//   chilled water 18 C, economiser approach 4 K, band 4 K: water-side free cooling below 10 C,
//   partial between 10 and 14 C; air-side (supply air 24 C) free below 16 C, partial to 20 C;
//   pumps 0.02 W/W, tower fans 0.01 W/W, tower water 1.8 L/kWh.
Plant chilled_water_plant(Economiser economiser = Economiser::kWaterSide, bool water_cooled = true) {
  Plant plant;
  plant.type = PlantType::kChilledWater;
  plant.air = {50e3, 1.2e6, 0.3};
  plant.chillers.capacity_w = 1.5e6;
  plant.chillers.cop_vs_outside_c = PiecewiseLinear({{15.0, 6.0}, {35.0, 4.0}});
  plant.chillers.cop_vs_plr = PiecewiseLinear({{0.1, 0.7}, {0.5, 1.4}, {1.0, 1.0}});
  plant.chillers.water_cooled = water_cooled;
  plant.chillers.chilled_water_c = 18.0;
  plant.chillers.supply_air_c = 24.0;
  plant.chillers.economiser = economiser;
  plant.chillers.economiser_approach_k = 4.0;
  plant.chillers.free_band_k = 4.0;
  plant.chillers.pump_w_per_w = 0.02;
  plant.chillers.tower_fan_w_per_w = 0.01;
  plant.chillers.tower_water_l_per_kwh = 1.8;
  return plant;
}

// The same plant with a liquid loop: 75 % of IT power to cold plates at 32 C supply; dry
// coolers (approach 5 K) free below 23 C, partial to 27 C; dry-cooler fans and loop pumps
// 0.02 W/W each.
Plant liquid_plant() {
  Plant plant = chilled_water_plant();
  plant.liquid.present = true;
  plant.liquid.capture_fraction = 0.75;
  plant.liquid.supply_c = 32.0;
  plant.liquid.delta_t_k = 10.0;
  plant.liquid.dry_cooler_approach_k = 5.0;
  plant.liquid.dry_cooler_w_per_w = 0.02;
  plant.liquid.pump_w_per_w = 0.02;
  return plant;
}

// IT 1 MW, room heat 1.02 MW (2 % distribution losses).
Load load_at(double outside_c) {
  Load load;
  load.it_w = 1e6;
  load.room_heat_w = 1.02e6;
  load.outside_c = outside_c;
  return load;
}

double balance_error_w(const Load& load, const Power& p) {
  return load.room_heat_w + p.total_w - (p.heat_rejected_w + load.recovered_liquid_w + load.recovered_air_w);
}

// Without a liquid loop the air carries all 1.02 MW: airflow 1.02 / 1.2 = 0.85 of design,
// fans 50e3 x 0.85^3 = 30706.25 W, chiller plant load Q_ch = 1.02e6 + 30706.25 = 1050706.25 W.
constexpr double kFansW = 50e3 * 0.85 * 0.85 * 0.85;
constexpr double kQchW = 1.02e6 + kFansW;

}  // namespace

TEST_CASE("piecewise linear curves interpolate between points and hold outside them", "[cooling]") {
  const PiecewiseLinear cop({{15.0, 6.0}, {35.0, 4.0}});
  CHECK(cop.at(15.0) == 6.0);
  CHECK(cop.at(35.0) == 4.0);
  CHECK(cop.at(25.0) == Approx(5.0).epsilon(kEps));               // half way: (6 + 4) / 2
  CHECK(cop.at(20.0) == Approx(6.0 - 0.25 * 2.0).epsilon(kEps));  // a quarter of the way: 5.5
  CHECK(cop.at(-40.0) == 6.0);
  CHECK(cop.at(50.0) == 4.0);

  const PiecewiseLinear plr({{0.1, 0.7}, {0.5, 1.4}, {1.0, 1.0}});
  CHECK(plr.at(0.3) == Approx(0.7 + 0.5 * 0.7).epsilon(kEps));   // 1.05
  CHECK(plr.at(0.75) == Approx(1.4 - 0.5 * 0.4).epsilon(kEps));  // 1.2, second segment
  CHECK(plr.at(0.0) == 0.7);
  CHECK(plr.at(2.0) == 1.0);

  const PiecewiseLinear constant({{7.0, 3.5}});
  CHECK(constant.at(-1e9) == 3.5);
  CHECK(constant.at(7.0) == 3.5);
  CHECK(constant.at(1e9) == 3.5);
  CHECK(constant.points().size() == 1);
}

TEST_CASE("piecewise linear curves refuse bad points and name the first one", "[cooling]") {
  using Points = std::vector<std::pair<double, double>>;
  CHECK_THROWS_AS(PiecewiseLinear(Points{}), std::invalid_argument);
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, 1.0}, {12.0, 2.0}, {10.0, 3.0}}),
                    Contains("points[2]: x 10 is not above 12"));
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, 1.0}, {0.0, 2.0}}), Contains("points[1]: x 0 is not above 0"));
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, 1.0}, {std::nan(""), 2.0}}), Contains("points[1]: x nan"));
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, std::numeric_limits<double>::infinity()}}), Contains("points[0]: y inf"));
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, 1.0}, {1.0, 0.0}}), Contains("points[1]: y 0"));
  CHECK_THROWS_WITH(PiecewiseLinear({{0.0, -2.5}}), Contains("points[0]: y -2.5"));
  // y <= 0 is allowed when the curve need not be positive.
  CHECK(PiecewiseLinear({{0.0, -2.5}, {1.0, 0.0}}, false).at(0.5) == Approx(-1.25).epsilon(kEps));
}

TEST_CASE("free fraction is 1 below the band, linear across it, 0 above it", "[cooling]") {
  // T_free 14 C, band 4 K: free at and below 10 C, none at and above 14 C.
  CHECK(free_fraction(-10.0, 14.0, 4.0) == 1.0);
  CHECK(free_fraction(10.0, 14.0, 4.0) == 1.0);
  CHECK(free_fraction(11.0, 14.0, 4.0) == Approx(0.75).epsilon(kEps));   // (14 - 11) / 4
  CHECK(free_fraction(12.0, 14.0, 4.0) == Approx(0.5).epsilon(kEps));    // (14 - 12) / 4
  CHECK(free_fraction(13.5, 14.0, 4.0) == Approx(0.125).epsilon(kEps));  // (14 - 13.5) / 4
  CHECK(free_fraction(14.0, 14.0, 4.0) == 0.0);
  CHECK(free_fraction(30.0, 14.0, 4.0) == 0.0);
  // Band 0: a step at T_free, free strictly below it.
  CHECK(free_fraction(13.999, 14.0, 0.0) == 1.0);
  CHECK(free_fraction(14.0, 14.0, 0.0) == 0.0);
  CHECK(free_fraction(14.001, 14.0, 0.0) == 0.0);
}

TEST_CASE("fixed PUE plants draw pue - 1 times IT power and use no water", "[cooling]") {
  Plant plant;
  plant.fixed_pue = 1.4;
  const Load load = load_at(30.0);
  const Power p = cooling_power(plant, load);
  CHECK(p.total_w == Approx(0.4 * 1e6).epsilon(kEps));
  CHECK(p.heat_rejected_w == Approx(1.02e6 + 0.4e6).epsilon(kEps));
  CHECK(p.air_heat_w == 1.02e6);
  CHECK(p.liquid_heat_w == 0.0);
  CHECK(p.water_l_per_s == 0.0);
  CHECK(p.fans_w == 0.0);
  CHECK(p.chiller_w == 0.0);
  CHECK(p.economiser_fraction == 0.0);
}

TEST_CASE("water-side economiser plant: fully free at 5 C", "[cooling]") {
  const Plant plant = chilled_water_plant();
  const Power p = cooling_power(plant, load_at(5.0));
  // 5 C <= 14 - 4: f_e = 1, no chiller. Pumps 0.02 x 1050706.25 = 21014.125 W;
  // Q_rej_plant = 1050706.25 + 21014.125 = 1071720.375 W; tower 0.01 x that = 10717.20375 W;
  // total 30706.25 + 21014.125 + 10717.20375 = 62437.57875 W;
  // water 1.8 x 1071720.375 / 3.6e6 = 0.5358601875 L/s.
  CHECK(p.economiser_fraction == 1.0);
  CHECK(p.fans_w == Approx(30706.25).epsilon(kEps));
  CHECK(p.chiller_w == 0.0);
  CHECK(p.pumps_w == Approx(0.02 * kQchW).epsilon(kEps));
  CHECK(p.pumps_w == Approx(21014.125).epsilon(kEps));
  CHECK(p.tower_w == Approx(10717.20375).epsilon(kEps));
  CHECK(p.total_w == Approx(62437.57875).epsilon(kEps));
  CHECK(p.water_l_per_s == Approx(0.5358601875).epsilon(kEps));
  CHECK(p.heat_rejected_w == Approx(1.02e6 + 62437.57875).epsilon(kEps));
  CHECK(p.air_heat_w == Approx(kQchW).epsilon(kEps));
  CHECK(p.liquid_heat_w == 0.0);
  CHECK(p.dry_cooler_w == 0.0);
  CHECK(p.liquid_pumps_w == 0.0);
  CHECK(p.dry_cooler_fraction == 0.0);
}

TEST_CASE("water-side economiser plant: partial free cooling at 12 C", "[cooling]") {
  const Plant plant = chilled_water_plant();
  const Power p = cooling_power(plant, load_at(12.0));
  // f_e = (14 - 12) / 4 = 0.5; Q_mech = 0.5 x 1050706.25 = 525353.125 W;
  // PLR = 525353.125 / 1.5e6 = 0.350235416..., multiplier 0.7 + (PLR - 0.1) / 0.4 x 0.7
  // = 1.137911979...; COP = 6 (held below 15 C) x 1.137911979... = 6.827471875;
  // chiller 525353.125 / 6.827471875 = 76946.948 W. Pumps still on all of Q_ch: 21014.125 W.
  const double q_mech = 0.5 * kQchW;
  const double cop = 6.0 * (0.7 + (q_mech / 1.5e6 - 0.1) / 0.4 * 0.7);
  const double chiller = q_mech / cop;
  const double q_rej_plant = kQchW + chiller + 0.02 * kQchW;
  CHECK(p.economiser_fraction == Approx(0.5).epsilon(kEps));
  CHECK(cop == Approx(6.827471875).epsilon(kEps));
  CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
  CHECK(p.chiller_w == Approx(76946.948).epsilon(1e-8));
  CHECK(p.pumps_w == Approx(21014.125).epsilon(kEps));
  CHECK(p.tower_w == Approx(0.01 * q_rej_plant).epsilon(kEps));
  CHECK(p.total_w == Approx(kFansW + chiller + 21014.125 + 0.01 * q_rej_plant).epsilon(kEps));
  CHECK(p.total_w == Approx(140153.996).epsilon(1e-8));
  CHECK(p.water_l_per_s == Approx(1.8 * q_rej_plant / 3.6e6).epsilon(kEps));
  CHECK(p.heat_rejected_w == Approx(q_rej_plant * 1.01).epsilon(kEps));
}

TEST_CASE("water-side economiser plant: mechanical cooling at 25 C and 35 C", "[cooling]") {
  const Plant plant = chilled_water_plant();
  // f_e = 0: Q_mech = Q_ch = 1050706.25 W; PLR = 0.70047083..., multiplier
  // 1.4 - (PLR - 0.5) / 0.5 x 0.4 = 1.23962333...
  const double multiplier = 1.4 - (kQchW / 1.5e6 - 0.5) / 0.5 * 0.4;
  CHECK(multiplier == Approx(1.2396233333333333).epsilon(kEps));

  SECTION("25 C: COP 5 x 1.23962333 = 6.19811667, chiller 169520.244 W") {
    const Power p = cooling_power(plant, load_at(25.0));
    const double chiller = kQchW / (5.0 * multiplier);
    const double q_rej_plant = kQchW + chiller + 0.02 * kQchW;  // 1241240.619 W
    CHECK(p.economiser_fraction == 0.0);
    CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
    CHECK(p.chiller_w == Approx(169520.244).epsilon(1e-8));
    CHECK(p.pumps_w == Approx(21014.125).epsilon(kEps));
    CHECK(p.tower_w == Approx(0.01 * q_rej_plant).epsilon(kEps));
    CHECK(p.total_w == Approx(kFansW + chiller + 0.02 * kQchW + 0.01 * q_rej_plant).epsilon(kEps));
    CHECK(p.total_w == Approx(233653.025).epsilon(1e-8));
    CHECK(p.water_l_per_s == Approx(1.8 * q_rej_plant / 3.6e6).epsilon(kEps));  // 0.62062 L/s
    CHECK(p.heat_rejected_w == Approx(1.02e6 + p.total_w).epsilon(kEps));
  }
  SECTION("35 C: COP 4 x 1.23962333 = 4.95849333, chiller 211900.305 W") {
    const Power p = cooling_power(plant, load_at(35.0));
    const double chiller = kQchW / (4.0 * multiplier);
    const double q_rej_plant = kQchW + chiller + 0.02 * kQchW;  // 1283620.680 W
    CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
    CHECK(p.chiller_w == Approx(211900.305).epsilon(1e-8));
    CHECK(p.tower_w == Approx(0.01 * q_rej_plant).epsilon(kEps));
    CHECK(p.total_w == Approx(276456.887).epsilon(1e-8));
    CHECK(p.water_l_per_s == Approx(1.8 * q_rej_plant / 3.6e6).epsilon(kEps));
  }
}

TEST_CASE("water-side economiser switch-over is continuous at both band edges", "[cooling]") {
  const Plant plant = chilled_water_plant();
  const double fully_free_w = cooling_power(plant, load_at(5.0)).total_w;
  // At T_free - band = 10 C the plant is still fully free.
  CHECK(cooling_power(plant, load_at(10.0)).total_w == Approx(fully_free_w).epsilon(kEps));
  CHECK(cooling_power(plant, load_at(10.0 + 1e-9)).total_w == Approx(fully_free_w).epsilon(1e-6));
  // At T_free = 14 C it is fully mechanical: COP 6 (held below 15 C) x 1.23962333,
  // chiller 1050706.25 / 7.43774 = 141266.870 W.
  const double mechanical_chiller_w = kQchW / (6.0 * (1.4 - (kQchW / 1.5e6 - 0.5) / 0.5 * 0.4));
  const double mechanical_w =
      kFansW + mechanical_chiller_w + 0.02 * kQchW + 0.01 * (1.02 * kQchW + mechanical_chiller_w);
  const Power at_free = cooling_power(plant, load_at(14.0));
  CHECK(at_free.economiser_fraction == 0.0);
  CHECK(at_free.chiller_w == Approx(141266.870).epsilon(1e-8));
  CHECK(at_free.total_w == Approx(mechanical_w).epsilon(kEps));
  CHECK(cooling_power(plant, load_at(14.0 - 1e-9)).total_w == Approx(mechanical_w).epsilon(1e-6));
}

TEST_CASE("air-side economiser with air-cooled chillers: the free part leaves with the exhaust", "[cooling]") {
  const Plant plant = chilled_water_plant(Economiser::kAirSide, false);

  SECTION("10 C, fully free: only the fans run") {
    const Power p = cooling_power(plant, load_at(10.0));
    CHECK(p.economiser_fraction == 1.0);  // 10 <= 24 - 4 - 4
    CHECK(p.total_w == Approx(kFansW).epsilon(kEps));
    CHECK(p.chiller_w == 0.0);
    CHECK(p.pumps_w == 0.0);
    CHECK(p.tower_w == 0.0);
    CHECK(p.water_l_per_s == 0.0);
    CHECK(p.heat_rejected_w == Approx(kQchW).epsilon(kEps));  // 1.02e6 + fans, all in the exhaust
  }
  SECTION("18 C, half free: pumps on the mechanical half only, no tower, no water") {
    const Power p = cooling_power(plant, load_at(18.0));
    // f_e = (20 - 18) / 4 = 0.5, Q_mech = 525353.125 W; COP 6 - 3/20 x 2 = 5.7 at 18 C times the
    // multiplier at PLR 0.350235...: 5.7 x 1.137911979 = 6.486098281, chiller 80996.788 W;
    // pumps 0.02 x 525353.125 = 10507.0625 W.
    const double q_mech = 0.5 * kQchW;
    const double chiller = q_mech / (5.7 * (0.7 + (q_mech / 1.5e6 - 0.1) / 0.4 * 0.7));
    CHECK(p.economiser_fraction == Approx(0.5).epsilon(kEps));
    CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
    CHECK(p.chiller_w == Approx(80996.788).epsilon(1e-8));
    CHECK(p.pumps_w == Approx(10507.0625).epsilon(kEps));
    CHECK(p.tower_w == 0.0);
    CHECK(p.water_l_per_s == 0.0);
    CHECK(p.total_w == Approx(kFansW + chiller + 10507.0625).epsilon(kEps));
    // Rejected: the exhaust's 525353.125 W plus the condensers' Q_mech + chiller + pumps.
    CHECK(p.heat_rejected_w == Approx(0.5 * kQchW + q_mech + chiller + 10507.0625).epsilon(kEps));
  }
  SECTION("without any economiser the same plant is fully mechanical at 10 C") {
    const Plant none = chilled_water_plant(Economiser::kNone, false);
    const Power p = cooling_power(none, load_at(10.0));
    CHECK(p.economiser_fraction == 0.0);
    CHECK(p.chiller_w == Approx(kQchW / (6.0 * (1.4 - (kQchW / 1.5e6 - 0.5) / 0.5 * 0.4))).epsilon(kEps));
    CHECK(p.pumps_w == Approx(21014.125).epsilon(kEps));
    CHECK(p.water_l_per_s == 0.0);
  }
}

TEST_CASE("liquid loop: dry coolers take it all at 10 C, the chillers at 30 C", "[cooling]") {
  const Plant plant = liquid_plant();
  // Q_liq = 0.75 x 1e6 = 750000 W, loop pumps 0.02 x 750000 = 15000 W, loop heat 765000 W.
  // Air: 1.02e6 - 750000 = 270000 W, airflow max(0.3, 0.225) = 0.3, fans 50e3 x 0.027 = 1350 W,
  // air heat 271350 W.
  SECTION("10 C") {
    const Power p = cooling_power(plant, load_at(10.0));
    // f_dry = 1 (10 <= 27 - 4), dry coolers 0.02 x 765000 = 15300 W. Q_ch = 271350 W (air only),
    // all free (f_e = 1); pumps 5427 W; Q_rej_plant = 276777 W; tower 2767.77 W;
    // total 1350 + 5427 + 2767.77 + 15300 + 15000 = 39844.77 W; water 1.8 x 276777 / 3.6e6.
    CHECK(p.liquid_heat_w == Approx(765000.0).epsilon(kEps));
    CHECK(p.air_heat_w == Approx(271350.0).epsilon(kEps));
    CHECK(p.liquid_pumps_w == Approx(15000.0).epsilon(kEps));
    CHECK(p.fans_w == Approx(1350.0).epsilon(kEps));
    CHECK(p.dry_cooler_fraction == 1.0);
    CHECK(p.dry_cooler_w == Approx(15300.0).epsilon(kEps));
    CHECK(p.economiser_fraction == 1.0);
    CHECK(p.chiller_w == 0.0);
    CHECK(p.pumps_w == Approx(5427.0).epsilon(kEps));
    CHECK(p.tower_w == Approx(2767.77).epsilon(kEps));
    CHECK(p.total_w == Approx(39844.77).epsilon(kEps));
    CHECK(p.water_l_per_s == Approx(0.1383885).epsilon(kEps));
    CHECK(p.heat_rejected_w == Approx(1059844.77).epsilon(kEps));
  }
  SECTION("30 C") {
    const Power p = cooling_power(plant, load_at(30.0));
    // f_dry = 0, f_e = 0: Q_ch = 271350 + 765000 = 1036350 W; PLR 0.6909, multiplier
    // 1.4 - 0.1909 / 0.5 x 0.4 = 1.24728, COP 4.5 x 1.24728 = 5.61276, chiller 184641.781 W;
    // pumps 20727 W; Q_rej_plant 1036350 + 184641.781 + 20727 = 1241718.781 W.
    const double chiller = 1036350.0 / (4.5 * 1.24728);
    const double q_rej_plant = 1036350.0 + chiller + 20727.0;
    CHECK(p.dry_cooler_fraction == 0.0);
    CHECK(p.dry_cooler_w == 0.0);
    CHECK(p.economiser_fraction == 0.0);
    CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
    CHECK(p.chiller_w == Approx(184641.781).epsilon(1e-8));
    CHECK(p.pumps_w == Approx(20727.0).epsilon(kEps));
    CHECK(p.tower_w == Approx(0.01 * q_rej_plant).epsilon(kEps));
    CHECK(p.total_w == Approx(1350.0 + chiller + 20727.0 + 0.01 * q_rej_plant + 15000.0).epsilon(kEps));
    CHECK(p.water_l_per_s == Approx(1.8 * q_rej_plant / 3.6e6).epsilon(kEps));
    CHECK(p.heat_rejected_w == Approx(1.01 * q_rej_plant).epsilon(kEps));
  }
}

TEST_CASE("cooling power never falls as the outside warms, so PUE rises in summer", "[cooling]") {
  for (const Plant& plant : {chilled_water_plant(), chilled_water_plant(Economiser::kAirSide, false),
                             chilled_water_plant(Economiser::kNone), liquid_plant()}) {
    double previous_w = cooling_power(plant, load_at(0.0)).total_w;
    for (int t = 1; t <= 40; ++t) {
      const double total_w = cooling_power(plant, load_at(t)).total_w;
      INFO("outside " << t << " C");
      CHECK(total_w >= previous_w * (1.0 - 1e-15));
      previous_w = total_w;
    }
    const double winter_pue = (1.02e6 + cooling_power(plant, load_at(5.0)).total_w) / 1e6;
    const double summer_pue = (1.02e6 + cooling_power(plant, load_at(35.0)).total_w) / 1e6;
    CHECK(summer_pue > winter_pue);
    CHECK(winter_pue > 1.02);
  }
}

TEST_CASE("energy balance holds for random plants, loads and recoveries", "[cooling]") {
  wattsim::simcore::RandomStream rng(20240611);
  const auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * rng.uniform01(); };
  for (int i = 0; i < 10000; ++i) {
    Plant plant = chilled_water_plant();
    const double kind = rng.uniform01();
    if (kind < 0.05) {
      plant.type = PlantType::kFixedPue;
      plant.fixed_pue = uniform(1.0, 2.0);
    }
    plant.air = {uniform(0.0, 1e5), uniform(1e5, 3e6), uniform(0.0, 0.6)};
    plant.chillers.capacity_w = uniform(1e5, 3e6);
    plant.chillers.water_cooled = rng.uniform01() < 0.5;
    const double economiser = rng.uniform01();
    plant.chillers.economiser = economiser < 1.0 / 3   ? Economiser::kNone
                                : economiser < 2.0 / 3 ? Economiser::kWaterSide
                                                       : Economiser::kAirSide;
    plant.chillers.free_band_k = rng.uniform01() < 0.2 ? 0.0 : uniform(0.0, 8.0);
    plant.chillers.pump_w_per_w = uniform(0.0, 0.05);
    plant.chillers.tower_fan_w_per_w = uniform(0.0, 0.03);
    plant.chillers.tower_water_l_per_kwh = uniform(0.0, 3.0);
    if (rng.uniform01() < 0.5) {
      plant.liquid.present = true;
      plant.liquid.capture_fraction = uniform(0.0, 1.0);
      plant.liquid.supply_c = uniform(15.0, 45.0);
      plant.liquid.dry_cooler_approach_k = uniform(0.0, 10.0);
      plant.liquid.dry_cooler_w_per_w = uniform(0.0, 0.05);
      plant.liquid.pump_w_per_w = uniform(0.0, 0.05);
    }
    Load load;
    load.it_w = rng.uniform01() < 0.05 ? 0.0 : uniform(0.0, 3e6);
    load.room_heat_w = load.it_w * uniform(1.0, 1.1);
    load.outside_c = uniform(-25.0, 45.0);

    const Power before = cooling_power(plant, load);
    load.recovered_liquid_w = rng.uniform01() < 0.3 ? 0.0 : uniform(0.0, 1.0) * before.liquid_heat_w;
    load.recovered_air_w = rng.uniform01() < 0.3 ? 0.0 : uniform(0.0, 1.0) * before.air_heat_w;
    const Power p = cooling_power(plant, load);

    INFO("case " << i << ": IT " << load.it_w << " W, outside " << load.outside_c << " C");
    const double in_w = load.room_heat_w + p.total_w;
    CHECK(std::abs(balance_error_w(load, p)) <= 1e-12 * in_w);
    CHECK(p.liquid_heat_w == before.liquid_heat_w);  // the heat terms ignore recovery
    CHECK(p.air_heat_w == before.air_heat_w);
    CHECK(p.fans_w >= 0.0);
    CHECK(p.chiller_w >= 0.0);
    CHECK(p.pumps_w >= 0.0);
    CHECK(p.tower_w >= 0.0);
    CHECK(p.dry_cooler_w >= 0.0);
    CHECK(p.liquid_pumps_w >= 0.0);
    CHECK(p.water_l_per_s >= 0.0);
    CHECK(p.heat_rejected_w >= -1e-9 * in_w);            // zero, up to rounding, when all is recovered
    CHECK(p.total_w <= before.total_w * (1.0 + 1e-12));  // recovery never costs cooling power
  }
}

TEST_CASE("recovered heat lowers what the plant rejects and its chiller and dry-cooler power", "[cooling]") {
  const Plant plant = liquid_plant();
  Load load = load_at(25.0);  // f_dry = (27 - 25) / 4 = 0.5, f_e = 0
  const Power before = cooling_power(plant, load);
  // Q_lr = 765000 W: dry coolers 0.02 x 0.5 x 765000 = 7650 W; trim 382500 W;
  // Q_ch = 271350 + 382500 = 653850 W.
  CHECK(before.dry_cooler_fraction == Approx(0.5).epsilon(kEps));
  CHECK(before.dry_cooler_w == Approx(7650.0).epsilon(kEps));

  SECTION("part recovered") {
    load.recovered_liquid_w = 300000.0;
    load.recovered_air_w = 100000.0;
    const Power p = cooling_power(plant, load);
    // Q_lr = 765000 - 300000 = 465000 W: dry coolers 0.02 x 0.5 x 465000 = 4650 W;
    // Q_ch = 271350 - 100000 + 232500 = 403850 W; PLR 0.269233..., multiplier
    // 0.7 + 0.169233... / 0.4 x 0.7 = 0.99615833..., COP 5 x that, chiller 81081.488 W.
    const double chiller = 403850.0 / (5.0 * (0.7 + (403850.0 / 1.5e6 - 0.1) / 0.4 * 0.7));
    CHECK(p.dry_cooler_w == Approx(4650.0).epsilon(kEps));
    CHECK(p.chiller_w == Approx(chiller).epsilon(kEps));
    CHECK(p.chiller_w == Approx(81081.488).epsilon(1e-8));
    CHECK(p.chiller_w < before.chiller_w);
    CHECK(p.pumps_w == Approx(0.02 * 403850.0).epsilon(kEps));
    CHECK(p.heat_rejected_w < before.heat_rejected_w - 400000.0);
    CHECK(p.fans_w == before.fans_w);
    CHECK(p.liquid_pumps_w == before.liquid_pumps_w);
    CHECK(std::abs(balance_error_w(load, p)) <= 1e-12 * (load.room_heat_w + p.total_w));
  }
  SECTION("more than available is clamped to what is there") {
    load.recovered_liquid_w = 2e6;
    load.recovered_air_w = 1e9;
    const Power p = cooling_power(plant, load);
    // Everything recovered: nothing left for the dry coolers, chillers, pumps or tower; only the
    // fans (1350 W) and loop pumps (15000 W) run, and 1.02e6 + 16350 - 765000 - 271350 = 0 W is
    // rejected.
    CHECK(p.dry_cooler_w == 0.0);
    CHECK(p.chiller_w == 0.0);
    CHECK(p.pumps_w == Approx(0.0).margin(1e-9));
    CHECK(p.tower_w == Approx(0.0).margin(1e-9));
    CHECK(p.water_l_per_s == Approx(0.0).margin(1e-12));
    CHECK(p.total_w == Approx(16350.0).epsilon(kEps));
    CHECK(p.heat_rejected_w == Approx(0.0).margin(1e-6));
  }
  SECTION("negative recovery counts as none") {
    load.recovered_liquid_w = -5.0;
    load.recovered_air_w = -5.0;
    const Power p = cooling_power(plant, load);
    CHECK(p.total_w == before.total_w);
    CHECK(p.heat_rejected_w == before.heat_rejected_w);
  }
}
