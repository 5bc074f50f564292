// Tests of the schedulers: conservative-backfill, sjf and priority. Small worlds of 8-GPU nodes
// (tests/datacenter/world_fixture.hpp: one p-state, so every job runs at full speed and its
// runtime is its duration) with start times worked out by hand; then seeded random workloads
// for the properties each one promises.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/conservative_backfill.hpp"
#include "policies/easy_backfill.hpp"
#include "policies/placement.hpp"
#include "policies/priority.hpp"
#include "policies/registry.hpp"
#include "policies/sjf.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using simcore::SimTime;

namespace {

struct Run {
  test::Recorder rec;
  datacenter::RunSummary summary;
};

Run run(std::unique_ptr<policies::Scheduler> scheduler, std::vector<workloads::Job> jobs, std::size_t nodes,
        std::vector<std::unique_ptr<policies::Manager>> managers = {}) {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, nodes));
  workloads::VectorJobSource source(std::move(jobs));
  policies::StackPolicy stack(std::move(scheduler), std::make_unique<policies::FirstFitPlacement>(),
                              std::move(managers));
  Run out;
  datacenter::World world(config, source, stack, &out.rec);
  out.summary = world.run();
  return out;
}

SimTime start_of(const Run& r, std::uint64_t id) {
  return r.rec.row(id).rec.start;
}

workloads::Job queued_job(std::uint64_t id, double submit_s, std::uint32_t gpus, double duration_s,
                          const std::string& queue) {
  workloads::Job j = test::job(id, submit_s, gpus, duration_s, 1.0);
  j.queue = queue;
  return j;
}

// ~300 jobs: 1-16 GPUs, whole-second runtimes of 1 min to 1 h, gaps of 0-120 s: far more work
// than 4 nodes of 8 GPUs can do as it arrives, so queues grow long.
std::vector<workloads::Job> random_workload(std::uint32_t seed, std::size_t n) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> size(0, 4), duration(60, 3600), gap(0, 120);
  const std::uint32_t sizes[] = {1, 2, 4, 8, 16};
  std::vector<workloads::Job> jobs;
  double t = 0.0;
  for (std::uint64_t i = 0; i < n; ++i) {
    t += gap(rng);
    jobs.push_back(test::job(i, t, sizes[size(rng)], duration(rng), 1.0));
  }
  return jobs;
}

void check_all_finished(const Run& r, std::size_t n) {
  REQUIRE(r.rec.jobs.size() == n);
  CHECK(r.summary.jobs_completed == n);
  for (const auto& row : r.rec.jobs) {
    CHECK(row.rec.start != SimTime::max());
    CHECK(row.rec.end != SimTime::max());
  }
}

// Records, per job (by arrival sequence), the reservation conservative-backfill gave it at the
// decision of its arrival (a job started then was promised that instant) and its first start.
struct ReservationProbe : policies::Manager {
  const policies::ConservativeBackfillScheduler* scheduler;
  std::map<std::uint64_t, SimTime>* promised;
  std::map<std::uint64_t, SimTime>* started;
  ReservationProbe(const policies::ConservativeBackfillScheduler* s, std::map<std::uint64_t, SimTime>* p,
                   std::map<std::uint64_t, SimTime>* st)
      : scheduler(s), promised(p), started(st) {}
  void on_start(const datacenter::ClusterView& v, datacenter::Actions&, datacenter::SlotId slot) override {
    const std::uint64_t seq = v.running(slot).seq;
    promised->emplace(seq, v.now());  // no effect if it was promised earlier
    started->emplace(seq, v.now());
  }
  void after_schedule(const datacenter::ClusterView& v, datacenter::Actions&) override {
    for (std::size_t i = 0; i < v.queue_length(); ++i) {
      const std::uint64_t seq = v.queued(i).seq;
      if (promised->count(seq) != 0) continue;
      const auto r = scheduler->reservation(seq);
      REQUIRE(r.has_value());  // every job fits the cluster once it is empty
      CHECK(*r > v.now());
      promised->emplace(seq, *r);
    }
  }
};

}  // namespace

// ----------------------------------------------------------------------------------------------
// conservative-backfill

// Two nodes of 8. At 0: A (8 GPUs, 1000 s) fills node 0, X (4, 500 s) and Y (4, 200 s) fill
// node 1. Then B (16 GPUs, 100 s) at 1 s, C (8, 400 s) at 2 s, D (4, 700 s) at 3 s.
//
// Conservative: B needs both nodes whole: reserved [1000, 1100). C fits node 1 once X and Y
// have ended, [500, 900), before B needs it: reserved at 500. D: at 200 node 1 has 4 free, but
// C takes all of node 1 at 500, inside D's [200, 900); at 500 and 900 C or B is in the way; at
// 1000 B holds both nodes: reserved at 1100 on node 0. So C 500, B 1000, D 1100.
//
// EASY protects only the head B (shadow 1000, both nodes): at 200 D fits node 1 and ends at
// 900 <= 1000, so it backfills. C then finds node 1 half busy until 900, and from 900 its
// 400 s would run into B: C starts after B, at 1100. D, behind C, delayed it by 600 s.
std::vector<workloads::Job> easy_delays_second() {
  return {test::job(0, 0, 8, 1000, 1.0), test::job(1, 0, 4, 500, 1.0), test::job(2, 0, 4, 200, 1.0),
          test::job(3, 1, 16, 100, 1.0), test::job(4, 2, 8, 400, 1.0), test::job(5, 3, 4, 700, 1.0)};
}

TEST_CASE("conservative backfilling never lets a later job delay an earlier one", "[policies][conservative]") {
  const auto cons = run(std::make_unique<policies::ConservativeBackfillScheduler>(), easy_delays_second(), 2);
  CHECK(start_of(cons, 3) == SimTime::seconds(1000));  // B
  CHECK(start_of(cons, 4) == SimTime::seconds(500));   // C
  CHECK(start_of(cons, 5) == SimTime::seconds(1100));  // D
  CHECK(cons.rec.row(4).rec.site == 0);

  const auto easy = run(std::make_unique<policies::EasyBackfillScheduler>(), easy_delays_second(), 2);
  CHECK(start_of(easy, 3) == SimTime::seconds(1000));
  CHECK(start_of(easy, 5) == SimTime::seconds(200));   // D backfilled ...
  CHECK(start_of(easy, 4) == SimTime::seconds(1100));  // ... and C, ahead of it, waits
}

TEST_CASE("conservative backfilling reserves on arrival and moves reservations earlier when jobs end early",
          "[policies][conservative]") {
  // One node of 8. A (8 GPUs) runs 0-300 s but its estimate says 1000 s. B (4 GPUs, 100 s) at
  // 1 s is reserved at A's estimated end, 1000; C (4 GPUs, 500 s, estimate 500 s) at 2 s beside
  // it at 1000 too. A ends at 300: both reservations move to 300, where both start.
  std::vector<workloads::Job> jobs{test::job(0, 0, 8, 300, 1.0), test::job(1, 1, 4, 100, 1.0),
                                   test::job(2, 2, 4, 500, 1.0), test::job(3, 3, 8, 50, 1.0)};
  jobs[0].estimate = SimTime::seconds(1000);
  jobs[2].estimate = SimTime::seconds(500);
  // D (8 GPUs, 50 s) at 3 s: needs the whole node; B ends at 1100 and C at 1500 by the
  // profile, so D is reserved at 1500. After the compression at 300: B ends 400, C by its
  // estimate 800: D moves to 800, and C's estimate being exact, starts at 800.
  auto s = std::make_unique<policies::ConservativeBackfillScheduler>();
  const auto* scheduler = s.get();
  std::map<std::uint64_t, SimTime> promised, started;
  std::vector<std::unique_ptr<policies::Manager>> managers;
  managers.push_back(std::make_unique<ReservationProbe>(scheduler, &promised, &started));
  const auto r = run(std::move(s), jobs, 1, std::move(managers));
  CHECK(promised.at(1) == SimTime::seconds(1000));
  CHECK(promised.at(2) == SimTime::seconds(1000));
  CHECK(promised.at(3) == SimTime::seconds(1500));
  CHECK(start_of(r, 1) == SimTime::seconds(300));
  CHECK(start_of(r, 2) == SimTime::seconds(300));
  CHECK(start_of(r, 3) == SimTime::seconds(800));
}

// First-fit, except that it places nothing from 50 s to 150 s (as a rule that reads more than the
// capacity, a signal say, may refuse for a while).
struct RefusingFirstFit : policies::PlacementRule {
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t g,
             std::uint32_t site, datacenter::Placement& out) override {
    if (view.now() >= SimTime::seconds(50) && view.now() < SimTime::seconds(150)) {
      out.clear();
      return false;
    }
    return policies::first_fit(view, capacity, g, site, out);
  }
};

TEST_CASE("conservative backfilling never leaves a reservation where no decision point comes",
          "[policies][conservative]") {
  // One node of 8. A (8 GPUs) runs 0-100 s, its estimate says 1000 s; B (8 GPUs, 10 s) at 1 s is
  // reserved at 1000. A ends at 100, but the rule will not place B then: B's reservation must
  // not stay at 1000, when nothing ends and no decision comes (B would never start). It moves,
  // with its placement, to the last instant before 1000 at which something comes back: none,
  // so now. B starts at 100.
  std::vector<workloads::Job> jobs{test::job(0, 0, 8, 100, 1.0), test::job(1, 1, 8, 10, 1.0)};
  jobs[0].estimate = SimTime::seconds(1000);
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::VectorJobSource source(jobs);
  policies::StackPolicy stack(std::make_unique<policies::ConservativeBackfillScheduler>(),
                              std::make_unique<RefusingFirstFit>(), {});
  test::Recorder rec;
  datacenter::World world(config, source, stack, &rec);
  world.run();
  CHECK(rec.row(1).rec.start == SimTime::seconds(100));
}

TEST_CASE("conservative backfilling keeps every reservation made at arrival (random workloads)",
          "[policies][conservative][property]") {
  const bool exact = GENERATE(true, false);
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(exact, seed);
    auto jobs = random_workload(seed, 300);
    std::mt19937 rng(seed + 100);
    std::uniform_int_distribution<int> over(0, 200);  // % of the runtime added to the estimate
    if (!exact) {
      for (auto& j : jobs)
        j.estimate = SimTime::seconds(static_cast<std::int64_t>(j.duration_s()) * (100 + over(rng)) / 100);
    }
    auto s = std::make_unique<policies::ConservativeBackfillScheduler>();
    const auto* scheduler = s.get();
    std::map<std::uint64_t, SimTime> promised, started;
    std::vector<std::unique_ptr<policies::Manager>> managers;
    managers.push_back(std::make_unique<ReservationProbe>(scheduler, &promised, &started));
    const auto r = run(std::move(s), jobs, 4, std::move(managers));
    check_all_finished(r, jobs.size());
    REQUIRE(started.size() == jobs.size());
    std::size_t early = 0;
    for (const auto& [seq, t] : started) {
      CAPTURE(seq);
      if (exact) {
        CHECK(t == promised.at(seq));  // with exact runtimes the schedule made at arrival holds
      } else {
        CHECK(t <= promised.at(seq));  // jobs end early, reservations only move earlier
      }
      early += t < promised.at(seq) ? 1 : 0;
    }
    if (!exact) CHECK(early > 0);  // and compression does move them
    // It backfills: some job starts before one that arrived earlier.
    std::size_t overtaken = 0;
    for (auto it = started.begin(); it != started.end(); ++it) {
      for (auto later = std::next(it); later != started.end(); ++later) overtaken += later->second < it->second ? 1 : 0;
    }
    CHECK(overtaken > 0);
  }
}

// ----------------------------------------------------------------------------------------------
// sjf

// One node of 8. A (8 GPUs, 100 s) at 0. Queued behind it, in arrival order: J1 (4 GPUs, 300 s),
// J2 (8, 100 s), J3 (4, 50 s), J4 (4, 100 s), J5 (4, 50 s).
// At 100: by runtime J3, J5 (50 s; J3 arrived first), J2, J4 (100 s), J1: J3 and J5 fill the
// node. At 150: J2 before J4 (tie, by arrival) takes all 8. At 250: J4 and J1.
// FIFO would run J1 first, at 100.
std::vector<workloads::Job> sjf_jobs() {
  return {test::job(0, 0, 8, 100, 1.0), test::job(1, 1, 4, 300, 1.0), test::job(2, 2, 8, 100, 1.0),
          test::job(3, 3, 4, 50, 1.0),  test::job(4, 4, 4, 100, 1.0), test::job(5, 5, 4, 50, 1.0)};
}

TEST_CASE("sjf starts the shortest jobs first, ties by arrival", "[policies][sjf]") {
  const auto r = run(std::make_unique<policies::SjfScheduler>(), sjf_jobs(), 1);
  CHECK(start_of(r, 3) == SimTime::seconds(100));
  CHECK(start_of(r, 5) == SimTime::seconds(100));
  CHECK(start_of(r, 2) == SimTime::seconds(150));
  CHECK(start_of(r, 4) == SimTime::seconds(250));
  CHECK(start_of(r, 1) == SimTime::seconds(250));
}

TEST_CASE("sjf orders by the trace's estimate when it has one", "[policies][sjf]") {
  // J3 claims 1000 s: now the longest, it goes last; J5 and then J2 take its turn. At 100: J5
  // (4 GPUs), J2 (8) does not fit, J4 (4) fills the node. At 150 J5 ends: J2 still does not fit,
  // J1 (300 s) comes before J3 (estimate 1000 s) and takes the 4. At 200 J4 ends: J3 takes 4.
  auto jobs = sjf_jobs();
  jobs[3].estimate = SimTime::seconds(1000);
  const auto r = run(std::make_unique<policies::SjfScheduler>(), jobs, 1);
  CHECK(start_of(r, 5) == SimTime::seconds(100));
  CHECK(start_of(r, 4) == SimTime::seconds(100));
  CHECK(start_of(r, 1) == SimTime::seconds(150));
  CHECK(start_of(r, 3) == SimTime::seconds(200));
  CHECK(start_of(r, 2) == SimTime::seconds(450));  // J1 ends at 450
}

TEST_CASE("sjf's max_wait stops a large job from starving", "[policies][sjf]") {
  // One node of 8. Short jobs S_k (4 GPUs, 100 s) arrive every 50 s from 0 to 1000; J (8 GPUs,
  // 500 s) at 1 s. Each S_k starts on arrival, so 4 GPUs are always busy until the last ends at
  // 1100: without max_wait, J starts at 1100.
  // With max_wait 300 s, J is overdue from 301 s. At 350 (S_5 ends, S_7 arrives) J goes first
  // and does not fit: S_7 waits. At 400 S_6 ends: the node is free and J starts.
  std::vector<workloads::Job> jobs;
  jobs.push_back(test::job(100, 1, 8, 500, 1.0));
  for (std::uint64_t k = 0; k <= 20; ++k) jobs.push_back(test::job(k, 50.0 * static_cast<double>(k), 4, 100, 1.0));
  std::stable_sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.submit < b.submit; });
  const auto plain = run(std::make_unique<policies::SjfScheduler>(), jobs, 1);
  CHECK(start_of(plain, 100) == SimTime::seconds(1100));
  const auto bounded = run(std::make_unique<policies::SjfScheduler>(SimTime::seconds(300)), jobs, 1);
  CHECK(start_of(bounded, 6) == SimTime::seconds(300));  // J not yet overdue at 300
  CHECK(start_of(bounded, 100) == SimTime::seconds(400));
  CHECK(start_of(bounded, 7) == SimTime::seconds(900));  // after J (400-900)
}

TEST_CASE("sjf finishes random workloads", "[policies][sjf][property]") {
  for (std::uint32_t seed : {1u, 2u}) {
    const auto jobs = random_workload(seed, 300);
    check_all_finished(run(std::make_unique<policies::SjfScheduler>(), jobs, 4), jobs.size());
    check_all_finished(run(std::make_unique<policies::SjfScheduler>(SimTime::minutes(30)), jobs, 4), jobs.size());
  }
}

// ----------------------------------------------------------------------------------------------
// priority

// One node of 8; at 0, ten 1-GPU jobs (100 s) in each of "prod" (weight 3) and "research"
// (weight 1), interleaved in arrival order. The least in-use/weight goes next, ties by name:
//   P (0 v 0, name) -> P 1/3 v 0 -> R; 1/3 v 1 -> P; 2/3 v 1 -> P; 1 v 1 -> P; 4/3 v 1 -> R;
//   4/3 v 2 -> P; 5/3 v 2 -> P: 6 prod and 2 research (3:1) at 0.
// At 100: p6, r2, p7, p8, p9 (1 v 1 -> P), then prod is empty: r3, r4, r5. At 200: r6-r9.
std::vector<workloads::Job> share_jobs() {
  std::vector<workloads::Job> jobs;
  for (std::uint64_t i = 0; i < 10; ++i) {
    jobs.push_back(queued_job(i, 0, 1, 100, "prod"));
    jobs.push_back(queued_job(100 + i, 0, 1, 100, "research"));
  }
  return jobs;
}

std::unique_ptr<policies::Scheduler> priority(const policies::Params& given) {
  const auto& info = policies::builtin_policies().get("priority", policies::PolicyKind::kScheduler);
  return info.make_scheduler(policies::resolve_params(info, given, "policy.scheduler"));
}

TEST_CASE("priority shares accelerators by queue weight", "[policies][priority]") {
  const auto r = run(priority({{"weights", std::string("prod=3, research=1")}}), share_jobs(), 1);
  int prod_at_0 = 0, research_at_0 = 0;
  for (const auto& row : r.rec.jobs) {
    if (row.rec.start != SimTime::zero()) continue;
    (row.job.queue == "prod" ? prod_at_0 : research_at_0) += 1;
  }
  CHECK(prod_at_0 == 6);
  CHECK(research_at_0 == 2);
  for (std::uint64_t i = 0; i < 6; ++i) CHECK(start_of(r, i) == SimTime::zero());
  for (std::uint64_t i = 6; i < 10; ++i) CHECK(start_of(r, i) == SimTime::seconds(100));
  CHECK(start_of(r, 101) == SimTime::zero());
  for (std::uint64_t i = 102; i < 106; ++i) CHECK(start_of(r, i) == SimTime::seconds(100));
  for (std::uint64_t i = 106; i < 110; ++i) CHECK(start_of(r, i) == SimTime::seconds(200));
}

TEST_CASE("priority holds a queue to its quota", "[policies][priority]") {
  // As above with prod's quota at 4: P, R, P, P, P (1 v 1, name; 4 <= 4), R (4/3 v 1); then
  // prod's turn would make 5 > 4: passed over; R, R. So 4 and 4 at 0.
  const auto r = run(priority({{"weights", std::string("prod=3,research=1")}, {"quotas", std::string("prod=4")}}),
                     share_jobs(), 1);
  int prod_at_0 = 0, research_at_0 = 0;
  for (const auto& row : r.rec.jobs) {
    if (row.rec.start != SimTime::zero()) continue;
    (row.job.queue == "prod" ? prod_at_0 : research_at_0) += 1;
  }
  CHECK(prod_at_0 == 4);
  CHECK(research_at_0 == 4);
}

TEST_CASE("priority's job whose turn it is blocks the others", "[policies][priority]") {
  // One node of 8, equal weights. a0 (4 GPUs, 100 s) runs from 0. b0 (8 GPUs, 10 s) at 1: b
  // uses 0 < a's 4, so it is b's turn; b0 does not fit, so a1 (1 GPU, 10 s) at 2 waits too. At
  // 100 both use 0: a (by name) starts a1; b0 (8) does not fit beside it: it starts at 110.
  const auto r =
      run(priority({}), {queued_job(0, 0, 4, 100, "a"), queued_job(1, 1, 8, 10, "b"), queued_job(2, 2, 1, 10, "a")}, 1);
  CHECK(start_of(r, 2) == SimTime::seconds(100));
  CHECK(start_of(r, 1) == SimTime::seconds(110));
}

TEST_CASE("priority preempts a lighter queue, which resumes where it stopped", "[policies][priority]") {
  // One node of 8. r0 (research, weight 1; 8 GPUs, 1000 s) runs from 0. p0 (prod, weight 4;
  // 8 GPUs, 100 s) arrives at 100 and does not fit: r0 is suspended (research keeps 0/1 >= prod's
  // 0/4). r0 writes its checkpoint for 60 s: p0 starts at 160 and ends at 260. r0, resumed,
  // starts again at 260, reads its checkpoint for 60 s, and runs its remaining 900 s: ends 1220.
  std::vector<workloads::Job> jobs{queued_job(0, 0, 8, 1000, "research"), queued_job(1, 100, 8, 100, "prod")};
  const auto r = run(priority({{"weights", std::string("prod=4,research=1")}, {"preempt", true}}), jobs, 1);
  CHECK(start_of(r, 1) == SimTime::seconds(160));
  CHECK(r.rec.row(1).rec.end == SimTime::seconds(260));
  CHECK(r.rec.row(0).rec.suspensions == 1);
  CHECK(r.rec.row(0).rec.end == SimTime::seconds(1220));
  CHECK(r.summary.suspensions == 1);

  // Without preempt, or with equal weights, p0 waits for r0: 1000 s.
  const auto off = run(priority({{"weights", std::string("prod=4,research=1")}}), jobs, 1);
  CHECK(start_of(off, 1) == SimTime::seconds(1000));
  const auto equal = run(priority({{"preempt", true}}), jobs, 1);
  CHECK(start_of(equal, 1) == SimTime::seconds(1000));
  CHECK(equal.summary.suspensions == 0);
}

TEST_CASE("priority preempts only while the victim's queue keeps the preempting queue's share",
          "[policies][priority]") {
  // One node of 8. p0 (prod, weight 4; 6 GPUs, 1000 s) and r0 (research, weight 1; 2 GPUs,
  // 1000 s) run from 0. p1 (prod, 4 GPUs) at 10 does not fit; suspending r0 would leave research
  // 0/1 below prod's 6/4: r0 keeps running and p1 waits until 1000.
  std::vector<workloads::Job> jobs{queued_job(0, 0, 6, 1000, "prod"), queued_job(1, 0, 2, 1000, "research"),
                                   queued_job(2, 10, 4, 100, "prod")};
  const auto r = run(priority({{"weights", std::string("prod=4,research=1")}, {"preempt", true}}), jobs, 1);
  CHECK(r.summary.suspensions == 0);
  CHECK(start_of(r, 2) == SimTime::seconds(1000));
}

TEST_CASE("priority keeps quotas and finishes random workloads", "[policies][priority][property]") {
  // Queue usage is checked after every start.
  struct Counts {
    std::uint64_t violations = 0, starts = 0;
  };
  struct QuotaProbe : policies::Manager {
    std::map<std::string, std::uint64_t> quota;
    Counts* counts;  // outlives the world, which destroys its managers
    explicit QuotaProbe(Counts* c) : counts(c) {}
    void on_start(const datacenter::ClusterView& v, datacenter::Actions&, datacenter::SlotId) override {
      ++counts->starts;
      std::map<std::string, std::uint64_t> used;
      for (datacenter::SlotId s = 0; s < v.running_slots(); ++s) {
        if (v.running(s).active) used[v.running(s).job.queue] += v.running(s).accels.size();
      }
      for (const auto& [q, n] : used) {
        if (quota.count(q) != 0 && n > quota.at(q)) ++counts->violations;
      }
    }
  };
  const bool preempt = GENERATE(false, true);
  for (std::uint32_t seed : {1u, 2u}) {
    CAPTURE(preempt, seed);
    auto jobs = random_workload(seed, 300);
    const char* names[] = {"a", "b", "c"};
    std::mt19937 rng(seed);
    for (auto& j : jobs) j.queue = names[rng() % 3];
    Counts counts;
    auto probe = std::make_unique<QuotaProbe>(&counts);
    probe->quota = {{"a", 24}, {"c", 16}};
    std::vector<std::unique_ptr<policies::Manager>> managers;
    managers.push_back(std::move(probe));
    const auto r = run(
        priority({{"weights", std::string("a=3,b=2,c=1")}, {"quotas", std::string("a=24,c=16")}, {"preempt", preempt}}),
        jobs, 4, std::move(managers));
    check_all_finished(r, jobs.size());
    CHECK(counts.starts >= jobs.size());
    CHECK(counts.violations == 0);
    if (preempt) CHECK(r.summary.suspensions > 0);
  }
}

TEST_CASE("priority's queue tables are checked, naming the bad entry", "[policies][priority]") {
  const auto specs = policies::parse_queue_table(" prod = 4 ,research=0.5", "prod=512,batch=0");
  REQUIRE(specs.size() == 3);
  CHECK(specs[0].name == "prod");
  CHECK(specs[0].weight == 4.0);
  CHECK(specs[0].quota == 512u);
  CHECK(specs[1].name == "research");
  CHECK(specs[1].weight == 0.5);
  CHECK_FALSE(specs[1].quota.has_value());
  CHECK(specs[2].name == "batch");
  CHECK(specs[2].weight == 1.0);
  CHECK(specs[2].quota == 0u);
  CHECK(policies::parse_queue_table("", "").empty());

  try {
    policies::parse_queue_table("prod=4,research=x,prod=2,=3,dev", "prod=-1,ok=12");
    FAIL("expected an error");
  } catch (const simcore::InputError& e) {
    const auto& d = e.diagnostics();
    REQUIRE(d.size() == 5);
    CHECK_THAT(d[0].message, Contains("weights: entry \"research=x\"") && Contains("positive number"));
    CHECK_THAT(d[1].message, Contains("weights: queue \"prod\" is given twice"));
    CHECK_THAT(d[2].message, Contains("weights: entry \"=3\" is not QUEUE=VALUE"));
    CHECK_THAT(d[3].message, Contains("weights: entry \"dev\" is not QUEUE=VALUE"));
    CHECK_THAT(d[4].message, Contains("quotas: entry \"prod=-1\"") && Contains("whole number"));
    for (const auto& x : d) CHECK(x.where.empty());  // the scenario parser adds where
  }
  CHECK_THROWS_WITH(priority({{"weights", std::string("prod=0")}}), Contains("positive number"));
  CHECK_THROWS_WITH(priority({{"quotas", std::string("prod=1.5")}}), Contains("whole number"));
}

TEST_CASE("the schedulers are registered with their parameters", "[policies][registry]") {
  const auto& reg = policies::builtin_policies();
  for (const char* name : {"conservative-backfill", "sjf", "priority"}) {
    CAPTURE(name);
    const auto& info = reg.get(name, policies::PolicyKind::kScheduler);
    CHECK(info.make_scheduler(policies::resolve_params(info, {}, "p")) != nullptr);
    CHECK(policies::single_scheduler(name).make() != nullptr);
  }
  const auto sjf = policies::resolve_params(reg.get("sjf"), {{"max_wait", std::string("2 h")}}, "p");
  CHECK(std::get<double>(sjf.at("max_wait")) == 7200.0);
  const auto pri = policies::resolve_params(reg.get("priority"), {}, "p");
  CHECK(std::get<std::string>(pri.at("weights")).empty());
  CHECK(std::get<bool>(pri.at("preempt")) == false);
  CHECK(std::get<double>(policies::resolve_params(reg.get("conservative-backfill"), {}, "p").at("max_scan")) == 1000.0);
}

// Not run by default: the cost per decision of each scheduler (docs/policies/schedulers.md).
// `scheduler_tests "[.bench]"` prints it for 20,000 jobs on 16 nodes of 8 GPUs, at about 90 % and
// 110 % of capacity, without and with runtime estimates (1-3 x the true runtime).
TEST_CASE("cost per decision of each scheduler", "[.bench]") {
  struct Count : policies::Manager {
    std::uint64_t* n;
    explicit Count(std::uint64_t* c) : n(c) {}
    void after_schedule(const datacenter::ClusterView&, datacenter::Actions&) override { ++*n; }
  };
  const char* names[] = {"fifo", "easy-backfill", "conservative-backfill", "sjf", "priority"};
  for (const char* name : names) {
    for (const bool estimates : {false, true}) {
      for (const double mean_gap_s : {100.0, 85.0}) {
        std::mt19937 rng(7), rng_estimates(8);  // the same jobs with and without estimates
        std::uniform_int_distribution<int> size(0, 4), duration(60, 3600);
        std::exponential_distribution<double> gap(1.0 / mean_gap_s);
        std::uniform_real_distribution<double> over(1.0, 3.0);
        const std::uint32_t sizes[] = {1, 2, 4, 8, 16};
        std::vector<workloads::Job> jobs;
        double t = 0;
        for (std::uint64_t i = 0; i < 20000; ++i) {
          t += std::floor(gap(rng));
          jobs.push_back(test::job(i, t, sizes[size(rng)], duration(rng), 1.0));
          if (estimates)
            jobs.back().estimate = SimTime::from_seconds(std::floor(jobs.back().duration_s() * over(rng_estimates)));
        }
        const auto& info = policies::builtin_policies().get(name, policies::PolicyKind::kScheduler);
        std::uint64_t decisions = 0;
        std::vector<std::unique_ptr<policies::Manager>> managers;
        managers.push_back(std::make_unique<Count>(&decisions));
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = run(info.make_scheduler(policies::resolve_params(info, {}, "p")), jobs, 16, std::move(managers));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double wait_s = 0;
        for (const auto& row : r.rec.jobs) wait_s += (row.rec.start - row.job.submit).to_seconds();
        std::printf(
            "%-22s estimates %-3s gap %3.0f s: %7.3f s, %6llu decisions, %8.1f us/decision, mean wait %6.0f s\n", name,
            estimates ? "yes" : "no", mean_gap_s, s, static_cast<unsigned long long>(decisions),
            s / static_cast<double>(decisions) * 1e6, wait_s / static_cast<double>(r.rec.jobs.size()));
      }
    }
  }
}
