#pragma once
// Jobs from memory, in the order given (for tests and programmatic use). The caller keeps
// them in submit order, as for any JobSource.

#include <utility>
#include <vector>

#include "workloads/job.hpp"

namespace wattsim::workloads {

class VectorJobSource final : public JobSource {
 public:
  explicit VectorJobSource(std::vector<Job> jobs) : jobs_(std::move(jobs)) {}
  std::optional<Job> next() override {
    if (i_ >= jobs_.size()) return std::nullopt;
    return jobs_[i_++];
  }

 private:
  std::vector<Job> jobs_;
  std::size_t i_ = 0;
};

}  // namespace wattsim::workloads
