#include "simcore/time.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace wattsim::simcore {

SimTime SimTime::from_seconds(double seconds) {
  const double us = std::round(seconds * 1e6);
  // 9.2e18 is the int64 limit; stay clear of the rounding edge.
  if (!std::isfinite(us) || std::fabs(us) > 9.0e18) {
    throw std::out_of_range("time of " + std::to_string(seconds) + " s is outside the simulated span (+-285,000 years)");
  }
  return SimTime(static_cast<std::int64_t>(us));
}

std::string format_time(SimTime t) {
  if (t == SimTime::max()) return "never";
  std::int64_t us = t.us();
  const bool negative = us < 0;
  // Work with the magnitude as unsigned: -min() does not fit in int64.
  std::uint64_t mag = negative ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
  const std::uint64_t ms = (mag / 1000) % 1000;
  const std::uint64_t total_s = mag / 1'000'000;
  const std::uint64_t s = total_s % 60;
  const std::uint64_t m = (total_s / 60) % 60;
  const std::uint64_t h = (total_s / 3600) % 24;
  const std::uint64_t d = total_s / 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%llud %02llu:%02llu:%02llu.%03llu", negative ? "-" : "",
                static_cast<unsigned long long>(d), static_cast<unsigned long long>(h),
                static_cast<unsigned long long>(m), static_cast<unsigned long long>(s),
                static_cast<unsigned long long>(ms));
  return buf;
}

}  // namespace wattsim::simcore
