#pragma once
// Strict FIFO with head-of-line blocking (BENCH-SPEC.md): at each decision point, start jobs
// from the head of the queue while the head fits (placed by the stack's placement rule); stop
// at the first job that does not fit, even if later ones would.

#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class FifoScheduler final : public Scheduler {
 public:
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) override;

 private:
  datacenter::Placement placement_;  // reused: no allocation per decision
};

PolicyInfo fifo_info();

// FIFO with first-fit placement and no managers, as a whole policy.
class FifoPolicy : public StackPolicy {
 public:
  FifoPolicy() : StackPolicy(std::make_unique<FifoScheduler>(), std::make_unique<FirstFitPlacement>(), {}) {}
};

}  // namespace wattsim::policies
