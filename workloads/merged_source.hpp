#pragma once
// Several job streams as one, in submit order (ties: the earlier stream first), e.g. a
// training generator beside a batch generator. Jobs are renumbered 0, 1, 2, ... in the merged
// order, since each stream numbers its own jobs from 0. Holds one pending job per stream.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workloads/job.hpp"

namespace wattsim::workloads {

class MergedJobSource final : public JobSource {
 public:
  explicit MergedJobSource(std::vector<std::unique_ptr<JobSource>> sources) : sources_(std::move(sources)) {
    for (auto& s : sources_) {
      heads_.push_back(s->next());
      head_locations_.push_back(s->location());
    }
  }

  std::optional<Job> next() override {
    std::size_t best = heads_.size();
    for (std::size_t i = 0; i < heads_.size(); ++i) {
      if (heads_[i] && (best == heads_.size() || heads_[i]->submit < heads_[best]->submit)) best = i;
    }
    if (best == heads_.size()) return std::nullopt;
    Job j = std::move(*heads_[best]);
    location_ = std::move(head_locations_[best]);
    heads_[best] = sources_[best]->next();
    head_locations_[best] = sources_[best]->location();
    j.id = next_id_++;
    return j;
  }
  // The location its own stream gave the job when it was read (streams are read one ahead).
  std::string location() const override { return location_; }

 private:
  std::vector<std::unique_ptr<JobSource>> sources_;
  std::vector<std::optional<Job>> heads_;
  std::vector<std::string> head_locations_;
  std::string location_;
  std::uint64_t next_id_ = 0;
};

}  // namespace wattsim::workloads
