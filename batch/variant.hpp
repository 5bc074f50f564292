#pragma once
// One supply-side variant of a demand profile, and what the settlement makes of it.

#include <cstdint>

#include "models/carbon/ledger.hpp"
#include "models/supply/settlement.hpp"

namespace wattsim::batch {

// Everything a variant sets, in the units the settlement takes. Plain data: copied to a GPU
// as is.
struct VariantParams {
  std::uint32_t group = 0;  // which interval columns (region and the series in use)
  double solar_w = 0.0;     // capacity x availability: power at a capacity factor of 1
  double wind_w = 0.0;
  double ppa_w = 0.0;
  double intensity_scale = 1.0;  // e.g. a future grid's decarbonisation
  supply::BatteryParams battery;
  supply::DispatchParams dispatch;
  double initial_soc = 0.5;
  double charge_below_g_per_kwh = -1.0;
  double discharge_above_g_per_kwh = 1e300;
  carbon::CreditPolicy credits;
  double credit_price_per_t = 0.0;
  carbon::CostParams costs;
};

struct VariantResult {
  supply::Flows flows;
  carbon::LedgerTotals ledger;
  supply::BatteryState battery;
};

}  // namespace wattsim::batch
