#include "policies/spread.hpp"

#include "policies/placement_groups.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::Placement;

bool spread(const ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
            std::uint32_t site, Placement& out) {
  out.clear();
  if (accelerators == 0) return false;
  if (accelerators > view.max_node_accelerators()) return first_fit(view, capacity, accelerators, site, out);
  const NodeRange range = site_nodes(view, site);
  std::size_t node = capacity.first_with(accelerators, range.first);
  if (node >= range.last) return false;
  // Some node has >= lo free; none has >= hi + 1. The lowest-index node with >= the largest
  // such lo has exactly lo free: the most of any node.
  std::uint32_t lo = accelerators, hi = view.max_node_accelerators();
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo + 1) / 2;
    const std::size_t n = capacity.first_with(mid, range.first);
    if (n < range.last) {
      lo = mid;
      node = n;
    } else {
      hi = mid - 1;
    }
  }
  out.parts.push_back({static_cast<NodeId>(node), accelerators});
  return true;
}

PolicyInfo spread_info() {
  PolicyInfo info;
  info.name = "spread";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "The node with the most free accelerators (the least loaded; lowest index on ties), to spread heat and power; "
      "a job larger than a node takes whole free nodes of one site, lowest index first.";
  info.make_placement = [](const Params&) { return std::make_unique<SpreadPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
