#include "batch/columns.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "simcore/calendar.hpp"

namespace wattsim::batch {

using simcore::CalendarPeriod;
using simcore::SimTime;

namespace {
SimTime next_boundary(SimTime t, SimTime origin, CalendarPeriod p) { return simcore::next_period_start(t + origin, p) - origin; }

struct Track {
  std::optional<simcore::StepCursor> cursor;
  double value = 0.0;
};
}  // namespace

Columns build_columns(const ColumnInputs& in) {
  if (in.demand_times.empty() || in.demand_times.size() != in.demand_w.size() || in.demand_times.front() != SimTime::zero()) {
    throw std::invalid_argument("batch: the demand needs breakpoints from time 0, one value each");
  }
  if (in.intensity.series == nullptr) throw std::invalid_argument("batch: no carbon intensity series");
  if (in.end <= SimTime::zero()) throw std::invalid_argument("batch: the demand profile is empty");
  Track tracks[5];
  const SeriesRef* refs[5] = {&in.intensity, &in.price, &in.solar, &in.wind, &in.ppa};
  for (int k = 0; k < 5; ++k) {
    if (refs[k]->series != nullptr) tracks[k].cursor.emplace(*refs[k]->series, refs[k]->periodic);
  }
  Columns c;
  const SimTime origin = in.calendar_origin;
  SimTime next_hour = next_boundary(SimTime::zero(), origin, CalendarPeriod::kHour);
  SimTime next_month = next_boundary(SimTime::zero(), origin, CalendarPeriod::kMonth);
  SimTime next_year = next_boundary(SimTime::zero(), origin, CalendarPeriod::kYear);
  SimTime next_signal = SimTime::max();
  const auto refresh = [&](SimTime t) {
    next_signal = SimTime::max();
    for (auto& tr : tracks) {
      if (!tr.cursor) continue;
      tr.value = tr.cursor->value_at(t);
      next_signal = std::min(next_signal, tr.cursor->next_change_after(t));
    }
  };
  refresh(SimTime::zero());
  std::size_t d = 0;  // the demand segment in force
  SimTime t = SimTime::zero();
  while (t < in.end) {
    const SimTime next_demand = d + 1 < in.demand_times.size() ? in.demand_times[d + 1] : SimTime::max();
    const SimTime next_break = std::min({next_signal, next_hour, next_month, next_year});
    const SimTime seg_end = std::min({in.end, next_break, next_demand});
    c.dt_s.push_back((seg_end - t).to_seconds());
    c.demand_w.push_back(in.demand_w[d]);
    c.intensity.push_back(tracks[0].value);
    c.price.push_back(tracks[1].cursor ? tracks[1].value : 0.0);
    c.solar_cf.push_back(tracks[2].cursor ? tracks[2].value : 0.0);
    c.wind_cf.push_back(tracks[3].cursor ? tracks[3].value : 0.0);
    c.ppa_cf.push_back(tracks[4].cursor ? tracks[4].value : 0.0);
    std::uint8_t flags = 0;
    t = seg_end;
    if (t == in.end) flags = kHourEnd | kMonthEnd | kYearEnd;  // the end of the run closes everything
    if (t == next_break) {
      if (t == next_hour) {
        flags |= kHourEnd;
        next_hour = next_boundary(t, origin, CalendarPeriod::kHour);
      }
      if (t == next_month) {
        flags |= kMonthEnd;
        next_month = next_boundary(t, origin, CalendarPeriod::kMonth);
      }
      if (t == next_year) {
        flags |= kYearEnd;
        next_year = next_boundary(t, origin, CalendarPeriod::kYear);
      }
      if (t < in.end) refresh(t);
    }
    c.flags.push_back(flags);
    if (t == next_demand) ++d;
  }
  return c;
}

}  // namespace wattsim::batch
