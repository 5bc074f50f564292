#pragma once
// Queues with weights and accelerator quotas (weighted fair share), placed by the stack's
// placement rule.
//
// Each job belongs to the queue its trace names (workloads::Job::queue; a job without one is in
// the queue ""). `weights` ("prod=4,research=1") gives each queue a share weight (> 0; a queue
// not named has weight 1) and `quotas` ("prod=512") the most accelerators the queue's running
// jobs may hold at once (a queue not named has no quota).
//
// At each decision point, over the first `max_scan` jobs of the queue: the queue with the least
// accelerators in use per unit of weight goes next (ties: the queue's name, in byte order), and
// its oldest job is considered. If starting it would take the queue past its quota, the queue is
// passed over for this decision. Else the job starts if it fits; if it does not, nothing else
// starts (as with fifo: the job whose turn it is keeps its turn, so no large job starves).
// Every accelerator a job holds counts, while it runs, writes or reads a checkpoint.
//
// With `preempt`, a job whose turn it is and that does not fit may suspend running jobs of
// queues of lower weight (Actions::suspend: each writes its checkpoint, then lets go). Victims
// are taken from the lowest-weight queue first (ties: name), its most recently started job
// first, and only while the victim's queue keeps at least the share (in use / weight) of the
// preempting queue; only as many as make the job fit, counting accelerators already being
// given back by checkpoints, and none if even all of them would not. The preempting job then
// goes first at every decision until it starts. Jobs this scheduler suspended are resumed
// (Actions::resume) at the next decision: they queue again at their place by arrival and start
// at their queue's turn, reading their checkpoint back first.
//
// Cost per decision, with S jobs considered (<= max_scan), R running jobs and Q queues:
// O(R + S + starts x Q), plus O(R log R) when it preempts.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "policies/placement.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

struct QueueSpec {
  std::string name;
  double weight = 1.0;
  std::optional<std::uint64_t> quota;  // accelerators; none: unlimited
};

// Parses "a=1,b=2" tables. Throws simcore::InputError naming the parameter and the bad entry.
std::vector<QueueSpec> parse_queue_table(const std::string& weights, const std::string& quotas);

class PriorityScheduler final : public Scheduler {
 public:
  explicit PriorityScheduler(std::vector<QueueSpec> queues, bool preempt = false, std::size_t max_scan = 1000);
  void schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) override;

 private:
  struct Queue {
    QueueSpec spec;
    std::uint64_t in_use = 0;  // accelerators held by its running jobs
    // (seq, accelerators, view.required_site), oldest first
    std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> jobs;
    std::size_t next = 0;  // into jobs
    bool passed = false;   // at its quota for this decision
  };
  std::size_t queue_index(const std::string& name);
  // The queue whose turn it is, or npos.
  std::size_t next_queue() const;
  // Suspends victims so that `accelerators` fit on `site` (kAnySite: any) for queue `q`; false
  // if it cannot.
  bool preempt_for(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement,
                   std::size_t q, std::uint32_t accelerators, std::uint32_t site);

  std::vector<Queue> queues_;
  std::unordered_map<std::string, std::size_t> index_;
  bool preempt_;
  std::size_t max_scan_;
  std::vector<std::uint64_t> suspended_;    // seqs this scheduler suspended, to resume
  std::optional<std::uint64_t> preemptor_;  // the job for which it suspended others
  datacenter::Placement placement_;
  datacenter::FreeCapacity future_;
  std::vector<datacenter::SlotId> victims_;
};

PolicyInfo priority_info();

}  // namespace wattsim::policies
