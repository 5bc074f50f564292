#include "models/carbon/ledger.hpp"

#include <algorithm>

namespace wattsim::carbon {

namespace {
constexpr double kGkwhJToKg = 1.0 / 3.6e9;  // (g/kWh) x J -> kg
constexpr double kPerKwhJ = 1.0 / 3.6e6;    // (currency/kWh) x J -> currency
}  // namespace

void Ledger::add(const supply::Flows& f, double ppa_j) {
  hour_.add(f);
  month_.add(f);
  year_.add(f);
  hour_ppa_j_ += ppa_j;
  year_ppa_j_ += ppa_j;
  totals_.ppa_j += ppa_j;
  totals_.location_kg += f.carbon_demand * kGkwhJToKg;
  totals_.grid_kg += f.carbon_import * kGkwhJToKg;
  totals_.export_avoided_kg += f.carbon_export * kGkwhJToKg;
  totals_.energy_cost += (f.cost_import - costs_.export_price_factor * f.value_export) * kPerKwhJ;
}

void Ledger::close_hour() {
  if (hour_.duration_s == 0.0) return;
  const supply::Flows& h = hour_;
  const double matched = std::min(hour_ppa_j_, h.import_j);
  const double unmatched = h.import_j > 0.0 ? 1.0 - matched / h.import_j : 0.0;
  totals_.market_hourly_kg += h.carbon_import * kGkwhJToKg * unmatched;
  totals_.cfe_numerator_j += std::min(h.demand_j, h.renewable_used_j + matched);
  totals_.cfe_denominator_j += h.demand_j;
  hour_ = supply::Flows{};
  hour_ppa_j_ = 0.0;
}

void Ledger::close_month(double credit_price_per_t) {
  if (month_.duration_s == 0.0) return;  // an empty period (the run ended on its boundary)
  const double charge = costs_.demand_charge_per_kw_month * month_.peak_import_w / 1e3;
  totals_.demand_charges += charge;
  totals_.energy_cost += charge;
  if (credits_.period == CreditPeriod::kMonth) settle_credits(month_.carbon_import * kGkwhJToKg, credit_price_per_t);
  month_ = supply::Flows{};
}

void Ledger::close_year(double credit_price_per_t) {
  if (year_.duration_s == 0.0) return;
  const double unmatched = year_.import_j > 0.0 ? std::max(0.0, 1.0 - year_ppa_j_ / year_.import_j) : 0.0;
  totals_.market_annual_kg += year_.carbon_import * kGkwhJToKg * unmatched;
  if (credits_.period == CreditPeriod::kYear) settle_credits(year_.carbon_import * kGkwhJToKg, credit_price_per_t);
  year_ = supply::Flows{};
  year_ppa_j_ = 0.0;
}

void Ledger::settle_credits(double grid_kg, double price_per_t) {
  if (credits_.kind == CreditKind::kNone) return;
  double want = credits_.kind == CreditKind::kFixed ? credits_.retire_kg : std::max(0.0, grid_kg + credits_.obligation_kg);
  if (price_per_t > 0.0) {
    const double affordable_kg = std::max(0.0, credits_.budget - totals_.credits_cost) / price_per_t * 1000.0;
    want = std::min(want, affordable_kg);
  }
  totals_.credits_retired_kg += want;
  totals_.credits_cost += want * price_per_t / 1000.0;
  totals_.credits_kg += credits_.obligation_kg - want;
}

double amortised_kg(double embodied_kg, double lifetime_years, double span_s) {
  if (lifetime_years <= 0.0) return 0.0;
  return embodied_kg * span_s / (lifetime_years * 365.0 * 86400.0);
}

}  // namespace wattsim::carbon
