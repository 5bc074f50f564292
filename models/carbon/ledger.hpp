#pragma once
// Carbon and money over calendar periods (DESIGN.md §5), fed the settlement's flows interval
// by interval. All in kgCO2e and currency units as given.
//
//   location-based    sum of k * D dt
//   operational       sum of k * G_import dt + credits: emissions come from grid energy when
//                     it is drawn (a battery charged at 100 g/kWh and discharged at 500 g/kWh
//                     lowers it). With no storage and no export, G = D - R_used, and for
//                     constant k this is E * k * (1 - R/E) + credits.
//   market-based      operational grid emissions after contractual instruments (PPAs):
//                     annual matching: each calendar year's grid emissions times
//                     max(0, 1 - PPA energy / grid import) of that year;
//                     hourly matching: each hour's grid emissions times
//                     max(0, 1 - PPA energy / grid import) of that hour.
//   cfe_hourly        24/7 carbon-free-energy score: sum over hours of
//                     min(D_h, R_used_h + min(PPA_h, G_h)) / sum of D_h. On-site renewables
//                     count when used (also into the battery); later discharges are not
//                     counted again; grid energy is not counted as carbon-free.
//   export_avoided    sum of k * export dt: what exports displace; beside, never netted.
//   credits           per the credit policy, at the end of each period: retired credits count
//                     negative, obligations positive.
//   energy cost       sum of p * G_import dt - export revenue (export_price_factor * p *
//                     export) + demand charges (each calendar month's peak import in kW x rate).

#include <cstdint>
#include <vector>

#include "models/supply/settlement.hpp"

namespace wattsim::carbon {

enum class CreditKind : std::uint8_t { kNone = 0, kFixed = 1, kNetZero = 2 };
enum class CreditPeriod : std::uint8_t { kMonth = 0, kYear = 1 };

struct CreditPolicy {
  CreditKind kind = CreditKind::kNone;
  CreditPeriod period = CreditPeriod::kMonth;
  double retire_kg = 0.0;       // fixed: credits retired per period
  double obligation_kg = 0.0;   // emissions owed per period (both kinds), counted positive
  double budget = 1e300;        // the most the policy may spend over the run
};

// As CreditPolicy, one per lane (kind and period as their enum values).
template <class T>
struct CreditLanesT {
  T kind, period, retire_kg, obligation_kg, budget;
};

template <class T>
WATTSIM_HD inline CreditLanesT<T> credit_lanes(const CreditPolicy& c) {
  return {supply::splat<T>(static_cast<double>(c.kind)), supply::splat<T>(static_cast<double>(c.period)),
          supply::splat<T>(c.retire_kg), supply::splat<T>(c.obligation_kg), supply::splat<T>(c.budget)};
}

template <class T>
struct CostParamsT {
  T export_price_factor = supply::splat<T>(0.0);         // export revenue per kWh = factor x the grid price
  T demand_charge_per_kw_month = supply::splat<T>(0.0);
};
using CostParams = CostParamsT<double>;

template <class T>
struct LedgerTotalsT {
  T location_kg = supply::splat<T>(0.0);
  T grid_kg = supply::splat<T>(0.0);              // sum of k * G_import dt
  T market_annual_kg = supply::splat<T>(0.0);
  T market_hourly_kg = supply::splat<T>(0.0);
  T export_avoided_kg = supply::splat<T>(0.0);
  T credits_kg = supply::splat<T>(0.0);           // obligations - retired
  T credits_retired_kg = supply::splat<T>(0.0);
  T credits_cost = supply::splat<T>(0.0);
  T energy_cost = supply::splat<T>(0.0);          // import cost - export revenue + demand charges
  T demand_charges = supply::splat<T>(0.0);
  T cfe_numerator_j = supply::splat<T>(0.0), cfe_denominator_j = supply::splat<T>(0.0);
  T ppa_j = supply::splat<T>(0.0);
  WATTSIM_HD T operational_kg() const { return grid_kg + credits_kg; }
  WATTSIM_HD T cfe_hourly() const {
    return cfe_denominator_j > 0.0 ? cfe_numerator_j / cfe_denominator_j : supply::splat<T>(0.0);
  }
};
using LedgerTotals = LedgerTotalsT<double>;

// Fed interval by interval; closes periods when told. Branch-free over lanes like the
// settlement core (models/supply/settlement.hpp), so the batch evaluator's SIMD lanes and its
// CUDA threads book exactly what the simulator books.
//
// Intervals settle straight into the open hour's flows (hour()); closing the hour folds them
// into the month, the year and the run, and books the hourly terms. Everything else is booked
// at the period ends, from the periods' sums: per interval only the hour's accumulators move.
template <class T>
class LedgerT {
 public:
  WATTSIM_HD LedgerT(const CreditLanesT<T>& credits, const CostParamsT<T>& costs) : credits_(credits), costs_(costs) {}

  // The open hour's flows: settle_lanes adds each interval's flows here.
  WATTSIM_HD supply::FlowsT<T>& hour() { return hour_; }
  // The PPA energy contracted over an interval.
  WATTSIM_HD void add_ppa(T ppa_j) { hour_ppa_j_ += ppa_j; }

  // Period ends (called by the driver at calendar boundaries and at the end of the run).
  // `credit_price_per_t` is the credit price in force at the period's end. An empty period
  // (the run ended on its boundary) books nothing.
  WATTSIM_HD void close_hour() {
    const T zero = supply::splat<T>(0.0);
    const supply::FlowsT<T>& h = hour_;
    const T matched = supply::detail::min_t(hour_ppa_j_, h.import_j);
    const T unmatched = h.import_j > 0.0 ? 1.0 - matched / h.import_j : zero;
    totals_.market_hourly_kg += h.carbon_import * kGkwhJToKg * unmatched;
    totals_.cfe_numerator_j += supply::detail::min_t(h.demand_j, h.renewable_used_j + matched);
    totals_.cfe_denominator_j += h.demand_j;
    totals_.ppa_j += hour_ppa_j_;
    totals_.location_kg += h.carbon_demand * kGkwhJToKg;
    totals_.grid_kg += h.carbon_import * kGkwhJToKg;
    totals_.export_avoided_kg += h.carbon_export * kGkwhJToKg;
    totals_.energy_cost += (h.cost_import - costs_.export_price_factor * h.value_export) * kPerKwhJ;
    month_.add(h);
    year_.add(h);
    run_.add(h);
    year_ppa_j_ += hour_ppa_j_;
    hour_ = supply::FlowsT<T>{};
    hour_ppa_j_ = zero;
  }
  // Close the hour first (the month folds closed hours only).
  WATTSIM_HD void close_month(T credit_price_per_t) {
    const auto active = month_.duration_s != 0.0;
    const T charge = costs_.demand_charge_per_kw_month * month_.peak_import_w / 1e3;
    totals_.demand_charges += charge;
    totals_.energy_cost += charge;
    settle_credits(month_.carbon_import * kGkwhJToKg, credit_price_per_t, supply::both(active, credits_.period == 0.0));
    month_ = supply::FlowsT<T>{};
  }
  WATTSIM_HD void close_year(T credit_price_per_t) {
    const T zero = supply::splat<T>(0.0);
    const auto active = year_.duration_s != 0.0;
    const T share = 1.0 - year_ppa_j_ / year_.import_j;
    const T unmatched = year_.import_j > 0.0 ? supply::detail::max_t(zero, share) : zero;
    totals_.market_annual_kg += year_.carbon_import * kGkwhJToKg * unmatched;
    settle_credits(year_.carbon_import * kGkwhJToKg, credit_price_per_t, supply::both(active, credits_.period == 1.0));
    year_ = supply::FlowsT<T>{};
    year_ppa_j_ = zero;
  }

  // The terms booked so far (at closed periods).
  WATTSIM_HD const LedgerTotalsT<T>& totals() const { return totals_; }
  // The flows so far: the closed hours' and the open hour's.
  WATTSIM_HD supply::FlowsT<T> flows() const {
    supply::FlowsT<T> f = run_;
    f.add(hour_);
    return f;
  }

 private:
  static constexpr double kGkwhJToKg = 1.0 / 3.6e9;  // (g/kWh) x J -> kg
  static constexpr double kPerKwhJ = 1.0 / 3.6e6;    // (currency/kWh) x J -> currency

  template <class M>
  WATTSIM_HD void settle_credits(T grid_kg, T price_per_t, M due) {
    const T zero = supply::splat<T>(0.0);
    const T net_zero = supply::detail::max_t(zero, grid_kg + credits_.obligation_kg);
    const T wanted = credits_.kind == 1.0 ? credits_.retire_kg : net_zero;
    const T affordable_kg = supply::detail::max_t(zero, credits_.budget - totals_.credits_cost) / price_per_t * 1000.0;
    const T want = price_per_t > 0.0 ? supply::detail::min_t(wanted, affordable_kg) : wanted;
    const auto apply = supply::both(due, credits_.kind != 0.0);
    totals_.credits_retired_kg += apply ? want : zero;
    totals_.credits_cost += apply ? want * price_per_t / 1000.0 : zero;
    totals_.credits_kg += apply ? credits_.obligation_kg - want : zero;
  }

  CreditLanesT<T> credits_;
  CostParamsT<T> costs_;
  LedgerTotalsT<T> totals_;
  supply::FlowsT<T> hour_, month_, year_, run_;
  T hour_ppa_j_ = supply::splat<T>(0.0), year_ppa_j_ = supply::splat<T>(0.0);
};

// The simulator's ledger: one lane.
class Ledger : public LedgerT<double> {
 public:
  Ledger(const CreditPolicy& credits, const CostParams& costs) : LedgerT<double>(credit_lanes<double>(credits), costs) {}
};

// Embodied carbon of hardware amortised linearly over its lifetime: the share of `embodied_kg`
// that a span of `span_s` seconds uses. 0 for a lifetime of 0 (not given).
double amortised_kg(double embodied_kg, double lifetime_years, double span_s);

}  // namespace wattsim::carbon
