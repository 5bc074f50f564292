// Tests of carbon-threshold (policies/carbon_threshold.hpp).
//
// Hardware and series: tests/policies/carbon_fixture.hpp (bench nodes, PUE 1: a job's
// expected runtime is its duration; every job here takes a whole node, 8 GPUs at utilisation 1:
// 3700 W). Intensities are hourly steps, the last value holding forever; the policy sees
// perfect forecasts of them.

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/forecast/forecast.hpp"
#include "policies/carbon_threshold.hpp"
#include "tests/policies/carbon_fixture.hpp"

using namespace wattsim;
using namespace wattsim::test::carbon;
using simcore::SimTime;

namespace {

policies::CarbonThreshold& threshold_of(datacenter::Policy& p) { return first_manager<policies::CarbonThreshold>(p); }

}  // namespace

TEST_CASE("carbon-threshold is registered with its parameters and requirements", "[policies][carbon]") {
  const auto& info = policies::builtin_policies().get("carbon-threshold", policies::PolicyKind::kManager);
  const auto p = policies::resolve_params(info, {{"threshold", std::string("300 g/kWh")}, {"margin", std::string("30 min")}}, "m");
  CHECK(policies::number(p, "threshold") == Approx(300.0));
  CHECK(policies::number(p, "margin") == Approx(1800.0));
  CHECK(policies::number(p, "quantile") == 0.0);
  CHECK(policies::text(p, "basis") == "average");
  CHECK(std::find(info.reads.begin(), info.reads.end(), datacenter::Signal::kCarbon) != info.reads.end());
  // The marginal basis needs a marginal series at every site.
  test::BenchHardware hw;
  auto config = world_with(hw, 1, hourly({400}));
  const auto marginal = policies::resolve_params(info, {{"basis", std::string("marginal")}}, "m");
  CHECK(info.requires_(config, marginal).find("marginal") != std::string::npos);
  CHECK(info.requires_(config, p).empty());
  config.sites[0].other_intensity_g_per_kwh = hourly({300});
  CHECK(info.requires_(config, marginal).empty());
}

TEST_CASE("carbon-threshold: a flexible job waits until the intensity falls to the threshold", "[policies][carbon]") {
  // Threshold 300; intensities 400, 400, 200 (from 2 h on). Job 0: 1 h, deadline 5 h, so its
  // latest start is 5 h - 1 h - 15 min = 3 h 45 min; it arrives at 400 > 300 and is held until
  // 2 h, when the intensity falls to 200: it waits two hours. Job 1 (no deadline) starts at 0.
  // Job 0's carbon: 3.7 kW x 1 h x 200 g/kWh = 0.74 kg.
  test::BenchHardware hw;
  const auto config = world_with(hw, 2, hourly({400, 400, 200}));
  auto policy = fifo_with("carbon-threshold", {{"threshold", std::string("300 g/kWh")}});
  const Run r = run(config, {flexible(0, 0, 3600, 5 * 3600), test::job(1, 0, 8, 3600, 1.0)}, *policy);
  CHECK(start_h(r, 0) == Approx(2.0));
  CHECK(start_h(r, 1) == Approx(0.0));
  CHECK(r.rec.row(0).rec.carbon_location_kg == Approx(0.74).epsilon(1e-9));
  CHECK(r.summary.deadline_misses == 0);
  CHECK(threshold_of(*policy).jobs_deferred() == 1);
  CHECK(threshold_of(*policy).mean_deferral_s() == Approx(7200.0));
  // Its figures reach the summary.
  bool found = false;
  for (const auto& [name, value] : r.summary.policy_figures) {
    if (name == "carbon_threshold_jobs_deferred") found = value == 1.0;
  }
  CHECK(found);
}

TEST_CASE("carbon-threshold: a job arriving below the limit runs at once", "[policies][carbon]") {
  // Intensity 200 <= 300 at arrival: no hold, even though it rises to 900 later.
  test::BenchHardware hw;
  const auto config = world_with(hw, 1, hourly({200, 900}));
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run r = run(config, {flexible(0, 0, 3600, 10 * 3600)}, *policy);
  CHECK(start_h(r, 0) == Approx(0.0));
  CHECK(threshold_of(*policy).jobs_deferred() == 0);
}

TEST_CASE("carbon-threshold: a job that never sees a clean grid starts at its latest start", "[policies][carbon]") {
  // Always 400 > 300. Job of 1 h with deadline 5 h: held until 5 h - 1 h - 15 min = 3.75 h, and
  // with margin 0 until 4 h; both end by the deadline (4.75 h and 5 h).
  test::BenchHardware hw;
  const auto config = world_with(hw, 1, hourly({400}));
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run r = run(config, {flexible(0, 0, 3600, 5 * 3600)}, *policy);
  CHECK(start_h(r, 0) == Approx(3.75));
  CHECK(r.summary.deadline_misses == 0);
  CHECK(threshold_of(*policy).mean_deferral_s() == Approx(3.75 * 3600));

  auto tight = fifo_with("carbon-threshold", {{"threshold", 300.0}, {"margin", 0.0}});
  const Run t = run(config, {flexible(0, 0, 3600, 5 * 3600)}, *tight);
  CHECK(start_h(t, 0) == Approx(4.0));
  CHECK(t.rec.row(0).rec.end == SimTime::hours(5));
  CHECK(t.summary.deadline_misses == 0);
}

TEST_CASE("carbon-threshold: the quantile of the forecast window sets each job's limit", "[policies][carbon]") {
  // Intensities 400 (0-1 h), 300 (1-2 h), 200 (2-3 h), 500 after. Job of 1 h, deadline 5 h:
  // window [0, 3.75 h] holds 200 for 1 h, 300 for 1 h, 400 for 1 h, 500 for 0.75 h (of 3.75 h).
  //   q = 0.5: <= 200 covers 1/3.75 = 0.267 < 0.5, <= 300 covers 2/3.75 = 0.533: limit 300;
  //            400 > 300 at arrival, released at 1 h (300 <= 300).
  //   q = 0.2: <= 200 covers 0.267 >= 0.2: limit 200, released at 2 h.
  //   q = 0.6: <= 400 covers 3/3.75 = 0.8: limit 400, 400 <= 400: starts at once.
  test::BenchHardware hw;
  const auto k = hourly({400, 300, 200, 500});
  const auto config = world_with(hw, 1, k);
  const auto start_with = [&](double q) {
    auto policy = fifo_with("carbon-threshold", {{"quantile", q}});
    return start_h(run(config, {flexible(0, 0, 3600, 5 * 3600)}, *policy), 0);
  };
  CHECK(start_with(0.5) == Approx(1.0));
  CHECK(start_with(0.2) == Approx(2.0));
  CHECK(start_with(0.6) == Approx(0.0));
  // The quantile itself, by hand (see above).
  const auto f = forecast_of(k);
  CHECK(policies::forecast_quantile(*f, SimTime::zero(), SimTime::zero(), SimTime::from_seconds(3.75 * 3600), 0.5) == 300.0);
  CHECK(policies::forecast_quantile(*f, SimTime::zero(), SimTime::zero(), SimTime::from_seconds(3.75 * 3600), 1.0) == 500.0);
}

TEST_CASE("carbon-threshold steers by the marginal basis when asked", "[policies][carbon]") {
  // Accounting (average) intensity constant 400, so the world signals no change; the marginal
  // series is 400, 400, 200: with basis marginal and threshold 300 the job starts at 2 h (the
  // manager's own timer at the marginal series' change); with basis average it waits to its
  // latest start, 3.75 h.
  test::BenchHardware hw;
  auto config = world_with(hw, 1, hourly({400}));
  const auto marginal = hourly({400, 400, 200});
  config.sites[0].other_intensity_g_per_kwh = marginal;
  config.sites[0].forecasts[static_cast<std::size_t>(datacenter::Signal::kCarbonMarginal)] = forecast_of(marginal);
  auto m = fifo_with("carbon-threshold", {{"threshold", 300.0}, {"basis", std::string("marginal")}});
  CHECK(start_h(run(config, {flexible(0, 0, 3600, 5 * 3600)}, *m), 0) == Approx(2.0));
  auto a = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  CHECK(start_h(run(config, {flexible(0, 0, 3600, 5 * 3600)}, *a), 0) == Approx(3.75));
}

TEST_CASE("carbon-threshold: several held jobs are released together, each by its own limit", "[policies][carbon]") {
  // Intensities 500, 350, 250. Threshold 300: jobs 0 and 1 (deadline 10 h) both wait for 2 h;
  // job 2 (deadline 2.5 h: latest start 2.5 - 1 - 0.25 = 1.25 h) leaves at 1.25 h.
  // Capacity (3 nodes, 24 GPUs; limit 24 x 0.8 = 19.2 with the default headroom): job 2's run
  // [1.25 h, 2.25 h) is booked in buckets 1 and 2. At 2 h job 0 goes (bucket 2: 8 + 8 = 16 <=
  // 19.2) but job 1 does not (16 + 8 = 24 > 19.2): it keeps its hold until job 2 completes at
  // 2.25 h, which frees bucket 2 (8 + 8 = 16): it goes then. With headroom 0 (limit 24) both go
  // at 2 h.
  test::BenchHardware hw;
  const auto config = world_with(hw, 3, hourly({500, 350, 250}));
  const std::vector<workloads::Job> jobs{flexible(0, 0, 3600, 10 * 3600), flexible(1, 600, 3600, 10 * 3600),
                                         flexible(2, 900, 3600, 2.5 * 3600)};
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}, {"headroom", 0.0}});
  const Run r = run(config, jobs, *policy);
  CHECK(start_h(r, 0) == Approx(2.0));
  CHECK(start_h(r, 1) == Approx(2.0));
  CHECK(start_h(r, 2) == Approx(1.25));
  CHECK(r.summary.deadline_misses == 0);
  // Deferrals: 2 h, 2 h - 600 s, 1.25 h - 900 s.
  CHECK(threshold_of(*policy).mean_deferral_s() == Approx((7200.0 + 6600.0 + 3600.0) / 3.0));
  auto headroom = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run h = run(config, jobs, *headroom);
  CHECK(start_h(h, 0) == Approx(2.0));
  CHECK(start_h(h, 1) == Approx(2.25));
  CHECK(start_h(h, 2) == Approx(1.25));
  CHECK(h.summary.deadline_misses == 0);
}

TEST_CASE("carbon-threshold: a job free to run anywhere leaves when any site large enough is clean", "[policies][carbon]") {
  // Site 0: 400 throughout; site 1: 400, then 200 from 1 h. Threshold 300: the job (8 GPUs, no
  // site of its own) is held at 0 (both at 400) and released at 1 h by site 1's change. A job of
  // 16 GPUs fits only site 0 (2 nodes; site 1 has 1): site 1 never counts for it, so it waits
  // until its latest start with room. Its latest start is 10 h - 1 h - 15 min = 8.75 h, but job
  // 0 (which arrived first) is booked over [8.75 h, 9.75 h), buckets 8 and 9 of the fleet's
  // 24 GPUs: 8 + 16 = 24 > 24 x 0.8 = 19.2. So [8.75 h, 9.75 h) and [8 h, 9 h) (k W - R with
  // k = 9) touch bucket 8; [7 h, 8 h) (k = 8) touches bucket 7 only, empty: held until 7 h.
  // (Job 0's booking moves to [1 h, 2 h) when it is released, after the big job's decision.)
  // With headroom 0 the limit is 24 and 8 + 16 fits: held until 8.75 h.
  test::BenchHardware hw;
  auto config = world_with(hw, 2, hourly({400}));
  auto second = world_with(hw, 1, hourly({400, 200}));
  second.sites[0].name = "second";
  config.sites.push_back(second.sites[0]);
  workloads::Job big = test::job(1, 0, 16, 3600, 1.0);
  big.deadline = SimTime::hours(10);
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run r = run(config, {flexible(0, 0, 3600, 10 * 3600), big}, *policy);
  CHECK(start_h(r, 0) == Approx(1.0));
  CHECK(start_h(r, 1) == Approx(7.0));
  CHECK(r.summary.deadline_misses == 0);
  auto no_headroom = fifo_with("carbon-threshold", {{"threshold", 300.0}, {"headroom", 0.0}, {"bucket", 300.0}});
  const Run n = run(config, {flexible(0, 0, 3600, 10 * 3600), big}, *no_headroom);
  CHECK(start_h(n, 0) == Approx(1.0));
  CHECK(start_h(n, 1) == Approx(8.75));
  CHECK(n.summary.deadline_misses == 0);
}

TEST_CASE("carbon-threshold does not hold two site-filling jobs to the same latest start", "[policies][carbon]") {
  // One node (8 GPUs), intensity 400 > 300 throughout. Two 1 h jobs of 8 GPUs arrive at 0, both
  // due at 3 h: latest start L = 3 h - 1 h - 15 min = 1 h 45.
  //   Job 0: the profile is empty: held until 1 h 45, booked over [1 h 45, 2 h 45): buckets 1
  //          and 2 hold 8 each (limit 8 x 0.8 = 6.4).
  //   Job 1: [1 h 45, 2 h 45) touches buckets 1, 2 (8 + 8 > 6.4); the candidates k W - R below
  //          L: 2 h - 1 h = 1 h ([1 h, 2 h): bucket 1, full), 1 h - 1 h = 0 ([0, 1 h): bucket
  //          0, empty): S = 0 = now, so it is not held: it runs 0 - 1 h.
  //   Job 0 runs 1 h 45 - 2 h 45: both meet 3 h.
  // Without the profile both were held to 1 h 45; the second ran 2 h 45 - 3 h 45 and missed.
  // fifo runs them 0 - 1 h and 1 h - 2 h.
  test::BenchHardware hw;
  const auto config = world_with(hw, 1, hourly({400}));
  const std::vector<workloads::Job> jobs{flexible(0, 0, 3600, 3 * 3600), flexible(1, 0, 3600, 3 * 3600)};
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run r = run(config, jobs, *policy);
  CHECK(start_h(r, 0) == Approx(1.75));
  CHECK(end_h(r, 0) == Approx(2.75));
  CHECK(start_h(r, 1) == Approx(0.0));
  CHECK(end_h(r, 1) == Approx(1.0));
  CHECK(r.summary.deadline_misses == 0);
  CHECK(threshold_of(*policy).jobs_deferred() == 1);
  // Both completed: nothing is left booked.
  for (std::size_t b = 0; b < 4; ++b) CHECK(threshold_of(*policy).fleet_profile().planned(b) == 0);
  auto fifo = fifo_with("");
  const Run f = run(config, jobs, *fifo);
  CHECK(start_h(f, 0) == Approx(0.0));
  CHECK(start_h(f, 1) == Approx(1.0));
}

TEST_CASE("carbon-threshold: a released job's booking moves to now, making room at its old start",
          "[policies][carbon]") {
  // One node (8 GPUs); intensities 400, 200 (from 1 h), 400 (from 2 h on). Threshold 300.
  //   Job 0 (2 h, due 6 h: L = 6 - 2 - 0.25 = 3 h 45) at 0: 400 > 300, profile empty: held
  //     until 3 h 45, booked over [3 h 45, 5 h 45): buckets 3, 4, 5.
  //   At 1 h the intensity is 200: job 0 is released and runs 1 h - 3 h; its booking moves to
  //     [1 h, 3 h): buckets 1, 2.
  //   Job 1 (1 h, due 5 h: L = 3 h 45) arrives at 2 h at 400: [3 h 45, 4 h 45) touches buckets
  //     3 and 4, now empty: held until 3 h 45, and runs 3 h 45 - 4 h 45.
  // Had job 0's booking stayed over buckets 3-5, job 1's candidates would be 3 h 45 (buckets 3,
  // 4: full), 3 h ([3 h, 4 h): bucket 3, full), 2 h ([2 h, 3 h): bucket 2, empty) = now: not
  // held, it would start at 3 h when job 0 ends.
  test::BenchHardware hw;
  const auto config = world_with(hw, 1, hourly({400, 200, 400}));
  auto policy = fifo_with("carbon-threshold", {{"threshold", 300.0}});
  const Run r = run(config, {flexible(0, 0, 7200, 6 * 3600), flexible(1, 2 * 3600, 3600, 5 * 3600)}, *policy);
  CHECK(start_h(r, 0) == Approx(1.0));
  CHECK(start_h(r, 1) == Approx(3.75));
  CHECK(r.summary.deadline_misses == 0);
  CHECK(threshold_of(*policy).jobs_deferred() == 2);
}

