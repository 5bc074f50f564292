#pragma once
// idle-off: powers nodes down after an idle timeout and boots them again on demand, keeping a
// warm reserve (docs/policies/power-managers.md).
//
// Terms: a node is *up* when idle or busy, *whole idle* when up with nothing placed on it
// (ClusterView::idle_since(n) != max); *free* accelerators are the unallocated ones of up
// nodes; *coming* capacity is free accelerators plus every accelerator of a booting node;
// *demand* is the accelerators of every queued job together; the *head* is the first job in
// the queue.
//
// Off rule (at every decision, after the scheduler, and at its timers): every node whole idle
// since at least `timeout` ago is powered off, highest index first, unless
//   (a) its site would be left with fewer than `reserve` whole idle nodes up, or
//   (b) the queue needs it: coming capacity without it would fall below the demand, or it could
//       hold the head (a head larger than a node: any whole node) and the head would not be
//       covered (see below) without it.
// Nodes kept by (a) or (b) are looked at again at each later decision and timer. A timer is
// armed for the earliest idle_since + timeout still ahead (one pending timer).
//
// On rule (at every decision, after the off rule):
//   1. if the head is not covered (a job no larger than a node: no up node has that many free
//      and no booting node has that many accelerators; a larger job: whole idle up nodes plus
//      booting nodes hold fewer accelerators than it needs), the lowest-index off node large
//      enough boots (a larger job: off nodes in index order until it is covered);
//   2. while coming capacity is below the demand, the lowest-index off node boots;
//   3. per site, while whole idle up nodes plus booting nodes are fewer than `reserve`, the
//      site's lowest-index off node boots.
// A boot takes the node spec's boot_time and boot_energy_j (the world runs it: Actions::
// power_on); a decision follows its end. Failed nodes are never powered on or off; nodes
// without accelerators are left as they are. Demand and coming capacity are counted over the
// whole facility (the reserve per site).
//
// Worked example (one 8-GPU node, 980 W idle, 20 W off, boot 120 s and 60 kJ, timeout 900 s):
// a job ends at 1000 s and the next arrives at 4600 s. The node is powered off at 1900 s,
// boots at 4600 s and the job starts at 4720 s. Over the gap the node draws 980 W x 900 s +
// 20 W x 2700 s plus the boot's 60 kJ (996 kJ) instead of 980 W x 3600 s (3528 kJ): 2532 kJ
// less, and the job starts 120 s later.
//
// Counts: demand, free and booting accelerators are kept from the events the manager is told
// of (arrivals, starts, completions, failures, its own boots and power-offs), so it assumes it
// is the only part that powers nodes on or off. What it is not told of (a job put back in the
// queue, a job that leaves its accelerators without completing: a suspension's checkpoint
// written, a node failure) shows as a count that differs from the view's, and is taken again
// from the view then.
//
// Cost per decision: O(booting nodes) plus, when nodes are due (kept ones included), O(due x
// log due) and O(log nodes) each for the head (a head larger than a node: a walk over the
// whole idle nodes), and O(reserve x log nodes) per site with a reserve; booting: O(log nodes)
// per node booted. After a requeue: O(queue); after a job left without completing: a walk over
// the whole idle nodes and the running slots. Once per run, at the first call: O(nodes).

#include <cstdint>
#include <queue>
#include <set>
#include <vector>

#include "policies/registry.hpp"
#include "simcore/time.hpp"

namespace wattsim::policies {

class IdleOffManager final : public Manager {
 public:
  IdleOffManager(simcore::SimTime timeout, std::uint32_t reserve);

  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_node_failure(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::NodeId node,
                       bool repaired) override;

 private:
  struct Idle {
    simcore::SimTime since;
    datacenter::NodeId node;
    auto operator<=>(const Idle&) const = default;
  };

  // Learns the nodes' states at the first call; true then.
  bool init(const datacenter::ClusterView& view);
  // Learns of nodes that came up from a boot, and of nodes left idle by jobs that went without
  // a completion (suspensions, failures).
  void observe(const datacenter::ClusterView& view);
  void note_idle(const datacenter::ClusterView& view, datacenter::NodeId n);
  bool still_idle(const datacenter::ClusterView& view, const Idle& e) const;
  void power_off_due(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void boot_on_demand(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void boot(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::NodeId n);
  void arm_timer(const datacenter::ClusterView& view, datacenter::Actions& actions);
  // Whether the queue head has room now (up nodes, but not `exclude`) or coming (booting nodes).
  bool head_covered(const datacenter::ClusterView& view, std::size_t exclude) const;
  // The lowest-index node of [from, to) this manager holds off with at least `at_least`
  // accelerators; kNoNode if none.
  datacenter::NodeId first_off(const datacenter::ClusterView& view, datacenter::NodeId from, datacenter::NodeId to,
                               std::uint32_t at_least);
  void recount_allocated(const datacenter::ClusterView& view);
  void recount_queue(const datacenter::ClusterView& view);
  // The queued jobs' accelerators together.
  std::uint64_t demand(const datacenter::ClusterView& view);
  // Free accelerators of up nodes plus the accelerators of booting nodes.
  std::uint64_t coming() const;

  static constexpr datacenter::NodeId kNoNode = 0xFFFFFFFFu;

  simcore::SimTime timeout_;
  std::uint32_t reserve_;
  bool ready_ = false;
  // Whole idle nodes by idle_since (then index), checked lazily against the view.
  std::priority_queue<Idle, std::vector<Idle>, std::greater<>> idle_;
  std::vector<simcore::SimTime> noted_since_;  // per node: the idle_since last queued
  std::vector<Idle> kept_;                     // due, but kept up by the reserve or the queue
  std::set<datacenter::NodeId> off_;           // off and not failed, by index
  std::vector<datacenter::NodeId> booting_;
  std::uint64_t booting_accelerators_ = 0;
  std::uint32_t booting_largest_ = 0;  // the most accelerators of one booting node
  std::vector<std::uint32_t> booting_per_site_;
  // Counts kept from the reported events (checked against the view where an event may have
  // gone unreported): jobs running, the accelerators of up nodes and of running jobs, and the
  // queued jobs and their accelerators.
  std::size_t running_ = 0;
  std::uint64_t up_accelerators_ = 0, allocated_ = 0;
  std::int64_t queued_jobs_ = 0, queued_accelerators_ = 0;
  simcore::SimTime wake_ = simcore::SimTime::max();  // the pending timer; max: none
  std::vector<Idle> due_;                            // scratch
};

PolicyInfo idle_off_info();

}  // namespace wattsim::policies
