#pragma once
// The batch evaluator's interval columns as data (built by batch/columns.hpp): plain vectors
// and pointers, C++17, so that the CUDA translation units can include them.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wattsim::batch {

enum IntervalFlag : std::uint8_t { kHourEnd = 1, kMonthEnd = 2, kYearEnd = 4 };

struct Columns {
  std::vector<double> dt_s, demand_w, solar_cf, wind_cf, ppa_cf, intensity, price;
  std::vector<std::uint8_t> flags;  // IntervalFlag bits: the periods that close at the interval's end
  std::size_t size() const { return dt_s.size(); }
};

// The columns as plain pointers, for the evaluators (CPU lanes and CUDA threads).
struct ColumnsView {
  const double *dt_s, *demand_w, *solar_cf, *wind_cf, *ppa_cf, *intensity, *price;
  const std::uint8_t* flags;
  std::size_t size;
};
inline ColumnsView view(const Columns& c) {
  return {c.dt_s.data(),   c.demand_w.data(),  c.solar_cf.data(), c.wind_cf.data(), c.ppa_cf.data(),
          c.intensity.data(), c.price.data(),  c.flags.data(),    c.size()};
}

}  // namespace wattsim::batch
