#include "simcore/quantile_histogram.hpp"

#include <algorithm>
#include <cmath>

#include "simcore/assert.hpp"

namespace wattsim::simcore {

namespace {
const double kLogRatio = std::log(QuantileHistogram::kRatio);
const auto kBins = static_cast<std::size_t>(std::ceil(std::log(QuantileHistogram::kHigh / QuantileHistogram::kLow) /
                                                      std::log(QuantileHistogram::kRatio)));
}  // namespace

QuantileHistogram::QuantileHistogram() : bins_(kBins, 0) {}

void QuantileHistogram::add(double value) {
  WATTSIM_ASSERT(value >= 0.0 && std::isfinite(value), value);
  ++count_;
  sum_ += value;
  max_ = std::max(max_, value);
  if (value == 0.0) {
    ++zeros_;
    return;
  }
  const double x = std::clamp(value, kLow, kHigh);
  const auto i = static_cast<std::size_t>(std::log(x / kLow) / kLogRatio);
  ++bins_[std::min(i, bins_.size() - 1)];
}

double QuantileHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank <= zeros_) return 0.0;
  std::uint64_t seen = zeros_;
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    seen += bins_[i];
    if (seen >= rank) {
      // Geometric midpoint of the bin, never beyond the largest sample.
      return std::min(max_, kLow * std::exp((static_cast<double>(i) + 0.5) * kLogRatio));
    }
  }
  return max_;
}

}  // namespace wattsim::simcore
