#include "models/thermal/recirculation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "simcore/assert.hpp"
#include "simcore/error.hpp"

namespace wattsim::thermal {

namespace {

// "0.05", "-0.1", "nan", "inf": for messages.
std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

double recirculation_scale_k_per_kw(Containment containment) {
  switch (containment) {
    case Containment::kNone:
      return 0.05;
    case Containment::kPartial:
      return 0.02;
    case Containment::kFull:
      return 0.005;
  }
  return 0.05;
}

// Weight of hot air from the row across the same hot aisle, relative to the rack's own row.
constexpr double kFacingRowWeight = 0.5;
// Racks at a row end draw more recirculated air: it wraps around the end of the row.
constexpr double kRowEndFactor = 1.5;
// Distance, in rack positions, over which recirculation falls by a factor of e.
constexpr double kDecayLengthRacks = 1.0;

}  // namespace

Eigen::MatrixXd layout_matrix(const RoomLayout& layout, std::size_t racks) {
  const std::size_t per_row = layout.racks_per_row;
  if (per_row < 1) {
    throw simcore::InputError("room.racks_per_row", "is " + std::to_string(per_row) + "; expected >= 1");
  }
  const double c = recirculation_scale_k_per_kw(layout.containment);
  const auto n = static_cast<Eigen::Index>(racks);
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n, n);
  for (std::size_t i = 0; i < racks; ++i) {
    const std::size_t row_i = i / per_row, pos_i = i % per_row;
    // The last row may be short: its last rack is an end rack wherever it stands.
    const std::size_t row_length = std::min(per_row, racks - row_i * per_row);
    const bool row_end = pos_i == 0 || pos_i == row_length - 1;
    const double scale = c * (row_end ? kRowEndFactor : 1.0);
    for (std::size_t j = 0; j < racks; ++j) {
      const std::size_t row_j = j / per_row, pos_j = j % per_row;
      double weight;
      if (row_j == row_i) {
        weight = 1.0;
      } else if (row_j / 2 == row_i / 2) {  // rows 2k and 2k+1 share a hot aisle
        weight = kFacingRowWeight;
      } else {
        continue;
      }
      const double distance = std::abs(static_cast<double>(pos_i) - static_cast<double>(pos_j));
      d(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          scale * weight * std::exp(-distance / kDecayLengthRacks);
    }
  }
  return d;
}

void validate_matrix(const Eigen::MatrixXd& d, std::size_t racks, const std::string& where) {
  const auto n = static_cast<Eigen::Index>(racks);
  if (d.rows() != n || d.cols() != n) {
    throw simcore::InputError(where, "is " + std::to_string(d.rows()) + " x " + std::to_string(d.cols()) +
                                         "; expected " + std::to_string(racks) + " x " + std::to_string(racks) +
                                         ", one row and column per rack");
  }
  // Only the first bad entry, row by row: a matrix read from a wrong file can have a million,
  // and one names the problem as well as all of them.
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double x = d(i, j);
      if (!std::isfinite(x) || x < 0.0) {
        throw simcore::InputError(where + "[" + std::to_string(i) + "][" + std::to_string(j) + "]",
                                  "is " + format_number(x) + "; expected a finite value >= 0 K/kW");
      }
    }
  }
}

RackThermal::RackThermal(Eigen::MatrixXd d_k_per_kw, double supply_c, std::vector<double> limits_c)
    : d_(std::move(d_k_per_kw)), supply_c_(supply_c), limits_c_(std::move(limits_c)), peak_c_(supply_c) {
  const auto n = static_cast<Eigen::Index>(limits_c_.size());
  if (d_.rows() != n || d_.cols() != n) {
    throw std::invalid_argument("RackThermal: the matrix is " + std::to_string(d_.rows()) + " x " +
                                std::to_string(d_.cols()) + " for " + std::to_string(limits_c_.size()) +
                                " rack limits; expected one row and column per rack");
  }
  const std::size_t racks = limits_c_.size();
  power_w_.assign(racks, 0.0);
  inlet_c_.assign(racks, supply_c_);
  open_.resize(racks);
  for (std::size_t r = 0; r < racks; ++r) {
    open_[r].rack = static_cast<std::uint32_t>(r);
    open_[r].start = open_[r].end = simcore::SimTime::max();
    open_[r].limit_c = limits_c_[r];
  }
  // No time is known here: a supply already above a rack's limit opens that rack's violation
  // at the first set_power().
}

void RackThermal::set_power(simcore::SimTime now, std::uint32_t rack, double power_w) {
  WATTSIM_ASSERT(rack < racks() && std::isfinite(power_w), rack, racks(), power_w);
  const double delta_kw = (power_w - power_w_[rack]) / 1000.0;
  power_w_[rack] = power_w;
  const auto n = static_cast<Eigen::Index>(inlet_c_.size());
  // A column times a scalar added through a map: evaluated in place, no temporary.
  Eigen::Map<Eigen::VectorXd>(inlet_c_.data(), n) += d_.col(static_cast<Eigen::Index>(rack)) * delta_kw;

  // O(racks) per change, like the update above: a rack's power reaches every inlet through its
  // column of D, so every rack may cross its limit. The cost is that of the update itself.
  for (std::size_t i = 0; i < inlet_c_.size(); ++i) {
    const double inlet_c = inlet_c_[i];
    peak_c_ = std::max(peak_c_, inlet_c);
    Violation& v = open_[i];
    const bool is_open = v.start != simcore::SimTime::max();
    if (inlet_c > limits_c_[i]) {
      if (!is_open) {
        v.start = now;
        v.end = simcore::SimTime::max();
        v.peak_c = inlet_c;
        if (listener_ != nullptr) listener_->on_violation_start(v);
      } else {
        v.peak_c = std::max(v.peak_c, inlet_c);
      }
    } else if (is_open) {
      WATTSIM_ASSERT(now >= v.start, now.us(), v.start.us());
      v.end = now;
      // A violation that ends at the instant it began is an artefact of the order in which
      // simultaneous changes arrive (one rack rises before another falls), not time spent above
      // the limit: the listener, having heard of the start, hears of the end; the record keeps
      // it not (as the power tree does with capacity violations).
      if (v.start < now) closed_.push_back(v);
      if (listener_ != nullptr) listener_->on_violation_end(v);
      v.start = v.end = simcore::SimTime::max();
      v.peak_c = 0.0;
    }
  }
}

std::vector<double> RackThermal::inlets_from_scratch() const {
  Eigen::VectorXd power_kw(static_cast<Eigen::Index>(power_w_.size()));
  for (std::size_t r = 0; r < power_w_.size(); ++r) power_kw(static_cast<Eigen::Index>(r)) = power_w_[r] / 1000.0;
  const Eigen::VectorXd inlet_c = (d_ * power_kw).array() + supply_c_;
  return std::vector<double>(inlet_c.data(), inlet_c.data() + inlet_c.size());
}

void RackThermal::finish(simcore::SimTime end) {
  for (Violation& v : open_) {
    if (v.start == simcore::SimTime::max()) continue;
    WATTSIM_ASSERT(end >= v.start, end.us(), v.start.us());
    v.end = end;
    // Same rule as in set_power(): a violation of zero duration is heard of but not recorded.
    if (v.start < end) closed_.push_back(v);
    if (listener_ != nullptr) listener_->on_violation_end(v);
    v.start = v.end = simcore::SimTime::max();
    v.peak_c = 0.0;
  }
}

double RackThermal::violation_s(simcore::SimTime now) const {
  double total_s = 0.0;
  for (const Violation& v : closed_) total_s += (v.end - v.start).to_seconds();
  for (const Violation& v : open_) {
    if (v.start != simcore::SimTime::max()) total_s += (now - v.start).to_seconds();
  }
  return total_s;
}

}  // namespace wattsim::thermal
