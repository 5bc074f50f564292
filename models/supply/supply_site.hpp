#pragma once
// The settlement run forward in time for one site (DESIGN.md §5): on-site renewables, a
// battery with its dispatch strategy and the grid meet the facility's demand, interval by
// interval, with settlement.hpp's exact core; the carbon ledger (models/carbon/ledger.hpp)
// books the flows per calendar hour, month and year.
//
// Intervals: the demand is held between set_demand calls; every breakpoint of every signal
// (renewable output, PPA output, carbon intensity, price, credit price), every UTC hour,
// month and year boundary (and day boundary when arbitrage thresholds are daily quantiles)
// splits it. The simulator calls set_demand at each change of facility power, and nothing
// else splits an interval: reading the state at another time (a policy asking for the state
// of charge, a measurement tick) settles a copy (peek). So replaying the recorded demand
// series through the same calls gives the same numbers, bit for bit.

#include <memory>
#include <optional>
#include <vector>

#include "models/carbon/ledger.hpp"
#include "models/supply/settlement.hpp"
#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::supply {

// Told about each interval as it is settled, in time order (copies made by peek() tell no one).
class SettlementListener {
 public:
  virtual ~SettlementListener() = default;
  // [start, end) settled at constant demand: its operational carbon before credits
  // (k x grid import, kgCO2e) and its energy cost before demand charges (import cost - export
  // revenue, currency).
  virtual void on_settled(simcore::SimTime start, simcore::SimTime end, double grid_kg, double energy_cost) = 0;
};

// value(t) = scale x series(t), repeating the series when periodic.
struct ScaledSeries {
  double scale = 1.0;
  simcore::StepSeries series;  // in simulated time
  bool periodic = false;
};

struct SupplyConfig {
  std::vector<ScaledSeries> renewables;  // on-site generation, W: capacity x availability x CF
  std::vector<ScaledSeries> ppas;        // contracted off-site generation, W (market-based only)
  BatteryParams battery;                 // capacity 0: none
  double initial_soc = 0.5;              // fraction of capacity
  DispatchParams dispatch;
  // Carbon arbitrage: fixed thresholds, or each UTC day's time-weighted quantiles of k.
  double charge_below_g_per_kwh = -1.0;
  double discharge_above_g_per_kwh = 1e300;
  std::optional<double> charge_below_quantile, discharge_above_quantile;
  std::optional<ScaledSeries> price;         // currency per kWh (none: 0)
  std::optional<ScaledSeries> credit_price;  // currency per tonne (none: 0)
  carbon::CreditPolicy credits;
  carbon::CostParams costs;
  simcore::SimTime calendar_origin;  // absolute UTC time (us since the epoch) of simulated time 0
};

class SupplySite {
 public:
  // `intensity` (g/kWh, simulated time) must outlive the site (and its copies).
  SupplySite(std::shared_ptr<const SupplyConfig> config, const simcore::StepSeries& intensity, bool intensity_periodic);

  // The demand from `now` on. Several calls at one instant: the last one holds. An interval
  // ends at `now` only if the instant's final demand differs from the one before it (so the
  // intervals depend on the demand as a function of time, not on how it was reported).
  void set_demand(simcore::SimTime now, double demand_w);
  // Settles up to `now`.
  void advance(simcore::SimTime now);
  // Settles every interval that ends at or before `now` without splitting one (up to the last
  // demand change or signal breakpoint at or before now), so the intervals, and the numbers, are
  // those of lazy settlement. Cheap when there is nothing to settle.
  void settle_whole_intervals(simcore::SimTime now);
  // Told of every interval settled from now on; null: no one. Not copied into peek()'s copies.
  void set_listener(SettlementListener* listener) { listener_ = listener; }
  // Settles up to `end` and closes the open hour, month and year. Call once, at the end.
  void finish(simcore::SimTime end);
  // A copy settled up to `now`, leaving this one as it is (cheap: the series are shared).
  SupplySite peek(simcore::SimTime now) const {
    SupplySite copy = *this;
    copy.listener_ = nullptr;
    copy.advance(now);
    return copy;
  }

  Flows flows() const { return ledger_.flows(); }  // from time 0 to the last settled instant
  const carbon::LedgerTotals& ledger() const { return ledger_.totals(); }
  const BatteryState& battery() const { return state_; }
  const SupplyConfig& config() const { return *config_; }
  // Signals in force over the last settled interval.
  double renewable_w() const { return signals_.renewable_w; }
  double price_per_kwh() const { return signals_.price_per_kwh; }
  double demand_w() const { return signals_.demand_w; }
  double ppa_w() const { return ppa_w_; }
  double full_cycles() const { return config_->battery.capacity_j > 0 ? state_.discharged_j / config_->battery.capacity_j : 0.0; }

 private:
  struct Source {
    const ScaledSeries* spec;
    simcore::StepCursor cursor;
  };
  void refresh(simcore::SimTime t);  // signals and the next breakpoint, at a breakpoint
  void settle_to(simcore::SimTime now);
  void commit_demand();  // the pending demand change, if it changes the demand
  void daily_thresholds(simcore::SimTime day_start);

  std::shared_ptr<const SupplyConfig> config_;
  std::vector<Source> renewables_, ppas_;
  std::optional<Source> price_, credit_price_;
  simcore::StepCursor intensity_;
  bool intensity_periodic_ = false;
  const simcore::StepSeries* intensity_series_;
  carbon::Ledger ledger_;
  DispatchLanesT<double> dispatch_;
  PreparedBatteryT<double> battery_;
  BatteryState state_;
  IntervalSignals signals_;
  double ppa_w_ = 0.0;
  simcore::SimTime t_;            // settled up to here
  simcore::SimTime next_break_;   // the next signal breakpoint or calendar boundary
  simcore::SimTime next_hour_, next_day_, next_month_, next_year_;
  bool stale_ = false;  // at a breakpoint whose new signals are not read yet
  bool has_pending_ = false;  // a demand reported at pending_t_, not applied yet
  simcore::SimTime pending_t_;
  double pending_w_ = 0.0;
  bool finished_ = false;
  SettlementListener* listener_ = nullptr;
};

}  // namespace wattsim::supply
