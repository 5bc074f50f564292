#include "policies/topology.hpp"

#include <algorithm>

#include "policies/best_fit.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

namespace {

// The element the racks of node n's rack hang from: its PDU (or the UPS, or the feed).
power::ElementId pdu_of(const ClusterView& view, NodeId n) {
  const auto& tree = view.power_tree(view.site_of(n));
  return tree.parent(tree.parent(view.node_element(n)));
}

}  // namespace

std::uint32_t TopologyPlacement::collect(const ClusterView& view, const FreeCapacity& capacity, std::size_t first,
                                         std::size_t last) {
  const std::uint32_t total = collect_whole_groups(
      capacity, first, last, racks_, [&](std::size_t n) { return view.rack_of(static_cast<NodeId>(n)); },
      [](std::size_t, std::uint32_t) { return Rack{}; });
  groups_.clear();
  power::ElementId last_pdu = power::kNoElement;
  for (Rack& r : racks_) {
    const power::ElementId pdu = pdu_of(view, static_cast<NodeId>(r.begin));
    if (pdu != last_pdu) {  // PDUs hold consecutive racks
      groups_.push_back(Group{});
      last_pdu = pdu;
    }
    r.group = static_cast<std::uint32_t>(groups_.size() - 1);
    groups_.back().free += r.whole_free;
  }
  return total;
}

bool TopologyPlacement::place(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                              std::uint32_t site, Placement& out) {
  if (accelerators <= view.max_node_accelerators()) return best_fit(view, capacity, accelerators, site, out);
  out.clear();
  const std::uint32_t g = accelerators;
  const SiteRange sites = sites_to_try(view, site);
  for (std::uint32_t s = sites.first; s < sites.last; ++s) {
    if (view.site_accelerators(s) < g) continue;
    const std::size_t first = view.site_first_node(s);
    if (collect(view, capacity, first, first + view.site_node_count(s)) < g) continue;
    std::uint32_t still = g;

    // 1. One rack: the tightest that holds g.
    std::size_t one = racks_.size();
    for (std::size_t i = 0; i < racks_.size(); ++i) {
      if (racks_[i].whole_free >= g && (one == racks_.size() || racks_[i].whole_free < racks_[one].whole_free)) one = i;
    }
    if (one < racks_.size()) {
      take_whole_nodes(capacity, racks_[one].begin, racks_[one].end, still, out);
      return true;
    }

    // 2. The fewest racks, m: the largest first.
    order_.resize(racks_.size());
    for (std::uint32_t i = 0; i < racks_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return racks_[a].whole_free != racks_[b].whole_free ? racks_[a].whole_free > racks_[b].whole_free : a < b;
    });
    std::uint32_t m = 0;
    for (std::uint32_t sum = 0; sum < g; ++m) sum += racks_[order_[m]].whole_free;
    // A PDU that holds g in m of its own racks (its racks in the same order: largest first).
    std::uint32_t chosen = static_cast<std::uint32_t>(groups_.size());
    for (const std::uint32_t i : order_) {
      Group& grp = groups_[racks_[i].group];
      if (grp.greedy >= g) continue;
      grp.greedy += racks_[i].whole_free;
      ++grp.racks;
      if (grp.greedy >= g && grp.racks == m &&
          (chosen == groups_.size() || grp.free < groups_[chosen].free ||
           (grp.free == groups_[chosen].free && racks_[i].group < chosen))) {
        chosen = racks_[i].group;
      }
    }
    const auto in_set = [&](std::uint32_t i) { return chosen == groups_.size() || racks_[i].group == chosen; };
    taken_.assign(racks_.size(), 0);
    std::uint32_t left = m - 1;
    for (const std::uint32_t i : order_) {
      if (left == 0) break;
      if (!in_set(i)) continue;
      take_whole_nodes(capacity, racks_[i].begin, racks_[i].end, still, out);
      taken_[i] = 1;
      --left;
    }
    // The last rack: the tightest that holds the rest.
    std::size_t last = racks_.size();
    for (std::size_t i = 0; i < racks_.size(); ++i) {
      if (taken_[i] || !in_set(static_cast<std::uint32_t>(i)) || racks_[i].whole_free < still) continue;
      if (last == racks_.size() || racks_[i].whole_free < racks_[last].whole_free) last = i;
    }
    if (last == racks_.size()) {  // cannot happen: the m-th largest rack of the set holds the rest
      out.clear();
      continue;
    }
    take_whole_nodes(capacity, racks_[last].begin, racks_[last].end, still, out);
    return true;
  }
  return false;
}

PolicyInfo topology_info() {
  PolicyInfo info;
  info.name = "topology";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "A job larger than a node takes whole free nodes in the fewest racks, then the fewest PDUs (the tightest rack "
      "that holds it, else the largest racks of one PDU); a job that fits on one node is placed as best-fit.";
  info.make_placement = [](const Params&) { return std::make_unique<TopologyPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
