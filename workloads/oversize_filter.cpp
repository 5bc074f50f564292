#include "workloads/oversize_filter.hpp"

#include "simcore/error.hpp"

namespace wattsim::workloads {

OversizeFilter::OversizeFilter(std::unique_ptr<JobSource> source, std::uint64_t largest_site_accelerators, Mode mode,
                               std::FILE* warnings)
    : source_(std::move(source)), largest_(largest_site_accelerators), mode_(mode), warnings_(warnings) {}

std::optional<Job> OversizeFilter::next() {
  while (auto job = source_->next()) {
    if (job->accelerators <= largest_) return job;
    const std::string where = source_->location();
    const std::string what = "job " + std::to_string(job->id) + " needs " + std::to_string(job->accelerators) +
                             " accelerators; the largest site has " + std::to_string(largest_);
    if (mode_ == Mode::kError) {
      throw simcore::InputError(where.empty() ? "workload" : where,
                                what + "; set workload.oversize to \"skip\" to drop such jobs");
    }
    if (skipped_++ == 0 && warnings_ != nullptr) {
      std::fprintf(warnings_,
                   "wattsim: warning: %s%s%s: skipped (workload.oversize is \"skip\"); later such jobs are skipped "
                   "without a warning and counted in the summary (jobs_skipped_oversize)\n",
                   where.c_str(), where.empty() ? "" : ": ", what.c_str());
    }
  }
  return std::nullopt;
}

}  // namespace wattsim::workloads
