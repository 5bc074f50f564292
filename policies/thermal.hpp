#pragma once
// Thermal placement: the coolest rack inlet first, so that heat goes where the air is coldest
// (rack inlets from the site's thermal model, datacenter/config.hpp ThermalConfig).
//   - a job that fits on one node: of the racks (of every site) with a node that has g free,
//     the one with the lowest inlet temperature now (lowest site, then rack index on ties);
//     within it, best-fit (the node with the fewest free that fits, lowest index on ties);
//   - a larger job: the first site (in order) whose whole free nodes hold g; its racks with a
//     whole free node, coolest inlet first (lowest index on ties), each giving its whole free
//     nodes lowest index first until g (the last node only partly).
// This is place_in_ranked_groups (policies/placement_groups.hpp) with racks as the groups,
// ranked by inlet.
// Needs a thermal model at every site (requires_: `wattsim check` reports it); a site without
// one reads NaN inlets, taken as equal (then racks go in index order).
// Cost: O(log nodes) per rack with a fitting node (finding its end by binary search over the
// rest of its site's nodes), then best-fit within one rack: O(nodes) at worst over all sites;
// a larger job adds a sort of the site's racks with a whole free node, O(racks log racks). No
// allocation once the scratch array has grown to the largest site.

#include <cstdint>
#include <string>
#include <vector>

#include "datacenter/policy.hpp"
#include "policies/placement_groups.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class ThermalPlacement final : public PlacementRule {
 public:
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
             std::uint32_t site, datacenter::Placement& out) override;

 private:
  struct Rack : NodeGroup {
    double inlet_c = 0.0;
  };
  std::vector<Rack> racks_;  // scratch
};

// "" when every site of `world` has a thermal model, else the problem.
std::string thermal_requirement(const datacenter::WorldConfig& world);

PolicyInfo thermal_info();

}  // namespace wattsim::policies
