// The settlement inside the simulated world: solar, a battery and the grid meeting the
// facility's demand online, as policies see it and as the time series report it.

#include <catch2/catch.hpp>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

datacenter::WorldConfig config(const test::BenchHardware& hw) {
  datacenter::WorldConfig c;
  auto site = test::bench_site(hw, 4, 1.2);
  site.carbon_intensity_g_per_kwh =
      simcore::StepSeries({SimTime::zero(), SimTime::hours(8), SimTime::hours(20)}, {350.0, 150.0, 420.0}, SimTime::days(1));
  site.carbon_intensity_repeats = true;
  auto& s = site.supply;
  s.renewables.push_back({20e3, test::solar_day(), true});  // 20 kW of solar
  s.battery.capacity_j = 30e3 * 3600;                   // 30 kWh
  s.battery.max_charge_w = s.battery.max_discharge_w = 8e3;
  s.battery.charge_efficiency = s.battery.discharge_efficiency = 0.95;
  s.battery.soc_min = 0.1;
  s.battery.fade_per_cycle = 1e-4;
  s.dispatch.allow_export = true;
  s.price = supply::ScaledSeries{1.0, simcore::StepSeries({SimTime::zero(), SimTime::hours(17)}, {0.08, 0.30}, SimTime::days(1)), true};
  c.sites.push_back(std::move(site));
  c.horizon = SimTime::days(3);
  c.output_interval = SimTime::minutes(30);
  c.record_demand = true;
  return c;
}

std::vector<workloads::Job> jobs() {
  std::vector<workloads::Job> out;
  for (std::uint32_t i = 0; i < 300; ++i) {
    out.push_back(test::job(i, i * 700.0, 1 + (i * 7) % 16, 600.0 + (i * 131) % 5000, 0.3 + 0.1 * (i % 7)));
  }
  return out;
}

}  // namespace

TEST_CASE("the online settlement balances energy in every output interval", "[datacenter][supply]") {
  test::BenchHardware hw;
  const auto c = config(hw);
  workloads::VectorJobSource source(jobs());
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(c, source, fifo, &rec);
  const auto sum = world.run();
  REQUIRE(rec.intervals.size() == 3 * 48);
  double facility_j = 0.0;
  for (const auto& iv : rec.intervals) {
    // Facility power = renewable used + battery + import - export (curtailment aside: none
    // here, every surplus is exported).
    const double used = iv.renewable_w - iv.grid_export_w;
    CHECK(iv.facility_power_w == Approx(used + iv.battery_w + iv.grid_import_w).epsilon(1e-9));
    CHECK(iv.battery_energy_j >= 0.1 * 30e3 * 3600 * 0.9);
    facility_j += iv.facility_power_w * (iv.end - iv.start).to_seconds();
  }
  const auto& f = sum.total.supply;
  CHECK(f.demand_j == Approx(sum.total.facility_energy_j).epsilon(1e-12));
  CHECK(facility_j == Approx(f.demand_j).epsilon(1e-9));
  CHECK(f.discharge_j > 0.0);
  CHECK(f.export_j > 0.0);
  CHECK(sum.total.battery_full_cycles > 0.5);
  // Location-based from the ledger equals k x facility power, as the world computed before.
  CHECK(sum.total.ledger.location_kg == Approx(sum.total.carbon_location_kg).epsilon(1e-15));
  CHECK(sum.total.ledger.grid_kg < sum.total.ledger.location_kg);
}

TEST_CASE("replaying the recorded demand through the settlement gives the same numbers, bit for bit",
          "[datacenter][supply]") {
  test::BenchHardware hw;
  const auto c = config(hw);
  workloads::VectorJobSource source(jobs());
  policies::FifoPolicy fifo;
  datacenter::World world(c, source, fifo, nullptr);
  const auto sum = world.run();
  const auto& times = world.demand_times(0);
  const auto& values = world.demand_w(0);
  REQUIRE(times.size() > 100);
  // Offline: the same settlement over the recorded step series.
  supply::SupplySite offline(std::make_shared<const supply::SupplyConfig>(c.sites[0].supply),
                             c.sites[0].carbon_intensity_g_per_kwh, true);
  for (std::size_t i = 0; i < times.size(); ++i) offline.set_demand(times[i], values[i]);
  offline.finish(*c.horizon);
  const auto& a = sum.total.supply;
  const auto& b = offline.flows();
  CHECK(a.import_j == b.import_j);
  CHECK(a.export_j == b.export_j);
  CHECK(a.charge_j == b.charge_j);
  CHECK(a.discharge_j == b.discharge_j);
  CHECK(a.carbon_import == b.carbon_import);
  CHECK(a.cost_import == b.cost_import);
  CHECK(sum.total.ledger.energy_cost == offline.ledger().energy_cost);
  CHECK(sum.total.ledger.cfe_hourly() == offline.ledger().cfe_hourly());
}

namespace {
// Records what the policy interface says about the supply at each decision.
struct Watcher : datacenter::Policy {
  policies::FifoPolicy fifo;
  double max_soc = 0, min_soc = 1e300, max_surplus = 0, max_price = 0;
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override {
    fifo.schedule(view, actions);
    const double e = view.battery_energy_j(0);
    max_soc = std::max(max_soc, e);
    min_soc = std::min(min_soc, e);
    max_surplus = std::max(max_surplus, view.surplus_w(0));
    max_price = std::max(max_price, view.price_per_kwh(0));
    CHECK(view.renewable_w(0) <= 20e3);
    CHECK(e <= view.battery_capacity_j(0) + 1e-6);
  }
};
}  // namespace

TEST_CASE("policies read the state of charge, surplus and price at any time", "[datacenter][supply]") {
  test::BenchHardware hw;
  const auto c = config(hw);
  workloads::VectorJobSource source(jobs());
  Watcher watcher;
  datacenter::World world(c, source, watcher, nullptr);
  world.run();
  CHECK(watcher.max_soc > watcher.min_soc);
  CHECK(watcher.min_soc >= 0.1 * 30e3 * 3600 * 0.99);
  CHECK(watcher.max_price == 0.30);
  CHECK(watcher.max_surplus > 0.0);
}
