#include "models/power/efficiency_curve.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace wattsim::power {

EfficiencyCurve::EfficiencyCurve(std::vector<EfficiencyPoint> points) : points_(std::move(points)) {
  if (points_.empty()) throw std::invalid_argument("efficiency curve: no points");
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const auto& p = points_[i];
    if (!(p.load_fraction > 0.0) || !std::isfinite(p.load_fraction)) {
      throw std::invalid_argument("efficiency curve: point " + std::to_string(i) + " has load fraction " +
                                  std::to_string(p.load_fraction) + "; expected > 0");
    }
    if (!(p.efficiency > 0.0 && p.efficiency <= 1.0)) {
      throw std::invalid_argument("efficiency curve: point " + std::to_string(i) + " has efficiency " +
                                  std::to_string(p.efficiency) + "; expected in (0, 1]");
    }
    if (i > 0 && !(p.load_fraction > points_[i - 1].load_fraction)) {
      throw std::invalid_argument("efficiency curve: load fractions must increase strictly (point " +
                                  std::to_string(i) + ")");
    }
  }
}

double EfficiencyCurve::efficiency(double x) const {
  if (points_.empty()) return 1.0;
  if (x <= points_.front().load_fraction) return points_.front().efficiency;
  if (x >= points_.back().load_fraction) return points_.back().efficiency;
  // Few points (<= 10): a linear scan beats a binary search.
  std::size_t i = 1;
  while (points_[i].load_fraction < x) ++i;
  const auto& a = points_[i - 1];
  const auto& b = points_[i];
  return a.efficiency + (x - a.load_fraction) / (b.load_fraction - a.load_fraction) * (b.efficiency - a.efficiency);
}

}  // namespace wattsim::power
