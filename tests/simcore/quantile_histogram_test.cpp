#include "simcore/quantile_histogram.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using wattsim::simcore::QuantileHistogram;

TEST_CASE("quantiles are within 0.05 % of the exact nearest-rank quantiles", "[simcore][quantile]") {
  std::mt19937_64 gen(11);
  std::lognormal_distribution<double> wait(std::log(600.0), 2.0);
  QuantileHistogram h;
  std::vector<double> all;
  for (int i = 0; i < 100000; ++i) {
    const double w = (i % 5 == 0) ? 0.0 : wait(gen);  // a fifth start at once
    h.add(w);
    all.push_back(w);
  }
  std::sort(all.begin(), all.end());
  for (double q : {0.1, 0.2, 0.5, 0.9, 0.95, 0.99, 1.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(all.size())));
    const double exact = all[rank - 1];
    if (exact == 0.0) {
      CHECK(h.quantile(q) == 0.0);
    } else {
      CHECK(h.quantile(q) == Approx(exact).epsilon(5e-4));
    }
  }
  double sum = 0.0;
  for (double w : all) sum += w;
  CHECK(h.mean() == Approx(sum / static_cast<double>(all.size())).epsilon(1e-12));
  CHECK(h.count() == all.size());
  CHECK(h.max() == all.back());
}

TEST_CASE("quantile edge cases", "[simcore][quantile]") {
  QuantileHistogram h;
  CHECK(h.quantile(0.95) == 0.0);
  CHECK(h.mean() == 0.0);
  h.add(0.0);
  h.add(0.0);
  h.add(100.0);
  CHECK(h.quantile(0.5) == 0.0);            // rank 2 of 3 is a zero
  CHECK(h.quantile(0.95) == Approx(100.0).epsilon(5e-4));
  CHECK(h.quantile(1.0) <= 100.0);          // never beyond the largest sample
  h.add(1e12);                              // beyond the top bin: still counted
  CHECK(h.count() == 4);
  CHECK(h.quantile(1.0) == Approx(1e10).epsilon(1e-3));
}
