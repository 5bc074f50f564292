#include "models/power/node.hpp"

#include <stdexcept>
#include <string>

namespace wattsim::power {

const char* node_state_name(NodeState state) {
  switch (state) {
    case NodeState::kOff: return "off";
    case NodeState::kBooting: return "booting";
    case NodeState::kIdle: return "idle";
    case NodeState::kBusy: return "busy";
  }
  return "?";
}

double node_dc_power_w(const NodeSpec& spec, NodeState state, double accelerators_w, double allocated_fraction) {
  switch (state) {
    case NodeState::kOff: return spec.off_w;
    case NodeState::kBooting:
      return spec.boot_time.us() > 0 ? spec.boot_energy_j / spec.boot_time.to_seconds() : spec.base_idle_w;
    case NodeState::kIdle:
    case NodeState::kBusy:
      return spec.base_idle_w + allocated_fraction * (spec.base_busy_w - spec.base_idle_w) + accelerators_w;
  }
  return 0.0;
}

Node::Node(const NodeSpec& spec, const AcceleratorSpec* accel, NodeState initial)
    : spec_(&spec), accel_(accel), state_(initial), accels_(spec.accelerator_count) {
  if (spec.accelerator_count > 0 && accel == nullptr) {
    throw std::invalid_argument("node " + spec.name + ": has accelerators but no accelerator spec");
  }
  if (initial == NodeState::kBusy) throw std::invalid_argument("node " + spec.name + ": cannot start busy");
  for (auto& a : accels_) update_pstate(a);
}

void Node::update_pstate(Accel& a) {
  const double u = a.allocated ? a.utilisation : 0.0;
  const PStateChoice c = select_pstate(*accel_, u, a.cap_w);
  a.pstate = c.index;
  bool meets = c.meets_cap;
  if (a.max_pstate < a.pstate) {  // the clock limit is lower: its power is lower still
    a.pstate = a.max_pstate;
    meets = power::accelerator_power_w(accel_->pstates[a.pstate], u) <= a.cap_w;
  }
  // An unallocated accelerator draws the card's idle power whatever its state.
  a.cap_met = a.allocated ? meets : accel_->idle_w <= a.cap_w;
}

void Node::update_busy_state() {
  if (state_ == NodeState::kIdle || state_ == NodeState::kBusy) {
    state_ = (allocated_ > 0 || host_busy_) ? NodeState::kBusy : NodeState::kIdle;
  }
}

void Node::allocate(std::size_t i, double utilisation) {
  if (state_ != NodeState::kIdle && state_ != NodeState::kBusy) {
    throw std::logic_error("node " + spec_->name + ": cannot place work while " + node_state_name(state_));
  }
  Accel& a = accels_.at(i);
  if (a.allocated) throw std::logic_error("node " + spec_->name + ": accelerator " + std::to_string(i) + " is taken");
  if (!(utilisation >= 0.0 && utilisation <= 1.0)) throw std::invalid_argument("utilisation must be in [0, 1]");
  a.allocated = true;
  a.utilisation = utilisation;
  ++allocated_;
  update_pstate(a);
  update_busy_state();
}

void Node::set_utilisation(std::size_t i, double utilisation) {
  Accel& a = accels_.at(i);
  if (!a.allocated) throw std::logic_error("node " + spec_->name + ": accelerator " + std::to_string(i) + " is free");
  if (!(utilisation >= 0.0 && utilisation <= 1.0)) throw std::invalid_argument("utilisation must be in [0, 1]");
  a.utilisation = utilisation;
  update_pstate(a);
}

void Node::release(std::size_t i) {
  Accel& a = accels_.at(i);
  if (!a.allocated) throw std::logic_error("node " + spec_->name + ": accelerator " + std::to_string(i) + " is free");
  a.allocated = false;
  a.utilisation = 0.0;
  --allocated_;
  update_pstate(a);
  update_busy_state();
}

void Node::set_power_cap(std::size_t i, double cap_w) {
  Accel& a = accels_.at(i);
  if (!(cap_w > 0.0)) throw std::invalid_argument("power cap must be positive");
  a.cap_w = cap_w;
  update_pstate(a);
}

void Node::set_pstate_limit(std::size_t i, std::size_t max_pstate) {
  Accel& a = accels_.at(i);
  if (max_pstate != kNoLimit && (accel_ == nullptr || max_pstate >= accel_->pstates.size())) {
    throw std::invalid_argument("node " + spec_->name + ": p-state " + std::to_string(max_pstate) + " does not exist");
  }
  a.max_pstate = max_pstate;
  update_pstate(a);
}

void Node::set_host_busy(bool busy) {
  host_busy_ = busy;
  update_busy_state();
}

double Node::accelerator_power_w(std::size_t i) const {
  const Accel& a = accels_.at(i);
  if (state_ == NodeState::kOff || state_ == NodeState::kBooting) return 0.0;
  if (!a.allocated) return accel_->idle_w;
  return power::accelerator_power_w(accel_->pstates[a.pstate], a.utilisation);
}

double Node::relative_speed(std::size_t i, double beta) const {
  const Accel& a = accels_.at(i);
  return power::relative_speed(*accel_, a.pstate, beta);
}

simcore::SimTime Node::power_on(simcore::SimTime now) {
  if (state_ != NodeState::kOff) {
    throw std::logic_error("node " + spec_->name + ": power on while " + node_state_name(state_));
  }
  state_ = NodeState::kBooting;
  return now + spec_->boot_time;
}

void Node::boot_complete() {
  if (state_ != NodeState::kBooting) {
    throw std::logic_error("node " + spec_->name + ": boot completes while " + node_state_name(state_));
  }
  state_ = NodeState::kIdle;
  update_busy_state();
}

void Node::power_off() {
  if (allocated_ > 0 || host_busy_ || state_ != NodeState::kIdle) {
    throw std::logic_error("node " + spec_->name + ": power off while " + node_state_name(state_) +
                           (allocated_ > 0 ? " with work placed" : ""));
  }
  state_ = NodeState::kOff;
}

double Node::dc_power_w() const {
  double accelerators_w = 0.0;
  for (std::size_t i = 0; i < accels_.size(); ++i) accelerators_w += accelerator_power_w(i);
  const double fraction = spec_->accelerator_count > 0
                              ? static_cast<double>(allocated_) / static_cast<double>(spec_->accelerator_count)
                              : (host_busy_ ? 1.0 : 0.0);
  return node_dc_power_w(*spec_, state_, accelerators_w, fraction);
}

}  // namespace wattsim::power
