// Tests of demand-response (policies/demand_response.hpp).
//
// Clock hardware: nodes of 8 accelerators, host 400 W idle / 800 W busy, no PSU losses, PUE 1;
// the accelerator has four p-states, f_nom = 2 GHz:
//   s0 1.0 GHz 50-150 W   s1 1.4 GHz 60-220 W   s2 1.7 GHz 70-300 W   s3 2.0 GHz 80-400 W.
// An 8-accelerator job at u = 1 draws 800 + 8 x P_max: s3 4000 W, s2 3200, s1 2560, s0 2000.
// Bench hardware (one p-state, test::BenchHardware): idle 980 W, the same job 3700 W.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/demand_response.hpp"
#include "policies/registry.hpp"
#include "policies/stack.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "traces/series_csv.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

using test::ClockHardware;

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("wattsim_dr_" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::unique_ptr<datacenter::Policy> fifo_and_dr(const policies::Params& params) {
  const auto& registry = policies::builtin_policies();
  policies::PolicyStack stack = policies::single_scheduler("fifo");
  policies::PolicyChoice m;
  m.info = &registry.get("demand-response", policies::PolicyKind::kManager);
  m.params = policies::resolve_params(*m.info, params, "policy.managers[0]");
  stack.managers.push_back(m);
  return stack.make();
}

policies::DemandResponse& dr_of(datacenter::Policy& policy) {
  return dynamic_cast<policies::DemandResponse&>(dynamic_cast<policies::StackPolicy&>(policy).manager(0));
}

}  // namespace

TEST_CASE("grid-event CSVs are read with located errors", "[policies][supply]") {
  const auto ok = write_file("ok.csv", "start, duration ,shed_kw,price\n1000,2 h,1.5,0.5\n9000,600,2,\n");
  const auto events = policies::read_grid_events(ok, 0.25);
  REQUIRE(events.size() == 2);
  CHECK(!events[0].absolute);
  CHECK(events[0].start == SimTime::from_seconds(1000));
  CHECK(events[0].duration == SimTime::hours(2));
  CHECK(events[0].shed_w == Approx(1500.0));
  CHECK(events[0].price_per_kwh == Approx(0.5));
  CHECK(events[1].price_per_kwh == Approx(0.25));  // empty cell: the parameter's price

  const auto utc = write_file("utc.csv", "start,duration,shed_kw\n2023-06-01T14:00:00Z,3600,1\n");
  const auto e = policies::read_grid_events(utc, 0.0);
  REQUIRE(e.size() == 1);
  CHECK(e[0].absolute);
  CHECK(e[0].start == traces::parse_utc_time("2023-06-01 14:00:00"));

  const auto bad = write_file("bad.csv", "start,duration,shed_kw\n0,60,1\n30,60,1\nsoon,60,-2\n");
  try {
    policies::read_grid_events(bad, 0.0);
    FAIL("no error");
  } catch (const simcore::InputError& err) {
    const auto& d = err.diagnostics();
    REQUIRE(d.size() == 3);  // line 3 overlaps; line 4 has a bad start and a bad shed
    CHECK(d[0].where.find("wattsim_dr_bad.csv:3") != std::string::npos);
    CHECK(d[0].message.find("overlap") != std::string::npos);
    CHECK(d[1].where.find("wattsim_dr_bad.csv:4:1") != std::string::npos);
    CHECK(d[2].message.find("shed_kw") != std::string::npos);
  }
  const auto& info = policies::builtin_policies().get("demand-response", policies::PolicyKind::kManager);
  datacenter::WorldConfig world;
  CHECK(info.requires_(world, policies::resolve_params(info, {}, "m")).find("needs an events file") !=
        std::string::npos);
  CHECK(info.requires_(world, policies::resolve_params(info, {{"events", bad}}, "m")).find(":3") !=
        std::string::npos);
  CHECK(info.reads.empty());
}

TEST_CASE("demand-response meets an event with clock limits and restores them", "[policies][supply]") {
  // One clock node, one job: 8 accelerators, u = 1, beta 1, 4000 s at full speed, not
  // preemptible: 4000 W. Event at 1000 s for 1000 s, shed 1.5 kW, 0.5 per kWh: baseline 4000,
  // target 2500. Clock steps: s2 3200 > 2500, s1 2560 > 2500, s0 2000 <= 2500: three steps.
  // Shed energy (4000 - 2000) W x 1000 s = 2e6 J = 0.5556 kWh, revenue 0.2778. The job runs at
  // speed 1/2 during the event: 1000 s + 500 s of work by 2000 s, then 2500 s at full speed:
  // it ends at 4500 s.
  ClockHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  config.record_demand = true;
  const auto path = write_file("one.csv", "start,duration,shed_kw,price\n1000,1000,1.5,0.5\n");
  workloads::VectorJobSource source({test::job(0, 0, 8, 4000, 1.0)});
  auto policy = fifo_and_dr({{"events", path}});
  test::Recorder rec;
  datacenter::World world(config, source, *policy, &rec);
  world.run();
  auto& dr = dr_of(*policy);
  CHECK(dr.events() == 1);
  CHECK(dr.events_met() == 1);
  CHECK(dr.events_missed() == 0);
  CHECK(dr.clock_steps() == 3);
  CHECK(dr.shed_kwh() == Approx(2e6 / 3.6e6));
  CHECK(dr.revenue() == Approx(0.5 * 2e6 / 3.6e6));
  CHECK(rec.row(0).rec.end.to_seconds() == Approx(4500.0));
  const auto& demand = world.demand_w(0);
  CHECK(std::find(demand.begin(), demand.end(), 2000.0) != demand.end());
  for (std::uint32_t i = 0; i < 8; ++i) CHECK(world.state().nodes[0].node.pstate_limit(i) == power::Node::kNoLimit);
}

TEST_CASE("demand-response counts an event it cannot meet as missed", "[policies][supply]") {
  // Bench node (one p-state: no clock to lower), one job of 3700 W that may not be suspended;
  // event at 1000 s for 1000 s, shed 1 kW: the power stays 3700 > 2700. Missed; nothing shed.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  const auto path = write_file("missed.csv", "start,duration,shed_kw\n1000,1000,1\n");
  workloads::VectorJobSource source({test::job(0, 0, 8, 4000, 1.0)});
  auto policy = fifo_and_dr({{"events", path}, {"price", 1.0}});
  test::Recorder rec;
  datacenter::World world(config, source, *policy, &rec);
  world.run();
  auto& dr = dr_of(*policy);
  CHECK(dr.events() == 1);
  CHECK(dr.events_met() == 0);
  CHECK(dr.events_missed() == 1);
  CHECK(dr.shed_kwh() == Approx(0.0));
  CHECK(dr.revenue() == Approx(0.0));
  CHECK(rec.row(0).rec.end.to_seconds() == Approx(4000.0));
}

TEST_CASE("demand-response suspends preemptible work, with notice for its checkpoint", "[policies][supply]") {
  // Bench node, one preemptible job (3700 W, 4000 s); event at 1000 s for 1000 s, shed 1 kW:
  // target 2700, reachable only by suspending (the node idles at 980 W).
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  const auto path = write_file("suspend.csv", "start,duration,shed_kw\n1000,1000,1\n");
  workloads::Job j = test::job(0, 0, 8, 4000, 1.0);
  j.preemptible = true;

  SECTION("with 2 min notice the checkpoint is written before the start: met") {
    // Suspended at 880 s, written by 940 s; 980 W over the event: shed (3700 - 980) x 1000 s =
    // 2.72e6 J = 0.7556 kWh. Resumed at 2000 s: restore 60 s, 3120 s of work left (880 s done):
    // it ends at 2000 + 60 + 3120 = 5180 s.
    workloads::VectorJobSource source({j});
    auto policy = fifo_and_dr({{"events", path}, {"order", std::string("suspend-first")}, {"notice", 120.0}});
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    auto& dr = dr_of(*policy);
    CHECK(dr.suspensions() == 1);
    CHECK(dr.events_met() == 1);
    CHECK(dr.shed_kwh() == Approx(2.72e6 / 3.6e6));
    CHECK(rec.row(0).rec.end.to_seconds() == Approx(5180.0));
  }
  SECTION("without notice the checkpoint write overlaps the event's first minute: missed") {
    // 3700 W for the first 60 s, then 980 W: the instant check fails at 1000 s. Shed
    // (3700 - 980) x 940 s = 2.5568e6 J.
    workloads::VectorJobSource source({j});
    auto policy = fifo_and_dr({{"events", path}, {"order", std::string("suspend-first")}});
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    auto& dr = dr_of(*policy);
    CHECK(dr.suspensions() == 1);
    CHECK(dr.events_missed() == 1);
    CHECK(dr.shed_kwh() == Approx(2.5568e6 / 3.6e6));
  }
}
