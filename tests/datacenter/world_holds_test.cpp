// Holds and routes (Actions::defer, Actions::route): a held job leaves the queue until its
// hold ends or is lifted, keeps the run alive meanwhile, and a routed job runs only where it
// was sent, its data transfer booked; carbon on the basis the scenario does not account by.

#include <catch2/catch.hpp>
#include <stdexcept>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// FIFO over first-fit, holding every arriving job until `until`; a timer at `lift_at` (if set)
// lifts every hold.
struct HoldAll : policies::FifoPolicy {
  SimTime until, lift_at = SimTime::max();
  std::size_t seen_deferred = 0;
  void on_arrival(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::QueuedJob& q) override {
    a.defer(q.seq, until);
    seen_deferred = v.deferred().size();
    if (lift_at != SimTime::max()) a.wake_at(lift_at);
  }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    std::vector<std::uint64_t> seqs;
    for (const auto& [seq, q] : v.deferred()) seqs.push_back(seq);
    for (auto s : seqs) a.defer(s, v.now());
  }
};

// Routes every arriving job to site `to` with a transfer.
struct RouteAll : policies::FifoPolicy {
  std::uint32_t to = 1;
  SimTime transfer;
  double energy_j = 0;
  void on_arrival(const datacenter::ClusterView&, datacenter::Actions& a, const datacenter::QueuedJob& q) override {
    a.route(q.seq, to, transfer, energy_j);
  }
};

}  // namespace

TEST_CASE("a deferred job leaves the queue and starts when its hold ends", "[datacenter][holds]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::Job j = test::job(0, 0, 8, 1000, 1.0);
  j.deadline = SimTime::hours(10);
  workloads::VectorJobSource source({j});
  HoldAll policy;
  policy.until = SimTime::hours(2);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  CHECK(policy.seen_deferred == 1);
  // Held 0-2 h, then 1000 s of work: no horizon, and the hold kept the run going.
  CHECK(rec.row(0).rec.start == SimTime::hours(2));
  CHECK(rec.row(0).rec.end == SimTime::hours(2) + SimTime::seconds(1000));
  CHECK(sum.jobs_completed == 1);
  CHECK(sum.mean_wait_s == 7200.0);
  CHECK(sum.flexible_jobs_started == 1);
  CHECK(sum.flexible_mean_wait_s == 7200.0);
  CHECK(sum.deadline_misses == 0);
}

TEST_CASE("a hold lifted early returns the job to the queue at once", "[datacenter][holds]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::VectorJobSource source({test::job(0, 0, 8, 1000, 1.0), test::job(1, 10, 8, 1000, 1.0)});
  HoldAll policy;
  policy.until = SimTime::hours(5);
  policy.lift_at = SimTime::hours(1);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  // Both lifted at 1 h; in arrival order on the one node: 1 h - 1 h 1000 s, then to 1 h 2000 s.
  CHECK(rec.row(0).rec.start == SimTime::hours(1));
  CHECK(rec.row(1).rec.start == SimTime::hours(1) + SimTime::seconds(1000));
  CHECK(sum.jobs_completed == 2);
  CHECK(sum.flexible_jobs_started == 0);  // no deadlines
}

TEST_CASE("a job still held at the horizon is counted as queued and written", "[datacenter][holds]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.horizon = SimTime::hours(1);
  workloads::VectorJobSource source({test::job(0, 0, 8, 1000, 1.0)});
  HoldAll policy;
  policy.until = SimTime::hours(2);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  CHECK(sum.jobs_queued == 1);
  CHECK(sum.jobs_started == 0);
  REQUIRE(rec.jobs.size() == 1);
  CHECK(rec.row(0).rec.start == SimTime::max());
}

TEST_CASE("a routed job runs only on the site it was sent to, after its transfer", "[datacenter][holds]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.2, 400.0));
  config.sites.push_back(test::bench_site(hw, 1, 1.2, 100.0));
  config.sites[0].name = "a";
  config.sites[1].name = "b";
  workloads::Job j = test::job(0, 0, 8, 1000, 1.0);
  j.data_gb = 100;
  workloads::VectorJobSource source({j});
  RouteAll policy;
  policy.to = 1;
  policy.transfer = SimTime::seconds(600);
  policy.energy_j = 3.6e6;  // 1 kWh
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  // Site 0 is empty, but the job was sent to site 1 (node 1): it starts when its data is there.
  CHECK(rec.row(0).rec.start == SimTime::seconds(600));
  CHECK(rec.row(0).rec.site == 1);
  CHECK(sum.transfers == 1);
  CHECK(sum.transfer_energy_j == 3.6e6);
  // 1 kWh at the intensity of the site the data left (its home, site 0: 400 g/kWh).
  CHECK_THAT(sum.transfer_kg, WithinRel(0.4, 1e-12));
  CHECK(sum.sites[0].it_energy_j > 0.0);  // idle power only
  CHECK(sum.sites[1].jobs_energy_j > 0.0);
}

TEST_CASE("starting a routed job on another site, or holding one forever, is a policy bug", "[datacenter][holds]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.sites.push_back(test::bench_site(hw, 1));
  config.sites[1].name = "b";
  struct Wrong : policies::FifoPolicy {
    void on_arrival(const datacenter::ClusterView&, datacenter::Actions& a, const datacenter::QueuedJob& q) override {
      a.route(q.seq, 1, SimTime::zero(), 0.0);
    }
    void schedule(const datacenter::ClusterView& v, datacenter::Actions& a) override {
      if (v.queue_length() == 0) return;
      datacenter::Placement p;
      p.parts.push_back({0, 8});  // node 0 is on site 0
      a.start(v.queued(0).seq, p);
    }
  } wrong;
  workloads::VectorJobSource source({test::job(0, 0, 8, 1000, 1.0)});
  datacenter::World world(config, source, wrong, nullptr);
  CHECK_THROWS_AS(world.run(), std::logic_error);

  struct Forever : policies::FifoPolicy {
    void on_arrival(const datacenter::ClusterView&, datacenter::Actions& a, const datacenter::QueuedJob& q) override {
      a.defer(q.seq, SimTime::max());
    }
  } forever;
  workloads::VectorJobSource source2({test::job(0, 0, 8, 1000, 1.0)});
  datacenter::World world2(config, source2, forever, nullptr);
  CHECK_THROWS_AS(world2.run(), std::logic_error);
}

TEST_CASE("location carbon is reported on both bases when the site has both series", "[datacenter][carbon]") {
  test::BenchHardware hw;
  for (const bool marginal_accounting : {false, true}) {
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 1, 1.0, 400.0));  // the accounting series
    auto& s = config.sites[0];
    s.accounting_marginal = marginal_accounting;
    // The other basis: 800 g/kWh for the first hour, then 200.
    s.other_intensity_g_per_kwh = simcore::StepSeries({SimTime::zero(), SimTime::hours(1)}, {800.0, 200.0});
    config.horizon = SimTime::hours(2);
    workloads::VectorJobSource source({test::job(0, 0, 8, 7200, 1.0)});
    policies::FifoPolicy policy;
    datacenter::World world(config, source, policy, nullptr);
    const auto sum = world.run();
    // 3700 W (8 x 400 + 500 host, PUE 1) for 2 h = 7.4 kWh; by the accounting series 400 g/kWh
    // = 2.96 kg; by the other 3.7 kWh x 800 + 3.7 kWh x 200 = 3.7 kg.
    const auto& t = sum.total;
    CHECK_THAT(t.carbon_location_kg, WithinRel(2.96, 1e-9));
    const double accounted = marginal_accounting ? t.carbon_location_marginal_kg : t.carbon_location_average_kg;
    const double other = marginal_accounting ? t.carbon_location_average_kg : t.carbon_location_marginal_kg;
    CHECK_THAT(accounted, WithinRel(2.96, 1e-9));
    CHECK_THAT(other, WithinRel(3.7, 1e-9));
  }
}

TEST_CASE("a basis whose series ends before the run is not reported", "[datacenter][carbon]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0, 400.0));
  config.sites[0].other_intensity_g_per_kwh =
      simcore::StepSeries({SimTime::zero()}, {800.0}, SimTime::hours(1), "marginal");
  config.horizon = SimTime::hours(2);
  workloads::VectorJobSource source({test::job(0, 0, 8, 7200, 1.0)});
  policies::FifoPolicy policy;
  datacenter::World world(config, source, policy, nullptr);
  const auto sum = world.run();
  CHECK(std::isnan(sum.total.carbon_location_marginal_kg));
  CHECK_THAT(sum.total.carbon_location_average_kg, WithinRel(2.96, 1e-9));
}
