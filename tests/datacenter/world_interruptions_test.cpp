// Suspensions and node failures: the world keeps a job's progress exactly, charges its
// checkpoints, and loses exactly the work since the last checkpoint when a node fails.

#include <catch2/catch.hpp>
#include <cmath>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using Catch::Matchers::WithinRel;

namespace {

// FIFO, and a suspension of whatever runs at `suspend_at`, resumed at `resume_at`.
struct SuspendOnce : policies::FifoPolicy {
  SimTime suspend_at, resume_at;
  bool armed = false;
  void on_start(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::SlotId slot) override {
    policies::FifoPolicy::on_start(v, a, slot);
    if (!armed) {
      armed = true;
      a.wake_at(suspend_at);
      a.wake_at(resume_at);
    }
  }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    if (v.now() == suspend_at) {
      for (datacenter::SlotId s = 0; s < v.running_slots(); ++s) {
        if (v.running(s).active) a.suspend(s);
      }
    } else if (v.now() == resume_at) {
      while (v.suspended_count() > 0) a.resume(v.suspended(0).seq);
    }
  }
};

}  // namespace

TEST_CASE("a suspended job keeps its progress exactly and is charged its checkpoint and restore",
          "[datacenter][interruptions]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::Job j = test::job(0, 0, 8, 1000, 1.0);
  j.checkpoint_time = SimTime::seconds(60);
  j.restore_time = SimTime::seconds(30);
  workloads::VectorJobSource source({j});
  SuspendOnce policy;
  policy.suspend_at = SimTime::seconds(100);
  policy.resume_at = SimTime::seconds(500);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  // 0-100 s running (100 s of its 1000 s done); 100-160 s writing the checkpoint (on its GPUs,
  // no progress); off its GPUs 160-500 s; restarted at 500 s, reading the checkpoint until
  // 530 s; the 900 s left end at 1430 s.
  const auto& row = rec.row(0).rec;
  CHECK(row.start == SimTime::zero());
  CHECK(row.end == SimTime::seconds(1430));
  CHECK(row.suspensions == 1);
  CHECK(sum.suspensions == 1);
  CHECK(sum.jobs_completed == 1);
  CHECK(sum.work_done == 8000.0);
  // On its GPUs for 160 + 930 = 1090 s at 8 x 400 W + 500 W of host = 3700 W.
  CHECK_THAT(row.dc_energy_j, WithinRel(3700.0 * 1090.0, 1e-12));
  CHECK(row.lost_work == 0.0);
  // The checkpoint (60 s) and its read-back (30 s) at 3700 W.
  CHECK_THAT(sum.checkpoint_energy_j, WithinRel(3700.0 * 90.0, 1e-12));
}

TEST_CASE("a job suspended without checkpoint costs resumes where it stopped", "[datacenter][interruptions]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::Job j = test::job(0, 0, 4, 1000, 0.5);
  j.checkpoint_time = SimTime::zero();
  j.restore_time = SimTime::zero();
  workloads::VectorJobSource source({j});
  SuspendOnce policy;
  policy.suspend_at = SimTime::from_seconds(333.25);
  policy.resume_at = SimTime::seconds(400);
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  world.run();
  // 333.25 s done, a 66.75 s pause: it ends at 1066.75 s.
  CHECK(rec.row(0).rec.end == SimTime::from_seconds(1066.75));
}

TEST_CASE("a failed node's jobs lose exactly the work since their last checkpoint", "[datacenter][interruptions]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.sites[0].racks[0].repair_time = SimTime::seconds(100);
  config.failures.push_back({0, SimTime::seconds(700)});
  workloads::Job j = test::job(0, 0, 8, 1000, 1.0);
  j.checkpoint_interval = SimTime::seconds(300);
  j.restore_time = SimTime::seconds(30);
  workloads::VectorJobSource source({j});
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  // Checkpoints at 300 and 600 s; the node fails at 700 s: 100 s x 8 GPUs = 800
  // accelerator-seconds lost, drawn at 3700 W for 100 s = 370 kJ. Repaired at 800 s (the bench
  // node boots at once), the job reads its checkpoint until 830 s and runs the 400 s left: it
  // ends at 1230 s.
  const auto& row = rec.row(0).rec;
  CHECK(row.failures == 1);
  CHECK_THAT(row.lost_work, WithinRel(800.0, 1e-12));
  CHECK_THAT(row.lost_energy_j, WithinRel(370e3, 1e-12));
  CHECK(row.end == SimTime::seconds(1230));
  CHECK(sum.node_failures == 1);
  CHECK(sum.job_failures == 1);
  CHECK_THAT(sum.lost_work, WithinRel(800.0, 1e-12));
  CHECK(sum.work_done == 8000.0);
  // On its GPUs 0-700 s and 800-1230 s: 1130 s at 3700 W.
  CHECK_THAT(row.dc_energy_j, WithinRel(3700.0 * 1130.0, 1e-12));
}

TEST_CASE("a job that never checkpointed restarts from scratch after a failure, without a restore",
          "[datacenter][interruptions]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.sites[0].racks[0].repair_time = SimTime::seconds(50);
  config.failures.push_back({0, SimTime::seconds(250)});
  workloads::Job j = test::job(0, 0, 2, 1000, 1.0);
  workloads::VectorJobSource source({j});
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  world.run();
  // All 250 s x 2 GPUs lost; back at 300 s, the full 1000 s again: ends at 1300 s.
  CHECK(rec.row(0).rec.end == SimTime::seconds(1300));
  CHECK_THAT(rec.row(0).rec.lost_work, WithinRel(500.0, 1e-12));
}

TEST_CASE("drawn failures are reproducible from the seed, and every job still finishes",
          "[datacenter][interruptions]") {
  double total_work = 0.0;
  const auto run = [&](std::uint64_t seed) {
    test::BenchHardware hw;
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 4));
    config.sites[0].racks[0].node_mtbf = SimTime::hours(20);
    config.sites[0].racks[0].repair_time = SimTime::hours(1);
    config.seed = seed;
    auto jobs = test::random_jobs(3, 200, 600.0);
    total_work = 0.0;
    for (auto& j : jobs) {
      j.accelerators = std::min<std::uint32_t>(j.accelerators, 8);
      j.work = 3600.0 * j.accelerators;
      j.checkpoint_interval = SimTime::minutes(30);
      total_work += j.work;
    }
    workloads::VectorJobSource source(jobs);
    policies::FifoPolicy fifo;
    test::Recorder rec;
    datacenter::World world(config, source, fifo, &rec);
    const auto sum = world.run();
    // Jobs + idle = the site, with energy spent on lost work charged to its job.
    double jobs_dc = 0.0, jobs_facility = 0.0, lost_j = 0.0;
    for (const auto& r : rec.jobs) {
      jobs_dc += r.rec.dc_energy_j;
      jobs_facility += r.rec.facility_energy_j;
      lost_j += r.rec.lost_energy_j;
    }
    CHECK_THAT(jobs_dc, WithinRel(sum.total.jobs_energy_j, 1e-9));
    CHECK_THAT(jobs_facility + sum.total.idle.facility_j, WithinRel(sum.total.facility_energy_j, 1e-9));
    CHECK_THAT(lost_j, WithinRel(sum.lost_energy_j, 1e-9));
    return sum;
  };
  const auto a = run(7), b = run(7), c = run(8);
  CHECK(a.node_failures > 0);
  CHECK(a.node_failures == b.node_failures);
  CHECK(a.lost_work == b.lost_work);
  CHECK(a.end == b.end);
  CHECK(a.jobs_completed == 200);
  CHECK(c.jobs_completed == 200);
  CHECK((c.node_failures != a.node_failures || c.lost_work != a.lost_work));
  // Work is conserved: every job's work is done once, whatever was lost and redone.
  CHECK_THAT(a.work_done, WithinRel(total_work, 1e-12));
  CHECK(a.lost_work > 0.0);
}
