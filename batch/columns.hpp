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

#include "batch/columns_view.hpp"
#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::batch {

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

// Throws std::invalid_argument for inconsistent inputs (no demand, a series that does not
// cover [0, end)).
Columns build_columns(const ColumnInputs& in);

}  // namespace wattsim::batch
