#pragma once
// demand-response: answers grid events (a CSV of start, duration, shed_kw[, price]) by
// lowering clocks and suspending preemptible jobs, and reports how well each was met.
//
// At an event's start less `notice` the manager reads the baseline: the facility power (all
// sites together) that held just before that instant; target = baseline - shed. From then to
// the event's end, at every call it gets (decision, arrival, start, completion, signal, timer),
// while the power P exceeds the target it answers in `order`:
//   - caps: the running job drawing the most DC power (not one writing a checkpoint), among
//     those with an accelerator above its lowest p-state, gets all its accelerators limited to
//     one state below the highest any of them is in (Actions::set_pstate_limit); P is read
//     again; repeat;
//   - suspensions: preemptible running jobs (with a deadline: only when can_suspend says it can
//     still be met), the highest DC power first, each counted as gone
//     at once (power x facility / IT power of its site) although it draws power while it
//     writes its checkpoint.
// "cap-first" does caps, then suspensions; "suspend-first" the reverse. Flexible arrivals
// (jobs with a deadline) during the event are deferred to its end, or to their latest start
// (deadline - runtime at the fleet's slowest speed - margin) when that is sooner. At the end the
// clock limits it set are put back (where no one changed them since) and the jobs it suspended
// are resumed.
// Figures: an event is met when the facility power was <= target at every call within
// [start, end) and its mean over [start, end) was <= target; shed energy = the integral over
// [start, end) of baseline - facility power (kWh, at least 0 per event), revenue = shed x the
// event's price. The facility power is read at every call and held until the next: every change
// of power comes with a call (starts, ends, checkpoint ends, signals). Events that end before
// the run starts are ignored; one still open when the run ends counts in `events` only.
//
// Cost per call: O(1) outside events; within one, O(J) per clock step and O(J log J) per
// suspension round (J running jobs).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "policies/flexible.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

struct GridEvent {
  bool absolute = false;       // start is UTC (us since the epoch), else from the run's start
  simcore::SimTime start;
  simcore::SimTime duration;
  double shed_w = 0.0;
  double price_per_kwh = 0.0;  // per kWh shed
};

// Reads a grid-event CSV: a header naming `start`, `duration`, `shed_kw` and optionally `price`
// (any order; blanks around names and cells ignored), then one event per line. start: an ISO-8601
// UTC time ("2023-06-01T14:00:00Z", as the series CSVs) or a plain number of seconds from the
// run's start (one kind per file); duration: seconds, or a quantity ("2 h"); shed_kw > 0;
// price >= 0 (currency per kWh shed; empty or absent: `default_price`). Events must be in order
// and not overlap. Throws simcore::InputError with every problem at file:line.
std::vector<GridEvent> read_grid_events(const std::string& path, double default_price);

struct DemandResponseConfig {
  std::vector<GridEvent> events;
  bool cap_first = true;
  simcore::SimTime notice;  // how long before an event's start the answer begins
  simcore::SimTime margin = simcore::SimTime::minutes(15);
};

class DemandResponse final : public Manager {
 public:
  explicit DemandResponse(DemandResponseConfig config) : config_(std::move(config)) {}

  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site) override;
  void report(datacenter::PolicyFigures& out) const override;

  std::uint64_t events() const { return events_; }
  std::uint64_t events_met() const { return met_; }
  std::uint64_t events_missed() const { return missed_; }
  double shed_kwh() const { return shed_kwh_; }
  double revenue() const { return revenue_; }
  std::uint64_t suspensions() const { return suspensions_; }
  std::uint64_t clock_steps() const { return clock_steps_; }

 private:
  struct Limit {
    std::size_t original = 0, mine = 0;
  };
  void init(const datacenter::ClusterView& view);
  double total_power_w(const datacenter::ClusterView& view) const;
  double predicted_w(const datacenter::ClusterView& view);
  void step(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void begin(double baseline_w);
  void finish(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void shed(const datacenter::ClusterView& view, datacenter::Actions& actions);
  bool cap_step(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void suspend_until_target(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void schedule_wake(const datacenter::ClusterView& view, datacenter::Actions& actions);
  simcore::SimTime begin_time(const GridEvent& e) const { return e.start - config_.notice; }

  DemandResponseConfig config_;
  bool initialised_ = false;
  std::size_t next_ = 0;   // the next event to begin
  bool active_ = false;    // events[current_] has begun and not ended
  std::size_t current_ = 0;
  double baseline_w_ = 0.0, target_w_ = 0.0;
  bool violated_ = false;
  double shed_j_ = 0.0, facility_j_ = 0.0;  // over the current event
  simcore::SimTime last_t_ = simcore::SimTime::min();
  double last_w_ = 0.0, before_w_ = 0.0;  // the power after the last call, and before its instant
  simcore::SimTime wake_ = simcore::SimTime::max();
  std::map<std::pair<datacenter::NodeId, std::uint32_t>, Limit> limits_;
  std::vector<std::pair<datacenter::SlotId, std::uint64_t>> suspending_;
  std::vector<std::uint64_t> suspended_;
  std::vector<std::pair<double, datacenter::SlotId>> candidates_;  // scratch
  SlowestSpeed slowest_;
  std::uint64_t events_ = 0, met_ = 0, missed_ = 0, suspensions_ = 0, clock_steps_ = 0, holds_ = 0;
  double shed_kwh_ = 0.0, revenue_ = 0.0;
};

PolicyInfo demand_response_info();

}  // namespace wattsim::policies
