#include "policies/thermal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "policies/best_fit.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

namespace {

// Its inlet in C; a NaN (no thermal model) as the warmest, so that such racks tie.
double inlet_c(const ClusterView& view, std::uint32_t site, std::uint32_t rack) {
  const double t = view.rack_inlet_c(site, rack);
  return std::isnan(t) ? std::numeric_limits<double>::infinity() : t;
}

std::size_t rack_end(const ClusterView& view, std::size_t n, std::size_t last) {
  const std::uint32_t rack = view.rack_of(static_cast<NodeId>(n));
  return group_end(n, last, [&](std::size_t m) { return view.rack_of(static_cast<NodeId>(m)) == rack; });
}

}  // namespace

bool ThermalPlacement::place(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                             Placement& out) {
  out.clear();
  const std::uint32_t g = accelerators;
  if (g == 0) return false;
  if (g <= view.max_node_accelerators()) {
    std::size_t best_begin = ClusterView::kNone, best_end = 0;
    double best_c = 0.0;
    for (std::size_t n = capacity.first_with(g); n != ClusterView::kNone;) {
      const auto node = static_cast<NodeId>(n);
      const std::size_t end = rack_end(view, n, site_end(view, n));
      const double t = inlet_c(view, view.site_of(node), view.rack_of(node));
      if (best_begin == ClusterView::kNone || t < best_c) {
        best_begin = n;
        best_end = end;
        best_c = t;
      }
      n = capacity.first_with(g, end);
    }
    if (best_begin == ClusterView::kNone) return false;
    out.parts.push_back({static_cast<NodeId>(best_fit_node(capacity, g, best_begin, best_end)), g});
    return true;
  }
  for (std::uint32_t site = 0; site < view.site_count(); ++site) {
    if (view.site_accelerators(site) < g) continue;
    const std::size_t first = view.site_first_node(site);
    const std::size_t last = first + view.site_node_count(site);
    racks_.clear();
    std::uint32_t total = 0;
    for (std::size_t n = capacity.first_whole(first); n < last;) {
      const std::size_t end = rack_end(view, n, last);
      const std::uint32_t rack = view.rack_of(static_cast<NodeId>(n));
      racks_.push_back(Rack{n, end, inlet_c(view, site, rack), rack});
      total += whole_free_accelerators(capacity, n, end);
      n = capacity.first_whole(end);
    }
    if (total < g) continue;
    std::sort(racks_.begin(), racks_.end(), [](const Rack& a, const Rack& b) {
      return a.inlet_c != b.inlet_c ? a.inlet_c < b.inlet_c : a.index < b.index;
    });
    std::uint32_t still = g;
    for (const Rack& r : racks_) {
      if (still == 0) break;
      take_whole_nodes(capacity, r.begin, r.end, still, out);
    }
    return true;
  }
  return false;
}

std::string thermal_requirement(const datacenter::WorldConfig& world) {
  std::string without;
  for (const auto& site : world.sites) {
    if (site.thermal.enabled) continue;
    without += (without.empty() ? "\"" : ", \"") + site.name + "\"";
  }
  if (without.empty()) return "";
  return "needs a thermal model (facility.thermal) at every site (none at " + without + ")";
}

PolicyInfo thermal_info() {
  PolicyInfo info;
  info.name = "thermal";
  info.kind = PolicyKind::kPlacement;
  info.description =
      "The rack with the coolest inlet that has room, best-fit within it; a job larger than a node takes whole free "
      "nodes of one site, coolest racks first. Needs a thermal model at every site.";
  info.requires_ = [](const datacenter::WorldConfig& world, const Params&) { return thermal_requirement(world); };
  info.make_placement = [](const Params&) { return std::make_unique<ThermalPlacement>(); };
  return info;
}

}  // namespace wattsim::policies
