#include "models/power/accelerator.hpp"

#include <catch2/catch.hpp>
#include <limits>

#include "tests/models/power/test_hardware.hpp"

using namespace wattsim;
using power::select_pstate;
using simcore::SimTime;

namespace {
constexpr double kNoCap = std::numeric_limits<double>::infinity();
}

TEST_CASE("accelerator power is linear in utilisation within a p-state", "[power][accelerator]") {
  const auto gpu = test::test_gpu();
  CHECK(power::accelerator_power_w(gpu.pstates[2], 0.0) == 70.0);
  CHECK(power::accelerator_power_w(gpu.pstates[2], 0.5) == 235.0);  // 70 + 0.5 * 330
  CHECK(power::accelerator_power_w(gpu.pstates[2], 1.0) == 400.0);
  CHECK(power::accelerator_power_w(gpu.pstates[1], 1.0) == 300.0);
  CHECK(power::accelerator_power_w(gpu.pstates[0], 0.25) == 87.5);  // 50 + 0.25 * 150
}

TEST_CASE("a power cap selects the highest p-state that fits", "[power][accelerator]") {
  const auto gpu = test::test_gpu();
  auto c = select_pstate(gpu, 1.0, kNoCap);
  CHECK(c.index == 2);
  CHECK(c.power_w == 400.0);
  CHECK(c.meets_cap);
  c = select_pstate(gpu, 1.0, 350.0);  // 400 > 350; 300 fits
  CHECK(c.index == 1);
  CHECK(c.power_w == 300.0);
  c = select_pstate(gpu, 1.0, 300.0);  // exactly at the cap fits
  CHECK(c.index == 1);
  c = select_pstate(gpu, 1.0, 250.0);
  CHECK(c.index == 0);
  CHECK(c.power_w == 200.0);
  c = select_pstate(gpu, 0.5, 250.0);  // lower utilisation: the top state fits (235 W)
  CHECK(c.index == 2);
  CHECK(c.power_w == 235.0);
}

TEST_CASE("a cap below the lowest state's power picks the lowest state and says the cap is not met",
          "[power][accelerator]") {
  const auto gpu = test::test_gpu();
  auto c = select_pstate(gpu, 1.0, 150.0);  // lowest state draws 200 W at full load
  CHECK(c.index == 0);
  CHECK(c.power_w == 200.0);
  CHECK_FALSE(c.meets_cap);
  c = select_pstate(gpu, 0.0, 30.0);  // below even the idle power of the lowest state
  CHECK(c.index == 0);
  CHECK(c.power_w == 50.0);
  CHECK_FALSE(c.meets_cap);
}

TEST_CASE("relative speed follows speed(f) = 1 / (beta f_nom / f + 1 - beta)", "[power][accelerator]") {
  CHECK(power::relative_speed(2.0e9, 2.0e9, 0.7) == 1.0);
  CHECK(power::relative_speed(1.0e9, 2.0e9, 0.0) == 1.0);   // memory-bound: frequency does not matter
  CHECK(power::relative_speed(1.0e9, 2.0e9, 1.0) == 0.5);   // compute-bound: time scales with 1/f
  CHECK(power::relative_speed(1.0e9, 2.0e9, 0.5) == Approx(1.0 / 1.5).epsilon(1e-15));
  CHECK(power::relative_speed(1.5e9, 2.0e9, 0.5) == Approx(1.0 / (0.5 * 4.0 / 3.0 + 0.5)).epsilon(1e-15));
}

TEST_CASE("a capped job runs longer by exactly the speed law", "[power][accelerator]") {
  // One hour of full-speed work on one accelerator capped to 250 W at full utilisation: the
  // 1000 MHz state (200 W). Uncapped it takes 3600 s at 400 W = 1.44 MJ.
  const auto gpu = test::test_gpu();
  const auto choice = select_pstate(gpu, 1.0, 250.0);
  REQUIRE(choice.index == 0);
  struct Case {
    double beta;
    std::int64_t runtime_s;
    double energy_j;
  };
  for (const Case& k : {Case{0.0, 3600, 720'000.0}, Case{0.5, 5400, 1'080'000.0}, Case{1.0, 7200, 1'440'000.0}}) {
    const double speed = power::relative_speed(gpu, choice.index, k.beta);
    const power::WorkProgress job(3600.0, SimTime::zero(), speed);
    const SimTime end = job.completion_time();
    CHECK(end == SimTime::seconds(k.runtime_s));
    CHECK(choice.power_w * end.to_seconds() == Approx(k.energy_j).epsilon(1e-12));
  }
}

TEST_CASE("work done is the integral of speed across rate changes", "[power][accelerator]") {
  power::WorkProgress job(3600.0, SimTime::zero(), 1.0);
  CHECK(job.completion_time() == SimTime::seconds(3600));
  job.set_rate(SimTime::seconds(1000), 0.5);  // 2600 s of work left, at half speed
  CHECK(job.remaining_at(SimTime::seconds(1000)) == 2600.0);
  CHECK(job.completion_time() == SimTime::seconds(6200));
  job.set_rate(SimTime::seconds(2000), 2.0);  // 2100 left, twice as fast (two accelerators)
  CHECK(job.remaining_at(SimTime::seconds(2000)) == 2100.0);
  CHECK(job.completion_time() == SimTime::seconds(3050));
  CHECK(job.remaining_at(SimTime::seconds(5000)) == 0.0);  // never negative
  CHECK_THROWS_AS(job.set_rate(SimTime::seconds(2100), 0.0), std::invalid_argument);
  CHECK_THROWS_AS(power::WorkProgress(-1.0, SimTime::zero(), 1.0), std::invalid_argument);
  // Work that would end past the last representable instant saturates instead of overflowing
  // (a trace's largest submit time plus its largest duration, slowed by a cap).
  const power::WorkProgress late(9e12, SimTime::from_seconds(8e12), 0.5);
  CHECK(late.completion_time() == SimTime::max());
  const power::WorkProgress fits(3600.0, SimTime::from_seconds(8e12), 0.5);
  CHECK(fits.completion_time() == SimTime::from_seconds(8e12) + SimTime::hours(2));
}

TEST_CASE("the worked example in accelerator.hpp holds for the catalog's H100", "[power][accelerator]") {
  // H100-SXM states from the catalog: 1755 MHz 115-559 W, 1980 MHz 120-700 W.
  power::AcceleratorSpec h100 = test::test_gpu();
  h100.pstates = {{1.755e9, 115.0, 559.0}, {1.98e9, 120.0, 700.0}};
  h100.tdp_w = 700.0;
  CHECK(select_pstate(h100, 0.8, kNoCap).power_w == Approx(584.0).epsilon(1e-15));
  const auto c = select_pstate(h100, 0.8, 500.0);
  CHECK(c.index == 0);
  CHECK(c.power_w == Approx(470.2).epsilon(1e-15));
  const double speed = power::relative_speed(1.755e9, 1.98e9, 0.5);
  CHECK(speed == Approx(0.93976).epsilon(1e-5));
  CHECK(c.power_w * 3600.0 / speed / 3600.0 == Approx(500.34).epsilon(1e-4));  // Wh for one hour of work
}

TEST_CASE("speed is relative to the nominal maximum frequency, not the highest p-state listed",
          "[power][accelerator]") {
  // TestGPU cut down to its two lower states; its nominal maximum stays 2000 MHz.
  power::AcceleratorSpec cut = test::test_gpu();
  cut.pstates.pop_back();
  cut.nominal_freq_hz = 2.0e9;
  CHECK(cut.speed_reference_hz() == 2.0e9);
  CHECK(power::relative_speed(cut, 1, 1.0) == 0.75);  // 1500 / 2000
  CHECK(power::relative_speed(cut, 1, 0.5) == Approx(1.0 / (0.5 * 2.0 / 1.5 + 0.5)).epsilon(1e-15));
  CHECK(power::relative_speed(cut, 1, 0.0) == 1.0);
  // Uncapped at u = 1 it runs in its top listed state (300 W) at speed 0.75: one hour of
  // full-speed work takes 4800 s and 1.44 MJ, the same energy as the full part at 400 W for
  // 3600 s when beta = 1. Relative to 1500 MHz it would take 3600 s and 1.08 MJ: a "saving"
  // the hardware cannot make.
  const auto choice = select_pstate(cut, 1.0, kNoCap);
  REQUIRE(choice.index == 1);
  const power::WorkProgress job(3600.0, SimTime::zero(), power::relative_speed(cut, choice.index, 1.0));
  CHECK(job.completion_time() == SimTime::seconds(4800));
  CHECK(choice.power_w * job.completion_time().to_seconds() == Approx(1.44e6).epsilon(1e-12));

  // Without a nominal frequency (0) the reference is the highest p-state's.
  power::AcceleratorSpec plain = test::test_gpu();
  CHECK(plain.nominal_freq_hz == 0.0);
  CHECK(plain.speed_reference_hz() == 2.0e9);
  CHECK(power::relative_speed(plain, 1, 1.0) == 0.75);
  CHECK(power::relative_speed(plain, 2, 1.0) == 1.0);
}

TEST_CASE("an accelerator with a single p-state", "[power][accelerator]") {
  // TPU-like: one state, 940 MHz, 123-262 W, TDP above the measured maximum.
  power::AcceleratorSpec tpu;
  tpu.name = "OneState";
  tpu.tdp_w = 450.0;
  tpu.idle_w = 123.0;
  tpu.pstates = {{9.4e8, 123.0, 262.0}};
  tpu.nominal_freq_hz = 9.4e8;
  CHECK(tpu.top_pstate() == 0);
  auto c = select_pstate(tpu, 0.5, kNoCap);
  CHECK(c.index == 0);
  CHECK(c.power_w == 192.5);  // 123 + 0.5 * 139
  CHECK(c.meets_cap);
  c = select_pstate(tpu, 1.0, 200.0);  // nothing to step down to: the cap is not met
  CHECK(c.index == 0);
  CHECK(c.power_w == 262.0);
  CHECK_FALSE(c.meets_cap);
  CHECK(power::relative_speed(tpu, 0, 1.0) == 1.0);
}
