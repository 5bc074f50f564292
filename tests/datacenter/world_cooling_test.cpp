// Cooling, heat reuse and rack temperatures inside the simulated world: the facility's power is
// the power tree's input plus the plant's cooling and heat-pump power, recomputed whenever the
// heat load, the outside temperature or the heat demand changes.

#include <catch2/catch.hpp>
#include <cmath>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

cooling::Plant chilled_water_plant(bool liquid) {
  cooling::Plant p;
  p.type = cooling::PlantType::kChilledWater;
  p.air = {2e3, 10e3, 0.3};
  p.chillers.capacity_w = 12e3;
  p.chillers.cop_vs_outside_c = cooling::PiecewiseLinear({{15.0, 6.0}, {35.0, 4.0}});
  p.chillers.cop_vs_plr = cooling::PiecewiseLinear({{0.1, 0.7}, {0.5, 1.4}, {1.0, 1.0}});
  p.chillers.pump_w_per_w = 0.02;
  p.chillers.tower_fan_w_per_w = 0.01;
  p.chillers.tower_water_l_per_kwh = 1.8;
  if (liquid) {
    p.liquid.present = true;
    p.liquid.capture_fraction = 0.75;
    p.liquid.dry_cooler_w_per_w = 0.02;
    p.liquid.pump_w_per_w = 0.02;
  }
  return p;
}

// 5 C for a day, then 30 C for a day: winter and summer.
simcore::StepSeries two_seasons() {
  return simcore::StepSeries({SimTime::zero(), SimTime::days(1)}, {5.0, 30.0}, SimTime::days(2), "outside");
}

// Runs a site with no jobs (idle all along: 8 nodes of 8 x 60 W + 500 W = 7,840 W) for two
// days with daily output; `c` keeps the config the world ran.
datacenter::RunSummary run_idle(datacenter::WorldConfig& c, datacenter::SiteConfig site, test::Recorder& rec) {
  c.sites.push_back(std::move(site));
  c.horizon = SimTime::days(2);
  c.output_interval = SimTime::days(1);
  workloads::VectorJobSource source({});
  policies::FifoPolicy fifo;
  datacenter::World world(c, source, fifo, &rec);
  return world.run();
}

struct RackObserver : test::Recorder {
  std::vector<std::vector<double>> power_w, inlet_c;
  void on_racks(SimTime, SimTime, std::span<const double> p, std::span<const double> t) override {
    power_w.emplace_back(p.begin(), p.end());
    inlet_c.emplace_back(t.begin(), t.end());
  }
};

// FIFO, counting the thermal events it is told of.
struct ThermalCounter : datacenter::Policy {
  policies::FifoPolicy fifo;
  int started = 0, ended = 0;
  void schedule(const datacenter::ClusterView& v, datacenter::Actions& a) override { fifo.schedule(v, a); }
  void on_arrival(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::QueuedJob& q) override {
    fifo.on_arrival(v, a, q);
  }
  void on_completion(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::RunningJob& r) override {
    fifo.on_completion(v, a, r);
  }
  void on_thermal_violation(const datacenter::ClusterView&, datacenter::Actions&, std::uint32_t, const thermal::Violation&,
                            bool start) override {
    (start ? started : ended) += 1;
  }
};

}  // namespace

TEST_CASE("a chilled-water plant: the same IT load costs more cooling in summer than in winter", "[datacenter][cooling]") {
  test::BenchHardware hw;
  datacenter::WorldConfig c;
  auto site = test::bench_site(hw, 8);
  site.cooling = chilled_water_plant(false);
  site.outside_temp_c = two_seasons();
  test::Recorder rec;
  const auto sum = run_idle(c, std::move(site), rec);
  REQUIRE(rec.intervals.size() == 2);
  const double it_w = 7840.0;
  for (int day = 0; day < 2; ++day) {
    const auto& iv = rec.intervals[day];
    // The plant's power for this load and weather, as the pure model gives it.
    cooling::Load load;
    load.it_w = it_w;
    load.room_heat_w = it_w;  // no UPS, PDUs or PSU losses here
    load.outside_c = day == 0 ? 5.0 : 30.0;
    const cooling::Power want = cooling::cooling_power(c.sites[0].cooling, load);
    CHECK(iv.it_power_w == Approx(it_w).epsilon(1e-12));
    CHECK(iv.cooling_w == Approx(want.total_w).epsilon(1e-12));
    CHECK(iv.facility_power_w == Approx(it_w + want.total_w).epsilon(1e-12));
    CHECK(iv.water_l_per_s == Approx(want.water_l_per_s).epsilon(1e-12));
    CHECK(iv.outside_temp_c == load.outside_c);
  }
  // Winter: the economiser does it all (no chiller); summer: the chillers run.
  const double pue_winter = rec.intervals[0].facility_power_w / rec.intervals[0].it_power_w;
  const double pue_summer = rec.intervals[1].facility_power_w / rec.intervals[1].it_power_w;
  CHECK(pue_summer > pue_winter + 0.05);
  CHECK(pue_winter > 1.0);
  // The summary adds up: facility = IT + cooling; PUE and partial PUE agree without losses.
  const auto& t = sum.total;
  CHECK(t.facility_energy_j == Approx(t.it_energy_j + t.cooling_j).epsilon(1e-12));
  CHECK(t.pue() == Approx(t.pue_partial_cooling()).epsilon(1e-12));
  CHECK(t.heat_delivered_j == 0.0);
  CHECK(t.ere() == Approx(t.pue()).epsilon(1e-12));
  CHECK(t.wue_l_per_kwh() > 0.0);
  CHECK(std::isnan(t.max_inlet_c));
}

TEST_CASE("heat pumps sell the loop's heat up to the network's demand and draw their power from the facility",
          "[datacenter][heat]") {
  test::BenchHardware hw;
  datacenter::WorldConfig c;
  auto site = test::bench_site(hw, 8);
  site.cooling = chilled_water_plant(true);
  site.outside_temp_c = two_seasons();
  site.heat.plant.present = true;
  site.heat.plant.network_supply_c = 70.0;
  // 2 kW of demand on day one (less than the loop can give), 50 kW on day two (more).
  site.heat.demand_w = simcore::StepSeries({SimTime::zero(), SimTime::days(1)}, {2e3, 50e3}, SimTime::days(2), "heat");
  site.heat.price_per_kwh = 0.05;
  site.heat.displaced_kg_per_kwh = 0.202 / 0.9;
  test::Recorder rec;
  const auto sum = run_idle(c, std::move(site), rec);
  REQUIRE(rec.intervals.size() == 2);
  const double it_w = 7840.0;
  for (int day = 0; day < 2; ++day) {
    const auto& iv = rec.intervals[day];
    const auto& s = c.sites[0];
    cooling::Load load;
    load.it_w = it_w;
    load.room_heat_w = it_w;
    load.outside_c = day == 0 ? 5.0 : 30.0;
    const cooling::Power before = cooling::cooling_power(s.cooling, load);
    const heat::Flows h = heat::reuse(s.heat.plant, {before.liquid_heat_w, s.cooling.liquid.return_c(), before.air_heat_w},
                                      day == 0 ? 2e3 : 50e3);
    load.recovered_liquid_w = h.recovered_liquid_w;
    const cooling::Power after = cooling::cooling_power(s.cooling, load);
    CHECK(iv.heat_delivered_w == Approx(h.delivered_w).epsilon(1e-12));
    CHECK(iv.heat_pump_w == Approx(h.heat_pump_w).epsilon(1e-12));
    CHECK(iv.heat_recovered_w == Approx(h.recovered_liquid_w).epsilon(1e-12));
    CHECK(iv.cooling_w == Approx(after.total_w).epsilon(1e-12));
    CHECK(iv.facility_power_w == Approx(it_w + after.total_w + h.heat_pump_w).epsilon(1e-12));
    // Delivered = drawn from the loop + the heat pumps' electricity.
    CHECK(iv.heat_delivered_w == Approx(iv.heat_recovered_w + iv.heat_pump_w).epsilon(1e-12));
  }
  CHECK(rec.intervals[0].heat_delivered_w == Approx(2e3).epsilon(1e-12));  // demand-limited
  CHECK(rec.intervals[1].heat_delivered_w < 50e3);                          // source-limited
  const auto& t = sum.total;
  CHECK(t.facility_energy_j == Approx(t.it_energy_j + t.cooling_j + t.heat_pump_j).epsilon(1e-12));
  CHECK(t.ere() < t.pue());
  CHECK(t.ere() == Approx((t.facility_energy_j - t.heat_delivered_j) / t.it_energy_j).epsilon(1e-12));
  CHECK(t.erf() == Approx(t.heat_delivered_j / t.facility_energy_j).epsilon(1e-12));
  CHECK(t.heat_avoided_kg == Approx(t.heat_delivered_j / 3.6e6 * 0.202 / 0.9).epsilon(1e-12));
  CHECK(t.heat_revenue == Approx(t.heat_delivered_j / 3.6e6 * 0.05).epsilon(1e-12));
}

TEST_CASE("rack inlets: a hot rack is a violation, reported to the policy, and throttling ends it", "[datacenter][thermal]") {
  // Two racks of one node; accelerators with two p-states (200 W and 400 W at full use).
  test::BenchHardware hw;
  hw.gpu.pstates = {{0.5e9, 60.0, 200.0}, {1.0e9, 60.0, 400.0}};
  const auto make = [&](bool throttle) {
    datacenter::WorldConfig c;
    auto site = test::bench_site(hw, 2);
    site.thermal.enabled = true;
    site.thermal.recirculation_k_per_kw = Eigen::MatrixXd{{1.0, 0.5}, {0.5, 1.0}};
    site.thermal.supply_c = 22.0;
    site.thermal.limit_c = 25.0;
    site.thermal.throttle = throttle;
    site.thermal.throttle_hold = SimTime::minutes(10);
    c.sites.push_back(std::move(site));
    c.horizon = SimTime::hours(3);
    c.output_interval = SimTime::hours(1);
    return c;
  };
  // One job of 8 accelerators at full use for an hour (at full speed), placed on node 0.
  const std::vector<workloads::Job> jobs = {test::job(0, 0.0, 8, 3600.0, 1.0)};
  const auto run = [&](bool throttle, ThermalCounter& policy, RackObserver& rec) {
    const auto c = make(throttle);
    workloads::VectorJobSource source(jobs);
    datacenter::World world(c, source, policy, &rec);
    return world.run();
  };

  SECTION("without throttling: one violation while the job runs") {
    ThermalCounter policy;
    RackObserver rec;
    const auto sum = run(false, policy, rec);
    // Busy node: 500 + 8 x 400 = 3,700 W; idle node: 980 W. Rack 0's inlet:
    // 22 + 1.0 x 3.7 + 0.5 x 0.98 = 26.19 C; rack 1's: 22 + 0.5 x 3.7 + 1.0 x 0.98 = 24.83 C.
    CHECK(sum.total.max_inlet_c == Approx(26.19).epsilon(1e-12));
    CHECK(sum.total.thermal_violations == 1);
    CHECK(sum.total.thermal_violation_s == Approx(3600.0));
    REQUIRE(sum.sites[0].thermal_violation_list.size() == 1);
    const auto& v = sum.sites[0].thermal_violation_list[0];
    CHECK(v.rack == 0);
    CHECK(v.start == SimTime::zero());
    CHECK(v.end == SimTime::hours(1));
    CHECK(policy.started == 1);
    CHECK(policy.ended == 1);
    // Interval averages of the racks: the first hour as above, then both idle (23.47 C).
    REQUIRE(rec.inlet_c.size() == 3);
    CHECK(rec.power_w[0][0] == Approx(3700.0).epsilon(1e-12));
    CHECK(rec.inlet_c[0][0] == Approx(26.19).epsilon(1e-12));
    CHECK(rec.inlet_c[0][1] == Approx(24.83).epsilon(1e-12));
    CHECK(rec.inlet_c[2][0] == Approx(22.0 + 1.5 * 0.98).epsilon(1e-12));
  }
  SECTION("with throttling: the rack is capped at once, so no violation lasts, and the job takes longer") {
    ThermalCounter policy;
    RackObserver rec;
    const auto sum = run(true, policy, rec);
    // Capped at 200 W: 500 + 8 x 200 = 2,100 W, inlet 22 + 2.1 + 0.49 = 24.59 C, under the
    // limit; every 10 minutes the cap is lifted, the inlet rises and the cap comes back.
    CHECK(sum.total.thermal_violations == 0);
    CHECK(sum.total.thermal_violation_s == 0.0);
    CHECK(policy.started >= 2);
    CHECK(policy.started == policy.ended);
    REQUIRE(sum.jobs_completed == 1);
    CHECK(sum.makespan > SimTime::hours(1));  // at half the clock, slower
    CHECK(rec.power_w[0][0] < 3700.0);
    CHECK(rec.power_w[0][0] >= 2100.0);
  }
}
