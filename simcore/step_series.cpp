#include "simcore/step_series.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simcore/error.hpp"

namespace wattsim::simcore {

namespace {
std::string point_text(std::size_t i, SimTime t) {
  return "point " + std::to_string(i) + " (t = " + format_time(t) + ")";
}
}  // namespace

StepSeries::StepSeries(std::vector<SimTime> times, std::vector<double> values, SimTime end, std::string name)
    : end_(end), name_(std::move(name)) {
  if (times.size() != values.size()) {
    throw InputError(name_, std::to_string(times.size()) + " breakpoints but " + std::to_string(values.size()) +
                                " values; expected one value per breakpoint");
  }
  if (times.empty()) throw InputError(name_, "no points; expected at least one (time, value) point");
  StepSeriesBuilder builder(name_);
  for (std::size_t i = 0; i < times.size(); ++i) builder.append(times[i], values[i]);
  *this = builder.finish(end);
}

StepSeries StepSeries::constant(double value, SimTime start, SimTime end, std::string name) {
  return StepSeries({start}, {value}, end, std::move(name));
}

SimTime StepSeries::start() const {
  if (times_.empty()) throw std::out_of_range(name_ + ": the series is empty");
  return times_.front();
}

std::size_t StepSeries::index_at(SimTime t) const {
  if (times_.empty() || t < times_.front() || t >= end_) {
    throw std::out_of_range(name_ + ": no value at " + format_time(t) + "; the series covers [" +
                            (times_.empty() ? std::string("nothing") : format_time(times_.front())) + ", " +
                            format_time(end_) + ")");
  }
  // The last breakpoint <= t.
  auto it = std::upper_bound(times_.begin(), times_.end(), t);
  return static_cast<std::size_t>(it - times_.begin()) - 1;
}

SimTime StepSeries::next_change_after(SimTime t) const {
  const std::size_t i = index_at(t);
  return i + 1 < times_.size() ? times_[i + 1] : end_;
}

void StepSeries::check_span(SimTime t0, SimTime t1) const {
  if (t1 < t0) {
    throw std::invalid_argument(name_ + ": integral over a reversed span [" + format_time(t0) + ", " +
                                format_time(t1) + "]");
  }
  if (!covers(t0, t1)) {
    throw std::out_of_range(name_ + ": span [" + format_time(t0) + ", " + format_time(t1) +
                            "] is outside the series' domain [" +
                            (times_.empty() ? std::string("nothing") : format_time(times_.front())) + ", " +
                            format_time(end_) + ")");
  }
}

double StepSeries::integral(SimTime t0, SimTime t1) const {
  check_span(t0, t1);
  if (t0 == t1) return 0.0;
  // Sum value x microseconds (integer spans are exact in a double up to 2^53 us = 285 years),
  // then convert once.
  double sum_value_us = 0.0;
  std::size_t i = index_at(t0);
  SimTime seg_start = t0;
  while (seg_start < t1) {
    const SimTime seg_end = std::min(t1, i + 1 < times_.size() ? times_[i + 1] : end_);
    sum_value_us += values_[i] * static_cast<double>((seg_end - seg_start).us());
    seg_start = seg_end;
    ++i;
  }
  return sum_value_us * 1e-6;
}

double integral_of_product(const StepSeries& a, const StepSeries& b, SimTime t0, SimTime t1) {
  a.check_span(t0, t1);
  b.check_span(t0, t1);
  if (t0 == t1) return 0.0;
  std::size_t i = a.index_at(t0);
  std::size_t j = b.index_at(t0);
  SimTime t = t0;
  double sum = 0.0;
  while (t < t1) {
    const SimTime a_next = i + 1 < a.times_.size() ? a.times_[i + 1] : a.end_;
    const SimTime b_next = j + 1 < b.times_.size() ? b.times_[j + 1] : b.end_;
    const SimTime next = std::min({t1, a_next, b_next});
    sum += a.values_[i] * b.values_[j] * static_cast<double>((next - t).us());
    if (next == a_next) ++i;
    if (next == b_next) ++j;
    t = next;
  }
  return sum * 1e-6;
}

StepCursor::StepCursor(const StepSeries& series, bool periodic) : series_(&series), periodic_(periodic) {
  if (series.empty()) throw std::invalid_argument(series.name() + ": a cursor needs a non-empty series");
  if (periodic && series.end() == SimTime::max()) {
    throw std::invalid_argument(series.name() + ": a series without an end cannot repeat");
  }
}

void StepCursor::seek(SimTime t, bool allow_end) {
  const auto& times = series_->times();
  const auto& values = series_->values();
  // Whole periods first: add the rest of the current period and start the next.
  while (periodic_ && t >= end()) {
    for (; i_ < times.size(); ++i_) {
      const SimTime next = i_ + 1 < times.size() ? time(i_ + 1) : end();
      sum_value_us_ += values[i_] * static_cast<double>((next - time(i_)).us());
    }
    offset_ += series_->end() - series_->start();
    i_ = 0;
  }
  if (t < time(i_) || t > end() || (t == end() && !allow_end)) {
    throw std::out_of_range(series_->name() + ": cursor query at " + format_time(t) + " is outside [" +
                            format_time(time(i_)) + ", " + format_time(end()) + ")");
  }
  while (i_ + 1 < times.size() && time(i_ + 1) <= t) {
    sum_value_us_ += values[i_] * static_cast<double>((time(i_ + 1) - time(i_)).us());
    ++i_;
  }
}

double StepCursor::value_at(SimTime t) {
  seek(t, false);
  return series_->values()[i_];
}

SimTime StepCursor::next_change_after(SimTime t) {
  seek(t, false);
  if (i_ + 1 < series_->size()) return time(i_ + 1);
  return end();  // periodic: the next period's first point
}

double StepCursor::integral_to(SimTime t) {
  seek(t, true);
  return (sum_value_us_ + series_->values()[i_] * static_cast<double>((t - time(i_)).us())) * 1e-6;
}

StepSeries shift_series(const StepSeries& series, SimTime offset) {
  StepSeriesBuilder b(series.name());
  for (std::size_t i = 0; i < series.size(); ++i) b.append(series.times()[i] + offset, series.values()[i]);
  return b.finish(series.end() == SimTime::max() ? SimTime::max() : series.end() + offset);
}

void StepSeriesBuilder::append(SimTime t, double value) {
  if (!std::isfinite(value)) {
    throw InputError(name_, point_text(times_.size(), t) + ": value is " + std::to_string(value) +
                                "; expected a finite number");
  }
  if (any_ && t <= last_time_) {
    throw InputError(name_, point_text(times_.size(), t) + ": time is not after the previous point (" +
                                format_time(last_time_) + "); expected strictly increasing times");
  }
  any_ = true;
  last_time_ = t;
  if (!values_.empty() && values_.back() == value) return;  // same value: the segment continues
  times_.push_back(t);
  values_.push_back(value);
}

StepSeries StepSeriesBuilder::finish(SimTime end) {
  if (times_.empty()) throw InputError(name_, "no points; expected at least one (time, value) point");
  if (end <= last_time_) {
    throw InputError(name_, "end " + format_time(end) + " is not after the last point (" + format_time(last_time_) +
                                ")");
  }
  StepSeries s;
  s.times_ = std::move(times_);
  s.values_ = std::move(values_);
  s.end_ = end;
  s.name_ = name_;
  times_.clear();
  values_.clear();
  any_ = false;
  last_time_ = SimTime::min();
  return s;
}

}  // namespace wattsim::simcore
