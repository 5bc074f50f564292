#pragma once
// Small worlds with round numbers for hand-computed expectations: the benchmark's hardware
// (BENCH-SPEC.md): nodes of 8 GPUs, 500 W host, GPU 60 W idle and 60 + 340 u W busy, no PSU
// losses.

#include <cmath>
#include <memory>
#include <vector>

#include "datacenter/observer.hpp"
#include "datacenter/world.hpp"
#include "models/power/accelerator.hpp"
#include "models/power/node.hpp"

namespace wattsim::test {

struct BenchHardware {
  power::AcceleratorSpec gpu;
  power::NodeSpec node;
  BenchHardware() {
    gpu.name = "bench-gpu";
    gpu.tdp_w = 400.0;
    gpu.idle_w = 60.0;
    gpu.pstates = {{1.0e9, 60.0, 400.0}};
    node.name = "bench-node";
    node.accelerator = "bench-gpu";
    node.accelerator_count = 8;
    node.base_idle_w = 500.0;
    node.base_busy_w = 500.0;
    node.psu_rated_w = 1e9;
  }
};

inline datacenter::SiteConfig bench_site(const BenchHardware& hw, std::size_t nodes, double pue = 1.2,
                                         double intensity_g_per_kwh = 400.0) {
  datacenter::SiteConfig site;
  site.racks.push_back({nodes, 1, &hw.node, &hw.gpu, datacenter::kUnlimited, 0.0, 0.0, {}, simcore::SimTime::hours(4)});
  site.pue = pue;
  site.carbon_intensity_g_per_kwh = simcore::StepSeries::constant(intensity_g_per_kwh);
  return site;
}

inline workloads::Job job(std::uint64_t id, double submit_s, std::uint32_t gpus, double duration_s, double util) {
  workloads::Job j;
  j.id = id;
  j.submit = simcore::SimTime::from_seconds(submit_s);
  j.accelerators = gpus;
  j.work = duration_s * gpus;
  j.utilisation = util;
  return j;
}

// A solar bell over each day (hourly steps), in simulated time, repeating: a capacity factor.
inline simcore::StepSeries solar_day() {
  std::vector<simcore::SimTime> t;
  std::vector<double> cf;
  for (int h = 0; h < 24; ++h) {
    t.push_back(simcore::SimTime::hours(h));
    cf.push_back(h >= 6 && h < 18 ? 0.1 + 0.9 * (1.0 - std::abs(h - 11.5) / 6.0) : 0.0);
  }
  return simcore::StepSeries(t, cf, simcore::SimTime::days(1), "solar");
}

// Four p-states (150, 220, 300 and 400 W at 1.0-2.0 GHz), 40 W idle, host 400 W idle and
// 800 W busy: hardware with clocks for the managers that lower them.
struct ClockHardware : BenchHardware {
  ClockHardware() {
    gpu.name = "clock-gpu";
    gpu.tdp_w = 400.0;
    gpu.idle_w = 40.0;
    gpu.pstates = {{1.0e9, 50.0, 150.0}, {1.4e9, 60.0, 220.0}, {1.7e9, 70.0, 300.0}, {2.0e9, 80.0, 400.0}};
    gpu.nominal_freq_hz = 2.0e9;
    node.accelerator = "clock-gpu";
    node.base_idle_w = 400.0;
    node.base_busy_w = 800.0;
  }
};

// Real losses everywhere: three p-states, PSU, UPS and PDU curves, PUE 1.3, two kinds of node
// (6 racks of 2 eight-GPU nodes, 4 racks of 3 four-GPU nodes). The caller sets the intensity.
struct LossyHardware : BenchHardware {
  power::NodeSpec small;
  LossyHardware() {
    gpu.pstates = {{1.0e9, 70.0, 250.0}, {1.5e9, 80.0, 330.0}, {2.0e9, 90.0, 400.0}};
    node.base_idle_w = 800.0;
    node.base_busy_w = 1500.0;
    node.psu = power::EfficiencyCurve({{0.1, 0.90}, {0.2, 0.94}, {0.5, 0.96}, {1.0, 0.91}});
    node.psu_rated_w = 6000.0;
    small = node;
    small.accelerator_count = 4;
  }
  LossyHardware(const LossyHardware&) = delete;  // sites point into it
  datacenter::SiteConfig site() const {
    datacenter::SiteConfig s;
    s.racks.push_back({6, 2, &node, &gpu, 30e3, 0.0, 0.0, {}, simcore::SimTime::hours(4)});
    s.racks.push_back({4, 3, &small, &gpu, 30e3, 0.0, 0.0, {}, simcore::SimTime::hours(4)});
    s.distribution.ups = true;
    s.distribution.ups_capacity_w = 400e3;
    s.distribution.ups_curve = power::EfficiencyCurve({{0.1, 0.85}, {0.3, 0.91}, {0.5, 0.94}, {1.0, 0.95}});
    s.distribution.pdus = 3;
    s.distribution.pdu_capacity_w = 150e3;
    s.distribution.pdu_curve = power::EfficiencyCurve({{0.1, 0.946}, {0.35, 0.979}, {1.0, 0.98}});
    s.pue = 1.3;
    return s;
  }
};

// n jobs from a seeded xorshift: gaps up to max_gap_s, 1-16 GPUs, 60-5060 s, utilisation
// 0.3-1, beta 0-1.
inline std::vector<workloads::Job> random_jobs(std::uint64_t seed, std::size_t n, double max_gap_s) {
  std::vector<workloads::Job> jobs;
  std::uint64_t x = seed;
  const auto rnd = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x % 1'000'000) / 1e6;
  };
  double t = 0;
  const std::uint32_t sizes[] = {1, 2, 4, 8, 16};
  for (std::uint64_t i = 0; i < n; ++i) {
    t += rnd() * max_gap_s;
    workloads::Job j = job(i, t, sizes[static_cast<int>(rnd() * 5)], 60 + rnd() * 5000, 0.3 + 0.7 * rnd());
    j.beta = rnd();
    jobs.push_back(j);
  }
  return jobs;
}

// Keeps every record it is given (copies of the jobs, so they outlive the world's).
struct Recorder : datacenter::WorldObserver {
  struct Row {
    workloads::Job job;
    datacenter::JobRecord rec;
  };
  std::vector<Row> jobs;
  std::vector<datacenter::IntervalRecord> intervals;  // all sites together
  std::vector<datacenter::IntervalRecord> site_intervals;
  void on_job(const datacenter::JobRecord& r) override {
    jobs.push_back({*r.job, r});
    jobs.back().rec.job = nullptr;
  }
  void on_interval(const datacenter::IntervalRecord& r) override {
    (r.site == datacenter::IntervalRecord::kAllSites ? intervals : site_intervals).push_back(r);
  }
  const Row& row(std::uint64_t id) const {
    for (const auto& r : jobs) {
      if (r.job.id == id) return r;
    }
    throw std::out_of_range("no row for job " + std::to_string(id));
  }
};

}  // namespace wattsim::test
