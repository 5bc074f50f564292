#include "policies/thermal.hpp"

#include <cmath>
#include <limits>

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

}  // namespace

bool ThermalPlacement::place(const ClusterView& view, const FreeCapacity& capacity, std::uint32_t accelerators,
                             std::uint32_t site, Placement& out) {
  return place_in_ranked_groups(
      view, capacity, accelerators, site, out, racks_,
      [&](std::size_t n) { return view.rack_of(static_cast<NodeId>(n)); },
      [&](std::size_t n, std::uint32_t rack) {
        Rack r;
        r.inlet_c = inlet_c(view, view.site_of(static_cast<NodeId>(n)), rack);
        return r;
      },
      [](const Rack& a, const Rack& b) { return a.inlet_c < b.inlet_c; });
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
