#pragma once
// EASY backfilling (Lifka 1995; Mu'alem & Feitelson 2001), placed by the stack's placement
// rule (first-fit by default).
//
// At each decision point:
//  1. start jobs from the head of the queue while the head fits (as FIFO);
//  2. if the head does not fit, reserve for it: walk the running jobs in order of their
//     expected end, releasing their accelerators, until the head fits. That instant is the
//     shadow time S, and the head's placement then is its reservation;
//  3. backfill: a later job (in queue order, up to `max_scan` of them) starts now if it fits
//     now and either ends by S, or runs on accelerators the reservation does not need at S
//     (a job on one node is placed among the accelerators free now and spare at S; a larger
//     job is placed among those free now, and must then leave the reservation whole).
// Expected ends use runtime estimates: the trace's estimate when it gives one, else the
// actual runtime (the job's exact completion time at its current speed). The head is never
// delayed by a backfilled job whose estimate holds.

#include <cstdint>
#include <vector>

#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class EasyBackfillScheduler final : public Scheduler {
 public:
  explicit EasyBackfillScheduler(std::size_t max_scan = 1000) : max_scan_(max_scan) {}
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) override;

 private:
  // The shadow time and the free accelerators per node at it, minus the reservation.
  bool reserve(const datacenter::ClusterView& view, const datacenter::QueuedJob& head, PlacementRule& placement);
  // beside_: per node, the accelerators free now that the reservation can spare (built on
  // first use in a decision).
  void build_beside(const datacenter::ClusterView& view);
  bool fits_beside_reservation(const datacenter::Placement& p) const;

  std::size_t max_scan_;
  datacenter::Placement placement_;
  simcore::SimTime shadow_;
  std::vector<std::uint32_t> spare_at_shadow_;  // per node: free at S not reserved for the head
  std::vector<std::pair<simcore::SimTime, datacenter::SlotId>> ends_;
  datacenter::FreeCapacity future_;  // scratch: free accelerators per node during the walk
  datacenter::FreeCapacity beside_;
  bool beside_built_ = false;
};

PolicyInfo easy_backfill_info();

// EASY backfilling with first-fit placement and no managers, as a whole policy.
class EasyBackfillPolicy : public StackPolicy {
 public:
  explicit EasyBackfillPolicy(std::size_t max_scan = 1000)
      : StackPolicy(std::make_unique<EasyBackfillScheduler>(max_scan), std::make_unique<FirstFitPlacement>(), {}) {}
};

}  // namespace wattsim::policies
