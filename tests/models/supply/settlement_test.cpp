#include "models/supply/settlement.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace wattsim::supply;

namespace {
constexpr double kMWh = 3.6e9;  // J

BatteryParams two_mwh() {
  BatteryParams b;
  b.capacity_j = 2 * kMWh;
  b.max_charge_w = 1e6;
  b.max_discharge_w = 1e6;
  b.charge_efficiency = 0.95;
  b.discharge_efficiency = 0.9;
  b.soc_min = 0.05;
  b.soc_max = 1.0;
  return b;
}

BatteryState at(const BatteryParams& b, double energy_j) {
  BatteryState s;
  s.capacity_j = b.capacity_j;
  s.energy_j = energy_j;
  return s;
}
}  // namespace

TEST_CASE("a battery that fills up mid-interval stops at the exact instant", "[supply][settlement]") {
  // D 1 MW, R 1.5 MW, 1.9 of 2 MWh stored: charging 0.5 MW stores 0.475 MW, full after
  // 0.1 / 0.475 h = 757.894... s; then 0.5 MW is curtailed for the rest of the hour.
  const auto b = two_mwh();
  auto st = at(b, 1.9 * kMWh);
  IntervalSignals s;
  s.demand_w = 1e6;
  s.renewable_w = 1.5e6;
  s.intensity_g_per_kwh = 300;
  Flows f;
  settle(s, 3600.0, b, DispatchParams{}, st, f);
  const double t_full = 0.1 * kMWh / 0.475e6;
  CHECK(st.energy_j == 2 * kMWh);  // exactly at the bound
  CHECK(f.charge_j == Approx(0.5e6 * t_full).epsilon(1e-14));
  CHECK(f.curtailed_j == Approx(0.5e6 * (3600 - t_full)).epsilon(1e-14));
  CHECK(f.import_j == 0.0);
  CHECK(f.battery_loss_j == Approx(0.05 * 0.5e6 * t_full).epsilon(1e-12));
  CHECK(f.renewable_used_j == Approx(1e6 * 3600 + 0.5e6 * t_full).epsilon(1e-14));
  CHECK(f.carbon_import == 0.0);
  CHECK(f.duration_s == 3600.0);
}

TEST_CASE("a battery that empties mid-interval stops at the exact instant", "[supply][settlement]") {
  // D 2 MW, R 0.5 MW: discharge 1 MW (its limit) takes 1/0.9 MW from storage; 0.3 MWh down to
  // the 0.1 MWh floor lasts 0.2 / (1/0.9) h = 648 s. Import 0.5 MW, then 1.5 MW.
  const auto b = two_mwh();
  auto st = at(b, 0.3 * kMWh);
  IntervalSignals s;
  s.demand_w = 2e6;
  s.renewable_w = 0.5e6;
  s.intensity_g_per_kwh = 400;
  s.price_per_kwh = 0.2;
  Flows f;
  settle(s, 3600.0, b, DispatchParams{}, st, f);
  CHECK(st.energy_j == 0.1 * kMWh);
  CHECK(f.discharge_j == Approx(1e6 * 648).epsilon(1e-12));
  CHECK(f.import_j == Approx(0.5e6 * 648 + 1.5e6 * 2952).epsilon(1e-14));
  CHECK(f.battery_loss_j == Approx(1e6 * 648 * (1 / 0.9 - 1)).epsilon(1e-12));
  CHECK(f.carbon_import == Approx(400 * f.import_j).epsilon(1e-15));
  CHECK(f.cost_import == Approx(0.2 * f.import_j).epsilon(1e-15));
  CHECK(f.peak_import_w == 1.5e6);
  CHECK(st.discharged_j == Approx(0.2 * kMWh).epsilon(1e-12));
}

TEST_CASE("dispatch strategies decide as documented", "[supply][settlement]") {
  auto b = two_mwh();
  IntervalSignals s;
  s.demand_w = 1e6;
  s.renewable_w = 0.2e6;
  DispatchParams d;
  SECTION("carbon arbitrage charges from the grid when the grid is clean") {
    d.strategy = Dispatch::kCarbonArbitrage;
    s.intensity_g_per_kwh = 90;
    s.charge_below_g_per_kwh = 100;
    s.discharge_above_g_per_kwh = 300;
    auto st = at(b, 1 * kMWh);
    Flows f;
    settle(s, 600.0, b, d, st, f);
    CHECK(f.charge_j == Approx(1e6 * 600).epsilon(1e-15));
    CHECK(f.import_j == Approx((0.8e6 + 1e6) * 600).epsilon(1e-15));
    // ... holds between the thresholds ...
    s.intensity_g_per_kwh = 200;
    Flows g;
    settle(s, 600.0, b, d, st, g);
    CHECK(g.charge_j == 0.0);
    CHECK(g.discharge_j == 0.0);
    // ... and covers the deficit when it is dirty.
    s.intensity_g_per_kwh = 350;
    Flows h;
    settle(s, 600.0, b, d, st, h);
    CHECK(h.discharge_j == Approx(0.8e6 * 600).epsilon(1e-15));
    CHECK(h.import_j == 0.0);
  }
  SECTION("peak shaving keeps import under the limit and refills below it") {
    d.strategy = Dispatch::kPeakShaving;
    d.grid_limit_w = 0.5e6;
    auto st = at(b, 1 * kMWh);
    Flows f;
    settle(s, 600.0, b, d, st, f);
    CHECK(f.discharge_j == Approx(0.3e6 * 600).epsilon(1e-15));
    CHECK(f.import_j == Approx(0.5e6 * 600).epsilon(1e-15));
    s.demand_w = 0.3e6;  // net 0.1 MW: 0.4 MW of headroom refills the battery
    Flows g;
    settle(s, 600.0, b, d, st, g);
    CHECK(g.charge_j == Approx(0.4e6 * 600).epsilon(1e-15));
    CHECK(g.import_j == Approx(0.5e6 * 600).epsilon(1e-15));
  }
  SECTION("no battery: surplus is exported up to the limit, the rest curtailed") {
    b.capacity_j = 0;
    d.allow_export = true;
    d.export_limit_w = 0.5e6;
    s.renewable_w = 2e6;
    s.intensity_g_per_kwh = 250;
    BatteryState st;
    Flows f;
    settle(s, 100.0, b, d, st, f);
    CHECK(f.export_j == 0.5e6 * 100);
    CHECK(f.curtailed_j == 0.5e6 * 100);
    CHECK(f.carbon_export == 250 * 0.5e6 * 100);
    CHECK(f.renewable_used_j == 1e6 * 100);
  }
}

TEST_CASE("energy balances, bounds and the lossless-battery property over a long random run", "[supply][settlement]") {
  std::mt19937_64 gen(17);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto b = two_mwh();
  b.fade_per_cycle = 1e-4;
  b.fade_per_year = 0.02;
  for (Dispatch strategy : {Dispatch::kSelfConsumption, Dispatch::kCarbonArbitrage, Dispatch::kPeakShaving}) {
    DispatchParams d;
    d.strategy = strategy;
    d.grid_limit_w = 1.2e6;
    d.allow_export = strategy != Dispatch::kPeakShaving;
    d.export_limit_w = 0.3e6;
    auto st = at(b, 1 * kMWh);
    Flows all;
    double stored_before = st.energy_j;
    for (int i = 0; i < 20000; ++i) {
      IntervalSignals s;
      s.demand_w = 2e6 * u(gen);
      s.renewable_w = 2.5e6 * u(gen) * u(gen);
      s.intensity_g_per_kwh = 50 + 450 * u(gen);
      s.charge_below_g_per_kwh = 150;
      s.discharge_above_g_per_kwh = 350;
      Flows f;
      settle(s, 60.0 + 3600.0 * u(gen), b, d, st, f);
      // D = (R - curtailed - exported) + Dis - C + G, per interval.
      CHECK(f.demand_j == Approx(f.renewable_used_j + f.discharge_j - f.charge_j + f.import_j).epsilon(1e-9).margin(1e-3));
      CHECK(f.renewable_j == Approx(f.renewable_used_j + f.curtailed_j + f.export_j).epsilon(1e-9).margin(1e-3));
      REQUIRE(st.energy_j >= b.soc_min * st.capacity_j - 1e-6);
      REQUIRE(st.energy_j <= b.soc_max * st.capacity_j + 1e-6);
      all.add(f);
    }
    // The battery's own balance: what went in, less losses, is what it holds more.
    CHECK(st.energy_j - stored_before == Approx(all.charge_j - all.discharge_j - all.battery_loss_j).epsilon(1e-9));
    CHECK(st.capacity_j < b.capacity_j);  // it faded
  }
}

TEST_CASE("a lossless battery charged only from surplus never raises grid emissions", "[supply][settlement]") {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  BatteryParams b;
  b.capacity_j = 1 * kMWh;
  b.max_charge_w = b.max_discharge_w = 0.5e6;
  BatteryParams none;
  auto with = at(b, 0.5 * kMWh);
  BatteryState without;
  Flows fw, fo;
  for (int i = 0; i < 10000; ++i) {
    IntervalSignals s;
    s.demand_w = 1e6 * u(gen);
    s.renewable_w = 1.5e6 * u(gen);
    s.intensity_g_per_kwh = 100 + 400 * u(gen);
    const double dt = 900.0;
    settle(s, dt, b, DispatchParams{}, with, fw);
    settle(s, dt, none, DispatchParams{}, without, fo);
    REQUIRE(fw.carbon_import <= fo.carbon_import * (1 + 1e-12));
  }
  CHECK(fw.carbon_import < fo.carbon_import);
}

TEST_CASE("a battery with efficiency 1 and no demand conserves energy exactly", "[supply][settlement]") {
  BatteryParams b;
  b.capacity_j = 1 * kMWh;
  b.max_charge_w = 0.4e6;
  b.max_discharge_w = 0.4e6;
  auto st = at(b, 0.0);
  Flows f;
  const double gen_w[] = {0.1e6, 0.5e6, 0.3e6, 0.0, 0.7e6, 0.2e6};
  for (double r : gen_w) {
    IntervalSignals s;
    s.renewable_w = r;
    settle(s, 1800.0, b, DispatchParams{}, st, f);
  }
  CHECK(f.battery_loss_j == 0.0);
  CHECK(st.energy_j == Approx(f.charge_j).epsilon(1e-15));
  CHECK(f.renewable_j == Approx(st.energy_j + f.curtailed_j + f.export_j).epsilon(1e-15));
  // Charging is limited to 0.4 MW: 0.1 + 0.4 + 0.3 + 0 + 0.4 + 0.2 MW for half an hour each.
  CHECK(st.energy_j == Approx(0.7 * kMWh).epsilon(1e-15));
}
