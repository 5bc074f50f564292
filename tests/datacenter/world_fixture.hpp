#pragma once
// Small worlds with round numbers for hand-computed expectations: the benchmark's hardware
// (BENCH-SPEC.md): nodes of 8 GPUs, 500 W host, GPU 60 W idle and 60 + 340 u W busy, no PSU
// losses.

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
  site.racks.push_back({nodes, 1, &hw.node, &hw.gpu, datacenter::kUnlimited});
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
