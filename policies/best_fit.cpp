#include "policies/best_fit.hpp"

#include "policies/placement_groups.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

bool best_fit(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators, std::uint32_t site,
              Placement& out) {
  out.clear();
  if (accelerators == 0) return false;
  if (accelerators > view.max_node_accelerators()) return first_fit(view, capacity, accelerators, site, out);
  const NodeRange range = site_nodes(view, site);
  const std::size_t n = best_fit_node(capacity, accelerators, range.first, range.last);
  if (n == ClusterView::kNone) return false;
  out.parts.push_back({static_cast<NodeId>(n), accelerators});
  return true;
}

PolicyInfo best_fit_info() {
  PolicyInfo info;
  info.name = "best-fit";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "The node with the fewest free accelerators that still fits the job (lowest index on ties), so whole nodes "
      "stay free; a job larger than a node takes whole free nodes of one site, lowest index first.";
  info.make_placement = [](const Params&) { return std::make_unique<BestFitPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
