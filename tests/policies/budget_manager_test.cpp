// Tests of the budget and clock managers: cap-to-budget and dvfs-energy.
//
// Hardware (ClockHardware): nodes of 8 accelerators, host 400 W idle / 800 W busy (100 W per
// accelerator of busy host power), no PSU losses; the accelerator draws 40 W with no work placed
// and has four p-states, f_nom = 2 GHz:
//   s0 1.0 GHz  50-150 W     s1 1.4 GHz  60-220 W     s2 1.7 GHz  70-300 W     s3 2.0 GHz  80-400 W
// speed(f, beta) = 1 / (beta * 2 GHz / f + 1 - beta).
// A node with a fraction a of its accelerators allocated draws 400 + 400 a W of host power.

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/cap_to_budget.hpp"
#include "policies/dvfs_energy.hpp"
#include "policies/fifo.hpp"
#include "policies/registry.hpp"
#include "policies/stack.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

using test::ClockHardware;

workloads::Job job(std::uint64_t id, double submit_s, std::uint32_t gpus, double duration_s, double util, double beta) {
  workloads::Job j = test::job(id, submit_s, gpus, duration_s, util);
  j.beta = beta;
  return j;
}

// fifo + first-fit + one manager from the registry.
std::unique_ptr<datacenter::Policy> stack_with(const std::string& manager, const policies::Params& params) {
  const auto& registry = policies::builtin_policies();
  policies::PolicyStack stack = policies::single_scheduler("fifo");
  policies::PolicyChoice m;
  m.info = &registry.get(manager, policies::PolicyKind::kManager);
  m.params = policies::resolve_params(*m.info, params, "policy.managers[0]");
  stack.managers.push_back(m);
  return stack.make();
}

policies::CapToBudget& cap_manager(datacenter::Policy& policy) {
  return dynamic_cast<policies::CapToBudget&>(dynamic_cast<policies::StackPolicy&>(policy).manager(0));
}

double seconds(SimTime t) {
  return t.to_seconds();
}

// Lifts every clock limit of the running jobs at each decision.
struct Unpin : policies::Manager {
  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override {
    for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
      if (!view.running(s).active) continue;
      for (const auto& a : view.running(s).accels) {
        if (view.node(a.node).pstate_limit(a.index) != power::Node::kNoLimit) {
          actions.set_pstate_limit(a.node, a.index, power::Node::kNoLimit);
        }
      }
    }
  }
};

// Pins every started job to its accelerators' lowest p-state.
struct Lowest : policies::Manager {
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override {
    for (const auto& a : view.running(slot).accels) actions.set_pstate_limit(a.node, a.index, 0);
  }
};

struct Ends {
  double start0, end0, end1;
};

}  // namespace

TEST_CASE("both managers are registered with their parameters", "[policies][budget]") {
  const auto& registry = policies::builtin_policies();
  const auto& cap = registry.get("cap-to-budget", policies::PolicyKind::kManager);
  const auto p = policies::resolve_params(
      cap, {{"budget", std::string("1.2 MW")}, {"raise_margin", std::string("10 %")}}, "policy.managers[0]");
  CHECK(policies::number(p, "budget") == Approx(1.2e6));
  CHECK(policies::number(p, "raise_margin") == Approx(0.1));
  CHECK(policies::text(p, "scope") == "facility");
  CHECK(policies::text(p, "order") == "lowest-beta");
  CHECK_THROWS_AS(policies::resolve_params(cap, {{"order", std::string("lowest-power")}}, "m"), simcore::InputError);

  // Scope "pdu" needs PDUs at every site.
  ClockHardware hw;
  datacenter::WorldConfig world;
  world.sites.push_back(test::bench_site(hw, 2));
  const auto pdu = policies::resolve_params(cap, {{"scope", std::string("pdu")}}, "m");
  CHECK(cap.requires_(world, pdu).find("needs PDUs") != std::string::npos);
  world.sites[0].distribution.pdus = 1;
  CHECK(cap.requires_(world, pdu).empty());

  const auto& dvfs = registry.get("dvfs-energy", policies::PolicyKind::kManager);
  CHECK(policies::text(policies::resolve_params(dvfs, {}, "m"), "objective") == "energy");
}

TEST_CASE("cap-to-budget: the stretched runtime equals work / (g speed(f))", "[policies][budget]") {
  // One node, PUE 1, budget 3 kW. The job (8 accelerators, u = 1, beta = 0.5, 1000 s at full
  // speed: work 8000) would draw 800 + 8 x 400 = 4000 W. Lowered one step at a time:
  //   s2: 800 + 8 x 300 = 3200 W > 3000;  s1: 800 + 8 x 220 = 2560 W <= 3000: two steps, s1.
  // speed(1.4 GHz, 0.5) = 1 / (0.5 x 2 / 1.4 + 0.5) = 0.8235294; runtime 8000 / (8 x 0.8235294)
  // = 1214.2857 s. Raising it back would need 3200 W > 3000 x 0.95: it stays at s1.
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  config.record_demand = true;
  workloads::VectorJobSource source({job(0, 0, 8, 1000, 1.0, 0.5)});
  auto policy = stack_with("cap-to-budget", {{"budget", std::string("3 kW")}});
  test::Recorder rec;
  datacenter::World world(config, source, *policy, &rec);
  world.run();
  const auto& row = rec.row(0);
  CHECK(seconds(row.rec.end - row.rec.start) == Approx(8000.0 / (8 * 0.8235294117647)).margin(2e-6));
  auto& cap = cap_manager(*policy);
  CHECK(cap.steps_down() == 2);
  CHECK(cap.steps_up() == 0);
  CHECK(cap.unmet_instants() == 0);
  // The facility demand's step series: 2560 W while it runs, never the 4000 W it would draw.
  const auto& demand = world.demand_w(0);
  CHECK(std::find(demand.begin(), demand.end(), 2560.0) != demand.end());
  CHECK(*std::max_element(demand.begin(), demand.end()) <= 3000.0);
  // Its accelerators get their own limit (none) back when it ends.
  for (std::uint32_t i = 0; i < 8; ++i) CHECK(world.state().nodes[0].node.pstate_limit(i) == power::Node::kNoLimit);
}

TEST_CASE("cap-to-budget lowers in its order and raises when headroom returns", "[policies][budget]") {
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  const auto run = [&](const std::vector<workloads::Job>& jobs, const std::string& order) {
    workloads::VectorJobSource source(jobs);
    auto policy = stack_with("cap-to-budget", {{"budget", 3100.0}, {"order", order}});
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    return std::pair<Ends, std::uint64_t>{
        {seconds(rec.row(0).rec.start), seconds(rec.row(0).rec.end), seconds(rec.row(1).rec.end)},
        cap_manager(*policy).steps_up()};
  };
  // Job 0: 4 accelerators, u = 1, beta 0.2, 2000 s (work 8000); job 1: 4, u = 1, beta 0.8,
  // 1000 s (work 4000); both start at 0 on the one node: 800 + 8 x 400 = 4000 W > 3100.
  const std::vector<workloads::Job> jobs{job(0, 0, 4, 2000, 1.0, 0.2), job(1, 0, 4, 1000, 1.0, 0.8)};

  SECTION("lowest-beta: job 0 goes down, and back up when job 1 ends") {
    // Job 0 down: s2 800 + 4 x 300 + 4 x 400 = 3600, s1 3280, s0 800 + 600 + 1600 = 3000 <= 3100.
    // (Back up one step would be 3280 > 3100 x 0.95 = 2945: it stays.) Job 1 runs at full speed,
    // ends at 1000 s. Job 0 at s0: speed 1 / (0.2 x 2 + 0.8) = 1/1.2; done by 1000 s:
    // 4 x 1000 / 1.2 = 3333.33, left 4666.67. At 1000 s the node draws 600 + 4 x 150 + 4 x 40 =
    // 1360 W; raising job 0 to s1, s2, s3 predicts 1640, 1960, 2360 W <= 2945: three steps up, full
    // speed: 4666.67 / 4 = 1166.67 s more, so it ends at 2166.67 s (2400 s had it stayed at s0).
    const auto [ends, up] = run(jobs, "lowest-beta");
    CHECK(ends.end1 == Approx(1000.0).margin(2e-6));
    CHECK(ends.end0 - ends.start0 == Approx(1000.0 + (8000.0 - 4000.0 / 1.2) / 4.0).margin(2e-6));
    CHECK(up == 3);
  }
  SECTION("newest: job 1 (the later arrival, same start) goes down instead") {
    // Job 1 to s0 (3000 W): speed 1 / (0.8 x 2 + 0.2) = 1/1.8: 4000 / (4 / 1.8) = 1800 s. Job 0
    // runs at full speed: 2000 s; nothing is left lowered when job 1 ends.
    const auto [ends, up] = run(jobs, "newest");
    CHECK(ends.end1 == Approx(1800.0).margin(2e-6));
    CHECK(ends.end0 == Approx(2000.0).margin(2e-6));
    CHECK(up == 0);
  }
  SECTION("highest-power: the job drawing most goes down first") {
    // Job 0: 4, u = 1, beta 0.8, 1000 s: 4 x 400 + 4 x 100 (host share) = 2000 W; job 1: 4,
    // u = 0.5, beta 0.2, 2000 s: 4 x 240 + 400 = 1360 W. Node 800 + 1600 + 960 = 3360 > 3100.
    // Job 0 to s2: 800 + 1200 + 960 = 2960 <= 3100: one step. speed(1.7 GHz, 0.8) =
    // 1 / (0.8 x 2 / 1.7 + 0.2) = 0.8762887: 4000 / (4 x 0.8762887) = 1141.18 s. (lowest-beta
    // would have lowered job 1 instead: to s1, 2960 W.)
    const auto [ends, up] = run({job(0, 0, 4, 1000, 1.0, 0.8), job(1, 0, 4, 2000, 0.5, 0.2)}, "highest-power");
    CHECK(ends.end0 == Approx(1000.0 / 0.87628865979).margin(2e-6));
    CHECK(ends.end1 == Approx(2000.0).margin(2e-6));
    CHECK(up == 0);
  }
}

TEST_CASE("cap-to-budget enforces a PDU's capacity below its racks' peak", "[policies][budget]") {
  // Two nodes, each in its own rack under its own PDU of 3100 W; no budget. Each job (8
  // accelerators, u = 1, beta 1, 1000 s) would draw 4000 W on its node: the PDU reports the
  // violation, and the job goes down to s1 (2560 W; s2 would be 3200 W > 3100), so it runs at
  // speed 1.4 / 2 = 0.7: 1000 / 0.7 = 1428.57 s. The violations last no time: none is recorded.
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2, 1.0));
  config.sites[0].distribution.pdus = 2;
  config.sites[0].distribution.pdu_capacity_w = 3100.0;
  const std::vector<workloads::Job> jobs{job(0, 0, 8, 1000, 1.0, 1.0), job(1, 0, 8, 1000, 1.0, 1.0)};

  SECTION("without the manager the PDUs are overloaded") {
    workloads::VectorJobSource source(jobs);
    policies::FifoPolicy fifo;
    datacenter::World world(config, source, fifo, nullptr);
    const auto sum = world.run();
    CHECK(sum.sites[0].capacity_violations == 2);
  }
  SECTION("with it they are held under their capacity") {
    workloads::VectorJobSource source(jobs);
    auto policy = stack_with("cap-to-budget", {});
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    const auto sum = world.run();
    CHECK(sum.sites[0].capacity_violations == 0);
    const power::PowerTree& tree = world.state().sites[0].tree;
    for (const char* name : {"pdu-0", "pdu-1"}) {
      const auto e = tree.find(name);
      REQUIRE(e != power::kNoElement);
      CHECK(tree.peak_output_w(e, sum.end) == Approx(2560.0));
    }
    CHECK(seconds(rec.row(0).rec.end) == Approx(1000.0 / 0.7).margin(2e-6));
    CHECK(seconds(rec.row(1).rec.end) == Approx(1000.0 / 0.7).margin(2e-6));
    CHECK(cap_manager(*policy).unmet_instants() == 0);
  }
  SECTION("a violation that another manager causes is answered at the same instant") {
    // A manager listed after cap-to-budget lifts every clock limit at each decision: the PDUs go
    // over again, cap-to-budget hears of it from the tree and lowers the jobs again in its hook
    // at the same instant, so no violation lasts and the runtimes are as above.
    workloads::VectorJobSource source(jobs);
    const auto& registry = policies::builtin_policies();
    std::vector<std::unique_ptr<policies::Manager>> managers;
    const auto& info = registry.get("cap-to-budget", policies::PolicyKind::kManager);
    managers.push_back(info.make_manager(policies::resolve_params(info, {}, "m")));
    managers.push_back(std::make_unique<Unpin>());
    policies::StackPolicy stack(std::make_unique<policies::FifoScheduler>(),
                                std::make_unique<policies::FirstFitPlacement>(), std::move(managers));
    test::Recorder rec;
    datacenter::World world(config, source, stack, &rec);
    const auto sum = world.run();
    CHECK(sum.sites[0].capacity_violations == 0);
    CHECK(seconds(rec.row(0).rec.end) == Approx(1000.0 / 0.7).margin(2e-6));
    CHECK(seconds(rec.row(1).rec.end) == Approx(1000.0 / 0.7).margin(2e-6));
    CHECK(dynamic_cast<policies::CapToBudget&>(stack.manager(0)).steps_down() == 8);  // 2 per job, twice
  }
}

TEST_CASE("cap-to-budget counts the instants it cannot meet its budget, and does all it can", "[policies][budget]") {
  // Budget 1000 W on one node: idle is 400 + 8 x 40 = 720 W, but the job (8 accelerators,
  // u = 1, beta 1, 1000 s) draws 800 + 8 x 150 = 2000 W even at s0. It runs at s0 (speed 0.5:
  // 2000 s) and the budget is unmet at one instant, its start (it is not held back).
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  workloads::VectorJobSource source({job(0, 0, 8, 1000, 1.0, 1.0)});
  auto policy = stack_with("cap-to-budget", {{"budget", 1000.0}});
  test::Recorder rec;
  datacenter::World world(config, source, *policy, &rec);
  world.run();
  CHECK(seconds(rec.row(0).rec.end) == Approx(2000.0).margin(2e-6));
  CHECK(cap_manager(*policy).unmet_instants() == 1);
  CHECK(cap_manager(*policy).steps_down() == 3);
}

TEST_CASE("cap-to-budget never exceeds its budget (property test over random workloads)", "[policies][budget]") {
  // Four nodes (32 accelerators), PUE 1.2. Every accelerator allocated at s0 and u = 1 draws
  // 4 x (800 + 8 x 150) = 8000 W of IT power, 9600 W of facility power: a facility budget of
  // 10.8 kW (9 kW of IT) is always reachable, while the fleet's peak is 4 x 4000 x 1.2 = 19.2 kW.
  // So the recorded demand (the last value of each instant) must never exceed it.
  ClockHardware hw;
  const std::string order = GENERATE(as<std::string>{}, "lowest-beta", "highest-power", "newest");
  const std::uint64_t seed = GENERATE(1u, 2u, 3u);
  CAPTURE(order, seed);
  const auto jobs = test::random_jobs(seed, 150, 400.0);

  SECTION("facility budget") {
    const double budget_w = 10800.0;
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 4, 1.2));
    config.record_demand = true;
    {
      // Unmanaged, the same workload goes above the budget: the test has something to catch.
      workloads::VectorJobSource source(jobs);
      policies::FifoPolicy fifo;
      datacenter::World world(config, source, fifo, nullptr);
      world.run();
      const auto& d = world.demand_w(0);
      REQUIRE(*std::max_element(d.begin(), d.end()) > budget_w);
    }
    workloads::VectorJobSource source(jobs);
    auto policy = stack_with("cap-to-budget", {{"budget", budget_w}, {"order", order}});
    datacenter::World world(config, source, *policy, nullptr);
    const auto sum = world.run();
    CHECK(sum.jobs_completed == jobs.size());
    const auto& demand = world.demand_w(0);
    const auto& times = world.demand_times(0);
    for (std::size_t i = 0; i < demand.size(); ++i) {
      INFO("at " << times[i].to_seconds() << " s");
      REQUIRE(demand[i] <= budget_w * (1 + 1e-9));
    }
    const auto& cap = cap_manager(*policy);
    CHECK(cap.unmet_instants() == 0);
    CHECK(cap.steps_down() > 0);
    CHECK(cap.steps_up() > 0);
  }
  SECTION("facility budget over a lossy tree") {
    // LossyHardware (tests/datacenter/world_fixture.hpp): PSU, UPS and PDU losses, PUE 1.3,
    // 144 accelerators of three p-states, where the prediction of a raise is approximate. The
    // budget lies halfway between the facility power with every accelerator busy at s0 and u = 1
    // (measured here: the most the lowest states can draw) and the unmanaged run's peak.
    test::LossyHardware lossy;
    datacenter::WorldConfig config;
    config.sites.push_back(lossy.site());
    config.sites[0].carbon_intensity_g_per_kwh = simcore::StepSeries::constant(400.0);
    config.record_demand = true;
    double lowest_w = 0.0, peak_w = 0.0;
    {
      std::vector<workloads::Job> fill;
      for (std::uint64_t i = 0; i < 24; ++i) fill.push_back(job(i, 0, i < 12 ? 8 : 4, 1000, 1.0, 1.0));
      workloads::VectorJobSource source(fill);
      std::vector<std::unique_ptr<policies::Manager>> managers;
      managers.push_back(std::make_unique<Lowest>());
      policies::StackPolicy pinned(std::make_unique<policies::FifoScheduler>(),
                                   std::make_unique<policies::FirstFitPlacement>(), std::move(managers));
      datacenter::World world(config, source, pinned, nullptr);
      const auto sum = world.run();
      REQUIRE(sum.sites[0].accelerator_seconds_busy == Approx(144 * 2000.0));  // all at once, at speed 0.5
      lowest_w = sum.sites[0].peak_facility_power_w;
    }
    const auto many = test::random_jobs(seed, 400, 60.0);
    {
      workloads::VectorJobSource source(many);
      policies::FifoPolicy fifo;
      datacenter::World world(config, source, fifo, nullptr);
      peak_w = world.run().sites[0].peak_facility_power_w;
    }
    REQUIRE(peak_w > lowest_w);
    const double budget_w = 0.5 * (lowest_w + peak_w);
    workloads::VectorJobSource source(many);
    auto policy = stack_with("cap-to-budget", {{"budget", budget_w}, {"order", order}});
    datacenter::World world(config, source, *policy, nullptr);
    const auto sum = world.run();
    CHECK(sum.jobs_completed == many.size());
    const auto& demand = world.demand_w(0);
    for (std::size_t i = 0; i < demand.size(); ++i) REQUIRE(demand[i] <= budget_w * (1 + 1e-9));
    CHECK(cap_manager(*policy).unmet_instants() == 0);
    CHECK(cap_manager(*policy).steps_down() > 0);
  }
  SECTION("PDU budget") {
    // Two PDUs of two nodes each, 5 kW each: at s0 a PDU's two nodes draw at most 4000 W; at full
    // clock up to 8000 W. Every PDU's peak output (held for a positive span) stays under 5 kW.
    const double budget_w = 5000.0;
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 4, 1.2));
    config.sites[0].distribution.pdus = 2;
    workloads::VectorJobSource source(jobs);
    auto policy = stack_with("cap-to-budget", {{"budget", budget_w}, {"order", order}, {"scope", std::string("pdu")}});
    datacenter::World world(config, source, *policy, nullptr);
    const auto sum = world.run();
    CHECK(sum.jobs_completed == jobs.size());
    const power::PowerTree& tree = world.state().sites[0].tree;
    for (const char* name : {"pdu-0", "pdu-1"}) {
      const auto e = tree.find(name);
      REQUIRE(e != power::kNoElement);
      CHECK(tree.peak_output_w(e, sum.end) <= budget_w * (1 + 1e-9));
    }
    CHECK(cap_manager(*policy).unmet_instants() == 0);
    CHECK(cap_manager(*policy).steps_down() > 0);
  }
}

TEST_CASE("dvfs-energy picks the p-state a hand calculation picks for beta 0, 0.5 and 1", "[policies][dvfs]") {
  // u = 0.5, host share B / N = 800 / 8 = 100 W. Per accelerator, P_acc(0.5) + 100 =
  //   s0 50 + 50 + 100 = 200,  s1 60 + 80 + 100 = 240,  s2 70 + 115 + 100 = 285,  s3 80 + 160 + 100 = 340 W.
  // Energy per unit of work is (P + B/N) / speed, EDP (P + B/N) / speed^2 (up to W and W^2/g):
  //   beta 0:   speed 1 everywhere:       energy 200, 240, 285, 340 -> s0;  EDP the same -> s0
  //   beta 0.5: speed 0.6667, 0.8235, 0.9189, 1:
  //             energy 300, 291.4, 310.1, 340 -> s1;  EDP 450, 353.9, 337.5, 340 -> s2
  //   beta 1:   speed 0.5, 0.7, 0.85, 1:
  //             energy 400, 342.9, 335.3, 340 -> s2;  EDP 800, 489.8, 394.5, 340 -> s3
  // Without the host's share (B = 0), beta 0.5 energy is 150, 170, 201.3, 240 -> s0: counting the
  // host power that a longer run draws changes the choice.
  ClockHardware hw;
  using policies::DvfsObjective;
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 0.0, DvfsObjective::kEnergy) == 0);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 0.0, DvfsObjective::kEnergyDelay) == 0);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 0.5, DvfsObjective::kEnergy) == 1);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 0.5, DvfsObjective::kEnergyDelay) == 2);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 1.0, DvfsObjective::kEnergy) == 2);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 100.0, 0.5, 1.0, DvfsObjective::kEnergyDelay) == 3);
  CHECK(policies::dvfs_best_pstate(hw.gpu, 0.0, 0.5, 0.5, DvfsObjective::kEnergy) == 0);
}

TEST_CASE("dvfs-energy runs each job in its chosen state and lifts the limit when it ends", "[policies][dvfs]") {
  // One job on a whole node: 8 accelerators, u = 0.5, 1000 s at full speed (work 8000).
  //   beta 1, energy: s2, speed 0.85: 8000 / (8 x 0.85) = 1176.47 s; its DC energy
  //     8 x (185 + 100) W x 1176.47 s = 2.6824 MJ (2.72 MJ at s3: 2720 W x 1000 s).
  //   beta 1, EDP: s3: 1000 s.   beta 0.5, energy: s1, speed 0.8235294: 1214.29 s.
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  const auto run = [&](double beta, const std::string& objective) {
    workloads::VectorJobSource source({job(0, 0, 8, 1000, 0.5, beta)});
    auto policy = stack_with("dvfs-energy", {{"objective", objective}});
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    for (std::uint32_t i = 0; i < 8; ++i) CHECK(world.state().nodes[0].node.pstate_limit(i) == power::Node::kNoLimit);
    return rec.row(0).rec;
  };
  const auto energy1 = run(1.0, "energy");
  CHECK(seconds(energy1.end - energy1.start) == Approx(1000.0 / 0.85).margin(2e-6));
  CHECK(energy1.dc_energy_j == Approx(8 * 285.0 * 1000.0 / 0.85));
  const auto edp1 = run(1.0, "edp");
  CHECK(seconds(edp1.end - edp1.start) == Approx(1000.0).margin(2e-6));
  CHECK(edp1.dc_energy_j == Approx(8 * 340.0 * 1000.0));
  const auto energy05 = run(0.5, "energy");
  CHECK(seconds(energy05.end - energy05.start) == Approx(1000.0 / 0.82352941176).margin(2e-6));
}
