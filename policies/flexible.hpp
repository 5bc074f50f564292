#pragma once
// What the carbon-, price- and supply-aware managers share about flexible work: a job with a
// deadline may wait, and must start by the latest instant from which it can still finish.
//
// The runtime counted is the job's work left at the speed of the slowest accelerator the
// fleet offers now (the caps and clock limits in force; a job may land on any of them), plus
// the checkpoint read of a job that resumes. The slowest speed is recomputed (O(accelerators))
// only after a cap, clock limit or node failure changed it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "datacenter/policy.hpp"
#include "simcore/time.hpp"

namespace wattsim::policies {

inline bool is_flexible(const workloads::Job& job) { return job.deadline.has_value(); }

// Runtime of a waiting job from its next start at relative speed `speed` (0 < speed <= 1):
// work left / (accelerators x speed), rounded up to the microsecond, plus restore_s when it
// resumes from a checkpoint.
simcore::SimTime expected_runtime(const datacenter::QueuedJob& q, double speed);

// The latest start from which a flexible job still meets its deadline at `speed`, less
// `margin` (SimTime::min() for a job without a deadline: it never has to start).
simcore::SimTime latest_start(const datacenter::QueuedJob& q, double speed, simcore::SimTime margin);

// The lowest relative speed any up accelerator of the fleet offers a fully compute-bound job
// now (beta = 1, the most sensitive), recomputed only when a cap, a clock limit or a node's
// failed state has changed since (ClusterView::limits_version).
class SlowestSpeed {
 public:
  double get(const datacenter::ClusterView& view);

 private:
  bool known_ = false;
  std::uint64_t version_ = 0;  // ClusterView::limits_version() when it was computed
  double speed_ = 1.0;
};

// Shared by the supply managers (renewable-following, carbon-cap, demand-response): where a
// waiting job runs, what power it adds, whether a running one may be suspended, and the
// bookkeeping of the jobs a manager holds back.

// The site a waiting job will run on: the one it must (required_site), else its home site.
std::uint32_t job_site(const datacenter::ClusterView& view, const datacenter::QueuedJob& q);
// The facility power a job adds when it starts at `site`, estimated from the site's first
// node: per accelerator, its top p-state's power at the job's utilisation less the
// accelerator's idle power, plus its share (accelerators / accelerators per node) of the
// host's busy - idle power; the sum scaled by the site's facility / IT power now (PUE; PSU
// losses are not counted). Example (BenchHardware, PUE 1.2): 4 GPUs at u = 0.5:
// 4 x (60 + 170 - 60) = 680 W DC, x 1.2 = 816 W.
double expected_facility_power_w(const datacenter::ClusterView& view, std::uint32_t site, const workloads::Job& job);
// The site's facility power / IT power now (1 when no IT power is drawn).
double facility_ratio(const datacenter::ClusterView& view, std::uint32_t site);
// Whether a running job (making progress) may be suspended now and still meet its deadline:
// true without one; else now + checkpoint_s + margin < its latest start once suspended
// (deadline - (work left / (accelerators x speed) + restore_s)), so a job resumed at its
// latest start is never suspended again.
bool can_suspend(const datacenter::ClusterView& view, const datacenter::RunningJob& job, double speed,
                 simcore::SimTime margin);
// Whether the job `seq` is in the queue (O(log Q): the queue is in seq order).
bool is_queued(const datacenter::ClusterView& view, std::uint64_t seq);

// Jobs a manager holds back (Actions::defer) until `until`, per site in arrival order.
class HeldJobs {
 public:
  struct Held {
    simcore::SimTime until;
    double power_w = 0.0;
  };
  void hold(datacenter::Actions& actions, std::uint32_t site, std::uint64_t seq, Held held);
  // Lets the site's held jobs go (defer until now) in arrival order while admit(power_w)
  // returns true; the first refused ends it. Jobs the world returned already (their hold
  // ended, or another part changed it) are dropped as they are met. Returns how many went.
  template <class Admit>
  std::size_t release(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site,
                      Admit&& admit) {
    if (site >= sites_.size()) return 0;
    auto& held = sites_[site];
    std::size_t count = 0;
    for (auto it = held.begin(); it != held.end();) {
      if (!still_held(view, it->first, it->second)) {
        it = held.erase(it);
        continue;
      }
      if (!admit(it->first, it->second.power_w)) break;
      actions.defer(it->first, view.now());
      it = held.erase(it);
      ++count;
    }
    return count;
  }
  // Whether the site holds a job that is still deferred by this manager (drops stale ones
  // at the front).
  bool any(const datacenter::ClusterView& view, std::uint32_t site);
  std::size_t size() const;

 private:
  static bool still_held(const datacenter::ClusterView& view, std::uint64_t seq, const Held& h);
  std::vector<std::map<std::uint64_t, Held>> sites_;
};

// Estimated power of jobs a manager let go that have not started yet, by seq.
class PendingPower {
 public:
  void add(std::uint64_t seq, std::uint32_t site, double power_w) { pending_[seq] = {site, power_w}; }
  void started(std::uint64_t seq) { pending_.erase(seq); }
  // The site's pending power; entries no longer queued are dropped.
  double at(const datacenter::ClusterView& view, std::uint32_t site);

 private:
  struct Entry {
    std::uint32_t site = 0;
    double power_w = 0.0;
  };
  std::map<std::uint64_t, Entry> pending_;
};

}  // namespace wattsim::policies
