#include "simcore/step_series.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "simcore/error.hpp"

using namespace wattsim::simcore;
using Catch::Matchers::Contains;

namespace {
SimTime h(double hours) { return SimTime::from_hours(hours); }

// times 0 h, 1 h, 3 h; values 100, 200, 50; ends at 4 h.
StepSeries example() { return StepSeries({h(0), h(1), h(3)}, {100.0, 200.0, 50.0}, h(4), "example"); }
}  // namespace

TEST_CASE("value_at and next_change_after follow the steps", "[simcore][step_series]") {
  const StepSeries s = example();
  CHECK(s.value_at(h(0)) == 100.0);
  CHECK(s.value_at(h(1) - SimTime::from_us(1)) == 100.0);
  CHECK(s.value_at(h(1)) == 200.0);  // a breakpoint belongs to the segment it starts
  CHECK(s.value_at(h(3.99)) == 50.0);
  CHECK(s.next_change_after(h(0)) == h(1));
  CHECK(s.next_change_after(h(1)) == h(3));
  CHECK(s.next_change_after(h(3.5)) == h(4));
  CHECK(StepSeries::constant(5.0).next_change_after(h(100)) == SimTime::max());
  CHECK_THROWS_AS(s.value_at(h(4)), std::out_of_range);
  CHECK_THROWS_AS(s.value_at(h(-1)), std::out_of_range);
}

TEST_CASE("integrals equal hand values", "[simcore][step_series]") {
  const StepSeries s = example();
  // Whole domain: 1 h x 100 + 2 h x 200 + 1 h x 50 = 550 value-hours.
  CHECK(s.integral(h(0), h(4)) == Approx(550.0 * 3600).epsilon(1e-15));
  // Starts and ends mid-segment: 0.5 x 100 + 2 x 200 + 0.5 x 50 = 475 value-hours.
  CHECK(s.integral(h(0.5), h(3.5)) == Approx(475.0 * 3600).epsilon(1e-15));
  // Inside one segment.
  CHECK(s.integral(h(1.25), h(1.75)) == Approx(100.0 * 3600).epsilon(1e-15));
  // Exactly one segment, boundaries on breakpoints.
  CHECK(s.integral(h(1), h(3)) == Approx(400.0 * 3600).epsilon(1e-15));
  // Empty spans.
  CHECK(s.integral(h(2), h(2)) == 0.0);
  CHECK(s.integral(h(4), h(4)) == 0.0);
  // One microsecond.
  CHECK(s.integral(h(1), h(1) + SimTime::from_us(1)) == Approx(200e-6).epsilon(1e-15));
  CHECK_THROWS_AS(s.integral(h(3), h(2)), std::invalid_argument);
  CHECK_THROWS_AS(s.integral(h(3), h(5)), std::out_of_range);
}

TEST_CASE("integral of a product equals hand values", "[simcore][step_series]") {
  const StepSeries power = example();  // W
  // Carbon intensity with breakpoints that interleave: 0.4 on [0, 2 h), 0.1 on [2 h, 6 h).
  const StepSeries k({h(0), h(2)}, {0.4, 0.1}, h(6), "intensity");
  // [0,1): 100*0.4; [1,2): 200*0.4; [2,3): 200*0.1; [3,4): 50*0.1 -> 40+80+20+5 = 145 per hour.
  CHECK(integral_of_product(power, k, h(0), h(4)) == Approx(145.0 * 3600).epsilon(1e-15));
  // Mid-segment span [0.5 h, 2.5 h]: 0.5*40 + 80 + 0.5*20 = 110.
  CHECK(integral_of_product(power, k, h(0.5), h(2.5)) == Approx(110.0 * 3600).epsilon(1e-15));
  CHECK(integral_of_product(power, k, h(2), h(2)) == 0.0);
  // Symmetric in its arguments.
  CHECK(integral_of_product(k, power, h(0.5), h(2.5)) == integral_of_product(power, k, h(0.5), h(2.5)));
  // A product with the constant 1 is the plain integral.
  const StepSeries one = StepSeries::constant(1.0, h(0));
  CHECK(integral_of_product(power, one, h(0.5), h(3.5)) == power.integral(h(0.5), h(3.5)));
  // Outside one of the domains.
  CHECK_THROWS_AS(integral_of_product(power, k, h(0), h(5)), std::out_of_range);
}

TEST_CASE("bad input is rejected with a clear message", "[simcore][step_series]") {
  CHECK_THROWS_WITH(StepSeries({h(0), h(2), h(1)}, {1, 2, 3}, SimTime::max(), "price"),
                    Contains("price") && Contains("point 2") && Contains("strictly increasing"));
  CHECK_THROWS_WITH(StepSeries({h(0), h(0)}, {1, 2}), Contains("strictly increasing"));
  CHECK_THROWS_WITH(StepSeries({h(0), h(1)}, {1, std::numeric_limits<double>::quiet_NaN()}),
                    Contains("point 1") && Contains("finite"));
  CHECK_THROWS_WITH(StepSeries({h(0)}, {std::numeric_limits<double>::infinity()}), Contains("finite"));
  CHECK_THROWS_WITH(StepSeries({h(0), h(1)}, {1.0}), Contains("2 breakpoints but 1 values"));
  CHECK_THROWS_WITH(StepSeries({}, {}), Contains("no points"));
  CHECK_THROWS_WITH(StepSeries({h(0), h(1)}, {1, 2}, h(1)), Contains("not after the last point"));
  CHECK_THROWS_AS(StepSeries({h(0), h(2), h(1)}, {1, 2, 3}), InputError);
}

TEST_CASE("a streamed-in series equals the one built from vectors", "[simcore][step_series]") {
  StepSeriesBuilder b("streamed");
  b.append(h(0), 100);
  b.append(h(1), 200);
  b.append(h(2), 200);  // same value: merged into the previous segment
  b.append(h(3), 50);
  CHECK_THROWS_AS(b.append(h(3), 60), InputError);  // the builder keeps its state after a bad row
  const StepSeries s = b.finish(h(4));
  CHECK(s.size() == 3);
  CHECK(s.times() == example().times());
  CHECK(s.values() == example().values());
  CHECK(s.integral(h(0), h(4)) == example().integral(h(0), h(4)));
  CHECK(s.name() == "streamed");
}

TEST_CASE("a cursor walks forward giving values and running integrals", "[simcore][step_series]") {
  const StepSeries s = example();
  StepCursor c(s);
  CHECK(c.value_at(h(0)) == 100.0);
  CHECK(c.integral_to(h(0)) == 0.0);
  CHECK(c.integral_to(h(0.5)) == Approx(50.0 * 3600).epsilon(1e-15));
  CHECK(c.value_at(h(1)) == 200.0);
  CHECK(c.integral_to(h(3.5)) == Approx(475.0 * 3600 + 50.0 * 3600).epsilon(1e-15));  // 100 + 400 + 25
  CHECK(c.integral_to(h(3.5)) - StepCursor(s).integral_to(h(0.5)) == Approx(s.integral(h(0.5), h(3.5))).epsilon(1e-14));
  CHECK_THROWS_AS(c.value_at(h(1)), std::out_of_range);  // backwards past a breakpoint it left
  CHECK_THROWS_AS(c.value_at(h(4)), std::out_of_range);  // at the end: no value ...
  CHECK(c.integral_to(h(4)) == Approx(550.0 * 3600).epsilon(1e-15));  // ... but the integral up to it
  CHECK_THROWS_AS(c.integral_to(h(4) + SimTime::from_us(1)), std::out_of_range);
}

TEST_CASE("series can be shifted in time", "[simcore][step_series]") {
  const StepSeries s = example();  // 0-4 h
  const StepSeries later = shift_series(s, h(10));
  CHECK(later.start() == h(10));
  CHECK(later.end() == h(14));
  CHECK(later.value_at(h(12)) == 200.0);
  CHECK(later.integral(h(10), h(14)) == s.integral(h(0), h(4)));
}

TEST_CASE("a periodic cursor repeats the series forever", "[simcore][step_series]") {
  const StepSeries s = example();  // 0-4 h: 100, 200 (1-3 h), 50; 550 value-hours a period
  StepCursor c(s, true);
  CHECK(c.value_at(h(0.5)) == 100.0);
  CHECK(c.next_change_after(h(3.5)) == h(4));
  CHECK(c.value_at(h(4)) == 100.0);  // the second period starts
  CHECK(c.value_at(h(5)) == 200.0);
  CHECK(c.next_change_after(h(5)) == h(7));
  CHECK(c.integral_to(h(9)) == Approx((550.0 * 2 + 100.0) * 3600).epsilon(1e-14));
  CHECK(c.value_at(h(4 * 1000 + 3.5)) == 50.0);  // far ahead: whole periods skipped
  CHECK(c.integral_to(h(4 * 1001)) == Approx(550.0 * 1001 * 3600).epsilon(1e-12));
  CHECK_THROWS_AS(StepCursor(StepSeries::constant(1.0), true), std::invalid_argument);
  StepCursor once(s);
  CHECK_THROWS_AS(once.value_at(h(5)), std::out_of_range);
}
