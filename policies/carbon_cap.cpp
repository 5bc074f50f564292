#include "policies/carbon_cap.hpp"

#include <algorithm>
#include <memory>

#include "models/forecast/forecast.hpp"

namespace wattsim::policies {

using datacenter::Actions;
using datacenter::ClusterView;
using datacenter::JobPhase;
using datacenter::QueuedJob;
using datacenter::SlotId;
using simcore::SimTime;

namespace {
constexpr double kTolerance = 1e-9;  // relative, on comparisons with the cap
}  // namespace

void CarbonCap::init(const ClusterView& view) {
  if (initialised_) return;
  initialised_ = true;
  origin_ = view.calendar_origin();
  sites_.assign(view.site_count(), Site{});
  for (auto& s : sites_) {
    s.last_t = view.now();
    s.hour_end = next_hour(view.now());
  }
}

SimTime CarbonCap::next_hour(SimTime t) const {
  const std::int64_t hour = SimTime::hours(1).us();
  const std::int64_t abs = (origin_ + t).us();
  std::int64_t index = abs / hour;
  if (abs < 0 && abs % hour != 0) --index;  // floor
  return SimTime::from_us((index + 1) * hour) - origin_;
}

double CarbonCap::rate_kg_per_h(const ClusterView& view, std::uint32_t site, double facility_w) const {
  double grid_w = facility_w;
  if (view.forecast(site, datacenter::Signal::kRenewable) != nullptr) grid_w -= view.renewable_w(site);
  return std::max(0.0, grid_w) * view.carbon_intensity_g_per_kwh(site) / 1e6;
}

void CarbonCap::account(const ClusterView& view, std::uint32_t site) {
  Site& s = sites_[site];
  const double cap = config_.cap_kg_per_h * (1.0 + kTolerance);
  while (s.hour_end <= view.now()) {
    s.hour_kg += s.rate_kg_per_h * (s.hour_end - s.last_t).to_seconds() / 3600.0;
    if (s.hour_kg > cap) ++hours_over_;
    if (s.hour_unmet) ++hours_unmet_;
    s.hour_kg = 0.0;
    s.hour_unmet = false;
    s.last_t = s.hour_end;
    s.hour_end = s.hour_end + SimTime::hours(1);
  }
  s.hour_kg += s.rate_kg_per_h * (view.now() - s.last_t).to_seconds() / 3600.0;
  s.last_t = view.now();
}

double CarbonCap::predicted_w(const ClusterView& view, std::uint32_t site) {
  double leaving_w = 0.0;
  for (std::size_t i = 0; i < suspending_.size();) {
    const Suspending& x = suspending_[i];
    const bool alive = x.slot < view.running_slots() && view.running(x.slot).active &&
                       view.running(x.slot).seq == x.seq && view.running(x.slot).phase == JobPhase::kCheckpointing;
    if (!alive) {
      suspending_[i] = suspending_.back();
      suspending_.pop_back();
      continue;
    }
    if (view.running(x.slot).site == site) leaving_w += view.running(x.slot).power_w;
    ++i;
  }
  return view.facility_power_w(site) - leaving_w * facility_ratio(view, site);
}

void CarbonCap::balance(const ClusterView& view, Actions& actions, std::uint32_t site) {
  init(view);
  account(view, site);
  const double cap = config_.cap_kg_per_h;
  const double ratio = facility_ratio(view, site);
  double p = predicted_w(view, site);
  const double speed = slowest_.get(view);

  // Forced resumes (deadlines), and the next one's time.
  SimTime next_forced = SimTime::max();
  for (std::size_t i = 0; i < view.suspended_count(); ++i) {
    const QueuedJob& q = view.suspended(i);
    const auto it = suspended_.find(q.seq);
    if (it == suspended_.end() || it->second != site || !is_flexible(q.job)) continue;
    const SimTime latest = latest_start(q, speed, config_.margin);
    if (latest <= view.now()) {
      const double est = expected_facility_power_w(view, site, q.job);
      const std::uint64_t seq = q.seq;  // q is gone once resumed
      actions.resume(seq);
      suspended_.erase(it);
      pending_.add(seq, site, est);
      ++resumes_;
      --i;  // the list lost this entry
      continue;
    }
    next_forced = std::min(next_forced, latest);
  }
  // While it holds suspended jobs, it looks again at the next change of the intensity forecast or
  // the next hour, whichever comes first: the world ends a run whose only work is suspended
  // unless a timer is set.
  SimTime want = next_forced;
  bool holding = false;
  for (const auto& [seq, s] : suspended_) holding = holding || s == site;
  if (holding) {
    SimTime periodic = next_hour(view.now());
    if (const forecast::Forecast* f = view.forecast(site, datacenter::Signal::kCarbon); f != nullptr) {
      scratch_.clear();
      f->breakpoints(view.now(), view.now(), periodic, scratch_);
      if (!scratch_.empty() && scratch_.front() > view.now()) periodic = scratch_.front();
    }
    want = std::min(want, periodic);
  }
  if (want != SimTime::max() && (want < wake_ || wake_ <= view.now())) {
    wake_ = want;
    actions.wake_at(want);
  }

  if (rate_kg_per_h(view, site, p) > cap * (1.0 + kTolerance)) {
    candidates_.clear();
    for (SlotId slot = 0; slot < view.running_slots(); ++slot) {
      const auto& r = view.running(slot);
      if (!r.active || r.site != site || r.phase != JobPhase::kRunning || !r.job.preemptible) continue;
      if (!can_suspend(view, r, speed, config_.margin)) continue;
      candidates_.emplace_back(r.power_w, slot);
    }
    std::sort(candidates_.begin(), candidates_.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return view.running(a.second).seq > view.running(b.second).seq;
    });
    for (const auto& [power_w, slot] : candidates_) {
      if (rate_kg_per_h(view, site, p) <= cap * (1.0 + kTolerance)) break;
      const std::uint64_t seq = view.running(slot).seq;
      actions.suspend(slot);
      suspended_[seq] = site;
      suspending_.push_back({slot, seq});
      p -= power_w * ratio;
      ++suspensions_;
    }
    if (rate_kg_per_h(view, site, p) > cap * (1.0 + kTolerance)) sites_[site].hour_unmet = true;
  } else {
    // Room: resume, then let held arrivals go, each in arrival order while it fits.
    const double room = cap * (1.0 - config_.resume_margin) * (1.0 + kTolerance);
    p += pending_.at(view, site);
    const auto fits = [&](double est_w) { return rate_kg_per_h(view, site, p + est_w) <= room; };
    for (auto it = suspended_.begin(); it != suspended_.end();) {
      if (it->second != site) {
        ++it;
        continue;
      }
      const QueuedJob* q = nullptr;
      for (std::size_t i = 0; i < view.suspended_count() && q == nullptr; ++i) {
        if (view.suspended(i).seq == it->first) q = &view.suspended(i);
      }
      if (q == nullptr) {
        bool writing = false;
        for (const auto& x : suspending_) writing = writing || x.seq == it->first;
        if (writing) break;  // not suspended yet: strict order waits for it
        it = suspended_.erase(it);  // resumed by someone else
        continue;
      }
      const double est = expected_facility_power_w(view, site, q->job);
      if (!fits(est)) break;
      const std::uint64_t seq = q->seq;
      actions.resume(seq);
      pending_.add(seq, site, est);
      p += est;
      ++resumes_;
      it = suspended_.erase(it);
    }
    held_.release(view, actions, site, [&](std::uint64_t seq, double est) {
      if (!fits(est)) return false;
      p += est;
      pending_.add(seq, site, est);
      return true;
    });
  }
  sites_[site].rate_kg_per_h = rate_kg_per_h(view, site, view.facility_power_w(site));
}

void CarbonCap::after_schedule(const ClusterView& view, Actions& actions) {
  init(view);
  for (std::uint32_t s = 0; s < sites_.size(); ++s) balance(view, actions, s);
}

void CarbonCap::on_arrival(const ClusterView& view, Actions& actions, const QueuedJob& job) {
  init(view);
  const std::uint32_t site = job_site(view, job);
  account(view, site);
  if (!is_flexible(job.job)) return;
  const double est = expected_facility_power_w(view, site, job.job);
  const double p = predicted_w(view, site) + pending_.at(view, site) + est;
  const SimTime latest = latest_start(job, slowest_.get(view), config_.margin);
  if ((held_.any(view, site) || rate_kg_per_h(view, site, p) > config_.cap_kg_per_h * (1.0 + kTolerance)) &&
      latest > view.now()) {
    held_.hold(actions, site, job.seq, {latest, est});
    ++holds_;
  } else {
    pending_.add(job.seq, site, est);
  }
}

void CarbonCap::on_start(const ClusterView& view, Actions& actions, SlotId slot) {
  pending_.started(view.running(slot).seq);
  balance(view, actions, view.running(slot).site);
}

void CarbonCap::on_completion(const ClusterView& view, Actions& actions, const datacenter::RunningJob& job) {
  balance(view, actions, job.site);
}

void CarbonCap::on_timer(const ClusterView& view, Actions& actions) {
  init(view);
  if (view.now() >= wake_) wake_ = SimTime::max();
  for (std::uint32_t s = 0; s < sites_.size(); ++s) balance(view, actions, s);
}

void CarbonCap::on_signal(const ClusterView& view, Actions& actions, std::uint32_t site) {
  balance(view, actions, site);
}

std::uint64_t CarbonCap::hours_over() const {
  std::uint64_t n = hours_over_;
  for (const auto& s : sites_) n += s.hour_kg > config_.cap_kg_per_h * (1.0 + kTolerance) ? 1 : 0;
  return n;
}

std::uint64_t CarbonCap::hours_unmet() const {
  std::uint64_t n = hours_unmet_;
  for (const auto& s : sites_) n += s.hour_unmet ? 1 : 0;
  return n;
}

void CarbonCap::report(datacenter::PolicyFigures& out) const {
  out.emplace_back("carbon_cap_hours_over", static_cast<double>(hours_over()));
  out.emplace_back("carbon_cap_hours_unmet", static_cast<double>(hours_unmet()));
  out.emplace_back("carbon_cap_suspensions", static_cast<double>(suspensions_));
  out.emplace_back("carbon_cap_resumes", static_cast<double>(resumes_));
  out.emplace_back("carbon_cap_holds", static_cast<double>(holds_));
}

PolicyInfo carbon_cap_info() {
  PolicyInfo info;
  info.name = "carbon-cap";
  info.kind = PolicyKind::kManager;
  info.description =
      "Keeps each site's emission rate (grid draw x intensity) under a cap in kg CO2e per hour, so every UTC "
      "hour stays under it: suspends preemptible jobs, highest power first, resumes them when room returns, and "
      "defers flexible arrivals that would break it (never past their latest start).";
  info.params = {
      number_param("cap", 0.0, "the emission cap per hour and site, kg CO2e (must be > 0)", 0.0, 1e12,
                   simcore::Dimension::kMass),
      number_param("resume_margin", 0.05, "a job is resumed or released only if the rate stays under cap x (1 - margin)",
                   0.0, 0.5, simcore::Dimension::kFraction),
      number_param("margin", 900.0, "slack kept before a flexible job's latest start (deadline - runtime)", 0.0, 1e9,
                   simcore::Dimension::kTime),
  };
  info.reads = {datacenter::Signal::kCarbon, datacenter::Signal::kRenewable};
  info.requires_ = [](const datacenter::WorldConfig&, const Params& p) -> std::string {
    return number(p, "cap") > 0.0 ? "" : "needs a cap > 0 (its parameter \"cap\", kg per hour)";
  };
  info.make_manager = [](const Params& p) {
    CarbonCapConfig c;
    c.cap_kg_per_h = number(p, "cap");
    c.resume_margin = number(p, "resume_margin");
    c.margin = SimTime::from_seconds(number(p, "margin"));
    return std::make_unique<CarbonCap>(c);
  };
  return info;
}

}  // namespace wattsim::policies
