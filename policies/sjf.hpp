#pragma once
// Shortest job first, placed by the stack's placement rule.
//
// At each decision point the first `max_scan` jobs of the queue (in arrival order) are sorted
// by expected runtime, shortest first: the job's estimate when it has one, else its runtime at
// full speed (work / accelerators); ties go by arrival. In that order every job that fits now
// starts; one that does not is passed over. Nothing is reserved, so a large or long job can
// wait for ever while shorter ones keep arriving.
//
// Against that, `max_wait` (0: off): a job that has waited at least max_wait since it became
// eligible goes ahead of every job that has not, the oldest first, and blocks: while such a job
// does not fit, nothing behind it starts, so the capacity it needs builds up as jobs end. No
// timer is needed: until a job ends or arrives, nothing that did not fit before fits.
//
// Cost per decision, with S jobs considered (<= max_scan): O(S log S) to order them, plus one
// placement per job.

#include <cstdint>
#include <vector>

#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

class SjfScheduler final : public Scheduler {
 public:
  // max_wait: SimTime::zero() for no limit.
  explicit SjfScheduler(simcore::SimTime max_wait = simcore::SimTime::zero(), std::size_t max_scan = 1000)
      : max_wait_(max_wait), max_scan_(max_scan) {}
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) override;

 private:
  struct Candidate {
    bool overdue;              // waited max_wait or longer: goes first, by arrival
    simcore::SimTime runtime;  // expected
    std::uint64_t seq;
    std::uint32_t accelerators;
    std::uint32_t site;  // view.required_site: kAnySite, or the one it must run on
  };
  simcore::SimTime max_wait_;
  std::size_t max_scan_;
  std::vector<Candidate> order_;
  datacenter::Placement placement_;
};

PolicyInfo sjf_info();

}  // namespace wattsim::policies
