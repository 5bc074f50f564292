#pragma once
// Which nodes have room: a max segment tree over the nodes' free accelerators (0 for nodes
// that are off or booting), so placement finds "the lowest-index node with at least g free"
// in O(log nodes) instead of scanning every node, and a second tree for "completely free"
// nodes (free == all of the node's accelerators). Updated in O(log nodes) per node change.

#include <cstdint>
#include <limits>
#include <vector>

namespace wattsim::datacenter {

class MaxTree {
 public:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  explicit MaxTree(std::size_t n = 0);
  std::size_t size() const { return n_; }
  void set(std::size_t i, std::uint32_t value);
  std::uint32_t get(std::size_t i) const { return tree_[leaves_ + i]; }
  // Lowest index >= from whose value is >= at_least, or kNone.
  std::size_t first_at_least(std::uint32_t at_least, std::size_t from = 0) const;

 private:
  std::size_t n_ = 0, leaves_ = 1;
  std::vector<std::uint32_t> tree_;  // 1-based heap layout; leaves at [leaves_, 2 leaves_)
};

}  // namespace wattsim::datacenter
