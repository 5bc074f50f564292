#pragma once
// cap-to-budget: keeps each site under a power budget, and its power tree under its capacities,
// by lowering the clocks of running jobs (Actions::set_pstate_limit), and raises them again when
// headroom returns.
//
// Limits of a site, each a measured power P and a limit L:
//   - scope "facility" with budget B > 0: the site's facility power (ClusterView::
//     facility_power_w) <= B;
//   - scope "ups" or "pdu" with B > 0: every element of that kind, output <= min(B, capacity);
//   - always: every element of the power tree whose capacity it exceeds (the tree reports it:
//     on_capacity_violation), output <= capacity. Outputs are what the tree compares with its
//     capacities (models/power/power_tree.hpp).
// Lowering (at every point where power can rise: a start, a decision, a signal, a capacity
// violation): for each exceeded limit, deepest tree elements first and the facility last,
// while P > L: take the first job, in `order`, that draws power under the limit and has an
// accelerator above its lowest p-state; set all its accelerators to one state below the highest
// state any of them is in; read P again (the world updates power at once, so the reading is
// exact). Orders: "lowest-beta" (lowest compute-bound fraction first: its speed depends least on
// the clock), "highest-power" (the job drawing the most DC power now, re-ranked after each
// step), "newest" (latest start first); ties go to the later arrival. When no job under a limit
// can go lower, the limit stays unmet at that instant: counted (unmet_instants()), never
// refused: this manager does not hold starts back.
// Raising (after a completion, a decision or a signal): the lowered jobs in the reverse of
// `order`, each one step at a time while the predicted power of every limit it draws under stays
// <= L x (1 - raise_margin); the first step that does not fit ends the raising (strict order).
// The prediction takes each accelerator's new state (the lower of its new limit and its cap's),
// its exact node wall power (PSU curve), and scales the change by the present input/output ratio
// of each element on the way up (and facility/feed input for the facility); after a raise the
// limits are read again and a raise that broke one is undone at once (no more raising at that
// instant).
// A job is raised back to the clock it started with (a limit set by a manager listed before this
// one, e.g. dvfs-energy, is its ceiling), and its accelerators get that limit back when it ends.
//
// Cost: O(1 + UPS/PDUs in scope + elements in violation) per hook when every limit is met; a
// limit exceeded costs O(J + s log J) (J running jobs of the site, s steps taken), raising
// O(L log L + s) (L lowered jobs), each step O(accelerators of the job x depth of the tree).

#include <cstdint>
#include <vector>

#include "policies/registry.hpp"

namespace wattsim::policies {

enum class BudgetScope : unsigned char { kFacility, kUps, kPdu };
enum class LoweringOrder : unsigned char { kLowestBeta, kHighestPower, kNewest };

struct CapToBudgetConfig {
  double budget_w = 0.0;  // 0: none (only the tree's capacities are enforced)
  BudgetScope scope = BudgetScope::kFacility;
  LoweringOrder order = LoweringOrder::kLowestBeta;
  double raise_margin = 0.05;  // fraction of the limit kept free when raising
};

class CapToBudget final : public Manager {
 public:
  explicit CapToBudget(const CapToBudgetConfig& config) : config_(config) {}

  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site) override;
  void on_capacity_violation(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site,
                             const power::CapacityViolation& violation) override;

  // Instants at which some limit stayed exceeded with every job under it at its lowest state.
  std::uint64_t unmet_instants() const { return unmet_instants_; }
  // P-state steps taken down and up (over all jobs).
  std::uint64_t steps_down() const { return steps_down_; }
  std::uint64_t steps_up() const { return steps_up_; }

 private:
  static constexpr std::size_t kNotMine = static_cast<std::size_t>(-2);
  static constexpr std::uint32_t kFacility = 0xFFFFFFFFu;  // a limit that is not a tree element

  struct Tracked {
    std::uint64_t seq = 0;
    std::uint32_t site = 0;
    bool tracked = false;
    bool lowered = false;
    std::size_t level = 0;                 // the highest p-state index this manager allows the job
    std::size_t ceiling = 0;               // the highest index any of its accelerators may reach unlowered
    std::size_t pos = 0, lowered_pos = 0;  // in its site's jobs and lowered lists
  };
  struct Site {
    std::vector<datacenter::SlotId> jobs, lowered;
    std::vector<power::ElementId> scope_elements;  // of the scope's kind, when a budget is set
    std::vector<power::ElementId> limited;         // above the nodes, with a finite capacity: always checked
    std::vector<power::ElementId> watch;           // reported over capacity, maybe still
  };
  struct Candidate {
    double key = 0.0;  // larger: lowered first
    std::uint64_t seq = 0;
    datacenter::SlotId slot = 0;
  };
  struct Delta {
    std::uint32_t element = 0;  // or kFacility
    double watts = 0.0;
  };

  void init(const datacenter::ClusterView& view);
  std::size_t accel_index(datacenter::NodeId n, std::uint32_t i) const { return accel_offset_[n] + i; }
  bool alive(const datacenter::ClusterView& view, datacenter::SlotId slot) const;
  void track(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot);
  void forget(datacenter::SlotId slot);
  void restore(const datacenter::ClusterView& view, datacenter::Actions& actions, const datacenter::RunningJob& job);

  // The limit of a tree element (infinity: none) and whether it is exceeded now.
  double element_limit_w(const power::PowerTree& tree, power::ElementId e) const;
  bool exceeded(const datacenter::ClusterView& view, std::uint32_t site, std::uint32_t limit) const;
  bool under(const datacenter::ClusterView& view, const datacenter::RunningJob& job, std::uint32_t limit) const;
  double key(const datacenter::RunningJob& job) const;
  bool lowerable(const datacenter::ClusterView& view, const datacenter::RunningJob& job) const;

  void apply(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot,
             std::size_t level);
  void lower_step(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot);
  // Lowers until every limit of the site is met or nothing under it can go lower.
  void lower(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site);
  void lower_under(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site,
                   std::uint32_t limit);
  void raise(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site);
  // Fills deltas_ with the predicted change of every limit the job draws under if it were raised
  // to `level`.
  void predict(const datacenter::ClusterView& view, const datacenter::RunningJob& job, std::size_t level);
  void balance(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site, bool raise_too);

  CapToBudgetConfig config_;
  bool initialised_ = false;
  bool balancing_ = false;                 // inside our own actions: a capacity violation is only noted
  std::vector<std::size_t> accel_offset_;  // per node: its first accelerator's global index
  // Per accelerator: the limit it had before this manager set one (its job's ceiling), and the
  // limit this manager set (kNotMine: none of ours is in force).
  std::vector<std::size_t> accel_orig_, accel_mine_;
  std::vector<Tracked> jobs_;  // by slot
  std::vector<Site> sites_;
  std::vector<Candidate> heap_;           // scratch
  std::vector<Delta> deltas_;             // scratch
  std::vector<power::ElementId> limits_;  // scratch: the exceeded elements of a site
  simcore::SimTime last_unmet_ = simcore::SimTime::min();
  simcore::SimTime no_raise_at_ = simcore::SimTime::min();
  std::uint64_t unmet_instants_ = 0, steps_down_ = 0, steps_up_ = 0;
};

PolicyInfo cap_to_budget_info();

}  // namespace wattsim::policies
