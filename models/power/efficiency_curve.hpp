#pragma once
// Conversion efficiency as a function of load: PSUs, UPSs, PDU transformers.
//
//   eta(x) for load fraction x = P_out / P_rated, linear between the given points
//   (x_i, eta_i), held at eta_0 below x_0 and at eta_n above x_n;
//   P_in = P_out / eta(P_out / P_rated), loss = P_in - P_out.
//
// Worked example (80 PLUS Titanium, 230 V redundant: 90/94/96/91 % at 10/20/50/100 %),
// rated 10 kW, P_out = 3.5 kW: x = 0.35, eta = 0.94 + (0.35-0.2)/(0.5-0.2) * (0.96-0.94)
// = 0.95, P_in = 3684.2 W, loss 184.2 W.
//
// Holding eta_0 below the first point means losses fall to zero with the load: no-load losses
// are not modelled below x_0 (optimistic at very light load; curves with a 10 % point limit it).
// Default curves and their sources are in models/catalog/data/catalog.json.

#include <utility>
#include <vector>

namespace wattsim::power {

struct EfficiencyPoint {
  double load_fraction;  // P_out / P_rated, > 0
  double efficiency;     // P_out / P_in, in (0, 1]
};

class EfficiencyCurve {
 public:
  EfficiencyCurve() = default;  // lossless: efficiency 1 everywhere
  // Requires >= 1 point, load fractions > 0 and strictly increasing, efficiencies in (0, 1];
  // throws std::invalid_argument otherwise (the catalog validates with located messages first).
  explicit EfficiencyCurve(std::vector<EfficiencyPoint> points);

  bool lossless() const { return points_.empty(); }
  const std::vector<EfficiencyPoint>& points() const { return points_; }

  double efficiency(double load_fraction) const;
  // Input power for a given output power at a rated output `rated_w` (> 0).
  double input_power_w(double output_w, double rated_w) const {
    if (points_.empty() || output_w == 0.0) return output_w;
    return output_w / efficiency(output_w / rated_w);
  }

 private:
  std::vector<EfficiencyPoint> points_;
};

}  // namespace wattsim::power
