#include "policies/idle_off.hpp"

#include <algorithm>
#include <functional>

#include "simcore/assert.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using power::NodeState;
using simcore::SimTime;

namespace {

constexpr std::size_t kNone = ClusterView::kNone;

// The queued jobs' accelerators together.
std::uint64_t queued_accelerators(const ClusterView& view) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < view.queue_length(); ++i) sum += view.queued(i).job.accelerators;
  return sum;
}

// Free accelerators of up nodes, by a walk over them (to check the counts kept).
[[maybe_unused]] std::uint64_t free_accelerators(const ClusterView& view) {
  std::uint64_t sum = 0;
  for (std::size_t n = view.first_node_with_free(1); n != kNone; n = view.first_node_with_free(1, n + 1)) {
    sum += view.free_accelerators(static_cast<NodeId>(n));
  }
  return sum;
}

bool is_up(NodeState st) {
  return st == NodeState::kIdle || st == NodeState::kBusy;
}

// Whole idle up nodes of a site, counted until they reach `enough`.
std::uint32_t whole_idle_nodes(const ClusterView& view, std::uint32_t site, std::uint32_t enough) {
  const std::size_t last = view.site_first_node(site) + view.site_node_count(site);
  std::uint32_t count = 0;
  for (std::size_t n = view.first_free_node(view.site_first_node(site)); n != kNone && n < last && count < enough;
       n = view.first_free_node(n + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

IdleOffManager::IdleOffManager(SimTime timeout, std::uint32_t reserve) : timeout_(timeout), reserve_(reserve) {}

bool IdleOffManager::init(const ClusterView& view) {
  if (ready_) return false;
  ready_ = true;
  noted_since_.assign(view.node_count(), SimTime::max());
  booting_per_site_.assign(view.site_count(), 0);
  for (NodeId n = 0; n < view.node_count(); ++n) {
    if (view.accelerators(n) == 0) continue;
    const NodeState st = view.node_state(n);
    if (st == NodeState::kOff && !view.failed(n)) {
      off_.insert(n);
    } else if (st == NodeState::kBooting) {
      booting_.push_back(n);
    } else if (is_up(st)) {
      up_accelerators_ += view.accelerators(n);
      note_idle(view, n);
    }
  }
  running_ = view.running_count();
  recount_allocated(view);
  recount_queue(view);
  return true;
}

void IdleOffManager::recount_allocated(const ClusterView& view) {
  allocated_ = 0;
  for (datacenter::SlotId slot = 0; slot < view.running_slots(); ++slot) {
    if (view.running(slot).active) allocated_ += view.running(slot).accels.size();
  }
}

void IdleOffManager::recount_queue(const ClusterView& view) {
  queued_jobs_ = static_cast<std::int64_t>(view.queue_length());
  queued_accelerators_ = static_cast<std::int64_t>(queued_accelerators(view));
}

std::uint64_t IdleOffManager::demand(const ClusterView& view) {
  // Arrivals and starts are reported; a job put back in the queue (after a failure, or resumed)
  // is not, and only adds: a count that differs means the sum must be taken again.
  if (queued_jobs_ != static_cast<std::int64_t>(view.queue_length())) recount_queue(view);
  WATTSIM_ASSERT(static_cast<std::uint64_t>(queued_accelerators_) == queued_accelerators(view), queued_accelerators_,
                 queued_accelerators(view));
  return static_cast<std::uint64_t>(queued_accelerators_);
}

std::uint64_t IdleOffManager::coming() const {
  return up_accelerators_ - allocated_ + booting_accelerators_;
}

void IdleOffManager::note_idle(const ClusterView& view, NodeId n) {
  const SimTime since = view.idle_since(n);
  if (since == SimTime::max() || view.accelerators(n) == 0 || noted_since_[n] == since) return;
  noted_since_[n] = since;
  idle_.push({since, n});
}

bool IdleOffManager::still_idle(const ClusterView& view, const Idle& e) const {
  return view.idle_since(e.node) == e.since && view.node_state(e.node) == NodeState::kIdle && !view.failed(e.node);
}

void IdleOffManager::observe(const ClusterView& view) {
  booting_accelerators_ = 0;
  booting_largest_ = 0;
  std::fill(booting_per_site_.begin(), booting_per_site_.end(), 0u);
  std::size_t kept = 0;
  for (const NodeId n : booting_) {
    if (view.node_state(n) != NodeState::kBooting) {
      if (is_up(view.node_state(n))) up_accelerators_ += view.accelerators(n);
      note_idle(view, n);  // idle ones join the timeout's queue
      continue;
    }
    booting_[kept++] = n;
    booting_accelerators_ += view.accelerators(n);
    booting_largest_ = std::max(booting_largest_, view.accelerators(n));
    ++booting_per_site_[view.site_of(n)];
  }
  booting_.resize(kept);
  // Only starts add running jobs, and each start is reported: fewer jobs than counted means
  // some left their accelerators without a completion.
  if (view.running_count() < running_) {
    for (std::size_t n = view.first_free_node(); n != kNone; n = view.first_free_node(n + 1)) {
      note_idle(view, static_cast<NodeId>(n));
    }
    recount_allocated(view);
  }
  running_ = view.running_count();
  WATTSIM_ASSERT(up_accelerators_ - allocated_ == free_accelerators(view), up_accelerators_, allocated_,
                 free_accelerators(view));
}

bool IdleOffManager::head_covered(const ClusterView& view, std::size_t exclude) const {
  if (view.queue_length() == 0) return true;
  const std::uint32_t g = view.queued(0).job.accelerators;
  if (g <= view.max_node_accelerators()) {
    if (booting_largest_ >= g) return true;
    std::size_t n = view.first_node_with_free(g);
    if (n != kNone && n == exclude) n = view.first_node_with_free(g, n + 1);
    return n != kNone;
  }
  std::uint64_t have = booting_accelerators_;
  for (std::size_t n = view.first_free_node(); n != kNone && have < g; n = view.first_free_node(n + 1)) {
    if (n != exclude) have += view.accelerators(static_cast<NodeId>(n));
  }
  return have >= g;
}

void IdleOffManager::power_off_due(const ClusterView& view, datacenter::Actions& actions) {
  const SimTime now = view.now();
  due_.clear();
  for (const Idle& e : kept_) {
    if (still_idle(view, e)) due_.push_back(e);
  }
  kept_.clear();
  while (!idle_.empty()) {
    const Idle e = idle_.top();
    if (still_idle(view, e) && e.since + timeout_ > now) break;
    idle_.pop();
    if (still_idle(view, e)) due_.push_back(e);
  }
  if (due_.empty()) return;
  std::sort(due_.begin(), due_.end(), [](const Idle& a, const Idle& b) { return a.node > b.node; });

  const bool queue = view.queue_length() > 0;
  const std::uint64_t needed = queue ? demand(view) : 0;
  std::vector<std::uint32_t> whole(reserve_ > 0 ? view.site_count() : 0, 0);
  std::vector<bool> counted(whole.size(), false);

  for (const Idle& e : due_) {
    const NodeId n = e.node;
    const std::uint32_t acc = view.accelerators(n);
    if (reserve_ > 0) {
      const std::uint32_t s = view.site_of(n);
      if (!counted[s]) {
        whole[s] = whole_idle_nodes(view, s, reserve_ + static_cast<std::uint32_t>(due_.size()));
        counted[s] = true;
      }
      if (whole[s] < reserve_ + 1) {
        kept_.push_back(e);
        continue;
      }
    }
    // The head needs n if n could hold it (a job larger than a node: any whole node) and it would
    // not be covered without n; the on rule would boot n straight back.
    const std::uint32_t g = queue ? view.queued(0).job.accelerators : 0;
    const bool could_hold_head = g > view.max_node_accelerators() || acc >= g;
    if (queue && (coming() < needed + acc || (could_hold_head && !head_covered(view, n)))) {
      kept_.push_back(e);
      continue;
    }
    actions.power_off(n);
    off_.insert(n);
    noted_since_[n] = SimTime::max();
    up_accelerators_ -= acc;
    if (reserve_ > 0) --whole[view.site_of(n)];
  }
}

void IdleOffManager::boot(const ClusterView& view, datacenter::Actions& actions, NodeId n) {
  off_.erase(n);
  actions.power_on(n);
  booting_.push_back(n);
  booting_accelerators_ += view.accelerators(n);
  booting_largest_ = std::max(booting_largest_, view.accelerators(n));
  ++booting_per_site_[view.site_of(n)];
}

NodeId IdleOffManager::first_off(const ClusterView& view, NodeId from, NodeId to, std::uint32_t at_least) {
  for (auto it = off_.lower_bound(from); it != off_.end() && *it < to;) {
    // Ours to boot while off and not failed (only repairs boot a node besides this manager, and
    // only failed ones, which it never holds); checked all the same.
    if (view.node_state(*it) != NodeState::kOff || view.failed(*it)) {
      it = off_.erase(it);
    } else if (view.accelerators(*it) < at_least) {
      ++it;
    } else {
      return *it;
    }
  }
  return kNoNode;
}

void IdleOffManager::boot_on_demand(const ClusterView& view, datacenter::Actions& actions) {
  if (off_.empty()) return;
  const NodeId all = static_cast<NodeId>(view.node_count());
  if (view.queue_length() > 0) {
    // 1. The head.
    if (!head_covered(view, kNone)) {
      const std::uint32_t g = view.queued(0).job.accelerators;
      if (g <= view.max_node_accelerators()) {
        const NodeId n = first_off(view, 0, all, g);
        if (n != kNoNode) boot(view, actions, n);
      } else {
        for (NodeId n = first_off(view, 0, all, 1); n != kNoNode && !head_covered(view, kNone);
             n = first_off(view, 0, all, 1)) {
          boot(view, actions, n);
        }
      }
    }
    // 2. The whole queue.
    const std::uint64_t needed = demand(view);
    for (NodeId n = 0; coming() < needed && (n = first_off(view, 0, all, 1)) != kNoNode;) boot(view, actions, n);
  }
  // 3. The reserve.
  if (reserve_ == 0) return;
  for (std::uint32_t s = 0; s < view.site_count() && !off_.empty(); ++s) {
    const NodeId first = view.site_first_node(s);
    const NodeId last = first + view.site_node_count(s);
    if (first_off(view, first, last, 1) == kNoNode) continue;
    std::uint32_t have = booting_per_site_[s];
    if (have < reserve_) have += whole_idle_nodes(view, s, reserve_ - have);
    for (; have < reserve_; ++have) {
      const NodeId n = first_off(view, first, last, 1);
      if (n == kNoNode) break;
      boot(view, actions, n);
    }
  }
}

void IdleOffManager::arm_timer(const ClusterView& view, datacenter::Actions& actions) {
  while (!idle_.empty() && !still_idle(view, idle_.top())) idle_.pop();
  if (idle_.empty()) return;
  const SimTime next = idle_.top().since + timeout_;  // after now: the due ones are gone
  if (wake_ <= view.now() || next < wake_) {
    actions.wake_at(next);
    wake_ = next;
  }
}

void IdleOffManager::after_schedule(const ClusterView& view, datacenter::Actions& actions) {
  init(view);
  observe(view);
  power_off_due(view, actions);
  boot_on_demand(view, actions);
  arm_timer(view, actions);
}

void IdleOffManager::on_timer(const ClusterView& view, datacenter::Actions& actions) {
  init(view);
  if (view.now() >= wake_) wake_ = SimTime::max();
  observe(view);
  power_off_due(view, actions);
  arm_timer(view, actions);
}

void IdleOffManager::on_arrival(const ClusterView& view, datacenter::Actions&, const datacenter::QueuedJob& job) {
  if (init(view)) return;  // a first call counts it already
  ++queued_jobs_;
  queued_accelerators_ += job.job.accelerators;
}

void IdleOffManager::on_start(const ClusterView& view, datacenter::Actions&, datacenter::SlotId slot) {
  if (init(view)) return;  // a first call counts it already
  const datacenter::RunningJob& r = view.running(slot);
  ++running_;
  allocated_ += r.accels.size();
  --queued_jobs_;
  queued_accelerators_ -= r.job.accelerators;
}

void IdleOffManager::on_completion(const ClusterView& view, datacenter::Actions&, const datacenter::RunningJob& job) {
  if (init(view)) return;  // a first call counts it already
  --running_;
  allocated_ -= job.accels.size();
  for (const auto& a : job.accels) note_idle(view, a.node);
}

void IdleOffManager::on_node_failure(const ClusterView& view, datacenter::Actions&, NodeId node, bool repaired) {
  if (init(view) || view.accelerators(node) == 0) return;  // a first call sees the node as it is
  if (!repaired) {
    up_accelerators_ -= view.accelerators(node);  // it was up (only up nodes fail)
  } else if (view.node_state(node) == NodeState::kBooting) {
    booting_.push_back(node);
  }
}

PolicyInfo idle_off_info() {
  PolicyInfo info;
  info.name = "idle-off";
  info.kind = PolicyKind::kManager;
  info.description =
      "Powers a node off once it has been idle for `timeout`, keeping `reserve` idle nodes per site up, and boots off "
      "nodes (lowest index first) when the queued jobs need more than the free and booting capacity.";
  info.params = {
      number_param("timeout", 900.0, "how long a node stays idle before it is powered off", 0.0, 365.0 * 86400.0,
                   simcore::Dimension::kTime),
      integer_param("reserve", 0.0, "whole idle nodes per site that are kept up, never powered off", 0.0, 1e6),
  };
  info.powers_nodes_on = true;
  info.make_manager = [](const Params& p) {
    return std::make_unique<IdleOffManager>(SimTime::from_seconds(number(p, "timeout")),
                                            static_cast<std::uint32_t>(number(p, "reserve")));
  };
  return info;
}

}  // namespace wattsim::policies
