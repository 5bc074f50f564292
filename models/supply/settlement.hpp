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
// battery's loss. Energies of an interval are each power times the time it held (summed over
// the interval's two stretches), booked once per interval. Discharge never exceeds the deficit D - R, so battery energy is never
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

// The core is written once over a "lane" type T: double (one settlement, on the CPU or a CUDA
// thread) or a GCC vector of doubles (several independent settlements side by side, the batch
// evaluator's SIMD path). It has no branches, only arithmetic and selections, in the same order
// for every T: a vector lane computes bit for bit what the scalar code computes.
template <class T>
WATTSIM_HD inline T splat(double x) {
  return T{} + x;
}
// Masks: bool for double, an integer vector for vectors; `?:` selects with either.
WATTSIM_HD inline bool both(bool a, bool b) { return a && b; }
WATTSIM_HD inline bool either(bool a, bool b) { return a || b; }
template <class M>
inline M both(M a, M b) {
  return a & b;
}
template <class M>
inline M either(M a, M b) {
  return a | b;
}

template <class T>
struct BatteryParamsT {
  T capacity_j = splat<T>(0.0);            // nameplate energy, before any fade (0: no battery)
  T max_charge_w = splat<T>(0.0);          // drawn from the bus
  T max_discharge_w = splat<T>(0.0);       // delivered to the bus
  T charge_efficiency = splat<T>(1.0);     // stored / drawn
  T discharge_efficiency = splat<T>(1.0);  // delivered / taken from storage
  T soc_min = splat<T>(0.0);               // fractions of the present (faded) capacity
  T soc_max = splat<T>(1.0);
  T fade_per_cycle = splat<T>(0.0);        // fraction of nameplate lost per full-equivalent cycle
  T fade_per_year = splat<T>(0.0);         // calendar fade, fraction of nameplate per year
};
using BatteryParams = BatteryParamsT<double>;

// The parameters with the reciprocals the core multiplies by, computed once (a division per
// interval would cost more than the rest of the settlement together).
template <class T>
struct PreparedBatteryT {
  BatteryParamsT<T> p;
  T inv_discharge_efficiency;
  T inv_capacity;  // infinite without a battery (never used then)
};

template <class T>
WATTSIM_HD inline PreparedBatteryT<T> prepare(const BatteryParamsT<T>& p) {
  return {p, 1.0 / p.discharge_efficiency, 1.0 / p.capacity_j};
}

struct DispatchParams {
  Dispatch strategy = Dispatch::kSelfConsumption;
  double grid_limit_w = 1e300;      // peak shaving
  bool allow_export = false;        // surplus to the grid, else curtailed
  double export_limit_w = 1e300;
};

// DispatchParams as numbers, one per lane (strategy as its enum value, export as 0 or 1).
template <class T>
struct DispatchLanesT {
  T strategy, grid_limit_w, allow_export, export_limit_w;
};

// What holds over one interval.
template <class T>
struct IntervalSignalsT {
  T demand_w = splat<T>(0.0);
  T renewable_w = splat<T>(0.0);                   // available on-site generation
  T intensity_g_per_kwh = splat<T>(0.0);           // grid carbon intensity
  T price_per_kwh = splat<T>(0.0);                 // grid price, currency per kWh
  T charge_below_g_per_kwh = splat<T>(-1.0);       // carbon arbitrage thresholds
  T discharge_above_g_per_kwh = splat<T>(1e300);
};
using IntervalSignals = IntervalSignalsT<double>;

template <class T>
struct BatteryStateT {
  T energy_j = splat<T>(0.0);      // stored
  T capacity_j = splat<T>(0.0);    // present capacity (after fade)
  T discharged_j = splat<T>(0.0);  // taken from storage so far: full-equivalent cycles = this / nameplate
  T age_s = splat<T>(0.0);
};
using BatteryState = BatteryStateT<double>;

// Energies over an interval (accumulated by settle), in J; carbon in (g/kWh) x J, i.e.
// divide by 3.6e9 for kg; money in currency x kWh / kWh, i.e. divide by 3.6e6.
template <class T>
struct FlowsT {
  T duration_s = splat<T>(0.0);
  T demand_j = splat<T>(0.0), renewable_j = splat<T>(0.0), renewable_used_j = splat<T>(0.0), curtailed_j = splat<T>(0.0);
  T import_j = splat<T>(0.0), export_j = splat<T>(0.0);
  T charge_j = splat<T>(0.0), discharge_j = splat<T>(0.0), battery_loss_j = splat<T>(0.0);
  T carbon_import = splat<T>(0.0);  // sum of k * G_import dt
  T carbon_demand = splat<T>(0.0);  // sum of k * D dt (location-based)
  T carbon_export = splat<T>(0.0);  // sum of k * export dt (what exports displace)
  T cost_import = splat<T>(0.0);    // sum of p * G_import dt
  T value_export = splat<T>(0.0);   // sum of p * export dt
  T soc_time_j_s = splat<T>(0.0);   // integral of stored energy over time (J s), for averages
  T price_time_s = splat<T>(0.0);   // integral of p dt (currency/kWh x s), for averages
  T peak_import_w = splat<T>(0.0);  // highest import held for a positive time

  WATTSIM_HD void add(const FlowsT& o) {
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
    peak_import_w = o.peak_import_w > peak_import_w ? o.peak_import_w : peak_import_w;
  }
};
using Flows = FlowsT<double>;

namespace detail {

template <class T>
WATTSIM_HD inline T min_t(T a, T b) {
  return a < b ? a : b;
}
template <class T>
WATTSIM_HD inline T max_t(T a, T b) {
  return a > b ? a : b;
}
WATTSIM_HD inline double min_d(double a, double b) { return a < b ? a : b; }
WATTSIM_HD inline double max_d(double a, double b) { return a > b ? a : b; }

// The strategy's battery power b (W, + discharge to the bus, - charge from it), before the
// state-of-charge limits.
// kAnyStrategy: each lane's own strategy (selected lane by lane); 0-3: every lane has that one,
// and only its candidate is computed (the same arithmetic, so the same bits).
inline constexpr int kAnyStrategy = -1;

template <class T, int kStrategy = kAnyStrategy>
WATTSIM_HD inline T desired_battery_w(const IntervalSignalsT<T>& s, const BatteryParamsT<T>& b, const DispatchLanesT<T>& d) {
  const T zero = splat<T>(0.0);
  const T net = s.demand_w - s.renewable_w;
  const T from_surplus = net < 0.0 ? zero - min_t(zero - net, b.max_charge_w) : zero;
  const T cover_deficit = net > 0.0 ? min_t(net, b.max_discharge_w) : zero;
  const T self = net > 0.0 ? cover_deficit : from_surplus;
  const auto arbitrage = [&] {
    return s.intensity_g_per_kwh <= s.charge_below_g_per_kwh
               ? zero - b.max_charge_w
               : (s.intensity_g_per_kwh >= s.discharge_above_g_per_kwh ? self : from_surplus);
  };
  const auto peak = [&] {
    return net > d.grid_limit_w ? min_t(net - d.grid_limit_w, b.max_discharge_w)
                                : zero - min_t(d.grid_limit_w - net, b.max_charge_w);
  };
  if constexpr (kStrategy == 0) return zero;
  if constexpr (kStrategy == 1) return self;
  if constexpr (kStrategy == 2) return arbitrage();
  if constexpr (kStrategy == 3) return peak();
  return d.strategy == 1.0 ? self : (d.strategy == 2.0 ? arbitrage() : (d.strategy == 3.0 ? peak() : zero));
}

// The grid's side of a stretch with battery power b held: import, export and curtailment.
template <class T>
struct GridPowers {
  T import_w, export_w, curtail_w;
};
template <class T>
WATTSIM_HD inline GridPowers<T> grid_powers(T residual, const DispatchLanesT<T>& d) {
  const T zero = splat<T>(0.0);
  const T surplus = zero - residual;
  const T export_w = residual > 0.0 ? zero : (d.allow_export != 0.0 ? min_t(surplus, d.export_limit_w) : zero);
  return {residual > 0.0 ? residual : zero, export_w, residual > 0.0 ? zero : surplus - export_w};
}

}  // namespace detail

// Settles one interval of `dt_s` seconds with constant signals, lane by lane: the battery
// follows its strategy until its energy reaches a bound (an exact breakpoint inside the
// interval), then holds (a second, possibly empty, stretch). Adds the interval's energies to
// `flows` and moves `state` on, ageing the battery and applying its fade at the end of the
// interval.
template <class T, int kStrategy = detail::kAnyStrategy>
WATTSIM_HD inline void settle_lanes(const IntervalSignalsT<T>& s, T dt_s, const PreparedBatteryT<T>& pb,
                                    const DispatchLanesT<T>& d, BatteryStateT<T>& st, FlowsT<T>& f) {
  const BatteryParamsT<T>& bp = pb.p;
  const T zero = splat<T>(0.0);
  const auto has_battery = bp.capacity_j > 0.0;
  const T lo = bp.soc_min * st.capacity_j;
  const T hi = bp.soc_max * st.capacity_j;
  // Stretch 1, moving toward a bound with battery power b; stretch 2 (possibly empty), held at
  // the bound with b = 0 (the same strategy now pushes against it).
  T b = has_battery ? detail::desired_battery_w<T, kStrategy>(s, bp, d) : zero;
  b = either(both(b < 0.0, st.energy_j >= hi), both(b > 0.0, st.energy_j <= lo)) ? zero : b;
  const T charge_w = detail::max_t(zero - b, zero);
  const T discharge_w = detail::max_t(b, zero);
  const T taken_w = discharge_w * pb.inv_discharge_efficiency;
  const T rate = charge_w * bp.charge_efficiency - taken_w;  // of the stored energy
  const auto reach_hi = both(rate > 0.0, (hi - st.energy_j) < rate * dt_s);
  const auto reach_lo = both(rate < 0.0, (st.energy_j - lo) < (zero - rate) * dt_s);
  const auto reach = either(reach_hi, reach_lo);
  // The one division of the interval: how long until the bound is reached.
  const T to_bound = (reach_hi ? hi - st.energy_j : st.energy_j - lo) / (reach_hi ? rate : zero - rate);
  const T span = reach ? to_bound : dt_s;
  const T left = reach ? dt_s - span : zero;
  const T energy_before = st.energy_j;
  const T energy_after = reach_hi ? hi : (reach_lo ? lo : st.energy_j + rate * span);  // a bound exactly, not a rounding of it
  st.energy_j = energy_after;
  const T net = s.demand_w - s.renewable_w;
  const detail::GridPowers<T> g1 = detail::grid_powers(net - b, d);
  const detail::GridPowers<T> g2 = detail::grid_powers(net, d);
  const T import_j = g1.import_w * span + g2.import_w * left;
  const T export_j = g1.export_w * span + g2.export_w * left;
  const T curtail_j = g1.curtail_w * span + g2.curtail_w * left;
  const T renewable_j = s.renewable_w * dt_s;
  f.duration_s += dt_s;
  f.demand_j += s.demand_w * dt_s;
  f.renewable_j += renewable_j;
  f.renewable_used_j += renewable_j - export_j - curtail_j;
  f.curtailed_j += curtail_j;
  f.import_j += import_j;
  f.export_j += export_j;
  f.charge_j += charge_w * span;
  f.discharge_j += discharge_w * span;
  f.battery_loss_j += (charge_w - discharge_w - rate) * span;
  f.carbon_import += s.intensity_g_per_kwh * import_j;
  f.carbon_demand += s.intensity_g_per_kwh * s.demand_w * dt_s;
  f.carbon_export += s.intensity_g_per_kwh * export_j;
  f.cost_import += s.price_per_kwh * import_j;
  f.value_export += s.price_per_kwh * export_j;
  f.soc_time_j_s += 0.5 * (energy_before + energy_after) * span + energy_after * left;
  f.price_time_s += s.price_per_kwh * dt_s;
  const T peak1 = span > 0.0 ? g1.import_w : zero;
  const T peak2 = left > 0.0 ? g2.import_w : zero;
  f.peak_import_w = detail::max_t(f.peak_import_w, detail::max_t(peak1, peak2));
  st.discharged_j += taken_w * span;
  // Ageing and fade: capacity is constant within an interval.
  constexpr double kYearsPerSecond = 1.0 / (365.0 * 86400.0);
  const T age = st.age_s + dt_s;
  const T fade = bp.fade_per_year * age * kYearsPerSecond + bp.fade_per_cycle * st.discharged_j * pb.inv_capacity;
  const T one_minus = 1.0 - fade;
  const T capacity = bp.capacity_j * (one_minus > 0.0 ? one_minus : zero);
  st.age_s = has_battery ? age : st.age_s;
  st.capacity_j = has_battery ? capacity : st.capacity_j;
  const T top = bp.soc_max * st.capacity_j;
  const auto above = both(has_battery, st.energy_j > top);
  f.battery_loss_j += above ? st.energy_j - top : zero;  // energy above a faded capacity is lost
  st.energy_j = above ? top : st.energy_j;
}

template <class T>
WATTSIM_HD inline DispatchLanesT<T> dispatch_lanes(const DispatchParams& d) {
  return {splat<T>(static_cast<double>(d.strategy)), splat<T>(d.grid_limit_w), splat<T>(d.allow_export ? 1.0 : 0.0),
          splat<T>(d.export_limit_w)};
}

// One settlement (the scalar case of settle_lanes).
WATTSIM_HD inline void settle(const IntervalSignals& s, double dt_s, const BatteryParams& bp, const DispatchParams& d,
                              BatteryState& st, Flows& flows) {
  settle_lanes<double>(s, dt_s, prepare(bp), dispatch_lanes<double>(d), st, flows);
}

}  // namespace wattsim::supply
