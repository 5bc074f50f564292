#pragma once
// Quantiles of a non-negative quantity (job waits, say) over millions of samples in constant
// memory: a logarithmic histogram. Zeros are counted exactly; positive values fall in bins
// [lo * r^i, lo * r^(i+1)) with r = 1.001, and a quantile is reported as its bin's geometric
// midpoint, so it is within 0.05 % of the exact sample quantile (nearest rank). Values below
// `lo` (1e-6) count in the first bin, above `hi` (1e10) in the last. Memory: 34,540 counters.
// The mean is kept exactly (a plain sum), not from the bins.

#include <cstdint>
#include <vector>

namespace wattsim::simcore {

class QuantileHistogram {
 public:
  QuantileHistogram();
  // Requires value >= 0 and finite.
  void add(double value);
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ > 0 ? sum_ / static_cast<double>(count_) : 0.0; }
  double max() const { return max_; }
  // The q-quantile (q in [0, 1]) by nearest rank: the smallest sample with at least
  // ceil(q * n) samples at or below it. 0 when empty.
  double quantile(double q) const;

  static constexpr double kRatio = 1.001;
  static constexpr double kLow = 1e-6;
  static constexpr double kHigh = 1e10;

 private:
  std::vector<std::uint64_t> bins_;
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double max_ = 0.0;
};

}  // namespace wattsim::simcore
