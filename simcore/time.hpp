#pragma once
// Simulated time: an integer count of microseconds (DESIGN.md §2). Integer time makes
// simultaneous events exact (an hourly signal boundary and a job completion at the same
// instant compare equal) and runs bit-for-bit reproducible. int64 microseconds span
// +-292,000 years; a year is 3.15e13 us.
//
// SimTime serves both as a point in time (microseconds since the scenario's start) and as a
// duration; the arithmetic is the same.

#include <cstdint>
#include <limits>
#include <string>

namespace wattsim::simcore {

class SimTime {
 public:
  constexpr SimTime() = default;

  static constexpr SimTime from_us(std::int64_t us) { return SimTime(us); }
  static constexpr SimTime from_ms(std::int64_t ms) { return SimTime(ms * 1000); }
  // Rounds to the nearest microsecond (halves away from zero). Throws std::out_of_range for
  // a non-finite value or one outside the representable span.
  static SimTime from_seconds(double seconds);
  static SimTime from_hours(double hours) { return from_seconds(hours * 3600.0); }
  static constexpr SimTime seconds(std::int64_t s) { return SimTime(s * 1'000'000); }
  static constexpr SimTime minutes(std::int64_t m) { return SimTime(m * 60'000'000); }
  static constexpr SimTime hours(std::int64_t h) { return SimTime(h * 3'600'000'000); }
  static constexpr SimTime days(std::int64_t d) { return SimTime(d * 86'400'000'000); }
  static constexpr SimTime zero() { return SimTime(0); }
  // "Never": later than every real event. Used for "no next change" and open intervals.
  static constexpr SimTime max() { return SimTime(std::numeric_limits<std::int64_t>::max()); }
  static constexpr SimTime min() { return SimTime(std::numeric_limits<std::int64_t>::min()); }

  constexpr std::int64_t us() const { return us_; }
  constexpr double to_seconds() const { return static_cast<double>(us_) * 1e-6; }
  constexpr double to_hours() const { return static_cast<double>(us_) / 3.6e9; }

  constexpr SimTime& operator+=(SimTime d) {
    us_ += d.us_;
    return *this;
  }
  constexpr SimTime& operator-=(SimTime d) {
    us_ -= d.us_;
    return *this;
  }
  friend constexpr SimTime operator+(SimTime a, SimTime b) { return SimTime(a.us_ + b.us_); }
  friend constexpr SimTime operator-(SimTime a, SimTime b) { return SimTime(a.us_ - b.us_); }
  friend constexpr SimTime operator*(SimTime a, std::int64_t k) { return SimTime(a.us_ * k); }
  friend constexpr SimTime operator*(std::int64_t k, SimTime a) { return SimTime(a.us_ * k); }
  friend constexpr auto operator<=>(SimTime, SimTime) = default;

 private:
  constexpr explicit SimTime(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

// "3d 04:05:06.000": days, then hours:minutes:seconds.milliseconds (truncated toward zero);
// negative spans get a leading '-'. SimTime::max() formats as "never".
std::string format_time(SimTime t);

}  // namespace wattsim::simcore
