#pragma once
// carbon-forecast (and price-forecast, the same class steering by price): moves flexible jobs
// (with a deadline) to the part of their window where the forecast signal is lowest (issue 13).
//
// The score is a step signal per kWh: `carbon` the intensity forecast (g/kWh, on `basis`),
// `price` the energy price forecast (currency/kWh), `carbon+price` price + intensity x
// carbon_price / 1e6 (carbon_price in currency per tonne CO2). Every forecast is issued now.
// A job's runtime R is expected_runtime(job, slowest speed of the fleet now) and its window
// ends at D = deadline - margin (policies/flexible.hpp).
//
// Non-preemptible job, at arrival: with L = D - R (nothing happens when L <= now), the start
// s in [now, L] minimising F(s) = integral of the score over [s, s + R]. F is piecewise linear
// in s with kinks only where s or s + R crosses a forecast breakpoint, so its minimum is at
// one of: now, L, every breakpoint b in (now, L), every b - R in (now, L) for the breakpoints
// b in (now, D). Each candidate costs one Forecast::integral; the earliest of equal minima wins
// (a later one must be lower by more than 1e-12 relative). The job is deferred until s.
//
// Preemptible job (Job::preemptible), at arrival: a plan of blocks in [now, D]. The window is
// cut at the forecast's breakpoints into segments, ranked by their mean score (ties: the
// earlier); segments are chosen cheapest first until their total length covers R plus
// (checkpoint_time + restore_time) for every block beyond the first (contiguous chosen
// segments merge into one block). The job is deferred until the first block. When it runs
// past the end of a block that is not the plan's last, the manager re-plans from the exact
// remaining work Rr (at the slowest speed): if the best plan from now over [now, D] for Rr
// begins now, it keeps running (no checkpoint is paid); otherwise, if a plan over
// [now + checkpoint_time, D] for Rr + restore_time exists, it suspends the job
// (Actions::suspend), and once the checkpoint is written resumes it (Actions::resume) and
// defers it until that plan's first block; if neither plan fits, the job runs to completion
// without further suspensions. A plan fits exactly when its window is at least its runtime, so
// a job that could meet its deadline when it arrived still does (capacity permitting).
//
// Capacity: the manager keeps a profile of the accelerators it has planned (CapacityProfile:
// buckets of `bucket` width from time 0), one for the fleet and one per site. Every plan it
// makes is booked in the fleet profile, and also in its site's profile when the job has a
// required site: a non-preemptible job's run [s, s + R), a preemptible job's blocks, a flexible
// job it lets start now [now, now + R). A booking counts the job's accelerators in every bucket
// its spans touch; it is replaced when the job starts (non-preemptible: [now, now + R)) or is
// re-planned, and removed when the job completes. A start s (a block's segment) is feasible when
// every bucket [s, s + R) touches has planned + the job's accelerators <= capacity x
// (1 - headroom), or nothing planned at all, in the fleet profile against the fleet's
// accelerators and, for a job with a required site, in that site's profile against the site's.
// The best feasible start wins (the candidates above plus every bucket boundary k W and k W - R
// in (now, L): the feasible starts are closed intervals bounded by those); with none feasible
// the job is not held (a preemptible job gets no plan) and runs as soon as the scheduler starts
// it. A preemptible plan's segments are also cut at bucket boundaries, and only segments with
// room are chosen.
//
// Site: the job's required site (ClusterView::required_site, or where a preemptible job runs);
// otherwise the site large enough for it with the lowest objective (without a router the
// scheduler may still start it elsewhere). A site without the needed forecast is skipped; a job
// with no usable site is left alone.
//
// Cost per flexible job at arrival: O(c (log n + k)) non-preemptible, c = m + w candidates
// (m = forecast breakpoints in its window, w = bucket boundaries in it), n = steps of the
// series (O(log n) per integral for perfect and fixed-noise forecasts), k = buckets a run
// touches (R / bucket + 1); O(c log c + c log n) preemptible; the same again at each block end
// of a preemptible job; O(buckets booked) per booking or removal; O(suspended jobs) per
// decision while a suspension waits for its checkpoint.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "policies/capacity_profile.hpp"
#include "policies/carbon_threshold.hpp"
#include "policies/flexible.hpp"
#include "policies/registry.hpp"

namespace wattsim::policies {

enum class ForecastObjective : unsigned char { kCarbon, kPrice, kCarbonPrice };

class CarbonForecast final : public Manager {
 public:
  struct Options {
    ForecastObjective objective = ForecastObjective::kCarbon;
    double carbon_price = 100.0;  // currency per tonne CO2 (carbon+price)
    CarbonBasis basis = CarbonBasis::kAverage;
    simcore::SimTime margin = simcore::SimTime::minutes(15);
    simcore::SimTime bucket = simcore::SimTime::hours(1);  // width of the capacity profile's buckets
    double headroom = 0.2;  // share of capacity never planned (inflexible work, late runs)
    std::string figure_prefix = "carbon_forecast";  // report(): "<prefix>_jobs_deferred", ...
  };
  explicit CarbonForecast(Options options) : o_(std::move(options)), fleet_(o_.bucket) {}

  // A block of a preemptible job's plan: [start, end).
  struct Block {
    simcore::SimTime start, end;
  };

  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  void on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                     const datacenter::RunningJob& job) override;
  void on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  void after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) override;
  // <prefix>_jobs_deferred, <prefix>_mean_deferral_s (from arrival to the planned start),
  // <prefix>_suspensions.
  void report(datacenter::PolicyFigures& out) const override;

  std::uint64_t jobs_deferred() const { return deferred_; }
  double mean_deferral_s() const { return deferred_ > 0 ? deferral_s_ / static_cast<double>(deferred_) : 0.0; }
  std::uint64_t suspensions() const { return suspensions_; }

  // The score's forecasts at one site.
  struct Score {
    const forecast::Forecast* carbon = nullptr;
    const forecast::Forecast* price = nullptr;
    double carbon_weight = 1.0;
    bool usable() const { return carbon != nullptr || price != nullptr; }
    double integral(simcore::SimTime issued, simcore::SimTime t0, simcore::SimTime t1) const;
    // Breakpoints of either forecast strictly inside (t0, t1), ascending, without repeats.
    void breakpoints(simcore::SimTime issued, simcore::SimTime t0, simcore::SimTime t1,
                     std::vector<simcore::SimTime>& out) const;
  };
  Score score_at(const datacenter::ClusterView& view, std::uint32_t site) const;

  // Where a job of `accelerators` may be planned: the fleet profile against `fleet_limit`
  // and, when `site` is set, the site's profile against `site_limit`.
  struct Room {
    const CapacityProfile* fleet = nullptr;
    double fleet_limit = 0.0;
    const CapacityProfile* site = nullptr;
    double site_limit = 0.0;
    std::uint32_t accelerators = 0;
    bool fits(simcore::SimTime t0, simcore::SimTime t1) const;
    simcore::SimTime width() const { return fleet->width(); }
  };

  // The non-preemptible rule: the best start in [now, latest] of a run of `runtime`, and its
  // score integral; with `room`, the best feasible start (with none feasible: now, and *value
  // = +infinity).
  static simcore::SimTime best_start(const Score& score, simcore::SimTime now, simcore::SimTime latest,
                                     simcore::SimTime runtime, double* value = nullptr, const Room* room = nullptr);
  // The preemptible rule: blocks in [from, until] covering `runtime` plus `overhead` per block
  // beyond the first, issued at `issued`; false when [from, until] is shorter than runtime
  // (with `room`: when the segments with room are).
  static bool plan(const Score& score, simcore::SimTime issued, simcore::SimTime from, simcore::SimTime until,
                   simcore::SimTime runtime, simcore::SimTime overhead, std::vector<Block>& out,
                   double* value = nullptr, const Room* room = nullptr);

  const CapacityProfile& fleet_profile() const { return fleet_; }

 private:
  struct Plan {
    std::vector<Block> blocks;
    std::uint32_t site = 0;
    datacenter::SlotId slot = datacenter::kNoSlot;
    simcore::SimTime timer = simcore::SimTime::max();  // the block end it waits for
  };
  void arrive_fixed(const datacenter::ClusterView& view, datacenter::Actions& actions, const datacenter::QueuedJob& q,
                    simcore::SimTime runtime, simcore::SimTime end);
  void arrive_preemptible(const datacenter::ClusterView& view, datacenter::Actions& actions,
                          const datacenter::QueuedJob& q, simcore::SimTime runtime, simcore::SimTime end);
  void block_end(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint64_t seq);
  void set_timer(datacenter::Actions& actions, std::uint64_t seq, Plan& plan, simcore::SimTime at);
  void resume_written(const datacenter::ClusterView& view, datacenter::Actions& actions);
  // The room of a job of `accelerators` needing `site` (kAnySite: any).
  Room room_for(const datacenter::ClusterView& view, std::uint32_t site, std::uint32_t accelerators);
  void book(std::uint64_t seq, std::uint32_t site, std::uint32_t accelerators, std::vector<Block> spans,
            simcore::SimTime runtime, bool fixed);
  // Books [now, now + R) for a queued job that may start now, or a running one from now to its end.
  void book_now(const datacenter::ClusterView& view, const datacenter::QueuedJob& q, simcore::SimTime runtime);
  void book_running(const datacenter::ClusterView& view, const datacenter::RunningJob& r);
  void unbook(std::uint64_t seq);

  // A job's booking in the profiles.
  struct Booking {
    std::uint32_t site = datacenter::kAnySite;  // also booked at this site when set
    std::uint32_t accelerators = 0;
    std::vector<Block> spans;
    simcore::SimTime runtime;  // non-preemptible: the run booked from its start
    bool fixed = false;        // non-preemptible
  };

  Options o_;
  SlowestSpeed slowest_;
  std::map<std::uint64_t, Plan> plans_;            // preemptible jobs with a plan, by seq
  std::multimap<simcore::SimTime, std::uint64_t> timers_;
  std::set<std::uint64_t> awaiting_resume_;        // suspended by this manager, checkpoint pending
  CapacityProfile fleet_;
  std::vector<CapacityProfile> sites_;             // per site, made at the first booking
  std::map<std::uint64_t, Booking> bookings_;      // by seq
  std::uint64_t deferred_ = 0, suspensions_ = 0;
  double deferral_s_ = 0.0;
};

PolicyInfo carbon_forecast_info();
PolicyInfo price_forecast_info();

}  // namespace wattsim::policies
