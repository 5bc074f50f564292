#include "policies/carbon_threshold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/forecast/forecast.hpp"

namespace wattsim::policies {

using simcore::SimTime;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::string signal_problem(const datacenter::WorldConfig& world, datacenter::Signal signal) {
  for (const auto& site : world.sites) {
    bool has = true;
    std::string what;
    switch (signal) {
      case datacenter::Signal::kCarbon:
      case datacenter::Signal::kCarbonMarginal: {
        const bool marginal = signal == datacenter::Signal::kCarbonMarginal;
        has = marginal == site.accounting_marginal ? !site.carbon_intensity_g_per_kwh.empty()
                                                   : !site.other_intensity_g_per_kwh.empty();
        what = marginal ? "a marginal carbon intensity series" : "an average carbon intensity series";
        break;
      }
      case datacenter::Signal::kPrice:
        has = site.supply.price.has_value();
        what = "an energy price series (supply.price)";
        break;
      default:
        has = site.forecasts[static_cast<std::size_t>(signal)] != nullptr;
        what = std::string("a ") + datacenter::signal_name(signal) + " series";
        break;
    }
    if (!has) return "needs " + what + " at site \"" + site.name + "\"";
  }
  return "";
}

double present_value(const datacenter::ClusterView& view, std::uint32_t site, datacenter::Signal signal) {
  if (const forecast::Forecast* f = view.forecast(site, signal)) {
    try {
      return f->truth().value_at(view.now());
    } catch (const std::out_of_range&) {
      // Past the series' end: fall through.
    }
  }
  if (signal == datacenter::Signal::kCarbon) return view.carbon_intensity_g_per_kwh(site);
  if (signal == datacenter::Signal::kPrice) return view.price_per_kwh(site);
  return kNaN;
}

double forecast_quantile(const forecast::Forecast& f, SimTime issued, SimTime t0, SimTime t1, double q) {
  std::vector<SimTime> cuts;
  cuts.push_back(t0);
  f.breakpoints(issued, t0, t1, cuts);
  cuts.push_back(t1);
  std::vector<std::pair<double, double>> steps;  // (value, seconds)
  steps.reserve(cuts.size() - 1);
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double len = (cuts[i + 1] - cuts[i]).to_seconds();
    if (!(len > 0.0)) continue;
    steps.emplace_back(f.value(issued, cuts[i]), len);
    total += len;
  }
  if (steps.empty()) return f.value(issued, t0);
  std::sort(steps.begin(), steps.end());
  double covered = 0.0;
  for (const auto& [value, len] : steps) {
    covered += len;
    if (covered >= q * total * (1.0 - 1e-12)) return value;
  }
  return steps.back().first;
}

double CarbonThreshold::mean_deferral_s() const {
  double sum = deferral_s_;
  for (const auto& [seq, h] : held_) sum += (h.until - h.since).to_seconds();
  return deferred_ > 0 ? sum / static_cast<double>(deferred_) : 0.0;
}

double CarbonThreshold::judged_intensity(const datacenter::ClusterView& view, const datacenter::QueuedJob& q,
                                         std::uint32_t& site) const {
  const datacenter::Signal signal = carbon_signal(o_.basis);
  const std::uint32_t required = view.required_site(q);
  if (required != datacenter::kAnySite) {
    site = required;
    return present_value(view, required, signal);
  }
  double best = kNaN;
  site = 0;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) {
    if (view.site_accelerators(s) < q.job.accelerators) continue;
    const double k = present_value(view, s, signal);
    if (std::isnan(k)) continue;
    if (std::isnan(best) || k < best) {
      best = k;
      site = s;
    }
  }
  return best;
}

void CarbonThreshold::on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                                 const datacenter::QueuedJob& q) {
  if (!is_flexible(q.job) || q.history.ran()) return;
  const SimTime now = view.now();
  const double speed = slowest_.get(view);
  const SimTime runtime = expected_runtime(q, speed);
  const SimTime latest = latest_start(q, speed, o_.margin);
  const std::uint32_t required = view.required_site(q);
  Booking booking{required, q.job.accelerators, now, runtime};
  const auto run_now = [&] { book(q.seq, booking); };
  if (latest <= now) return run_now();
  std::uint32_t site = 0;
  const double k = judged_intensity(view, q, site);
  if (std::isnan(k)) return run_now();
  double limit = o_.threshold_g_per_kwh;
  if (o_.quantile > 0.0) {
    if (const forecast::Forecast* f = view.forecast(site, carbon_signal(o_.basis))) {
      limit = forecast_quantile(*f, now, now, latest, o_.quantile);
    }
  }
  if (k <= limit) return run_now();
  const SimTime until = latest_with_room(view, required, q.job.accelerators, latest, runtime);
  if (until <= now) return run_now();  // no later start with room (or only now)
  booking.start = until;
  book(q.seq, booking);
  actions.defer(q.seq, until);
  held_[q.seq] = Held{limit, until, now};
  by_until_.emplace(until, q.seq);
  ++deferred_;
  watch(view, actions);
}

bool CarbonThreshold::has_room(const datacenter::ClusterView& view, std::uint32_t site, std::uint32_t accelerators,
                               SimTime start, SimTime runtime) const {
  const double keep = 1.0 - o_.headroom;
  double total = 0.0;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) total += view.site_accelerators(s);
  const SimTime end = start + runtime;
  if (!fleet_.fits(start, end, accelerators, total * keep)) return false;
  if (site == datacenter::kAnySite || view.site_count() <= 1 || site >= sites_.size()) return true;
  return sites_[site].fits(start, end, accelerators, view.site_accelerators(site) * keep);
}

SimTime CarbonThreshold::latest_with_room(const datacenter::ClusterView& view, std::uint32_t site,
                                          std::uint32_t accelerators, SimTime latest, SimTime runtime) const {
  if (has_room(view, site, accelerators, latest, runtime)) return latest;
  // Lowering the start drops a bucket from those the run touches only where its end comes down
  // to a bucket boundary k W (it adds one where its start crosses one); so the latest start
  // with room below latest is such a k W - R. k runs down from the last boundary below
  // latest + R.
  const std::int64_t w = o_.bucket.us();
  for (std::int64_t b = (latest + runtime - SimTime::from_us(1)).us() / w; b >= 0; --b) {
    const SimTime s = SimTime::from_us(b * w) - runtime;
    if (s < view.now()) break;
    if (s < latest && has_room(view, site, accelerators, s, runtime)) return s;
  }
  return SimTime::min();
}

void CarbonThreshold::book(std::uint64_t seq, Booking booking) {
  unbook(seq);
  const SimTime end = booking.start + booking.runtime;
  const auto g = static_cast<std::int64_t>(booking.accelerators);
  fleet_.add(booking.start, end, g);
  if (booking.site != datacenter::kAnySite) {
    if (sites_.size() <= booking.site) sites_.resize(booking.site + 1, CapacityProfile(o_.bucket));
    sites_[booking.site].add(booking.start, end, g);
  }
  bookings_[seq] = booking;
}

void CarbonThreshold::unbook(std::uint64_t seq) {
  const auto it = bookings_.find(seq);
  if (it == bookings_.end()) return;
  const Booking& b = it->second;
  const SimTime end = b.start + b.runtime;
  const auto g = static_cast<std::int64_t>(b.accelerators);
  fleet_.add(b.start, end, -g);
  if (b.site != datacenter::kAnySite) sites_[b.site].add(b.start, end, -g);
  bookings_.erase(it);
}

void CarbonThreshold::on_start(const datacenter::ClusterView& view, datacenter::Actions&, datacenter::SlotId slot) {
  const datacenter::RunningJob& r = view.running(slot);
  const auto it = bookings_.find(r.seq);
  if (it == bookings_.end()) return;
  // The run follows the job: from now, to where it runs (one site: the fleet is the site).
  Booking booking = it->second;
  booking.start = view.now();
  booking.site = view.site_count() > 1 ? r.site : datacenter::kAnySite;
  book(r.seq, booking);
}

void CarbonThreshold::on_completion(const datacenter::ClusterView& view, datacenter::Actions& actions,
                                    const datacenter::RunningJob& job) {
  unbook(job.seq);
  // Its room may let a held job whose limit is met go now.
  if (!held_.empty()) release_met(view, actions);
}

void CarbonThreshold::expire(const datacenter::ClusterView& view) {
  while (!by_until_.empty() && by_until_.begin()->first <= view.now()) {
    const auto [until, seq] = *by_until_.begin();
    by_until_.erase(by_until_.begin());
    const auto it = held_.find(seq);
    if (it == held_.end() || it->second.until != until) continue;
    deferral_s_ += (until - it->second.since).to_seconds();
    held_.erase(it);
  }
}

void CarbonThreshold::release_met(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  expire(view);
  if (held_.empty()) return;
  const auto& deferred = view.deferred();
  std::vector<std::uint64_t> release;
  for (auto it = held_.begin(); it != held_.end();) {
    const auto d = deferred.find(it->first);
    if (d == deferred.end()) {  // released by someone else
      deferral_s_ += (view.now() - it->second.since).to_seconds();
      it = held_.erase(it);
      continue;
    }
    std::uint32_t site = 0;
    const double k = judged_intensity(view, d->second, site);
    if (!std::isnan(k) && k <= it->second.limit) release.push_back(it->first);
    ++it;
  }
  // In arrival order; a job goes only when its run fits from now (its own booking set aside),
  // else it keeps its hold and its booking.
  for (const std::uint64_t seq : release) {
    if (const auto b = bookings_.find(seq); b != bookings_.end()) {
      Booking booking = b->second;
      unbook(seq);
      const bool fits = has_room(view, booking.site, booking.accelerators, view.now(), booking.runtime);
      if (fits) booking.start = view.now();
      book(seq, booking);
      if (!fits) continue;
    }
    deferral_s_ += (view.now() - held_[seq].since).to_seconds();
    held_.erase(seq);
    actions.defer(seq, view.now());
  }
}

void CarbonThreshold::watch(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  if (held_.empty()) return;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) {
    const forecast::Forecast* f = view.forecast(s, carbon_signal(o_.basis));
    if (f == nullptr) continue;  // the accounting series: its changes reach on_signal
    SimTime next = SimTime::max();
    try {
      next = f->truth().next_change_after(view.now());
    } catch (const std::out_of_range&) {
      continue;
    }
    if (next == SimTime::max() || next <= view.now()) continue;
    if (timers_.insert(next).second) actions.wake_at(next);
  }
}

void CarbonThreshold::after_schedule(const datacenter::ClusterView& view, datacenter::Actions&) { expire(view); }

void CarbonThreshold::on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  if (timers_.empty() || *timers_.begin() > view.now()) return;  // another part's timer
  while (!timers_.empty() && *timers_.begin() <= view.now()) timers_.erase(timers_.begin());
  release_met(view, actions);
  watch(view, actions);
}

void CarbonThreshold::on_signal(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint32_t) {
  release_met(view, actions);
  watch(view, actions);
}

void CarbonThreshold::report(datacenter::PolicyFigures& out) const {
  out.emplace_back("carbon_threshold_jobs_deferred", static_cast<double>(deferred_));
  out.emplace_back("carbon_threshold_mean_deferral_s", mean_deferral_s());
}

PolicyInfo carbon_threshold_info() {
  PolicyInfo info;
  info.name = "carbon-threshold";
  info.kind = PolicyKind::kManager;
  info.description =
      "Holds flexible jobs (with a deadline) that arrive while the grid's carbon intensity is above a threshold "
      "(or a quantile of the forecast over their window) until it falls to it, or until the latest start that "
      "still meets their deadline with room among the runs it has planned.";
  info.params = {
      number_param("threshold", 250.0, "the intensity above which flexible jobs wait", 0.0, 1e5,
                   simcore::Dimension::kCarbonIntensity),
      number_param("quantile", 0.0,
                   "when > 0, each job's limit is this time-weighted quantile of the carbon forecast over its window "
                   "[arrival, latest start] instead of the threshold",
                   0.0, 1.0),
      choice_param("basis", "average", {"average", "marginal"}, "which carbon intensity to steer by"),
      number_param("margin", 900.0, "slack kept before the latest start that meets the deadline", 0.0, 1e9,
                   simcore::Dimension::kTime),
      number_param("bucket", 3600.0, "width of the buckets of the planned-capacity profile", 1.0, 1e7,
                   simcore::Dimension::kTime),
      number_param("headroom", 0.2, "share of the accelerators never planned for flexible jobs", 0.0, 0.95,
                   simcore::Dimension::kFraction),
  };
  info.reads = {datacenter::Signal::kCarbon, datacenter::Signal::kCarbonMarginal};
  info.requires_ = [](const datacenter::WorldConfig& world, const Params& p) {
    return signal_problem(world, text(p, "basis") == "marginal" ? datacenter::Signal::kCarbonMarginal
                                                                : datacenter::Signal::kCarbon);
  };
  info.make_manager = [](const Params& p) {
    CarbonThreshold::Options o;
    o.threshold_g_per_kwh = number(p, "threshold");
    o.quantile = number(p, "quantile");
    o.basis = text(p, "basis") == "marginal" ? CarbonBasis::kMarginal : CarbonBasis::kAverage;
    o.margin = SimTime::from_seconds(number(p, "margin"));
    o.bucket = SimTime::from_seconds(number(p, "bucket"));
    o.headroom = number(p, "headroom");
    return std::make_unique<CarbonThreshold>(o);
  };
  return info;
}

}  // namespace wattsim::policies
