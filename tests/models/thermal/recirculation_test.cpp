#include "models/thermal/recirculation.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "simcore/error.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using simcore::SimTime;
using thermal::Containment;
using thermal::RackThermal;
using thermal::RoomLayout;
using thermal::Violation;

namespace {

struct Event {
  bool start;  // false: end
  Violation v;
};

struct RecordingListener : thermal::ViolationListener {
  std::vector<Event> events;
  int starts = 0, ends = 0;
  void on_violation_start(const Violation& v) override {
    ++starts;
    events.push_back({true, v});
  }
  void on_violation_end(const Violation& v) override {
    ++ends;
    events.push_back({false, v});
  }
};

std::optional<simcore::InputError> validation_error(const Eigen::MatrixXd& d, std::size_t racks,
                                                    const std::string& where) {
  try {
    thermal::validate_matrix(d, racks, where);
  } catch (const simcore::InputError& e) {
    return e;
  }
  return std::nullopt;
}

RoomLayout room(std::size_t racks_per_row, Containment containment = Containment::kNone) {
  RoomLayout l;
  l.racks_per_row = racks_per_row;
  l.containment = containment;
  return l;
}

}  // namespace

TEST_CASE("layout matrix entries match the formula by hand for two rows of three racks", "[thermal]") {
  // Racks 0 1 2 in row 0, racks 3 4 5 in row 1, facing across hot aisle 0; racks 0 2 3 5 are
  // row ends (x 1.5), racks 1 and 4 are not. c = 0.05 K/kW without containment.
  const Eigen::MatrixXd d = thermal::layout_matrix(room(3), 6);
  REQUIRE(d.rows() == 6);
  REQUIRE(d.cols() == 6);
  const double e1 = std::exp(-1.0), e2 = std::exp(-2.0);
  CHECK(d(0, 0) == Approx(1.5 * 0.05));             // end rack, itself: 0.075
  CHECK(d(0, 1) == Approx(1.5 * 0.05 * e1));        // end rack, neighbour
  CHECK(d(0, 2) == Approx(1.5 * 0.05 * e2));        // end rack, two positions away
  CHECK(d(1, 0) == Approx(0.05 * e1));              // middle rack: no end factor
  CHECK(d(1, 1) == Approx(0.05));                   // middle rack, itself
  CHECK(d(1, 4) == Approx(0.5 * 0.05));             // facing rack at the same position: 0.025
  CHECK(d(0, 4) == Approx(1.5 * 0.5 * 0.05 * e1));  // end rack, facing row, one position off
  CHECK(d(4, 0) == Approx(0.5 * 0.05 * e1));        // the reverse: no end factor, so D is not symmetric
  CHECK(d(5, 3) == Approx(1.5 * 0.05 * e2));        // row 1 is a row like row 0
  CHECK(d(3, 2) == Approx(1.5 * 0.5 * 0.05 * e2));  // across the aisle, far end
  CHECK(d(2, 2) == Approx(d(0, 0)));                // both ends of a row carry the factor
}

TEST_CASE("layout matrix is zero between rows of different hot aisles and ends short rows", "[thermal]") {
  // Two racks per row, seven racks: rows 0 (racks 0 1) and 1 (2 3) share aisle 0, rows 2 (4 5)
  // and 3 (rack 6 alone, a short row) share aisle 1. Every rack is a row end.
  const Eigen::MatrixXd d = thermal::layout_matrix(room(2), 7);
  REQUIRE(d.rows() == 7);
  const double e1 = std::exp(-1.0);
  for (int i = 0; i < 4; ++i) {
    for (int j = 4; j < 7; ++j) {
      CHECK(d(i, j) == 0.0);
      CHECK(d(j, i) == 0.0);
    }
  }
  CHECK(d(2, 1) == Approx(1.5 * 0.5 * 0.05 * e1));  // rows 1 and 0 do face each other
  CHECK(d(4, 6) == Approx(1.5 * 0.5 * 0.05));       // rows 2 and 3 face each other: 0.0375
  CHECK(d(6, 5) == Approx(1.5 * 0.5 * 0.05 * e1));  // rack 6 vs rack 5 (position 1)
  CHECK(d(6, 6) == Approx(1.5 * 0.05));             // a one-rack row: the factor once, not twice

  // Four per row, seven racks: row 1 is racks 4 5 6; rack 6 ends it although at position 2.
  const Eigen::MatrixXd s = thermal::layout_matrix(room(4), 7);
  CHECK(s(5, 5) == Approx(0.05));
  CHECK(s(6, 6) == Approx(1.5 * 0.05));
  CHECK(s(2, 2) == Approx(0.05));  // position 2 in a full row of four is not an end
  CHECK(s(3, 3) == Approx(1.5 * 0.05));
}

TEST_CASE("layout matrix scales with containment", "[thermal]") {
  const Eigen::MatrixXd none = thermal::layout_matrix(room(3), 6);
  const Eigen::MatrixXd partial = thermal::layout_matrix(room(3, Containment::kPartial), 6);
  const Eigen::MatrixXd full = thermal::layout_matrix(room(3, Containment::kFull), 6);
  CHECK(full(0, 0) == Approx(1.5 * 0.005));
  CHECK(partial(1, 1) == Approx(0.02));
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) {
      CHECK(full(i, j) == Approx(0.1 * none(i, j)));     // 0.005 / 0.05
      CHECK(partial(i, j) == Approx(0.4 * none(i, j)));  // 0.02 / 0.05
    }
  }
}

TEST_CASE("layout matrix rejects zero racks per row and accepts an empty room", "[thermal]") {
  try {
    (void)thermal::layout_matrix(room(0), 4);
    FAIL("racks_per_row = 0 was accepted");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == "room.racks_per_row");
    CHECK_THAT(e.diagnostics()[0].message, Contains("expected >= 1"));
  }
  const Eigen::MatrixXd d = thermal::layout_matrix(room(4), 0);
  CHECK(d.rows() == 0);
  CHECK(d.cols() == 0);
}

TEST_CASE("a rack's power raises every inlet by its column of the matrix", "[thermal]") {
  Eigen::MatrixXd d(2, 2);
  d << 0.1, 0.05,  //
      0.02, 0.1;
  RackThermal t(d, 22.0, {100.0, 100.0});
  CHECK(t.inlet_c(0) == 22.0);
  CHECK(t.inlet_c(1) == 22.0);
  CHECK(t.peak_inlet_c() == 22.0);
  t.set_power(SimTime::zero(), 1, 20e3);
  CHECK(t.inlet_c(0) == Approx(22.0 + 0.05 * 20));  // D[0][1] x 20 kW = 1 K
  CHECK(t.inlet_c(1) == Approx(22.0 + 0.1 * 20));   // D[1][1] x 20 kW = 2 K
  CHECK(t.power_w(1) == 20e3);
  CHECK(t.peak_inlet_c() == Approx(24.0));
  t.set_power(SimTime::seconds(1), 1, 0.0);
  CHECK(t.inlet_c(0) == Approx(22.0));
  CHECK(t.inlet_c(1) == Approx(22.0));
  CHECK(t.peak_inlet_c() == Approx(24.0));  // the peak is remembered
}

TEST_CASE("a mirror-symmetric room and load give mirror-symmetric inlets", "[thermal]") {
  SECTION("one row from layout_matrix") {
    // In one row, D[i][j] == D[n-1-i][n-1-j]: same distances, ends at both sides.
    const std::size_t n = 7;
    RackThermal t(thermal::layout_matrix(room(n), n), 18.0, std::vector<double>(n, 100.0));
    const std::vector<double> load_w = {40e3, 5e3, 22e3, 31e3, 22e3, 5e3, 40e3};
    // Set in an order that is not itself symmetric, so rounding differs between mirrors.
    for (std::uint32_t r : {3u, 0u, 5u, 2u, 6u, 1u, 4u}) t.set_power(SimTime::zero(), r, load_w[r]);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(std::abs(t.inlet_c(static_cast<std::uint32_t>(i)) - t.inlet_c(static_cast<std::uint32_t>(n - 1 - i))) <=
            1e-12);
    }
    CHECK(t.inlet_c(0) > t.inlet_c(1));  // a real asymmetry between neighbours: the check is not vacuous
  }
  SECTION("a hand-made symmetric, centrosymmetric matrix") {
    Eigen::MatrixXd d(4, 4);
    d << 0.10, 0.04, 0.02, 0.01,  //
        0.04, 0.08, 0.03, 0.02,   //
        0.02, 0.03, 0.08, 0.04,   //
        0.01, 0.02, 0.04, 0.10;
    RackThermal t(d, 20.0, std::vector<double>(4, 100.0));
    t.set_power(SimTime::zero(), 2, 12e3);
    t.set_power(SimTime::zero(), 0, 30e3);
    t.set_power(SimTime::zero(), 3, 30e3);
    t.set_power(SimTime::zero(), 1, 12e3);
    // inlet0 = 20 + 0.10*30 + 0.04*12 + 0.02*12 + 0.01*30 = 20 + 3 + 0.48 + 0.24 + 0.3 = 24.02
    // inlet1 = 20 + 0.04*30 + 0.08*12 + 0.03*12 + 0.02*30 = 20 + 1.2 + 0.96 + 0.36 + 0.6 = 23.12
    CHECK(t.inlet_c(0) == Approx(24.02).margin(1e-12));
    CHECK(t.inlet_c(1) == Approx(23.12).margin(1e-12));
    CHECK(std::abs(t.inlet_c(0) - t.inlet_c(3)) <= 1e-12);
    CHECK(std::abs(t.inlet_c(1) - t.inlet_c(2)) <= 1e-12);
  }
}

TEST_CASE("incremental inlets equal the full product after 100000 random changes", "[thermal]") {
  // 64 racks in 8 rows of 8, no containment: with loads up to 60 kW some inlets cross 27 C, so
  // the violation bookkeeping is exercised too.
  const std::size_t n = 64;
  const double limit_c = 27.0;
  RackThermal t(thermal::layout_matrix(room(8), n), 18.0, std::vector<double>(n, limit_c));
  RecordingListener listener;
  t.set_listener(&listener);
  std::mt19937_64 rng(20240611);
  std::uniform_int_distribution<std::uint32_t> pick_rack(0, static_cast<std::uint32_t>(n - 1));
  std::uniform_real_distribution<double> pick_power_w(0.0, 60e3);
  double max_seen_c = 18.0;
  for (int k = 0; k < 100'000; ++k) {
    t.set_power(SimTime::seconds(k), pick_rack(rng), pick_power_w(rng));
    for (double x : t.inlets_c()) max_seen_c = std::max(max_seen_c, x);
  }
  const std::vector<double> exact = t.inlets_from_scratch();
  REQUIRE(exact.size() == n);
  double worst_error_c = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    worst_error_c = std::max(worst_error_c, std::abs(t.inlets_c()[i] - exact[i]));
  }
  CHECK(worst_error_c <= 1e-9);
  CHECK(t.peak_inlet_c() == max_seen_c);

  // Each rack is in violation now exactly when its inlet is above the limit.
  std::vector<int> open(n, 0);
  for (const Event& e : listener.events) open[e.v.rack] += e.start ? 1 : -1;
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(open[i] == (t.inlet_c(static_cast<std::uint32_t>(i)) > limit_c ? 1 : 0));
  }
  REQUIRE(!t.violations().empty());
  for (const Violation& v : t.violations()) {
    CHECK(v.start < v.end);
    CHECK(v.peak_c > v.limit_c);
    CHECK(v.limit_c == limit_c);
  }
}

TEST_CASE("a violation opens above the limit, tracks its peak and closes at or below it", "[thermal]") {
  // Supply 22 C, limit 27 C; D[0][0] = 0.1, D[0][1] = 0.05, D[1][0] = 0.02, D[1][1] = 0.1 K/kW.
  Eigen::MatrixXd d(2, 2);
  d << 0.1, 0.05,  //
      0.02, 0.1;
  RackThermal t(d, 22.0, {27.0, 27.0});
  RecordingListener listener;
  t.set_listener(&listener);

  t.set_power(SimTime::zero(), 0, 30e3);  // inlet0 = 22 + 3 = 25, inlet1 = 22 + 0.6 = 22.6
  CHECK(listener.starts == 0);
  t.set_power(SimTime::seconds(10), 0, 60e3);  // inlet0 = 22 + 6 = 28 > 27: opens
  CHECK(t.inlet_c(0) == Approx(28.0));
  REQUIRE(listener.starts == 1);
  CHECK(listener.events[0].v.rack == 0);
  CHECK(listener.events[0].v.start == SimTime::seconds(10));
  CHECK(listener.events[0].v.end == SimTime::max());
  CHECK(listener.events[0].v.peak_c == Approx(28.0));
  CHECK(listener.events[0].v.limit_c == 27.0);
  CHECK(t.violations().empty());  // open violations are not in the record yet

  t.set_power(SimTime::seconds(20), 1, 20e3);  // inlet0 = 28 + 0.05*20 = 29 (peak), inlet1 = 23.2 + 2 = 25.2
  CHECK(t.inlet_c(0) == Approx(29.0));
  CHECK(t.inlet_c(1) == Approx(25.2));
  CHECK(listener.starts == 1);
  CHECK(t.violation_s(SimTime::seconds(25)) == Approx(15.0));  // open since 10 s

  t.set_power(SimTime::seconds(30), 0, 30e3);  // inlet0 = 22 + 3 + 1 = 26 <= 27: closes
  CHECK(t.inlet_c(0) == Approx(26.0));
  REQUIRE(listener.ends == 1);
  REQUIRE(t.violations().size() == 1);
  const Violation& v = t.violations()[0];
  CHECK(v.rack == 0);
  CHECK(v.start == SimTime::seconds(10));
  CHECK(v.end == SimTime::seconds(30));
  CHECK(v.peak_c == Approx(29.0));
  CHECK(v.limit_c == 27.0);
  CHECK(listener.events[1].v.end == SimTime::seconds(30));
  CHECK(listener.events[1].v.peak_c == Approx(29.0));
  CHECK(t.violation_s(SimTime::seconds(30)) == Approx(20.0));
  CHECK(t.violation_s(SimTime::seconds(1000)) == Approx(20.0));  // closed: no longer grows

  // Rack 1 to 80 kW at 40 s: inlet1 = 24.6 + 0.1*60 = 30.6, inlet0 = 26 + 0.05*60 = 29; both open.
  t.set_power(SimTime::seconds(40), 1, 80e3);
  CHECK(listener.starts == 3);
  CHECK(t.peak_inlet_c() == Approx(30.6));
  CHECK(t.violation_s(SimTime::seconds(50)) == Approx(20.0 + 10.0 + 10.0));

  t.finish(SimTime::seconds(60));
  CHECK(listener.ends == 3);
  REQUIRE(t.violations().size() == 3);
  CHECK(t.violations()[1].rack == 0);  // finish closes in rack order
  CHECK(t.violations()[1].start == SimTime::seconds(40));
  CHECK(t.violations()[1].end == SimTime::seconds(60));
  CHECK(t.violations()[1].peak_c == Approx(29.0));
  CHECK(t.violations()[2].rack == 1);
  CHECK(t.violations()[2].end == SimTime::seconds(60));
  CHECK(t.violations()[2].peak_c == Approx(30.6));
  CHECK(t.violation_s(SimTime::seconds(60)) == Approx(60.0));
  CHECK(t.violation_s(SimTime::seconds(99)) == Approx(60.0));  // nothing left open
}

TEST_CASE("an inlet exactly at the limit is not a violation", "[thermal]") {
  // D = 0.5 K/kW: 10 kW gives exactly 22 + 5 = 27 C, 12 kW gives 28 C (all exact in binary).
  RackThermal t(Eigen::MatrixXd::Constant(1, 1, 0.5), 22.0, {27.0});
  RecordingListener listener;
  t.set_listener(&listener);
  t.set_power(SimTime::seconds(1), 0, 10e3);
  CHECK(t.inlet_c(0) == 27.0);
  CHECK(listener.starts == 0);
  t.set_power(SimTime::seconds(2), 0, 12e3);
  CHECK(listener.starts == 1);
  t.set_power(SimTime::seconds(3), 0, 10e3);  // back to exactly 27: closes
  CHECK(t.inlet_c(0) == 27.0);
  CHECK(listener.ends == 1);
  REQUIRE(t.violations().size() == 1);
  CHECK(t.violations()[0].end == SimTime::seconds(3));
  CHECK(t.violation_s(SimTime::seconds(9)) == Approx(1.0));
}

TEST_CASE("zero-duration violations are reported to the listener but not recorded", "[thermal]") {
  RackThermal t(Eigen::MatrixXd::Constant(1, 1, 0.5), 22.0, {27.0});
  RecordingListener listener;
  t.set_listener(&listener);
  // Two changes at one instant: up past the limit, back below it.
  t.set_power(SimTime::seconds(5), 0, 12e3);
  t.set_power(SimTime::seconds(5), 0, 8e3);
  CHECK(listener.starts == 1);
  CHECK(listener.ends == 1);
  CHECK(t.violations().empty());
  CHECK(t.violation_s(SimTime::seconds(100)) == 0.0);

  // finish() at the instant a violation opened follows the same rule.
  t.set_power(SimTime::seconds(7), 0, 12e3);
  t.finish(SimTime::seconds(7));
  CHECK(listener.starts == 2);
  CHECK(listener.ends == 2);
  CHECK(listener.events.back().v.end == SimTime::seconds(7));
  CHECK(t.violations().empty());
  CHECK(t.violation_s(SimTime::seconds(100)) == 0.0);
}

TEST_CASE("the constructor rejects a matrix that does not match the limits", "[thermal]") {
  // Braced lists inside the macros need the extra parentheses.
  CHECK_THROWS_AS((RackThermal(Eigen::MatrixXd::Zero(2, 2), 20.0, {27.0, 27.0, 27.0})), std::invalid_argument);
  CHECK_THROWS_AS((RackThermal(Eigen::MatrixXd::Zero(2, 3), 20.0, {27.0, 27.0})), std::invalid_argument);
  CHECK_NOTHROW((RackThermal(Eigen::MatrixXd::Zero(3, 3), 20.0, {27.0, 27.0, 27.0})));
}

TEST_CASE("validate_matrix names the wrong shape or the first bad entry", "[thermal]") {
  const std::string where = "room.recirculation_k_per_kw";
  CHECK_FALSE(validation_error(thermal::layout_matrix(room(2), 4), 4, where).has_value());

  SECTION("wrong shape") {
    const auto e = validation_error(Eigen::MatrixXd::Zero(3, 4), 4, where);
    REQUIRE(e);
    REQUIRE(e->diagnostics().size() == 1);
    CHECK(e->diagnostics()[0].where == where);
    CHECK(e->diagnostics()[0].message == "is 3 x 4; expected 4 x 4, one row and column per rack");
    CHECK_THAT(std::string(e->what()), Contains(where) && Contains("3 x 4"));
    CHECK(validation_error(Eigen::MatrixXd::Zero(4, 4), 3, where).has_value());  // square but the wrong size
  }
  SECTION("negative entry") {
    Eigen::MatrixXd d = Eigen::MatrixXd::Constant(4, 4, 0.01);
    d(1, 2) = -0.1;
    const auto e = validation_error(d, 4, where);
    REQUIRE(e);
    REQUIRE(e->diagnostics().size() == 1);
    CHECK(e->diagnostics()[0].where == where + "[1][2]");
    CHECK(e->diagnostics()[0].message == "is -0.1; expected a finite value >= 0 K/kW");
    CHECK_THAT(std::string(e->what()), Contains(where + "[1][2]"));
  }
  SECTION("NaN and infinity") {
    Eigen::MatrixXd d = Eigen::MatrixXd::Constant(4, 4, 0.01);
    d(2, 0) = std::numeric_limits<double>::quiet_NaN();
    auto e = validation_error(d, 4, where);
    REQUIRE(e);
    CHECK(e->diagnostics()[0].where == where + "[2][0]");
    CHECK_THAT(e->diagnostics()[0].message, Contains("nan") && Contains("finite"));
    d(2, 0) = 0.01;
    d(3, 3) = std::numeric_limits<double>::infinity();
    e = validation_error(d, 4, where);
    REQUIRE(e);
    CHECK(e->diagnostics()[0].where == where + "[3][3]");
  }
  SECTION("the first bad entry, row by row") {
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(4, 4);
    d(2, 1) = std::numeric_limits<double>::quiet_NaN();
    d(0, 3) = -1.0;
    const auto e = validation_error(d, 4, where);
    REQUIRE(e);
    CHECK(e->diagnostics()[0].where == where + "[0][3]");
  }
}
