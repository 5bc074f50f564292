#include "workloads/flexibility.hpp"

#include <algorithm>
#include <cmath>

#include "simcore/error.hpp"

namespace wattsim::workloads {

namespace {

void check_rule(const FlexibilityRule& rule, std::size_t index) {
  const std::string where = "workload.flexibility[" + std::to_string(index) + "]";
  if (rule.slack_min < simcore::SimTime::zero()) {
    throw simcore::InputError(where, "slack_min is " + simcore::format_time(rule.slack_min) + "; expected >= 0");
  }
  if (rule.slack_max < rule.slack_min) {
    throw simcore::InputError(where, "slack_max (" + simcore::format_time(rule.slack_max) + ") is below slack_min (" +
                                         simcore::format_time(rule.slack_min) + "); expected slack_min <= slack_max");
  }
  if (!(rule.share >= 0.0 && rule.share <= 1.0)) {
    throw simcore::InputError(where, "share is " + std::to_string(rule.share) + "; expected a fraction in [0, 1]");
  }
  if (!(rule.preemptible_share >= 0.0 && rule.preemptible_share <= 1.0)) {
    throw simcore::InputError(
        where, "preemptible_share is " + std::to_string(rule.preemptible_share) + "; expected a fraction in [0, 1]");
  }
}

}  // namespace

FlexibilityFilter::FlexibilityFilter(std::unique_ptr<JobSource> source, std::vector<FlexibilityRule> rules,
                                     std::uint64_t seed)
    : source_(std::move(source)),
      rules_(std::move(rules)),
      stream_(simcore::RandomStreams(seed).stream("flexibility")) {
  for (std::size_t i = 0; i < rules_.size(); ++i) check_rule(rules_[i], i);
}

std::optional<Job> FlexibilityFilter::next() {
  auto job = source_->next();
  if (!job) return job;
  // Always three draws, in this order, so the stream stays aligned with the job order.
  const double u_share = stream_.uniform01();
  const double u_slack = stream_.uniform01();
  const double u_preemptible = stream_.uniform01();

  const auto rule = std::find_if(rules_.begin(), rules_.end(),
                                 [&](const FlexibilityRule& r) { return r.queue.empty() || r.queue == job->queue; });
  if (rule == rules_.end() || !(u_share < rule->share)) return job;

  ++flexible_;
  if (!job->deadline) {
    // Whole microseconds in [slack_min, slack_max]: floor(u * (span + 1)), capped at span in
    // case the product rounds up to span + 1.
    const std::int64_t span = (rule->slack_max - rule->slack_min).us();
    const auto offset = std::min(
        span, static_cast<std::int64_t>(std::floor(u_slack * (static_cast<double>(span) + 1.0))));
    const simcore::SimTime slack = rule->slack_min + simcore::SimTime::from_us(offset);
    const simcore::SimTime start =
        job->earliest_start && *job->earliest_start > job->submit ? *job->earliest_start : job->submit;
    job->deadline = start + simcore::SimTime::from_seconds(job->duration_s()) + slack;
    ++deadlines_set_;
  }
  if (u_preemptible < rule->preemptible_share && !job->preemptible) {
    job->preemptible = true;
    ++preemptible_;
  }
  return job;
}

}  // namespace wattsim::workloads
