#pragma once
// A step series: a piecewise-constant signal of time (DESIGN.md §3). Value i holds on
// [times[i], times[i+1]); the last value holds until end() (SimTime::max() for "forever").
// Outside [start(), end()) the series is undefined and queries throw std::out_of_range.
//
// Integrals are exact for step functions: a sum of value x span over the segments that
// overlap the requested span, no sampling. The result is in value-seconds (a power series in
// W integrates to J). Spans are microsecond-exact because time is integer.
//
// Example: times {0 h, 1 h, 3 h}, values {100, 200, 50}, end 4 h:
//   value_at(2 h) = 200; integral(0.5 h, 3.5 h) = (0.5*100 + 2*200 + 0.5*50) * 3600 = 1,710,000.

#include <cstddef>
#include <string>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::simcore {

class StepSeries {
 public:
  StepSeries() = default;
  // Throws simcore::InputError when times are not strictly increasing, a value is not finite,
  // the lengths differ, the series is empty, or end <= the last breakpoint. `name` appears in
  // error messages ("carbon intensity: ...").
  StepSeries(std::vector<SimTime> times, std::vector<double> values, SimTime end = SimTime::max(),
             std::string name = "step series");
  static StepSeries constant(double value, SimTime start = SimTime::zero(), SimTime end = SimTime::max(),
                             std::string name = "constant");

  const std::string& name() const { return name_; }
  std::size_t size() const { return times_.size(); }
  bool empty() const { return times_.empty(); }
  const std::vector<SimTime>& times() const { return times_; }
  const std::vector<double>& values() const { return values_; }
  SimTime start() const;
  SimTime end() const { return end_; }
  bool covers(SimTime t0, SimTime t1) const { return !empty() && t0 >= start() && t1 <= end_; }

  // Index of the segment that holds at t.
  std::size_t index_at(SimTime t) const;
  double value_at(SimTime t) const { return values_[index_at(t)]; }
  // The first breakpoint strictly after t (end() when the last segment holds at t;
  // SimTime::max() for a series that never ends). Requires t in the domain.
  SimTime next_change_after(SimTime t) const;

  // Integral over [t0, t1] in value-seconds; 0 for an empty span. Requires t0 <= t1 and the
  // span inside the domain.
  double integral(SimTime t0, SimTime t1) const;

 private:
  void check_span(SimTime t0, SimTime t1) const;
  friend double integral_of_product(const StepSeries& a, const StepSeries& b, SimTime t0, SimTime t1);
  friend class StepSeriesBuilder;

  std::vector<SimTime> times_;
  std::vector<double> values_;
  SimTime end_ = SimTime::max();
  std::string name_ = "step series";
};

// The same signal moved in time: every breakpoint (and the end) plus `offset`. Used to turn a
// series in calendar time (microseconds since the epoch) into simulated time.
StepSeries shift_series(const StepSeries& series, SimTime offset);

// Integral of a(t) * b(t) over [t0, t1] in (a-unit)(b-unit)-seconds, exact over the merged
// breakpoints of both series. Requires the span inside both domains.
double integral_of_product(const StepSeries& a, const StepSeries& b, SimTime t0, SimTime t1);

// Walks a step series forward in time: the value at t, the next breakpoint and the integral
// from the series' start to t, for queries at non-decreasing times, in O(1) amortised (a
// simulation's clock only moves forward). The integral of a span is the difference of two
// integral_to values, so a job or a meter can charge a whole span at once however many
// breakpoints it crosses.
//
// A periodic cursor repeats the series back to back forever (period = end - start, which must
// be finite): a year of hourly carbon intensity serves a run of any length without being
// copied.
class StepCursor {
 public:
  StepCursor() = default;
  explicit StepCursor(const StepSeries& series, bool periodic = false);
  // Requires t in the series' domain (any t >= start when periodic) and not before the
  // previous query.
  double value_at(SimTime t);
  // The first breakpoint strictly after t (for a non-periodic series, end() when the last
  // segment holds at t).
  SimTime next_change_after(SimTime t);
  // Integral over [start(), t] in value-seconds; t may be end().
  double integral_to(SimTime t);

 private:
  void seek(SimTime t, bool allow_end);
  SimTime time(std::size_t i) const { return series_->times()[i] + offset_; }
  SimTime end() const { return series_->end() == SimTime::max() ? SimTime::max() : series_->end() + offset_; }
  const StepSeries* series_ = nullptr;
  bool periodic_ = false;
  SimTime offset_;  // periods passed, times the period
  std::size_t i_ = 0;
  double sum_value_us_ = 0.0;  // integral over [start, time(i_)] in value-microseconds
};

// Builds a step series from points streamed in order (e.g. by a trace reader). Each append
// is checked at once, so a reader can report the offending row.
class StepSeriesBuilder {
 public:
  explicit StepSeriesBuilder(std::string name = "step series") : name_(std::move(name)) {}
  // Throws simcore::InputError if t is not after the previous breakpoint or value is not
  // finite. A value equal to the previous one is merged into its segment.
  void append(SimTime t, double value);
  std::size_t size() const { return times_.size(); }
  // The last value holds until `end` (SimTime::max(): forever). Leaves the builder empty.
  StepSeries finish(SimTime end = SimTime::max());

 private:
  std::string name_;
  std::vector<SimTime> times_;
  std::vector<double> values_;
  SimTime last_time_ = SimTime::min();
  bool any_ = false;
};

}  // namespace wattsim::simcore
