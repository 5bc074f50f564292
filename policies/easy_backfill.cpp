#include "policies/easy_backfill.hpp"

#include <algorithm>
#include <functional>


namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::Placement;
using simcore::SimTime;

namespace {

SimTime expected_end(const datacenter::RunningJob& r, SimTime now) {
  // A job being suspended lets go once its checkpoint is written; one reading its checkpoint
  // back starts its progress at the end of that.
  if (r.phase == datacenter::JobPhase::kCheckpointing) return std::max(now, r.phase_end);
  if (r.job.estimate) return std::max(now, r.start + *r.job.estimate);
  if (r.phase == datacenter::JobPhase::kRestoring) {
    return r.phase_end + SimTime::from_seconds(r.checkpoint_remaining / r.rate);
  }
  return r.progress.completion_time();
}

SimTime expected_runtime(const workloads::Job& job) {
  if (job.estimate) return *job.estimate;
  return SimTime::from_seconds(job.duration_s());
}

}  // namespace

bool EasyBackfillScheduler::reserve(const ClusterView& view, const datacenter::QueuedJob& head,
                                    PlacementRule& placement) {
  future_ = view.capacity();  // O(nodes): a copy, then O(log nodes) per released accelerator
  ends_.clear();
  for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (r.active) ends_.emplace_back(expected_end(r, view.now()), s);
  }
  // Earliest end first, from a heap: the head usually fits after a few releases, so this is
  // O(R + k log R) for k releases rather than a full sort's O(R log R). Jobs ending at the same
  // instant are released together before the head is tried, so the order among them does not
  // matter.
  const auto later = std::greater<std::pair<SimTime, datacenter::SlotId>>();
  std::make_heap(ends_.begin(), ends_.end(), later);
  while (!ends_.empty()) {
    const SimTime t = ends_.front().first;
    while (!ends_.empty() && ends_.front().first == t) {
      std::pop_heap(ends_.begin(), ends_.end(), later);
      for (const auto& a : view.running(ends_.back().second).accels) future_.add_free(a.node, 1);
      ends_.pop_back();
    }
    if (placement.place(view, future_, head.job.accelerators, view.required_site(head), placement_)) {
      shadow_ = t;
      spare_at_shadow_.resize(future_.size());
      for (NodeId n = 0; n < future_.size(); ++n) spare_at_shadow_[n] = future_.free(n);
      for (const auto& p : placement_.parts) spare_at_shadow_[p.node] -= p.accelerators;
      return true;
    }
  }
  return false;
}

bool EasyBackfillScheduler::fits_beside_reservation(const Placement& p) const {
  for (const auto& part : p.parts) {
    if (spare_at_shadow_[part.node] < part.accelerators) return false;
  }
  return true;
}

void EasyBackfillScheduler::build_beside(const ClusterView& view) {
  beside_ = view.capacity();
  for (NodeId n = 0; n < beside_.size(); ++n) beside_.set_free(n, std::min(beside_.free(n), spare_at_shadow_[n]));
  beside_built_ = true;
}

void EasyBackfillScheduler::schedule(const ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) {
  while (view.queue_length() > 0) {
    const auto& head = view.queued(0);
    if (!placement.place(view, view.capacity(), head.job.accelerators, view.required_site(head), placement_)) break;
    actions.start(head.seq, placement_);
  }
  if (view.queue_length() < 2) return;
  // Without a reservation (the head cannot run even when everything running has ended, e.g.
  // nodes are off) nothing can delay it: backfill whatever fits.
  const bool reserved = reserve(view, view.queued(0), placement);
  beside_built_ = false;
  std::size_t scanned = 0;
  for (std::size_t pos = 1; pos < view.queue_length() && scanned < max_scan_; ++scanned) {
    const auto& job = view.queued(pos).job;
    const std::uint32_t site = view.required_site(view.queued(pos));
    const bool ends_by_shadow = view.now() + expected_runtime(job) <= shadow_;
    bool ok = false;
    if (job.accelerators <= view.max_node_accelerators() && reserved && !ends_by_shadow) {
      // A single-node job past the shadow time: among the accelerators free now that the
      // reservation can spare.
      if (!beside_built_) build_beside(view);
      ok = placement.place(view, beside_, job.accelerators, site, placement_);
    } else if (placement.place(view, view.capacity(), job.accelerators, site, placement_)) {
      ok = !reserved || ends_by_shadow || fits_beside_reservation(placement_);
    }
    if (!ok) {
      ++pos;
      continue;
    }
    if (reserved && !ends_by_shadow) {
      for (const auto& part : placement_.parts) spare_at_shadow_[part.node] -= part.accelerators;
    }
    actions.start(view.queued(pos).seq, placement_);  // the queue shifts: pos now names the next job
    if (beside_built_) {
      for (const auto& part : placement_.parts) {
        beside_.set_free(part.node, std::min(view.free_accelerators(part.node), spare_at_shadow_[part.node]));
      }
    }
  }
}

PolicyInfo easy_backfill_info() {
  PolicyInfo info;
  info.name = "easy-backfill";
  info.kind = PolicyKind::kScheduler;
  info.description =
      "EASY backfilling: FIFO with a reservation for the head of the queue; later jobs start early when they do "
      "not delay it (estimates from the trace, else actual runtimes).";
  info.params = {integer_param("max_scan", 1000.0, "how many queued jobs behind the head are considered per decision", 1.0, 1e9)};
  info.make_scheduler = [](const Params& p) {
    return std::make_unique<EasyBackfillScheduler>(static_cast<std::size_t>(number(p, "max_scan")));
  };
  return info;
}

}  // namespace wattsim::policies
