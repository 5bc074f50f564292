#include "models/heat/heat_reuse.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wattsim::heat {

namespace {

constexpr double kKelvinOffset = 273.15;

// Draws from one source into the network; `delivered_w` is what earlier sources delivered.
// A COP not above 1 (or NaN) makes the source unusable: it supplies nothing.
struct Draw {
  double source_w = 0, delivered_w = 0, electricity_w = 0;
};

Draw draw(double recoverable_w, double cop, double remaining_w) {
  Draw d;
  if (!(recoverable_w > 0.0) || !(remaining_w > 0.0) || !(cop > 1.0)) return d;
  if (std::isinf(cop)) {
    d.delivered_w = std::min(recoverable_w, remaining_w);
    d.source_w = d.delivered_w;
    return d;
  }
  d.delivered_w = std::min(recoverable_w * cop / (cop - 1.0), remaining_w);
  d.source_w = d.delivered_w * (cop - 1.0) / cop;
  d.electricity_w = d.delivered_w / cop;
  return d;
}

}  // namespace

double heat_pump_cop(double source_c, double sink_c, double carnot_fraction, double approach_k) {
  if (source_c - approach_k >= sink_c) return std::numeric_limits<double>::infinity();
  const double cond_c = sink_c + approach_k;
  const double evap_c = source_c - approach_k;
  // With approach_k >= 0 the lift exceeds the approach here; a lift of at most 1e-9 K (possible
  // only with a zero approach) is treated as direct exchange rather than a near-infinite COP.
  const double lift_k = cond_c - evap_c;
  if (!(lift_k > 1e-9)) return std::numeric_limits<double>::infinity();
  return carnot_fraction * (cond_c + kKelvinOffset) / lift_k;
}

Flows reuse(const Plant& plant, const Source& source, double network_demand_w) {
  Flows f;
  const double recoverable_liquid_w = plant.liquid_capture * source.liquid_heat_w;
  const double recoverable_air_w = plant.air_capture * source.air_heat_w;
  f.recoverable_w = recoverable_liquid_w + recoverable_air_w;
  if (!plant.present || !(network_demand_w > 0.0)) return f;

  // The COP each source would run at; 0 for a source with nothing recoverable (unused by design).
  if (recoverable_liquid_w > 0.0) {
    f.cop_liquid = heat_pump_cop(source.liquid_c, plant.network_supply_c, plant.carnot_fraction, plant.approach_k);
  }
  if (recoverable_air_w > 0.0) {
    f.cop_air = heat_pump_cop(plant.air_source_c, plant.network_supply_c, plant.carnot_fraction, plant.approach_k);
  }

  // capacity_w limits everything the installation delivers, direct exchange included: the
  // header gives one output limit and no separate one for heat exchangers.
  const auto remaining_w = [&] { return std::min(network_demand_w - f.delivered_w, plant.capacity_w - f.delivered_w); };

  // High grade first: the loop's return gives the better COP.
  const Draw liquid = draw(recoverable_liquid_w, f.cop_liquid, remaining_w());
  f.recovered_liquid_w = liquid.source_w;
  f.delivered_w += liquid.delivered_w;
  f.heat_pump_w += liquid.electricity_w;

  const Draw air = draw(recoverable_air_w, f.cop_air, remaining_w());
  f.recovered_air_w = air.source_w;
  f.delivered_w += air.delivered_w;
  f.heat_pump_w += air.electricity_w;
  return f;
}

}  // namespace wattsim::heat
