#pragma once
// Jobs larger than the whole facility. A job runs within one site, so one that needs more
// accelerators than the largest site has could never start. Left in the stream, the world
// would reject it on arrival and a run of only such jobs would "succeed" with nothing done;
// this filter, between the job source and the world, makes it a choice (workload.oversize,
// docs/scenarios.md):
//
//   kError  the first such job is an input error at its location ("jobs.csv:12: job 7 needs
//           4096 accelerators; the largest site has 1024; ...").
//   kSkip   such jobs are dropped and counted (skipped(); the run's summary key
//           jobs_skipped_oversize). The first skip prints one warning line, with the job's
//           location, on the given stream; later ones only count.
//
// `wattsim check` streams a whole trace through the same reader and filter, so both modes are
// known before a run.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "workloads/job.hpp"

namespace wattsim::workloads {

class OversizeFilter final : public JobSource {
 public:
  enum class Mode { kError, kSkip };

  // `largest_site_accelerators`: the largest job that fits. `warnings`: where the first skip is
  // reported (nullptr: nowhere).
  OversizeFilter(std::unique_ptr<JobSource> source, std::uint64_t largest_site_accelerators, Mode mode,
                 std::FILE* warnings = stderr);

  // The next job that fits. Throws simcore::InputError for one that does not, in kError mode.
  std::optional<Job> next() override;
  std::string location() const override { return source_->location(); }

  std::uint64_t skipped() const { return skipped_; }
  std::uint64_t largest_site_accelerators() const { return largest_; }
  Mode mode() const { return mode_; }

 private:
  std::unique_ptr<JobSource> source_;
  std::uint64_t largest_;
  Mode mode_;
  std::FILE* warnings_;
  std::uint64_t skipped_ = 0;
};

}  // namespace wattsim::workloads
