#include "policies/flexible.hpp"

#include <algorithm>
#include <cmath>

namespace wattsim::policies {

using simcore::SimTime;

SimTime expected_runtime(const datacenter::QueuedJob& q, double speed) {
  const double work = q.history.ran() ? q.history.remaining : q.job.work;
  const double us = std::ceil(work / (static_cast<double>(q.job.accelerators) * speed) * 1e6);
  SimTime t = SimTime::from_us(static_cast<std::int64_t>(us));
  if (q.history.restore) t += q.job.restore_time;
  return t;
}

SimTime latest_start(const datacenter::QueuedJob& q, double speed, SimTime margin) {
  if (!q.job.deadline) return SimTime::min();
  return *q.job.deadline - expected_runtime(q, speed) - margin;
}

double SlowestSpeed::get(const datacenter::ClusterView& view) {
  if (known_ && view.limits_version() == version_) return speed_;
  known_ = true;
  version_ = view.limits_version();
  speed_ = 1.0;
  for (datacenter::NodeId n = 0; n < view.node_count(); ++n) {
    if (view.accelerator_spec(n) == nullptr || view.failed(n)) continue;
    const auto& node = view.node(n);
    for (std::uint32_t i = 0; i < view.accelerators(n); ++i) speed_ = std::min(speed_, node.relative_speed(i, 1.0));
  }
  if (!(speed_ > 0.0)) speed_ = 1.0;  // a node with no p-state data: full speed
  return speed_;
}

std::uint32_t job_site(const datacenter::ClusterView& view, const datacenter::QueuedJob& q) {
  const std::uint32_t required = view.required_site(q);
  if (required != datacenter::kAnySite && required < view.site_count()) return required;
  return q.job.home_site < view.site_count() ? q.job.home_site : 0;
}

double facility_ratio(const datacenter::ClusterView& view, std::uint32_t site) {
  const double it_w = view.it_power_w(site);
  return it_w > 0.0 ? view.facility_power_w(site) / it_w : 1.0;
}

double expected_facility_power_w(const datacenter::ClusterView& view, std::uint32_t site, const workloads::Job& job) {
  if (view.site_node_count(site) == 0) return 0.0;
  const datacenter::NodeId n = view.site_first_node(site);
  const power::NodeSpec& node = view.node(n).spec();
  const power::AcceleratorSpec* spec = view.accelerator_spec(n);
  const double g = static_cast<double>(job.accelerators);
  double dc_w = 0.0;
  if (spec != nullptr) {
    const double busy_w = power::accelerator_power_w(spec->pstates.back(), job.utilisation);
    dc_w += g * std::max(0.0, busy_w - spec->idle_w);
  }
  if (node.accelerator_count > 0) {
    dc_w += std::max(0.0, node.base_busy_w - node.base_idle_w) * g / static_cast<double>(node.accelerator_count);
  }
  return dc_w * facility_ratio(view, site);
}

bool can_suspend(const datacenter::ClusterView& view, const datacenter::RunningJob& job, double speed, SimTime margin) {
  if (!job.job.deadline) return true;
  const double left = job.progress.remaining_at(view.now());
  const double us = std::ceil(left / (static_cast<double>(job.job.accelerators) * speed) * 1e6);
  const SimTime latest = *job.job.deadline - SimTime::from_us(static_cast<std::int64_t>(us)) - job.job.restore_time;
  return view.now() + job.job.checkpoint_time + margin < latest;
}

bool is_queued(const datacenter::ClusterView& view, std::uint64_t seq) {
  std::size_t lo = 0, hi = view.queue_length();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (view.queued(mid).seq < seq) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < view.queue_length() && view.queued(lo).seq == seq;
}

void HeldJobs::hold(datacenter::Actions& actions, std::uint32_t site, std::uint64_t seq, Held held) {
  if (site >= sites_.size()) sites_.resize(site + 1);
  actions.defer(seq, held.until);
  sites_[site][seq] = held;
}

bool HeldJobs::still_held(const datacenter::ClusterView& view, std::uint64_t seq, const Held& h) {
  const auto it = view.deferred().find(seq);
  return it != view.deferred().end() && it->second.not_before == h.until;
}

bool HeldJobs::any(const datacenter::ClusterView& view, std::uint32_t site) {
  if (site >= sites_.size()) return false;
  auto& held = sites_[site];
  while (!held.empty() && !still_held(view, held.begin()->first, held.begin()->second)) held.erase(held.begin());
  return !held.empty();
}

std::size_t HeldJobs::size() const {
  std::size_t n = 0;
  for (const auto& s : sites_) n += s.size();
  return n;
}

double PendingPower::at(const datacenter::ClusterView& view, std::uint32_t site) {
  double sum = 0.0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!is_queued(view, it->first)) {
      it = pending_.erase(it);
      continue;
    }
    if (it->second.site == site) sum += it->second.power_w;
    ++it;
  }
  return sum;
}

}  // namespace wattsim::policies
