#pragma once
// Spread placement, the opposite of best-fit: spread heat and power over the nodes.
//   - a job that fits on one node goes to the node with the most free accelerators (the least
//     loaded), lowest index on ties; it never spans nodes;
//   - a larger job takes whole free nodes of one site as first-fit does.
// Cost: a binary search over the free count v in [g, largest node] for the largest v some node
// has free, each probe one O(log nodes) query of the free-capacity index:
// O(log(accelerators per node) x log nodes) per decision.

#include <cstdint>

#include "datacenter/policy.hpp"
#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

// On `site` only unless it is datacenter::kAnySite (each probe starts at the site's first node
// and a node past its end counts as none).
bool spread(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
            std::uint32_t site, datacenter::Placement& out);

using SpreadPlacement = FunctionPlacement<spread>;

PolicyInfo spread_info();

}  // namespace wattsim::policies
