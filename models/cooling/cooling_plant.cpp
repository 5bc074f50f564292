#include "models/cooling/cooling_plant.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace wattsim::cooling {

namespace {

// Shortest text that reads back as the same double ("10", "0.1", "nan"), for error messages.
std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string point_name(std::size_t i) {
  return "points[" + std::to_string(i) + "]: ";
}

}  // namespace

PiecewiseLinear::PiecewiseLinear(std::vector<std::pair<double, double>> points, bool positive_y)
    : points_(std::move(points)) {
  if (points_.empty()) throw std::invalid_argument("points: no points; expected at least one");
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const auto [x, y] = points_[i];
    if (!std::isfinite(x)) throw std::invalid_argument(point_name(i) + "x " + number_text(x) + " is not finite");
    if (!std::isfinite(y)) throw std::invalid_argument(point_name(i) + "y " + number_text(y) + " is not finite");
    if (positive_y && !(y > 0.0)) {
      throw std::invalid_argument(point_name(i) + "y " + number_text(y) + " is not above 0");
    }
    if (i > 0 && !(x > points_[i - 1].first)) {
      throw std::invalid_argument(point_name(i) + "x " + number_text(x) + " is not above " +
                                  number_text(points_[i - 1].first));
    }
  }
}

double PiecewiseLinear::at(double x) const {
  // A default-constructed curve (no points) is the constant 1: an unset COP multiplier is
  // neutral. Scenario curves always come through the validating constructor.
  if (points_.empty()) return 1.0;
  if (points_.size() == 1 || x <= points_.front().first) return points_.front().second;
  if (x >= points_.back().first) return points_.back().second;
  // Curves have a handful of points: a linear scan beats a binary search. A NaN x stops at
  // the first segment and yields NaN.
  std::size_t i = 1;
  while (points_[i].first < x) ++i;
  const auto& [x0, y0] = points_[i - 1];
  const auto& [x1, y1] = points_[i];
  return y0 + (x - x0) / (x1 - x0) * (y1 - y0);
}

double free_fraction(double outside_c, double free_c, double band_k) {
  if (!(band_k > 0.0)) return outside_c < free_c ? 1.0 : 0.0;
  if (outside_c <= free_c - band_k) return 1.0;
  if (outside_c >= free_c) return 0.0;
  return (free_c - outside_c) / band_k;
}

Power cooling_power(const Plant& plant, const Load& load) {
  Power p;
  if (plant.type == PlantType::kFixedPue) {
    p.total_w = (plant.fixed_pue - 1.0) * load.it_w;
    p.air_heat_w = load.room_heat_w;
    // All room heat counts as air heat; heat recovered from it (clamped to it, and nothing from
    // a loop that does not exist) is not rejected, so the energy balance holds here too.
    const double recovered_air_w = std::clamp(load.recovered_air_w, 0.0, std::max(p.air_heat_w, 0.0));
    p.heat_rejected_w = load.room_heat_w + p.total_w - recovered_air_w;
    return p;
  }

  const Chillers& ch = plant.chillers;
  const LiquidLoop& loop = plant.liquid;

  // Liquid loop: heat captured by cold plates plus its pumps' power.
  const double q_liq_w = loop.present ? loop.capture_fraction * load.it_w : 0.0;
  p.liquid_pumps_w = loop.present ? loop.pump_w_per_w * q_liq_w : 0.0;
  p.liquid_heat_w = q_liq_w + p.liquid_pumps_w;

  // Air: the rest of the room heat, moved by fans whose power (cube law) also heats the air.
  const double q_air_w = load.room_heat_w - q_liq_w;
  const double airflow = std::max(plant.air.min_airflow, q_air_w / plant.air.design_heat_w);
  p.fans_w = plant.air.fan_design_w * airflow * airflow * airflow;
  p.air_heat_w = q_air_w + p.fans_w;

  // Heat pumps cannot take more than is there: recovery is clamped to [0, available], so the
  // loop and the air never hand the plant a negative load.
  const double recovered_liquid_w = std::clamp(load.recovered_liquid_w, 0.0, std::max(p.liquid_heat_w, 0.0));
  const double recovered_air_w = std::clamp(load.recovered_air_w, 0.0, std::max(p.air_heat_w, 0.0));

  // Loop heat left to reject: dry coolers take the share f_dry, the chillers the rest as trim.
  // The loop has no band of its own; it shares the chillers' free_band_k.
  const double q_lr_w = p.liquid_heat_w - recovered_liquid_w;
  if (loop.present) {
    p.dry_cooler_fraction = free_fraction(load.outside_c, loop.supply_c - loop.dry_cooler_approach_k, ch.free_band_k);
    p.dry_cooler_w = loop.dry_cooler_w_per_w * p.dry_cooler_fraction * q_lr_w;
  }
  const double q_dry_w = p.dry_cooler_fraction * q_lr_w;

  // Chiller plant load and the economiser's share of it.
  const double q_ch_w = p.air_heat_w - recovered_air_w + (q_lr_w - q_dry_w);
  switch (ch.economiser) {
    case Economiser::kNone:
      p.economiser_fraction = 0.0;
      break;
    case Economiser::kWaterSide:
      p.economiser_fraction =
          free_fraction(load.outside_c, ch.chilled_water_c - ch.economiser_approach_k, ch.free_band_k);
      break;
    case Economiser::kAirSide:
      p.economiser_fraction = free_fraction(load.outside_c, ch.supply_air_c - ch.economiser_approach_k, ch.free_band_k);
      break;
  }
  const double q_free_w = p.economiser_fraction * q_ch_w;
  const double q_mech_w = q_ch_w - q_free_w;

  // Chiller: COP from the outside temperature and the part-load ratio (capped at full load).
  if (q_mech_w > 0.0) {
    const double plr = std::min(q_mech_w / ch.capacity_w, 1.0);
    const double cop = ch.cop_vs_outside_c.at(load.outside_c) * ch.cop_vs_plr.at(plr);
    p.chiller_w = q_mech_w / cop;
  }

  // Water pumps move all of Q_ch, except with an air-side economiser, whose free part leaves
  // with the exhaust air and never reaches the water.
  const bool air_side = ch.economiser == Economiser::kAirSide;
  p.pumps_w = ch.pump_w_per_w * (air_side ? q_mech_w : q_ch_w);

  // Heat the plant rejects through its tower or condensers: what it moves plus what it draws.
  const double q_rej_plant_w = (air_side ? q_mech_w : q_ch_w) + p.chiller_w + p.pumps_w;
  if (ch.water_cooled) {
    p.tower_w = ch.tower_fan_w_per_w * q_rej_plant_w;
    p.water_l_per_s = ch.tower_water_l_per_kwh * q_rej_plant_w / 3.6e6;
  }

  p.total_w = p.fans_w + p.chiller_w + p.pumps_w + p.tower_w + p.dry_cooler_w + p.liquid_pumps_w;
  // Everything leaving to the outside: the plant's rejection and its tower fans' heat, the dry
  // coolers' share of the loop and their fans' heat, and the air-side economiser's exhaust.
  p.heat_rejected_w = q_rej_plant_w + p.tower_w + q_dry_w + p.dry_cooler_w + (air_side ? q_free_w : 0.0);
  return p;
}

}  // namespace wattsim::cooling
