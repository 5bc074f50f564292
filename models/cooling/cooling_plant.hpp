#pragma once
// Cooling power of a facility from its heat load and the outside temperature (DESIGN.md §4):
// a pure function, called again whenever the heat load or the outside temperature changes,
// so cooling power is piecewise constant like every other power.
//
// Heat flow (all in W, steady state):
//   room heat Q_room = IT input power + distribution losses (everything the power tree draws
//   ends as heat in the building).
//   Liquid loop (optional): Q_liq = capture_fraction x IT power, taken by cold plates; its
//   pumps add P_lp = pump_w_per_w x Q_liq to the loop.
//   Air: Q_air = Q_room - Q_liq. CRAH/CRAC fans move it; airflow is proportional to the heat at
//   a fixed air temperature rise, so with a = max(min_airflow, Q_air / design_heat_w),
//   P_fans = fan_design_w x a^3 (cube law); the fans' power is heat in the air too.
//   Heat recovered by heat pumps (models/heat) leaves before rejection: recovered_liquid_w
//   from the loop, recovered_air_w from the exhaust air.
//   Loop heat to reject Q_lr = Q_liq + P_lp - recovered_liquid_w. Dry coolers take the share
//   f_dry = free_fraction(T_out, loop supply - dry_cooler_approach_k, free_band_k), at
//   P_dry = dry_cooler_w_per_w x f_dry x Q_lr; the rest (1 - f_dry) x Q_lr goes to the chiller
//   plant as trim.
//   Chiller plant load Q_ch = Q_air + P_fans - recovered_air_w + (1 - f_dry) Q_lr. The economiser
//   takes the share f_e = free_fraction(T_out, T_free, free_band_k) with T_free =
//   chilled_water_c - approach (water-side) or supply_air_c - approach (air-side), 0 without one;
//   the chiller takes Q_mech = (1 - f_e) Q_ch.
//   Chiller: PLR = Q_mech / capacity_w, COP = cop_vs_outside(T_out) x cop_vs_plr(min(PLR, 1)),
//   P_chiller = Q_mech / COP (0 when Q_mech = 0).
//   Pumps (chilled and condenser water): P_pumps = pump_w_per_w x (water-side or no economiser:
//   Q_ch; air-side: Q_mech, the free part leaving with the exhaust air).
//   Heat rejection: water-side (tower) Q_rej_plant = Q_ch + P_chiller + P_pumps (air-side:
//   Q_mech + P_chiller + P_pumps). A cooling tower (water_cooled) adds P_tower =
//   tower_fan_w_per_w x Q_rej_plant and evaporates tower_water_l_per_kwh per kWh of
//   Q_rej_plant; an air-cooled plant has its condenser fans inside its COP and uses no water.
//
// free_fraction(T, T_free, band) = 1 for T <= T_free - band, 0 for T >= T_free, linear between
// (band 0: a step at T_free, free when T < T_free).
//
// Energy balance (a test): Q_room + total_w = heat_rejected_w + recovered_liquid_w +
// recovered_air_w, where heat_rejected_w is all heat leaving to the outside (tower, dry
// coolers, air-side economiser exhaust, air-cooled condensers).
//
// Fixed PUE (kFixedPue): total_w = (pue - 1) x IT power, no water; kept for today's behaviour.

#include <string>
#include <utility>
#include <vector>

namespace wattsim::cooling {

// y(x) linear between points, held at the first and last y outside them.
class PiecewiseLinear {
 public:
  PiecewiseLinear() = default;
  // Requires >= 1 point, finite values, x strictly increasing; y > 0 when positive_y. Throws
  // std::invalid_argument naming the first bad point ("points[2]: x 10 is not above 12").
  explicit PiecewiseLinear(std::vector<std::pair<double, double>> points, bool positive_y = true);
  double at(double x) const;
  const std::vector<std::pair<double, double>>& points() const { return points_; }

 private:
  std::vector<std::pair<double, double>> points_;
};

enum class PlantType { kFixedPue, kChilledWater };
enum class Economiser { kNone, kWaterSide, kAirSide };

struct AirHandlers {
  double fan_design_w = 0.0;   // fan power at design airflow
  double design_heat_w = 1.0;  // air heat load at design airflow, > 0
  double min_airflow = 0.3;    // airflow never below this fraction of design
};

struct Chillers {
  double capacity_w = 1.0;            // rated cooling capacity, > 0 (for the part-load ratio)
  PiecewiseLinear cop_vs_outside_c;   // full-load COP against outside dry-bulb temperature
  PiecewiseLinear cop_vs_plr;         // COP multiplier against the part-load ratio in [0, 1]
  bool water_cooled = true;           // cooling tower (fans, water) vs air-cooled condensers
  double chilled_water_c = 18.0;      // chilled-water supply set point
  double supply_air_c = 24.0;         // supply air set point (air-side economiser)
  Economiser economiser = Economiser::kWaterSide;
  double economiser_approach_k = 4.0;
  double free_band_k = 4.0;           // partial free cooling over this band below T_free
  double pump_w_per_w = 0.0;
  double tower_fan_w_per_w = 0.0;
  double tower_water_l_per_kwh = 0.0;  // evaporation + blowdown per kWh rejected by the tower
};

struct LiquidLoop {
  bool present = false;
  double capture_fraction = 0.0;  // of IT power, in [0, 1]
  double supply_c = 32.0;         // coolant supply to the cold plates
  double delta_t_k = 10.0;        // rise across the racks: return = supply + delta_t
  double dry_cooler_approach_k = 5.0;
  double dry_cooler_w_per_w = 0.0;
  double pump_w_per_w = 0.0;
  double return_c() const { return supply_c + delta_t_k; }
};

struct Plant {
  PlantType type = PlantType::kFixedPue;
  double fixed_pue = 1.0;  // kFixedPue only, >= 1
  AirHandlers air;
  Chillers chillers;
  LiquidLoop liquid;
};

struct Load {
  double it_w = 0.0;         // IT input (wall) power of the nodes
  double room_heat_w = 0.0;  // IT + distribution losses, >= it_w
  double outside_c = 20.0;
  double recovered_liquid_w = 0.0;  // taken from the loop by heat pumps (<= loop heat)
  double recovered_air_w = 0.0;     // taken from the exhaust air by heat pumps (<= air heat)
};

struct Power {
  double fans_w = 0, chiller_w = 0, pumps_w = 0, tower_w = 0, dry_cooler_w = 0, liquid_pumps_w = 0;
  double total_w = 0;
  double water_l_per_s = 0;
  double liquid_heat_w = 0;     // Q_liq + P_lp: the loop's heat (recoverable, high grade)
  double air_heat_w = 0;        // Q_air + P_fans: the air's heat (recoverable, low grade)
  double economiser_fraction = 0;  // f_e
  double dry_cooler_fraction = 0;  // f_dry
  double heat_rejected_w = 0;
};

double free_fraction(double outside_c, double free_c, double band_k);

// The loop and air heat before any recovery (what models/heat can take): call with the load's
// recovered_* = 0, then again with the recovery; the heat terms do not depend on recovery.
Power cooling_power(const Plant& plant, const Load& load);

}  // namespace wattsim::cooling
