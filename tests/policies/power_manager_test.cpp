// Tests of the power-state and cap managers: idle-off and static-cap.
#include <catch2/catch.hpp>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "policies/idle_off.hpp"
#include "policies/placement.hpp"
#include "policies/registry.hpp"
#include "policies/static_cap.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using simcore::SimTime;

namespace {

constexpr double kRel = 1e-6;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Passes every action on to the world, writing power-state changes into a log: "900 off 3".
struct LoggingActions final : datacenter::Actions {
  datacenter::Actions& inner;
  const datacenter::ClusterView& view;
  std::vector<std::string>& log;
  LoggingActions(datacenter::Actions& a, const datacenter::ClusterView& v, std::vector<std::string>& l)
      : inner(a), view(v), log(l) {}
  void start(std::uint64_t seq, const datacenter::Placement& p) override { inner.start(seq, p); }
  void set_power_cap(datacenter::NodeId n, std::uint32_t i, double w) override { inner.set_power_cap(n, i, w); }
  void set_pstate_limit(datacenter::NodeId n, std::uint32_t i, std::size_t s) override {
    inner.set_pstate_limit(n, i, s);
  }
  void power_on(datacenter::NodeId n) override {
    log.push_back(when() + " on " + std::to_string(n));
    inner.power_on(n);
  }
  void power_off(datacenter::NodeId n) override {
    log.push_back(when() + " off " + std::to_string(n));
    inner.power_off(n);
  }
  void wake_at(SimTime t) override { inner.wake_at(t); }
  // Whole seconds as such, else with microseconds: "900", "39259.000123".
  std::string when() const {
    const std::int64_t us = view.now().us();
    std::string frac = std::to_string(1000000 + us % 1000000).substr(1);
    return std::to_string(us / 1000000) + (us % 1000000 == 0 ? "" : "." + frac);
  }
  void suspend(datacenter::SlotId s) override { inner.suspend(s); }
  void resume(std::uint64_t seq) override { inner.resume(seq); }
  void defer(std::uint64_t seq, simcore::SimTime until) override { inner.defer(seq, until); }
  void route(std::uint64_t seq, std::uint32_t site, simcore::SimTime transfer, double energy_j) override {
    inner.route(seq, site, transfer, energy_j);
  }
};

// A manager run through LoggingActions.
struct Logged final : policies::Manager {
  std::unique_ptr<policies::Manager> inner;
  std::vector<std::string>* log;
  Logged(std::unique_ptr<policies::Manager> m, std::vector<std::string>* l) : inner(std::move(m)), log(l) {}
  void after_schedule(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    LoggingActions la(a, v, *log);
    inner->after_schedule(v, la);
  }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    LoggingActions la(a, v, *log);
    inner->on_timer(v, la);
  }
  void on_arrival(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::QueuedJob& j) override {
    LoggingActions la(a, v, *log);
    inner->on_arrival(v, la, j);
  }
  void on_start(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::SlotId s) override {
    LoggingActions la(a, v, *log);
    inner->on_start(v, la, s);
  }
  void on_completion(const datacenter::ClusterView& v, datacenter::Actions& a,
                     const datacenter::RunningJob& r) override {
    LoggingActions la(a, v, *log);
    inner->on_completion(v, la, r);
  }
  void on_node_failure(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::NodeId n,
                       bool repaired) override {
    LoggingActions la(a, v, *log);
    inner->on_node_failure(v, la, n, repaired);
  }
};

std::unique_ptr<policies::Manager> idle_off(const policies::Params& given) {
  const auto& info = policies::builtin_policies().get("idle-off", policies::PolicyKind::kManager);
  return info.make_manager(policies::resolve_params(info, given, "policy.managers[0]"));
}

std::unique_ptr<policies::Manager> static_cap(const policies::Params& given) {
  const auto& info = policies::builtin_policies().get("static-cap", policies::PolicyKind::kManager);
  return info.make_manager(policies::resolve_params(info, given, "policy.managers[0]"));
}

// fifo + first-fit + the managers given (none: fifo alone).
std::unique_ptr<policies::StackPolicy> stack(std::vector<std::unique_ptr<policies::Manager>> managers = {}) {
  return std::make_unique<policies::StackPolicy>(std::make_unique<policies::FifoScheduler>(),
                                                 std::make_unique<policies::FirstFitPlacement>(), std::move(managers));
}

std::vector<std::unique_ptr<policies::Manager>> one(std::unique_ptr<policies::Manager> m) {
  std::vector<std::unique_ptr<policies::Manager>> v;
  v.push_back(std::move(m));
  return v;
}

// The bench node (8 GPUs, 500 W host, GPU 60 W idle, 400 W at u = 1: 980 W idle, 3700 W busy)
// with a standby of 20 W and a boot of 120 s and 60 kJ (500 W while booting).
struct BootingHardware : test::BenchHardware {
  BootingHardware() {
    node.off_w = 20.0;
    node.boot_time = SimTime::seconds(120);
    node.boot_energy_j = 60e3;
  }
};

struct Run {
  test::Recorder rec;
  datacenter::RunSummary sum;
  std::vector<power::NodeState> states;  // at the end
  std::vector<double> caps;              // accelerator 0's cap of each node at the end
};

Run run(const datacenter::WorldConfig& config, std::vector<workloads::Job> jobs, datacenter::Policy& policy) {
  workloads::VectorJobSource source(std::move(jobs));
  Run r;
  datacenter::World world(config, source, policy, &r.rec);
  r.sum = world.run();
  for (const auto& n : world.state().nodes) {
    r.states.push_back(n.node.state());
    r.caps.push_back(n.owner.empty() ? kInf : n.node.power_cap_w(0));
  }
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// idle-off

TEST_CASE("idle-off saves the idle power over a gap, less standby and the boot, and delays the next job by the boot",
          "[policies][idle-off]") {
  // One node: 980 W idle, 3700 W busy, 20 W off, boot 120 s / 60 kJ. Job 0 (8 GPUs, 1000 s) at
  // 0; job 1 (8 GPUs, 1000 s) at 4600 s: a gap of 3600 s. Timeout 900 s. Both runs end at the
  // horizon, 10000 s, so the jobs' energies are the same (same power, same length) and only the
  // 8000 s without a job differ.
  //   fifo alone: job 1 runs 4600-5600; idle 1000-4600 and 5600-10000: 980 W x 8000 s = 7840 kJ.
  //   idle-off: idle 1000-1900, off 1900-4600 (2700 s), boot 4600-4720 (60 kJ), job 1 runs
  //     4720-5720 (120 s late), idle 5720-6620, off 6620-10000 (3380 s):
  //     980 x 1800 + 20 x 6080 + 60000 = 1764 + 121.6 + 60 = 1945.6 kJ.
  //   Difference 5894.4 kJ = the gap's 980 x (3600 - 900) - 20 x 2700 - 60 kJ = 2532 kJ
  //                        + the tail's 980 x 4400 - (980 x 900 + 20 x 3380) = 3362.4 kJ
  //   (job 1 ends 120 s later, so the tail is 4280 s instead of 4400 s; the 120 s are the boot).
  //   DC totals: fifo 3700 x 2000 + 7840 kJ = 15240 kJ; idle-off 7400 + 1945.6 = 9345.6 kJ.
  //   Facility = 1.2 x DC (lossless PSUs, fixed PUE 1.2).
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  config.horizon = SimTime::seconds(10000);
  const std::vector<workloads::Job> jobs{test::job(0, 0, 8, 1000, 1.0), test::job(1, 4600, 8, 1000, 1.0)};

  auto fifo = stack();
  const Run base = run(config, jobs, *fifo);
  std::vector<std::string> log;
  auto managed = stack(one(std::make_unique<Logged>(idle_off({{"timeout", std::string("15 min")}}), &log)));
  const Run off = run(config, jobs, *managed);

  CHECK(base.rec.row(1).rec.start == SimTime::seconds(4600));
  CHECK(off.rec.row(1).rec.start == SimTime::seconds(4720));
  CHECK(off.rec.row(1).rec.end == SimTime::seconds(5720));
  CHECK(log == std::vector<std::string>{"1900 off 0", "4600 on 0", "6620 off 0"});
  CHECK(base.sum.total.dc_energy_j == Approx(15240e3).epsilon(kRel));
  CHECK(off.sum.total.dc_energy_j == Approx(9345.6e3).epsilon(kRel));
  CHECK(base.sum.total.dc_energy_j - off.sum.total.dc_energy_j == Approx(5894.4e3).epsilon(kRel));
  CHECK(base.sum.total.facility_energy_j - off.sum.total.facility_energy_j == Approx(1.2 * 5894.4e3).epsilon(kRel));
  // The jobs were charged the same; the saving is all idle energy (off and booting count as idle).
  CHECK(off.rec.row(1).rec.dc_energy_j == Approx(base.rec.row(1).rec.dc_energy_j).epsilon(kRel));
  CHECK(base.sum.total.idle_energy_j - off.sum.total.idle_energy_j == Approx(5894.4e3).epsilon(kRel));
  CHECK(off.states[0] == power::NodeState::kOff);
}

TEST_CASE("idle-off keeps its reserve of idle nodes up, and boots off nodes to restore it", "[policies][idle-off]") {
  // 4 nodes, all idle at 0; reserve 2, timeout 900 s. Job A (8 GPUs, 1000 s) at 0 takes node 0.
  //   900:  nodes 1-3 are due; 3 whole idle nodes, the reserve keeps 2: node 3 (highest index) off.
  //   1000: A ends; nodes 0, 1, 2 idle (3): the due node 2 goes off (node 1 stays, for the reserve).
  //   1900: node 0 due too, but only 2 idle nodes are up: both stay.
  //   2000: job B (16 GPUs, 100 s) starts at once on the warm nodes 0 and 1; none idle is left, so
  //         nodes 2 and 3 boot (up at 2120).
  //   3000: nodes 0 and 1 (idle since 2100) are due; 4 idle: both go off, highest index first.
  //   3020: nodes 2 and 3 due; they are the reserve: both stay. Horizon 4000 s.
  // DC energy per node (980 W idle, 3700 W busy, 20 W off, 60 kJ per boot):
  //   0: 3700 x 1000 + 980 x 1000 + 3700 x 100 + 980 x 900 + 20 x 1000 = 5952 kJ
  //   1: 980 x 2000 + 3700 x 100 + 980 x 900 + 20 x 1000              = 3232 kJ
  //   2: 980 x 1000 + 20 x 1000 + 60000 + 980 x 1880                   = 2902.4 kJ
  //   3: 980 x 900 + 20 x 1100 + 60000 + 980 x 1880                    = 2806.4 kJ
  //   total 14892.8 kJ.
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 4));
  config.horizon = SimTime::seconds(4000);
  std::vector<std::string> log;
  auto policy = stack(one(std::make_unique<Logged>(idle_off({{"timeout", 900.0}, {"reserve", 2.0}}), &log)));
  const Run r = run(config, {test::job(0, 0, 8, 1000, 1.0), test::job(1, 2000, 16, 100, 1.0)}, *policy);
  CHECK(log ==
        std::vector<std::string>{"900 off 3", "1000 off 2", "2000 on 2", "2000 on 3", "3000 off 1", "3000 off 0"});
  CHECK(r.rec.row(1).rec.start == SimTime::seconds(2000));  // no boot: the reserve was warm
  CHECK(r.sum.total.dc_energy_j == Approx(14892.8e3).epsilon(kRel));
  const std::vector<power::NodeState> end{power::NodeState::kOff, power::NodeState::kOff, power::NodeState::kIdle,
                                          power::NodeState::kIdle};
  CHECK(r.states == end);
}

TEST_CASE("idle-off boots a facility whose nodes all start off, and its jobs complete", "[policies][idle-off]") {
  // 2 nodes, off at 0 (scenario facility.initial_node_state "off"); timeout 900 s.
  //   0:    job 0 (8 GPUs, 1000 s) arrives; nothing is up or booting: node 0 boots.
  //   50:   job 1 (4 GPUs, 500 s): the queue needs 12, node 0 brings 8: node 1 boots.
  //   120:  node 0 up, job 0 starts there; job 1 waits for node 1 (booting: no third boot).
  //   170:  node 1 up, job 1 starts; it ends at 670, job 0 at 1120.
  //   The run ends at 1120, with the last job: idle-off's pending timer (node 1 due off at
  //   1570) does not stretch a run whose work is done.
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2));
  config.sites[0].initial_node_state = power::NodeState::kOff;
  std::vector<std::string> log;
  auto policy = stack(one(std::make_unique<Logged>(idle_off({}), &log)));
  const Run r = run(config, {test::job(0, 0, 8, 1000, 1.0), test::job(1, 50, 4, 500, 1.0)}, *policy);
  CHECK(r.sum.jobs_completed == 2);
  CHECK(r.rec.row(0).rec.start == SimTime::seconds(120));
  CHECK(r.rec.row(1).rec.start == SimTime::seconds(170));
  CHECK(log == std::vector<std::string>{"0 on 0", "50 on 1"});
  CHECK(r.sum.end == SimTime::seconds(1120));
}

TEST_CASE("idle-off counts booting nodes as coming capacity: jobs arriving together boot exactly what they need",
          "[policies][idle-off]") {
  // 4 nodes, all off. At 0, an 8-GPU and a 4-GPU job (one decision): the head needs a node of
  // 8 (node 0), and the queue's 12 need a second node (node 1): 16 coming. At 10 two 2-GPU jobs
  // make the demand 16: covered by the two booting nodes, so nothing more boots. At 120 all four
  // start (8 on node 0; 4 + 2 + 2 on node 1). Nodes 2 and 3 never boot.
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 4));
  config.sites[0].initial_node_state = power::NodeState::kOff;
  config.horizon = SimTime::seconds(1000);
  std::vector<std::string> log;
  auto policy = stack(one(std::make_unique<Logged>(idle_off({}), &log)));
  const Run r = run(config,
                    {test::job(0, 0, 8, 500, 1.0), test::job(1, 0, 4, 500, 1.0), test::job(2, 10, 2, 500, 1.0),
                     test::job(3, 10, 2, 500, 1.0)},
                    *policy);
  CHECK(log == std::vector<std::string>{"0 on 0", "0 on 1"});
  for (std::uint64_t id = 0; id < 4; ++id) CHECK(r.rec.row(id).rec.start == SimTime::seconds(120));
  CHECK(r.states[2] == power::NodeState::kOff);
  CHECK(r.states[3] == power::NodeState::kOff);
}

TEST_CASE("idle-off boots for a job larger than a node, whole nodes in index order", "[policies][idle-off]") {
  // 3 nodes off; a 20-GPU job needs three nodes: 0, 1 and 2 boot at once; it starts at 120.
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 3));
  config.sites[0].initial_node_state = power::NodeState::kOff;
  config.horizon = SimTime::seconds(500);
  std::vector<std::string> log;
  auto policy = stack(one(std::make_unique<Logged>(idle_off({}), &log)));
  const Run r = run(config, {test::job(0, 0, 20, 100, 1.0)}, *policy);
  CHECK(log == std::vector<std::string>{"0 on 0", "0 on 1", "0 on 2"});
  CHECK(r.rec.row(0).rec.start == SimTime::seconds(120));
}

namespace {

// Suspends every job 500 s after it starts (a checkpoint of 0 s: its accelerators are released
// at once, with no completion), and never resumes it.
struct SuspendAt500 final : policies::Manager {
  std::vector<datacenter::SlotId> slots;
  void on_start(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::SlotId slot) override {
    slots.push_back(slot);
    a.wake_at(v.now() + SimTime::seconds(500));
  }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    for (const auto slot : slots) {
      if (v.running(slot).active && v.now() - v.running(slot).start >= SimTime::seconds(500)) a.suspend(slot);
    }
  }
};

}  // namespace

TEST_CASE("idle-off sees nodes left idle without a completion (a suspension)", "[policies][idle-off]") {
  // A 16-GPU job on nodes 0 and 1 is suspended at 500 s: both nodes are idle from 500 s with no
  // completion reported, and go off at 500 + 900 s, highest index first.
  BootingHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2));
  config.horizon = SimTime::seconds(3000);
  std::vector<std::string> log;
  std::vector<std::unique_ptr<policies::Manager>> managers;
  managers.push_back(std::make_unique<SuspendAt500>());
  managers.push_back(std::make_unique<Logged>(idle_off({{"timeout", 900.0}}), &log));
  auto policy = stack(std::move(managers));
  auto j = test::job(0, 0, 16, 1000, 1.0);
  j.checkpoint_time = SimTime::zero();
  const Run r = run(config, {j}, *policy);
  CHECK(r.sum.suspensions == 1);
  CHECK(log == std::vector<std::string>{"1400 off 1", "1400 off 0"});
}

TEST_CASE("idle-off with a timeout past the horizon changes nothing", "[policies][idle-off]") {
  // Nothing is ever due, and nothing is off, so no node is touched: the same run as fifo alone.
  test::LossyHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site());
  config.sites[0].carbon_intensity_g_per_kwh = simcore::StepSeries::constant(300.0);
  config.horizon = SimTime::days(3);
  const auto jobs = test::random_jobs(7, 300, 600);
  auto fifo = stack();
  auto managed = stack(one(idle_off({{"timeout", std::string("30 d")}})));
  const Run a = run(config, jobs, *fifo);
  const Run b = run(config, jobs, *managed);
  CHECK(a.sum.total.facility_energy_j == b.sum.total.facility_energy_j);
  REQUIRE(a.rec.jobs.size() == b.rec.jobs.size());
  for (std::size_t i = 0; i < a.rec.jobs.size(); ++i) CHECK(a.rec.jobs[i].rec.start == b.rec.jobs[i].rec.start);
}

namespace {

// Runs after idle-off and checks its rules from the whole state, O(nodes) per call:
//   - with the queue empty, a site with a node idle past the timeout has no more whole idle
//     nodes up than the reserve (the rest went off);
//   - after a decision, while some node is off (and not failed), the free accelerators of up
//     nodes plus those of booting nodes cover the queued jobs, and each site with a node off
//     has at least `reserve` whole idle or booting nodes.
struct IdleOffAuditor final : policies::Manager {
  SimTime timeout;
  std::uint32_t reserve;
  std::vector<std::string> violations;
  std::size_t audits = 0;
  IdleOffAuditor(SimTime t, std::uint32_t r) : timeout(t), reserve(r) {}
  void after_schedule(const datacenter::ClusterView& v, datacenter::Actions&) override { audit(v, true); }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions&) override { audit(v, false); }
  void audit(const datacenter::ClusterView& v, bool decision) {
    ++audits;
    std::uint64_t demand = 0, coming = 0;
    bool any_off = false;
    for (std::size_t i = 0; i < v.queue_length(); ++i) demand += v.queued(i).job.accelerators;
    for (std::uint32_t s = 0; s < v.site_count(); ++s) {
      std::uint32_t whole = 0, overdue = 0, booting = 0;
      bool off = false;
      for (datacenter::NodeId n = v.site_first_node(s); n < v.site_first_node(s) + v.site_node_count(s); ++n) {
        const auto st = v.node_state(n);
        if (st == power::NodeState::kOff && !v.failed(n)) off = true;
        if (st == power::NodeState::kBooting) {
          ++booting;
          coming += v.accelerators(n);
        }
        coming += v.free_accelerators(n);
        if (v.idle_since(n) != SimTime::max()) {
          ++whole;
          if (v.idle_since(n) + timeout <= v.now()) ++overdue;
        }
      }
      any_off = any_off || off;
      const std::string at = " at " + std::to_string(v.now().to_seconds()) + " s, site " + std::to_string(s);
      if (demand == 0 && overdue > 0 && whole > reserve) violations.push_back("idle nodes left up" + at);
      if (decision && off && whole + booting < reserve) violations.push_back("reserve short" + at);
    }
    if (decision && any_off && coming < demand)
      violations.push_back("queue short at " + std::to_string(v.now().to_seconds()));
  }
};

}  // namespace

TEST_CASE("idle-off under node failures, with nodes starting up or off: every job completes", "[policies][idle-off]") {
  // Random jobs on the lossy facility with node failures (MTBF 20 h, repairs 1 h) and boots of
  // 4-5 min: the world throws if a policy powers off a busy node or powers on a failed one, and
  // the auditor checks the off and on rules after each of idle-off's calls.
  test::LossyHardware hw;
  hw.node.off_w = 30.0;
  hw.node.boot_time = SimTime::minutes(5);
  hw.node.boot_energy_j = 300.0 * 900.0;
  hw.small.off_w = 20.0;
  hw.small.boot_time = SimTime::minutes(4);
  hw.small.boot_energy_j = 240.0 * 600.0;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site());
  config.sites[0].carbon_intensity_g_per_kwh = simcore::StepSeries::constant(300.0);
  for (auto& g : config.sites[0].racks) {
    g.node_mtbf = SimTime::hours(20);
    g.repair_time = SimTime::hours(1);
  }
  for (const auto initial : {power::NodeState::kIdle, power::NodeState::kOff}) {
    config.sites[0].initial_node_state = initial;
    for (const std::uint32_t reserve : {0u, 2u}) {
      auto jobs = test::random_jobs(11, 400, 400);
      for (auto& j : jobs) j.checkpoint_interval = SimTime::minutes(30);
      std::vector<std::unique_ptr<policies::Manager>> managers;
      std::vector<std::string> log;
      managers.push_back(
          std::make_unique<Logged>(idle_off({{"timeout", 600.0}, {"reserve", static_cast<double>(reserve)}}), &log));
      auto auditor = std::make_unique<IdleOffAuditor>(SimTime::seconds(600), reserve);
      const IdleOffAuditor& audit = *auditor;
      managers.push_back(std::move(auditor));
      auto policy = stack(std::move(managers));
      const Run r = run(config, jobs, *policy);
      CHECK(r.sum.jobs_completed == 400);
      CHECK(r.sum.node_failures > 0);
      CHECK(audit.audits > 400);
      CHECK(audit.violations == std::vector<std::string>{});
      // The rules never undo each other: no node goes off and boots again at one instant.
      std::set<std::string> off_now;
      std::string instant;
      for (const auto& line : log) {
        const std::string t = line.substr(0, line.find(' '));
        if (t != instant) off_now.clear();
        instant = t;
        const std::string node = line.substr(line.rfind(' ') + 1);
        if (line.find(" off ") != std::string::npos) off_now.insert(node);
        INFO(line << " reserve " << reserve << " initial " << static_cast<int>(initial));
        CHECK_FALSE((line.find(" on ") != std::string::npos && off_now.count(node) > 0));
      }
      CHECK(log.size() > 20);
    }
  }
}

TEST_CASE("idle-off's parameters", "[policies][idle-off]") {
  const auto& info = policies::builtin_policies().get("idle-off");
  CHECK(info.kind == policies::PolicyKind::kManager);
  CHECK(info.powers_nodes_on);
  const auto p = policies::resolve_params(info, {{"timeout", std::string("15 min")}, {"reserve", 2.0}}, "m");
  CHECK(policies::number(p, "timeout") == 900.0);
  CHECK(policies::number(p, "reserve") == 2.0);
  CHECK(policies::number(policies::resolve_params(info, {}, "m"), "timeout") == 900.0);
  CHECK_THROWS_WITH(policies::resolve_params(info, {{"reserve", 1.5}}, "m"), Contains("whole number"));
  CHECK_THROWS_WITH(policies::resolve_params(info, {{"timeout", std::string("2 kW")}}, "m"), Contains("m.timeout"));
}

// ---------------------------------------------------------------------------------------------
// static-cap

namespace {

// One accelerator per node with three p-states, f_nom = 2.0 GHz:
//   1.0 GHz: 100-350 W; 1.5 GHz: 120-480 W; 2.0 GHz: 150-700 W; 80 W with no work placed.
// Host 100 W (idle = busy), lossless.
struct ThreeStateHardware {
  power::AcceleratorSpec gpu;
  power::NodeSpec node, other;
  ThreeStateHardware() {
    gpu.name = "three-state";
    gpu.tdp_w = 700.0;
    gpu.idle_w = 80.0;
    gpu.pstates = {{1.0e9, 100.0, 350.0}, {1.5e9, 120.0, 480.0}, {2.0e9, 150.0, 700.0}};
    node.name = "capped-node";
    node.accelerator = gpu.name;
    node.accelerator_count = 1;
    node.base_idle_w = 100.0;
    node.base_busy_w = 100.0;
    node.psu_rated_w = 1e9;
    other = node;
    other.name = "other-node";
  }
  ThreeStateHardware(const ThreeStateHardware&) = delete;
  // `racks` racks of one node each, all of `node`; then `other_racks` of `other`.
  datacenter::SiteConfig site(std::size_t racks, std::size_t other_racks = 0) const {
    datacenter::SiteConfig s;
    s.racks.push_back({racks, 1, &node, &gpu, datacenter::kUnlimited, 0.0, 0.0, {}, SimTime::hours(4)});
    if (other_racks > 0) {
      s.racks.push_back({other_racks, 1, &other, &gpu, datacenter::kUnlimited, 0.0, 0.0, {}, SimTime::hours(4)});
    }
    s.pue = 1.0;
    s.carbon_intensity_g_per_kwh = simcore::StepSeries::constant(0.0);
    return s;
  }
};

workloads::Job one_gpu(std::uint64_t id, double submit_s, double work_s, double util, double beta) {
  workloads::Job j = test::job(id, submit_s, 1, work_s, util);
  j.beta = beta;
  return j;
}

double seconds(SimTime t) {
  return t.to_seconds();
}

}  // namespace

TEST_CASE("static-cap at 500 W runs a full-load job in the state the cap selects, for work / speed(f)",
          "[policies][static-cap]") {
  // Job 0: u = 1, beta = 0.5, 1000 s of work. Under 500 W: 2.0 GHz draws 700 W (too much),
  // 1.5 GHz 480 W: it runs at 1.5 GHz, speed = 1 / (0.5 x 2.0/1.5 + 0.5) = 6/7, so for
  // 1000 x 7/6 = 1166.667 s, its node drawing 480 + 100 W: 580 x 1166.667 = 676666.7 J
  // (uncapped: 1000 s at 800 W = 800 kJ).
  // Job 1: u = 0.5: 2.0 GHz draws 150 + 0.5 x 550 = 425 W, under the cap: full speed, 1000 s,
  // 525 W x 1000 s = 525 kJ, capped or not.
  ThreeStateHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site(2));
  const std::vector<workloads::Job> jobs{one_gpu(0, 0, 1000, 1.0, 0.5), one_gpu(1, 0, 1000, 0.5, 0.5)};
  auto capped = stack(one(static_cap({{"cap", std::string("500 W")}})));
  const Run r = run(config, jobs, *capped);
  CHECK(seconds(r.rec.row(0).rec.end - r.rec.row(0).rec.start) == Approx(7000.0 / 6.0).epsilon(kRel));
  CHECK(r.rec.row(0).rec.dc_energy_j == Approx(580.0 * 7000.0 / 6.0).epsilon(kRel));
  CHECK(seconds(r.rec.row(1).rec.end - r.rec.row(1).rec.start) == Approx(1000.0).epsilon(kRel));
  CHECK(r.rec.row(1).rec.dc_energy_j == Approx(525e3).epsilon(kRel));
  CHECK(r.caps == std::vector<double>{500.0, 500.0});

  auto fifo = stack();
  const Run u = run(config, jobs, *fifo);
  CHECK(u.rec.row(0).rec.end == SimTime::seconds(1000));
  CHECK(u.rec.row(0).rec.dc_energy_j == Approx(800e3).epsilon(kRel));
  CHECK(u.caps == std::vector<double>{kInf, kInf});
}

TEST_CASE("a cap on an accelerator with no work placed changes none of its power", "[policies][static-cap]") {
  // The claim that makes applying caps at the first call exact (models/power/node.cpp: an
  // unallocated accelerator draws the card's idle power whatever its state).
  ThreeStateHardware hw;
  power::Node n(hw.node, &hw.gpu);
  const double before = n.dc_power_w();
  n.set_power_cap(0, 50.0);  // even below the idle power
  CHECK(n.accelerator_power_w(0) == 80.0);
  CHECK(n.dc_power_w() == before);
  CHECK(before == 180.0);
}

TEST_CASE("static-cap's daily window switches the cap at its start and end", "[policies][static-cap]") {
  // Cap 500 W from 08:00 to 20:00; u = 1, beta = 1, so capped speed = 1.5/2.0 = 0.75.
  // Job X: starts 07:00 (25200 s), 7200 s of work. Uncapped to 08:00: 3600 s done; the other
  //   3600 s at 0.75 take 4800 s: it ends 08:00 + 4800 s = 33600 s (09:20).
  //   Energy (700 W x 3600 + 480 W x 4800) + 100 W x 8400 = 4824 + 840 = 5664 kJ.
  // Job Y: starts 19:00 (68400 s), 7200 s of work. Capped to 20:00: 3600 x 0.75 = 2700 s done;
  //   the other 4500 s at full speed: it ends 72000 + 4500 = 76500 s (21:15).
  //   Energy (480 x 3600 + 700 x 4500) + 100 x 8100 = 4878 + 810 = 5688 kJ.
  // The 08:00 switch comes from the timer armed when X started, the 20:00 one from the timer
  // armed at 08:00 while X ran (X has ended by then, Y runs).
  ThreeStateHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site(1));
  config.horizon = SimTime::days(2);
  auto policy = stack(one(static_cap({{"cap", 500.0}, {"from", std::string("08:00")}, {"to", std::string("20:00")}})));
  const Run r = run(config, {one_gpu(0, 25200, 7200, 1.0, 1.0), one_gpu(1, 68400, 7200, 1.0, 1.0)}, *policy);
  CHECK(r.rec.row(0).rec.start == SimTime::seconds(25200));
  CHECK(r.rec.row(0).rec.end == SimTime::seconds(33600));
  CHECK(r.rec.row(0).rec.dc_energy_j == Approx(5664e3).epsilon(kRel));
  CHECK(r.rec.row(1).rec.end == SimTime::seconds(76500));
  CHECK(r.rec.row(1).rec.dc_energy_j == Approx(5688e3).epsilon(kRel));
}

TEST_CASE("static-cap's window may wrap midnight", "[policies][static-cap]") {
  policies::StaticCapConfig c;
  c.cap_w = 300.0;
  c.from = policies::parse_time_of_day("20:00");
  c.to = policies::parse_time_of_day("06:30");
  const policies::StaticCapManager m(c);
  CHECK(m.in_window(SimTime::hours(21)));
  CHECK(m.in_window(SimTime::hours(24 + 3)));
  CHECK_FALSE(m.in_window(SimTime::hours(24 + 6) + SimTime::minutes(30)));
  CHECK_FALSE(m.in_window(SimTime::hours(12)));
  CHECK(m.in_window(SimTime::hours(20)));
  CHECK(m.next_switch(SimTime::hours(21)) == SimTime::hours(30) + SimTime::minutes(30));
  CHECK(m.next_switch(SimTime::hours(7)) == SimTime::hours(20));
  CHECK(m.next_switch(SimTime::hours(20)) == SimTime::hours(30) + SimTime::minutes(30));
}

TEST_CASE("static-cap caps only its node type and racks", "[policies][static-cap]") {
  // Racks 0, 1: one "capped-node" each (nodes 0, 1); racks 2, 3: one "other-node" each (nodes
  // 2, 3). One job per node at 0 (u = 1, beta = 0.5, 1000 s of work): capped ones take
  // 1166.667 s (as above), the others 1000 s.
  ThreeStateHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site(2, 2));
  std::vector<workloads::Job> jobs;
  for (std::uint64_t i = 0; i < 4; ++i) jobs.push_back(one_gpu(i, 0, 1000, 1.0, 0.5));
  const auto check = [&](const policies::Params& given, const std::vector<double>& caps) {
    auto policy = stack(one(static_cap(given)));
    const Run r = run(config, jobs, *policy);
    CHECK(r.caps == caps);
    for (std::uint64_t i = 0; i < 4; ++i) {
      const auto& row = r.rec.row(i).rec;
      // first-fit puts job i on node i
      CHECK(seconds(row.end - row.start) == Approx(caps[i] == 500.0 ? 7000.0 / 6.0 : 1000.0).epsilon(kRel));
    }
  };
  check({{"cap", 500.0}}, {500.0, 500.0, 500.0, 500.0});
  check({{"cap", 500.0}, {"node_type", std::string("other-node")}}, {kInf, kInf, 500.0, 500.0});
  check({{"cap", 500.0}, {"racks", std::string("1-2")}}, {kInf, 500.0, 500.0, kInf});
  check({{"cap", 500.0}, {"racks", std::string("0, 3")}}, {500.0, kInf, kInf, 500.0});
  check({{"cap", 500.0}, {"node_type", std::string("capped-node")}, {"racks", std::string("1-3")}},
        {kInf, 500.0, kInf, kInf});
  check({{"cap", 0.0}}, {kInf, kInf, kInf, kInf});  // 0: no cap
}

TEST_CASE("static-cap's parameters are checked against the facility", "[policies][static-cap]") {
  ThreeStateHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(hw.site(2, 2));
  const auto& info = policies::builtin_policies().get("static-cap", policies::PolicyKind::kManager);
  const auto problem = [&](const policies::Params& given) {
    return info.requires_(config, policies::resolve_params(info, given, "m"));
  };
  CHECK(problem({{"cap", 500.0}, {"racks", std::string("0-3")}, {"node_type", std::string("other-node")}}) == "");
  CHECK_THAT(problem({{"racks", std::string("0-x")}}), Contains("expected a rack number at character 3"));
  CHECK_THAT(problem({{"racks", std::string("3-1")}}), Contains("runs backwards"));
  CHECK_THAT(problem({{"racks", std::string("2-4")}}), Contains("no site has more than 4 racks"));
  CHECK_THAT(problem({{"node_type", std::string("big")}}), Contains("capped-node, other-node"));
  CHECK_THAT(problem({{"from", std::string("08:00")}}), Contains("needs both"));
  CHECK_THAT(problem({{"from", std::string("8:00")}, {"to", std::string("20:00")}}), Contains("not a time of day"));
  CHECK_THAT(problem({{"from", std::string("08:00")}, {"to", std::string("08:00")}}), Contains("empty daily window"));
  CHECK(problem({{"from", std::string("08:00")}, {"to", std::string("20:00:30")}}) == "");
  config.sites[0].supply.calendar_origin = SimTime::days(19000) + SimTime::hours(5);
  CHECK_THAT(problem({{"from", std::string("08:00")}, {"to", std::string("20:00")}}), Contains("starts at 05:00 UTC"));
  CHECK(problem({}) == "");  // no window: any start
  CHECK(policies::number(policies::resolve_params(info, {{"cap", std::string("0.5 kW")}}, "m"), "cap") == 500.0);
  CHECK_THROWS_AS(info.make_manager(policies::resolve_params(info, {{"racks", std::string("a")}}, "m")),
                  simcore::InputError);
  CHECK(policies::parse_rack_ranges(" 0-3 , 7") ==
        std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0, 3}, {7, 7}});
  CHECK(policies::parse_time_of_day("23:59:59") == SimTime::seconds(86399));
}
