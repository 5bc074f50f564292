#pragma once
// Routers between sites (issue 13): geo-carbon and follow-the-renewables, one class with the
// score as its mode. A router is a manager; it acts once per job, at its arrival.
//
// Rule, for each arriving job that has not run and has no site yet (ClusterView::required_site
// is kAnySite); g = its accelerators, L = lookahead, now = its arrival:
//   1. Candidates: the sites that can start it now: first-fit on that site alone places it in
//      the free capacity now (a node with g free for a job that fits on one node, whole free
//      nodes holding g for a larger one) once the jobs this router sent there that have not
//      started yet (in transfer, or queued) have been placed first, in arrival order, by
//      first-fit too (so jobs arriving together, or while others are in transfer, do not all
//      pile onto one site). If there are none, the sites large enough for it (a node of at
//      least g accelerators for a one-node job, at least g accelerators in all for a larger
//      one). None: the job is left alone (no site can ever run it).
//   2. Score of a site (geo-carbon: lower wins; follow-the-renewables: higher wins):
//      - geo-carbon, `basis` b (average: Signal::kCarbon; marginal: kCarbonMarginal):
//        L = 0: the intensity now (the forecast's truth at now; without a forecast of the
//        average basis, the site's accounting intensity);
//        L > 0: the forecast's mean over [now, now + L], integral(now, now, now + L) / L; a site
//        without a forecast of b uses its intensity now (held for the whole window).
//        g/kWh. A site with no value (no marginal series) is not a candidate.
//      - follow-the-renewables: the expected renewable surplus over [now, now + L], J:
//        integral of the renewable forecast (W x s) - facility power now x L; L = 0: the
//        surplus rate now, renewable_w - facility power (W). A site without a renewable
//        forecast counts its renewable output now as held (0 without renewables: -facility
//        power x L).
//   3. The best score wins; on a tie the job's home site if it is tied, else the lowest index.
//   4. actions.route(seq, site, T, E): when the site differs from the job's home site (a home
//      past the last site counts as the last, as the world does) and data_gb > 0,
//      T = data_gb x 8 / bandwidth_gbps seconds (rounded to the microsecond) and
//      E = data_gb x energy_per_gb_kwh x 3.6e6 J; otherwise T = 0, E = 0 (the job is still pinned).
// Parameters and their sources: docs/policies/routers.md.
//
// Cost per arrival: per site, one first-fit on that site (O(log nodes) for a one-node job,
// O(log nodes) per whole free node taken for a larger one) and O(1) to O(log n) forecast
// queries (n = steps of the series; one integral when L > 0); while P routed jobs have not
// started, a copy of the free-capacity index (O(nodes)) and P first-fits into it; O(nodes)
// once, at the first arrival, for each site's largest node. O(log P) per start.
//
// A caution for stacks: routing takes the job out of the queue (Actions::route defers it), so
// the QueuedJob that on_arrival passes to the parts after the router no longer names a queued
// job; list the router last among the managers that read arrivals.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datacenter/policy.hpp"
#include "policies/registry.hpp"
#include "policies/stack.hpp"
#include "simcore/time.hpp"

namespace wattsim::policies {

enum class RouteBy : unsigned char { kCarbon, kRenewables };

class GeoRouter final : public Manager {
 public:
  struct Options {
    RouteBy by = RouteBy::kCarbon;
    bool marginal = false;               // geo-carbon: the marginal basis
    simcore::SimTime lookahead;          // 0: the value now
    double bandwidth_gbps = 10.0;        // Gbit/s between any two sites
    double energy_per_gb_kwh = 0.00375;  // network energy per GB moved
    std::string figure_prefix = "geo";   // report(): "<prefix>_jobs_to_<site>", ...
  };
  explicit GeoRouter(Options options) : o_(std::move(options)) {}

  void on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                  const datacenter::QueuedJob& job) override;
  void on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) override;
  // <prefix>_jobs_to_<site> per site, <prefix>_transfers, <prefix>_gb_moved.
  void report(datacenter::PolicyFigures& out) const override;

  // The site the rule picks for `job` now (kAnySite when no site is large enough).
  std::uint32_t choose(const datacenter::ClusterView& view, const workloads::Job& job);
  // The site's score now (see the rule); NaN when it has none.
  double score(const datacenter::ClusterView& view, std::uint32_t site) const;

  const std::vector<std::uint64_t>& jobs_to() const { return jobs_to_; }
  std::uint64_t transfers() const { return transfers_; }
  double gb_moved() const { return gb_moved_; }

 private:
  Options o_;
  struct Pending {
    std::uint32_t site, accelerators;
  };
  std::map<std::uint64_t, Pending> pending_;  // routed, not started yet, by seq (arrival order)
  datacenter::FreeCapacity what_if_;          // scratch: the capacity now less the pending jobs
  std::vector<std::uint32_t> site_max_node_;  // per site: its largest node's accelerators
  std::vector<std::uint64_t> jobs_to_;        // per site: jobs routed there
  std::uint64_t transfers_ = 0;
  double gb_moved_ = 0.0;
  datacenter::Placement scratch_;
};

// "" when every site of `world` has a marginal carbon series, else what is missing.
std::string marginal_series_problem(const datacenter::WorldConfig& world);

PolicyInfo geo_carbon_info();
PolicyInfo follow_the_renewables_info();

}  // namespace wattsim::policies
