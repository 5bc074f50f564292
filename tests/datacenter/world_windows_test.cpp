// Flexibility windows: a job is not eligible before its earliest start (no policy sees it), its
// wait counts from then, and deadlines are recorded per job and summarised.

#include <catch2/catch.hpp>

#include "datacenter/world.hpp"
#include "policies/easy_backfill.hpp"
#include "policies/fifo.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

workloads::Job windowed(std::uint64_t id, double submit_s, std::uint32_t gpus, double duration_s,
                        std::optional<double> earliest_s, std::optional<double> deadline_s) {
  workloads::Job j = test::job(id, submit_s, gpus, duration_s, 1.0);
  if (earliest_s) j.earliest_start = SimTime::from_seconds(*earliest_s);
  if (deadline_s) j.deadline = SimTime::from_seconds(*deadline_s);
  return j;
}

// Remembers what it was shown, to check that held jobs stay out of sight.
template <class Base>
struct Watching : datacenter::Policy {
  Base base;
  std::size_t max_queue = 0;
  bool saw_job_0_early = false;
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override {
    for (std::size_t i = 0; i < view.queue_length(); ++i) {
      if (view.queued(i).job.id == 0 && view.now() < SimTime::seconds(7200)) saw_job_0_early = true;
    }
    max_queue = std::max(max_queue, view.queue_length());
    base.schedule(view, actions);
  }
};

template <class Policy>
void earliest_start_is_respected() {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  // Job 0 may not start before 2 h; job 1 (no window) arrives later and runs at once; job 2 would
  // fit beside job 1 and waits for nothing but its own earliest start.
  workloads::VectorJobSource source({windowed(0, 0, 4, 600, 7200.0, std::nullopt), test::job(1, 10, 4, 1800, 1.0),
                                     windowed(2, 20, 2, 600, 900.0, std::nullopt)});
  Watching<Policy> policy;
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  const auto sum = world.run();
  CHECK_FALSE(policy.saw_job_0_early);
  CHECK(rec.row(0).rec.start == SimTime::seconds(7200));
  CHECK(rec.row(0).rec.eligible == SimTime::seconds(7200));
  CHECK(rec.row(1).rec.start == SimTime::seconds(10));
  CHECK(rec.row(2).rec.start == SimTime::seconds(900));
  CHECK(sum.max_wait_s == 0.0);  // every job started as soon as it was eligible
  CHECK(sum.jobs_completed == 3);
  CHECK(sum.end == SimTime::seconds(7800));
}

}  // namespace

TEST_CASE("no job starts before its earliest start, under FIFO and EASY backfilling", "[datacenter][windows]") {
  SECTION("fifo") { earliest_start_is_respected<policies::FifoPolicy>(); }
  SECTION("easy-backfill") { earliest_start_is_respected<policies::EasyBackfillPolicy>(); }
}

TEST_CASE("a job's wait counts from its eligibility, when it has to queue", "[datacenter][windows]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  // Job 0 fills the node until 3600 s; job 1 is eligible at 1000 s and waits 2600 s.
  workloads::VectorJobSource source({test::job(0, 0, 8, 3600, 1.0), windowed(1, 0, 8, 100, 1000.0, std::nullopt)});
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  CHECK(rec.row(1).rec.start == SimTime::seconds(3600));
  CHECK(sum.max_wait_s == 2600.0);
  CHECK(sum.mean_wait_s == Approx(1300.0).epsilon(1e-12));
}

TEST_CASE("deadlines: misses and lateness per job and in the summary, unfinished jobs included", "[datacenter][windows]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.horizon = SimTime::seconds(10'000);
  workloads::VectorJobSource source({
      windowed(0, 0, 8, 3600, std::nullopt, 7200.0),         // ends 3600: in time
      windowed(1, 0, 8, 3600, std::nullopt, 4000.0),         // waits, ends 7200: 3200 s late
      windowed(2, 0, 8, 3600, std::nullopt, 9000.0),         // starts 7200, unfinished at 10,000: late by 1000 s
      windowed(3, 0, 8, 100, 20'000.0, 21'000.0),            // held past the horizon: not late yet
      windowed(4, 0, 8, 100, std::nullopt, 9500.0),          // queued at the end, past its deadline: 500 s
  });
  policies::FifoPolicy fifo;
  test::Recorder rec;
  datacenter::World world(config, source, fifo, &rec);
  const auto sum = world.run();
  CHECK_FALSE(rec.row(0).rec.missed_deadline);
  CHECK(rec.row(1).rec.missed_deadline);
  CHECK(rec.row(1).rec.deadline_miss_s == 3200.0);
  CHECK(rec.row(2).rec.missed_deadline);
  CHECK(rec.row(2).rec.end == SimTime::max());
  CHECK(rec.row(2).rec.deadline_miss_s == 1000.0);
  CHECK_FALSE(rec.row(3).rec.missed_deadline);
  CHECK(rec.row(3).rec.eligible == SimTime::max());
  CHECK(rec.row(4).rec.missed_deadline);
  CHECK(rec.row(4).rec.deadline_miss_s == 500.0);
  CHECK(sum.deadline_misses == 3);
  CHECK(sum.deadline_miss_s == 4700.0);
  CHECK(sum.jobs_held == 1);
  CHECK(sum.jobs_queued == 1);
  CHECK(sum.jobs_running == 1);
  CHECK(rec.jobs.size() == 5);
}

namespace {
// Tries to start whatever it can, ignoring windows: the world refuses a job before its start.
struct Rogue : datacenter::Policy {
  void schedule(const datacenter::ClusterView&, datacenter::Actions&) override {}
};
}  // namespace

TEST_CASE("a held job never reaches a policy's queue, so no policy can start it early", "[datacenter][windows]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.horizon = SimTime::seconds(100);
  workloads::VectorJobSource source({windowed(0, 0, 1, 10, 50.0, std::nullopt)});
  Watching<policies::FifoPolicy> policy;
  datacenter::World world(config, source, policy, nullptr);
  const auto sum = world.run();
  CHECK(policy.max_queue == 1);  // it appeared once eligible, and started
  CHECK(sum.jobs_completed == 1);
}
