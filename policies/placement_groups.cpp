#include "policies/placement_groups.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

std::size_t best_fit_node(const FreeCapacity& capacity, std::uint32_t accelerators, std::size_t from, std::size_t to) {
  std::size_t best = ClusterView::kNone;
  std::uint32_t best_free = 0;
  // first_with returns at once when `n` itself has room: O(1) per fitting node.
  for (std::size_t n = capacity.first_with(accelerators, from); n < to; n = capacity.first_with(accelerators, n + 1)) {
    const std::uint32_t free = capacity.free(n);
    if (best == ClusterView::kNone || free < best_free) {
      best = n;
      best_free = free;
      if (free == accelerators) break;  // nothing fits tighter
    }
  }
  return best;
}

void take_whole_nodes(const FreeCapacity& capacity, std::size_t from, std::size_t to, std::uint32_t& still,
                      Placement& out) {
  for (std::size_t n = capacity.first_whole(from); n < to && still > 0; n = capacity.first_whole(n + 1)) {
    const std::uint32_t take = std::min(still, capacity.total(n));
    out.parts.push_back({static_cast<NodeId>(n), take});
    still -= take;
  }
}

bool whole_nodes_first_fit(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                           std::uint32_t site, Placement& out) {
  out.clear();
  if (accelerators == 0) return false;
  const SiteRange sites = sites_to_try(view, site);
  for (std::uint32_t s = sites.first; s < sites.last; ++s) {
    if (view.site_accelerators(s) < accelerators) continue;
    const std::size_t first = view.site_first_node(s);
    std::uint32_t still = accelerators;
    out.clear();
    take_whole_nodes(capacity, first, first + view.site_node_count(s), still, out);
    if (still == 0) return true;
  }
  out.clear();
  return false;
}

std::uint32_t whole_free_accelerators(const FreeCapacity& capacity, std::size_t from, std::size_t to) {
  std::uint32_t sum = 0;
  for (std::size_t n = capacity.first_whole(from); n < to; n = capacity.first_whole(n + 1)) sum += capacity.total(n);
  return sum;
}

}  // namespace wattsim::policies
