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

enum class CreditKind : std::uint8_t { kNone, kFixed, kNetZero };
enum class CreditPeriod : std::uint8_t { kMonth, kYear };

struct CreditPolicy {
  CreditKind kind = CreditKind::kNone;
  CreditPeriod period = CreditPeriod::kMonth;
  double retire_kg = 0.0;       // fixed: credits retired per period
  double obligation_kg = 0.0;   // emissions owed per period (both kinds), counted positive
  double budget = 1e300;        // the most the policy may spend over the run
};

struct CostParams {
  double export_price_factor = 0.0;     // export revenue per kWh = factor x the grid price
  double demand_charge_per_kw_month = 0.0;
};

struct LedgerTotals {
  double location_kg = 0.0;
  double grid_kg = 0.0;              // sum of k * G_import dt
  double market_annual_kg = 0.0;
  double market_hourly_kg = 0.0;
  double export_avoided_kg = 0.0;
  double credits_kg = 0.0;           // obligations - retired
  double credits_retired_kg = 0.0;
  double credits_cost = 0.0;
  double energy_cost = 0.0;          // import cost - export revenue + demand charges
  double demand_charges = 0.0;
  double cfe_numerator_j = 0.0, cfe_denominator_j = 0.0;
  double ppa_j = 0.0;
  double operational_kg() const { return grid_kg + credits_kg; }
  double cfe_hourly() const { return cfe_denominator_j > 0.0 ? cfe_numerator_j / cfe_denominator_j : 0.0; }
};

class Ledger {
 public:
  Ledger(CreditPolicy credits, CostParams costs) : credits_(credits), costs_(costs) {}

  // One settled interval and the PPA energy contracted over it.
  void add(const supply::Flows& f, double ppa_j);
  // Period ends (called by the driver at calendar boundaries and at the end of the run).
  // `credit_price_per_t` is the credit price in force at the period's end.
  void close_hour();
  void close_month(double credit_price_per_t);
  void close_year(double credit_price_per_t);

  const LedgerTotals& totals() const { return totals_; }

 private:
  void settle_credits(double grid_kg, double price_per_t);

  CreditPolicy credits_;
  CostParams costs_;
  LedgerTotals totals_;
  supply::Flows hour_, month_, year_;
  double hour_ppa_j_ = 0.0, year_ppa_j_ = 0.0;
};

// Embodied carbon of hardware amortised linearly over its lifetime: the share of `embodied_kg`
// that a span of `span_s` seconds uses. 0 for a lifetime of 0 (not given).
double amortised_kg(double embodied_kg, double lifetime_years, double span_s);

}  // namespace wattsim::carbon
