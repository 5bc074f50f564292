#include "datacenter/free_index.hpp"

namespace wattsim::datacenter {

MaxTree::MaxTree(std::size_t n) : n_(n) {
  while (leaves_ < n) leaves_ *= 2;
  tree_.assign(2 * leaves_, 0);
}

void MaxTree::set(std::size_t i, std::uint32_t value) {
  std::size_t k = leaves_ + i;
  tree_[k] = value;
  for (k /= 2; k >= 1; k /= 2) {
    const std::uint32_t m = tree_[2 * k] > tree_[2 * k + 1] ? tree_[2 * k] : tree_[2 * k + 1];
    if (tree_[k] == m) break;  // ancestors unchanged
    tree_[k] = m;
  }
}

std::size_t MaxTree::first_at_least(std::uint32_t at_least, std::size_t from) const {
  if (from >= n_) return kNone;
  std::size_t i = leaves_ + from;
  if (tree_[i] < at_least) {
    // Climb until a subtree to the right of `from` holds a value >= at_least ...
    for (;;) {
      while (i & 1) i >>= 1;  // a right child: go up (the root, 1, ends at 0)
      if (i == 0) return kNone;
      ++i;                    // the right sibling
      if (tree_[i] >= at_least) break;
    }
    // ... then descend to its leftmost such leaf.
    while (i < leaves_) {
      i *= 2;
      if (tree_[i] < at_least) ++i;
    }
  }
  const std::size_t index = i - leaves_;
  return index < n_ ? index : kNone;
}

}  // namespace wattsim::datacenter
