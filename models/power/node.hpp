#pragma once
// A node (server): host base power plus its accelerators, behind its PSUs (DESIGN.md §4).
//
// DC power by state (before PSU losses):
//   off:      P_off                                    (BMC standby; accelerators unpowered)
//   booting:  E_boot / t_boot                          (constant, so a boot draws exactly E_boot)
//   idle/busy: P_base_idle + a * (P_base_busy - P_base_idle) + sum of accelerator powers
//             a = fraction of the node's accelerators allocated (0 when idle; for a node
//             without accelerators, 1 when busy)
// Wall power (AC, what the node draws from its PDU):
//   P_wall = P_dc / eta_psu(P_dc / P_psu_rated)
//
// Worked example (DGX-H100 from the catalog: base 1000-3000 W, Titanium PSUs rated 13.2 kW):
// 4 of 8 H100s busy at u = 1 in the top state (700 W), 4 unallocated at 70 W idle:
// P_dc = 1000 + 0.5 * 2000 + 4 * 700 + 4 * 70 = 5080 W; load 0.385, eta = 0.94 + (0.385 -
// 0.2)/0.3 * 0.02 = 0.95232; P_wall = 5334.3 W (254.3 W of PSU loss).

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "models/power/accelerator.hpp"
#include "models/power/efficiency_curve.hpp"
#include "simcore/time.hpp"

namespace wattsim::power {

enum class NodeState : unsigned char { kOff, kBooting, kIdle, kBusy };
const char* node_state_name(NodeState state);

struct NodeSpec {
  std::string name;
  std::string accelerator;  // catalog name; empty when accelerator_count == 0
  std::size_t accelerator_count = 0;
  double base_idle_w = 0.0;  // host: CPUs, memory, NICs, fans, storage; DC side
  double base_busy_w = 0.0;
  double off_w = 0.0;
  simcore::SimTime boot_time;
  double boot_energy_j = 0.0;
  std::string psu_curve;  // catalog curve name
  EfficiencyCurve psu;
  double psu_rated_w = 0.0;
  // Embodied carbon of the node WITHOUT its accelerators (chassis, board, CPUs, DRAM, SSDs,
  // NICs, PSUs, fans), kgCO2e; the accelerators' own is AcceleratorSpec::embodied_kg, so a
  // whole node is embodied_kg + accelerator_count x the accelerator's. 0: not given.
  double embodied_kg = 0.0;
  double lifetime_years = 0.0;  // service life; 0: not given (given whenever embodied_kg is)
  std::string source;
};

// DC power in a state. `accelerators_w` is the sum over the node's accelerators (ignored when
// off or booting); `allocated_fraction` in [0, 1].
double node_dc_power_w(const NodeSpec& spec, NodeState state, double accelerators_w, double allocated_fraction);
// Wall (AC input) power for a DC load.
inline double node_wall_power_w(const NodeSpec& spec, double dc_w) { return spec.psu.input_power_w(dc_w, spec.psu_rated_w); }

// One node's small state: power state, and per accelerator whether it is allocated, its
// utilisation, its power cap and the p-state the cap selects. Power is recomputed from the
// node's own accelerators on each change: O(accelerators per node), at most a few dozen.
class Node {
 public:
  // `accel` may be null only when spec.accelerator_count == 0. Both must outlive the node.
  Node(const NodeSpec& spec, const AcceleratorSpec* accel, NodeState initial = NodeState::kIdle);

  NodeState state() const { return state_; }
  const NodeSpec& spec() const { return *spec_; }
  std::size_t allocated() const { return allocated_; }
  std::size_t free_accelerators() const { return spec_->accelerator_count - allocated_; }

  // Places work on accelerator i at utilisation u. The node must be idle or busy.
  void allocate(std::size_t i, double utilisation);
  void set_utilisation(std::size_t i, double utilisation);
  void release(std::size_t i);
  // Power cap of accelerator i (infinity: none); the p-state follows at once.
  void set_power_cap(std::size_t i, double cap_w);
  // The highest p-state accelerator i may use (a clock limit, as `nvidia-smi -lgc` sets; an
  // index into the spec's p-states, kNoLimit: none). The state in force is the lower of this
  // and the one the cap selects.
  static constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);
  void set_pstate_limit(std::size_t i, std::size_t max_pstate);
  double power_cap_w(std::size_t i) const { return accels_[i].cap_w; }
  std::size_t pstate_limit(std::size_t i) const { return accels_[i].max_pstate; }
  double utilisation(std::size_t i) const { return accels_[i].utilisation; }
  const AcceleratorSpec* accelerator_spec() const { return accel_; }
  // A host-only node (no accelerators) is busy or idle by request.
  void set_host_busy(bool busy);

  bool is_allocated(std::size_t i) const { return accels_[i].allocated; }
  std::size_t pstate(std::size_t i) const { return accels_[i].pstate; }
  // Whether accelerator i's cap can be met at its current utilisation.
  bool cap_met(std::size_t i) const { return accels_[i].cap_met; }
  double accelerator_power_w(std::size_t i) const;
  // speed(f) of accelerator i's current p-state for a job with compute-bound fraction beta.
  double relative_speed(std::size_t i, double beta) const;

  // Off -> booting; returns when the boot completes (now + boot time). The caller schedules
  // boot_complete() then (an event), so that the energy of the boot is exact.
  simcore::SimTime power_on(simcore::SimTime now);
  void boot_complete();
  // Idle -> off. Refused (std::logic_error) while any accelerator is allocated.
  void power_off();

  double dc_power_w() const;
  double wall_power_w() const { return node_wall_power_w(*spec_, dc_power_w()); }

 private:
  struct Accel {
    bool allocated = false;
    bool cap_met = true;
    double utilisation = 0.0;
    double cap_w = std::numeric_limits<double>::infinity();
    std::size_t max_pstate = kNoLimit;
    std::size_t pstate = 0;
  };
  void update_pstate(Accel& a);
  void update_busy_state();

  const NodeSpec* spec_;
  const AcceleratorSpec* accel_;
  NodeState state_;
  std::vector<Accel> accels_;
  std::size_t allocated_ = 0;
  bool host_busy_ = false;
};

}  // namespace wattsim::power
