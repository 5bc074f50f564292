#pragma once
// static-cap: one power cap for every accelerator in a scope (a node type, a set of racks),
// always or during a daily window (docs/policies/power-managers.md).
//
// The cap selects each accelerator's p-state (models/power/accelerator.hpp: the highest state
// whose power at the job's utilisation fits under it), so a capped job runs at speed(f) and
// takes longer. Outside the window the accelerators in scope are uncapped (cap removed).
//
// Times of day are read from simulated time: t mod 24 h, with simulated time 0 at midnight UTC
// (the scenario's check refuses a schedule in a scenario that starts at another time of day).
// A window with from > to wraps midnight ("20:00" to "06:00").
//
// When the caps are applied: there is no start-of-run hook, so at the first call the manager
// receives (the first arrival, before any job starts), then at each switch of the window. An
// accelerator with no work placed draws the card's idle power whatever its cap
// (power::Node::accelerator_power_w), so caps applied late to idle accelerators change no
// energy: the result is what caps set at time 0 give. For the same reason a switch matters
// only while jobs run: the manager arms a timer for the next switch only while a job runs, and
// brings the caps up to date at its next call otherwise (an arrival, before the job can start).
//
// Worked example (accelerator states 1.0 / 1.5 / 2.0 GHz at 350 / 480 / 700 W at full load,
// f_nom 2.0 GHz; cap 500 W): a job at u = 1 runs at 1.5 GHz (480 W; 700 W does not fit). With
// beta = 0.5, speed = 1 / (0.5 x 2.0/1.5 + 0.5) = 0.857, so 1000 s of work takes 1166.7 s.
//
// Cost: O(1) per call; O(accelerators in scope) at the first call and at each switch;
// O(nodes) once to find the scope.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policies/registry.hpp"
#include "simcore/time.hpp"

namespace wattsim::policies {

// Inclusive ranges of site-local rack indices from "0-3,7" (spaces allowed; empty: none).
// Throws std::invalid_argument with what is wrong.
std::vector<std::pair<std::uint32_t, std::uint32_t>> parse_rack_ranges(const std::string& text);
// "08:00" or "08:00:30" (00:00 to 23:59:59) as the time since midnight. Throws
// std::invalid_argument with what is wrong.
simcore::SimTime parse_time_of_day(const std::string& text);

struct StaticCapConfig {
  // Per accelerator; 0: no cap (the manager does nothing).
  double cap_w = 0.0;
  // The NodeSpec name; empty: every node type.
  std::string node_type;
  // Site-local rack indices, inclusive ranges; empty: every rack.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> racks;
  // The daily window during which the cap holds (times since midnight); none: always.
  std::optional<simcore::SimTime> from, to;
};

class StaticCapManager final : public Manager {
 public:
  explicit StaticCapManager(StaticCapConfig config);

  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override {
    sync(view, actions);
  }
  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob&) override {
    sync(view, actions);
  }
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId) override {
    sync(view, actions);
  }
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob&) override {
    sync(view, actions);
  }
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t) override {
    sync(view, actions);
  }
  void on_node_failure(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::NodeId,
                       bool) override {
    sync(view, actions);
  }

  // Whether the window holds at simulated time t (always true without a schedule).
  bool in_window(simcore::SimTime t) const;
  // The first switch of the window after t (max without a schedule).
  simcore::SimTime next_switch(simcore::SimTime t) const;

 private:
  // Brings the caps in line with the window at now, and keeps a timer for the next switch while
  // jobs run.
  void sync(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void apply(datacenter::Actions& actions, double cap_w);
  bool in_scope(const datacenter::ClusterView& view, datacenter::NodeId n) const;

  StaticCapConfig config_;
  bool started_ = false;
  bool capped_ = false;  // the cap is in force on the scope
  // The nodes in scope and their accelerator counts.
  std::vector<std::pair<datacenter::NodeId, std::uint32_t>> scope_;
  simcore::SimTime wake_ = simcore::SimTime::max();  // the pending timer; max: none
};

PolicyInfo static_cap_info();

}  // namespace wattsim::policies
