#include "datacenter/attribution.hpp"

#include <algorithm>
#include <stdexcept>

#include "simcore/assert.hpp"

namespace wattsim::datacenter {

using simcore::SimTime;

namespace {
constexpr double kGPerKwhJToKg = 1.0 / 3.6e9;  // (g/kWh) x J -> kg
}  // namespace

Attributed& Attributed::operator+=(const Attributed& o) {
  dc_j += o.dc_j;
  it_j += o.it_j;
  facility_j += o.facility_j;
  location_kg += o.location_kg;
  grid_kg += o.grid_kg;
  energy_cost += o.energy_cost;
  return *this;
}

SiteShares::SiteShares() {
  accounts_.emplace_back();
  accounts_[kIdle].open = true;
  breakpoints_.push_back({SimTime::zero(), 0.0, 1.0, 0.0, 0.0});
}

SiteShares::Integrals SiteShares::integrals_at(SimTime now, double k_integral) const {
  WATTSIM_ASSERT(now >= t_, now.us(), t_.us());
  Integrals f = f_;
  if (dc_w_ > 0.0) {
    const double dt = (now - t_).to_seconds();
    f.it_s += it_w_ / dc_w_ * dt;
    f.facility_s += facility_w_ / dc_w_ * dt;
    f.k_s += facility_w_ / dc_w_ * (k_integral - k_integral_);
  }
  return f;
}

void SiteShares::advance(SimTime now, double k_integral) {
  if (now == t_) {
    // Nothing to integrate. The intensity's running integral need not start at 0 (a series
    // that begins before the run): take it as the origin.
    k_integral_ = k_integral;
    return;
  }
  if (dc_w_ <= 0.0) {  // nobody draws DC power: the site's energy is idle's
    const double dt = (now - t_).to_seconds();
    unattributed_.it_j += it_w_ * dt;
    unattributed_.facility_j += facility_w_ * dt;
    unattributed_.location_kg += facility_w_ * (k_integral - k_integral_) * kGPerKwhJToKg;
  }
  f_ = integrals_at(now, k_integral);
  t_ = now;
  k_integral_ = k_integral;
}

void SiteShares::charge(AccountState& a, SimTime now, const Integrals& f) const {
  a.total.dc_j += a.dc_w * (now - a.since).to_seconds();
  a.total.it_j += a.dc_w * (f.it_s - a.at.it_s);
  a.total.facility_j += a.dc_w * (f.facility_s - a.at.facility_s);
  a.total.location_kg += a.dc_w * (f.k_s - a.at.k_s) * kGPerKwhJToKg;
  a.since = now;
  a.at = f;
}

void SiteShares::set_site_powers(SimTime now, double k_integral, double dc_w, double it_w, double facility_w,
                                 double idle_dc_w) {
  advance(now, k_integral);
  AccountState& idle = accounts_[kIdle];
  charge(idle, now, f_);
  idle.dc_w = idle_dc_w;
  dc_w_ = dc_w;
  it_w_ = it_w;
  facility_w_ = facility_w;
  const double w = dc_w > 0.0 ? 1.0 / dc_w : 0.0;
  const double x = dc_w > 0.0 ? idle_dc_w / dc_w : 1.0;
  Breakpoint& last = breakpoints_.back();
  if (last.t == now) {  // the last report of an instant holds; W and X at `now` do not change
    last.w = w;
    last.x = x;
  } else {
    const double dt = (now - last.t).to_seconds();
    breakpoints_.push_back({now, w, x, last.w_integral + last.w * dt, last.x_integral + last.x * dt});
  }
}

SiteShares::Account SiteShares::open(SimTime now, double k_integral) {
  advance(now, k_integral);
  Account a;
  if (!free_.empty()) {
    a = free_.back();
    free_.pop_back();
  } else {
    a = static_cast<Account>(accounts_.size());
    accounts_.emplace_back();
  }
  AccountState& s = accounts_[a];
  s = AccountState{};
  s.since = now;
  s.at = f_;
  s.open = true;
  return a;
}

void SiteShares::set_power(Account a, SimTime now, double k_integral, double dc_w) {
  WATTSIM_ASSERT(a != kIdle && accounts_[a].open, a);
  advance(now, k_integral);
  AccountState& s = accounts_[a];
  charge(s, now, f_);
  const double coefficient = s.dc_w - dc_w;
  s.dc_w = dc_w;
  add_term(now, coefficient, a);
}

void SiteShares::add_term(SimTime t, double coefficient_w, Account a) {
  if (coefficient_w == 0.0) return;
  if (t <= settled_) {  // the settlement is already here: S(t) is known
    WATTSIM_ASSERT(t == settled_, t.us(), settled_.us());
    accounts_[a].total.grid_kg += coefficient_w * s_grid_;
    accounts_[a].total.energy_cost += coefficient_w * s_cost_;
    return;
  }
  terms_.push_back({t, coefficient_w, a});
  ++accounts_[a].pending_terms;
}

Attributed SiteShares::totals(Account a, SimTime now, double k_integral) const {
  AccountState s = accounts_[a];
  charge(s, now, integrals_at(now, k_integral));
  return s.total;
}

void SiteShares::close(Account a) {
  WATTSIM_ASSERT(a != kIdle && accounts_[a].open && accounts_[a].pending_terms == 0, a, accounts_[a].pending_terms);
  accounts_[a].open = false;
  free_.push_back(a);
}

Attributed SiteShares::idle(SimTime now, double k_integral) const {
  Attributed out = totals(kIdle, now, k_integral);
  out += unattributed_;
  if (dc_w_ <= 0.0) {
    const double dt = (now - t_).to_seconds();
    out.it_j += it_w_ * dt;
    out.facility_j += facility_w_ * dt;
    out.location_kg += facility_w_ * (k_integral - k_integral_) * kGPerKwhJToKg;
  }
  out.grid_kg += idle_grid_kg_;
  out.energy_cost += idle_cost_;
  return out;
}

template <class T>
void SiteShares::drop_front(std::vector<T>& v, std::size_t& first) {
  // Amortised O(1): the dead front goes once it is most of the vector.
  if (first >= 256 && 2 * first >= v.size()) {
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(first));
    first = 0;
  }
}

std::pair<double, double> SiteShares::wx_at(SimTime t, std::size_t& index) const {
  // The breakpoint in force at t, from `index` on (callers ask in time order).
  while (index + 1 < breakpoints_.size() && breakpoints_[index + 1].t <= t) ++index;  // absolute indices
  const Breakpoint& b = breakpoints_[index];
  WATTSIM_ASSERT(b.t <= t, t.us(), b.t.us());
  const double dt = (t - b.t).to_seconds();
  return {b.w_integral + b.w * dt, b.x_integral + b.x * dt};
}

void SiteShares::on_settled(SimTime start, SimTime end, double grid_kg, double energy_cost) {
  WATTSIM_ASSERT(start == settled_ && end > start, start.us(), settled_.us(), end.us());
  const double span_s = (end - start).to_seconds();
  const double grid_rate = grid_kg / span_s, cost_rate = energy_cost / span_s;  // per second
  // The first live breakpoint is the one in force at settled_ = start; times only go forward.
  std::size_t index = first_breakpoint_;
  const auto [w_start, x_start] = wx_at(start, index);
  // Terms inside the interval: S(t) = S(start) + r (W(t) - W(start)).
  for (; first_term_ < terms_.size() && terms_[first_term_].t <= end; ++first_term_) {
    const Term term = terms_[first_term_];
    const double w = wx_at(term.t, index).first - w_start;
    AccountState& a = accounts_[term.account];
    a.total.grid_kg += term.coefficient_w * (s_grid_ + grid_rate * w);
    a.total.energy_cost += term.coefficient_w * (s_cost_ + cost_rate * w);
    --a.pending_terms;
  }
  const auto [w_end, x_end] = wx_at(end, index);
  s_grid_ += grid_rate * (w_end - w_start);
  s_cost_ += cost_rate * (w_end - w_start);
  idle_grid_kg_ += grid_rate * (x_end - x_start);
  idle_cost_ += cost_rate * (x_end - x_start);
  settled_ = end;
  ++settlements_;
  while (first_breakpoint_ + 1 < breakpoints_.size() && breakpoints_[first_breakpoint_ + 1].t <= end) ++first_breakpoint_;
  drop_front(breakpoints_, first_breakpoint_);
  drop_front(terms_, first_term_);
}

}  // namespace wattsim::datacenter
