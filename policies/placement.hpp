#pragma once
// First-fit placement (../shared/bench/BENCH-SPEC.md, generalised to any node sizes):
//   - a job that fits on one node (g <= the largest node's accelerators) goes to the
//     lowest-index node with at least g free accelerators, or waits: it never spans nodes;
//   - a larger job takes completely free nodes of one site, lowest index first, until it has g
//     accelerators (the last node only partly when g is not a multiple of the node size).
// Given a site (not datacenter::kAnySite), only that site's nodes are searched: the search
// starts at its first node and stops at its end.
// Both searches use the world's free-capacity index: O(log nodes) per node found.

#include <cstdint>

#include "datacenter/policy.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

// Fills `out` and returns true when the job fits in `capacity` (a copy of the view's, say,
// with future releases added) on `site` (datacenter::kAnySite: any site).
bool first_fit(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity,
               std::uint32_t accelerators, std::uint32_t site, datacenter::Placement& out);
// ... in the capacity free now.
inline bool first_fit(const datacenter::ClusterView& view, std::uint32_t accelerators, std::uint32_t site,
                      datacenter::Placement& out) {
  return first_fit(view, view.capacity(), accelerators, site, out);
}

// A placement rule that keeps no state: each decision is Place(view, capacity, accelerators,
// site, out) (first_fit here, best_fit, spread).
template <bool (*Place)(const datacenter::ClusterView&, const datacenter::FreeCapacity&, std::uint32_t, std::uint32_t,
                        datacenter::Placement&)>
class FunctionPlacement final : public PlacementRule {
 public:
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
             std::uint32_t site, datacenter::Placement& out) override {
    return Place(view, capacity, accelerators, site, out);
  }
};

using FirstFitPlacement = FunctionPlacement<first_fit>;

PolicyInfo first_fit_info();

}  // namespace wattsim::policies
