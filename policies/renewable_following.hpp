#pragma once
// renewable-following: flexible jobs (policies/flexible.hpp) wait until the site's on-site
// supply can carry them.
//
// A flexible job's site is the one it must run on (ClusterView::required_site), else its home
// site. At its arrival, and again at every re-evaluation of its site, the manager computes
//   available = surplus_w(site) + B - pending,
//   B = the battery's discharge limit when its energy is above reserve x capacity, else 0,
//   pending = the estimated power of flexible jobs it let go that have not started yet,
// and lets jobs go in arrival order (strict: the first that does not fit ends the pass, so a
// large job is not overtaken forever by small ones), each taking its estimated power
// (expected_facility_power_w) off `available`. An arrival behind a held job is held too. A
// held job is deferred (Actions::defer) until its latest start (deadline - runtime at the
// fleet's slowest speed now - margin), when the world returns it whatever the supply: no
// deadline is missed for want of sun. A job whose latest start has passed is never held.
// Re-evaluations: at every breakpoint of the site's renewable forecast (a wake set while jobs
// are held, found within two days ahead), at every completion at the site and at its signal
// changes.
//
// Cost per evaluation: O(log H + r + p log Q) (H held jobs, r let go, p pending, Q queued);
// the battery term peeks the supply (one copy of its state) when the site has a battery.

#include <cstdint>
#include <vector>

#include "policies/flexible.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

struct RenewableFollowingConfig {
  double reserve = 0.2;  // fraction of the battery's capacity kept back
  simcore::SimTime margin = simcore::SimTime::minutes(15);
};

class RenewableFollowing final : public Manager {
 public:
  explicit RenewableFollowing(const RenewableFollowingConfig& config) : config_(config) {}

  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site) override;
  void report(datacenter::PolicyFigures& out) const override;

  // The power the site's on-site supply offers new work now (surplus + battery term), W.
  double available_w(const datacenter::ClusterView& view, std::uint32_t site) const;
  std::uint64_t holds() const { return holds_; }
  std::uint64_t released() const { return released_; }

 private:
  void init(const datacenter::ClusterView& view);
  // Lets held jobs go while they fit; then judges `arriving` (null: none).
  void evaluate(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site,
                const datacenter::QueuedJob* arriving);
  void schedule_wake(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site);

  RenewableFollowingConfig config_;
  bool initialised_ = false;
  HeldJobs held_;
  PendingPower pending_;
  SlowestSpeed slowest_;
  std::vector<simcore::SimTime> wake_;  // per site: the pending re-evaluation (max: none)
  std::vector<simcore::SimTime> scratch_;
  std::uint64_t holds_ = 0, released_ = 0;
};

PolicyInfo renewable_following_info();

}  // namespace wattsim::policies
