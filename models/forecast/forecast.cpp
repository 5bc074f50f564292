#include "models/forecast/forecast.hpp"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "simcore/error.hpp"
#include "simcore/random.hpp"

namespace wattsim::forecast {

using simcore::SimTime;
using simcore::StepSeries;

namespace {

// s + err == a + b exactly (Knuth's TwoSum), so a running sum keeps its rounding error.
void two_sum(double a, double b, double& s, double& err) {
  s = a + b;
  const double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

double us_of(SimTime span) {
  return static_cast<double>(span.us());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PrefixSeries

PrefixSeries::PrefixSeries(StepSeries series, bool periodic) : series_(std::move(series)), periodic_(periodic) {
  if (series_.empty()) throw std::invalid_argument("a prefix series needs a non-empty step series");
  const bool finite_end = series_.end() != SimTime::max();
  if (periodic_ && !finite_end) {
    throw std::invalid_argument(series_.name() + ": a series without an end cannot repeat");
  }
  if (periodic_) period_ = series_.end() - series_.start();
  const auto& times = series_.times();
  const auto& values = series_.values();
  const std::size_t n = times.size();
  prefix_hi_.assign(finite_end ? n + 1 : n, 0.0);
  prefix_lo_.assign(prefix_hi_.size(), 0.0);
  double hi = 0.0;
  double lo = 0.0;
  for (std::size_t i = 0; i + 1 < prefix_hi_.size(); ++i) {
    const SimTime seg_end = i + 1 < n ? times[i + 1] : series_.end();
    double sum = 0.0;
    double err = 0.0;
    two_sum(hi, values[i] * us_of(seg_end - times[i]), sum, err);
    hi = sum;
    lo += err;
    prefix_hi_[i + 1] = hi;
    prefix_lo_[i + 1] = lo;
  }
}

std::int64_t PrefixSeries::period_of(SimTime t) const {
  return (t - series_.start()).us() / period_.us();
}

void PrefixSeries::check_end(SimTime t) const {
  if (!periodic_ && t > series_.end()) {
    throw std::out_of_range(series_.name() + ": " + simcore::format_time(t) + " is after the series' end " +
                            simcore::format_time(series_.end()));
  }
}

std::size_t PrefixSeries::index_closed(SimTime t) const {
  if (t == series_.end()) return series_.size() - 1;
  return series_.index_at(t);
}

PrefixSeries::Step PrefixSeries::step_at(SimTime t) const {
  SimTime offset = SimTime::zero();
  SimTime local = t;
  if (periodic_) {
    if (t < series_.start()) {
      throw std::out_of_range(series_.name() + ": no value at " + simcore::format_time(t) +
                              "; the repeating series starts at " + simcore::format_time(series_.start()));
    }
    offset = period_ * period_of(t);
    local = t - offset;
  }
  const std::size_t i = series_.index_at(local);
  const auto& times = series_.times();
  const SimTime end = i + 1 < times.size() ? times[i + 1] : series_.end();
  return Step{i, times[i] + offset, end == SimTime::max() ? end : end + offset};
}

PrefixSeries::Step PrefixSeries::next_step(const Step& step) const {
  const auto& times = series_.times();
  const std::size_t n = times.size();
  SimTime offset = step.start - times[step.index];
  std::size_t i = step.index + 1;
  if (i == n) {
    if (!periodic_ || step.end == SimTime::max()) {
      throw std::out_of_range(series_.name() + ": no step after the series' end " +
                              simcore::format_time(series_.end()));
    }
    i = 0;
    offset += period_;
  }
  const SimTime end = i + 1 < n ? times[i + 1] : series_.end();
  return Step{i, times[i] + offset, end == SimTime::max() ? end : end + offset};
}

double PrefixSeries::value_at(SimTime t) const {
  return series_.values()[step_at(t).index];
}

SimTime PrefixSeries::next_change_after(SimTime t) const {
  return step_at(t).end;
}

double PrefixSeries::integral_us_in_period(SimTime t0, SimTime t1) const {
  const auto& times = series_.times();
  const auto& values = series_.values();
  const std::size_t i = index_closed(t0);
  const std::size_t j = index_closed(t1);
  if (i == j) return values[i] * us_of(t1 - t0);
  // The partial first and last segments directly, the whole ones between from the prefixes.
  const double first = values[i] * us_of(times[i + 1] - t0);
  const double middle = (prefix_hi_[j] - prefix_hi_[i + 1]) + (prefix_lo_[j] - prefix_lo_[i + 1]);
  const double last = values[j] * us_of(t1 - times[j]);
  return first + middle + last;
}

double PrefixSeries::integral(SimTime t0, SimTime t1) const {
  if (t1 < t0) {
    throw std::invalid_argument(series_.name() + ": integral over a reversed span [" + simcore::format_time(t0) + ", " +
                                simcore::format_time(t1) + "]");
  }
  if (series_.empty()) throw std::out_of_range("integral of an empty prefix series");
  if (t0 < series_.start()) {
    throw std::out_of_range(series_.name() + ": span starts at " + simcore::format_time(t0) +
                            ", before the series' start " + simcore::format_time(series_.start()));
  }
  check_end(t1);
  if (t0 == t1) return 0.0;
  if (!periodic_) return integral_us_in_period(t0, t1) * 1e-6;
  const std::int64_t k0 = period_of(t0);
  const std::int64_t k1 = period_of(t1);
  const SimTime local0 = t0 - period_ * k0;
  const SimTime local1 = t1 - period_ * k1;
  if (k0 == k1) return integral_us_in_period(local0, local1) * 1e-6;
  const std::size_t n = series_.size();
  const double period_us = prefix_hi_[n] + prefix_lo_[n];
  const double head = integral_us_in_period(local0, series_.end());
  const double whole = static_cast<double>(k1 - k0 - 1) * period_us;
  const double tail = integral_us_in_period(series_.start(), local1);
  return (head + whole + tail) * 1e-6;
}

double PrefixSeries::mean() const {
  if (series_.empty()) throw std::out_of_range("mean of an empty prefix series");
  const std::size_t n = series_.size();
  if (series_.end() != SimTime::max()) {
    return (prefix_hi_[n] + prefix_lo_[n]) / us_of(series_.end() - series_.start());
  }
  if (n == 1) return series_.values()[0];
  return (prefix_hi_[n - 1] + prefix_lo_[n - 1]) / us_of(series_.times()[n - 1] - series_.start());
}

void PrefixSeries::breakpoints(SimTime t0, SimTime t1, std::vector<SimTime>& out) const {
  if (!(t0 < t1)) return;
  Step step = step_at(t0);
  while (step.end < t1) {
    out.push_back(step.end);
    if (!periodic_ && step.index + 1 == series_.size()) break;  // the series' end
    step = next_step(step);
  }
}

// ---------------------------------------------------------------------------------------------
// Forecast models

namespace {

// The past is the truth; each model says what it forecasts from `issued` on.
class ForecastBase : public Forecast {
 public:
  explicit ForecastBase(PrefixSeries truth) : truth_(std::move(truth)) {}

  double value(SimTime issued, SimTime t) const final {
    return t < issued ? truth_.value_at(t) : future_value(issued, t);
  }

  double integral(SimTime issued, SimTime t0, SimTime t1) const final {
    if (t1 < t0) {
      throw std::invalid_argument(truth_.series().name() + " forecast: integral over a reversed span [" +
                                  simcore::format_time(t0) + ", " + simcore::format_time(t1) + "]");
    }
    const SimTime split = std::clamp(issued, t0, t1);
    const double past = split > t0 ? truth_.integral(t0, split) : 0.0;
    const double future = t1 > split ? future_integral(issued, split, t1) : 0.0;
    return past + future;
  }

  void breakpoints(SimTime issued, SimTime t0, SimTime t1, std::vector<SimTime>& out) const final {
    if (!(t0 < t1)) return;
    if (t0 < issued) truth_.breakpoints(t0, std::min(issued, t1), out);
    if (issued > t0 && issued < t1) out.push_back(issued);
    if (t1 > issued) future_breakpoints(issued, std::max(t0, issued), t1, out);
  }

  const PrefixSeries& truth() const final { return truth_; }

 protected:
  // The forecast for t >= issued.
  virtual double future_value(SimTime issued, SimTime t) const = 0;
  // Integral over [a, b], issued <= a < b, in value-seconds.
  virtual double future_integral(SimTime issued, SimTime a, SimTime b) const = 0;
  // Breakpoints strictly inside (a, b), issued <= a < b, ascending.
  virtual void future_breakpoints(SimTime issued, SimTime a, SimTime b, std::vector<SimTime>& out) const = 0;

  PrefixSeries truth_;
};

class PerfectForecast final : public Forecast {
 public:
  explicit PerfectForecast(PrefixSeries truth) : truth_(std::move(truth)) {}
  double value(SimTime, SimTime t) const override { return truth_.value_at(t); }
  double integral(SimTime, SimTime t0, SimTime t1) const override { return truth_.integral(t0, t1); }
  void breakpoints(SimTime, SimTime t0, SimTime t1, std::vector<SimTime>& out) const override {
    truth_.breakpoints(t0, t1, out);
  }
  bool issue_independent() const override { return true; }
  const PrefixSeries& truth() const override { return truth_; }

 private:
  PrefixSeries truth_;
};

// kFixed: the noisy series is built once; its prefix integrals answer every window.
class FixedNoiseForecast final : public ForecastBase {
 public:
  FixedNoiseForecast(PrefixSeries truth, PrefixSeries noisy)
      : ForecastBase(std::move(truth)), noisy_(std::move(noisy)) {}
  bool issue_independent() const override { return true; }

 protected:
  double future_value(SimTime, SimTime t) const override { return noisy_.value_at(t); }
  double future_integral(SimTime, SimTime a, SimTime b) const override { return noisy_.integral(a, b); }
  void future_breakpoints(SimTime, SimTime a, SimTime b, std::vector<SimTime>& out) const override {
    noisy_.breakpoints(a, b, out);
  }

 private:
  PrefixSeries noisy_;
};

// kSqrt: a step's value depends on its lead time, so a window costs one term per step.
class GrowingNoiseForecast final : public ForecastBase {
 public:
  GrowingNoiseForecast(PrefixSeries truth, std::vector<double> errors, double mean_abs, const Spec& spec)
      : ForecastBase(std::move(truth)),
        errors_(std::move(errors)),
        mean_abs_(mean_abs),
        error_(spec.error),
        cap_(spec.max_error > 0.0 ? spec.max_error : 2.0 * spec.error),
        reference_s_(spec.reference.to_seconds()),
        floor_(spec.floor) {}
  bool issue_independent() const override { return false; }

 protected:
  double future_value(SimTime issued, SimTime t) const override { return step_value(issued, truth_.step_at(t)); }
  double future_integral(SimTime issued, SimTime a, SimTime b) const override {
    double sum_value_us = 0.0;
    truth_.visit_steps(a, b, [&](const PrefixSeries::Step& step, SimTime from, SimTime to) {
      sum_value_us += step_value(issued, step) * us_of(to - from);
    });
    return sum_value_us * 1e-6;
  }
  void future_breakpoints(SimTime, SimTime a, SimTime b, std::vector<SimTime>& out) const override {
    truth_.breakpoints(a, b, out);
  }

 private:
  double step_value(SimTime issued, const PrefixSeries::Step& step) const {
    const double lead_s = step.start > issued ? (step.start - issued).to_seconds() : 0.0;
    const double sigma = mean_abs_ * std::min(error_ * std::sqrt(lead_s / reference_s_), cap_);
    return std::max(floor_, truth_.series().values()[step.index] + sigma * errors_[step.index]);
  }

  std::vector<double> errors_;  // e_i, one per step of the truth (of one period)
  double mean_abs_;
  double error_;
  double cap_;
  double reference_s_;
  double floor_;
};

class PersistenceForecast final : public ForecastBase {
 public:
  PersistenceForecast(PrefixSeries truth, SimTime lag) : ForecastBase(std::move(truth)), lag_(lag) {}
  bool issue_independent() const override { return false; }

 protected:
  double future_value(SimTime issued, SimTime t) const override {
    const SimTime source = t - lag_ * lags_back(issued, t);
    return source < start() ? first_value() : truth_.value_at(source);
  }

  double future_integral(SimTime issued, SimTime a, SimTime b) const override {
    double sum = 0.0;
    for (SimTime x = a; x < b;) {
      const std::int64_t m = lags_back(issued, x);
      const SimTime y = std::min(b, issued + lag_ * m);  // the end of block m
      const SimTime shift = lag_ * m;
      const SimTime p = x - shift;
      const SimTime q = y - shift;
      if (q <= start()) {
        sum += first_value() * (q - p).to_seconds();
      } else if (p >= start()) {
        sum += truth_.integral(p, q);
      } else {
        sum += first_value() * (start() - p).to_seconds() + truth_.integral(start(), q);
      }
      x = y;
    }
    return sum;
  }

  void future_breakpoints(SimTime issued, SimTime a, SimTime b, std::vector<SimTime>& out) const override {
    for (SimTime x = a; x < b;) {
      const std::int64_t m = lags_back(issued, x);
      const SimTime block_end = issued + lag_ * m;
      const SimTime y = std::min(b, block_end);
      const SimTime shift = lag_ * m;
      const SimTime q = y - shift;
      if (q > start()) {
        const std::size_t first = out.size();
        truth_.breakpoints(std::max(x - shift, start()), q, out);
        for (std::size_t i = first; i < out.size(); ++i) out[i] += shift;
      }
      if (y == block_end && y < b) out.push_back(y);
      x = y;
    }
  }

 private:
  // m = floor((t - issued) / lag) + 1: t - m lag is in [issued - lag, issued), observed.
  std::int64_t lags_back(SimTime issued, SimTime t) const { return (t - issued).us() / lag_.us() + 1; }
  SimTime start() const { return truth_.series().start(); }
  double first_value() const { return truth_.series().values().front(); }

  SimTime lag_;
};

class FileForecast final : public ForecastBase {
 public:
  struct Stored {
    SimTime issued_at;
    PrefixSeries series;  // never ends: the last row's value holds
  };
  FileForecast(PrefixSeries truth, std::vector<Stored> issues)
      : ForecastBase(std::move(truth)), issues_(std::move(issues)) {}
  bool issue_independent() const override { return false; }

 protected:
  double future_value(SimTime issued, SimTime t) const override {
    const Stored* issue = latest(issued);
    if (issue == nullptr || t < issue->series.series().start()) return truth_.value_at(issued);
    return issue->series.value_at(t);
  }

  double future_integral(SimTime issued, SimTime a, SimTime b) const override {
    const Stored* issue = latest(issued);
    const SimTime first = issue == nullptr ? SimTime::max() : issue->series.series().start();
    double sum = 0.0;
    if (a < first) sum += truth_.value_at(issued) * (std::min(b, first) - a).to_seconds();
    if (b > first) sum += issue->series.integral(std::max(a, first), b);
    return sum;
  }

  void future_breakpoints(SimTime issued, SimTime a, SimTime b, std::vector<SimTime>& out) const override {
    const Stored* issue = latest(issued);
    if (issue == nullptr) return;
    const SimTime first = issue->series.series().start();
    if (first > a && first < b) out.push_back(first);
    if (std::max(a, first) < b) issue->series.breakpoints(std::max(a, first), b, out);
  }

 private:
  // The latest issue with issued_at <= issued, or nullptr. O(log issues).
  const Stored* latest(SimTime issued) const {
    const auto it = std::upper_bound(issues_.begin(), issues_.end(), issued,
                                     [](SimTime t, const Stored& s) { return t < s.issued_at; });
    return it == issues_.begin() ? nullptr : &*(it - 1);
  }

  std::vector<Stored> issues_;
};

std::string number(double x) {
  std::string s = std::to_string(x);
  // "0.050000" -> "0.05"
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

const char* model_name(Model model) {
  switch (model) {
    case Model::kPerfect:
      return "perfect";
    case Model::kNoisy:
      return "noisy";
    case Model::kPersistence:
      return "persistence";
    case Model::kFile:
      return "file";
  }
  return "?";
}

const char* growth_name(Growth growth) {
  switch (growth) {
    case Growth::kFixed:
      return "fixed";
    case Growth::kSqrt:
      return "sqrt";
  }
  return "?";
}

std::unique_ptr<Forecast> make_forecast(const Spec& spec, const StepSeries& given, bool periodic,
                                        std::vector<Issue> issues) {
  // A series that ends (and does not repeat) is held at its last value beyond its end, so that a
  // policy may ask about a window reaching past the data (a deadline after the last hour of a
  // year). Results never read this: they use the series itself, which must cover the run.
  const StepSeries truth = !periodic && !given.empty() && given.end() != SimTime::max()
                               ? StepSeries(given.times(), given.values(), SimTime::max(), given.name())
                               : given;
  const std::string prefix = (spec.name.empty() ? std::string("forecast") : spec.name + " forecast") + ": ";
  simcore::DiagnosticSink sink;
  if (truth.empty()) sink.add("", prefix + "the true series is empty; expected at least one point");
  if (periodic && !truth.empty() && truth.end() == SimTime::max()) {
    sink.add("", prefix + "the true series repeats but has no end; expected a finite period");
  }
  if (spec.model == Model::kNoisy) {
    if (!std::isfinite(spec.error) || spec.error < 0.0) {
      sink.add("", prefix + "error is " + number(spec.error) + "; expected a fraction of the mean >= 0 (e.g. 0.05)");
    }
    if (!std::isfinite(spec.autocorrelation) || spec.autocorrelation < 0.0 || spec.autocorrelation >= 1.0) {
      sink.add("", prefix + "autocorrelation is " + number(spec.autocorrelation) + "; expected a value in [0, 1)");
    }
    if (spec.growth == Growth::kSqrt) {
      if (spec.reference <= SimTime::zero()) {
        sink.add("", prefix + "reference lead time is " + simcore::format_time(spec.reference) +
                         "; expected a positive duration");
      }
      if (!std::isfinite(spec.max_error) || spec.max_error < 0.0) {
        sink.add("", prefix + "max_error is " + number(spec.max_error) + "; expected >= 0 (0: twice the error)");
      }
    }
    if (std::isnan(spec.floor)) sink.add("", prefix + "floor is NaN; expected a number or -infinity");
  }
  if (spec.model == Model::kPersistence && spec.persistence_lag <= SimTime::zero()) {
    sink.add("", prefix + "persistence lag is " + simcore::format_time(spec.persistence_lag) +
                     "; expected a positive duration (e.g. 24 h)");
  }
  if (spec.model == Model::kFile && issues.empty()) {
    sink.add("", prefix + "the file model has no forecast issues; expected at least one (time, issued_at, value) row");
  }
  sink.throw_if_any();

  PrefixSeries truth_prefix(truth, periodic);
  switch (spec.model) {
    case Model::kPerfect:
      return std::make_unique<PerfectForecast>(std::move(truth_prefix));
    case Model::kNoisy: {
      // z_i ~ N(0, 1) from the error's own stream; AR(1) keeps each e_i ~ N(0, 1).
      simcore::RandomStream stream = simcore::RandomStreams(spec.seed).stream("forecast/" + spec.name);
      boost::random::normal_distribution<double> normal(0.0, 1.0);
      const double rho = spec.autocorrelation;
      const double innovation = std::sqrt(1.0 - rho * rho);
      std::vector<double> errors(truth.size());
      for (std::size_t i = 0; i < errors.size(); ++i) {
        const double z = normal(stream);
        errors[i] = i == 0 ? z : rho * errors[i - 1] + innovation * z;
      }
      const double mean_abs = std::fabs(truth_prefix.mean());
      if (spec.growth == Growth::kSqrt) {
        return std::make_unique<GrowingNoiseForecast>(std::move(truth_prefix), std::move(errors), mean_abs, spec);
      }
      const double sigma = spec.error * mean_abs;
      std::vector<double> values(truth.size());
      for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = std::max(spec.floor, truth.values()[i] + sigma * errors[i]);
      }
      PrefixSeries noisy(StepSeries(truth.times(), std::move(values), truth.end(), truth.name() + " (noisy forecast)"),
                         periodic);
      return std::make_unique<FixedNoiseForecast>(std::move(truth_prefix), std::move(noisy));
    }
    case Model::kPersistence:
      return std::make_unique<PersistenceForecast>(std::move(truth_prefix), spec.persistence_lag);
    case Model::kFile: {
      std::vector<FileForecast::Stored> stored;
      stored.reserve(issues.size());
      for (std::size_t k = 0; k < issues.size(); ++k) {
        Issue& issue = issues[k];
        const std::string issue_name =
            prefix + "issue " + std::to_string(k) + " (issued at " + simcore::format_time(issue.issued_at) + ")";
        if (k > 0 && issue.issued_at <= issues[k - 1].issued_at) {
          sink.add("", issue_name + ": not after the previous issue (issued at " +
                           simcore::format_time(issues[k - 1].issued_at) +
                           "); expected strictly increasing issue times");
          continue;
        }
        sink.capture("", [&] {
          stored.push_back({issue.issued_at, PrefixSeries(StepSeries(std::move(issue.times), std::move(issue.values),
                                                                     SimTime::max(), issue_name),
                                                          false)});
        });
      }
      sink.throw_if_any();
      return std::make_unique<FileForecast>(std::move(truth_prefix), std::move(stored));
    }
  }
  throw std::invalid_argument(prefix + "unknown forecast model");
}

}  // namespace wattsim::forecast
