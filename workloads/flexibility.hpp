#pragma once
// Flexible jobs: gives a share of the jobs a deadline with slack (and marks some preemptible),
// so that carbon-, price- and supply-aware schedulers have work they may move in time
// (workload.flexibility, docs/scenarios.md). It sits between a job source and the world, as
// OversizeFilter does, and changes jobs without dropping or reordering any.
//
// For each job the first rule whose queue equals the job's queue, or whose queue is "" (every
// job), applies; a job no rule matches passes unchanged. With the rule's probability `share`
// the job is flexible:
//   - a job without a deadline gets
//       deadline = max(submit, earliest_start) + duration at full speed + slack,
//     the duration rounded to the nearest microsecond and slack drawn uniformly from the whole
//     microseconds in [slack_min, slack_max] (both ends included);
//   - a job with a deadline keeps it;
//   - with probability `preemptible_share`, the flexible job is also marked preemptible (a job
//     already preemptible stays so; a job that is not flexible is never marked).
//
// Draws come from simcore::RandomStreams(seed).stream("flexibility"), three uniforms on [0, 1)
// per job (share, slack, preemptible) in job order, whatever the outcome and whether or not a
// rule matches: the k-th job's draws depend on the seed and k alone, so a changed rule changes
// only the jobs it applies to. A uniform u decides "yes" when u < share (share 1: every job;
// 0: none).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simcore/random.hpp"
#include "simcore/time.hpp"
#include "workloads/job.hpp"

namespace wattsim::workloads {

struct FlexibilityRule {
  std::string queue;  // "" = every job
  simcore::SimTime slack_min, slack_max;  // 0 <= slack_min <= slack_max
  double share = 1.0;                     // in [0, 1]: probability that a job is flexible
  double preemptible_share = 0.0;         // in [0, 1]: probability that a flexible job is preemptible
};

class FlexibilityFilter final : public JobSource {
 public:
  // Throws simcore::InputError (where "workload.flexibility[i]", i the rule's 0-based index)
  // for a negative slack_min, slack_max < slack_min, or a share outside [0, 1].
  FlexibilityFilter(std::unique_ptr<JobSource> source, std::vector<FlexibilityRule> rules, std::uint64_t seed);

  std::optional<Job> next() override;
  std::string location() const override { return source_->location(); }

  // Counts of the jobs passed so far: made flexible (deadline given or kept), given a deadline,
  // marked preemptible.
  std::uint64_t flexible() const { return flexible_; }
  std::uint64_t deadlines_set() const { return deadlines_set_; }
  std::uint64_t marked_preemptible() const { return preemptible_; }
  const std::vector<FlexibilityRule>& rules() const { return rules_; }

 private:
  std::unique_ptr<JobSource> source_;
  std::vector<FlexibilityRule> rules_;
  simcore::RandomStream stream_;
  std::uint64_t flexible_ = 0;
  std::uint64_t deadlines_set_ = 0;
  std::uint64_t preemptible_ = 0;
};

}  // namespace wattsim::workloads
