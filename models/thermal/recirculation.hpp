#pragma once
// Rack inlet temperatures from a heat-recirculation matrix (DESIGN.md §4):
//   T_in = T_supply + D x P_rack,   D in K per kW (D[i][j]: inlet rise of rack i per kW of rack j)
// kept incrementally: a change of rack r's power by delta adds D[:, r] x delta to every inlet,
// O(racks) per change, never a full product.
//
// Redline: a rack whose inlet is above its limit is in violation from the instant it rises
// above to the instant it falls back to or below the limit; each violation is recorded (rack,
// start, end, peak inlet) and reported to a listener (the world forwards it to policies).

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "simcore/time.hpp"

namespace wattsim::thermal {

enum class Containment { kNone, kPartial, kFull };

// A room of rows of racks: racks numbered row by row (rack r is in row r / racks_per_row at
// position r % racks_per_row; the last row may be short). Rows 2k and 2k+1 face each other
// across one hot aisle.
struct RoomLayout {
  std::size_t racks_per_row = 8;
  Containment containment = Containment::kNone;
};

// The generated matrix (an estimate of the shape published recirculation matrices have, not a
// CFD result; docs/scenarios.md gives the numbers):
//   D[i][j] = c x exp(-|pos_i - pos_j| / 1.0)            same row
//           = 0.5 x c x exp(-|pos_i - pos_j| / 1.0)      the row across the same hot aisle
//           = 0                                           other rows
//   times 1.5 for a rack i at either end of its row (hot air wraps around row ends),
//   c = 0.05 (none), 0.02 (partial), 0.005 (full containment) K/kW.
Eigen::MatrixXd layout_matrix(const RoomLayout& layout, std::size_t racks);

// Throws simcore::InputError(where, ...) unless d is racks x racks, finite and >= 0, naming
// the shape found or the first bad entry as where + "[i][j]".
void validate_matrix(const Eigen::MatrixXd& d, std::size_t racks, const std::string& where);

struct Violation {
  std::uint32_t rack = 0;
  simcore::SimTime start, end;  // end == SimTime::max() while open
  double peak_c = 0.0;
  double limit_c = 0.0;
};

class ViolationListener {
 public:
  virtual ~ViolationListener() = default;
  virtual void on_violation_start(const Violation& v) = 0;
  virtual void on_violation_end(const Violation& v) = 0;
};

class RackThermal {
 public:
  // d: racks x racks in K/kW (validated by the caller); limits_c: one per rack.
  RackThermal(Eigen::MatrixXd d_k_per_kw, double supply_c, std::vector<double> limits_c);

  std::size_t racks() const { return power_w_.size(); }
  // Sets rack r's power at `now` (times must not decrease); updates every inlet in O(racks)
  // and opens/closes violations.
  void set_power(simcore::SimTime now, std::uint32_t rack, double power_w);
  double power_w(std::uint32_t rack) const { return power_w_[rack]; }
  double inlet_c(std::uint32_t rack) const { return inlet_c_[rack]; }
  const std::vector<double>& inlets_c() const { return inlet_c_; }
  double supply_c() const { return supply_c_; }
  const Eigen::MatrixXd& matrix() const { return d_; }
  // The full product T_supply + D x P (for tests and for interval averages of the inlets).
  std::vector<double> inlets_from_scratch() const;
  // The highest inlet temperature at any instant so far.
  double peak_inlet_c() const { return peak_c_; }
  // Closes open violations at `end`; call once at the end of the run.
  void finish(simcore::SimTime end);
  const std::vector<Violation>& violations() const { return closed_; }  // in order of ending
  // Rack-seconds above the limit: closed violations, plus open ones up to `now`.
  double violation_s(simcore::SimTime now) const;
  void set_listener(ViolationListener* listener) { listener_ = listener; }

 private:
  Eigen::MatrixXd d_;
  double supply_c_;
  std::vector<double> limits_c_;
  std::vector<double> power_w_, inlet_c_;
  std::vector<Violation> open_;     // per rack; start == SimTime::max() when none
  std::vector<Violation> closed_;
  double peak_c_;
  ViolationListener* listener_ = nullptr;
};

}  // namespace wattsim::thermal
