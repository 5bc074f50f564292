#include "policies/sjf.hpp"

#include <algorithm>
#include <cmath>

namespace wattsim::policies {

using simcore::SimTime;

namespace {

SimTime expected_runtime(const workloads::Job& job) {
  if (job.estimate) return *job.estimate;
  const double us = job.duration_s() * 1e6;
  if (!(us < 9.0e18)) return SimTime::max();
  return SimTime::from_us(static_cast<std::int64_t>(std::llround(us)));
}

}  // namespace

void SjfScheduler::schedule(const datacenter::ClusterView& view, datacenter::Actions& actions,
                            PlacementRule& placement) {
  if (view.queue_length() == 0) return;
  if (view.capacity().first_with(1) == datacenter::ClusterView::kNone) return;  // nothing free: nothing starts
  const SimTime now = view.now();
  order_.clear();
  const std::size_t scan = std::min(view.queue_length(), max_scan_);
  for (std::size_t pos = 0; pos < scan; ++pos) {
    const auto& q = view.queued(pos);
    const bool overdue = max_wait_ > SimTime::zero() && now - q.eligible >= max_wait_;
    order_.push_back({overdue, expected_runtime(q.job), q.seq, q.job.accelerators, view.required_site(q)});
  }
  std::sort(order_.begin(), order_.end(), [](const Candidate& a, const Candidate& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.overdue) return a.seq < b.seq;  // overdue: oldest first
    if (a.runtime != b.runtime) return a.runtime < b.runtime;
    return a.seq < b.seq;
  });
  for (const Candidate& c : order_) {
    if (placement.place(view, view.capacity(), c.accelerators, c.site, placement_)) {
      actions.start(c.seq, placement_);
    } else if (c.overdue) {
      return;  // it waits for capacity, and nothing behind it takes any
    }
  }
}

PolicyInfo sjf_info() {
  PolicyInfo info;
  info.name = "sjf";
  info.kind = PolicyKind::kScheduler;
  info.description =
      "Shortest job first by runtime estimate (else the runtime at full speed); starts every job that fits in that "
      "order. Without max_wait, long and large jobs can starve.";
  info.params = {
      number_param(
          "max_wait", 0.0,
          "a job that has waited this long goes first and blocks the jobs behind it until it starts (0: never)", 0.0,
          1e12, simcore::Dimension::kTime),
      integer_param("max_scan", 1000.0, "how many queued jobs (in arrival order) are ordered per decision", 1.0, 1e9)};
  info.make_scheduler = [](const Params& p) {
    return std::make_unique<SjfScheduler>(SimTime::from_seconds(number(p, "max_wait")),
                                          static_cast<std::size_t>(number(p, "max_scan")));
  };
  return info;
}

}  // namespace wattsim::policies
