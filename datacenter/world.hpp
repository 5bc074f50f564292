#pragma once
// The simulated world: the facility's state and the event handlers that move jobs, watts and
// carbon through the models (DESIGN.md §1-3, §6).
//
// Event flow: arrival -> (queue) -> decision point -> policy -> start -> node power change
// -> power tree -> facility power and carbon -> completion -> (release) -> decision point ...
// Every power change is pushed incrementally (O(depth) in the power tree, O(1) for the site
// meters); energy and carbon are integrated exactly between events.
//
// Energy per site, over the run, splits exactly into
//   facility = sum of job energies + idle + PSU losses + distribution losses + overhead
// where a job is charged its accelerators' power plus k/N of its nodes' busy host power for
// the k of N accelerators it holds (so that host power splits exactly between jobs and idle:
// base(a) = (1 - a) base_idle + a base_busy for a fraction a allocated), idle is what no job
// is charged (unallocated accelerators' idle power, the unallocated share of idle host power,
// nodes off or booting), PSU losses are IT (wall) minus DC power, distribution losses are the
// power tree's losses above the nodes, and overhead is (pue - 1) x IT (datacenter/config.hpp).
// Those are DC energies; the wall (IT) and facility energies, location-based and grid carbon
// and energy cost are shared among the jobs and idle in proportion to their DC power
// (datacenter/attribution.hpp), so that jobs + idle = the site's total for each.
//
// Eligibility: a job enters the queue at max(submit, earliest start); until then it is held
// and no policy sees it. A job's wait is counted from then.

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datacenter/attribution.hpp"
#include "datacenter/config.hpp"
#include "datacenter/observer.hpp"
#include "datacenter/policy.hpp"
#include "datacenter/state.hpp"
#include "simcore/quantile_histogram.hpp"
#include "simcore/random.hpp"
#include "simcore/simulation.hpp"
#include "workloads/job.hpp"

namespace wattsim::datacenter {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SiteSummary {
  std::string name;
  double it_energy_j = 0, facility_energy_j = 0, dc_energy_j = 0;
  double jobs_energy_j = 0, idle_energy_j = 0;  // DC, from the site's meters
  // Shares (datacenter/attribution.hpp): what the jobs were charged, and idle.
  Attributed jobs, idle;
  double psu_loss_j = 0, distribution_loss_j = 0, overhead_j = 0;
  double peak_facility_power_w = 0;
  double carbon_location_kg = 0;  // on the accounting basis (carbon.accounting)
  // Location-based carbon on each basis: the same as carbon_location_kg on the accounting
  // basis; on the other, the integral of facility power x that series (NaN without one).
  double carbon_location_average_kg = 0, carbon_location_marginal_kg = 0;
  // From the settlement and the carbon ledger.
  supply::Flows supply;
  carbon::LedgerTotals ledger;
  double embodied_kg = 0;  // hardware's embodied carbon amortised over the run
  double battery_full_cycles = 0;
  double battery_capacity_j = 0;  // at the end, after fade
  double accelerator_seconds_busy = 0;
  std::uint32_t accelerators = 0;
  std::size_t capacity_violations = 0;
  double capacity_violation_s = 0;
  // Cooling and heat reuse (for a fixed-PUE site, cooling is the fixed overhead).
  double cooling_j = 0, heat_pump_j = 0, heat_recovered_j = 0, heat_delivered_j = 0;
  double water_l = 0;
  double heat_avoided_kg = 0, heat_revenue = 0;
  // Rack inlets (sites with a thermal model): the highest at any instant (NaN without one),
  // violations and the rack-seconds above the limit.
  double max_inlet_c = std::numeric_limits<double>::quiet_NaN();
  std::size_t thermal_violations = 0;
  double thermal_violation_s = 0;
  std::vector<thermal::Violation> thermal_violation_list;  // per site only (not added by +=)
  // Power-tree elements above their capacity (per site only, not added by +=).
  struct CapacityRecord {
    std::string element;  // its name in the site's power tree: "feed", "ups", "pdu-2", "rack-7", "rack-7/node-3"
    std::string kind;     // "feed", "ups", "pdu", "rack", "node"
    simcore::SimTime start, end;  // end: the end of the run for one still open
    double capacity_w = 0, peak_w = 0;
  };
  std::vector<CapacityRecord> capacity_violation_list;
  // Ratios are NaN where their denominator is 0 (nothing ran: no energy).
  double pue() const { return it_energy_j > 0 ? facility_energy_j / it_energy_j : kNaN; }
  // The Green Grid's metrics: partial PUE of cooling (IT + cooling) / IT; energy reuse
  // effectiveness (facility - reused) / IT; energy reuse factor reused / facility; water usage
  // effectiveness in L per kWh of IT energy.
  double pue_partial_cooling() const { return it_energy_j > 0 ? (it_energy_j + cooling_j) / it_energy_j : kNaN; }
  double ere() const { return it_energy_j > 0 ? (facility_energy_j - heat_delivered_j) / it_energy_j : kNaN; }
  double erf() const { return facility_energy_j > 0 ? heat_delivered_j / facility_energy_j : kNaN; }
  double wue_l_per_kwh() const { return it_energy_j > 0 ? water_l / (it_energy_j / 3.6e6) : kNaN; }
  // Adds another site's energies, counts and carbon (not its peak: peaks do not add).
  SiteSummary& operator+=(const SiteSummary& o);
};

struct RunSummary {
  simcore::SimTime end;       // the run covers [0, end]
  simcore::SimTime makespan;  // the last completion (0 when none)
  std::uint64_t jobs_submitted = 0, jobs_started = 0, jobs_completed = 0;
  std::uint64_t jobs_running = 0, jobs_queued = 0, jobs_rejected = 0;  // queued: with the deferred
  // Jobs the workload's oversize filter dropped before they arrived (workload.oversize = "skip");
  // set by the caller that owns the filter, not by the world.
  std::uint64_t jobs_skipped_oversize = 0;
  double mean_wait_s = 0, p95_wait_s = 0, max_wait_s = 0;  // over started jobs, from eligibility
  std::uint64_t jobs_held = 0;  // not yet eligible at the end (earliest start after it)
  std::uint64_t deadline_misses = 0;  // jobs that ended after their deadline, or were unfinished past it
  double deadline_miss_s = 0;         // their lateness, summed (to the end of the run for unfinished ones)
  // Interruptions: suspensions (Actions::suspend), jobs hit by node failures, node failures,
  // the work redone after failures (accelerator-seconds at full speed) and its DC energy.
  std::uint64_t suspensions = 0, job_failures = 0, node_failures = 0;
  double lost_work = 0, lost_energy_j = 0;
  std::uint64_t jobs_suspended = 0;  // still suspended at the end
  // Work done (accelerator-seconds at full speed): of finished jobs, and the progress of jobs
  // unfinished at the end (running, suspended or requeued, from their last checkpoint). Work
  // lost to failures and redone counts once. Runs that finish different work compare per unit
  // of it.
  double work_done = 0;
  // Jobs with a deadline (flexible work) that started, and their mean wait from eligibility
  // (NaN when none started): the delay carbon-aware policies add.
  std::uint64_t flexible_jobs_started = 0;
  double flexible_mean_wait_s = kNaN;
  // DC energy of jobs while they wrote a checkpoint on suspension or read one back on restart.
  double checkpoint_energy_j = 0;
  // Jobs a router sent to another site (Actions::route), the energy of moving their data, off
  // the facilities' meters, and its carbon.
  std::uint64_t transfers = 0;
  double transfer_energy_j = 0, transfer_kg = 0;
  // The policy's own figures (Policy::report).
  PolicyFigures policy_figures;
  std::vector<SiteSummary> sites;
  SiteSummary total;  // sums; the peak is of the summed facility power
  std::uint64_t events = 0;
  double mean_accelerator_utilisation() const {
    const double span = end.to_seconds() * total.accelerators;
    return span > 0 ? total.accelerator_seconds_busy / span : kNaN;
  }
};

class World final : public Actions, private power::PowerTreeListener, private thermal::ViolationListener {
 public:
  // The config's hardware specs, the source, the policy and the observer must outlive the
  // world. Throws simcore::InputError for an inconsistent configuration.
  World(const WorldConfig& config, workloads::JobSource& source, Policy& policy, WorldObserver* observer);
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() override;

  // Runs to the horizon (or until nothing more can happen) and returns the summary; call once.
  RunSummary run(simcore::ProgressSink* progress = nullptr);

  const WorldState& state() const { return state_; }
  // The recorded demand of a site (config.record_demand): breakpoints and values in W; the
  // last value holds until the end of the run.
  const std::vector<simcore::SimTime>& demand_times(std::uint32_t site) const { return demand_times_[site]; }
  const std::vector<double>& demand_w(std::uint32_t site) const { return demand_w_[site]; }
  ClusterView view() const { return ClusterView(state_); }

  // The simulation loop's handler interface.
  void on_event(simcore::Simulation& sim, const simcore::Event& e);
  void on_measure(simcore::Simulation& sim, simcore::SimTime t);

  // Actions.
  void start(std::uint64_t seq, const Placement& placement) override;
  void set_power_cap(NodeId node, std::uint32_t accelerator, double cap_w) override;
  void set_pstate_limit(NodeId node, std::uint32_t accelerator, std::size_t max_pstate) override;
  void power_on(NodeId node) override;
  void power_off(NodeId node) override;
  void wake_at(simcore::SimTime when) override;
  void suspend(SlotId slot) override;
  void resume(std::uint64_t seq) override;
  void defer(std::uint64_t seq, simcore::SimTime until) override;
  void route(std::uint64_t seq, std::uint32_t site, simcore::SimTime transfer_time, double transfer_energy_j) override;

 private:
  enum EventKind : std::uint32_t {
    kArrival, kCompletion, kDecision, kSignal, kBootComplete, kTimer, kThrottleRelease, kRelease,
    kPhaseEnd, kFailure, kRepair, kListedFailure, kHoldEnd
  };
  struct Snapshot {  // running integrals at the last measurement tick
    double dc_j = 0, it_j = 0, facility_j = 0, busy_s = 0, queued_s = 0, k = 0;
    double cooling_j = 0, heat_pump_j = 0, heat_recovered_j = 0, heat_delivered_j = 0, water_l = 0, outside_c_s = 0;
    supply::Flows flows;
  };
  struct ThermalEvent {  // a violation's start or end, dispatched after the event that caused it
    std::uint32_t site;
    thermal::Violation violation;
    bool started;
  };

  void build_site(const SiteConfig& config, std::uint32_t index, std::uint32_t& rack_counter);
  void pull_next_job();
  void request_decision() { decision_due_ = true; }
  // Runs a due decision now if nothing at this instant must come first, else queues it as an
  // event in the decision phase.
  void settle();
  void handle_arrival();
  void enqueue(workloads::Job&& job);  // it is eligible now
  void release_held();               // the held job whose earliest start is now
  // Rows: of finished jobs whose shares are settled, in the order they finished; of a started
  // job (closing its account); of any job (its deadline noted against `end` if unfinished).
  void emit_settled(std::uint32_t site);
  void emit_started(SlotId slot);
  // Closes the account of a job that ran (history.account) at `at` and writes its charges,
  // site, first start and interruptions into `rec`.
  void charge(JobRecord& rec, const JobHistory& h, simcore::SimTime at);
  void emit(JobRecord& record, simcore::SimTime end);
  void finish_job(SlotId slot);
  // Takes a job off its accelerators (its power to 0, its slot freed); its row is not written.
  void release_job(SlotId slot);
  // Puts a job back in the queue at its place by seq.
  void requeue(QueuedJob&& q);
  // A job's power changed (or it started): the site's job meter, its share and its own energy.
  void set_job_power(RunningJob& r, double p_w);
  // Moves a job's last periodic checkpoint up to now (before any change of its rate).
  void advance_checkpoint(RunningJob& r);
  double job_energy_j(const RunningJob& r) const { return r.energy_j + r.power_w * (state_.now - r.energy_since).to_seconds(); }
  void end_phase(SlotId slot);
  void fail_node(NodeId n, bool drawn);
  void repair_node(NodeId n);
  void schedule_failure(NodeId n);
  void update_node(NodeId n);
  void update_facility(std::uint32_t site);
  double job_power_w(const RunningJob& r) const;
  double node_idle_w(const NodeEntry& e) const;
  void refresh_job(SlotId slot);  // after a cap change: power, speed and completion time
  void schedule_signal(std::uint32_t site);
  double k_now(std::uint32_t site) { return state_.sites[site].intensity.integral_to(state_.now); }
  void emit_intervals(simcore::SimTime end);

  bool nothing_left() const;
  RunSummary summarise(simcore::SimTime end);

  void on_capacity_exceeded(const power::PowerTree& tree, const power::CapacityViolation& v) override;
  void on_capacity_restored(const power::PowerTree&, const power::CapacityViolation&) override {}
  void on_violation_start(const thermal::Violation& v) override { thermal_events_.push_back({thermal_site_, v, true}); }
  void on_violation_end(const thermal::Violation& v) override { thermal_events_.push_back({thermal_site_, v, false}); }
  // Hooks (capacity and thermal violations) and throttling for the violations of the instant,
  // until none are left.
  void dispatch_thermal();
  void throttle_rack(std::uint32_t rack, bool on);  // global rack index

  WorldConfig config_;
  workloads::JobSource& source_;
  Policy& policy_;
  WorldObserver* observer_;
  simcore::Simulation sim_;
  WorldState state_;
  std::optional<workloads::Job> next_job_;  // pulled from the source, its arrival scheduled
  std::uint64_t next_seq_ = 0;
  bool decision_due_ = false;      // something changed: the policy must decide at this instant
  bool decision_pending_ = false;  // ... and a decision event is queued for it
  std::size_t booting_ = 0, timers_ = 0, repairs_ = 0, holds_ = 0;
  std::uint32_t max_site_accelerators_ = 0;
  simcore::Meter queued_, total_facility_;
  double total_facility_w_ = 0.0;
  simcore::QuantileHistogram waits_s_;
  std::uint64_t submitted_ = 0, started_ = 0, completed_ = 0, rejected_ = 0;
  std::uint64_t deadline_misses_ = 0;
  std::uint64_t suspensions_ = 0, job_failures_ = 0, node_failures_ = 0;
  double lost_work_ = 0.0, lost_energy_j_ = 0.0;
  double work_finished_ = 0.0;  // of finished jobs
  std::uint64_t flexible_started_ = 0;
  double flexible_wait_s_ = 0.0;
  double checkpoint_energy_j_ = 0.0;
  std::uint64_t transfers_ = 0;
  double transfer_energy_j_ = 0.0, transfer_kg_ = 0.0;
  // A queued or deferred job by seq (std::logic_error naming `what` when it is neither).
  QueuedJob& waiting_job(std::uint64_t seq, const char* what);
  // Returns the deferred jobs whose hold ends now to the queue.
  void release_holds();
  // Pending hold ends (a min-heap by time, then seq); stale entries are skipped.
  std::vector<std::pair<simcore::SimTime, std::uint64_t>> hold_ends_;
  // The other basis's carbon integral of a site up to now (before its facility power changes).
  void advance_other_carbon(SiteState& s);
  std::vector<simcore::SimTime> node_mtbf_, node_repair_;  // per node (mtbf zero: never fails by chance)
  std::vector<simcore::SimTime> next_failure_;              // per node: its pending drawn failure
  std::optional<simcore::RandomStream> failure_rng_;
  double deadline_miss_s_ = 0.0;
  // Jobs submitted before their earliest start: a min-heap by (earliest start, arrival order).
  std::vector<QueuedJob> held_;
  // Per site: the slots of finished jobs whose grid carbon and cost wait for the settlement to
  // pass their end (inactive, holding the job; recycled once the row is written).
  std::vector<std::deque<SlotId>> finishing_;
  std::vector<std::uint64_t> emitted_at_;         // per site: the settlements seen by emit_settled
  std::vector<Attributed> jobs_charged_;          // per site: the jobs' shares, as they are recorded
  simcore::SimTime makespan_;
  simcore::SimTime last_tick_;
  std::vector<Snapshot> snapshots_;  // per site
  struct DemandPoint {
    simcore::SimTime time;
    double watts = 0.0;
    bool pending = false;
  };
  void note_demand(std::uint32_t site, simcore::SimTime t, double watts);
  void commit_demand(std::uint32_t site);
  std::vector<DemandPoint> demand_pending_;  // per site: the latest instant's report
  std::vector<char> demand_committed_;       // per site: a point has been committed
  std::vector<double> demand_last_w_;        // per site: the last committed demand
  std::vector<std::vector<simcore::SimTime>> demand_times_;  // per site, when recorded
  std::vector<std::vector<double>> demand_w_;
  Snapshot total_snapshot_;
  // Racks over all sites (global index): node input power, its meter, the energy at the last
  // tick, the first node and the accelerator kind; the buffers of on_racks.
  std::vector<double> rack_w_;
  std::vector<simcore::Meter> rack_meters_;
  std::vector<double> rack_energy_tick_j_;
  std::vector<NodeId> rack_first_node_;
  std::vector<std::uint32_t> rack_nodes_;
  std::vector<const power::AcceleratorSpec*> rack_accel_;
  std::vector<char> rack_throttled_;
  std::vector<std::vector<double>> rack_saved_caps_;  // per rack: the caps before its throttle
  std::vector<double> rack_power_avg_w_, rack_inlet_avg_c_;
  std::uint32_t thermal_site_ = 0;  // the site whose thermal model is being updated
  std::vector<ThermalEvent> thermal_events_;
  struct CapacityEvent {  // a power-tree element above its capacity, dispatched after the event
    std::uint32_t site;
    power::CapacityViolation violation;
  };
  std::vector<CapacityEvent> capacity_events_;
  bool dispatching_thermal_ = false;
  bool ran_ = false;
};

}  // namespace wattsim::datacenter
