#include "policies/stack.hpp"

#include <stdexcept>

namespace wattsim::policies {

using datacenter::Actions;
using datacenter::ClusterView;

StackPolicy::StackPolicy(std::unique_ptr<Scheduler> scheduler, std::unique_ptr<PlacementRule> placement,
                         std::vector<std::unique_ptr<Manager>> managers)
    : scheduler_(std::move(scheduler)), placement_(std::move(placement)), managers_(std::move(managers)) {
  if (!scheduler_ || !placement_) throw std::invalid_argument("a policy stack needs a scheduler and a placement rule");
}

void StackPolicy::schedule(const ClusterView& view, Actions& actions) {
  scheduler_->schedule(view, actions, *placement_);
  for (auto& m : managers_) m->after_schedule(view, actions);
}

void StackPolicy::on_arrival(const ClusterView& v, Actions& a, const datacenter::QueuedJob& j) {
  each([&](Part& p) { p.on_arrival(v, a, j); });
}
void StackPolicy::on_start(const ClusterView& v, Actions& a, datacenter::SlotId slot) {
  each([&](Part& p) { p.on_start(v, a, slot); });
}
void StackPolicy::on_completion(const ClusterView& v, Actions& a, const datacenter::RunningJob& r) {
  each([&](Part& p) { p.on_completion(v, a, r); });
}
void StackPolicy::on_timer(const ClusterView& v, Actions& a) {
  each([&](Part& p) { p.on_timer(v, a); });
}
void StackPolicy::on_signal(const ClusterView& v, Actions& a, std::uint32_t site) {
  each([&](Part& p) { p.on_signal(v, a, site); });
}
void StackPolicy::on_capacity_violation(const ClusterView& v, Actions& a, std::uint32_t site,
                                        const power::CapacityViolation& violation) {
  each([&](Part& p) { p.on_capacity_violation(v, a, site, violation); });
}
void StackPolicy::on_thermal_violation(const ClusterView& v, Actions& a, std::uint32_t site,
                                       const thermal::Violation& violation, bool started) {
  each([&](Part& p) { p.on_thermal_violation(v, a, site, violation, started); });
}
void StackPolicy::report(datacenter::PolicyFigures& out) const {
  scheduler_->report(out);
  for (const auto& m : managers_) m->report(out);
}

void StackPolicy::on_node_failure(const ClusterView& v, Actions& a, datacenter::NodeId node, bool repaired) {
  each([&](Part& p) { p.on_node_failure(v, a, node, repaired); });
}

}  // namespace wattsim::policies
