#pragma once
// EASY backfilling (Lifka 1995; Mu'alem & Feitelson 2001), with first-fit placement.
//
// At each decision point:
//  1. start jobs from the head of the queue while the head fits (as FIFO);
//  2. if the head does not fit, reserve for it: walk the running jobs in order of their
//     expected end, releasing their accelerators, until the head fits. That instant is the
//     shadow time S, and the head's first-fit placement then is its reservation;
//  3. backfill: a later job (in queue order, up to `max_scan` of them) starts now if it fits
//     now and either ends by S, or runs on accelerators the reservation does not need at S.
// Expected ends use runtime estimates: the trace's estimate when it gives one, else the
// actual runtime (the job's exact completion time at its current speed). The head is never
// delayed by a backfilled job whose estimate holds.

#include <cstdint>
#include <vector>

#include "datacenter/policy.hpp"

namespace wattsim::policies {

class EasyBackfillPolicy final : public datacenter::Policy {
 public:
  explicit EasyBackfillPolicy(std::size_t max_scan = 1000) : max_scan_(max_scan) {}
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;

 private:
  // The shadow time and the free accelerators per node at it, minus the reservation.
  bool reserve(const datacenter::ClusterView& view, const workloads::Job& head);
  bool fits_beside_reservation(const datacenter::Placement& p) const;

  std::size_t max_scan_;
  datacenter::Placement placement_;
  simcore::SimTime shadow_;
  std::vector<std::uint32_t> spare_at_shadow_;  // per node: free at S not reserved for the head
  std::vector<std::pair<simcore::SimTime, datacenter::SlotId>> ends_;
  datacenter::FreeCapacity future_;  // scratch: free accelerators per node during the walk
};

}  // namespace wattsim::policies
