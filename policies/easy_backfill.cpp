#include "policies/easy_backfill.hpp"

#include <algorithm>

#include "policies/placement.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::Placement;
using simcore::SimTime;

namespace {

SimTime expected_end(const datacenter::RunningJob& r, SimTime now) {
  if (r.job.estimate) return std::max(now, r.start + *r.job.estimate);
  return r.progress.completion_time();
}

SimTime expected_runtime(const workloads::Job& job) {
  if (job.estimate) return *job.estimate;
  return SimTime::from_seconds(job.duration_s());
}

}  // namespace

bool EasyBackfillPolicy::reserve(const ClusterView& view, const workloads::Job& head) {
  future_ = view.capacity();  // O(nodes): a copy, then O(log nodes) per released accelerator
  ends_.clear();
  for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (r.active) ends_.emplace_back(expected_end(r, view.now()), s);
  }
  std::sort(ends_.begin(), ends_.end());
  for (std::size_t i = 0; i < ends_.size();) {
    const SimTime t = ends_[i].first;
    for (; i < ends_.size() && ends_[i].first == t; ++i) {
      for (const auto& a : view.running(ends_[i].second).accels) future_.add_free(a.node, 1);
    }
    if (first_fit(view, future_, head.accelerators, placement_)) {
      shadow_ = t;
      spare_at_shadow_.resize(future_.size());
      for (NodeId n = 0; n < future_.size(); ++n) spare_at_shadow_[n] = future_.free(n);
      for (const auto& p : placement_.parts) spare_at_shadow_[p.node] -= p.accelerators;
      return true;
    }
  }
  return false;
}

bool EasyBackfillPolicy::fits_beside_reservation(const Placement& p) const {
  for (const auto& part : p.parts) {
    if (spare_at_shadow_[part.node] < part.accelerators) return false;
  }
  return true;
}

void EasyBackfillPolicy::schedule(const ClusterView& view, datacenter::Actions& actions) {
  while (view.queue_length() > 0) {
    const auto& head = view.queued(0);
    if (!first_fit(view, head.job.accelerators, placement_)) break;
    actions.start(head.seq, placement_);
  }
  if (view.queue_length() < 2) return;
  // Without a reservation (the head cannot run even when everything running has ended, e.g.
  // nodes are off) nothing can delay it: backfill whatever fits.
  const bool reserved = reserve(view, view.queued(0).job);
  std::size_t scanned = 0;
  for (std::size_t pos = 1; pos < view.queue_length() && scanned < max_scan_; ++scanned) {
    const auto& job = view.queued(pos).job;
    bool ok = false;
    if (job.accelerators <= view.max_node_accelerators() && reserved) {
      // A single-node job: the lowest-index node with room now that the reservation can spare.
      for (std::size_t n = view.first_node_with_free(job.accelerators); n != ClusterView::kNone;
           n = view.first_node_with_free(job.accelerators, n + 1)) {
        placement_.clear();
        placement_.parts.push_back({static_cast<NodeId>(n), job.accelerators});
        if (view.now() + expected_runtime(job) <= shadow_ || fits_beside_reservation(placement_)) {
          ok = true;
          break;
        }
      }
    } else if (first_fit(view, job.accelerators, placement_)) {
      ok = !reserved || view.now() + expected_runtime(job) <= shadow_ || fits_beside_reservation(placement_);
    }
    if (!ok) {
      ++pos;
      continue;
    }
    if (reserved && view.now() + expected_runtime(job) > shadow_) {
      for (const auto& part : placement_.parts) spare_at_shadow_[part.node] -= part.accelerators;
    }
    actions.start(view.queued(pos).seq, placement_);  // the queue shifts: pos now names the next job
  }
}

}  // namespace wattsim::policies
