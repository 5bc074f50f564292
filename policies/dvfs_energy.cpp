#include "policies/dvfs_energy.hpp"

#include <algorithm>

namespace wattsim::policies {

std::size_t dvfs_best_pstate(const power::AcceleratorSpec& spec, double host_w_per_accelerator, double utilisation,
                             double beta, DvfsObjective objective) {
  std::size_t best = spec.top_pstate();
  double best_cost = 0.0;
  // From the top down, replacing only on a strictly lower cost: ties keep the faster state.
  for (std::size_t s = spec.pstates.size(); s-- > 0;) {
    const double power_w = power::accelerator_power_w(spec.pstates[s], utilisation) + host_w_per_accelerator;
    const double speed = power::relative_speed(spec, s, beta);
    const double cost = objective == DvfsObjective::kEnergy ? power_w / speed : power_w / (speed * speed);
    if (s == spec.top_pstate() || cost < best_cost) {
      best = s;
      best_cost = cost;
    }
  }
  return best;
}

void DvfsEnergy::on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) {
  const datacenter::RunningJob& r = view.running(slot);
  if (r.accels.empty()) return;
  const datacenter::NodeId first = r.accels.front().node;
  const power::AcceleratorSpec* spec = view.accelerator_spec(first);
  if (spec == nullptr) return;
  const power::NodeSpec& node = view.node(first).spec();
  const double host_w = node.base_busy_w / static_cast<double>(node.accelerator_count);
  const std::size_t best = dvfs_best_pstate(*spec, host_w, r.job.utilisation, r.job.beta, objective_);
  for (const auto& a : r.accels) {
    const power::AcceleratorSpec* s = view.accelerator_spec(a.node);
    if (s == nullptr) continue;
    const std::size_t limit = best >= s->top_pstate() ? power::Node::kNoLimit : best;
    if (view.node(a.node).pstate_limit(a.index) != limit) actions.set_pstate_limit(a.node, a.index, limit);
  }
}

void DvfsEnergy::on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                               const datacenter::RunningJob& job) {
  for (const auto& a : job.accels) {
    if (view.accelerator_spec(a.node) == nullptr) continue;
    if (view.node(a.node).pstate_limit(a.index) != power::Node::kNoLimit) {
      actions.set_pstate_limit(a.node, a.index, power::Node::kNoLimit);
    }
  }
}

PolicyInfo dvfs_energy_info() {
  PolicyInfo info;
  info.name = "dvfs-energy";
  info.kind = PolicyKind::kManager;
  info.description =
      "At each job's start, limits its accelerators to the p-state that minimises its energy (or energy-delay "
      "product), given its compute-bound fraction and counting the host power a longer run also draws.";
  info.params = {choice_param("objective", "energy", {"energy", "edp"},
                              "what the chosen p-state minimises: the job's energy, or energy x runtime")};
  info.make_manager = [](const Params& p) {
    return std::make_unique<DvfsEnergy>(text(p, "objective") == "edp" ? DvfsObjective::kEnergyDelay
                                                                      : DvfsObjective::kEnergy);
  };
  return info;
}

}  // namespace wattsim::policies
