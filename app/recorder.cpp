#include "app/recorder.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "app/version.hpp"
#include "simcore/time.hpp"

namespace wattsim::app {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

// Writes what the world reports into the result set, converting SI to the output units.
Recorder::Recorder(results::ResultWriter& writer, const Scenario& sc) : writer_(writer), scenario_(sc) {
  for (const auto& site : sc.world.sites) thermal_ = thermal_ || site.thermal.enabled;
  static const std::vector<std::string> columns = {
      "time_s", "duration_s", "it_power_kw", "facility_power_kw", "busy_accelerators", "queued_jobs",
      "carbon_intensity_g_per_kwh", "carbon_rate_kg_per_h", "carbon_location_rate_kg_per_h", "renewable_kw",
      "renewable_curtailed_kw", "battery_kw", "battery_soc_kwh", "grid_import_kw", "grid_export_kw", "price",
      "cooling_kw", "heat_pump_kw", "heat_recovered_kw", "heat_delivered_kw", "water_l_per_h", "outside_temp_c"};
  static const std::vector<std::string> units = {"s", "s", "kW", "kW", "1", "1", "g/kWh", "kg/h", "kg/h",
                                                 "kW", "kW", "kW", "kWh", "kW", "kW", "currency/kWh",
                                                 "kW", "kW", "kW", "kW", "L/h", "C"};
  total_ = &writer_.add_table("/timeseries", columns, units);
  const bool several = sc.world.sites.size() > 1;
  for (const auto& site : sc.world.sites) {
    if (several) sites_.push_back(&writer_.add_table("/sites/" + site.name + "/timeseries", columns, units));
    // The exact demand step series: each breakpoint and the demand from it on (the last
    // holds until /summary end_s), for the batch evaluator.
    profiles_.push_back(&writer_.add_table(several ? "/sites/" + site.name + "/profile" : "/profile",
                                           {"time_s", "demand_kw"}, {"s", "kW"}));
  }
}

void Recorder::on_demand(std::uint32_t site, simcore::SimTime time, double watts) {
  const double row[] = {time.to_seconds(), watts / 1e3};
  profiles_[site]->append(row);
}

void Recorder::on_job(const datacenter::JobRecord& r) {
  results::JobRow row{};
  row.id = r.job->id;
  row.submit_s = r.job->submit.to_seconds();
  row.start_s = r.start == simcore::SimTime::max() ? kNaN : r.start.to_seconds();
  row.end_s = r.end == simcore::SimTime::max() ? kNaN : r.end.to_seconds();
  row.accelerators = r.job->accelerators;
  row.it_energy_kwh = r.energy_j / 3.6e6;
  row.carbon_kg = r.carbon_kg;
  writer_.append_job(row);
}

void Recorder::on_interval(const datacenter::IntervalRecord& r) {
  const double row[] = {r.start.to_seconds(),
                        (r.end - r.start).to_seconds(),
                        r.it_power_w / 1e3,
                        r.facility_power_w / 1e3,
                        r.busy_accelerators,
                        r.queued_jobs,
                        r.carbon_intensity_g_per_kwh,
                        r.carbon_rate_kg_per_s * 3600.0,
                        r.carbon_location_rate_kg_per_s * 3600.0,
                        r.renewable_w / 1e3,
                        r.curtailed_w / 1e3,
                        r.battery_w / 1e3,
                        r.battery_energy_j / 3.6e6,
                        r.grid_import_w / 1e3,
                        r.grid_export_w / 1e3,
                        r.price_per_kwh,
                        r.cooling_w / 1e3,
                        r.heat_pump_w / 1e3,
                        r.heat_recovered_w / 1e3,
                        r.heat_delivered_w / 1e3,
                        r.water_l_per_s * 3600.0,
                        r.outside_temp_c};
  if (r.site == datacenter::IntervalRecord::kAllSites) {
    total_->append(row);
  } else if (!sites_.empty()) {
    sites_[r.site]->append(row);
  }
}

void Recorder::on_racks(simcore::SimTime, simcore::SimTime, std::span<const double> power_w, std::span<const double> inlet_c) {
  racks_ = power_w.size();
  for (double w : power_w) rack_power_kw_.push_back(w / 1e3);
  if (thermal_) rack_inlet_c_.insert(rack_inlet_c_.end(), inlet_c.begin(), inlet_c.end());
}

// /racks: time x rack matrices (rows as /timeseries), and each rack's site.
void Recorder::write_racks(const Scenario& sc) {
  if (racks_ == 0) return;
  const std::size_t rows = rack_power_kw_.size() / racks_;
  writer_.write_matrix("/racks/power_kw", rows, racks_, rack_power_kw_, "kW");
  std::vector<std::int64_t> site_of;
  for (std::size_t s = 0; s < sc.world.sites.size(); ++s) {
    for (const auto& g : sc.world.sites[s].racks) site_of.insert(site_of.end(), g.count, static_cast<std::int64_t>(s));
  }
  if (thermal_) writer_.write_matrix("/racks/inlet_temp_c", rows, racks_, rack_inlet_c_, "C");
  writer_.write_indices("/racks/site", site_of);
}

void Recorder::finish(const datacenter::RunSummary& summary) {
  const Scenario& sc = scenario_;
  writer_.write_summary("/summary", run_summary(summary));
  if (sc.world.sites.size() > 1) {
    for (const auto& s : summary.sites) writer_.write_summary("/sites/" + s.name + "/summary", site_summary(s));
  }
  write_racks(sc);
  // /thermal_violations: one row per rack inlet above its limit (sites with a thermal model).
  // Racks are numbered over all sites, as the columns of /racks.
  bool thermal = false;
  std::vector<double> rows;
  std::size_t first_rack = 0;
  for (std::size_t i = 0; i < summary.sites.size(); ++i) {
    thermal = thermal || sc.world.sites[i].thermal.enabled;
    for (const auto& v : summary.sites[i].thermal_violation_list) {
      const double row[] = {static_cast<double>(i), static_cast<double>(first_rack + v.rack), v.start.to_seconds(), v.end.to_seconds(),
                            (v.end - v.start).to_seconds(), v.peak_c, v.limit_c};
      rows.insert(rows.end(), std::begin(row), std::end(row));
    }
    for (const auto& g : sc.world.sites[i].racks) first_rack += g.count;
  }
  if (thermal) {
    writer_.write_records("/thermal_violations", {"site", "rack", "start_s", "end_s", "duration_s", "peak_c", "limit_c"},
                         {"1", "1", "s", "s", "s", "C", "C"}, rows);
  }
}

std::vector<results::SummaryValue> site_summary(const datacenter::SiteSummary& s) {
  const carbon::LedgerTotals& l = s.ledger;
  const supply::Flows& f = s.supply;
  return {
      {"it_energy_kwh", s.it_energy_j / 3.6e6, "kWh"},
      {"facility_energy_kwh", s.facility_energy_j / 3.6e6, "kWh"},
      {"peak_facility_power_kw", s.peak_facility_power_w / 1e3, "kW"},
      {"pue", s.pue(), "1"},
      {"carbon_location_kg", s.carbon_location_kg, "kg CO2e"},
      {"dc_energy_kwh", s.dc_energy_j / 3.6e6, "kWh"},
      {"jobs_energy_kwh", s.jobs_energy_j / 3.6e6, "kWh"},
      {"idle_energy_kwh", s.idle_energy_j / 3.6e6, "kWh"},
      {"psu_loss_kwh", s.psu_loss_j / 3.6e6, "kWh"},
      {"distribution_loss_kwh", s.distribution_loss_j / 3.6e6, "kWh"},
      {"overhead_kwh", s.overhead_j / 3.6e6, "kWh"},
      {"accelerators", static_cast<double>(s.accelerators), "1"},
      {"capacity_violations", static_cast<double>(s.capacity_violations), "1"},
      {"capacity_violation_s", s.capacity_violation_s, "s"},
      {"carbon_operational_kg", l.operational_kg(), "kg CO2e"},
      {"carbon_grid_kg", l.grid_kg, "kg CO2e"},
      {"carbon_market_kg", l.market_annual_kg, "kg CO2e"},
      {"carbon_market_hourly_kg", l.market_hourly_kg, "kg CO2e"},
      {"cfe_hourly", l.cfe_hourly(), "1"},
      {"carbon_embodied_kg", s.embodied_kg, "kg CO2e"},
      {"export_avoided_kg", l.export_avoided_kg, "kg CO2e"},
      {"credits_kg", l.credits_kg, "kg CO2e"},
      {"credits_retired_kg", l.credits_retired_kg, "kg CO2e"},
      {"credits_cost", l.credits_cost, "currency"},
      {"energy_cost", l.energy_cost, "currency"},
      {"demand_charges", l.demand_charges, "currency"},
      {"cue", s.it_energy_j > 0 ? l.operational_kg() / (s.it_energy_j / 3.6e6) : 0.0, "kg CO2e/kWh"},
      {"renewable_generated_kwh", f.renewable_j / 3.6e6, "kWh"},
      {"renewable_used_kwh", (f.renewable_j - f.curtailed_j) / 3.6e6, "kWh"},
      {"renewable_curtailed_kwh", f.curtailed_j / 3.6e6, "kWh"},
      {"grid_import_kwh", f.import_j / 3.6e6, "kWh"},
      {"grid_export_kwh", f.export_j / 3.6e6, "kWh"},
      {"ppa_kwh", l.ppa_j / 3.6e6, "kWh"},
      {"battery_charged_kwh", f.charge_j / 3.6e6, "kWh"},
      {"battery_discharged_kwh", f.discharge_j / 3.6e6, "kWh"},
      {"battery_losses_kwh", f.battery_loss_j / 3.6e6, "kWh"},
      {"battery_full_cycles", s.battery_full_cycles, "1"},
      {"battery_capacity_end_kwh", s.battery_capacity_j / 3.6e6, "kWh"},
      {"cooling_energy_kwh", s.cooling_j / 3.6e6, "kWh"},
      {"pue_partial_cooling", s.pue_partial_cooling(), "1"},
      {"heat_recovered_kwh", s.heat_recovered_j / 3.6e6, "kWh"},
      {"heat_delivered_kwh", s.heat_delivered_j / 3.6e6, "kWh"},
      {"heat_pump_energy_kwh", s.heat_pump_j / 3.6e6, "kWh"},
      {"ere", s.ere(), "1"},
      {"erf", s.erf(), "1"},
      {"heat_avoided_kg", s.heat_avoided_kg, "kg CO2e"},
      {"heat_revenue", s.heat_revenue, "currency"},
      {"water_l", s.water_l, "L"},
      {"wue", s.wue_l_per_kwh(), "L/kWh"},
      {"max_inlet_temp_c", s.max_inlet_c, "C"},
      {"thermal_violations", static_cast<double>(s.thermal_violations), "1"},
      {"thermal_violation_s", s.thermal_violation_s, "s"},
  };
}

std::vector<results::SummaryValue> run_summary(const datacenter::RunSummary& r) {
  auto values = site_summary(r.total);
  const std::vector<results::SummaryValue> more = {
      {"makespan_s", r.makespan.to_seconds(), "s"},
      {"end_s", r.end.to_seconds(), "s"},
      {"mean_wait_s", r.mean_wait_s, "s"},
      {"p95_wait_s", r.p95_wait_s, "s"},
      {"max_wait_s", r.max_wait_s, "s"},
      {"jobs_submitted", static_cast<double>(r.jobs_submitted), "1"},
      {"jobs_completed", static_cast<double>(r.jobs_completed), "1"},
      {"jobs_pending", static_cast<double>(r.jobs_running + r.jobs_queued), "1"},
      {"jobs_running", static_cast<double>(r.jobs_running), "1"},
      {"jobs_queued", static_cast<double>(r.jobs_queued), "1"},
      {"jobs_rejected", static_cast<double>(r.jobs_rejected), "1"},
      {"mean_accelerator_utilisation", r.mean_accelerator_utilisation(), "1"},
      {"events", static_cast<double>(r.events), "1"},
  };
  values.insert(values.end(), more.begin(), more.end());
  return values;
}

void print_summary(const Scenario& sc, const datacenter::RunSummary& r, double wall_s, const std::string& out) {
  const auto& t = r.total;
  fmt::print("wattsim {}: scenario \"{}\", policy {}, seed {}\n", kVersion, sc.name, sc.policy->name, sc.seed);
  fmt::print("simulated {} in {:.2f} s ({:.3g} events/s); result set {}\n\n", simcore::format_time(r.end), wall_s,
             wall_s > 0 ? static_cast<double>(r.events) / wall_s : 0.0, out);
  fmt::print("energy       IT {:.6g} kWh, facility {:.6g} kWh, PUE {:.4f}, peak {:.6g} kW\n", t.it_energy_j / 3.6e6,
             t.facility_energy_j / 3.6e6, t.pue(), t.peak_facility_power_w / 1e3);
  fmt::print("             jobs {:.6g} kWh, idle {:.6g} kWh, PSU loss {:.6g} kWh, distribution loss {:.6g} kWh, "
             "overhead {:.6g} kWh\n",
             t.jobs_energy_j / 3.6e6, t.idle_energy_j / 3.6e6, t.psu_loss_j / 3.6e6, t.distribution_loss_j / 3.6e6,
             t.overhead_j / 3.6e6);
  bool plant = false, thermal = false;
  for (const auto& site : sc.world.sites) {
    plant = plant || site.cooling.type != cooling::PlantType::kFixedPue;
    thermal = thermal || site.thermal.enabled;
  }
  if (plant) {
    fmt::print("cooling      {:.6g} kWh, partial PUE {:.4f}; water {:.6g} L, WUE {:.3f} L/kWh\n", t.cooling_j / 3.6e6,
               t.pue_partial_cooling(), t.water_l, t.wue_l_per_kwh());
  }
  if (t.heat_delivered_j > 0 || t.heat_recovered_j > 0) {
    fmt::print("heat reuse   delivered {:.6g} kWh (recovered {:.6g} kWh, heat pumps {:.6g} kWh), ERE {:.4f}, ERF {:.4f}; "
               "avoided {:.6g} kg, revenue {:.6g}\n",
               t.heat_delivered_j / 3.6e6, t.heat_recovered_j / 3.6e6, t.heat_pump_j / 3.6e6, t.ere(), t.erf(), t.heat_avoided_kg,
               t.heat_revenue);
  }
  if (thermal) {
    fmt::print("thermal      highest inlet {:.2f} C; {} violations, {:.6g} rack-seconds above the limit\n", t.max_inlet_c,
               t.thermal_violations, t.thermal_violation_s);
  }
  const auto& l = t.ledger;
  fmt::print("carbon       location-based {:.6g} kg, operational {:.6g} kg (credits {:.6g} kg), market-based {:.6g} kg; "
             "hourly CFE {:.1f} %\n",
             t.carbon_location_kg, l.operational_kg(), l.credits_kg, l.market_annual_kg, 100.0 * l.cfe_hourly());
  fmt::print("             embodied (hardware, amortised over the run) {:.6g} kg\n", t.embodied_kg);
  if (t.supply.renewable_j > 0 || t.supply.charge_j > 0 || l.energy_cost != 0) {
    fmt::print("supply       renewables {:.6g} kWh ({:.6g} curtailed), grid import {:.6g} kWh, export {:.6g} kWh, "
               "battery {:.3g} cycles; energy cost {:.6g}\n",
               t.supply.renewable_j / 3.6e6, t.supply.curtailed_j / 3.6e6, t.supply.import_j / 3.6e6,
               t.supply.export_j / 3.6e6, t.battery_full_cycles, l.energy_cost);
  }
  fmt::print("jobs         {} submitted, {} completed, {} running, {} queued, {} rejected; makespan {:.6g} s\n",
             r.jobs_submitted, r.jobs_completed, r.jobs_running, r.jobs_queued, r.jobs_rejected, r.makespan.to_seconds());
  fmt::print("waits        mean {:.6g} s, p95 {:.6g} s, max {:.6g} s\n", r.mean_wait_s, r.p95_wait_s, r.max_wait_s);
  fmt::print("utilisation  {:.2f} % of accelerator time allocated\n", 100.0 * r.mean_accelerator_utilisation());
  if (t.capacity_violations > 0) {
    fmt::print("capacity     {} violations, {:.6g} s in all\n", t.capacity_violations, t.capacity_violation_s);
  }
}

}  // namespace wattsim::app
