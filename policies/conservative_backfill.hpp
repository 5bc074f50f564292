#pragma once
// Conservative backfilling (Mu'alem & Feitelson 2001), placed by the stack's placement rule.
//
// Every queued job holds a reservation: a start time and a placement. A job starts now only
// when its reservation is now, so a job never starts ahead of an earlier one unless it leaves
// every earlier reservation whole ("backfilling"), and reservations only move earlier while the
// runtime estimates hold.
//
// The profile is the free accelerators per node over future time: the free capacity now, plus
// each running job's accelerators back at its expected end (its estimate from its latest start
// when it has one, else its exact completion at its present speed; a job already past its
// estimate is expected 1 us from now), minus the reservations. A reservation for a job of g
// accelerators and runtime d (its estimate, else its remaining work at full speed plus a
// restore) is the earliest instant t, now or when accelerators come back, at which the
// placement rule places g on the capacity free throughout [t, t + d): per node, the least free
// over the window. Its accelerators are then taken out of the profile over the window.
//
// At each decision point, over the first `max_scan` jobs of the queue (later ones wait with no
// reservation):
//  1. In queue order, each job keeps its reservation from the last decision if it still fits
//     the profile (running jobs and the reservations kept or made so far; one in the past is
//     tried at now); a new job, or one whose reservation no longer fits (a job overran its
//     estimate, a node failed or was powered off), gets the earliest reservation. So a job is
//     never delayed by one behind it in the queue.
//  2. Compression, when capacity came back earlier than the last decision expected (a job
//     ended early, a node came up) or step 1 could not keep every reservation: in queue
//     order, each job's reservation is taken out and the earliest one
//     before it is sought among all the others; found, it moves there, else it stays (or, if
//     nothing comes back at its instant any more, moves with its placement to the last instant
//     before it at which something does: every reservation sits where a decision point will
//     come). A reservation therefore never moves later while estimates hold (jobs may end early).
// A job whose reservation is now starts at once, on its reserved placement. A job that cannot
// be placed even when every running job has ended (nodes off) gets no reservation and blocks
// nobody.
//
// Cost per decision, with S jobs considered (<= max_scan), R running jobs, N nodes and E
// profile changes (<= R + 2 S per node a job spans): O(R log R + N) to build the profile and to
// see whether capacity came back earlier than expected. Usually (every kept reservation still
// fits: one O(E) sweep; new jobs only behind them) only new jobs are reserved, each a walk
// through the profile at O(1) per change plus O(log N) per node changed where the placement rule
// is asked. Otherwise, and for compression (when capacity came back early), every job is
// reserved again: O(S (N + E log N)) typical, O(S E^2) at worst (docs/policies/schedulers.md
// has measurements).

#include <cstdint>
#include <optional>
#include <vector>

#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class ConservativeBackfillScheduler final : public Scheduler {
 public:
  explicit ConservativeBackfillScheduler(std::size_t max_scan = 1000) : max_scan_(max_scan) {}
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) override;

  // The reservation of a queued job (by arrival sequence) after the last decision, if it has one.
  std::optional<simcore::SimTime> reservation(std::uint64_t seq) const;

 private:
  struct Reservation {
    std::uint64_t seq = 0;
    simcore::SimTime start, end;  // end: SimTime::max() for a job that never ends
    datacenter::Placement placement;
  };
  // One change of the profile: `delta` accelerators of `node` come back (> 0) or are taken
  // (< 0) at `t`. Sorted by time, releases before takes at one instant.
  struct Change {
    simcore::SimTime t;
    datacenter::NodeId node;
    std::int32_t delta;
  };
  struct Pending {
    std::uint64_t seq;
    std::uint32_t accelerators;
    std::uint32_t site;  // view.required_site: kAnySite, or the one it must run on
    simcore::SimTime runtime;
    const Reservation* old;  // its reservation from the last decision, or null
  };

  void build_profile(const datacenter::ClusterView& view);
  void add_change(simcore::SimTime t, datacenter::NodeId node, std::int32_t delta);
  void remove_change(simcore::SimTime t, datacenter::NodeId node, std::int32_t delta);
  void take(const Reservation& r);
  void untake(const Reservation& r);
  // cur_ := the free capacity at t (after every change at or before t); returns the index of
  // the first change after t.
  std::size_t capacity_at(const datacenter::ClusterView& view, simcore::SimTime t);
  // Per node touched by the changes in [from, to): the lowest running sum of their deltas
  // (<= 0), in low_; the nodes in touched_. clear_window() resets them.
  void scan_window(std::size_t from, std::size_t to);
  void clear_window();
  std::size_t window_end(std::size_t from, simcore::SimTime end) const;
  // A quick test before scan_window: false when the job surely cannot be placed on the least
  // capacity over the changes [from, to) (cur_: the capacity at their start).
  bool may_fit(const datacenter::ClusterView& view, std::size_t from, std::size_t to, std::uint32_t g);
  // Whether `r`'s placement fits the profile over [start, end) (start >= now).
  bool fits(const datacenter::ClusterView& view, const Reservation& r);
  // The earliest reservation strictly before `before` for g accelerators on `site` (kAnySite:
  // any) and `runtime`: fills out.start/end/placement and returns true, or returns false.
  bool find(const datacenter::ClusterView& view, PlacementRule& placement, std::uint32_t g, std::uint32_t site,
            simcore::SimTime runtime, simcore::SimTime before, Reservation& out);
  // Whether some accelerators come back at t; the last instant before t at which some do (now
  // if none).
  bool releases_at(simcore::SimTime t) const;
  simcore::SimTime last_release_before(simcore::SimTime now, simcore::SimTime t) const;
  // Whether no node's free accelerators go below 0 anywhere in the profile.
  bool profile_valid(const datacenter::ClusterView& view);
  // Whether capacity came back, or will, earlier than the last decision expected: a job ended
  // before its expected end or is now expected to end earlier, or a node has more accelerators
  // up. Fills up_.
  bool capacity_gained(const datacenter::ClusterView& view);
  // What capacity_gained compares with at the next decision.
  void remember(const datacenter::ClusterView& view);
  // Starts the job now on `r`'s placement and keeps its release in the profile.
  void start_now(datacenter::Actions& actions, Reservation& r);

  std::size_t max_scan_;
  std::vector<Reservation> kept_, next_;  // by seq: after the last decision / being built
  std::vector<Pending> pending_;
  std::vector<Reservation> work_;  // this decision's reservations, parallel to pending_
  std::vector<bool> held_;         // work_[i] is in the profile
  std::vector<Change> profile_;
  datacenter::FreeCapacity cur_;
  std::vector<std::int64_t> run_, low_;  // per node, for scan_window
  std::vector<datacenter::NodeId> touched_;
  std::vector<std::pair<datacenter::NodeId, std::uint32_t>> saved_;
  std::vector<std::int64_t> free_;   // per node, for profile_valid
  std::vector<std::int64_t> walk_;   // per node, for find
  std::vector<unsigned char> mark_;  // per node: 0, or in use by find (dirty) or may_fit (followed)
  std::vector<datacenter::NodeId> dirty_, followed_;
  struct Expected {
    datacenter::SlotId slot;
    std::uint64_t seq;
    simcore::SimTime end;
  };
  std::vector<Expected> last_running_;       // the running jobs after the last decision
  std::vector<std::uint32_t> up_, last_up_;  // per node: accelerators up (free or running)
};

PolicyInfo conservative_backfill_info();

}  // namespace wattsim::policies
