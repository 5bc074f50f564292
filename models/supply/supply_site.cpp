#include "models/supply/supply_site.hpp"

#include <algorithm>
#include <stdexcept>

#include "simcore/calendar.hpp"

namespace wattsim::supply {

using simcore::CalendarPeriod;
using simcore::SimTime;

namespace {
// The next calendar boundary after simulated time t, in simulated time.
SimTime next_boundary(SimTime t, SimTime origin, CalendarPeriod p) { return simcore::next_period_start(t + origin, p) - origin; }
}  // namespace

SupplySite::SupplySite(std::shared_ptr<const SupplyConfig> config, const simcore::StepSeries& intensity,
                       bool intensity_periodic)
    : config_(std::move(config)),
      intensity_(intensity, intensity_periodic),
      intensity_periodic_(intensity_periodic),
      intensity_series_(&intensity),
      ledger_(config_->credits, config_->costs),
      dispatch_(dispatch_lanes<double>(config_->dispatch)),
      battery_(prepare(config_->battery)) {
  const SupplyConfig& c = *config_;
  for (const auto& r : c.renewables) renewables_.push_back({&r, simcore::StepCursor(r.series, r.periodic)});
  for (const auto& p : c.ppas) ppas_.push_back({&p, simcore::StepCursor(p.series, p.periodic)});
  if (c.price) price_ = Source{&*c.price, simcore::StepCursor(c.price->series, c.price->periodic)};
  if (c.credit_price) credit_price_ = Source{&*c.credit_price, simcore::StepCursor(c.credit_price->series, c.credit_price->periodic)};
  const auto& b = c.battery;
  state_.capacity_j = b.capacity_j;
  state_.energy_j = std::clamp(c.initial_soc, b.soc_min, b.soc_max) * b.capacity_j;
  const SimTime origin = c.calendar_origin;
  next_hour_ = next_boundary(SimTime::zero(), origin, CalendarPeriod::kHour);
  next_month_ = next_boundary(SimTime::zero(), origin, CalendarPeriod::kMonth);
  next_year_ = next_boundary(SimTime::zero(), origin, CalendarPeriod::kYear);
  const bool quantiles = c.charge_below_quantile || c.discharge_above_quantile;
  next_day_ = quantiles ? next_boundary(SimTime::zero(), origin, CalendarPeriod::kDay) : SimTime::max();
  signals_.charge_below_g_per_kwh = c.charge_below_g_per_kwh;
  signals_.discharge_above_g_per_kwh = c.discharge_above_g_per_kwh;
  if (quantiles) daily_thresholds(simcore::period_start(origin, CalendarPeriod::kDay) - origin);
  refresh(SimTime::zero());
}

void SupplySite::refresh(SimTime t) {
  SimTime next = std::min({next_hour_, next_day_, next_month_, next_year_});
  const auto step = [&](Source& s) {
    const double v = s.spec->scale * s.cursor.value_at(t);
    const SimTime n = s.cursor.next_change_after(t);
    if (n < next) next = n;
    return v;
  };
  signals_.renewable_w = 0.0;
  for (auto& r : renewables_) signals_.renewable_w += step(r);
  ppa_w_ = 0.0;
  for (auto& p : ppas_) ppa_w_ += step(p);
  signals_.price_per_kwh = price_ ? step(*price_) : 0.0;
  if (credit_price_) step(*credit_price_);
  signals_.intensity_g_per_kwh = intensity_.value_at(t);
  const SimTime k_next = intensity_.next_change_after(t);
  if (k_next < next) next = k_next;
  next_break_ = next;
}

void SupplySite::daily_thresholds(SimTime day_start) {
  // Time-weighted quantiles of k over [day_start, day_start + 1 d), perfectly foreseen, from a
  // copy of the cursor (the run's own cursor only moves forward).
  const SimTime from = std::max(day_start, SimTime::zero());
  const SimTime to = day_start + SimTime::days(1);
  std::vector<std::pair<double, double>> samples;  // (k, seconds)
  simcore::StepCursor c = intensity_;
  const SimTime series_end = intensity_periodic_ ? SimTime::max() : intensity_series_->end();
  for (SimTime t = from; t < to && t < series_end;) {
    const SimTime n = std::min({c.next_change_after(t), to, series_end});
    samples.emplace_back(c.value_at(t), (n - t).to_seconds());
    t = n;
  }
  std::sort(samples.begin(), samples.end());
  double total = 0.0;
  for (const auto& s : samples) total += s.second;
  const auto quantile = [&](double q) {
    double seen = 0.0;
    for (const auto& s : samples) {
      seen += s.second;
      if (seen >= q * total) return s.first;
    }
    return samples.empty() ? 0.0 : samples.back().first;
  };
  if (config_->charge_below_quantile) signals_.charge_below_g_per_kwh = quantile(*config_->charge_below_quantile);
  if (config_->discharge_above_quantile) signals_.discharge_above_g_per_kwh = quantile(*config_->discharge_above_quantile);
}

void SupplySite::advance(SimTime now) {
  if (finished_) throw std::logic_error("supply: advance after finish");
  if (has_pending_ && pending_t_ < now) commit_demand();
  settle_to(now);
}

void SupplySite::settle_whole_intervals(SimTime now) {
  if (finished_) throw std::logic_error("supply: settle after finish");
  if (has_pending_ && pending_t_ < now) commit_demand();
  for (;;) {
    if (stale_) {
      if (t_ >= now) return;  // the signals after t_ may not exist yet
      refresh(t_);
      stale_ = false;
    }
    if (next_break_ > now) return;
    settle_to(next_break_);
  }
}

void SupplySite::commit_demand() {
  has_pending_ = false;
  if (pending_w_ == signals_.demand_w) return;  // no new interval for an unchanged demand
  settle_to(pending_t_);
  signals_.demand_w = pending_w_;
}

void SupplySite::settle_to(SimTime now) {
  if (t_ < now && stale_) {
    refresh(t_);
    stale_ = false;
  }
  while (t_ < now) {
    const SimTime end = std::min(now, next_break_);
    const double dt = (end - t_).to_seconds();
    const Flows before = listener_ != nullptr ? ledger_.hour() : Flows{};
    settle_lanes<double>(signals_, dt, battery_, dispatch_, state_, ledger_.hour());
    if (listener_ != nullptr) {
      const Flows& h = ledger_.hour();
      const double cost = (h.cost_import - before.cost_import) -
                          config_->costs.export_price_factor * (h.value_export - before.value_export);
      listener_->on_settled(t_, end, (h.carbon_import - before.carbon_import) / 3.6e9, cost / 3.6e6);
    }
    ledger_.add_ppa(ppa_w_ * dt);
    t_ = end;
    if (t_ < next_break_) break;
    // At a breakpoint: calendar periods close first, then the signals move on.
    const double credit_price = credit_price_ ? credit_price_->spec->scale * credit_price_->cursor.value_at(t_) : 0.0;
    if (t_ == next_hour_) {
      ledger_.close_hour();
      next_hour_ = next_boundary(t_, config_->calendar_origin, CalendarPeriod::kHour);
    }
    if (t_ == next_month_) {
      ledger_.close_month(credit_price);
      next_month_ = next_boundary(t_, config_->calendar_origin, CalendarPeriod::kMonth);
    }
    if (t_ == next_year_) {
      ledger_.close_year(credit_price);
      next_year_ = next_boundary(t_, config_->calendar_origin, CalendarPeriod::kYear);
    }
    if (t_ == next_day_) {
      daily_thresholds(t_);
      next_day_ = next_boundary(t_, config_->calendar_origin, CalendarPeriod::kDay);
    }
    // The signals after the breakpoint, now if time goes on, else when it does (a series may
    // end exactly where the run ends).
    if (t_ < now) {
      refresh(t_);
    } else {
      stale_ = true;
    }
  }
}

void SupplySite::set_demand(SimTime now, double demand_w) {
  if (finished_) throw std::logic_error("supply: set_demand after finish");
  if (has_pending_ && now == pending_t_) {
    pending_w_ = demand_w;  // the last report of an instant holds
    return;
  }
  if (has_pending_) commit_demand();
  has_pending_ = true;
  pending_t_ = now;
  pending_w_ = demand_w;
}

void SupplySite::finish(SimTime end) {
  advance(end);
  // The credit price in force at the end (the last settled instant's, if the series ended there).
  double credit_price = 0.0;
  if (credit_price_) {
    const auto& s = credit_price_->spec->series;
    const bool inside = credit_price_->spec->periodic || end < s.end();
    credit_price = credit_price_->spec->scale * (inside ? credit_price_->cursor.value_at(end) : s.values().back());
  }
  if (end > SimTime::zero() || t_ > SimTime::zero()) {
    ledger_.close_hour();
    ledger_.close_month(credit_price);
    ledger_.close_year(credit_price);
  }
  finished_ = true;
}

}  // namespace wattsim::supply
