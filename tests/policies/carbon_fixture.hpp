#pragma once
// Shared by the tests of the carbon-aware managers and routers (carbon-threshold,
// carbon-forecast, geo-carbon): bench sites with hourly step series and their forecasts,
// flexible jobs, fifo with one manager, and a run that records every job.
//
// Hardware: the bench node (test::BenchHardware): 8 GPUs of 60-400 W, one p-state (slowest
// speed 1: a job's expected runtime is its duration), 500 W host; the sites built here have
// PUE 1. A job of 8 GPUs at utilisation 1 takes a whole node and draws 8 x 400 + 500 = 3700 W.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "datacenter/world.hpp"
#include "models/forecast/forecast.hpp"
#include "policies/registry.hpp"
#include "policies/stack.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

namespace wattsim::test::carbon {

// Hourly steps from 0: values[h] over [h, h + 1) hours, the last value holding forever.
inline simcore::StepSeries hourly(const std::vector<double>& values) {
  std::vector<simcore::SimTime> t;
  for (std::size_t h = 0; h < values.size(); ++h) t.push_back(simcore::SimTime::hours(static_cast<std::int64_t>(h)));
  return simcore::StepSeries(t, values, simcore::SimTime::max(), "series");
}

// The perfect forecast of `s`, or with `error` > 0 a noisy one (Gaussian, that fraction of
// the mean, seeded, floored at 0).
inline std::shared_ptr<const forecast::Forecast> forecast_of(const simcore::StepSeries& s, double error = 0.0,
                                                             std::uint64_t seed = 1) {
  forecast::Spec spec;
  spec.name = "series";
  if (error > 0.0) {
    spec.model = forecast::Model::kNoisy;
    spec.error = error;
    spec.seed = seed;
    spec.floor = 0.0;
  }
  return forecast::make_forecast(spec, s, false);
}

inline void set_signal(datacenter::SiteConfig& site, datacenter::Signal signal,
                       std::shared_ptr<const forecast::Forecast> f) {
  site.forecasts[static_cast<std::size_t>(signal)] = std::move(f);
}

// One bench site of `nodes` nodes, PUE 1, accounting intensity `k` (average basis) with its
// forecast (perfect, or noisy with `error` and `seed`).
inline datacenter::WorldConfig world_with(const test::BenchHardware& hw, std::size_t nodes,
                                          const simcore::StepSeries& k, double error = 0.0, std::uint64_t seed = 1) {
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, nodes, 1.0));
  config.sites[0].carbon_intensity_g_per_kwh = k;
  set_signal(config.sites[0], datacenter::Signal::kCarbon, forecast_of(k, error, seed));
  return config;
}

// One site of one bench node per series, named "site<s>", PUE 1, each series its accounting
// (average) intensity with its perfect forecast.
inline datacenter::WorldConfig sites_with(const test::BenchHardware& hw, const std::vector<simcore::StepSeries>& k) {
  datacenter::WorldConfig config;
  for (std::size_t s = 0; s < k.size(); ++s) {
    config.sites.push_back(test::bench_site(hw, 1, 1.0));
    config.sites.back().name = "site" + std::to_string(s);
    config.sites.back().carbon_intensity_g_per_kwh = k[s];
    set_signal(config.sites.back(), datacenter::Signal::kCarbon, forecast_of(k[s]));
  }
  return config;
}

// A job of `gpus` GPUs at utilisation 1 for `duration_s`, due at `deadline_s`.
inline workloads::Job flexible(std::uint64_t id, double submit_s, double duration_s, double deadline_s,
                               bool preemptible = false, std::uint32_t gpus = 8) {
  workloads::Job j = test::job(id, submit_s, gpus, duration_s, 1.0);
  j.deadline = simcore::SimTime::from_seconds(deadline_s);
  j.preemptible = preemptible;
  return j;
}

// fifo with first-fit and `manager` (none when empty) with `params`.
inline std::unique_ptr<datacenter::Policy> fifo_with(const std::string& manager, const policies::Params& params = {},
                                                     const std::string& scheduler = "fifo") {
  policies::PolicyStack stack = policies::single_scheduler(scheduler);
  if (manager.empty()) return stack.make();
  policies::PolicyChoice m;
  m.info = &policies::builtin_policies().get(manager, policies::PolicyKind::kManager);
  m.params = policies::resolve_params(*m.info, params, "policy.managers[0]");
  stack.managers.push_back(m);
  return stack.make();
}

// The policy's first manager, as type M.
template <class M>
M& first_manager(datacenter::Policy& p) {
  return dynamic_cast<M&>(dynamic_cast<policies::StackPolicy&>(p).manager(0));
}

struct Run {
  test::Recorder rec;
  datacenter::RunSummary summary;
  // The policy figure `name` of the summary (fails the test when absent).
  double figure(const std::string& name) const {
    for (const auto& [n, v] : summary.policy_figures) {
      if (n == name) return v;
    }
    FAIL("no policy figure " << name);
    return 0.0;
  }
};

inline Run run(const datacenter::WorldConfig& config, std::vector<workloads::Job> jobs, datacenter::Policy& policy) {
  Run r;
  workloads::VectorJobSource source(std::move(jobs));
  datacenter::World world(config, source, policy, &r.rec);
  r.summary = world.run();
  return r;
}

inline double start_h(const Run& r, std::uint64_t id) { return r.rec.row(id).rec.start.to_seconds() / 3600.0; }
inline double end_h(const Run& r, std::uint64_t id) { return r.rec.row(id).rec.end.to_seconds() / 3600.0; }

// A seeded xorshift: uniform in [0, 1).
struct Rng {
  std::uint64_t x;
  explicit Rng(std::uint64_t seed) : x(seed * 0x9E3779B97F4A7C15ull + 1) {}
  double operator()() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x % 1'000'000'007ull) / 1'000'000'007.0;
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>((*this)() * static_cast<double>(n)); }
};

// `hours` hourly values uniform in [lo, hi).
inline simcore::StepSeries random_hourly(Rng& rnd, int hours, double lo, double hi) {
  std::vector<double> v;
  for (int h = 0; h < hours; ++h) v.push_back(lo + (hi - lo) * rnd());
  return hourly(v);
}

// 500 g/kWh for six days except one clean hour a day: 100 g/kWh at 3 h, 27 h, 51 h, ...
inline simcore::StepSeries one_clean_hour_a_day() {
  std::vector<double> k(24 * 6, 500.0);
  for (std::size_t h = 3; h < k.size(); h += 24) k[h] = 100.0;
  return hourly(k);
}

// 40 flexible jobs of 8, 16 or 24 GPUs, 20 min - 2 h, arriving over 72 h, each with 4-20 h of
// slack, half preemptible, in submit order (seeded by 700 + seed); `work` receives their total
// work (accelerator-seconds).
inline std::vector<workloads::Job> crowded_flexible_jobs(std::uint64_t seed, double& work) {
  Rng rnd(700 + seed);
  std::vector<workloads::Job> jobs;
  work = 0.0;
  for (std::uint64_t i = 0; i < 40; ++i) {
    const double submit = static_cast<double>(rnd.below(72 * 3600));
    const double d = 1200.0 + static_cast<double>(rnd.below(2 * 3600 - 1200));
    const auto gpus = static_cast<std::uint32_t>(8 * (1 + rnd.below(3)));
    const double slack = 4 * 3600.0 + static_cast<double>(rnd.below(16 * 3600));
    jobs.push_back(flexible(i, submit, d, submit + d + slack, rnd() < 0.5, gpus));
    work += d * gpus;
  }
  std::sort(jobs.begin(), jobs.end(), [](const workloads::Job& a, const workloads::Job& b) { return a.submit < b.submit; });
  return jobs;
}

}  // namespace wattsim::test::carbon
