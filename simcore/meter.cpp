#include "simcore/meter.hpp"

#include <stdexcept>
#include <string>

namespace wattsim::simcore {

MeterTree::Id MeterTree::add(Id parent, SimTime start) {
  if (parent != kNoParent && parent >= meters_.size()) {
    throw std::invalid_argument("meter tree: parent " + std::to_string(parent) + " does not exist");
  }
  Meter m;
  m.last_change = start;
  meters_.push_back(m);
  own_w_.push_back(0.0);
  parent_.push_back(parent);
  return static_cast<Id>(meters_.size() - 1);
}

void MeterTree::set_own_power(Id id, SimTime now, double power_w) { add_own_power(id, now, power_w - own_w_[id]); }

void MeterTree::add_own_power(Id id, SimTime now, double delta_w) {
  own_w_[id] += delta_w;
  for (Id m = id; m != kNoParent; m = parent_[m]) meters_[m].add_power(now, delta_w);
}

}  // namespace wattsim::simcore
