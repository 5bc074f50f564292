#include "policies/renewable_following.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "models/forecast/forecast.hpp"

namespace wattsim::policies {

using datacenter::Actions;
using datacenter::ClusterView;
using datacenter::QueuedJob;
using simcore::SimTime;

void RenewableFollowing::init(const ClusterView& view) {
  if (initialised_) return;
  initialised_ = true;
  wake_.assign(view.site_count(), SimTime::max());
}

double RenewableFollowing::available_w(const ClusterView& view, std::uint32_t site) const {
  double w = view.surplus_w(site);
  const double discharge_w = view.battery_max_discharge_w(site);
  if (discharge_w > 0.0 && view.battery_energy_j(site) > config_.reserve * view.battery_capacity_j(site)) {
    w += discharge_w;
  }
  return w;
}

void RenewableFollowing::schedule_wake(const ClusterView& view, Actions& actions, std::uint32_t site) {
  const forecast::Forecast* f = view.forecast(site, datacenter::Signal::kRenewable);
  if (f == nullptr || wake_[site] != SimTime::max() || !held_.any(view, site)) return;
  scratch_.clear();
  f->breakpoints(view.now(), view.now(), view.now() + SimTime::days(2), scratch_);
  for (const SimTime t : scratch_) {
    if (t > view.now()) {
      wake_[site] = t;
      actions.wake_at(t);
      return;
    }
  }
}

void RenewableFollowing::evaluate(const ClusterView& view, Actions& actions, std::uint32_t site,
                                  const QueuedJob* arriving) {
  double available = available_w(view, site) - pending_.at(view, site);
  released_ += held_.release(view, actions, site, [&](std::uint64_t seq, double power_w) {
    if (power_w > available) return false;
    available -= power_w;
    pending_.add(seq, site, power_w);
    return true;
  });
  if (arriving != nullptr) {
    const double power_w = expected_facility_power_w(view, site, arriving->job);
    const SimTime latest = latest_start(*arriving, slowest_.get(view), config_.margin);
    if ((held_.any(view, site) || power_w > available) && latest > view.now()) {
      held_.hold(actions, site, arriving->seq, {latest, power_w});
      ++holds_;
    } else {
      pending_.add(arriving->seq, site, power_w);
    }
  }
  schedule_wake(view, actions, site);
}

void RenewableFollowing::on_arrival(const ClusterView& view, Actions& actions, const QueuedJob& job) {
  init(view);
  if (!is_flexible(job.job)) return;
  evaluate(view, actions, job_site(view, job), &job);
}

void RenewableFollowing::on_start(const ClusterView& view, Actions&, datacenter::SlotId slot) {
  pending_.started(view.running(slot).seq);
}

void RenewableFollowing::on_completion(const ClusterView& view, Actions& actions, const datacenter::RunningJob& job) {
  init(view);
  evaluate(view, actions, job.site, nullptr);
}

void RenewableFollowing::on_timer(const ClusterView& view, Actions& actions) {
  init(view);
  for (std::uint32_t s = 0; s < wake_.size(); ++s) {
    if (view.now() < wake_[s]) continue;
    wake_[s] = SimTime::max();
    evaluate(view, actions, s, nullptr);
  }
}

void RenewableFollowing::on_signal(const ClusterView& view, Actions& actions, std::uint32_t site) {
  init(view);
  evaluate(view, actions, site, nullptr);
}

void RenewableFollowing::report(datacenter::PolicyFigures& out) const {
  out.emplace_back("renewable_following_holds", static_cast<double>(holds_));
  out.emplace_back("renewable_following_released", static_cast<double>(released_));
}

PolicyInfo renewable_following_info() {
  PolicyInfo info;
  info.name = "renewable-following";
  info.kind = PolicyKind::kManager;
  info.description =
      "Holds flexible jobs (those with a deadline) until the site's on-site renewable surplus, plus its battery "
      "above a reserve, can carry their estimated power, in arrival order; releases each at its latest feasible "
      "start whatever the supply.";
  info.params = {
      number_param("reserve", 0.2,
                   "battery energy kept back: the battery counts (at its discharge limit) only above this fraction "
                   "of its capacity",
                   0.0, 1.0, simcore::Dimension::kFraction),
      number_param("margin", 900.0, "slack kept before a held job's latest start (deadline - runtime)", 0.0, 1e9,
                   simcore::Dimension::kTime),
  };
  info.reads = {datacenter::Signal::kRenewable};
  info.requires_ = [](const datacenter::WorldConfig& world, const Params&) -> std::string {
    for (const auto& site : world.sites) {
      if (!site.supply.renewables.empty() || site.supply.battery.capacity_j > 0.0) return "";
    }
    return "needs on-site renewables or a battery (supply.renewables, supply.battery) at some site";
  };
  info.make_manager = [](const Params& p) {
    RenewableFollowingConfig c;
    c.reserve = number(p, "reserve");
    c.margin = SimTime::from_seconds(number(p, "margin"));
    return std::make_unique<RenewableFollowing>(c);
  };
  return info;
}

}  // namespace wattsim::policies
