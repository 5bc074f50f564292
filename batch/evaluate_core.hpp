#pragma once
// One scan over the intervals for one lane of variants: the settlement core and the carbon
// ledger, exactly as the simulator runs them (models/supply/supply_site.hpp), over a lane type
// T (double: one variant, on the CPU or a CUDA thread; a vector: several variants side by side).

#include "batch/columns_view.hpp"
#include "batch/variant.hpp"
#include "models/carbon/ledger.hpp"
#include "models/supply/host_device.hpp"
#include "models/supply/settlement.hpp"

namespace wattsim::batch {

template <class T>
struct VariantLanesT {
  T solar_w, wind_w, ppa_w, intensity_scale, initial_energy_j, charge_below, discharge_above, credit_price;
  supply::PreparedBatteryT<T> battery;
  supply::DispatchLanesT<T> dispatch;
  carbon::CreditLanesT<T> credits;
  carbon::CostParamsT<T> costs;
};

template <class T>
struct ResultLanesT {
  supply::FlowsT<T> flows;
  carbon::LedgerTotalsT<T> ledger;
  supply::BatteryStateT<T> battery;
};

// The initial stored energy, as the simulator sets it: the initial state of charge clamped to
// [soc_min, soc_max], times the capacity.
WATTSIM_HD inline double initial_energy_j(const VariantParams& v) {
  const double soc = v.initial_soc < v.battery.soc_min ? v.battery.soc_min
                                                        : (v.initial_soc > v.battery.soc_max ? v.battery.soc_max : v.initial_soc);
  return soc * v.battery.capacity_j;
}

// kStrategy: as in settle_lanes (every lane of the block has it, or kAnyStrategy).
template <class T, int kStrategy = supply::detail::kAnyStrategy>
WATTSIM_HD inline void evaluate_lanes(const ColumnsView& c, const VariantLanesT<T>& v, ResultLanesT<T>& out) {
  supply::BatteryStateT<T> st;
  st.capacity_j = v.battery.p.capacity_j;
  st.energy_j = v.initial_energy_j;
  carbon::LedgerT<T> ledger(v.credits, v.costs);
  for (std::size_t i = 0; i < c.size; ++i) {
    supply::IntervalSignalsT<T> s;
    s.demand_w = supply::splat<T>(c.demand_w[i]);
    s.renewable_w = v.solar_w * c.solar_cf[i] + v.wind_w * c.wind_cf[i];
    s.intensity_g_per_kwh = v.intensity_scale * c.intensity[i];
    s.price_per_kwh = supply::splat<T>(c.price[i]);
    s.charge_below_g_per_kwh = v.charge_below;
    s.discharge_above_g_per_kwh = v.discharge_above;
    const T dt = supply::splat<T>(c.dt_s[i]);
    supply::settle_lanes<T, kStrategy>(s, dt, v.battery, v.dispatch, st, ledger.hour());
    ledger.add_ppa(v.ppa_w * c.ppa_cf[i] * dt);
    const unsigned flags = c.flags[i];
    if (flags & kHourEnd) ledger.close_hour();
    if (flags & kMonthEnd) ledger.close_month(v.credit_price);
    if (flags & kYearEnd) ledger.close_year(v.credit_price);
  }
  out.flows = ledger.flows();
  out.ledger = ledger.totals();
  out.battery = st;
}

// One variant's parameters as a lane of width one.
WATTSIM_HD inline VariantLanesT<double> scalar_lanes(const VariantParams& p) {
  VariantLanesT<double> v;
  v.solar_w = p.solar_w;
  v.wind_w = p.wind_w;
  v.ppa_w = p.ppa_w;
  v.intensity_scale = p.intensity_scale;
  v.initial_energy_j = initial_energy_j(p);
  v.charge_below = p.charge_below_g_per_kwh;
  v.discharge_above = p.discharge_above_g_per_kwh;
  v.credit_price = p.credit_price_per_t;
  v.battery = supply::prepare(p.battery);
  v.dispatch = supply::dispatch_lanes<double>(p.dispatch);
  v.credits = carbon::credit_lanes<double>(p.credits);
  v.costs = p.costs;
  return v;
}

}  // namespace wattsim::batch
