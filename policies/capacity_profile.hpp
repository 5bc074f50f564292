#pragma once
// CapacityProfile: how many accelerators a manager has planned over time, in buckets of a
// fixed width from time 0, so that jobs it holds back are not all planned into the same hours.
//
// Bucket i counts [i w, (i + 1) w) (w the width); a span [t0, t1) touches the buckets from
// t0's to (t1 - 1 us)'s and adds its accelerators to each. A span fits when every bucket it
// touches holds nothing, or room for its accelerators within a limit:
//   planned + accelerators <= limit (+ 1e-9).
// An empty bucket always fits, so a job larger than the limit can still be planned alone.
//
// Example (w = 1 h, limit 6.4 = 8 accelerators x (1 - 0.2)): a 1 h 8-GPU run booked at
// [1 h, 2 h) fills bucket 1; another 8-GPU run fits at [0, 1 h) and [2 h, 3 h) (empty
// buckets) but not at [1 h 30, 2 h 30) (bucket 1: 8 + 8 > 6.4).
//
// Cost: O(buckets touched) per add or fit; memory grows to the last bucket booked.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::policies {

class CapacityProfile {
 public:
  explicit CapacityProfile(simcore::SimTime width = simcore::SimTime::hours(1)) : w_(width) {}
  simcore::SimTime width() const { return w_; }
  std::size_t bucket_of(simcore::SimTime t) const;
  // Adds `accelerators` (negative: removes) to every bucket [t0, t1) touches; nothing if t1 <= t0.
  void add(simcore::SimTime t0, simcore::SimTime t1, std::int64_t accelerators);
  std::int64_t planned(std::size_t bucket) const { return bucket < n_.size() ? n_[bucket] : 0; }
  // Whether every bucket [t0, t1) touches holds nothing, or room for `accelerators` more
  // within `limit` (planned + accelerators <= limit).
  bool fits(simcore::SimTime t0, simcore::SimTime t1, std::uint32_t accelerators, double limit) const;

 private:
  simcore::SimTime w_;
  std::vector<std::int64_t> n_;
};

}  // namespace wattsim::policies
