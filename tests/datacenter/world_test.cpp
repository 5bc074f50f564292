#include "datacenter/world.hpp"

#include <catch2/catch.hpp>

#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

// 2 nodes. A (8 GPUs, 3600 s, u 0.5) and B (8 GPUs, 1800 s, u 1) at t = 0; C (4 GPUs, 600 s,
// u 1) at t = 100 s waits for B, then runs 1800-2400 s on node 1.
//   [0, 1800):    node0 500 + 8 x 230 = 2340 W; node1 500 + 8 x 400 = 3700 W -> IT 6040 W
//   [1800, 2400): node1 500 + 4 x 400 + 4 x 60 = 2340 W                  -> IT 4680 W
//   [2400, 3600): node1 500 + 8 x 60 = 980 W                             -> IT 3320 W
// IT energy 6040 x 1800 + 4680 x 600 + 3320 x 1200 = 17,664,000 J; facility x 1.2.
std::vector<workloads::Job> abc() {
  return {test::job(0, 0, 8, 3600, 0.5), test::job(1, 0, 8, 1800, 1.0), test::job(2, 100, 4, 600, 1.0)};
}

}  // namespace

TEST_CASE("a small FIFO run gives the hand-computed energy, carbon and waits", "[datacenter][world]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2));
  config.output_interval = SimTime::seconds(1800);
  workloads::VectorJobSource source(abc());
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();

  CHECK(sum.end == SimTime::seconds(3600));
  CHECK(sum.makespan == SimTime::seconds(3600));
  CHECK(sum.jobs_completed == 3);
  CHECK(sum.jobs_queued == 0);
  CHECK(sum.jobs_running == 0);
  CHECK(sum.mean_wait_s == Approx(1700.0 / 3).epsilon(1e-12));
  CHECK(sum.max_wait_s == 1700.0);
  const auto& t = sum.total;
  CHECK(t.it_energy_j == Approx(17'664'000.0).epsilon(1e-12));
  CHECK(t.facility_energy_j == Approx(1.2 * 17'664'000.0).epsilon(1e-12));
  CHECK(t.pue() == Approx(1.2).epsilon(1e-12));
  CHECK(t.carbon_location_kg == Approx(1.2 * 17'664'000.0 / 3.6e6 * 0.4).epsilon(1e-12));
  CHECK(t.peak_facility_power_w == Approx(1.2 * 6040.0).epsilon(1e-12));
  // Jobs: A 2340 W x 3600 s; B 3700 W x 1800 s; C (4 x 400 + 4/8 x 500) W x 600 s.
  CHECK(rec.row(0).rec.dc_energy_j == Approx(2340.0 * 3600).epsilon(1e-12));
  CHECK(rec.row(1).rec.dc_energy_j == Approx(3700.0 * 1800).epsilon(1e-12));
  CHECK(rec.row(2).rec.dc_energy_j == Approx(1850.0 * 600).epsilon(1e-12));
  CHECK(rec.row(2).rec.start == SimTime::seconds(1800));
  CHECK(rec.row(2).rec.end == SimTime::seconds(2400));
  // Its share of the facility: no PSU or distribution losses, PUE 1.2, so 1.2 x its DC energy,
  // at 400 g/kWh.
  CHECK(rec.row(0).rec.it_energy_j == Approx(2340.0 * 3600).epsilon(1e-12));
  CHECK(rec.row(0).rec.facility_energy_j == Approx(1.2 * 2340.0 * 3600).epsilon(1e-12));
  CHECK(rec.row(0).rec.carbon_location_kg == Approx(1.2 * 2340.0 * 3600 / 3.6e6 * 0.4).epsilon(1e-12));
  // No battery, no renewables: the grid carries the whole demand.
  CHECK(rec.row(0).rec.carbon_grid_kg == Approx(rec.row(0).rec.carbon_location_kg).epsilon(1e-12));
  // Idle: node1 [1800, 2400) 4 x 60 + 0.5 x 500 = 490 W; [2400, 3600) 980 W.
  CHECK(t.idle_energy_j == Approx(490.0 * 600 + 980.0 * 1200).epsilon(1e-12));
  CHECK(t.jobs_energy_j == Approx(2340.0 * 3600 + 3700.0 * 1800 + 1850.0 * 600).epsilon(1e-12));
  CHECK(t.overhead_j == Approx(0.2 * 17'664'000.0).epsilon(1e-12));
  CHECK(t.psu_loss_j == Approx(0.0).margin(1e-6));
  CHECK(t.distribution_loss_j == Approx(0.0).margin(1e-6));
  CHECK(sum.mean_accelerator_utilisation() == Approx((8 * 3600.0 + 8 * 1800 + 4 * 600) / (16 * 3600.0)).epsilon(1e-12));

  // Time series on 1800 s intervals: interval averages, not samples.
  REQUIRE(rec.intervals.size() == 2);
  CHECK(rec.intervals[0].it_power_w == Approx(6040.0).epsilon(1e-12));
  CHECK(rec.intervals[1].it_power_w == Approx((4680.0 * 600 + 3320.0 * 1200) / 1800).epsilon(1e-12));
  CHECK(rec.intervals[0].busy_accelerators == Approx(16.0).epsilon(1e-12));
  CHECK(rec.intervals[1].busy_accelerators == Approx((8 * 1800.0 + 4 * 600) / 1800).epsilon(1e-12));
  CHECK(rec.intervals[0].queued_jobs == Approx(1700.0 / 1800).epsilon(1e-12));
  CHECK(rec.intervals[0].carbon_intensity_g_per_kwh == Approx(400.0).epsilon(1e-12));
  CHECK(rec.intervals[1].carbon_rate_kg_per_s * 1800 + rec.intervals[0].carbon_rate_kg_per_s * 1800 ==
        Approx(t.carbon_location_kg).epsilon(1e-12));
}

TEST_CASE("a carbon-intensity step series is integrated exactly across its steps", "[datacenter][world]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  auto site = test::bench_site(hw, 1, 1.0);
  // 100 g/kWh for the first half hour, then 300 g/kWh.
  site.carbon_intensity_g_per_kwh = simcore::StepSeries({SimTime::zero(), SimTime::minutes(30)}, {100.0, 300.0});
  config.sites.push_back(site);
  config.horizon = SimTime::hours(1);
  workloads::VectorJobSource source({test::job(0, 0, 8, 7200, 1.0)});  // still running at the horizon
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  // 3700 W for an hour: 1.85 kWh at 100 g, 1.85 kWh at 300 g.
  CHECK(sum.total.carbon_location_kg == Approx(1.85 * 0.1 + 1.85 * 0.3).epsilon(1e-12));
  CHECK(sum.jobs_running == 1);
  CHECK(sum.jobs_completed == 0);
  REQUIRE(rec.jobs.size() == 1);
  CHECK(rec.jobs[0].rec.end == SimTime::max());  // unfinished: no end
  CHECK(rec.jobs[0].rec.dc_energy_j == Approx(3700.0 * 3600).epsilon(1e-12));
  REQUIRE(rec.intervals.size() == 1);
  CHECK(rec.intervals[0].carbon_intensity_g_per_kwh == Approx(200.0).epsilon(1e-12));
}

TEST_CASE("multi-node jobs take whole free nodes and jobs larger than the facility are rejected",
          "[datacenter][world]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 3));
  workloads::VectorJobSource source({test::job(0, 0, 2, 100, 1.0), test::job(1, 0, 16, 100, 1.0),
                                     test::job(2, 0, 32, 100, 1.0), test::job(3, 0, 8, 100, 1.0)});
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  CHECK(sum.jobs_rejected == 1);  // 32 > 24 accelerators
  CHECK(rec.row(2).rec.rejected);
  // Job 0 on node 0; job 1 needs two whole nodes: 1 and 2; job 3 (8) waits for a whole node.
  CHECK(rec.row(1).rec.start == SimTime::zero());
  CHECK(rec.row(3).rec.start == SimTime::seconds(100));
  CHECK(sum.makespan == SimTime::seconds(200));
}

namespace {

// A policy that caps every accelerator of node 0 when it first schedules.
struct CappingFifo : datacenter::Policy {
  policies::FifoPolicy fifo;
  double cap_w;
  bool capped = false;
  explicit CappingFifo(double cap) : cap_w(cap) {}
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override {
    fifo.schedule(view, actions);
    if (!capped) {
      capped = true;
      for (std::uint32_t i = 0; i < view.accelerators(0); ++i) actions.set_power_cap(0, i, cap_w);
    }
  }
};

}  // namespace

TEST_CASE("a power cap stretches a running job by the speed law and lowers its power", "[datacenter][world]") {
  test::BenchHardware hw;
  // Two p-states: 1 GHz 60-200 W, 2 GHz 60-400 W.
  hw.gpu.pstates = {{1.0e9, 60.0, 200.0}, {2.0e9, 60.0, 400.0}};
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  workloads::Job j = test::job(0, 0, 8, 3600, 1.0);
  j.beta = 0.5;  // speed at 1 GHz: 1 / (0.5 * 2 + 0.5) = 2/3
  workloads::VectorJobSource source({j});
  CappingFifo policy(300.0);  // 400 W does not fit, 200 W does
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  CHECK(sum.makespan == SimTime::seconds(5400));
  // 8 x 200 W + 500 W host, for 5400 s.
  CHECK(rec.row(0).rec.dc_energy_j == Approx(2100.0 * 5400).epsilon(1e-12));
  CHECK(sum.total.it_energy_j == Approx(2100.0 * 5400).epsilon(1e-12));
}

TEST_CASE("job energies, idle, losses and overhead add up to the facility energy over a long random run",
          "[datacenter][world]") {
  test::LossyHardware hw;
  datacenter::WorldConfig config;
  datacenter::SiteConfig site = hw.site();
  site.carbon_intensity_g_per_kwh =
      simcore::StepSeries({SimTime::zero(), SimTime::hours(5), SimTime::hours(11)}, {350.0, 120.0, 500.0});
  config.sites.push_back(site);
  config.horizon = SimTime::days(2);
  config.output_interval = SimTime::minutes(15);
  const auto jobs = test::random_jobs(12345, 3000, 60.0);
  workloads::VectorJobSource source(jobs);
  CappingFifo policy(300.0);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  const auto& s = sum.total;
  REQUIRE(sum.jobs_completed > 100);
  double job_records_j = 0.0;
  for (const auto& r : rec.jobs) job_records_j += r.rec.dc_energy_j;
  CHECK(job_records_j == Approx(s.jobs_energy_j).epsilon(1e-9));
  const double parts = job_records_j + s.idle_energy_j + s.psu_loss_j + s.distribution_loss_j + s.overhead_j;
  CHECK(parts == Approx(s.facility_energy_j).epsilon(1e-9));
  CHECK(s.jobs_energy_j + s.idle_energy_j == Approx(s.dc_energy_j).epsilon(1e-9));
  CHECK(s.psu_loss_j > 0.01 * s.dc_energy_j);
  CHECK(s.distribution_loss_j > 0.01 * s.it_energy_j);
  CHECK(s.overhead_j == Approx(0.3 * s.it_energy_j).epsilon(1e-9));
  // The time series adds up to the totals.
  double facility_j = 0.0, carbon_kg = 0.0;
  for (const auto& iv : rec.intervals) {
    facility_j += iv.facility_power_w * (iv.end - iv.start).to_seconds();
    carbon_kg += iv.carbon_rate_kg_per_s * (iv.end - iv.start).to_seconds();
  }
  CHECK(rec.intervals.size() == 2 * 24 * 4);
  CHECK(facility_j == Approx(s.facility_energy_j).epsilon(1e-9));
  CHECK(carbon_kg == Approx(s.carbon_location_kg).epsilon(1e-9));
  // The jobs' shares of the facility and its carbon, with idle's, add up to the site's.
  double job_facility_j = 0.0, job_it_j = 0.0, job_carbon = 0.0;
  for (const auto& r : rec.jobs) {
    job_facility_j += r.rec.facility_energy_j;
    job_it_j += r.rec.it_energy_j;
    job_carbon += r.rec.carbon_location_kg;
  }
  CHECK(job_facility_j == Approx(s.jobs.facility_j).epsilon(1e-12));
  CHECK(job_it_j + s.idle.it_j == Approx(s.it_energy_j).epsilon(1e-9));
  CHECK(job_facility_j + s.idle.facility_j == Approx(s.facility_energy_j).epsilon(1e-9));
  CHECK(job_carbon + s.idle.location_kg == Approx(s.carbon_location_kg).epsilon(1e-9));
  CHECK(job_carbon > 0.3 * s.carbon_location_kg);
}

TEST_CASE("the same inputs give the same results, bit for bit", "[datacenter][world]") {
  const auto once = [] {
    test::BenchHardware hw;
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 4));
    std::vector<workloads::Job> jobs;
    for (std::uint32_t i = 0; i < 500; ++i) {
      jobs.push_back(test::job(i, i * 7.0, 1 + i % 8, 100.0 + (i * 37) % 900, 0.5));
    }
    workloads::VectorJobSource source(jobs);
    policies::FifoPolicy fifo;
    datacenter::World world(config, source, fifo, nullptr);
    return world.run();
  };
  const auto a = once(), b = once();
  CHECK(a.total.facility_energy_j == b.total.facility_energy_j);
  CHECK(a.total.carbon_location_kg == b.total.carbon_location_kg);
  CHECK(a.mean_wait_s == b.mean_wait_s);
  CHECK(a.makespan == b.makespan);
  CHECK(a.events == b.events);
}

TEST_CASE("two sites: jobs stay within a site, each site is accounted with its own grid", "[datacenter][world]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  auto north = test::bench_site(hw, 1, 1.0, 50.0);
  north.name = "north";
  auto south = test::bench_site(hw, 2, 1.5, 500.0);
  south.name = "south";
  config.sites = {north, south};
  config.output_interval = SimTime::seconds(1000);
  // A 16-GPU job fits only the south site (two nodes); two 8-GPU jobs: north first (lowest node).
  workloads::VectorJobSource source(
      {test::job(0, 0, 8, 1000, 1.0), test::job(1, 0, 16, 1000, 1.0), test::job(2, 0, 8, 1000, 1.0)});
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  CHECK(rec.row(0).rec.site == 0);
  CHECK(rec.row(1).rec.site == 1);
  CHECK(rec.row(1).rec.start == SimTime::zero());
  CHECK(rec.row(2).rec.start == SimTime::seconds(1000));  // waits for a whole node of 8
  REQUIRE(sum.sites.size() == 2);
  // North: job 0 then job 2 on its one node, 3700 W for 2000 s.
  CHECK(rec.row(2).rec.site == 0);
  CHECK(sum.sites[0].it_energy_j == Approx(3700.0 * 2000).epsilon(1e-12));
  CHECK(sum.sites[0].carbon_location_kg == Approx(3700.0 * 2000 / 3.6e6 * 0.05).epsilon(1e-12));
  // South: two nodes at 3700 W for 1000 s, then idle 980 W each for 1000 s; PUE 1.5.
  const double south_it = 2 * 3700.0 * 1000 + 2 * 980.0 * 1000;
  CHECK(sum.sites[1].it_energy_j == Approx(south_it).epsilon(1e-12));
  CHECK(sum.sites[1].facility_energy_j == Approx(1.5 * south_it).epsilon(1e-12));
  CHECK(sum.total.facility_energy_j == Approx(3700.0 * 2000 + 1.5 * south_it).epsilon(1e-12));
  CHECK(sum.total.peak_facility_power_w == Approx(3700.0 + 1.5 * 2 * 3700.0).epsilon(1e-12));
  // Per-site intervals, and the all-sites intensity is emissions over energy.
  REQUIRE(rec.site_intervals.size() == 4);
  REQUIRE(rec.intervals.size() == 2);
  const double e0 = 3700.0 * 1000 + 1.5 * 2 * 3700.0 * 1000;
  const double c0 = (3700.0 * 1000 * 50 + 1.5 * 2 * 3700.0 * 1000 * 500) / 3.6e9;
  CHECK(rec.intervals[0].carbon_intensity_g_per_kwh == Approx(c0 * 3.6e9 / e0).epsilon(1e-12));
  CHECK(rec.site_intervals[1].carbon_intensity_g_per_kwh == Approx(500.0).epsilon(1e-12));
}

TEST_CASE("rack capacity violations are counted with their duration", "[datacenter][world]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  auto site = test::bench_site(hw, 2);
  site.racks[0] = {1, 2, &hw.node, &hw.gpu, 6000.0, 0.0, 0.0, {}, simcore::SimTime::hours(4)};  // one rack of two nodes, 6 kW
  config.sites.push_back(site);
  // Both nodes busy at full power for 500 s: 2 x 3700 W = 7.4 kW > 6 kW.
  workloads::VectorJobSource source({test::job(0, 0, 8, 500, 1.0), test::job(1, 0, 8, 300, 1.0)});
  policies::FifoPolicy fifo;
  datacenter::World world(config, source, fifo, nullptr);
  const auto sum = world.run();
  CHECK(sum.total.capacity_violations == 1);
  CHECK(sum.total.capacity_violation_s == Approx(300.0));
}

TEST_CASE("embodied carbon is amortised over the simulated span", "[datacenter][world]") {
  test::BenchHardware hw;
  hw.node.embodied_kg = 1000.0;
  hw.node.lifetime_years = 4.0;
  hw.gpu.embodied_kg = 100.0;
  hw.gpu.lifetime_years = 4.0;
  datacenter::WorldConfig config;
  auto site = test::bench_site(hw, 1);
  site.racks[0] = {3, 2, &hw.node, &hw.gpu, datacenter::kUnlimited, 500.0, 10.0, {}, simcore::SimTime::hours(4)};  // 3 racks of 2 nodes
  config.sites.push_back(site);
  config.horizon = SimTime::days(1);
  workloads::VectorJobSource source({});
  policies::FifoPolicy fifo;
  datacenter::World world(config, source, fifo, nullptr);
  const auto sum = world.run();
  const double per_rack = 500.0 / (365.0 * 10) + 2 * (1000.0 + 8 * 100.0) / (365.0 * 4);
  CHECK(sum.total.embodied_kg == Approx(3 * per_rack).epsilon(1e-12));
}
