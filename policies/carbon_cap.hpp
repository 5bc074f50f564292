#pragma once
// carbon-cap: keeps each site's operational emissions under `cap` kg CO2e per hour by
// suspending preemptible running jobs and resuming them when there is room again.
//
// The rule is a rate rule, applied at every call the manager gets (decision, arrival, start,
// completion, signal, timer): the site's emission rate
//   rate = max(0, P - R) x k / 1e6   [kg/h]
// (P facility power in W, R on-site renewable output in W, battery ignored; k the grid
// intensity now in g/kWh, on the scenario's accounting basis) must not exceed `cap`. A rate
// held under the cap at every instant keeps every hour's emissions under it. P counts the
// jobs this manager is suspending as gone: a suspended job holds its power while it writes its
// checkpoint (checkpoint_s), so the realised rate can overshoot for that long.
//   - Over the cap: suspend preemptible running jobs of the site (Job::preemptible, making
//     progress), the highest DC power first (ties: the later arrival), each taking
//     power x facility / IT power off P, until rate <= cap (a job with a deadline only when
//     can_suspend says it can still meet it). When none is left the instant is unmet, and so is
//     its hour. While it holds suspended jobs it sets a timer at the next breakpoint of the
//     carbon forecast or the next hour, whichever is first.
//   - Under it: resume the jobs it suspended, in arrival order (strict), while the rate with
//     the job's estimated power added (expected_facility_power_w) stays <= cap x (1 - margin);
//     then let held arrivals go the same way. A suspended job with a deadline is resumed at
//     its latest start (deadline - runtime at the fleet's slowest speed - `margin_time`) even
//     over the cap: no deadline is missed for the cap's sake.
//   - A flexible arrival (one with a deadline) that would take the rate over the cap, or that
//     arrives behind a held one, is deferred until its latest start at the latest.
// Hours are UTC hours (from the scenario's calendar origin; simulated hours when it has none).
// The hours over the cap are counted from the realised rate, read at each call and held until
// the next (every change of power or intensity comes with a call).
//
// Cost per call: O(1) when under the cap with nothing to resume or release; suspending
// O(J log J) (J running jobs of the site); resuming O(S) (S suspended jobs).

#include <cstdint>
#include <map>
#include <vector>

#include "policies/flexible.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

struct CarbonCapConfig {
  double cap_kg_per_h = 0.0;
  double resume_margin = 0.05;  // fraction of the cap kept free when resuming
  simcore::SimTime margin = simcore::SimTime::minutes(15);
};

class CarbonCap final : public Manager {
 public:
  explicit CarbonCap(const CarbonCapConfig& config) : config_(config) {}

  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site) override;
  void report(datacenter::PolicyFigures& out) const override;

  // The site's emission rate at facility power `facility_w`, kg/h.
  double rate_kg_per_h(const datacenter::ClusterView& view, std::uint32_t site, double facility_w) const;
  std::uint64_t suspensions() const { return suspensions_; }
  std::uint64_t resumes() const { return resumes_; }
  std::uint64_t holds() const { return holds_; }
  // Closed hours (and the open one) whose realised emissions exceeded the cap.
  std::uint64_t hours_over() const;
  std::uint64_t hours_unmet() const;

 private:
  struct Site {
    simcore::SimTime last_t, hour_end;
    double rate_kg_per_h = 0.0;  // realised, since last_t
    double hour_kg = 0.0;
    bool hour_unmet = false;
  };
  struct Suspending {
    datacenter::SlotId slot = 0;
    std::uint64_t seq = 0;
  };
  void init(const datacenter::ClusterView& view);
  simcore::SimTime next_hour(simcore::SimTime t) const;
  void account(const datacenter::ClusterView& view, std::uint32_t site);
  // Facility power less the jobs this manager is suspending.
  double predicted_w(const datacenter::ClusterView& view, std::uint32_t site);
  void balance(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site);

  CarbonCapConfig config_;
  bool initialised_ = false;
  simcore::SimTime origin_;
  std::vector<Site> sites_;
  std::map<std::uint64_t, std::uint32_t> suspended_;  // seq -> site, of the jobs it suspended
  std::vector<Suspending> suspending_;
  HeldJobs held_;
  PendingPower pending_;
  SlowestSpeed slowest_;
  simcore::SimTime wake_ = simcore::SimTime::max();
  std::vector<std::pair<double, datacenter::SlotId>> candidates_;  // scratch
  std::vector<simcore::SimTime> scratch_;
  std::uint64_t suspensions_ = 0, resumes_ = 0, holds_ = 0, hours_over_ = 0, hours_unmet_ = 0;
};

PolicyInfo carbon_cap_info();

}  // namespace wattsim::policies
