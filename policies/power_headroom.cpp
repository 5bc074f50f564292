#include "policies/power_headroom.hpp"

#include <algorithm>
#include <cmath>

#include "policies/best_fit.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

namespace {

// Node n's PDU: the element above its rack if that is a PDU, else its rack.
power::ElementId pdu_of(const ClusterView& view, std::size_t n) {
  const auto node = static_cast<NodeId>(n);
  const auto& tree = view.power_tree(view.site_of(node));
  const power::ElementId rack = tree.parent(view.node_element(node));
  const power::ElementId above = tree.parent(rack);
  return above != power::kNoElement && tree.kind(above) == power::ElementKind::kPdu ? above : rack;
}

// [n, its PDU's end) with the PDU's headroom and output now; `last`: the end of n's site.
template <typename Group>
Group group_at(const ClusterView& view, std::size_t n, std::size_t last) {
  const power::ElementId pdu = pdu_of(view, n);
  const auto& tree = view.power_tree(view.site_of(static_cast<NodeId>(n)));
  Group g;
  g.begin = n;
  g.end = group_end(n, last, [&](std::size_t m) { return pdu_of(view, m) == pdu; });
  g.output_w = tree.output_w(pdu);
  g.headroom_w = tree.capacity_w(pdu) - g.output_w;  // +inf for an unlimited one
  return g;
}

// Whether a ranks strictly before b (the caller breaks ties by index).
template <typename Group>
bool ranks_before(const Group& a, const Group& b) {
  if (std::isinf(a.headroom_w) && std::isinf(b.headroom_w)) return a.output_w < b.output_w;
  return a.headroom_w > b.headroom_w;
}

}  // namespace

bool PowerHeadroomPlacement::place(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                                   Placement& out) {
  out.clear();
  const std::uint32_t g = accelerators;
  if (g == 0) return false;
  if (g <= view.max_node_accelerators()) {
    bool found = false;
    Group best;
    for (std::size_t n = capacity.first_with(g); n != ClusterView::kNone;) {
      const Group here = group_at<Group>(view, n, site_end(view, n));
      if (!found || ranks_before(here, best)) {
        best = here;
        found = true;
      }
      n = capacity.first_with(g, here.end);
    }
    if (!found) return false;
    out.parts.push_back({static_cast<NodeId>(best_fit_node(capacity, g, best.begin, best.end)), g});
    return true;
  }
  for (std::uint32_t site = 0; site < view.site_count(); ++site) {
    if (view.site_accelerators(site) < g) continue;
    const std::size_t first = view.site_first_node(site);
    const std::size_t last = first + view.site_node_count(site);
    groups_.clear();
    std::uint32_t total = 0;
    for (std::size_t n = capacity.first_whole(first); n < last;) {
      groups_.push_back(group_at<Group>(view, n, last));
      total += whole_free_accelerators(capacity, n, groups_.back().end);
      n = capacity.first_whole(groups_.back().end);
    }
    if (total < g) continue;
    // Groups are in index order: ties keep it (begin is the index).
    std::sort(groups_.begin(), groups_.end(), [](const Group& a, const Group& b) {
      if (ranks_before(a, b)) return true;
      if (ranks_before(b, a)) return false;
      return a.begin < b.begin;
    });
    std::uint32_t still = g;
    for (const Group& grp : groups_) {
      if (still == 0) break;
      take_whole_nodes(capacity, grp.begin, grp.end, still, out);
    }
    return true;
  }
  return false;
}

PolicyInfo power_headroom_info() {
  PolicyInfo info;
  info.name = "power-headroom";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "The PDU (or, without PDUs, the rack) with the most power headroom (capacity - load; unlimited ones by the "
      "lowest load) that has room, best-fit within it; a job larger than a node takes whole free nodes of one site, "
      "PDUs in that order.";
  info.make_placement = [](const Params&) { return std::make_unique<PowerHeadroomPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
