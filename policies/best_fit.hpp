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
//
// The helpers below are shared with the rules that pack within a part of the cluster (thermal,
// power-headroom, topology). They read only `capacity` (the view's, or a what-if copy).

#include <cstddef>
#include <cstdint>

#include "datacenter/policy.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

// The node in [from, to) with the fewest free accelerators that still has `accelerators`
// free, lowest index on ties; ClusterView::kNone if none.
std::size_t best_fit_node(const datacenter::FreeCapacity& capacity, std::uint32_t accelerators, std::size_t from,
                          std::size_t to);

// Appends the whole free nodes of [from, to) to `out`, lowest index first, each with all its
// accelerators or the `still` left (the last one partly), until `still` is 0. O(log nodes) per
// node taken, O(log nodes) to find there are no more.
void take_whole_nodes(const datacenter::FreeCapacity& capacity, std::size_t from, std::size_t to, std::uint32_t& still,
                      datacenter::Placement& out);

// The accelerators of the whole free nodes in [from, to).
std::uint32_t whole_free_accelerators(const datacenter::FreeCapacity& capacity, std::size_t from, std::size_t to);

// The end of the group of consecutive nodes that `from` starts: the first index in
// (from, last] at which same(n) is false, where same(n) is true on a prefix of [from, last)
// and false after it (racks are consecutive nodes, and PDUs consecutive racks: world.cpp
// builds them so). Binary search: O(log(last - from)) calls of `same`.
template <typename Same>
std::size_t group_end(std::size_t from, std::size_t last, Same&& same) {
  std::size_t lo = from + 1, hi = last;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (same(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The site node n belongs to ends at this index (exclusive).
inline std::size_t site_end(const datacenter::ClusterView& view, std::size_t n) {
  const std::uint32_t site = view.site_of(static_cast<datacenter::NodeId>(n));
  return static_cast<std::size_t>(view.site_first_node(site)) + view.site_node_count(site);
}

bool best_fit(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
              datacenter::Placement& out);

class BestFitPlacement final : public PlacementRule {
 public:
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
             datacenter::Placement& out) override {
    return best_fit(view, capacity, accelerators, out);
  }
};

PolicyInfo best_fit_info();

}  // namespace wattsim::policies
