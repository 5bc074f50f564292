#include "policies/placement.hpp"

#include "policies/placement_groups.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::Placement;

bool first_fit(const ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
               Placement& out) {
  out.clear();
  if (accelerators == 0) return false;
  if (accelerators <= view.max_node_accelerators()) {
    const std::size_t n = capacity.first_with(accelerators);
    if (n == ClusterView::kNone) return false;
    out.parts.push_back({static_cast<NodeId>(n), accelerators});
    return true;
  }
  for (std::uint32_t site = 0; site < view.site_count(); ++site) {
    if (view.site_accelerators(site) < accelerators) continue;
    const std::size_t first = view.site_first_node(site);
    const std::size_t last = first + view.site_node_count(site);
    std::uint32_t still = accelerators;
    out.clear();
    take_whole_nodes(capacity, first, last, still, out);
    if (still == 0) return true;
  }
  out.clear();
  return false;
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
