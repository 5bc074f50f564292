#include "policies/capacity_profile.hpp"

#include <algorithm>

namespace wattsim::policies {

using simcore::SimTime;

std::size_t CapacityProfile::bucket_of(SimTime t) const {
  return t.us() <= 0 ? 0 : static_cast<std::size_t>(t.us() / w_.us());
}

void CapacityProfile::add(SimTime t0, SimTime t1, std::int64_t accelerators) {
  if (!(t0 < t1)) return;
  const std::size_t a = bucket_of(t0), b = bucket_of(t1 - SimTime::from_us(1));
  if (n_.size() <= b) n_.resize(b + 1, 0);
  for (std::size_t i = a; i <= b; ++i) n_[i] += accelerators;
}

bool CapacityProfile::fits(SimTime t0, SimTime t1, std::uint32_t accelerators, double limit) const {
  if (!(t0 < t1) || n_.empty()) return true;
  const std::size_t a = bucket_of(t0), b = std::min(bucket_of(t1 - SimTime::from_us(1)), n_.size() - 1);
  for (std::size_t i = a; i <= b; ++i) {
    if (n_[i] > 0 && static_cast<double>(n_[i] + accelerators) > limit + 1e-9) return false;
  }
  return true;
}

}  // namespace wattsim::policies
