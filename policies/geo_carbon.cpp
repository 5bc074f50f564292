#include "policies/geo_carbon.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "models/forecast/forecast.hpp"
#include "policies/placement.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::Signal;
using simcore::SimTime;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The true value of `signal` now from its forecast's truth; NaN without one (or past its end).
double truth_now(const ClusterView& view, std::uint32_t site, Signal signal) {
  if (const forecast::Forecast* f = view.forecast(site, signal)) {
    try {
      return f->truth().value_at(view.now());
    } catch (const std::out_of_range&) {
    }
  }
  return kNaN;
}

}  // namespace

double GeoRouter::score(const ClusterView& view, std::uint32_t site) const {
  const SimTime now = view.now();
  const double l_s = o_.lookahead.to_seconds();
  if (o_.by == RouteBy::kCarbon) {
    const Signal signal = o_.marginal ? Signal::kCarbonMarginal : Signal::kCarbon;
    if (l_s > 0.0) {
      if (const forecast::Forecast* f = view.forecast(site, signal)) {
        return f->integral(now, now, now + o_.lookahead) / l_s;
      }
    }
    const double k = truth_now(view, site, signal);
    if (!std::isnan(k) || o_.marginal) return k;
    return view.carbon_intensity_g_per_kwh(site);  // average basis without a forecast
  }
  const double facility_w = view.facility_power_w(site);
  if (l_s > 0.0) {
    if (const forecast::Forecast* f = view.forecast(site, Signal::kRenewable)) {
      return f->integral(now, now, now + o_.lookahead) - facility_w * l_s;
    }
    return (view.renewable_w(site) - facility_w) * l_s;
  }
  return view.renewable_w(site) - facility_w;
}

std::uint32_t GeoRouter::choose(const ClusterView& view, const workloads::Job& job) {
  const auto sites = static_cast<std::uint32_t>(view.site_count());
  if (site_max_node_.size() != sites) {
    site_max_node_.assign(sites, 0);
    for (std::size_t n = 0; n < view.node_count(); ++n) {
      const auto node = static_cast<datacenter::NodeId>(n);
      std::uint32_t& m = site_max_node_[view.site_of(node)];
      m = std::max(m, view.accelerators(node));
    }
  }
  const std::uint32_t g = job.accelerators;
  if (g == 0 || sites == 0) return datacenter::kAnySite;
  const std::uint32_t home = std::min(job.home_site, sites - 1);
  const bool one_node = g <= view.max_node_accelerators();
  const bool higher_wins = o_.by == RouteBy::kRenewables;

  // The capacity now, less what the jobs routed earlier and not started yet will take.
  const datacenter::FreeCapacity* capacity = &view.capacity();
  if (!pending_.empty()) {
    what_if_ = view.capacity();
    for (const auto& [seq, p] : pending_) {
      if (!first_fit(view, what_if_, p.accelerators, p.site, scratch_)) continue;
      for (const auto& part : scratch_.parts)
        what_if_.set_free(part.node, what_if_.free(part.node) - part.accelerators);
    }
    capacity = &what_if_;
  }

  std::uint32_t best = datacenter::kAnySite;
  double best_score = 0.0;
  // Pass 0: the sites that can start it now; pass 1: those large enough for it.
  for (int pass = 0; pass < 2 && best == datacenter::kAnySite; ++pass) {
    for (std::uint32_t s = 0; s < sites; ++s) {
      const bool large_enough = one_node ? site_max_node_[s] >= g : view.site_accelerators(s) >= g;
      if (!large_enough) continue;
      if (pass == 0 && !first_fit(view, *capacity, g, s, scratch_)) continue;
      const double v = score(view, s);
      if (std::isnan(v)) continue;
      const bool better = best == datacenter::kAnySite || (higher_wins ? v > best_score : v < best_score) ||
                          (v == best_score && s == home);
      if (better) {
        best = s;
        best_score = v;
      }
    }
  }
  return best;
}

void GeoRouter::on_arrival(const ClusterView& view, datacenter::Actions& actions, const datacenter::QueuedJob& q) {
  if (view.required_site(q) != datacenter::kAnySite) return;
  const std::uint32_t site = choose(view, q.job);
  if (site == datacenter::kAnySite) return;
  // Read everything from q before route: routing takes the job out of the queue.
  const std::uint64_t seq = q.seq;
  const double gb = q.job.data_gb;
  const auto sites = static_cast<std::uint32_t>(view.site_count());
  const bool moved = site != std::min(q.job.home_site, sites - 1) && gb > 0.0;
  if (jobs_to_.size() != sites) jobs_to_.resize(sites, 0);
  ++jobs_to_[site];
  pending_[seq] = Pending{site, q.job.accelerators};
  if (!moved) {
    actions.route(seq, site, SimTime::zero(), 0.0);
    return;
  }
  ++transfers_;
  gb_moved_ += gb;
  const SimTime transfer = SimTime::from_seconds(gb * 8.0 / o_.bandwidth_gbps);
  actions.route(seq, site, transfer, gb * o_.energy_per_gb_kwh * 3.6e6);
}

void GeoRouter::on_start(const ClusterView& view, datacenter::Actions&, datacenter::SlotId slot) {
  if (!pending_.empty()) pending_.erase(view.running(slot).seq);
}

void GeoRouter::report(datacenter::PolicyFigures& out) const {
  for (std::size_t s = 0; s < jobs_to_.size(); ++s) {
    out.emplace_back(o_.figure_prefix + "_jobs_to_" + std::to_string(s), static_cast<double>(jobs_to_[s]));
  }
  out.emplace_back(o_.figure_prefix + "_transfers", static_cast<double>(transfers_));
  out.emplace_back(o_.figure_prefix + "_gb_moved", gb_moved_);
}

std::string marginal_series_problem(const datacenter::WorldConfig& world) {
  std::string without;
  for (const auto& site : world.sites) {
    const bool has =
        site.accounting_marginal ? !site.carbon_intensity_g_per_kwh.empty() : !site.other_intensity_g_per_kwh.empty();
    if (has) continue;
    without += (without.empty() ? "\"" : ", \"") + site.name + "\"";
  }
  if (without.empty()) return "";
  return "needs a marginal carbon intensity series at every site (basis \"marginal\"; none at " + without + ")";
}

namespace {

std::vector<ParamSpec> transfer_params() {
  return {
      number_param("bandwidth_gbps", 10.0,
                   "Gbit/s available to move a job's data between any two sites (assumed: one dedicated 10 Gbit/s "
                   "inter-datacenter link)",
                   1e-6, 1e6),
      number_param("energy_per_gb", 0.00375,
                   "kWh of network energy per GB moved (Aslan et al. 2018: 0.06 kWh/GB in 2015, halving every two "
                   "years, extrapolated to 2023)",
                   0.0, 100.0),
  };
}

GeoRouter::Options transfer_options(const Params& p) {
  GeoRouter::Options o;
  o.lookahead = SimTime::from_seconds(number(p, "lookahead"));
  o.bandwidth_gbps = number(p, "bandwidth_gbps");
  o.energy_per_gb_kwh = number(p, "energy_per_gb");
  return o;
}

}  // namespace

PolicyInfo geo_carbon_info() {
  PolicyInfo info;
  info.name = "geo-carbon";
  info.kind = PolicyKind::kManager;
  info.description =
      "Routes each new job to the site with the lowest carbon intensity (now, or the forecast mean over `lookahead`) "
      "among those that can start it now (else those large enough), paying the data transfer when it leaves its "
      "home site.";
  info.params = {
      choice_param("basis", "average", {"average", "marginal"},
                   "the carbon intensity compared: the average or the marginal emission factor"),
      number_param("lookahead", 0.0, "the window the forecast intensity is averaged over (0: the intensity now)", 0.0,
                   365.0 * 86400.0, simcore::Dimension::kTime),
  };
  for (auto& p : transfer_params()) info.params.push_back(std::move(p));
  info.reads = {Signal::kCarbon, Signal::kCarbonMarginal};
  info.requires_ = [](const datacenter::WorldConfig& world, const Params& p) {
    return text(p, "basis") == "marginal" ? marginal_series_problem(world) : std::string();
  };
  info.make_manager = [](const Params& p) {
    GeoRouter::Options o = transfer_options(p);
    o.by = RouteBy::kCarbon;
    o.marginal = text(p, "basis") == "marginal";
    o.figure_prefix = "geo";
    return std::make_unique<GeoRouter>(std::move(o));
  };
  return info;
}

PolicyInfo follow_the_renewables_info() {
  PolicyInfo info;
  info.name = "follow-the-renewables";
  info.kind = PolicyKind::kManager;
  info.description =
      "Routes each new job to the site with the largest forecast renewable surplus (renewable energy minus the "
      "facility's energy now, over `lookahead`) among those that can start it now (else those large enough), paying "
      "the data transfer when it leaves its home site.";
  info.params = {
      number_param("lookahead", 3600.0, "the window the renewable surplus is forecast over (0: the surplus power now)",
                   0.0, 365.0 * 86400.0, simcore::Dimension::kTime),
  };
  for (auto& p : transfer_params()) info.params.push_back(std::move(p));
  info.reads = {Signal::kRenewable};
  info.make_manager = [](const Params& p) {
    GeoRouter::Options o = transfer_options(p);
    o.by = RouteBy::kRenewables;
    o.figure_prefix = "follow_renewables";
    return std::make_unique<GeoRouter>(std::move(o));
  };
  return info;
}

}  // namespace wattsim::policies
