#include "policies/power_headroom.hpp"

#include <cmath>

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

}  // namespace

bool PowerHeadroomPlacement::place(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                                   std::uint32_t site, Placement& out) {
  return place_in_ranked_groups(
      view, capacity, accelerators, site, out, groups_, [&](std::size_t n) { return pdu_of(view, n); },
      [&](std::size_t n, power::ElementId pdu) {
        const auto& tree = view.power_tree(view.site_of(static_cast<NodeId>(n)));
        Group g;
        g.output_w = tree.output_w(pdu);
        g.headroom_w = tree.capacity_w(pdu) - g.output_w;  // +inf for an unlimited one
        return g;
      },
      // Whether a ranks strictly before b (the helper breaks ties by index).
      [](const Group& a, const Group& b) {
        if (std::isinf(a.headroom_w) && std::isinf(b.headroom_w)) return a.output_w < b.output_w;
        return a.headroom_w > b.headroom_w;
      });
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
