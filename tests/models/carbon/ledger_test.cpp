// A day with constant demand, a solar bell, a flat PPA and a two-level carbon intensity, every
// summary term computed by hand (the figures are in kW and kWh; one interval per hour).

#include "models/carbon/ledger.hpp"

#include <catch2/catch.hpp>

#include "models/supply/supply_site.hpp"
#include "simcore/calendar.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

constexpr double kKwh = 3.6e6;
// Hours 6-16: capacity factor 0.1 0.3 0.5 0.7 0.9 1.0 0.9 0.7 0.5 0.3 0.1; 200 kW of solar.
const double kCf[24] = {0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 0.9, 0.7, 0.5, 0.3, 0.1, 0, 0, 0, 0, 0, 0, 0};

supply::SupplyConfig day_config() {
  supply::SupplyConfig c;
  std::vector<SimTime> hours;
  std::vector<double> cf;
  for (int h = 0; h < 24; ++h) {
    hours.push_back(SimTime::hours(h));
    cf.push_back(kCf[h]);
  }
  c.renewables.push_back({200e3, simcore::StepSeries(hours, cf, SimTime::hours(24), "solar"), false});
  c.ppas.push_back({30e3, simcore::StepSeries::constant(1.0), false});
  c.dispatch.allow_export = true;
  c.price = supply::ScaledSeries{1.0, simcore::StepSeries::constant(0.10), false};
  c.costs.export_price_factor = 0.5;
  c.costs.demand_charge_per_kw_month = 10.0;
  c.calendar_origin = SimTime::days(simcore::days_from_civil(2023, 6, 1));
  return c;
}

// 400 g/kWh until noon, 200 g/kWh after.
const simcore::StepSeries kIntensity({SimTime::zero(), SimTime::hours(12)}, {400.0, 200.0}, SimTime::days(400));

supply::SupplySite run_day(supply::SupplyConfig c) {
  supply::SupplySite site(std::make_shared<supply::SupplyConfig>(std::move(c)), kIntensity, false);
  site.set_demand(SimTime::zero(), 100e3);
  site.finish(SimTime::hours(24));
  return site;
}

}  // namespace

TEST_CASE("a solar day: energy, carbon, matching, cost and the CFE score by hand", "[carbon][ledger]") {
  const auto site = run_day(day_config());
  const auto& f = site.flows();
  const auto& t = site.ledger();
  CHECK(f.demand_j == Approx(2400 * kKwh).epsilon(1e-12));
  CHECK(f.renewable_j == Approx(1200 * kKwh).epsilon(1e-12));
  CHECK(f.import_j == Approx(1540 * kKwh).epsilon(1e-12));
  CHECK(f.export_j == Approx(340 * kKwh).epsilon(1e-12));
  CHECK(f.renewable_used_j == Approx(860 * kKwh).epsilon(1e-12));
  CHECK(f.curtailed_j == 0.0);
  CHECK(t.location_kg == Approx(720.0).epsilon(1e-12));
  CHECK(t.grid_kg == Approx(452.0).epsilon(1e-12));
  CHECK(t.operational_kg() == Approx(452.0).epsilon(1e-12));  // no credits
  CHECK(t.export_avoided_kg == Approx(112.0).epsilon(1e-12));
  CHECK(t.market_hourly_kg == Approx(302.0).epsilon(1e-12));
  CHECK(t.market_annual_kg == Approx(452.0 * (1 - 720.0 / 1540.0)).epsilon(1e-12));
  CHECK(t.cfe_hourly() == Approx(1370.0 / 2400.0).epsilon(1e-12));
  CHECK(t.ppa_j == Approx(720 * kKwh).epsilon(1e-12));
  CHECK(t.demand_charges == Approx(10.0 * 100).epsilon(1e-12));  // the month's peak import is 100 kW
  CHECK(t.energy_cost == Approx(0.10 * 1540 - 0.5 * 0.10 * 340 + 1000).epsilon(1e-12));
}

TEST_CASE("monthly net-zero credits cancel grid emissions, within a budget", "[carbon][ledger]") {
  auto c = day_config();
  c.credits.kind = carbon::CreditKind::kNetZero;
  c.credits.period = carbon::CreditPeriod::kMonth;
  c.credit_price = supply::ScaledSeries{1.0, simcore::StepSeries::constant(50.0), false};  // per tonne
  const auto full = run_day(c).ledger();
  CHECK(full.credits_kg == Approx(-452.0).epsilon(1e-12));
  CHECK(full.operational_kg() == Approx(0.0).margin(1e-9));
  CHECK(full.credits_cost == Approx(452.0 * 50 / 1000).epsilon(1e-12));
  c.credits.budget = 10.0;  // buys 200 kg
  const auto capped = run_day(c).ledger();
  CHECK(capped.credits_retired_kg == Approx(200.0).epsilon(1e-12));
  CHECK(capped.operational_kg() == Approx(252.0).epsilon(1e-12));
  CHECK(capped.credits_cost == Approx(10.0).epsilon(1e-12));
  // A fixed quantity and an obligation per period.
  c.credits = {carbon::CreditKind::kFixed, carbon::CreditPeriod::kMonth, 100.0, 30.0, 1e300};
  const auto fixed = run_day(c).ledger();
  CHECK(fixed.credits_kg == Approx(30.0 - 100.0).epsilon(1e-12));
  CHECK(fixed.operational_kg() == Approx(452.0 - 70.0).epsilon(1e-12));
}

TEST_CASE("with constant k, no storage and no export, operational carbon is E k (1 - R/E)", "[carbon][ledger]") {
  auto c = day_config();
  c.dispatch.allow_export = false;  // the surplus is curtailed
  const simcore::StepSeries k = simcore::StepSeries::constant(300.0);
  supply::SupplySite site(std::make_shared<supply::SupplyConfig>(c), k, false);
  site.set_demand(SimTime::zero(), 100e3);
  site.set_demand(SimTime::hours(5) + SimTime::minutes(20), 140e3);  // demand steps are fine too
  site.finish(SimTime::hours(24));
  const auto& f = site.flows();
  const double e_kwh = f.demand_j / kKwh;
  const double r_kwh = (f.renewable_j - f.curtailed_j) / kKwh;  // renewable used
  CHECK(site.ledger().operational_kg() == Approx(e_kwh * 0.3 * (1 - r_kwh / e_kwh)).epsilon(1e-12));
  CHECK(f.curtailed_j > 0.0);
}

TEST_CASE("calendar periods split the intervals: hours, months and years", "[carbon][ledger]") {
  // Demand 1 MW from 2023-12-31 22:30 for 3 h; k 100 before 2024, 300 after; a PPA of 0.5 MW.
  supply::SupplyConfig c;
  c.calendar_origin = SimTime::days(simcore::days_from_civil(2023, 12, 31)) + SimTime::minutes(22 * 60 + 30);
  c.ppas.push_back({0.5e6, simcore::StepSeries::constant(1.0), false});
  c.costs.demand_charge_per_kw_month = 1.0;
  const simcore::StepSeries k({SimTime::zero(), SimTime::minutes(90)}, {100.0, 300.0});
  supply::SupplySite site(std::make_shared<supply::SupplyConfig>(c), k, false);
  site.set_demand(SimTime::zero(), 1e6);
  site.finish(SimTime::hours(3));
  const auto& t = site.ledger();
  // 2023: 1.5 MWh at 100 g; 2024: 1.5 MWh at 300 g; each year's PPA covers half its import.
  CHECK(t.grid_kg == Approx(150.0 + 450.0).epsilon(1e-12));
  CHECK(t.market_annual_kg == Approx(0.5 * 150.0 + 0.5 * 450.0).epsilon(1e-12));
  // Two months, each with a 1,000 kW peak.
  CHECK(t.demand_charges == Approx(2000.0).epsilon(1e-12));
}
