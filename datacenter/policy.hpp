#pragma once
// The policy interface (DESIGN.md §6): what a policy sees and what it may do. The world calls
// a policy at decision points and on events; the policy reads the state through ClusterView
// (read-only) and acts through Actions. datacenter/ never includes a concrete policy; policies/
// implements this interface and registers by name.
//
// Decision points: once per instant at which the queue or the free capacity changed, after
// every completion and arrival at that instant (phase 4 of DESIGN.md §2).

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "datacenter/state.hpp"

namespace wattsim::datacenter {

// Where a job runs: how many accelerators on which nodes (all in one site). The world picks
// the free accelerators within each node (lowest index first).
struct Placement {
  struct Part {
    NodeId node;
    std::uint32_t accelerators;
  };
  std::vector<Part> parts;
  void clear() { parts.clear(); }
  bool empty() const { return parts.empty(); }
};

class ClusterView {
 public:
  static constexpr std::size_t kNone = MaxTree::kNone;
  explicit ClusterView(const WorldState& state) : s_(state) {}

  simcore::SimTime now() const { return s_.now; }
  // The absolute UTC time (microseconds since the epoch) of simulated time 0 (the scenario's
  // start; 0 when it gives none), to read calendar times of a policy's own files.
  simcore::SimTime calendar_origin() const { return s_.calendar_origin; }

  // Nodes (ids over all sites).
  std::size_t node_count() const { return s_.nodes.size(); }
  std::uint32_t site_of(NodeId n) const { return s_.nodes[n].site; }
  std::uint32_t accelerators(NodeId n) const { return static_cast<std::uint32_t>(s_.nodes[n].owner.size()); }
  std::uint32_t free_accelerators(NodeId n) const { return s_.capacity.free(n); }
  power::NodeState node_state(NodeId n) const { return s_.nodes[n].node.state(); }
  std::uint32_t max_node_accelerators() const { return s_.max_node_accelerators; }
  // The node model itself: its spec (boot time and energy, host power), and per accelerator
  // the power cap, the clock limit, the p-state in force and its power.
  const power::Node& node(NodeId n) const { return s_.nodes[n].node; }
  // The node's accelerator spec (p-states, idle power); null for a host-only node.
  const power::AcceleratorSpec* accelerator_spec(NodeId n) const { return s_.nodes[n].node.accelerator_spec(); }
  // The slot of the job running on accelerator i of node n, or kNoSlot.
  SlotId owner(NodeId n, std::uint32_t i) const { return s_.nodes[n].owner[i]; }
  // Since when node n has been up with nothing placed on it (SimTime::max() while it is busy,
  // off, booting or failed).
  simcore::SimTime idle_since(NodeId n) const { return s_.nodes[n].idle_since; }
  // A failed node is down until it is repaired (the world boots it then); no policy may
  // power it on.
  bool failed(NodeId n) const { return s_.nodes[n].failed; }
  // Lowest-index node at or after `from` with at least `count` free accelerators; kNone if none.
  std::size_t first_node_with_free(std::uint32_t count, std::size_t from = 0) const {
    return s_.capacity.first_with(count, from);
  }
  // Lowest-index node at or after `from` whose accelerators are all free; kNone if none.
  std::size_t first_free_node(std::size_t from = 0) const { return s_.capacity.first_whole(from); }
  // The free-capacity index itself, to copy for "what if" questions.
  const FreeCapacity& capacity() const { return s_.capacity; }

  // Moves whenever an accelerator's power cap or clock limit, or a node's failed state, changes:
  // what a policy derives from them (the fleet's slowest speed) holds while it stays.
  std::uint64_t limits_version() const { return s_.limits_version; }

  // Sites.
  std::size_t site_count() const { return s_.sites.size(); }
  std::uint32_t site_first_node(std::uint32_t site) const { return s_.sites[site].first_node; }
  std::uint32_t site_node_count(std::uint32_t site) const { return s_.sites[site].node_count; }
  std::uint32_t site_accelerators(std::uint32_t site) const { return s_.sites[site].accelerators; }
  double facility_power_w(std::uint32_t site) const { return s_.sites[site].facility.power_w; }
  // IT (wall) power of the site: every node's input.
  double it_power_w(std::uint32_t site) const { return s_.sites[site].it_w; }
  double carbon_intensity_g_per_kwh(std::uint32_t site) const { return s_.sites[site].intensity_g_per_kwh; }
  // What the policy is told of a signal's future at `site` (models/forecast/forecast.hpp): ask
  // it with issued = now(). Null where the site has no such signal (no marginal series, no
  // price, no renewables, no weather).
  const forecast::Forecast* forecast(std::uint32_t site, Signal signal) const {
    return s_.sites[site].forecasts[static_cast<std::size_t>(signal)];
  }

  // The power tree (feed -> [ups] -> [pdus] -> racks -> nodes) of a site: each element's
  // kind, name, parent, capacity and its present load and input (models/power/power_tree.hpp).
  const power::PowerTree& power_tree(std::uint32_t site) const { return s_.sites[site].tree; }
  // Node n's element in its site's tree; its parent is its rack, the rack's parent a PDU (or
  // the UPS, or the feed).
  power::ElementId node_element(NodeId n) const { return s_.nodes[n].element; }
  // Node n's rack, the site's own index (0 = the site's first rack).
  std::uint32_t rack_of(NodeId n) const { return s_.nodes[n].rack - s_.sites[s_.nodes[n].site].first_rack; }
  std::uint32_t rack_count(std::uint32_t site) const { return s_.sites[site].rack_count; }

  // Outside temperature in C, NaN without a weather series; a rack's inlet temperature in C
  // (rack: the site's own index), NaN without a thermal model.
  double outside_temp_c(std::uint32_t site) const {
    return s_.sites[site].has_outside ? s_.sites[site].outside_c : std::numeric_limits<double>::quiet_NaN();
  }
  bool has_thermal_model(std::uint32_t site) const { return s_.sites[site].thermal != nullptr; }
  double rack_inlet_c(std::uint32_t site, std::uint32_t rack) const {
    const auto& t = s_.sites[site].thermal;
    return t ? t->inlet_c(rack) : std::numeric_limits<double>::quiet_NaN();
  }
  // The site's supply now (settled on a copy up to now): battery energy, its present
  // capacity, on-site generation, grid price.
  double battery_energy_j(std::uint32_t site) const { return s_.sites[site].supply->peek(s_.now).battery().energy_j; }
  double battery_capacity_j(std::uint32_t site) const { return s_.sites[site].supply->peek(s_.now).battery().capacity_j; }
  // The battery's discharge power limit (delivered to the bus), W; 0 without a battery. O(1).
  double battery_max_discharge_w(std::uint32_t site) const {
    const auto& b = s_.sites[site].supply->config().battery;
    return b.capacity_j > 0.0 ? b.max_discharge_w : 0.0;
  }
  double renewable_w(std::uint32_t site) const;
  double price_per_kwh(std::uint32_t site) const;
  // Renewable output above the facility's demand (0 when there is none).
  double surplus_w(std::uint32_t site) const;

  // The queue, in arrival order (a resumed or requeued job keeps its place by arrival).
  std::size_t queue_length() const { return s_.queue.size(); }
  const QueuedJob& queued(std::size_t position) const { return s_.queue[position]; }
  // Jobs a policy holds back (Actions::defer, route), by seq; each returns to the queue at its
  // place by arrival at its not_before, or when a policy lifts the hold.
  const std::map<std::uint64_t, QueuedJob>& deferred() const { return s_.deferred; }
  // The site the job must run on (where it ran before, or where a router sent it), kAnySite
  // when any will do.
  std::uint32_t required_site(const QueuedJob& q) const { return q.history.ran() ? q.history.site : q.site; }
  // Suspended jobs (Actions::suspend), waiting for Actions::resume.
  std::size_t suspended_count() const { return s_.suspended.size(); }
  const QueuedJob& suspended(std::size_t i) const { return s_.suspended[i]; }

  // Running jobs, by slot (some slots are empty: check active).
  std::size_t running_count() const { return s_.running_count; }
  std::size_t running_slots() const { return s_.running.size(); }
  const RunningJob& running(SlotId slot) const { return s_.running[slot]; }

 private:
  const WorldState& s_;
};

class Actions {
 public:
  virtual ~Actions() = default;
  // Starts the queued job with arrival sequence `seq` on `placement`. A placement that does not
  // fit (wrong total, nodes without room, several sites; a job that ran before on another site)
  // is a policy bug: std::logic_error.
  virtual void start(std::uint64_t seq, const Placement& placement) = 0;
  // Power cap of one accelerator (infinity removes it); p-states and job speeds follow at once.
  virtual void set_power_cap(NodeId node, std::uint32_t accelerator, double cap_w) = 0;
  // The highest p-state one accelerator may use (power::Node::kNoLimit removes the limit);
  // the state in force is the lower of this and the cap's. Job speeds follow at once.
  virtual void set_pstate_limit(NodeId node, std::uint32_t accelerator, std::size_t max_pstate) = 0;
  virtual void power_on(NodeId node) = 0;
  virtual void power_off(NodeId node) = 0;
  // Calls the policy's on_timer at `when` (>= now).
  virtual void wake_at(simcore::SimTime when) = 0;
  // Suspends a running job: it writes a checkpoint for its checkpoint_s (holding its
  // accelerators, drawing power, making no progress), then releases them and waits, its
  // remaining work kept exactly, until resume(). A job already checkpointing or restoring: a
  // policy bug (std::logic_error).
  virtual void suspend(SlotId slot) = 0;
  // Puts a suspended job back in the queue at its place by arrival; its next start reads the
  // checkpoint for its restore_s before it makes progress again (on the same site).
  virtual void resume(std::uint64_t seq) = 0;
  // Holds a queued (or already deferred) job back until `until` (finite): it leaves the queue,
  // so no scheduler sees it, and returns at its place by arrival then; `until` <= now returns
  // it at once. A hold keeps the run going while it lasts.
  virtual void defer(std::uint64_t seq, simcore::SimTime until) = 0;
  // Sends a queued (or deferred) job that has not run to `site`: its input data travels there for
  // `transfer_time` (it is held until then, as by defer) at a cost of `transfer_energy_j` off
  // the facilities' meters (reported with the run's transfers, its carbon at the intensity of
  // the site it leaves at the time it leaves). Only that site may then run it.
  virtual void route(std::uint64_t seq, std::uint32_t site, simcore::SimTime transfer_time, double transfer_energy_j) = 0;
};

// Figures a policy reports at the end of a run (summary keys "policy_<name>", e.g.
// "policy_demand_response_events_met"): each a name in snake_case with its unit as a suffix
// where it has one ("_kwh", "_s"), and its value.
using PolicyFigures = std::vector<std::pair<std::string, double>>;

class Policy {
 public:
  virtual ~Policy() = default;
  // At a decision point: start what should start.
  virtual void schedule(const ClusterView& view, Actions& actions) = 0;
  virtual void on_arrival(const ClusterView&, Actions&, const QueuedJob&) {}
  // A job has just started (or restarted after a suspension or a failure) in `slot`.
  virtual void on_start(const ClusterView&, Actions&, SlotId /*slot*/) {}
  virtual void on_completion(const ClusterView&, Actions&, const RunningJob&) {}
  virtual void on_timer(const ClusterView&, Actions&) {}
  // A signal of `site` changed: grid carbon intensity, outside temperature or heat demand.
  virtual void on_signal(const ClusterView&, Actions&, std::uint32_t /*site*/) {}
  virtual void on_capacity_violation(const ClusterView&, Actions&, std::uint32_t /*site*/,
                                     const power::CapacityViolation&) {}
  // A rack's inlet rose above its limit (started) or fell back (!started); the rack index is
  // the site's own (0 = its first rack). Called after the event that caused it.
  virtual void on_thermal_violation(const ClusterView&, Actions&, std::uint32_t /*site*/, const thermal::Violation&,
                                    bool /*started*/) {}
  // A node failed (its jobs were requeued) or was repaired (it is booting).
  virtual void on_node_failure(const ClusterView&, Actions&, NodeId /*node*/, bool /*repaired*/) {}
  // At the end of the run: the policy's own figures (appended to `out`).
  virtual void report(PolicyFigures& /*out*/) const {}
};

}  // namespace wattsim::datacenter
