#include "models/forecast/forecast.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "simcore/error.hpp"

using namespace wattsim;
using forecast::Growth;
using forecast::Model;
using forecast::PrefixSeries;
using forecast::Spec;
using simcore::SimTime;
using simcore::StepSeries;

namespace {

SimTime h(double hours) {
  return SimTime::from_hours(hours);
}

// Integers in [lo, hi] from a fixed engine (raw bits, no implementation-defined distribution).
std::int64_t draw(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

// A series of `n` steps with durations from 1 s to 2 h (odd microseconds included) and values
// in [50, 500), consecutive values distinct so that no step merges.
StepSeries random_series(std::mt19937_64& rng, std::size_t n, bool with_end) {
  std::vector<SimTime> times;
  std::vector<double> values;
  SimTime t = SimTime::from_us(draw(rng, 0, 1'000'000));
  for (std::size_t i = 0; i < n; ++i) {
    times.push_back(t);
    double v = 0.0;
    do {
      v = 50.0 + static_cast<double>(draw(rng, 0, 449'999)) / 1000.0;
    } while (!values.empty() && v == values.back());
    values.push_back(v);
    t += SimTime::from_us(draw(rng, 1'000'000, 7'200'000'000));
  }
  return StepSeries(times, values, with_end ? t : SimTime::max(), "random");
}

// Integral of a periodic repetition of `s` over [t0, t1], one StepSeries::integral per period
// touched: the reference the prefix sums must match.
double periodic_brute_integral(const StepSeries& s, SimTime t0, SimTime t1) {
  const SimTime period = s.end() - s.start();
  double sum = 0.0;
  std::int64_t k = (t0 - s.start()).us() / period.us();
  for (;; ++k) {
    const SimTime begin = s.start() + period * k;
    const SimTime end = begin + period;
    if (begin >= t1) break;
    const SimTime a = t0 > begin ? t0 : begin;
    const SimTime b = t1 < end ? t1 : end;
    if (a < b) sum += s.integral(a - period * k, b - period * k);
  }
  return sum;
}

// The forecast issued at `issued` summed over its pieces: the breakpoints cut [t0, t1] into
// pieces, each piece is charged its value at its start, and the value must be the same at the
// piece's last microsecond (else a breakpoint is missing).
double brute_force_integral(const forecast::Forecast& f, SimTime issued, SimTime t0, SimTime t1) {
  std::vector<SimTime> cuts;
  f.breakpoints(issued, t0, t1, cuts);
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    REQUIRE(cuts[i] > t0);
    REQUIRE(cuts[i] < t1);
    if (i > 0) REQUIRE(cuts[i] > cuts[i - 1]);
  }
  cuts.push_back(t1);
  double sum_value_us = 0.0;
  SimTime p = t0;
  for (const SimTime q : cuts) {
    if (q == p) continue;
    const double v = f.value(issued, p);
    REQUIRE(f.value(issued, q - SimTime::from_us(1)) == v);
    sum_value_us += v * static_cast<double>((q - p).us());
    p = q;
  }
  return sum_value_us * 1e-6;
}

Spec noisy_spec(double error, double rho, std::uint64_t seed, Growth growth = Growth::kFixed) {
  Spec spec;
  spec.model = Model::kNoisy;
  spec.error = error;
  spec.autocorrelation = rho;
  spec.seed = seed;
  spec.growth = growth;
  spec.name = "carbon";
  return spec;
}

// Hourly steps alternating 100 and 300 (mean 200), `hours` long.
StepSeries alternating(std::size_t hours) {
  std::vector<SimTime> times;
  std::vector<double> values;
  for (std::size_t i = 0; i < hours; ++i) {
    times.push_back(SimTime::hours(static_cast<std::int64_t>(i)));
    values.push_back(i % 2 == 0 ? 100.0 : 300.0);
  }
  return StepSeries(times, values, SimTime::hours(static_cast<std::int64_t>(hours)), "alternating");
}

std::string error_text(const Spec& spec, const StepSeries& truth, bool periodic,
                       std::vector<forecast::Issue> issues = {}) {
  try {
    forecast::make_forecast(spec, truth, periodic, std::move(issues));
  } catch (const simcore::InputError& e) {
    return e.what();
  }
  FAIL("make_forecast threw no InputError");
  return {};
}

}  // namespace

TEST_CASE("PrefixSeries: the header's periodic example", "[models][forecast]") {
  // times {0 h, 1 h}, values {100, 300}, end 2 h, repeating: a period holds 100 + 300 = 400
  // value-hours. [0.5 h, 4.5 h] = (0.5 x 100 + 300) + 400 + 0.5 x 100 = 800 value-hours.
  const PrefixSeries s(StepSeries({h(0), h(1)}, {100, 300}, h(2)), true);
  CHECK(s.integral(h(0.5), h(4.5)) == Approx(800 * 3600.0).epsilon(1e-15));
  CHECK(s.mean() == Approx(200.0).epsilon(1e-15));
  CHECK(s.period() == h(2));
  // 5.5 h is 1.5 h into the third period: 300; its next change is the fourth period's start.
  CHECK(s.value_at(h(5.5)) == 300.0);
  CHECK(s.next_change_after(h(5.5)) == h(6));
  CHECK(s.next_change_after(h(6)) == h(7));
  std::vector<SimTime> cuts;
  s.breakpoints(h(0.5), h(4), cuts);  // strictly inside: 1 h, 2 h, 3 h
  CHECK(cuts == std::vector<SimTime>{h(1), h(2), h(3)});
  CHECK_THROWS_AS(s.value_at(h(-1)), std::out_of_range);
  CHECK_THROWS_AS(s.integral(h(2), h(1)), std::invalid_argument);
}

TEST_CASE("PrefixSeries: mean of a series whose last value holds forever", "[models][forecast]") {
  // {100 on [0, 1 h), 300 on [1 h, 3 h), 50 from 3 h on}: the last value is excluded, so the
  // mean is (100 x 1 + 300 x 2) / 3 = 233.33...
  const PrefixSeries s(StepSeries({h(0), h(1), h(3)}, {100, 300, 50}), false);
  CHECK(s.mean() == Approx(700.0 / 3.0).epsilon(1e-15));
  CHECK(s.next_change_after(h(5)) == SimTime::max());
  CHECK(s.integral(h(2), h(10)) == Approx((300 * 1 + 50 * 7) * 3600.0).epsilon(1e-15));
  // A single value is its own mean.
  CHECK(PrefixSeries(StepSeries::constant(42.0), false).mean() == 42.0);
  // A finite end counts the last segment: (100 x 1 + 300 x 2 + 50 x 1) / 4 = 187.5.
  CHECK(PrefixSeries(StepSeries({h(0), h(1), h(3)}, {100, 300, 50}, h(4)), false).mean() == Approx(187.5));
}

TEST_CASE("PrefixSeries integral equals StepSeries::integral over random windows", "[models][forecast]") {
  std::mt19937_64 rng(7);
  for (const bool with_end : {false, true}) {
    const StepSeries series = random_series(rng, 2000, with_end);
    const PrefixSeries prefix(series, false);
    const SimTime last = with_end ? series.end() : series.times().back() + SimTime::hours(5);
    for (int k = 0; k < 2000; ++k) {
      SimTime t0 = SimTime::from_us(draw(rng, series.start().us(), last.us()));
      SimTime t1 = SimTime::from_us(draw(rng, series.start().us(), last.us()));
      if (t1 < t0) std::swap(t0, t1);
      if (k % 4 == 0) t1 = std::min(last, t0 + SimTime::from_us(draw(rng, 0, 3'600'000'000)));  // short windows too
      const double expected = series.integral(t0, t1);
      INFO("window " << t0.us() << " .. " << t1.us());
      CHECK(prefix.integral(t0, t1) == Approx(expected).epsilon(1e-12).margin(1e-300));
    }
    CHECK(prefix.integral(series.start(), last) == Approx(series.integral(series.start(), last)).epsilon(1e-13));
  }
}

TEST_CASE("PrefixSeries integral of a periodic series over windows spanning several periods", "[models][forecast]") {
  std::mt19937_64 rng(11);
  const StepSeries series = random_series(rng, 300, true);
  const PrefixSeries prefix(series, true);
  const SimTime period = series.end() - series.start();
  for (int k = 0; k < 1000; ++k) {
    const SimTime t0 = series.start() + SimTime::from_us(draw(rng, 0, period.us() * 3));
    const SimTime t1 = t0 + SimTime::from_us(draw(rng, 0, period.us() * 7));
    INFO("window " << t0.us() << " .. " << t1.us());
    CHECK(prefix.integral(t0, t1) == Approx(periodic_brute_integral(series, t0, t1)).epsilon(1e-12).margin(1e-300));
  }
  // A window of exactly 5 whole periods from a period's start is 5 x the period integral.
  const double one = series.integral(series.start(), series.end());
  CHECK(prefix.integral(series.start() + period * 2, series.start() + period * 7) == Approx(5 * one).epsilon(1e-14));
  // value_at repeats with the period.
  const SimTime t = series.times()[17] + SimTime::from_us(3);
  CHECK(prefix.value_at(t + period * 4) == series.value_at(t));
}

TEST_CASE("perfect forecast is the truth", "[models][forecast]") {
  std::mt19937_64 rng(3);
  const StepSeries series = random_series(rng, 500, true);
  const auto f = forecast::make_forecast(Spec{}, series, false);
  CHECK(f->issue_independent());
  for (int k = 0; k < 200; ++k) {
    const SimTime issued = SimTime::from_us(draw(rng, series.start().us(), series.end().us() - 1));
    const SimTime t = SimTime::from_us(draw(rng, series.start().us(), series.end().us() - 1));
    CHECK(f->value(issued, t) == series.value_at(t));
    const SimTime t1 = std::max(t, issued);
    CHECK(f->integral(issued, std::min(t, issued), t1) ==
          Approx(series.integral(std::min(t, issued), t1)).epsilon(1e-12).margin(1e-300));
  }
}

TEST_CASE("noisy forecast: same seed same values, another seed other values", "[models][forecast]") {
  const StepSeries truth = alternating(48);
  const auto a = forecast::make_forecast(noisy_spec(0.1, 0.5, 42), truth, false);
  const auto b = forecast::make_forecast(noisy_spec(0.1, 0.5, 42), truth, false);
  const auto c = forecast::make_forecast(noisy_spec(0.1, 0.5, 43), truth, false);
  CHECK(a->issue_independent());
  int differ = 0;
  for (int i = 0; i < 48; ++i) {
    const SimTime t = h(i + 0.5);
    CHECK(a->value(SimTime::zero(), t) == b->value(SimTime::zero(), t));
    if (a->value(SimTime::zero(), t) != c->value(SimTime::zero(), t)) ++differ;
    // The past is the truth: issued after t, the forecast of t is x(t).
    CHECK(a->value(h(47.9), t - h(0.5)) == truth.value_at(t - h(0.5)));
  }
  CHECK(differ == 48);
  // Another name is another stream.
  Spec price = noisy_spec(0.1, 0.5, 42);
  price.name = "price";
  const auto d = forecast::make_forecast(price, truth, false);
  CHECK(d->value(SimTime::zero(), h(3.5)) != a->value(SimTime::zero(), h(3.5)));
}

TEST_CASE("noisy forecast: error spread and autocorrelation match the spec", "[models][forecast]") {
  // 40,000 hourly steps of mean 200; error 0.05 -> sigma = 10 g/kWh.
  const std::size_t n = 40000;
  const StepSeries truth = alternating(n);
  for (const double rho : {0.0, 0.8}) {
    const auto f = forecast::make_forecast(noisy_spec(0.05, rho, 2024), truth, false);
    std::vector<double> e(n);
    double sum = 0.0, sum_sq = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const SimTime t = SimTime::hours(static_cast<std::int64_t>(i));
      e[i] = f->value(SimTime::zero(), t) - truth.value_at(t);
      sum += e[i];
      sum_sq += e[i] * e[i];
    }
    const double mean = sum / static_cast<double>(n);
    const double sd = std::sqrt(sum_sq / static_cast<double>(n) - mean * mean);
    double cov = 0.0;
    for (std::size_t i = 1; i < n; ++i) cov += (e[i] - mean) * (e[i - 1] - mean);
    const double lag1 = cov / static_cast<double>(n - 1) / (sd * sd);
    INFO("rho " << rho << ": sd " << sd << ", mean " << mean << ", lag-1 correlation " << lag1);
    // The sample sd has a relative standard error of about sqrt((1 + rho^2) / (2 n (1 - rho^2))),
    // at most 1 % here: 5 % is a loose bound. The lag-1 estimate's standard error is about
    // (1 - rho^2) / sqrt(n) <= 0.005: 0.03 is loose.
    CHECK(sd == Approx(10.0).epsilon(0.05));
    CHECK(std::fabs(mean) < 0.5);
    CHECK(lag1 == Approx(rho).margin(0.03));
  }
}

TEST_CASE("noisy forecast on a periodic truth repeats its error with the period", "[models][forecast]") {
  const StepSeries truth = alternating(24);
  const auto f = forecast::make_forecast(noisy_spec(0.1, 0.3, 5), truth, true);
  for (int i = 0; i < 24; ++i) {
    const SimTime t = h(i + 0.25);
    CHECK(f->value(SimTime::zero(), t + SimTime::days(3)) == f->value(SimTime::zero(), t));
  }
  CHECK(f->truth().periodic());
}

TEST_CASE("noisy forecast clamps at the floor", "[models][forecast]") {
  // error 2 (sigma 400 on a mean of 200): about a third of the steps fall below 0.
  const StepSeries truth = alternating(200);
  Spec spec = noisy_spec(2.0, 0.0, 9);
  const auto free = forecast::make_forecast(spec, truth, false);
  spec.floor = 0.0;
  const auto clamped = forecast::make_forecast(spec, truth, false);
  int at_floor = 0;
  for (int i = 0; i < 200; ++i) {
    const SimTime t = h(i);
    const double unclamped = free->value(SimTime::zero(), t);
    CHECK(clamped->value(SimTime::zero(), t) == std::max(0.0, unclamped));
    if (unclamped < 0.0) ++at_floor;
  }
  CHECK(at_floor > 20);
  // The integral of the clamped forecast is that of the clamped steps.
  double expected = 0.0;
  for (int i = 0; i < 200; ++i) expected += std::max(0.0, free->value(SimTime::zero(), h(i))) * 3600.0;
  CHECK(clamped->integral(SimTime::zero(), SimTime::zero(), h(200)) == Approx(expected).epsilon(1e-12));
}

TEST_CASE("noisy forecast growing with lead time: truth at lead 0, sqrt growth, capped", "[models][forecast]") {
  // Both forecasts draw the same e_i (same seed and name). kFixed: f - x = sigma e_i with
  // sigma = 0.1 x 200 = 20, so e_i = (f - x) / 20. kSqrt: f - x = 200 min(0.1 sqrt(L / 24 h), 0.2) e_i.
  const StepSeries truth = alternating(24 * 12);
  const auto fixed = forecast::make_forecast(noisy_spec(0.1, 0.0, 77), truth, false);
  const auto grow = forecast::make_forecast(noisy_spec(0.1, 0.0, 77, Growth::kSqrt), truth, false);
  CHECK_FALSE(grow->issue_independent());
  const std::int64_t step = 200;  // the step [200 h, 201 h)
  const SimTime t = SimTime::hours(step) + SimTime::minutes(20);
  const double x = truth.value_at(t);
  const double e = (fixed->value(SimTime::zero(), t) - x) / 20.0;
  REQUIRE(e != 0.0);
  // Issued inside the step (lead 0): the truth. Issued exactly at its start: lead 0 too.
  CHECK(grow->value(SimTime::hours(step) + SimTime::minutes(10), t) == x);
  CHECK(grow->value(SimTime::hours(step), t) == x);
  // Lead 6 h: sigma = 200 x 0.1 x sqrt(0.25) = 10.
  CHECK(grow->value(SimTime::hours(step - 6), t) == Approx(x + 10.0 * e).epsilon(1e-12));
  // Lead 24 h (the reference): sigma = 20, the fixed forecast's.
  CHECK(grow->value(SimTime::hours(step - 24), t) == Approx(fixed->value(SimTime::zero(), t)).epsilon(1e-12));
  // Lead 96 h: 0.1 x sqrt(4) = 0.2, at the cap (2 x error): sigma 40. Lead 150 h: still 40.
  CHECK(grow->value(SimTime::hours(step - 96), t) == Approx(x + 40.0 * e).epsilon(1e-12));
  CHECK(grow->value(SimTime::hours(step - 150), t) == Approx(x + 40.0 * e).epsilon(1e-12));
  // An explicit cap: 0.15 -> sigma 30 at lead 150 h.
  Spec capped = noisy_spec(0.1, 0.0, 77, Growth::kSqrt);
  capped.max_error = 0.15;
  const auto g2 = forecast::make_forecast(capped, truth, false);
  CHECK(g2->value(SimTime::hours(step - 150), t) == Approx(x + 30.0 * e).epsilon(1e-12));
  // The error's size grows with the lead, never shrinks.
  double previous = 0.0;
  for (std::int64_t lead = 0; lead <= 150; lead += 5) {
    const double size = std::fabs(grow->value(SimTime::hours(step - lead), t) - x);
    CHECK(size >= previous);
    previous = size;
  }
}

TEST_CASE("persistence forecast: yesterday's value at this hour", "[models][forecast]") {
  // Hourly truth x(h) = 100 + h for h = 0..71 (3 days); lag 24 h; issued at 30.5 h (day 2,
  // 06:30). m = floor((t - 30.5 h) / 24 h) + 1 and the forecast is x(t - 24 m h).
  std::vector<SimTime> times;
  std::vector<double> values;
  for (int i = 0; i < 72; ++i) {
    times.push_back(h(i));
    values.push_back(100.0 + i);
  }
  const StepSeries truth(times, values, h(72), "hourly");
  Spec spec;
  spec.model = Model::kPersistence;
  const auto f = forecast::make_forecast(spec, truth, false);
  CHECK_FALSE(f->issue_independent());
  const SimTime tau = h(30.5);
  CHECK(f->value(tau, h(20)) == 120.0);    // the past: the truth
  CHECK(f->value(tau, h(30.5)) == 106.0);  // m = 1: x(6.5 h) = 106
  CHECK(f->value(tau, h(31)) == 107.0);    // m = 1: x(7 h)
  CHECK(f->value(tau, h(54)) == 130.0);    // m = 1: x(30 h), observed before 30.5 h
  CHECK(f->value(tau, h(54.5)) == 106.0);  // m = 2: x(6.5 h)
  CHECK(f->value(tau, h(60)) == 112.0);    // m = 2: x(12 h)
  // [30.5 h, 32 h] is x over [6.5 h, 8 h]: 0.5 x 106 + 1 x 107 = 160 value-hours.
  CHECK(f->integral(tau, tau, h(32)) == Approx(160 * 3600.0).epsilon(1e-15));
  // [29 h, 31 h]: truth 1 x 129 + 0.5 x 130 on [29 h, 30.5 h], then 0.5 x 106: 247 value-hours.
  CHECK(f->integral(tau, h(29), h(31)) == Approx(247 * 3600.0).epsilon(1e-15));
  // Breakpoints in (29.5 h, 33 h): 30 h (truth), 30.5 h (the issue), 31 h and 32 h (x's hours
  // shifted by a day).
  std::vector<SimTime> cuts;
  f->breakpoints(tau, h(29.5), h(33), cuts);
  CHECK(cuts == std::vector<SimTime>{h(30), h(30.5), h(31), h(32)});
  // Before the truth starts its first value stands in: issued at 2 h, t = 10 h -> x(-14 h) -> 100.
  CHECK(f->value(h(2), h(10)) == 100.0);
  // [2 h, 27 h] issued at 2 h: x over [-22 h, 0 h] -> 100 x 22 (first value), then x over
  // [0 h, 2 h] -> 100 + 101, then block m = 2 from 26 h: x over [-22 h, -21 h] -> 100: 2501.
  CHECK(f->integral(h(2), h(2), h(27)) == Approx(2501 * 3600.0).epsilon(1e-15));
}

TEST_CASE("file forecast: the latest issue, truth held where it says nothing", "[models][forecast]") {
  // Truth: 10 on [0, 1 h), 20 from 1 h on. Issue A (issued 1 h): 50 from 2 h, 70 from 4 h.
  // Issue B (issued 3 h): 60 from 3 h, 80 from 5 h.
  const StepSeries truth({h(0), h(1)}, {10, 20});
  std::vector<forecast::Issue> issues = {{h(1), {h(2), h(4)}, {50, 70}}, {h(3), {h(3), h(5)}, {60, 80}}};
  Spec spec;
  spec.model = Model::kFile;
  spec.name = "carbon";
  const auto f = forecast::make_forecast(spec, truth, false, issues);
  CHECK_FALSE(f->issue_independent());
  // Before any issue: the truth at the issue time, held.
  CHECK(f->value(h(0.5), h(6)) == 10.0);
  // Issued 1.5 h: issue A. Before its first row the truth at 1.5 h (20) is held.
  CHECK(f->value(h(1.5), h(1)) == 20.0);  // the past
  CHECK(f->value(h(1.5), h(1.75)) == 20.0);
  CHECK(f->value(h(1.5), h(2.5)) == 50.0);
  CHECK(f->value(h(1.5), h(10)) == 70.0);  // the last row holds
  // Issued 3 h: issue B.
  CHECK(f->value(h(3), h(3)) == 60.0);
  CHECK(f->value(h(3), h(4.5)) == 60.0);
  CHECK(f->value(h(3), h(5)) == 80.0);
  // Issued 1.5 h over [0, 5 h]: truth 10 x 1 + 20 x 0.5, held 20 x 0.5, A: 50 x 2 + 70 x 1 =
  // 200 value-hours.
  CHECK(f->integral(h(1.5), h(0), h(5)) == Approx(200 * 3600.0).epsilon(1e-15));
  std::vector<SimTime> cuts;
  f->breakpoints(h(1.5), h(0), h(5), cuts);
  CHECK(cuts == std::vector<SimTime>{h(1), h(1.5), h(2), h(4)});
}

TEST_CASE("forecast integral equals a brute-force sum over random windows", "[models][forecast]") {
  std::mt19937_64 rng(2023);
  for (const bool periodic : {false, true}) {
    const StepSeries truth = random_series(rng, 400, true);
    const SimTime start = truth.start();
    const SimTime period = truth.end() - truth.start();
    const SimTime horizon = periodic ? start + period * 4 : truth.end();
    std::vector<forecast::Issue> issues;
    for (SimTime issued = start + SimTime::hours(3); issued < horizon; issued += SimTime::hours(draw(rng, 5, 40))) {
      forecast::Issue issue{issued, {}, {}};
      SimTime t = issued + SimTime::minutes(draw(rng, -60, 120));
      for (int r = 0; r < 30; ++r, t += SimTime::minutes(draw(rng, 1, 90))) {
        issue.times.push_back(t);
        issue.values.push_back(static_cast<double>(draw(rng, 0, 400'000)) / 1000.0);
      }
      issues.push_back(std::move(issue));
    }
    std::vector<Spec> specs(6);
    specs[0].model = Model::kPerfect;
    specs[1] = noisy_spec(0.2, 0.6, 1);
    specs[2] = noisy_spec(0.2, 0.6, 1, Growth::kSqrt);
    specs[2].reference = SimTime::hours(6);
    specs[2].floor = 120.0;  // some steps clamp
    specs[3].model = Model::kPersistence;
    specs[4].model = Model::kPersistence;
    specs[4].persistence_lag = SimTime::minutes(97);
    specs[5].model = Model::kFile;
    for (const Spec& spec : specs) {
      const auto f = forecast::make_forecast(spec, truth, periodic, issues);
      for (int k = 0; k < 150; ++k) {
        const SimTime issued = SimTime::from_us(draw(rng, start.us(), horizon.us() - 1));
        SimTime t0 = SimTime::from_us(draw(rng, start.us(), horizon.us()));
        SimTime t1 = SimTime::from_us(draw(rng, start.us(), horizon.us()));
        if (t1 < t0) std::swap(t0, t1);
        INFO(forecast::model_name(spec.model)
             << " (" << forecast::growth_name(spec.growth) << "), periodic " << periodic << ", issued " << issued.us()
             << ", window " << t0.us() << " .. " << t1.us());
        CHECK(f->integral(issued, t0, t1) ==
              Approx(brute_force_integral(*f, issued, t0, t1)).epsilon(1e-12).margin(1e-300));
      }
    }
  }
}

TEST_CASE("make_forecast refuses bad specs", "[models][forecast]") {
  const StepSeries truth = alternating(4);
  CHECK_THAT(error_text(noisy_spec(-0.1, 0.0, 1), truth, false), Catch::Contains("error is -0.1"));
  CHECK_THAT(error_text(noisy_spec(0.1, 1.0, 1), truth, false), Catch::Contains("autocorrelation is 1; expected"));
  CHECK_THAT(error_text(noisy_spec(0.1, -0.2, 1), truth, false), Catch::Contains("in [0, 1)"));
  Spec file;
  file.model = Model::kFile;
  file.name = "price";
  CHECK_THAT(error_text(file, truth, false), Catch::Contains("price forecast: the file model has no forecast issues"));
  CHECK_THAT(error_text(file, truth, false, {{h(2), {h(2)}, {1}}, {h(1), {h(2)}, {1}}}),
             Catch::Contains("expected strictly increasing issue times"));
  CHECK_THAT(error_text(file, truth, false, {{h(2), {h(3), h(2)}, {1, 2}}}),
             Catch::Contains("expected strictly increasing times"));
  Spec persistence;
  persistence.model = Model::kPersistence;
  persistence.persistence_lag = SimTime::zero();
  CHECK_THAT(error_text(persistence, truth, false), Catch::Contains("persistence lag"));
  CHECK_THAT(error_text(Spec{}, StepSeries::constant(1.0), true), Catch::Contains("repeats but has no end"));
}
