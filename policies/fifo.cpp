#include "policies/fifo.hpp"

namespace wattsim::policies {

void FifoScheduler::schedule(const datacenter::ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) {
  while (view.queue_length() > 0) {
    const auto& head = view.queued(0);
    if (!placement.place(view, view.capacity(), head.job.accelerators, view.required_site(head), placement_)) return;
    actions.start(head.seq, placement_);
  }
}

PolicyInfo fifo_info() {
  PolicyInfo info;
  info.name = "fifo";
  info.kind = PolicyKind::kScheduler;
  info.description = "Strict first-in first-out with head-of-line blocking (BENCH-SPEC.md).";
  info.make_scheduler = [](const Params&) { return std::make_unique<FifoScheduler>(); };
  return info;
}

}  // namespace wattsim::policies
