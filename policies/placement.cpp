#include "policies/placement.hpp"

#include "policies/placement_groups.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::Placement;

bool first_fit(const ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
               std::uint32_t site, Placement& out) {
  out.clear();
  if (accelerators == 0) return false;
  if (accelerators > view.max_node_accelerators())
    return whole_nodes_first_fit(view, capacity, accelerators, site, out);
  const NodeRange range = site_nodes(view, site);
  const std::size_t n = capacity.first_with(accelerators, range.first);
  if (n >= range.last) return false;  // none, or only on a later site
  out.parts.push_back({static_cast<NodeId>(n), accelerators});
  return true;
}

}  // namespace wattsim::policies

namespace wattsim::policies {

PolicyInfo first_fit_info() {
  PolicyInfo info;
  info.name = "first-fit";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "The lowest-index node with room; a job larger than a node takes whole free nodes of one site, lowest "
      "index first.";
  info.make_placement = [](const Params&) { return std::make_unique<FirstFitPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
