#pragma once
// carbon-threshold: flexible jobs (with a deadline) that arrive while the grid is dirty wait
// until it is clean enough, or until the latest start that still meets their deadline and
// finds room among the runs already planned, whichever comes first (issue 13).
//
// Rule, for each flexible job at its arrival (now = its arrival, R = expected_runtime(job,
// slowest speed of the fleet now), L = deadline - R - margin, policies/flexible.hpp):
//   - L <= now: it is not held (it must start now).
//   - its site: the one it must run on (ClusterView::required_site), else, among the sites with
//     at least as many accelerators as it asks for, the one with the lowest intensity now.
//   - its limit: `threshold`, or, when `quantile` q > 0, the time-weighted q-quantile of the
//     site's carbon forecast (issued now) over [now, L]: the smallest forecast value v such
//     that the forecast is <= v for at least a fraction q of the window.
//   - intensity now at or below the limit: not held.
//   - otherwise its hold ends at S, the latest start in [now, L] with room in the capacity
//     profile (below): S = L when [L, L + R) fits, else the latest k x bucket - R in [now, L)
//     that fits (the only instants where a later start touches one more bucket). With no such
//     S, or S = now, it is not held. Otherwise it is deferred (Actions::defer) until S and its
//     run booked at [S, S + R).
// A job not held is booked at [now, now + R) when it is flexible (its capacity is taken now).
// A held job is released (defer(seq, now)), in arrival order, at a change of its site's
// intensity (on the chosen basis) or a completion when the intensity is at the limit or below
// (for a job free to run anywhere: at any site large enough for it) and [now, now + R) has room
// with its own booking set aside; its booking moves to [now, now + R). Otherwise the hold ends
// at S by itself.
//
// Capacity (policies/capacity_profile.hpp, as carbon-forecast): a profile of the accelerators
// booked per bucket of `bucket` width, for the fleet and, for a job with a required site (more
// than one site), for that site. A span fits when every bucket it touches is empty or holds
// planned + the job's accelerators <= accelerators x (1 - headroom) (the fleet's; the site's
// too for a job with a required site). A booking follows its job to [start, start + R) when it
// starts (R as estimated at arrival) and is removed when it completes. So held jobs released
// at their hold's end do not pile into the same hours: when jobs need more than the capacity
// left before their deadlines, the later ones are not held (they run now) rather than planned
// into a full hour. Inflexible jobs are not booked: `headroom` is kept for them.
//
// Intensity "now" is the true present value of the chosen basis (the forecast's truth at now:
// the present is observed, only the future is forecast); a site without a forecast of the
// average basis uses its accounting intensity (ClusterView::carbon_intensity_g_per_kwh).
// The manager asks for a timer at each change of the basis series of the sites its held jobs
// wait on, so steering by the marginal basis works even when the accounting basis (whose
// changes reach on_signal) is the average one.
//
// Worked examples (tests/policies/carbon_threshold_test.cpp): threshold 300 g/kWh, hourly
// intensities 400, 400, 200; a 1 h job arriving at 0 with a 5 h deadline (L = 5 h - 1 h -
// 15 min = 3 h 45 min) waits until 2 h, when the intensity falls to 200. Two 1 h jobs of 8 GPUs
// on one 8-GPU node, deadline 3 h, intensity above the limit throughout: the first is held
// until L = 1 h 45 (booked over buckets 1 and 2); for the second [1 h 45, 2 h 45) and
// [1 h, 2 h) touch a full bucket and [0, 1 h) fits: S = 0, so it runs at once (0 - 1 h) and the
// first at 1 h 45 - 2 h 45: both meet the deadline.
//
// Cost: O(sites + accelerators) per arrival (the slowest speed is cached per instant), plus
// O(m log m) with a quantile, m = forecast steps in the job's window, plus O(c k) for S
// (c = (L - now + R) / bucket + 1 candidates, k = R / bucket + 1 buckets each); O(held jobs)
// x k at each change of a watched site's intensity and each completion while jobs are held;
// O(log held) per hold that ends by itself; O(k) per booking made, moved or removed.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "policies/capacity_profile.hpp"
#include "policies/flexible.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

enum class CarbonBasis : unsigned char { kAverage, kMarginal };

inline datacenter::Signal carbon_signal(CarbonBasis basis) {
  return basis == CarbonBasis::kMarginal ? datacenter::Signal::kCarbonMarginal : datacenter::Signal::kCarbon;
}

// "" when every site of `world` has a series for `signal` (carbon on either basis, or price),
// else what is missing ("needs a marginal carbon series (carbon.marginal) at site \"x\"").
std::string signal_problem(const datacenter::WorldConfig& world, datacenter::Signal signal);

// The true present value of `signal` at `site`: the forecast's truth at now; for the average
// carbon basis without a forecast, the accounting intensity; NaN when unknown.
double present_value(const datacenter::ClusterView& view, std::uint32_t site, datacenter::Signal signal);

// The time-weighted q-quantile (0 < q <= 1) of the forecast issued at `issued` over [t0, t1]
// (t0 < t1): the smallest forecast value v whose sub-level set {t : f(t) <= v} covers at
// least q of the window. O(m log m), m = forecast steps in the window.
double forecast_quantile(const forecast::Forecast& f, simcore::SimTime issued, simcore::SimTime t0,
                         simcore::SimTime t1, double q);

class CarbonThreshold final : public Manager {
 public:
  struct Options {
    double threshold_g_per_kwh = 250.0;
    double quantile = 0.0;  // 0: use the threshold
    CarbonBasis basis = CarbonBasis::kAverage;
    simcore::SimTime margin = simcore::SimTime::minutes(15);
    simcore::SimTime bucket = simcore::SimTime::hours(1);  // width of the capacity profile's buckets
    double headroom = 0.2;  // share of capacity never booked (inflexible work, late runs)
  };
  explicit CarbonThreshold(Options options) : o_(options), fleet_(o_.bucket) {}

  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t site) override;
  // carbon_threshold_jobs_deferred, carbon_threshold_mean_deferral_s (the hold's length, from
  // arrival to release; a hold still open at the end counts to its end S).
  void report(datacenter::PolicyFigures& out) const override;

  std::uint64_t jobs_deferred() const { return deferred_; }
  double mean_deferral_s() const;
  const CapacityProfile& fleet_profile() const { return fleet_; }

 private:
  struct Held {
    double limit = 0.0;
    simcore::SimTime until, since;  // the hold's end (S), its beginning (the arrival)
  };
  // A flexible job's run booked in the profiles: [start, start + runtime).
  struct Booking {
    std::uint32_t site = datacenter::kAnySite;  // also booked at this site when set
    std::uint32_t accelerators = 0;
    simcore::SimTime start, runtime;
  };
  // The intensity the job is judged by now: its required site's, else the lowest among the
  // sites large enough for it. NaN when none is known. `site` receives the site chosen.
  double judged_intensity(const datacenter::ClusterView& view, const datacenter::QueuedJob& q, std::uint32_t& site) const;
  void release_met(const datacenter::ClusterView& view, datacenter::Actions& actions);
  void expire(const datacenter::ClusterView& view);
  void watch(const datacenter::ClusterView& view, datacenter::Actions& actions);
  // The latest start in [now, latest] of a run of `runtime` with room for the job (its
  // required site `site`, kAnySite: any); SimTime::min() when none has.
  simcore::SimTime latest_with_room(const datacenter::ClusterView& view, std::uint32_t site, std::uint32_t accelerators,
                                    simcore::SimTime latest, simcore::SimTime runtime) const;
  // Whether [start, start + runtime) fits the fleet's profile and, for a job with a required
  // site (of several), that site's.
  bool has_room(const datacenter::ClusterView& view, std::uint32_t site, std::uint32_t accelerators,
                simcore::SimTime start, simcore::SimTime runtime) const;
  void book(std::uint64_t seq, Booking booking);
  void unbook(std::uint64_t seq);

  Options o_;
  SlowestSpeed slowest_;
  std::map<std::uint64_t, Held> held_;
  std::multimap<simcore::SimTime, std::uint64_t> by_until_;
  std::set<simcore::SimTime> timers_;
  CapacityProfile fleet_;
  std::vector<CapacityProfile> sites_;  // per site, made at the first booking with a site
  std::map<std::uint64_t, Booking> bookings_;
  std::uint64_t deferred_ = 0;
  double deferral_s_ = 0.0;
};

PolicyInfo carbon_threshold_info();

}  // namespace wattsim::policies
