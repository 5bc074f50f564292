#pragma once
// Best-fit placement: pack onto the fullest nodes, so that whole nodes stay free (to power
// down, or for large jobs).
//   - a job that fits on one node (g <= the largest node's accelerators) goes to the node with
//     the fewest free accelerators that still has g free, lowest index on ties; it never spans
//     nodes;
//   - a larger job takes whole free nodes of one site as first-fit does (the first site with
//     enough, lowest index first, the last node only partly).
// Cost: the single-node search walks the nodes with at least g free, in index order, with the
// free-capacity index (O(1) per such node, O(log nodes) per run of nodes without room between
// them) and stops at the first node with exactly g free: O(nodes) in the worst case (an empty
// cluster and a job smaller than a node), O(log nodes) when the fullest fitting node comes
// first. A larger job: O(log nodes) per node taken.
// The search (best_fit_node) is shared with the rules that pack within a part of the cluster:
// policies/placement_groups.hpp.

#include <cstdint>

#include "datacenter/policy.hpp"
#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

// On `site` only unless it is datacenter::kAnySite (the search covers that site's nodes).
bool best_fit(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
              std::uint32_t site, datacenter::Placement& out);

using BestFitPlacement = FunctionPlacement<best_fit>;

PolicyInfo best_fit_info();

}  // namespace wattsim::policies
