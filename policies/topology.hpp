#pragma once
// Topology-aware placement: a job that spans nodes uses the fewest racks, then the fewest PDUs
// (a rack's PDU is its parent in the site's power tree: a PDU, or the UPS or the feed when the
// site has no PDUs, which then makes every rack's "PDU" the same).
//
// A job that fits on one node is placed as best-fit (policies/best_fit.hpp). A larger job of g
// accelerators goes to the first site (in order) whose whole free nodes hold g; there, with
// W(r) the accelerators of rack r's whole free nodes:
//   1. if some rack has W(r) >= g: the one with the smallest such W(r) (the fewest spare whole
//      nodes left), lowest index on ties;
//   2. else m racks, m the fewest that can hold g (the m largest W(r) sum to >= g). If some
//      PDU can hold g in m of its own racks, the racks come from that PDU (of several such, the
//      one with the fewest whole free accelerators, lowest index on ties); else from the whole
//      site (the PDUs are then as many as those racks fall under). From that set: its m - 1
//      largest racks (W(r) descending, lowest index on ties), then the rack with the smallest
//      W(r) that holds what is left (lowest index on ties).
// Within each chosen rack, whole free nodes lowest index first; the last node only partly.
// Cost of a larger job: O(log nodes) per rack with a whole free node and per such node, and a
// sort of those racks, O(racks log racks): O(nodes of the site) at worst. No allocation once
// its scratch arrays have grown to the largest site.

#include <cstdint>
#include <vector>

#include "datacenter/policy.hpp"
#include "policies/placement_groups.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class TopologyPlacement final : public PlacementRule {
 public:
  bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity, std::uint32_t accelerators,
             std::uint32_t site, datacenter::Placement& out) override;

 private:
  struct Rack : NodeGroup {   // whole_free is its W
    std::uint32_t group = 0;  // its PDU, numbered from 0 in the site
  };
  // The racks of [first, last) that have a whole free node (collect_whole_groups,
  // policies/placement_groups.hpp), into racks_ and groups_; returns the accelerators of all
  // those nodes.
  std::uint32_t collect(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity,
                        std::size_t first, std::size_t last);

  std::vector<Rack> racks_;
  std::vector<std::uint32_t> order_;  // racks_ indices, W descending
  struct Group {
    std::uint32_t free = 0;    // all its racks' W
    std::uint32_t greedy = 0;  // W of its largest racks so far, until it reaches g
    std::uint32_t racks = 0;   // how many of them
  };
  std::vector<Group> groups_;
  std::vector<unsigned char> taken_;
};

PolicyInfo topology_info();

}  // namespace wattsim::policies
