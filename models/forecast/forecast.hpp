#pragma once
// Forecasts of a step signal (carbon intensity, price, renewable output, outside temperature),
// as a policy really gets them (issue 13). A forecast answers "what will the signal be at t,
// as known at `issued`?"; the past (t < issued) is the truth. Results never read a forecast:
// realised carbon and cost come from truth() alone.
//
// Models (docs/forecasts.md has the full text):
//   perfect      f(tau, t) = x(t)
//   noisy        f(tau, t) = max(floor, x_i + sigma(L) e_i) for t in step i, t >= tau, where
//                e_0 = z_0, e_i = rho e_{i-1} + sqrt(1 - rho^2) z_i, z_i ~ N(0, 1) drawn once per
//                step of the series (of one period when periodic: the errors repeat with it),
//                sigma = error |mean(x)| (kFixed) or
//                sigma(L) = |mean(x)| min(error sqrt(L / reference), max_error) (kSqrt), with L
//                the lead time max(0, step start - tau)
//   persistence  f(tau, t) = x(t - m lag), m = floor((t - tau) / lag) + 1 (the latest value
//                observed before tau at the same phase of the lag); x's first value before its
//                start
//   file         the latest issue at or before tau; truth(tau) held where that issue says nothing
//
// Worked example (noisy, kSqrt, error 0.1, reference 24 h, cap 0.2, hourly series with mean
// 200 and e_5 = 1.5, x_5 = 180 on [5 h, 6 h)): issued at 0 h the lead is 5 h and
// sigma = 200 min(0.1 sqrt(5/24), 0.2) = 9.129, so f = 180 + 1.5 x 9.129 = 193.69; issued at
// 5 h (the step has started) f = 180, the truth.
//
// Costs: value O(log n). integral O(log n) for perfect and noisy kFixed (prefix integrals),
// O(log n + steps in the window) for noisy kSqrt, O(log n x (1 + window / lag)) for
// persistence, O(log n + log issues + log rows) for file; n = steps of the truth.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::forecast {

// A step series (simulated time) with prefix integrals, optionally periodic (repeated back to
// back from its start, period = end - start, which must then be finite). value_at,
// next_change_after and integral over any window cost O(log n).
//
// Integrals are sums of value x integer microseconds converted to seconds once, as in
// StepSeries::integral; the prefix sums are compensated (a running sum and its rounding
// error), so a window's integral agrees with the direct sum to about 1e-15 relative for
// values of one sign. A window spanning k whole periods adds k x the period integral.
// Example: times {0 h, 1 h}, values {100, 300}, end 2 h, periodic (period 2 h, 400 value-hours):
// integral(0.5 h, 4.5 h) = (0.5 x 100 + 1 x 300) + 1 x 400 (the whole period [2 h, 4 h]) +
// 0.5 x 100 = 800 value-hours = 2,880,000 value-seconds; mean() = 400 / 2 = 200.
class PrefixSeries {
 public:
  PrefixSeries() = default;
  // Throws std::invalid_argument for an empty series, or a periodic one without an end.
  PrefixSeries(simcore::StepSeries series, bool periodic);

  // Outside the domain ([start, end), or [start, forever) when periodic) these throw
  // std::out_of_range.
  double value_at(simcore::SimTime t) const;
  // The first breakpoint strictly after t: SimTime::max() if none (a last value that holds
  // forever); end() when the last segment of a non-periodic series with an end holds at t;
  // for a periodic series, the next period's start after its last segment.
  simcore::SimTime next_change_after(simcore::SimTime t) const;
  // Integral over [t0, t1] (t0 <= t1, else std::invalid_argument) in value-seconds.
  double integral(simcore::SimTime t0, simcore::SimTime t1) const;
  // Time-weighted mean over one period (or over [start, end] for a non-periodic series with an
  // end). When the last value holds forever: the mean over [start, last breakpoint], the last
  // value excluded unless it is the only one.
  double mean() const;
  const simcore::StepSeries& series() const { return series_; }
  bool periodic() const { return periodic_; }
  // end - start when periodic, SimTime::max() otherwise.
  simcore::SimTime period() const { return period_; }

  // One occurrence of a step: series().values()[index] holds on [start, end) (end may be
  // SimTime::max()).
  struct Step {
    std::size_t index = 0;
    simcore::SimTime start;
    simcore::SimTime end;
  };
  Step step_at(simcore::SimTime t) const;
  // The occurrence after `step` (for a non-periodic series, requires step.end to be finite
  // and before end()).
  Step next_step(const Step& step) const;

  // Breakpoints strictly inside (t0, t1), ascending, appended to out. O(log n + count).
  void breakpoints(simcore::SimTime t0, simcore::SimTime t1, std::vector<simcore::SimTime>& out) const;

  // Calls visit(step, from, to) for each step occurrence overlapping [t0, t1), in order, with
  // [from, to) = [t0, t1) clipped to the step. Nothing for an empty window. O(log n + count).
  template <class Visit>
  void visit_steps(simcore::SimTime t0, simcore::SimTime t1, Visit&& visit) const {
    if (!(t0 < t1)) return;
    check_end(t1);
    Step step = step_at(t0);
    while (true) {
      visit(static_cast<const Step&>(step), step.start < t0 ? t0 : step.start, step.end < t1 ? step.end : t1);
      if (step.end >= t1) break;
      step = next_step(step);
    }
  }

 private:
  // Integral over [t0, t1] within one period's span [start, end], in value-microseconds.
  double integral_us_in_period(simcore::SimTime t0, simcore::SimTime t1) const;
  // Segment index for t in [start, end] (end maps to the last segment).
  std::size_t index_closed(simcore::SimTime t) const;
  // Number of whole periods from start to t (periodic; t >= start).
  std::int64_t period_of(simcore::SimTime t) const;
  void check_end(simcore::SimTime t) const;

  simcore::StepSeries series_;
  bool periodic_ = false;
  simcore::SimTime period_ = simcore::SimTime::max();
  // Integral from start to times[i] in value-microseconds, as a compensated pair
  // (prefix_hi_[i] + prefix_lo_[i]); index n holds the integral to end() when it is finite.
  std::vector<double> prefix_hi_;
  std::vector<double> prefix_lo_;
};

enum class Model { kPerfect, kNoisy, kPersistence, kFile };
enum class Growth { kFixed, kSqrt };

struct Spec {
  Model model = Model::kPerfect;
  // noisy: the error's standard deviation as a fraction of the series' mean (|mean|), e.g.
  // 0.05. >= 0.
  double error = 0.0;
  // noisy: AR(1) correlation of the error between consecutive steps of the series, in [0, 1):
  // e_i = rho e_{i-1} + sqrt(1 - rho^2) z_i (stationary, same standard deviation); 0:
  // independent per step.
  double autocorrelation = 0.0;
  // noisy: kFixed: the error of a step is fixed (drawn once), whatever the lead time. kSqrt:
  // the standard deviation grows with lead time L = (step start - issue time, 0 if the step has
  // started): sigma(L) = |mean| x min(error x sqrt(L / reference), max_error); the same drawn
  // z-scores (AR(1) as above) are scaled by sigma(L), so forecasts issued later are closer to
  // the truth and a step's forecast is a step series in the issue time.
  Growth growth = Growth::kFixed;
  simcore::SimTime reference = simcore::SimTime::hours(24);  // > 0
  double max_error = 0.0;                                    // kSqrt cap (0: 2 x error); >= 0
  std::uint64_t seed = 1;  // the error's own stream: simcore::RandomStreams(seed).stream("forecast/" + name)
  std::string name;        // e.g. "carbon", "price" -- also in messages
  // Noisy values below are clamped to it (0 for intensities and outputs).
  double floor = -std::numeric_limits<double>::infinity();
  // persistence: "yesterday's value at this hour". > 0.
  simcore::SimTime persistence_lag = simcore::SimTime::hours(24);
};

class Forecast {
 public:
  virtual ~Forecast() = default;
  // The value at instant t as forecast at `issued`. For t < issued the truth (the past is
  // known).
  virtual double value(simcore::SimTime issued, simcore::SimTime t) const = 0;
  // Integral over [t0, t1] (t0 <= t1) of the forecast issued at `issued`, value-seconds (truth
  // before `issued`).
  virtual double integral(simcore::SimTime issued, simcore::SimTime t0, simcore::SimTime t1) const = 0;
  // The forecast's breakpoints (instants where its value may change) strictly inside (t0, t1),
  // ascending, appended to out. Policies search over these. `issued` itself is one (the switch
  // from truth to forecast) except for the perfect forecast.
  virtual void breakpoints(simcore::SimTime issued, simcore::SimTime t0, simcore::SimTime t1,
                           std::vector<simcore::SimTime>& out) const = 0;
  // True when the forecast of the future does not depend on `issued` (perfect; noisy with
  // kFixed): integral() is then O(log n) from prefix integrals of the (noisy) step series;
  // otherwise its cost is the model's (see the top of this file).
  virtual bool issue_independent() const = 0;
  // The true series (what results use).
  virtual const PrefixSeries& truth() const = 0;
};

// Forecast issues read from a file: for each issue time, a step forecast (times ascending).
struct Issue {
  simcore::SimTime issued_at;
  std::vector<simcore::SimTime> times;
  std::vector<double> values;
};

// Builds the forecast of `truth` (simulated time; periodic as the scenario says).
// kFile uses `issues` (issued_at strictly increasing): the forecast issued at tau is the latest
// issue with issued_at <= tau; for t >= tau it is that issue's step value at t (its last value
// holds forever), and where there is none (before the first issue, or t before the issue's
// first row) the truth at tau, held ("no change" persistence).
// Noisy with a periodic truth: the error is drawn per step of one period and repeats with it.
// A truth that ends and does not repeat is held at its last value beyond its end (a policy may
// ask about windows past the data); its mean (for the noise) then leaves that last value out.
// Throws simcore::InputError (where empty, message naming spec.name) for a bad spec: error or
// max_error negative or not finite, autocorrelation outside [0, 1), reference or
// persistence_lag not positive, floor NaN, a periodic truth without an end, a file model
// without issues or with malformed ones.
std::unique_ptr<Forecast> make_forecast(const Spec& spec, const simcore::StepSeries& truth, bool periodic,
                                        std::vector<Issue> issues = {});

const char* model_name(Model model);     // "perfect", "noisy", "persistence", "file"
const char* growth_name(Growth growth);  // "fixed", "sqrt"

}  // namespace wattsim::forecast
