#pragma once
// The facility's state as policies read it and the world's handlers change it: nodes and
// their accelerators, the queue, the running work. Dense arrays indexed by id
// (CONVENTIONS.md): node ids run over all sites in order, running jobs live in recycled slots.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "datacenter/attribution.hpp"
#include "datacenter/config.hpp"
#include "datacenter/free_index.hpp"
#include "models/cooling/cooling_plant.hpp"
#include "models/heat/heat_reuse.hpp"
#include "models/power/accelerator.hpp"
#include "models/power/node.hpp"
#include "models/power/power_tree.hpp"
#include "models/supply/supply_site.hpp"
#include "models/thermal/recirculation.hpp"
#include "simcore/event_queue.hpp"
#include "simcore/meter.hpp"
#include "simcore/step_series.hpp"
#include "workloads/job.hpp"

namespace wattsim::datacenter {

using NodeId = std::uint32_t;
using SlotId = std::uint32_t;
inline constexpr SlotId kNoSlot = 0xFFFFFFFFu;

struct NodeEntry {
  power::Node node;
  std::uint32_t site = 0;
  std::uint32_t rack = 0;  // global rack index
  power::ElementId element = power::kNoElement;  // in its site's power tree
  std::vector<SlotId> owner;  // per accelerator: the running job's slot, or kNoSlot
  double dc_w = 0.0;    // last DC power pushed to the tree
  double wall_w = 0.0;  // its input (PSU) power
  double idle_w = 0.0;  // the part of dc_w not charged to any job
  // Since when the node has been up with nothing placed on it; SimTime::max() otherwise.
  simcore::SimTime idle_since = simcore::SimTime::max();
  bool failed = false;  // down until repaired (the failure model)
};

// One accelerator of a running job.
struct AccelRef {
  NodeId node;
  std::uint32_t index;
};

// What a job carries from one run to the next when it is suspended or its node fails.
struct JobHistory {
  simcore::SimTime first_start = simcore::SimTime::max();  // max(): it never ran
  double remaining = 0.0;   // work left (accelerator-seconds at full speed), once it ran
  bool restore = false;     // its next start reads a checkpoint for restore_s first
  std::uint32_t site = 0;   // where it ran (it resumes there)
  // Its open share of that site (datacenter/attribution.hpp), which holds its DC power (its
  // accelerators + its share of host power).
  SiteShares::Account account = SiteShares::kIdle;
  std::uint32_t suspensions = 0, failures = 0;
  double lost_work = 0.0;      // accelerator-seconds redone after failures
  double lost_energy_j = 0.0;  // DC energy spent on that lost work
  bool ran() const { return first_start != simcore::SimTime::max(); }
};

// What a running job is doing: making progress, or holding its accelerators while it reads
// (after a restart) or writes (on a suspension) a checkpoint.
enum class JobPhase : unsigned char { kRunning, kRestoring, kCheckpointing };

struct RunningJob {
  workloads::Job job;
  std::uint64_t seq = 0;  // its arrival sequence (QueuedJob::seq)
  simcore::SimTime start;  // its latest start (history.first_start: its first)
  std::uint32_t site = 0;
  std::vector<AccelRef> accels;
  power::WorkProgress progress;
  simcore::EventHandle completion;  // its completion, or the end of its restore or checkpoint
  simcore::SimTime end = simcore::SimTime::max();  // when it finished (max: running)
  simcore::SimTime eligible;  // when it entered the queue: max(submit, earliest start)
  bool active = false;
  JobPhase phase = JobPhase::kRunning;
  simcore::SimTime phase_end = simcore::SimTime::max();  // the end of a restore or checkpoint
  double rate = 0.0;  // accelerators x speed now (also while restoring or checkpointing)
  simcore::SimTime progress_start;  // when this run began making progress (after a restore)
  // Its DC power and energy (to energy_since), kept here for the energy lost to a failure.
  double power_w = 0.0, energy_j = 0.0;
  simcore::SimTime energy_since;
  // The last periodic checkpoint (job.checkpoint_interval): when, the work left then and the
  // job's DC energy then; advanced at every change of rate, so exact.
  simcore::SimTime checkpoint_time;
  double checkpoint_remaining = 0.0;
  double checkpoint_dc_j = 0.0;
  bool has_checkpoint = false;  // this run started from one, or has written one since
  double phase_start_j = 0.0;   // its DC energy when its restore or checkpoint began
  JobHistory history;
};

inline constexpr std::uint32_t kAnySite = 0xFFFFFFFFu;

struct QueuedJob {
  workloads::Job job;
  std::uint64_t seq = 0;  // arrival order; stable handle while queued
  simcore::SimTime eligible;  // when it entered the queue: max(submit, earliest start)
  JobHistory history;         // of a job that ran before (suspended, or its node failed)
  // A policy's hold (Actions::defer): out of the queue until this instant.
  simcore::SimTime not_before = simcore::SimTime::min();
  // The site a router sent it to (Actions::route), kAnySite when none did.
  std::uint32_t site = kAnySite;
};

struct SiteState {
  std::uint32_t first_node = 0, node_count = 0;
  std::uint32_t accelerators = 0;  // total
  power::PowerTree tree;
  double pue = 1.0;
  double it_w = 0.0;  // sum of node input (wall) power
  simcore::Meter it, facility, dc, idle, jobs, busy_accelerators;
  simcore::StepCursor intensity;
  double intensity_g_per_kwh = 0.0;  // the current value, updated at each signal change
  // The other basis's intensity (SiteConfig::other_intensity_g_per_kwh), when there is one:
  // the integral of facility power x its intensity, in W x g/kWh x s, to other_since.
  bool has_other_intensity = false;
  simcore::StepCursor other_intensity;
  double other_carbon = 0.0;
  double other_k = 0.0;  // the intensity's integral to other_since
  simcore::SimTime other_since, other_end;
  std::array<const forecast::Forecast*, kSignalCount> forecasts{};
  std::unique_ptr<supply::SupplySite> supply;  // the settlement of facility power
  // The site's energy, carbon and cost shared among its jobs and idle; the settlement reports
  // its intervals to it.
  std::unique_ptr<SiteShares> shares;
  // Cooling and heat reuse, recomputed at every change of heat load, outside temperature or
  // heat demand (datacenter/config.hpp).
  const cooling::Plant* plant = nullptr;
  const heat::Plant* heat_plant = nullptr;  // null without heat reuse
  bool has_outside = false, has_heat_demand = false;
  simcore::StepCursor outside, heat_demand;
  double outside_c = 0.0, heat_demand_w = 0.0;
  simcore::Meter cooling, heat_pump, heat_recovered, heat_delivered, water;
  std::uint32_t first_rack = 0, rack_count = 0;  // global rack indices
  std::unique_ptr<thermal::RackThermal> thermal;  // null without a thermal model
  explicit SiteState(power::PowerTree t) : tree(std::move(t)) {}
};

struct WorldState {
  simcore::SimTime now;
  simcore::SimTime calendar_origin;  // the absolute UTC time (us since the epoch) of simulated time 0
  // Counts changes of any accelerator's cap or clock limit and of any node's failed state, so
  // that a policy can keep what it derives from them until the count moves.
  std::uint64_t limits_version = 0;
  std::vector<NodeEntry> nodes;
  std::vector<SiteState> sites;
  FreeCapacity capacity;  // per node: free accelerators (0 unless the node is idle or busy)
  std::deque<QueuedJob> queue;  // eligible jobs (submitted, and past their earliest start), by seq
  std::vector<QueuedJob> suspended;  // suspended jobs, waiting for a resume
  // Jobs a policy holds back (Actions::defer, Actions::route), by seq: out of the queue until
  // their not_before.
  std::map<std::uint64_t, QueuedJob> deferred;
  std::vector<RunningJob> running;  // by slot
  std::vector<SlotId> free_slots;
  std::size_t running_count = 0;
  std::uint32_t max_node_accelerators = 0;
};

}  // namespace wattsim::datacenter
