#pragma once
// Which nodes have room: a max segment tree over the nodes' free accelerators (0 for nodes
// that are off or booting), so placement finds "the lowest-index node with at least g free"
// in O(log nodes) instead of scanning every node, and a second tree for "completely free"
// nodes (free == all of the node's accelerators). Updated in O(log nodes) per node change.
// Policies copy it to ask "what if" (e.g. EASY backfilling's walk through future releases).

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

class FreeCapacity {
 public:
  static constexpr std::size_t kNone = MaxTree::kNone;
  FreeCapacity() = default;
  // `totals[n]`: node n's accelerators. Every node starts with nothing free.
  explicit FreeCapacity(std::vector<std::uint32_t> totals)
      : free_(totals.size()), whole_(totals.size()), totals_(std::move(totals)) {}

  std::size_t size() const { return totals_.size(); }
  std::uint32_t total(std::size_t n) const { return totals_[n]; }
  std::uint32_t free(std::size_t n) const { return free_.get(n); }
  void set_free(std::size_t n, std::uint32_t free) {
    free_.set(n, free);
    whole_.set(n, totals_[n] > 0 && free == totals_[n] ? 1u : 0u);
  }
  void add_free(std::size_t n, std::uint32_t more) { set_free(n, free(n) + more); }
  // Lowest-index node at or after `from` with at least `count` free; kNone if none.
  std::size_t first_with(std::uint32_t count, std::size_t from = 0) const { return free_.first_at_least(count, from); }
  // Lowest-index node at or after `from` whose accelerators are all free; kNone if none.
  std::size_t first_whole(std::size_t from = 0) const { return whole_.first_at_least(1, from); }

 private:
  MaxTree free_, whole_;
  std::vector<std::uint32_t> totals_;
};

}  // namespace wattsim::datacenter
