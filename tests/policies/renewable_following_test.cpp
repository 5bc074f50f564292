// Tests of renewable-following (policies/renewable_following.hpp).
//
// Hardware: one bench node (test::BenchHardware): 8 GPUs of 60 W idle and 60 + 340 u W busy,
// one p-state, 500 W host idle and busy, no PSU losses, PUE 1. The idle node draws
// 500 + 8 x 60 = 980 W. A job of 4 GPUs at u = 1 adds 4 x 340 = 1360 W (the estimate is exact
// here: no host share, PUE 1).

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "models/forecast/forecast.hpp"
#include "policies/registry.hpp"
#include "policies/renewable_following.hpp"
#include "policies/stack.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "tests/policies/carbon_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

// fifo + one manager, and a run that keeps the job rows: tests/policies/carbon_fixture.hpp.
using test::carbon::fifo_with;

// Runs `jobs` under fifo + `manager` and returns what the world recorded.
test::Recorder run_under(const datacenter::WorldConfig& config, std::vector<workloads::Job> jobs, const std::string& manager,
                         const policies::Params& params = {}) {
  return test::carbon::run(config, std::move(jobs), *fifo_with(manager, params)).rec;
}

// A site of `nodes` bench nodes, PUE 1, with on-site generation `renewable_w` (W) and its
// perfect forecast.
datacenter::WorldConfig solar_world(const test::BenchHardware& hw, std::size_t nodes, simcore::StepSeries renewable_w) {
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, nodes, 1.0));
  supply::ScaledSeries r;
  r.series = renewable_w;
  config.sites[0].supply.renewables.push_back(r);
  forecast::Spec spec;
  spec.name = "renewable";
  config.sites[0].forecasts[static_cast<std::size_t>(datacenter::Signal::kRenewable)] =
      forecast::make_forecast(spec, renewable_w, false);
  return config;
}

simcore::StepSeries steps(std::vector<double> hours, std::vector<double> values) {
  std::vector<SimTime> t;
  for (double h : hours) t.push_back(SimTime::from_hours(h));
  return simcore::StepSeries(t, std::move(values), SimTime::max(), "renewable");
}

workloads::Job flexible(std::uint64_t id, double submit_s, std::uint32_t gpus, double duration_s, double deadline_s) {
  workloads::Job j = test::job(id, submit_s, gpus, duration_s, 1.0);
  j.deadline = SimTime::from_seconds(deadline_s);
  return j;
}

double start_s(const test::Recorder& rec, std::uint64_t id) { return rec.row(id).rec.start.to_seconds(); }

}  // namespace

TEST_CASE("renewable-following is registered with its parameters and needs on-site supply", "[policies][supply]") {
  const auto& info = policies::builtin_policies().get("renewable-following", policies::PolicyKind::kManager);
  const auto p = policies::resolve_params(info, {{"margin", std::string("30 min")}}, "m");
  CHECK(policies::number(p, "margin") == Approx(1800.0));
  CHECK(policies::number(p, "reserve") == Approx(0.2));
  REQUIRE(info.reads.size() == 1);
  CHECK(info.reads[0] == datacenter::Signal::kRenewable);
  test::BenchHardware hw;
  datacenter::WorldConfig world;
  world.sites.push_back(test::bench_site(hw, 1));
  CHECK(info.requires_(world, p).find("needs on-site renewables") != std::string::npos);
  world.sites[0].supply.battery.capacity_j = 3.6e6;
  CHECK(info.requires_(world, p).empty());
}

TEST_CASE("renewable-following starts what the surplus carries and holds the rest", "[policies][supply]") {
  test::BenchHardware hw;
  // Two flexible jobs at 0 s, 4 GPUs, u = 1, 1000 s, deadline 10,000 s: latest start
  // 10,000 - 1000 - 900 (margin) = 8100 s.
  const std::vector<workloads::Job> jobs{flexible(0, 0, 4, 1000, 10000), flexible(1, 0, 4, 1000, 10000)};

  SECTION("a surplus of 2 kW carries one 1.36 kW job; the second waits until it ends") {
    // Generation 980 + 2000 = 2980 W: job 0 fits (1360 <= 2000), job 1 does not
    // (2000 - 1360 = 640 < 1360) and is held. When job 0 ends at 1000 s the surplus is 2 kW
    // again: job 1 goes then.
    auto config = solar_world(hw, 1, steps({0}, {2980.0}));
    const test::Recorder rec = run_under(config, jobs, "renewable-following");
    CHECK(start_s(rec, 0) == Approx(0.0));
    CHECK(start_s(rec, 1) == Approx(1000.0));
  }
  SECTION("a surplus of 1 kW carries neither: both start at their latest start") {
    // Generation 1980 W: 1000 < 1360, job 0 is held, and job 1 behind it. Both return at
    // 8100 s and end at 9100 s <= 10,000 s.
    auto config = solar_world(hw, 1, steps({0}, {1980.0}));
    const test::Recorder rec = run_under(config, jobs, "renewable-following");
    CHECK(start_s(rec, 0) == Approx(8100.0));
    CHECK(start_s(rec, 1) == Approx(8100.0));
    CHECK(rec.row(1).rec.end.to_seconds() <= 10000.0);
  }
  SECTION("the forecast's next breakpoint wakes it: the sun rises at 1 h") {
    // Generation 980 W (no surplus) until 1 h, then 2980 W. Deadline 20,000 s. Job 0 is held
    // at 0 and goes at 3600 s (the wake at the forecast's breakpoint; no other event happens
    // then); job 1 does not fit beside it (640 W left) and goes when job 0 ends, at 4600 s.
    auto config = solar_world(hw, 1, steps({0, 1}, {980.0, 2980.0}));
    const test::Recorder rec = run_under(config, {flexible(0, 0, 4, 1000, 20000), flexible(1, 0, 4, 1000, 20000)}, "renewable-following");
    CHECK(start_s(rec, 0) == Approx(3600.0));
    CHECK(start_s(rec, 1) == Approx(4600.0));
  }
  SECTION("a battery above its reserve counts at its discharge limit") {
    // No generation; a battery of 10 kWh at 50 % (above the 20 % reserve) that can deliver
    // 1.5 kW: job 0 fits (1360 <= 1500) and starts at once; job 1 is held (140 W left).
    auto config = solar_world(hw, 1, steps({0}, {0.0}));
    auto& b = config.sites[0].supply.battery;
    b.capacity_j = 10 * 3.6e6;
    b.max_charge_w = 1500.0;
    b.max_discharge_w = 1500.0;
    config.sites[0].supply.initial_soc = 0.5;
    const test::Recorder rec = run_under(config, jobs, "renewable-following");
    CHECK(start_s(rec, 0) == Approx(0.0));
    CHECK(start_s(rec, 1) > 0.0);
    CHECK(rec.row(1).rec.end.to_seconds() <= 10000.0);
  }
}

TEST_CASE("renewable-following and carbon-cap miss no deadline over random flexible work", "[policies][supply]") {
  // 300 random jobs (seeded), each with a deadline of submit + duration + 1 to 12 h, every
  // other one preemptible, on 64 nodes (512 GPUs: ample), under a solar day (peak 40 kW) and
  // a carbon cap that binds part of the time. fifo alone meets every deadline; so must each
  // manager.
  test::BenchHardware hw;
  std::vector<workloads::Job> jobs = test::random_jobs(7, 300, 120);
  std::uint64_t x = 99;
  for (auto& j : jobs) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double slack_h = 1.0 + static_cast<double>((x >> 33) % 1000) / 1000.0 * 11.0;
    j.deadline = j.submit + SimTime::from_seconds(j.duration_s() + slack_h * 3600.0);
    j.preemptible = j.id % 2 == 0;
  }
  std::vector<SimTime> t;
  std::vector<double> w;
  const simcore::StepSeries cf = test::solar_day();
  for (int h = 0; h < 24 * 5; ++h) {
    t.push_back(SimTime::hours(h));
    w.push_back(40e3 * cf.value_at(SimTime::hours(h % 24)));
  }
  auto config = solar_world(hw, 64, simcore::StepSeries(t, w, SimTime::max(), "solar"));
  for (const std::string manager : {"renewable-following", "carbon-cap"}) {
    INFO(manager);
    workloads::VectorJobSource source(jobs);
    policies::Params params;
    if (manager == "carbon-cap") params["cap"] = 20.0;  // kg/h at 400 g/kWh: 50 kW of grid draw
    auto policy = fifo_with(manager, params);
    test::Recorder rec;
    datacenter::World world(config, source, *policy, &rec);
    world.run();
    REQUIRE(rec.jobs.size() == jobs.size());
    std::size_t late = 0, moved = 0;
    for (const auto& row : rec.jobs) {
      late += row.rec.end > *row.job.deadline ? 1 : 0;
      moved += row.rec.start > row.job.submit ? 1 : 0;
    }
    CHECK(late == 0);
    CHECK(moved > 0);  // the manager did hold work back
  }
}
