#pragma once
// The settlement (DESIGN.md §5): over an interval where demand, renewable output, carbon
// intensity and price are constant, the facility's demand D meets on-site renewables R, then
// the battery per its dispatch strategy, then the grid (import; a surplus is exported or
// curtailed). The battery's energy is linear in time within the interval, so the instant it
// reaches a bound is computed exactly and the interval is split there: no output-interval
// rounding, ever.
//
// Power balance on the facility's bus at every instant (W):
//   D + C = R_used + Dis + G_import,   R_used = R - export - curtailed
// with C the battery's charging power drawn from the bus and Dis its discharging power into
// the bus. The stored energy changes at C * eta_c - Dis / eta_d; the difference is the
// battery's loss. Discharge never exceeds the deficit D - R, so battery energy is never
// exported.
//
// Dispatch strategies (battery power b = Dis - C, decided from the interval's signals):
//   self-consumption  charge from surplus renewables, discharge to cover any deficit:
//                     b = min(D - R, Dis_max) when D > R, else -min(R - D, C_max)
//   carbon-arbitrage  charge at full rate (surplus first, then grid) when k <= charge_below;
//                     discharge to cover the deficit when k >= discharge_above; otherwise
//                     charge from surplus only
//   peak-shaving      keep grid import at or under grid_limit: discharge the excess
//                     min(D - R - limit, Dis_max); below the limit charge from the headroom
//                     min(limit - (D - R), C_max), surplus included
//   none              no battery use
// then limited by the state of charge: no charging at the upper bound, no discharging at the
// lower one.
//
// Worked example: D = 1 MW, R = 1.5 MW, battery 2 MWh from 1.9 MWh, C_max 1 MW, eta_c 0.95,
// self-consumption, one hour, no export: b = -0.5 MW (charge), stored rate 0.475 MW, the
// battery is full after (2 - 1.9) / 0.475 h = 12.63 min; then b = 0 and 0.5 MW is curtailed
// for the remaining 47.37 min. Import 0; curtailed 0.5 * 47.37/60 = 0.3947 MWh;
// R_used = 1.5 - 0.3947 = 1.1053 MWh = D + C = 1 + 0.5 * 12.63/60.

#include <cstdint>

#include "models/supply/host_device.hpp"

namespace wattsim::supply {

enum class Dispatch : std::uint8_t { kNone = 0, kSelfConsumption = 1, kCarbonArbitrage = 2, kPeakShaving = 3 };

struct BatteryParams {
  double capacity_j = 0.0;          // nameplate energy, before any fade (0: no battery)
  double max_charge_w = 0.0;        // drawn from the bus
  double max_discharge_w = 0.0;     // delivered to the bus
  double charge_efficiency = 1.0;   // stored / drawn
  double discharge_efficiency = 1.0;  // delivered / taken from storage
  double soc_min = 0.0;             // fractions of the present (faded) capacity
  double soc_max = 1.0;
  double fade_per_cycle = 0.0;      // fraction of nameplate lost per full-equivalent cycle
  double fade_per_year = 0.0;       // calendar fade, fraction of nameplate per year
};

struct DispatchParams {
  Dispatch strategy = Dispatch::kSelfConsumption;
  double grid_limit_w = 1e300;      // peak shaving
  bool allow_export = false;        // surplus to the grid, else curtailed
  double export_limit_w = 1e300;
};

// What holds over one interval.
struct IntervalSignals {
  double demand_w = 0.0;
  double renewable_w = 0.0;            // available on-site generation
  double intensity_g_per_kwh = 0.0;    // grid carbon intensity
  double price_per_kwh = 0.0;          // grid price, currency per kWh
  double charge_below_g_per_kwh = -1.0;     // carbon arbitrage thresholds
  double discharge_above_g_per_kwh = 1e300;
};

struct BatteryState {
  double energy_j = 0.0;       // stored
  double capacity_j = 0.0;     // present capacity (after fade)
  double discharged_j = 0.0;   // taken from storage so far: full-equivalent cycles = this / nameplate
  double age_s = 0.0;
};

// Energies over an interval (accumulated by settle), in J; carbon in (g/kWh) x J, i.e.
// divide by 3.6e9 for kg; money in currency x kWh / kWh, i.e. divide by 3.6e6.
struct Flows {
  double duration_s = 0.0;
  double demand_j = 0.0, renewable_j = 0.0, renewable_used_j = 0.0, curtailed_j = 0.0;
  double import_j = 0.0, export_j = 0.0;
  double charge_j = 0.0, discharge_j = 0.0, battery_loss_j = 0.0;
  double carbon_import = 0.0;    // sum of k * G_import dt
  double carbon_demand = 0.0;    // sum of k * D dt (location-based)
  double carbon_export = 0.0;    // sum of k * export dt (what exports displace)
  double cost_import = 0.0;      // sum of p * G_import dt
  double value_export = 0.0;     // sum of p * export dt
  double soc_time_j_s = 0.0;     // integral of stored energy over time (J s), for averages
  double price_time_s = 0.0;     // integral of p dt (currency/kWh x s), for averages
  double peak_import_w = 0.0;    // highest import held for a positive time

  WATTSIM_HD void add(const Flows& o) {
    duration_s += o.duration_s;
    demand_j += o.demand_j;
    renewable_j += o.renewable_j;
    renewable_used_j += o.renewable_used_j;
    curtailed_j += o.curtailed_j;
    import_j += o.import_j;
    export_j += o.export_j;
    charge_j += o.charge_j;
    discharge_j += o.discharge_j;
    battery_loss_j += o.battery_loss_j;
    carbon_import += o.carbon_import;
    carbon_demand += o.carbon_demand;
    carbon_export += o.carbon_export;
    cost_import += o.cost_import;
    value_export += o.value_export;
    soc_time_j_s += o.soc_time_j_s;
    price_time_s += o.price_time_s;
    if (o.peak_import_w > peak_import_w) peak_import_w = o.peak_import_w;
  }
};

namespace detail {

WATTSIM_HD inline double min_d(double a, double b) { return a < b ? a : b; }
WATTSIM_HD inline double max_d(double a, double b) { return a > b ? a : b; }

// The strategy's battery power b (W, + discharge to the bus, - charge from it), before the
// state-of-charge limits.
WATTSIM_HD inline double desired_battery_w(const IntervalSignals& s, const BatteryParams& b, const DispatchParams& d) {
  const double net = s.demand_w - s.renewable_w;
  const double from_surplus = net < 0.0 ? -min_d(-net, b.max_charge_w) : 0.0;
  const double cover_deficit = net > 0.0 ? min_d(net, b.max_discharge_w) : 0.0;
  switch (d.strategy) {
    case Dispatch::kNone: return 0.0;
    case Dispatch::kSelfConsumption: return net > 0.0 ? cover_deficit : from_surplus;
    case Dispatch::kCarbonArbitrage:
      if (s.intensity_g_per_kwh <= s.charge_below_g_per_kwh) return -b.max_charge_w;
      if (s.intensity_g_per_kwh >= s.discharge_above_g_per_kwh) return net > 0.0 ? cover_deficit : from_surplus;
      return from_surplus;
    case Dispatch::kPeakShaving:
      if (net > d.grid_limit_w) return min_d(net - d.grid_limit_w, b.max_discharge_w);
      return -min_d(d.grid_limit_w - net, b.max_charge_w);
  }
  return 0.0;
}

// Settles `dt_s` seconds with battery power `b_w` held: the flows, and the battery's energy.
WATTSIM_HD inline void settle_constant(const IntervalSignals& s, const BatteryParams& bp, const DispatchParams& d,
                                       double b_w, double dt_s, BatteryState& st, Flows& f) {
  const double residual = s.demand_w - s.renewable_w - b_w;
  double import_w = 0.0, export_w = 0.0, curtail_w = 0.0;
  if (residual > 0.0) {
    import_w = residual;
  } else {
    const double surplus = -residual;
    export_w = d.allow_export ? min_d(surplus, d.export_limit_w) : 0.0;
    curtail_w = surplus - export_w;
  }
  const double charge_w = max_d(-b_w, 0.0);
  const double discharge_w = max_d(b_w, 0.0);
  const double stored_rate = charge_w * bp.charge_efficiency - (discharge_w > 0.0 ? discharge_w / bp.discharge_efficiency : 0.0);
  const double energy_before = st.energy_j;
  st.energy_j += stored_rate * dt_s;
  f.demand_j += s.demand_w * dt_s;
  f.renewable_j += s.renewable_w * dt_s;
  f.renewable_used_j += (s.renewable_w - export_w - curtail_w) * dt_s;
  f.curtailed_j += curtail_w * dt_s;
  f.import_j += import_w * dt_s;
  f.export_j += export_w * dt_s;
  f.charge_j += charge_w * dt_s;
  f.discharge_j += discharge_w * dt_s;
  f.battery_loss_j += (charge_w - discharge_w - stored_rate) * dt_s;
  f.carbon_import += s.intensity_g_per_kwh * import_w * dt_s;
  f.carbon_demand += s.intensity_g_per_kwh * s.demand_w * dt_s;
  f.carbon_export += s.intensity_g_per_kwh * export_w * dt_s;
  f.cost_import += s.price_per_kwh * import_w * dt_s;
  f.value_export += s.price_per_kwh * export_w * dt_s;
  f.soc_time_j_s += 0.5 * (energy_before + st.energy_j) * dt_s;
  f.price_time_s += s.price_per_kwh * dt_s;
  f.duration_s += dt_s;
  if (dt_s > 0.0 && import_w > f.peak_import_w) f.peak_import_w = import_w;
  if (discharge_w > 0.0) st.discharged_j += discharge_w / bp.discharge_efficiency * dt_s;
}

}  // namespace detail

// Settles one interval of `dt_s` seconds with constant signals: the battery follows its
// strategy until its energy reaches a bound (an exact breakpoint inside the interval), then
// holds. Adds the interval's energies to `flows` and moves `state` on, ageing the battery and
// applying its fade at the end of the interval.
WATTSIM_HD inline void settle(const IntervalSignals& s, double dt_s, const BatteryParams& bp, const DispatchParams& d,
                              BatteryState& st, Flows& flows) {
  double left = dt_s;
  if (bp.capacity_j > 0.0) {
    const double lo = bp.soc_min * st.capacity_j;
    const double hi = bp.soc_max * st.capacity_j;
    // At most two regimes: moving toward a bound, then held at it.
    for (int regime = 0; regime < 2 && left > 0.0; ++regime) {
      double b = detail::desired_battery_w(s, bp, d);
      if ((b < 0.0 && st.energy_j >= hi) || (b > 0.0 && st.energy_j <= lo)) b = 0.0;
      const double rate = b < 0.0 ? -b * bp.charge_efficiency : (b > 0.0 ? -b / bp.discharge_efficiency : 0.0);
      double span = left;
      bool reaches_bound = false;
      if (rate > 0.0 && (hi - st.energy_j) < rate * left) {
        span = (hi - st.energy_j) / rate;
        reaches_bound = true;
      } else if (rate < 0.0 && (st.energy_j - lo) < -rate * left) {
        span = (st.energy_j - lo) / -rate;
        reaches_bound = true;
      }
      detail::settle_constant(s, bp, d, b, span, st, flows);
      if (reaches_bound) st.energy_j = rate > 0.0 ? hi : lo;  // exactly at the bound, not a rounding of it
      left -= span;
      if (!reaches_bound) left = 0.0;
    }
    // Ageing and fade: capacity is constant within an interval.
    st.age_s += dt_s;
    const double fade = bp.fade_per_year * st.age_s / (365.0 * 86400.0) + bp.fade_per_cycle * st.discharged_j / bp.capacity_j;
    st.capacity_j = bp.capacity_j * detail::max_d(0.0, 1.0 - fade);
    const double top = bp.soc_max * st.capacity_j;
    if (st.energy_j > top) {
      flows.battery_loss_j += st.energy_j - top;  // energy above a faded capacity is lost
      st.energy_j = top;
    }
  } else {
    detail::settle_constant(s, bp, d, 0.0, left, st, flows);
  }
}

}  // namespace wattsim::supply
