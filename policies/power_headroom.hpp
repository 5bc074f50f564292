#pragma once
// Power-headroom placement: the PDU with the most power headroom first, so that load goes
// where the distribution has room (and the PDUs fill evenly). A node's "PDU" is the element
// above its rack when that is a PDU; on a site without PDUs it is the rack itself.
//   headroom(e) = capacity_w(e) - output_w(e)   [W]   (the tree checks output against capacity)
// Ranking: more headroom first; elements of unlimited capacity (infinite headroom) rank above
// any finite one and among themselves by the lowest output now; then the lowest index (site,
// then position in the site).
//   - a job that fits on one node: of the PDUs (of every site) with a node that has g free,
//     the best-ranked; within it, best-fit (the node with the fewest free that fits, lowest
//     index on ties);
//   - a larger job: the first site (in order) whose whole free nodes hold g; its PDUs with a
//     whole free node in rank order, each giving its whole free nodes lowest index first until
//     g (the last node only partly).
// This is place_in_ranked_groups (policies/placement_groups.hpp) with PDUs as the groups.
// The headroom is read at the decision, before the job's own power is added.
// Cost: O(log nodes) per PDU with a fitting node (its end found by binary search), then best-
// fit within one PDU: O(nodes) at worst over all sites; a larger job adds a sort of the site's
// PDUs with a whole free node. No allocation once the scratch array has grown.

#include <cstdint>
#include <vector>

#include "datacenter/policy.hpp"
#include "policies/placement_groups.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class PowerHeadroomPlacement final : public PlacementRule {
 public:
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
             std::uint32_t site, datacenter::Placement& out) override;

 private:
  struct Group : NodeGroup {
    double headroom_w = 0.0, output_w = 0.0;
  };
  std::vector<Group> groups_;  // scratch
};

PolicyInfo power_headroom_info();

}  // namespace wattsim::policies
