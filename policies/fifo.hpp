#pragma once
// Strict FIFO with head-of-line blocking (BENCH-SPEC.md): at each decision point, start jobs
// from the head of the queue while the head fits (first-fit placement); stop at the first
// job that does not fit, even if later ones would.

#include "datacenter/policy.hpp"

namespace wattsim::policies {

class FifoPolicy final : public datacenter::Policy {
 public:
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;

 private:
  datacenter::Placement placement_;  // reused: no allocation per decision
};

}  // namespace wattsim::policies
