// Tests of carbon-cap (policies/carbon_cap.hpp).
//
// Hardware: one bench node (test::BenchHardware): 8 GPUs of 60 W idle and 60 + 340 u W busy,
// 500 W host, no PSU losses, PUE 1. Idle it draws 980 W; with an 8-GPU job at u = 1,
// 500 + 8 x 400 = 3700 W. Checkpoints take 60 s each way (the job defaults).

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/carbon_cap.hpp"
#include "policies/registry.hpp"
#include "policies/stack.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

std::unique_ptr<datacenter::Policy> fifo_and_cap(double cap_kg_per_h) {
  const auto& registry = policies::builtin_policies();
  policies::PolicyStack stack = policies::single_scheduler("fifo");
  policies::PolicyChoice m;
  m.info = &registry.get("carbon-cap", policies::PolicyKind::kManager);
  m.params = policies::resolve_params(*m.info, {{"cap", cap_kg_per_h}}, "policy.managers[0]");
  stack.managers.push_back(m);
  return stack.make();
}

policies::CarbonCap& cap_of(datacenter::Policy& policy) {
  return dynamic_cast<policies::CarbonCap&>(dynamic_cast<policies::StackPolicy&>(policy).manager(0));
}

}  // namespace

TEST_CASE("carbon-cap is registered, reads carbon and needs a cap", "[policies][supply]") {
  const auto& info = policies::builtin_policies().get("carbon-cap", policies::PolicyKind::kManager);
  datacenter::WorldConfig world;
  CHECK(info.requires_(world, policies::resolve_params(info, {}, "m")).find("needs a cap") != std::string::npos);
  const auto p = policies::resolve_params(info, {{"cap", std::string("0.5 t")}}, "m");
  CHECK(policies::number(p, "cap") == Approx(500.0));
  CHECK(info.requires_(world, p).empty());
  CHECK(std::find(info.reads.begin(), info.reads.end(), datacenter::Signal::kCarbon) != info.reads.end());
}

TEST_CASE("carbon-cap suspends when the intensity doubles and resumes when it falls back", "[policies][supply]") {
  // Intensity 400 g/kWh, 800 from 1 h to 2 h, then 400. Cap 2 kg/h. The job (8 GPUs, u = 1,
  // 3 h at full speed) runs at 3.7 kW x 0.4 = 1.48 kg/h; at 800 g/kWh it would be 2.96 kg/h.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1, 1.0));
  config.sites[0].carbon_intensity_g_per_kwh = simcore::StepSeries(
      {SimTime::zero(), SimTime::hours(1), SimTime::hours(2)}, {400.0, 800.0, 400.0}, SimTime::max(), "k");
  workloads::Job j = test::job(0, 0, 8, 3 * 3600, 1.0);

  SECTION("a preemptible job is suspended for the dirty hour") {
    // At 1 h: suspended (checkpoint 60 s); idle, 0.98 kW x 0.8 = 0.784 kg/h. At 2 h: resuming
    // predicts (980 + 8 x 340) W x 0.4 = 1.48 <= 2 x 0.95: it resumes, restores 60 s and runs
    // its last 2 h: it ends at 2 h + 60 s + 2 h = 14,460 s. The dirty hour emitted
    // 3.7 x 0.8 x 60/3600 + 0.98 x 0.8 x 3540/3600 = 0.820 kg <= 2: no hour over.
    j.preemptible = true;
    workloads::VectorJobSource source({j});
    auto policy = fifo_and_cap(2.0);
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    CHECK(rec.row(0).rec.end.to_seconds() == Approx(14460.0));
    auto& cap = cap_of(*policy);
    CHECK(cap.suspensions() == 1);
    CHECK(cap.resumes() == 1);
    CHECK(cap.hours_over() == 0);
    CHECK(cap.hours_unmet() == 0);
  }
  SECTION("a job that may not be suspended leaves the hour over the cap, counted unmet") {
    // 2.96 kg in [1 h, 2 h) > 2: one hour over, unmet; the job ends at 3 h.
    workloads::VectorJobSource source({j});
    auto policy = fifo_and_cap(2.0);
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    CHECK(rec.row(0).rec.end.to_seconds() == Approx(3 * 3600.0));
    auto& cap = cap_of(*policy);
    CHECK(cap.suspensions() == 0);
    CHECK(cap.hours_over() == 1);
    CHECK(cap.hours_unmet() == 1);
    datacenter::PolicyFigures figures;
    policy->report(figures);
    bool found = false;
    for (const auto& [name, value] : figures) {
      if (name == "carbon_cap_hours_over") found = value == 1.0;
    }
    CHECK(found);
  }
  SECTION("a flexible arrival that would break the cap waits for room") {
    // Job 0 (preemptible) is suspended at 1 h. Job 1 (8 GPUs, 1000 s, deadline 6 h) arrives
    // at 1.5 h: 0.98 + 2.72 kW at 0.8 = 2.96 kg/h > 2: held. At 2 h the resume of job 0 comes
    // first (strict order) and fills the node; job 1 would take the rate to 6.42 x 0.4 = 2.57
    // > 1.9, so it stays held (its latest start: 6 h - 1000 s - 900 s = 19,700 s). When job 0
    // ends (14,460 s) there is room: 3.7 x 0.4 = 1.48 <= 1.9, so it goes then.
    j.preemptible = true;
    workloads::Job f = test::job(1, 1.5 * 3600, 8, 1000, 1.0);
    f.deadline = SimTime::hours(6);
    workloads::VectorJobSource source({j, f});
    auto policy = fifo_and_cap(2.0);
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    CHECK(rec.row(0).rec.end.to_seconds() == Approx(14460.0));
    CHECK(rec.row(1).rec.start.to_seconds() == Approx(14460.0));
    CHECK(cap_of(*policy).holds() == 1);
  }
}
