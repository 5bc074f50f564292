#pragma once
// A scenario's policy as a composition (DESIGN.md §6): one scheduler, one placement rule and
// any number of managers, each registered by name with typed parameters
// (policies/registry.hpp).
//
//   - A Scheduler decides which queued jobs start, and when; it asks the placement rule where.
//   - A PlacementRule answers "where would g accelerators go, given this free capacity".
//   - A Manager does everything else: power states, caps, clocks, suspensions. It sees every
//     event the world reports and acts after each decision.
//
// StackPolicy is the datacenter::Policy the world runs: at a decision point the scheduler
// schedules, then each manager's after_schedule runs in the order the scenario lists them.
// Every event goes to the scheduler and then to each manager, in that order. Timers are
// shared: on_timer reaches every part, each of which checks whether its own time has come.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datacenter/policy.hpp"

namespace wattsim::policies {

class PlacementRule {
 public:
  virtual ~PlacementRule() = default;
  // Fills `out` and returns true when `accelerators` fit in `capacity` (free accelerators per
  // node: the view's own, or a copy with future releases added or a reservation taken out).
  // A job that fits on one node (accelerators <= view.max_node_accelerators()) never spans
  // nodes; a larger one takes whole free nodes of one site. `site` is datacenter::kAnySite
  // (any site) or a site index: then only that site's nodes are considered (callers pass
  // view.required_site(q) for the job: where it ran before, or where a router sent it), and
  // a rule must not scan other sites' nodes. `out` is cleared on false.
  virtual bool place(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity,
                     std::uint32_t accelerators, std::uint32_t site, datacenter::Placement& out) = 0;
};

// Every hook of datacenter::Policy but schedule(), and after_schedule().
class Part {
 public:
  virtual ~Part() = default;
  virtual void on_arrival(const datacenter::ClusterView&, datacenter::Actions&, const datacenter::QueuedJob&) {}
  virtual void on_start(const datacenter::ClusterView&, datacenter::Actions&, datacenter::SlotId) {}
  virtual void on_completion(const datacenter::ClusterView&, datacenter::Actions&, const datacenter::RunningJob&) {}
  virtual void on_timer(const datacenter::ClusterView&, datacenter::Actions&) {}
  virtual void on_signal(const datacenter::ClusterView&, datacenter::Actions&, std::uint32_t /*site*/) {}
  virtual void on_capacity_violation(const datacenter::ClusterView&, datacenter::Actions&, std::uint32_t /*site*/,
                                     const power::CapacityViolation&) {}
  virtual void on_thermal_violation(const datacenter::ClusterView&, datacenter::Actions&, std::uint32_t /*site*/,
                                    const thermal::Violation&, bool /*started*/) {}
  virtual void on_node_failure(const datacenter::ClusterView&, datacenter::Actions&, datacenter::NodeId,
                               bool /*repaired*/) {}
  // At the end of the run: the part's own figures (datacenter::PolicyFigures).
  virtual void report(datacenter::PolicyFigures& /*out*/) const {}
};

class Scheduler : public Part {
 public:
  // At a decision point: start what should start, placed by `placement`.
  virtual void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) = 0;
};

class Manager : public Part {
 public:
  // After the scheduler, at every decision point (the queue or the free capacity changed).
  virtual void after_schedule(const datacenter::ClusterView&, datacenter::Actions&) {}
};

class StackPolicy : public datacenter::Policy {
 public:
  StackPolicy(std::unique_ptr<Scheduler> scheduler, std::unique_ptr<PlacementRule> placement,
              std::vector<std::unique_ptr<Manager>> managers);

  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_arrival(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::QueuedJob& j) override;
  void on_start(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& v, datacenter::Actions& a, const datacenter::RunningJob& r) override;
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override;
  void on_signal(const datacenter::ClusterView& v, datacenter::Actions& a, std::uint32_t site) override;
  void on_capacity_violation(const datacenter::ClusterView& v, datacenter::Actions& a, std::uint32_t site,
                             const power::CapacityViolation& violation) override;
  void on_thermal_violation(const datacenter::ClusterView& v, datacenter::Actions& a, std::uint32_t site,
                            const thermal::Violation& violation, bool started) override;
  void on_node_failure(const datacenter::ClusterView& v, datacenter::Actions& a, datacenter::NodeId node,
                       bool repaired) override;
  void report(datacenter::PolicyFigures& out) const override;

  Scheduler& scheduler() { return *scheduler_; }
  PlacementRule& placement() { return *placement_; }
  std::size_t manager_count() const { return managers_.size(); }
  Manager& manager(std::size_t i) { return *managers_[i]; }

 private:
  template <typename F>
  void each(F&& f) {
    f(static_cast<Part&>(*scheduler_));
    for (auto& m : managers_) f(static_cast<Part&>(*m));
  }
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<PlacementRule> placement_;
  std::vector<std::unique_ptr<Manager>> managers_;
};

}  // namespace wattsim::policies
