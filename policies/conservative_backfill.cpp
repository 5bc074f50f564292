#include "policies/conservative_backfill.hpp"

#include <algorithm>
#include <cmath>

#include "simcore/assert.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using simcore::SimTime;

namespace {

constexpr SimTime kTick = SimTime::from_us(1);
// mark_ values: free, dirty in find's walk, followed or given up by may_fit, touched by scan_window.
constexpr unsigned char kFollowed = 1, kGivenUp = 2, kDirty = 3, kTouched = 4;

SimTime add_saturating(SimTime t, SimTime d) {
  if (t == SimTime::max() || d == SimTime::max() || d.us() > SimTime::max().us() - t.us()) return SimTime::max();
  return t + d;
}

// How long `work` (accelerator-seconds at full speed) takes at `rate`, rounded as
// power::WorkProgress rounds a completion time; SimTime::max() past the representable span.
SimTime runtime_of(double work, double rate) {
  const double us = work / rate * 1e6;
  if (!(us < 9.0e18)) return SimTime::max();
  return SimTime::from_us(static_cast<std::int64_t>(std::llround(us)));
}

// When a running job gives its accelerators back, as far as the scheduler can tell.
SimTime expected_end(const datacenter::RunningJob& r, SimTime now) {
  SimTime end;
  if (r.phase == datacenter::JobPhase::kCheckpointing) {
    end = r.phase_end;  // suspended: it lets go once the checkpoint is written
  } else if (r.job.estimate) {
    end = add_saturating(r.start, *r.job.estimate);
  } else if (r.phase == datacenter::JobPhase::kRestoring) {
    end = add_saturating(r.phase_end, runtime_of(r.checkpoint_remaining, r.rate));
  } else {
    end = r.progress.completion_time();
  }
  return std::max(end, now + kTick);
}

// A queued job's runtime: its estimate, else its remaining work at full speed (plus reading
// its checkpoint back when it was suspended).
SimTime expected_runtime(const datacenter::QueuedJob& q) {
  if (q.job.estimate) return *q.job.estimate;
  const double work = q.history.ran() ? q.history.remaining : q.job.work;
  const SimTime run = runtime_of(work, static_cast<double>(q.job.accelerators));
  return q.history.restore ? add_saturating(run, q.job.restore_time) : run;
}

// Profile order: by time, releases before takes at one instant (so a running sum never dips
// below what the instant ends with).
bool change_before(SimTime at, bool release_a, SimTime bt, bool release_b) {
  if (at != bt) return at < bt;
  return release_a && !release_b;
}

}  // namespace

std::optional<SimTime> ConservativeBackfillScheduler::reservation(std::uint64_t seq) const {
  const auto it = std::lower_bound(kept_.begin(), kept_.end(), seq,
                                   [](const Reservation& r, std::uint64_t s) { return r.seq < s; });
  if (it == kept_.end() || it->seq != seq) return std::nullopt;
  return it->start;
}

void ConservativeBackfillScheduler::build_profile(const ClusterView& view) {
  profile_.clear();
  const SimTime now = view.now();
  for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (!r.active) continue;
    const SimTime end = expected_end(r, now);
    if (end == SimTime::max()) continue;  // never gives its accelerators back
    // A job's accelerators are listed node by node.
    for (std::size_t i = 0; i < r.accels.size();) {
      const NodeId node = r.accels[i].node;
      std::int32_t count = 0;
      for (; i < r.accels.size() && r.accels[i].node == node; ++i) ++count;
      profile_.push_back({end, node, count});
    }
  }
  std::sort(profile_.begin(), profile_.end(),
            [](const Change& a, const Change& b) { return change_before(a.t, a.delta > 0, b.t, b.delta > 0); });
}

void ConservativeBackfillScheduler::add_change(SimTime t, NodeId node, std::int32_t delta) {
  const auto at = std::upper_bound(
      profile_.begin(), profile_.end(), Change{t, node, delta},
      [](const Change& a, const Change& b) { return change_before(a.t, a.delta > 0, b.t, b.delta > 0); });
  profile_.insert(at, Change{t, node, delta});
}

void ConservativeBackfillScheduler::remove_change(SimTime t, NodeId node, std::int32_t delta) {
  auto it = std::lower_bound(profile_.begin(), profile_.end(), t, [](const Change& a, SimTime s) { return a.t < s; });
  for (; it != profile_.end() && it->t == t; ++it) {
    if (it->node == node && it->delta == delta) {
      profile_.erase(it);
      return;
    }
  }
  WATTSIM_ASSERT(false, "a reservation's change is missing from the profile", node, delta);
}

void ConservativeBackfillScheduler::take(const Reservation& r) {
  for (const auto& p : r.placement.parts) {
    const auto a = static_cast<std::int32_t>(p.accelerators);
    add_change(r.start, p.node, -a);
    if (r.end != SimTime::max()) add_change(r.end, p.node, a);
  }
}

void ConservativeBackfillScheduler::untake(const Reservation& r) {
  for (const auto& p : r.placement.parts) {
    const auto a = static_cast<std::int32_t>(p.accelerators);
    remove_change(r.start, p.node, -a);
    if (r.end != SimTime::max()) remove_change(r.end, p.node, a);
  }
}

std::size_t ConservativeBackfillScheduler::capacity_at(const ClusterView& view, SimTime t) {
  cur_ = view.capacity();
  std::size_t i = 0;
  for (; i < profile_.size() && profile_[i].t <= t; ++i) {
    const Change& c = profile_[i];
    const std::int64_t free = static_cast<std::int64_t>(cur_.free(c.node)) + c.delta;
    WATTSIM_ASSERT(free >= 0 && free <= cur_.total(c.node), c.node, free);
    cur_.set_free(c.node, static_cast<std::uint32_t>(std::clamp<std::int64_t>(free, 0, cur_.total(c.node))));
  }
  return i;
}

std::size_t ConservativeBackfillScheduler::window_end(std::size_t from, SimTime end) const {
  return static_cast<std::size_t>(std::lower_bound(profile_.begin() + static_cast<std::ptrdiff_t>(from), profile_.end(),
                                                   end, [](const Change& a, SimTime s) { return a.t < s; }) -
                                  profile_.begin());
}

void ConservativeBackfillScheduler::scan_window(std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const Change& c = profile_[i];
    if (mark_[c.node] != kTouched) {
      mark_[c.node] = kTouched;
      touched_.push_back(c.node);
    }
    run_[c.node] += c.delta;
    low_[c.node] = std::min(low_[c.node], run_[c.node]);
  }
}

void ConservativeBackfillScheduler::clear_window() {
  for (const NodeId n : touched_) {
    run_[n] = low_[n] = 0;
    mark_[n] = 0;
  }
  touched_.clear();
}

bool ConservativeBackfillScheduler::fits(const ClusterView& view, const Reservation& r) {
  const std::size_t from = capacity_at(view, r.start);
  scan_window(from, window_end(from, r.end));
  bool ok = true;
  for (const auto& p : r.placement.parts) {
    ok = ok && p.node < cur_.size() &&
         static_cast<std::int64_t>(cur_.free(p.node)) + low_[p.node] >= static_cast<std::int64_t>(p.accelerators);
  }
  clear_window();
  return ok && !r.placement.empty();
}

bool ConservativeBackfillScheduler::may_fit(const ClusterView& view, std::size_t from, std::size_t to,
                                            std::uint32_t g) {
  // Nodes that could hold the job at the window's start: with g free (a job on one node), or
  // whole (a larger one). If a few, follow them through the window, and give up once those
  // still free enough cannot hold the job. A quick test only: a yes is settled by placing.
  constexpr std::size_t kMostFollowed = 16;
  const bool single = g <= view.max_node_accelerators();
  const std::int64_t need = single ? 1 : g;
  std::int64_t have = 0;
  followed_.clear();
  bool many = false;
  for (std::size_t n = single ? cur_.first_with(g) : cur_.first_whole(); n != ClusterView::kNone;
       n = single ? cur_.first_with(g, n + 1) : cur_.first_whole(n + 1)) {
    if (followed_.size() == kMostFollowed) {
      many = true;
      break;
    }
    followed_.push_back(static_cast<NodeId>(n));
    mark_[n] = kFollowed;
    have += single ? 1 : cur_.total(n);
  }
  bool ok = many || have >= need;
  for (std::size_t k = from; k < to && !many && ok; ++k) {
    const Change& c = profile_[k];
    if (mark_[c.node] != kFollowed) continue;
    run_[c.node] += c.delta;
    const std::int64_t threshold = single ? g : cur_.total(c.node);
    if (static_cast<std::int64_t>(cur_.free(c.node)) + run_[c.node] < threshold) {
      mark_[c.node] = kGivenUp;  // no longer able to hold its part
      have -= single ? 1 : cur_.total(c.node);
      ok = have >= need;
    }
  }
  for (const NodeId n : followed_) {
    run_[n] = 0;
    mark_[n] = 0;
  }
  return ok;
}

bool ConservativeBackfillScheduler::find(const ClusterView& view, PlacementRule& placement, std::uint32_t g,
                                         std::uint32_t site, SimTime runtime, SimTime before, Reservation& out) {
  // The walk through time keeps the free accelerators per node in walk_ (O(1) a change) and
  // brings cur_'s index up to date only where a placement is asked for.
  SimTime t = view.now();
  cur_ = view.capacity();  // every change is later than now: the capacity now
  walk_.resize(cur_.size());
  std::int64_t total = 0;
  for (NodeId n = 0; n < walk_.size(); ++n) total += walk_[n] = cur_.free(n);
  dirty_.clear();
  std::size_t i = 0;
  while (t < before) {
    if (total >= g) {
      for (const NodeId n : dirty_) {
        cur_.set_free(n, static_cast<std::uint32_t>(std::clamp<std::int64_t>(walk_[n], 0, cur_.total(n))));
        mark_[n] = 0;
      }
      dirty_.clear();
      // The capacity free throughout [t, t + runtime) is at most the capacity at t: try that first.
      const SimTime end = add_saturating(t, runtime);
      std::size_t j = 0;
      if (placement.place(view, cur_, g, site, out.placement) && may_fit(view, i, j = window_end(i, end), g)) {
        scan_window(i, j);
        saved_.clear();
        for (const NodeId n : touched_) {
          if (low_[n] < 0) {
            saved_.emplace_back(n, cur_.free(n));
            cur_.set_free(n, static_cast<std::uint32_t>(std::max<std::int64_t>(0, cur_.free(n) + low_[n])));
          }
        }
        clear_window();
        const bool ok = saved_.empty() || placement.place(view, cur_, g, site, out.placement);
        for (const auto& [n, free] : saved_) cur_.set_free(n, free);
        if (ok) {
          out.start = t;
          out.end = end;
          return true;
        }
      }
    }
    // The next instant at which accelerators come back.
    bool released = false;
    while (!released && i < profile_.size()) {
      t = profile_[i].t;
      for (; i < profile_.size() && profile_[i].t == t; ++i) {
        const Change& c = profile_[i];
        released = released || c.delta > 0;
        walk_[c.node] += c.delta;
        total += c.delta;
        if (mark_[c.node] == 0) {
          mark_[c.node] = kDirty;
          dirty_.push_back(c.node);
        }
      }
    }
    if (!released) break;
  }
  for (const NodeId n : dirty_) mark_[n] = 0;
  out.placement.clear();
  return false;
}

bool ConservativeBackfillScheduler::releases_at(SimTime t) const {
  auto it = std::lower_bound(profile_.begin(), profile_.end(), t, [](const Change& a, SimTime s) { return a.t < s; });
  return it != profile_.end() && it->t == t && it->delta > 0;  // releases come first at an instant
}

SimTime ConservativeBackfillScheduler::last_release_before(SimTime now, SimTime t) const {
  auto it = std::lower_bound(profile_.begin(), profile_.end(), t, [](const Change& a, SimTime s) { return a.t < s; });
  while (it != profile_.begin()) {
    --it;
    if (it->delta > 0) return it->t;
  }
  return now;
}

void ConservativeBackfillScheduler::start_now(datacenter::Actions& actions, Reservation& r) {
  actions.start(r.seq, r.placement);
  if (r.end == SimTime::max()) return;
  for (const auto& p : r.placement.parts) add_change(r.end, p.node, static_cast<std::int32_t>(p.accelerators));
}

bool ConservativeBackfillScheduler::profile_valid(const ClusterView& view) {
  free_.resize(view.node_count());
  for (NodeId n = 0; n < free_.size(); ++n) free_[n] = view.free_accelerators(n);
  for (const Change& c : profile_) {
    free_[c.node] += c.delta;
    if (free_[c.node] < 0) return false;  // releases come first at an instant: exact
  }
  return true;
}

bool ConservativeBackfillScheduler::capacity_gained(const ClusterView& view) {
  const SimTime now = view.now();
  bool gained = false;
  // A job that ended, or will end, before the last decision expected it to.
  for (const auto& [slot, seq, end] : last_running_) {
    if (gained) break;
    const auto& r = view.running(slot);
    if (!r.active || r.seq != seq) {
      gained = now < end;
    } else {
      gained = expected_end(r, now) < end;
    }
  }
  // A node with more accelerators up (powered on, repaired).
  up_.assign(view.node_count(), 0);
  for (NodeId n = 0; n < up_.size(); ++n) up_[n] = view.free_accelerators(n);
  for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (r.active) {
      for (const auto& a : r.accels) ++up_[a.node];
    }
  }
  if (last_up_.size() != up_.size()) return true;
  for (NodeId n = 0; n < up_.size() && !gained; ++n) gained = up_[n] > last_up_[n];
  return gained;
}

void ConservativeBackfillScheduler::remember(const ClusterView& view) {
  last_running_.clear();
  for (datacenter::SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (r.active) last_running_.push_back({s, r.seq, expected_end(r, view.now())});
  }
  std::swap(last_up_, up_);
}

void ConservativeBackfillScheduler::schedule(const ClusterView& view, datacenter::Actions& actions,
                                             PlacementRule& placement) {
  const SimTime now = view.now();
  if (view.queue_length() == 0) {
    kept_.clear();
    return;
  }
  build_profile(view);
  if (run_.size() != view.node_count()) {
    run_.assign(view.node_count(), 0);
    low_.assign(view.node_count(), 0);
    mark_.assign(view.node_count(), 0);
  }

  // The jobs considered, each with its reservation from the last decision (both by seq).
  pending_.clear();
  const std::size_t scan = std::min(view.queue_length(), max_scan_);
  std::size_t k = 0, matched = 0;
  bool new_ahead = false;  // a job without a reservation ahead of one with
  bool unreserved = false;
  for (std::size_t pos = 0; pos < scan; ++pos) {
    const auto& q = view.queued(pos);
    while (k < kept_.size() && kept_[k].seq < q.seq) ++k;
    const Reservation* old = k < kept_.size() && kept_[k].seq == q.seq ? &kept_[k] : nullptr;
    pending_.push_back({q.seq, q.job.accelerators, view.required_site(q), expected_runtime(q), old});
    if (old != nullptr) {
      ++matched;
      new_ahead = new_ahead || unreserved;
    } else {
      unreserved = true;
    }
  }
  work_.resize(pending_.size());
  held_.assign(pending_.size(), false);
  // Whether the profile may have room before some reservation that it had not at the last
  // decision: then reservations are compressed (2 below).
  bool compress = capacity_gained(view) || matched < kept_.size();

  // 1. In queue order: keep the reservation if it still fits, else find the earliest. The
  // usual case first: every kept reservation still fits (one check over the whole profile)
  // and the new jobs are all behind them.
  bool kept_all = false;
  if (!new_ahead) {
    for (std::size_t j = 0; j < pending_.size(); ++j) {
      const Pending& p = pending_[j];
      if (p.old == nullptr) continue;
      Reservation& w = work_[j];
      w.seq = p.seq;
      w.start = std::max(p.old->start, now);
      w.end = add_saturating(w.start, p.runtime);
      w.placement = p.old->placement;
      for (const auto& part : w.placement.parts) {
        const auto a = static_cast<std::int32_t>(part.accelerators);
        profile_.push_back({w.start, part.node, -a});
        if (w.end != SimTime::max()) profile_.push_back({w.end, part.node, a});
      }
      held_[j] = true;
    }
    std::sort(profile_.begin(), profile_.end(),
              [](const Change& x, const Change& y) { return change_before(x.t, x.delta > 0, y.t, y.delta > 0); });
    kept_all = profile_valid(view);
    if (kept_all) {
      // Those due now start (their takes at now leave the profile: the capacity now has them).
      for (std::size_t j = 0; j < pending_.size(); ++j) {
        if (!held_[j] || work_[j].start != now) continue;
        for (const auto& part : work_[j].placement.parts) {
          remove_change(now, part.node, -static_cast<std::int32_t>(part.accelerators));
        }
        actions.start(work_[j].seq, work_[j].placement);
        held_[j] = false;
      }
    } else {
      build_profile(view);
      held_.assign(pending_.size(), false);
    }
  }
  compress = compress || !kept_all;
  for (std::size_t j = 0; j < pending_.size(); ++j) {
    const Pending& p = pending_[j];
    if (kept_all && p.old != nullptr) continue;
    Reservation& w = work_[j];
    w.seq = p.seq;
    bool have = false;
    if (p.old != nullptr) {
      w.start = std::max(p.old->start, now);
      w.end = add_saturating(w.start, p.runtime);
      w.placement = p.old->placement;
      have = fits(view, w);
    }
    if (!have) have = find(view, placement, p.accelerators, p.site, p.runtime, SimTime::max(), w);
    if (!have) continue;
    if (w.start == now) {
      start_now(actions, w);
    } else {
      take(w);
      held_[j] = true;
    }
  }

  // 2. Compression: each reservation moves to the earliest instant before it that leaves all
  // the others whole.
  Reservation earlier;
  for (std::size_t j = 0; j < pending_.size() && compress; ++j) {
    if (!held_[j]) continue;
    Reservation& w = work_[j];
    untake(w);
    if (find(view, placement, pending_[j].accelerators, pending_[j].site, pending_[j].runtime, w.start, earlier)) {
      w.start = earlier.start;
      w.end = earlier.end;
      std::swap(w.placement, earlier.placement);
    } else if (!releases_at(w.start)) {
      // Nothing comes back at its instant any more (what would have ended then ended early),
      // so no decision point need come then. Since the last release before it the profile only
      // takes, so its own placement fits from that release on; the placement rule, which may
      // answer otherwise there (it may read more than the capacity), is not asked again.
      earlier.start = last_release_before(now, w.start);
      earlier.end = add_saturating(earlier.start, pending_[j].runtime);
      earlier.placement = w.placement;
      if (fits(view, earlier)) {
        w.start = earlier.start;
        w.end = earlier.end;
      }
    }
    if (w.start == now) {
      start_now(actions, w);
      held_[j] = false;
    } else {
      take(w);
    }
  }

  next_.clear();
  for (std::size_t j = 0; j < pending_.size(); ++j) {
    if (held_[j]) next_.push_back(std::move(work_[j]));
  }
  std::swap(kept_, next_);
  remember(view);
}

PolicyInfo conservative_backfill_info() {
  PolicyInfo info;
  info.name = "conservative-backfill";
  info.kind = PolicyKind::kScheduler;
  info.description =
      "Conservative backfilling: every queued job holds a reservation in queue order; a job starts when its "
      "reservation comes, so no job is delayed by one behind it (estimates from the trace, else actual runtimes).";
  info.params = {integer_param("max_scan", 1000.0,
                               "how many queued jobs hold reservations per decision (later ones wait)", 1.0, 1e9)};
  info.make_scheduler = [](const Params& p) {
    return std::make_unique<ConservativeBackfillScheduler>(static_cast<std::size_t>(number(p, "max_scan")));
  };
  return info;
}

}  // namespace wattsim::policies
