#pragma once
// dvfs-energy: when a job starts, limits its accelerators' clock to the p-state that minimises
// its energy (objective "energy") or its energy-delay product ("edp"), given its compute-bound
// fraction beta, counting the host power that a longer run also draws.
//
// For a job of work W (accelerator-seconds at full speed) on g accelerators of a node type with
// N accelerators and host busy power B, at utilisation u, in p-state s (frequency f_s):
//   runtime  T(s) = W / (g * speed(f_s, beta))                 (models/power/accelerator.hpp)
//   power    P(s) = g * P_acc(u, s) + g / N * B                 [W, DC]
//   energy   E(s) = P(s) * T(s) = W * (P_acc(u, s) + B / N) / speed(f_s, beta)
//   EDP      E(s) * T(s)        = W^2 / g * (P_acc(u, s) + B / N) / speed(f_s, beta)^2
// It picks argmin over the accelerator's p-states (ties: the faster state). g and W scale every
// state alike, so the choice depends only on u, beta, B / N and the p-states. PSU losses and the
// facility overhead (PUE) multiply every state's energy by nearly the same factor, so they are
// left out: exact for a fixed PUE and a lossless PSU, and a small error where the PSU's
// efficiency or the cooling plant's COP varies with load.
//
// Worked example (the accelerator of tests/policies/budget_manager_test.cpp: f_nom 2 GHz,
// states 1.0/1.4/1.7/2.0 GHz drawing 50-150, 60-220, 70-300, 80-400 W; 8 per node, B = 800 W,
// so B / N = 100 W), u = 0.5, beta = 1: P_acc + B/N = 200, 240, 285, 340 W; speed = 0.5, 0.7,
// 0.85, 1; energy per unit of work 400, 342.9, 335.3, 340: the 1.7 GHz state (1.4% below the
// top state); EDP 800, 489.8, 394.5, 340: the top state.
//
// A job whose accelerators are of several kinds is judged by its first accelerator's node and
// given the same index (clamped to each kind's top state). Caps still apply: the state in force
// is the lower of the cap's and this limit. The limit is lifted when the job ends.
// Cost: O(p-states + accelerators of the job) per start.

#include <cstddef>

#include "models/power/accelerator.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

enum class DvfsObjective : unsigned char { kEnergy, kEnergyDelay };

// The p-state index that minimises the objective per unit of work, for host power
// `host_w_per_accelerator` (B / N) drawn beside each accelerator.
std::size_t dvfs_best_pstate(const power::AcceleratorSpec& spec, double host_w_per_accelerator, double utilisation,
                             double beta, DvfsObjective objective);

class DvfsEnergy final : public Manager {
 public:
  explicit DvfsEnergy(DvfsObjective objective) : objective_(objective) {}
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;

 private:
  DvfsObjective objective_;
};

PolicyInfo dvfs_energy_info();

}  // namespace wattsim::policies
