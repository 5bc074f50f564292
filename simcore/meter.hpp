#pragma once
// Meters integrate piecewise-constant power exactly (DESIGN.md §3). A meter keeps
// (power, time of the last change, energy up to that time); a change first integrates the
// elapsed span at the old power, so energy is exact between events, never sampled.
//
// MeterTree aggregates incrementally: each meter's power is its own power plus its
// children's, and a change is pushed as a delta up the parent chain in O(depth); nothing
// ever re-sums all leaves.
//
// Example: 300 W from 0 s to 10 s, then 500 W until 12 s: energy_at(12 s) = 3000 + 1000 J.

#include <cstdint>
#include <limits>
#include <vector>

#include "simcore/assert.hpp"
#include "simcore/time.hpp"

namespace wattsim::simcore {

struct Meter {
  double power_w = 0.0;
  double energy_j = 0.0;  // up to last_change
  double peak_w = 0.0;    // highest level held for a positive span before last_change
  SimTime last_change = SimTime::zero();

  // Integrates [last_change, now] at the current power, then sets the new level.
  // Requires now >= last_change.
  // Several changes at one instant leave only the last level: intermediate levels held for
  // no time never count as a peak.
  void set_power(SimTime now, double power) {
    if (now > last_change && power_w > peak_w) peak_w = power_w;
    advance(now);
    power_w = power;
  }
  void add_power(SimTime now, double delta_w) { set_power(now, power_w + delta_w); }
  // Integrates up to now without changing the level.
  void advance(SimTime now) {
    WATTSIM_ASSERT(now >= last_change, now.us(), last_change.us());
    energy_j += power_w * static_cast<double>((now - last_change).us()) * 1e-6;
    last_change = now;
  }
  // Highest level held for a positive span up to `now` (>= last_change).
  double peak_at(SimTime now) const { return now > last_change && power_w > peak_w ? power_w : peak_w; }
  // Energy up to `now` (>= last_change), without changing the meter.
  double energy_at(SimTime now) const {
    WATTSIM_ASSERT(now >= last_change, now.us(), last_change.us());
    return energy_j + power_w * static_cast<double>((now - last_change).us()) * 1e-6;
  }
};

class MeterTree {
 public:
  using Id = std::uint32_t;
  static constexpr Id kNoParent = std::numeric_limits<Id>::max();

  // Adds a meter under `parent` (kNoParent for a root). Parents must be added first.
  Id add(Id parent = kNoParent, SimTime start = SimTime::zero());
  std::size_t size() const { return meters_.size(); }

  // Sets this meter's own contribution (not counting children); the delta reaches every
  // ancestor. O(depth).
  void set_own_power(Id id, SimTime now, double power_w);
  void add_own_power(Id id, SimTime now, double delta_w);

  double own_power_w(Id id) const { return own_w_[id]; }
  double power_w(Id id) const { return meters_[id].power_w; }  // own + children
  double energy_j(Id id, SimTime now) const { return meters_[id].energy_at(now); }
  double peak_w(Id id, SimTime now) const { return meters_[id].peak_at(now); }
  Id parent(Id id) const { return parent_[id]; }
  const Meter& meter(Id id) const { return meters_[id]; }

 private:
  std::vector<Meter> meters_;
  std::vector<double> own_w_;
  std::vector<Id> parent_;
};

}  // namespace wattsim::simcore
