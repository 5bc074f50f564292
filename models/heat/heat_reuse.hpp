#pragma once
// Waste-heat reuse (DESIGN.md §4): heat pumps lift recovered heat to a district network's
// supply temperature; the network takes at most its demand; the rest is rejected by the
// cooling plant as usual. A pure function of the plant, the recoverable heat and the demand.
//
// Heat pump COP (heating) from a Carnot fraction of the temperature lift, with heat-exchanger
// approaches on both sides (temperatures in C, K = C + 273.15):
//   T_cond = network_supply_c + approach_k,  T_evap = source_c - approach_k,
//   COP = carnot_fraction x T_cond[K] / (T_cond - T_evap)      when T_cond > T_evap + 1e-9,
//   and no heat pump (direct exchange, COP infinite, no electricity) when
//   source_c - approach_k >= network_supply_c.
// (Zangeneh & Oi's simulated COPs from a 45 C source, 5.5 / 4.3 / 3.5 at 60 / 70 / 80 C
// supply, reference §4.4, against 5.82 / 4.28 / 3.42 here with carnot_fraction 0.43 and a 5 K
// approach: within 6 %, the fraction derived from their 70 C point.)
// For a source heat Q_src drawn, a heat pump delivers Q_del = Q_src x COP / (COP - 1) and draws
// W = Q_del / COP (so Q_del = Q_src + W). COP must exceed 1.
//
// Sources, in this order (the better COP first): the liquid loop's return (high grade,
// recoverable = liquid_capture x loop heat), then the exhaust air (low grade, recoverable =
// air_capture x air heat). Each supplies until the network's demand (and the heat pumps'
// capacity, heat out) is met.
//
// Avoided emissions and revenue are per delivered heat: the displaced source's fuel intensity
// / its efficiency (a gas boiler by default), and a heat price.

namespace wattsim::heat {

struct Plant {
  bool present = false;
  double network_supply_c = 70.0;
  double carnot_fraction = 0.43;   // (0, 1]
  double approach_k = 5.0;         // >= 0
  double liquid_capture = 1.0;     // [0, 1] of the loop heat
  double air_capture = 0.0;        // [0, 1] of the air heat
  double air_source_c = 35.0;      // exhaust (hot-aisle) air temperature
  double capacity_w = 1e300;       // heat pumps' heat output limit
};

struct Source {
  double liquid_heat_w = 0.0;  // cooling::Power::liquid_heat_w
  double liquid_c = 42.0;      // loop return temperature
  double air_heat_w = 0.0;     // cooling::Power::air_heat_w
};

struct Flows {
  double recovered_liquid_w = 0, recovered_air_w = 0;  // source heat drawn
  double delivered_w = 0;                               // to the network
  double heat_pump_w = 0;                               // electricity
  double recoverable_w = 0;                             // what could have been drawn
  double cop_liquid = 0, cop_air = 0;                   // 0 when that source is unused by design; inf for direct exchange
};

// COP for a source and sink temperature (see above); +infinity for direct exchange.
double heat_pump_cop(double source_c, double sink_c, double carnot_fraction, double approach_k);

Flows reuse(const Plant& plant, const Source& source, double network_demand_w);

}  // namespace wattsim::heat
