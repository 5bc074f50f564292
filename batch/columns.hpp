#pragma once
// The batch evaluator's pre-merged intervals (DESIGN.md §5, §8): the union of the breakpoints
// of the demand and of every series a group of variants uses, and of the UTC hours, months
// and years, as columns over one interval list (structure of arrays). Within an interval
// every input is constant, so each variant is one sequential scan with its own battery state.
//
// The intervals are split exactly where the simulator's online settlement
// (models/supply/supply_site.hpp) splits them for the same inputs: at every demand change and
// at every breakpoint of the series in use, and at calendar boundaries. A series a variant
// does not use (no wind, say) must be absent, not zero, for the splits to match.

#include <cstdint>
#include <vector>

#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::batch {

enum IntervalFlag : std::uint8_t { kHourEnd = 1, kMonthEnd = 2, kYearEnd = 4 };

struct SeriesRef {
  const simcore::StepSeries* series = nullptr;  // null: absent
  bool periodic = false;
};

struct ColumnInputs {
  std::vector<simcore::SimTime> demand_times;  // the demand's breakpoints, the first at 0
  std::vector<double> demand_w;                // the last holds until `end`
  simcore::SimTime end;
  SeriesRef intensity;  // g/kWh (required)
  SeriesRef price;      // currency per kWh
  SeriesRef solar, wind, ppa;  // capacity factors
  simcore::SimTime calendar_origin;  // absolute UTC time of simulated time 0
};

struct Columns {
  std::vector<double> dt_s, demand_w, solar_cf, wind_cf, ppa_cf, intensity, price;
  std::vector<std::uint8_t> flags;  // IntervalFlag bits: the periods that close at the interval's end
  std::size_t size() const { return dt_s.size(); }
};

// Throws std::invalid_argument for inconsistent inputs (no demand, a series that does not
// cover [0, end)).
Columns build_columns(const ColumnInputs& in);

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
