#include "policies/fifo.hpp"

#include "policies/placement.hpp"

namespace wattsim::policies {

void FifoPolicy::schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  while (view.queue_length() > 0) {
    const auto& head = view.queued(0);
    if (!first_fit(view, head.job.accelerators, placement_)) return;
    actions.start(head.seq, placement_);
  }
}

}  // namespace wattsim::policies
