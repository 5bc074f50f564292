#include "app/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <optional>

#include "app/units_text.hpp"
#include "app/version.hpp"
#include "simcore/time.hpp"

namespace wattsim::app {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Column {
  const char* name;
  const char* unit;
  const char* description;
};

// /timeseries (and each site's): interval averages on the output interval.
const std::vector<Column>& timeseries_columns() {
  static const std::vector<Column> columns = {
      {"time_s", "s", "start of the interval, in simulated seconds"},
      {"time_utc", "s since 1970-01-01T00:00:00Z",
       "start of the interval as UTC epoch seconds (pandas.to_datetime(x, unit=\"s\"))"},
      {"duration_s", "s", "length of the interval (the last one may be shorter)"},
      {"dc_power_kw", "kW", "DC power of the nodes (after their PSUs), averaged over the interval"},
      {"it_power_kw", "kW", "IT power at the wall (node input, before the PSUs), averaged over the interval"},
      {"facility_power_kw", "kW", "facility power: IT + distribution losses + cooling + heat pumps, averaged"},
      {"busy_accelerators", "1", "accelerators allocated to jobs, averaged over the interval"},
      {"queued_jobs", "1", "jobs waiting in the queue (eligible, not started), averaged over the interval"},
      {"carbon_intensity_g_per_kwh", "g CO2e/kWh",
       "grid carbon intensity: time average (one site) or facility-energy weighted (all sites)"},
      {"carbon_rate_kg_per_h", "kg CO2e/h", "operational carbon rate: intensity x grid import (credits aside)"},
      {"carbon_location_rate_kg_per_h", "kg CO2e/h", "location-based carbon rate: intensity x facility power"},
      {"renewable_kw", "kW", "on-site renewable generation available"},
      {"renewable_curtailed_kw", "kW", "on-site renewable generation curtailed"},
      {"battery_kw", "kW", "battery power: + discharging into the facility, - charging"},
      {"battery_soc_kwh", "kWh", "energy stored in the battery, averaged over the interval"},
      {"grid_import_kw", "kW", "power drawn from the grid"},
      {"grid_export_kw", "kW", "power exported to the grid"},
      {"price", "currency/kWh", "grid energy price: time average (one site) or import-weighted (all sites)"},
      {"cooling_kw", "kW", "cooling power (for a fixed-PUE site, the fixed overhead (PUE - 1) x IT)"},
      {"heat_pump_kw", "kW", "electric power of the heat pumps selling waste heat"},
      {"heat_recovered_kw", "kW", "waste heat drawn from the facility by the heat pumps"},
      {"heat_delivered_kw", "kW", "heat delivered to the district network"},
      {"water_l_per_h", "L/h", "cooling water consumed"},
      {"outside_temp_c", "C", "outside dry-bulb temperature (NaN without weather, or for several sites)"},
  };
  return columns;
}

template <class F>
std::vector<std::string> field_of(const std::vector<Column>& columns, F f) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.emplace_back(f(c));
  return out;
}

constexpr double kJPerKwh = 3.6e6;
constexpr double kSecondsPerHour = 3600.0;
double nan_if_max(simcore::SimTime t) { return t == simcore::SimTime::max() ? kNaN : t.to_seconds(); }
double seconds_or_nan(const std::optional<simcore::SimTime>& t) { return t ? t->to_seconds() : kNaN; }

}  // namespace

Recorder::Recorder(results::ResultWriter& writer, const Scenario& sc) : writer_(writer), scenario_(sc) {
  for (const auto& site : sc.world.sites) thermal_ = thermal_ || site.thermal.enabled;
  epoch_s_ = sc.world.sites.front().supply.calendar_origin.to_seconds();
  const auto& cols = timeseries_columns();
  const auto names = field_of(cols, [](const Column& c) { return c.name; });
  const auto units = field_of(cols, [&](const Column& c) { return with_currency(c.unit, sc.currency); });
  const auto descriptions = field_of(cols, [](const Column& c) { return c.description; });
  total_ = &writer_.add_table("/timeseries", names, units, descriptions);
  writer_.describe_group("/timeseries", "the whole facility (all sites) over time: averages over each output interval");
  const bool several = sc.world.sites.size() > 1;
  for (const auto& site : sc.world.sites) {
    const std::string group = "/sites/" + site.name;
    if (several) {
      sites_.push_back(&writer_.add_table(group + "/timeseries", names, units, descriptions));
      writer_.describe_group(group + "/timeseries", "site " + site.name + " over time: averages over each output interval");
    }
    // The exact demand step series: each breakpoint and the demand from it on (the last
    // holds until /summary end_s), for the batch evaluator.
    const std::string profile = several ? group + "/profile" : "/profile";
    profiles_.push_back(&writer_.add_table(
        profile, {"time_s", "demand_kw"}, {"s", "kW"},
        {"when the facility demand changed, in simulated seconds",
         "the facility demand from then on (the last value holds until /summary end_s)"}));
    writer_.describe_group(profile, "the exact facility demand as a step series (wattsim batch replays it)");
  }
}

void Recorder::on_demand(std::uint32_t site, simcore::SimTime time, double watts) {
  const double row[] = {time.to_seconds(), watts / 1e3};
  profiles_[site]->append(row);
}

void Recorder::on_job(const datacenter::JobRecord& r) {
  const workloads::Job& job = *r.job;
  results::JobRow row{};
  row.id = job.id;
  const bool started = r.start != simcore::SimTime::max();
  bool whole = true;
  if (started) whole = results::set_text(row.site, scenario_.world.sites[r.site].name) && whole;
  whole = results::set_text(row.queue, job.queue) && whole;
  whole = results::set_text(row.user, job.user) && whole;
  if (!whole) ++texts_cut_;
  row.submit_s = job.submit.to_seconds();
  row.earliest_start_s = seconds_or_nan(job.earliest_start);
  row.start_s = nan_if_max(r.start);
  row.end_s = nan_if_max(r.end);
  row.wait_s = started ? (r.start - r.eligible).to_seconds() : kNaN;
  row.duration_s = job.duration_s();
  row.estimate_s = seconds_or_nan(job.estimate);
  row.deadline_s = seconds_or_nan(job.deadline);
  row.missed_deadline = r.missed_deadline ? 1 : 0;
  row.accelerators = job.accelerators;
  row.utilisation = job.utilisation;
  row.beta = job.beta;
  row.dc_energy_kwh = r.dc_energy_j / kJPerKwh;
  row.it_energy_kwh = r.it_energy_j / kJPerKwh;
  row.facility_energy_kwh = r.facility_energy_j / kJPerKwh;
  row.carbon_location_kg = r.carbon_location_kg;
  row.carbon_grid_kg = r.carbon_grid_kg;
  row.energy_cost = r.energy_cost;
  row.suspensions = r.suspensions;
  row.failures = r.failures;
  row.lost_work = r.lost_work / kSecondsPerHour;
  row.lost_energy_kwh = r.lost_energy_j / kJPerKwh;
  writer_.append_job(row);
  // Slowdown of a finished job: (wait + runtime) / its runtime at full speed = (end - eligible)
  // / duration; summed in the order jobs finish, so the mean is the same bit for bit each run.
  if (started && r.end != simcore::SimTime::max() && job.duration_s() > 0) {
    slowdown_sum_ += (r.end - r.eligible).to_seconds() / job.duration_s();
    ++slowdown_jobs_;
  }
}

void Recorder::on_interval(const datacenter::IntervalRecord& r) {
  const double row[] = {r.start.to_seconds(),
                        epoch_s_ + r.start.to_seconds(),
                        (r.end - r.start).to_seconds(),
                        r.dc_power_w / 1e3,
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
  static_assert(std::size(row) == 24);
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
  writer_.describe_group("/racks", "per rack (columns, numbered over all sites) and output interval (rows, as /timeseries)");
  writer_.write_matrix("/racks/power_kw", rows, racks_, rack_power_kw_, "kW",
                       "each rack's power (its nodes' input), averaged over each output interval");
  std::vector<std::int64_t> site_of;
  for (std::size_t s = 0; s < sc.world.sites.size(); ++s) {
    for (const auto& g : sc.world.sites[s].racks) site_of.insert(site_of.end(), g.count, static_cast<std::int64_t>(s));
  }
  if (thermal_) {
    writer_.write_matrix("/racks/inlet_temp_c", rows, racks_, rack_inlet_c_, "C",
                         "each rack's inlet air temperature, averaged over each output interval (NaN: no thermal model)");
  }
  writer_.write_indices("/racks/site", site_of, "1", "each rack's site, as its index in the scenario's sites");
}

void Recorder::finish(const datacenter::RunSummary& summary) {
  const Scenario& sc = scenario_;
  const std::string currency = with_currency("currency", sc.currency);
  auto values = run_summary(summary, currency);
  // Beside the waits: the mean slowdown, which only the job rows give.
  const auto after_waits = std::find_if(values.begin(), values.end(),
                                        [](const results::SummaryValue& v) { return v.name == "max_wait_s"; });
  values.insert(after_waits == values.end() ? values.end() : after_waits + 1,
                {"mean_slowdown", mean_slowdown(), "1",
                 "mean over finished jobs of (wait + runtime) / runtime at full speed, i.e. (end - eligible) / "
                 "duration_s (1: no wait, no slowing; NaN: none finished)"});
  writer_.write_summary("/summary", values);
  writer_.describe_group("/summary", "totals and metrics of the whole run (all sites)");
  if (sc.world.sites.size() > 1) {
    for (const auto& s : summary.sites) {
      writer_.write_summary("/sites/" + s.name + "/summary", site_summary(s, currency));
      writer_.describe_group("/sites/" + s.name + "/summary", "totals and metrics of site " + s.name);
    }
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
      const double row[] = {static_cast<double>(i), static_cast<double>(first_rack + v.rack), v.start.to_seconds(),
                            v.end.to_seconds(), (v.end - v.start).to_seconds(), v.peak_c, v.limit_c};
      rows.insert(rows.end(), std::begin(row), std::end(row));
    }
    for (const auto& g : sc.world.sites[i].racks) first_rack += g.count;
  }
  if (thermal) {
    writer_.write_records("/thermal_violations", "rack inlets above their limit, one row per violation",
                          {"site", "rack", "start_s", "end_s", "duration_s", "peak_c", "limit_c"},
                          {"1", "1", "s", "s", "s", "C", "C"},
                          {"the site, as its index in the scenario's sites", "the rack, numbered over all sites as in /racks",
                           "when the inlet rose above the limit", "when it fell back (the end of the run if it did not)",
                           "end_s - start_s", "the highest inlet temperature during the violation", "the rack's limit"},
                          rows);
  }
  // /capacity_violations: every power-tree element above its capacity, one row per violation.
  std::vector<double> numbers;
  std::vector<std::string> elements, kinds;
  for (std::size_t i = 0; i < summary.sites.size(); ++i) {
    for (const auto& v : summary.sites[i].capacity_violation_list) {
      const double row[] = {static_cast<double>(i), v.start.to_seconds(), v.end.to_seconds(), (v.end - v.start).to_seconds(),
                            v.peak_w / 1e3, v.capacity_w / 1e3, (v.peak_w - v.capacity_w) / 1e3};
      numbers.insert(numbers.end(), std::begin(row), std::end(row));
      elements.push_back(v.element);
      kinds.push_back(v.kind);
    }
  }
  writer_.write_records(
      "/capacity_violations", "power-tree elements (feed, UPS, PDUs, racks, node PSUs) loaded above their capacity",
      {"site", "start_s", "end_s", "duration_s", "peak_kw", "capacity_kw", "peak_excess_kw"},
      {"1", "s", "s", "s", "kW", "kW", "kW"},
      {"the site, as its index in the scenario's sites", "when the load rose above the capacity",
       "when it fell back (the end of the run if it did not)", "end_s - start_s",
       "the highest load (the element's output) during the violation", "the element's capacity", "peak_kw - capacity_kw"},
      numbers,
      {{"element", "the element's name in its site's power tree: feed, ups, pdu-N, rack-N, rack-N/node-M", elements},
       {"kind", "the element's kind: feed, ups, pdu, rack or node", kinds}});
  if (texts_cut_ > 0) {
    fmt::print(stderr, "wattsim: warning: {} job{} had a site, queue or user name longer than {} bytes, cut in /jobs\n",
               texts_cut_, texts_cut_ == 1 ? "" : "s", results::kJobTextBytes);
  }
}

namespace {
constexpr double kwh(double j) { return j / kJPerKwh; }
}  // namespace

std::vector<results::SummaryValue> site_summary(const datacenter::SiteSummary& s, const std::string& currency) {
  const carbon::LedgerTotals& l = s.ledger;
  const supply::Flows& f = s.supply;
  const std::string& cur = currency;
  const double nan = kNaN;
  return {
      // Energy, by where it is measured: dc_ (after the PSUs), it_ (at the wall), facility_.
      {"dc_energy_kwh", kwh(s.dc_energy_j), "kWh", "DC energy of the nodes (after their PSUs): accelerators and hosts"},
      {"it_energy_kwh", kwh(s.it_energy_j), "kWh", "IT energy at the wall: the nodes' input, DC energy + PSU losses"},
      {"facility_energy_kwh", kwh(s.facility_energy_j), "kWh",
       "facility energy: IT + distribution losses + cooling and other overhead + heat pumps"},
      {"peak_facility_power_kw", s.peak_facility_power_w / 1e3, "kW", "the highest facility power held for a positive time"},
      {"pue", s.pue(), "1", "power usage effectiveness: facility / IT energy (NaN: no energy)"},
      {"dc_jobs_energy_kwh", kwh(s.jobs_energy_j), "kWh",
       "DC energy charged to jobs: their accelerators + their share of host power"},
      {"dc_idle_energy_kwh", kwh(s.idle_energy_j), "kWh",
       "DC energy no job is charged: unallocated accelerators and host share, nodes off or booting"},
      {"it_jobs_energy_kwh", kwh(s.jobs.it_j), "kWh", "IT (wall) energy shared to jobs in proportion to their DC power"},
      {"it_idle_energy_kwh", kwh(s.idle.it_j), "kWh", "IT (wall) energy of idle: it_energy_kwh - it_jobs_energy_kwh"},
      {"facility_jobs_energy_kwh", kwh(s.jobs.facility_j), "kWh",
       "facility energy shared to jobs in proportion to their DC power at each instant"},
      {"facility_idle_energy_kwh", kwh(s.idle.facility_j), "kWh",
       "facility energy of idle (and of spans without DC power): facility_energy_kwh - facility_jobs_energy_kwh"},
      {"psu_loss_kwh", kwh(s.psu_loss_j), "kWh", "PSU losses: IT - DC energy"},
      {"distribution_loss_kwh", kwh(s.distribution_loss_j), "kWh", "UPS and PDU losses: the feed's input - IT energy"},
      {"overhead_kwh", kwh(s.overhead_j), "kWh", "cooling, heat pumps and other overhead: facility - the feed's input"},
      {"accelerators", static_cast<double>(s.accelerators), "1", "accelerators in the facility"},
      {"capacity_violations", static_cast<double>(s.capacity_violations), "1",
       "power-tree elements loaded above their capacity, counted per violation (/capacity_violations)"},
      {"capacity_violation_s", s.capacity_violation_s, "s", "the violations' durations, summed"},
      // Carbon.
      {"carbon_location_kg", s.carbon_location_kg, "kg CO2e", "location-based: grid intensity x facility energy, in time"},
      {"carbon_location_average_kg", s.carbon_location_average_kg, "kg CO2e",
       "location-based carbon by the average intensity (NaN: no average series covering the run)"},
      {"carbon_location_marginal_kg", s.carbon_location_marginal_kg, "kg CO2e",
       "location-based carbon by the marginal intensity (NaN: no marginal series covering the run)"},
      {"jobs_carbon_location_kg", s.jobs.location_kg, "kg CO2e", "location-based carbon of the jobs' facility energy"},
      {"idle_carbon_location_kg", s.idle.location_kg, "kg CO2e",
       "location-based carbon of idle's facility energy: carbon_location_kg - jobs_carbon_location_kg"},
      {"carbon_operational_kg", l.operational_kg(), "kg CO2e", "operational: carbon_grid_kg + credits_kg"},
      {"carbon_grid_kg", l.grid_kg, "kg CO2e", "grid intensity x grid import, in time (operational before credits)"},
      {"jobs_carbon_grid_kg", s.jobs.grid_kg, "kg CO2e",
       "grid carbon shared to jobs per settlement interval, in proportion to their facility energy in it"},
      {"idle_carbon_grid_kg", s.idle.grid_kg, "kg CO2e", "grid carbon of idle: carbon_grid_kg - jobs_carbon_grid_kg"},
      {"carbon_market_kg", l.market_annual_kg, "kg CO2e", "market-based: grid carbon after PPAs, matched per year"},
      {"carbon_market_hourly_kg", l.market_hourly_kg, "kg CO2e", "market-based: grid carbon after PPAs, matched per hour"},
      {"cfe_hourly", l.cfe_hourly(), "1", "24/7 carbon-free energy score, hourly matching, 0-1"},
      {"carbon_embodied_kg", s.embodied_kg, "kg CO2e", "embodied carbon of the hardware, amortised over the run"},
      {"export_avoided_kg", l.export_avoided_kg, "kg CO2e", "what exported energy displaced on the grid (beside, not netted)"},
      {"credits_kg", l.credits_kg, "kg CO2e", "credits: obligations - retired credits (negative: net retired)"},
      {"credits_retired_kg", l.credits_retired_kg, "kg CO2e", "carbon credits retired"},
      {"credits_cost", l.credits_cost, cur, "spent on carbon credits"},
      // Money.
      {"energy_cost", l.energy_cost, cur,
       "energy cost: import cost - export revenue + demand charges (= jobs + idle + demand charges)"},
      {"jobs_energy_cost", s.jobs.energy_cost, cur,
       "energy cost (demand charges aside) shared to jobs per settlement interval, as grid carbon is"},
      {"idle_energy_cost", s.idle.energy_cost, cur, "energy cost of idle (demand charges aside)"},
      {"demand_charges", l.demand_charges, cur, "demand charges: each month's peak import x the rate (not shared to jobs)"},
      {"cue", s.it_energy_j > 0 ? l.operational_kg() / kwh(s.it_energy_j) : nan, "kg CO2e/kWh",
       "carbon usage effectiveness: operational carbon / IT energy (NaN: no energy)"},
      // Supply.
      {"renewable_generated_kwh", kwh(f.renewable_j), "kWh", "on-site renewable generation available"},
      {"renewable_used_kwh", kwh(f.renewable_j - f.curtailed_j), "kWh", "on-site generation used or exported"},
      {"renewable_curtailed_kwh", kwh(f.curtailed_j), "kWh", "on-site generation curtailed"},
      {"grid_import_kwh", kwh(f.import_j), "kWh", "energy drawn from the grid"},
      {"grid_export_kwh", kwh(f.export_j), "kWh", "energy exported to the grid"},
      {"ppa_kwh", kwh(l.ppa_j), "kWh", "energy contracted through PPAs (market-based accounting only)"},
      {"battery_charged_kwh", kwh(f.charge_j), "kWh", "drawn by the battery"},
      {"battery_discharged_kwh", kwh(f.discharge_j), "kWh", "delivered by the battery"},
      {"battery_losses_kwh", kwh(f.battery_loss_j), "kWh", "the battery's conversion losses"},
      {"battery_full_cycles", s.battery_full_cycles, "1", "discharged energy / capacity"},
      {"battery_capacity_end_kwh", kwh(s.battery_capacity_j), "kWh", "the battery's capacity at the end, after fade"},
      // Cooling and heat reuse.
      {"cooling_energy_kwh", kwh(s.cooling_j), "kWh", "cooling energy (fixed-PUE sites: the fixed overhead)"},
      {"pue_partial_cooling", s.pue_partial_cooling(), "1", "partial PUE of cooling: (IT + cooling) / IT (NaN: no energy)"},
      {"heat_recovered_kwh", kwh(s.heat_recovered_j), "kWh", "waste heat drawn by the heat pumps"},
      {"heat_delivered_kwh", kwh(s.heat_delivered_j), "kWh", "heat delivered to the district network"},
      {"heat_pump_energy_kwh", kwh(s.heat_pump_j), "kWh", "electricity of the heat pumps (part of the facility energy)"},
      {"ere", s.ere(), "1", "energy reuse effectiveness: (facility - heat delivered) / IT (NaN: no energy)"},
      {"erf", s.erf(), "1", "energy reuse factor: heat delivered / facility energy (NaN: no energy)"},
      {"heat_avoided_kg", s.heat_avoided_kg, "kg CO2e", "emissions of the heat source displaced (beside, not netted)"},
      {"heat_revenue", s.heat_revenue, cur, "revenue from heat sold"},
      {"water_l", s.water_l, "L", "cooling water consumed"},
      {"wue", s.wue_l_per_kwh(), "L/kWh", "water usage effectiveness: water / IT energy (NaN: no energy)"},
      {"max_inlet_temp_c", s.max_inlet_c, "C", "the highest rack inlet temperature at any instant (NaN: no thermal model)"},
      {"thermal_violations", static_cast<double>(s.thermal_violations), "1", "rack inlets above their limit (/thermal_violations)"},
      {"thermal_violation_s", s.thermal_violation_s, "s", "rack-seconds above the limit"},
  };
}

std::vector<results::SummaryValue> run_summary(const datacenter::RunSummary& r, const std::string& currency) {
  auto values = site_summary(r.total, currency);
  const auto count = [](std::uint64_t n) { return static_cast<double>(n); };
  const std::vector<results::SummaryValue> more = {
      {"makespan_s", r.makespan.to_seconds(), "s", "the last job completion (0: none)"},
      {"end_s", r.end.to_seconds(), "s", "the end of the run: the horizon, or when nothing more could happen"},
      {"mean_wait_s", r.mean_wait_s, "s", "mean wait of started jobs, from eligibility (max(submit, earliest start)) to start"},
      {"p95_wait_s", r.p95_wait_s, "s", "95th percentile of the waits"},
      {"max_wait_s", r.max_wait_s, "s", "the longest wait"},
      {"jobs_submitted", count(r.jobs_submitted), "1", "jobs that arrived (submitted before the end)"},
      {"jobs_completed", count(r.jobs_completed), "1", "jobs that finished"},
      {"jobs_pending", count(r.jobs_running + r.jobs_queued + r.jobs_held), "1", "jobs_running + jobs_queued + jobs_held"},
      {"jobs_running", count(r.jobs_running), "1", "jobs running at the end"},
      {"jobs_queued", count(r.jobs_queued), "1", "jobs eligible and waiting at the end"},
      {"jobs_held", count(r.jobs_held), "1", "jobs submitted but before their earliest start at the end"},
      {"jobs_rejected", count(r.jobs_rejected), "1", "jobs larger than any site, never started"},
      {"jobs_skipped_oversize", count(r.jobs_skipped_oversize), "1",
       "trace jobs larger than the largest site, dropped (workload.oversize = skip)"},
      {"deadline_misses", count(r.deadline_misses), "1",
       "jobs that ended after their deadline, or were unfinished when the run ended past it"},
      {"deadline_miss_s", r.deadline_miss_s, "s", "their lateness, summed (to the end of the run for unfinished ones)"},
      {"work_done", r.work_done / kSecondsPerHour, "accelerator-h",
       "work done, in accelerator-hours at full speed: finished jobs' work plus the progress of unfinished ones "
       "(from their last checkpoint); work lost to failures and redone counts once"},
      {"suspensions", count(r.suspensions), "1", "times a policy suspended a job (each with a checkpoint)"},
      {"jobs_suspended", count(r.jobs_suspended), "1", "jobs still suspended at the end"},
      {"node_failures", count(r.node_failures), "1",
       "node failures (each node fails by its mean time between failures)"},
      {"job_failures", count(r.job_failures), "1",
       "times a node failure stopped a job (requeued from its last checkpoint)"},
      {"lost_work", r.lost_work / kSecondsPerHour, "accelerator-h",
       "work lost to node failures and redone: accelerator-hours at full speed since the jobs' last checkpoints"},
      {"lost_energy_kwh", kwh(r.lost_energy_j), "kWh", "DC energy of the lost work (part of dc_jobs_energy_kwh)"},
      {"mean_accelerator_utilisation", r.mean_accelerator_utilisation(), "1",
       "allocated accelerator-time / (accelerators x end_s) (NaN: nothing simulated)"},
      {"events", count(r.events), "1", "events the simulation processed"},
      {"flexible_jobs_started", count(r.flexible_jobs_started), "1", "started jobs with a deadline (flexible work)"},
      {"flexible_mean_wait_s", r.flexible_mean_wait_s, "s",
       "mean wait of the started flexible jobs, from eligibility (NaN: none started)"},
      {"checkpoint_energy_kwh", kwh(r.checkpoint_energy_j), "kWh",
       "DC energy of jobs writing a checkpoint on suspension or reading one on restart (part of dc_jobs_energy_kwh)"},
      {"transfers", count(r.transfers), "1", "jobs whose input data a router moved to another site"},
      {"transfer_energy_kwh", kwh(r.transfer_energy_j), "kWh", "energy of those data transfers (off the facilities' meters)"},
      {"transfer_carbon_kg", r.transfer_kg, "kg CO2e",
       "carbon of the transfers, at the intensity of the site the data left when it left"},
  };
  values.insert(values.end(), more.begin(), more.end());
  for (const auto& [name, value] : r.policy_figures) {
    // The unit from the name's suffix (datacenter::PolicyFigures).
    const auto ends = [&n = name](std::string_view suffix) {
      return n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const char* unit = ends("_kwh") ? "kWh" : ends("_kg") ? "kg CO2e" : ends("_s") ? "s" : ends("_gb") ? "GB" : ends("_kw") ? "kW" : "1";
    values.push_back({"policy_" + name, value, unit, "reported by the policy (docs/policies.md)"});
  }
  return values;
}

void print_summary(const Scenario& sc, const datacenter::RunSummary& r, double mean_slowdown, double wall_s,
                   const std::string& out) {
  const auto& t = r.total;
  const std::string& cur = sc.currency;
  const double facility_kwh = t.facility_energy_j / kJPerKwh;
  const auto kwh_text = [&](double j) { return format_energy_kwh(j / kJPerKwh, facility_kwh); };
  fmt::print("wattsim {}: scenario \"{}\", policy {}, seed {}\n", kVersion, sc.name, sc.policy.label(), sc.seed);
  fmt::print("simulated {} in {:.2f} s ({} events/s); result set {}\n\n", simcore::format_time(r.end), wall_s,
             format_plain(std::round(wall_s > 0 ? static_cast<double>(r.events) / wall_s : 0.0)), out);
  if (r.end == simcore::SimTime::zero()) {
    // Nothing ran: no energy, and no ratio to print.
    fmt::print("nothing was simulated: no time passed ({} jobs submitted, {} rejected as larger than any site, "
               "{} skipped); set a horizon to simulate an idle facility\n",
               r.jobs_submitted, r.jobs_rejected, r.jobs_skipped_oversize);
    return;
  }
  fmt::print("energy       IT {}, facility {}, PUE {:.4f}, peak {}\n", kwh_text(t.it_energy_j), kwh_text(t.facility_energy_j),
             t.pue(), format_power_kw(t.peak_facility_power_w / 1e3));
  fmt::print("             DC {}: jobs {}, idle {}; PSU loss {}, distribution loss {}, overhead {}\n",
             kwh_text(t.dc_energy_j), kwh_text(t.jobs_energy_j), kwh_text(t.idle_energy_j), kwh_text(t.psu_loss_j),
             kwh_text(t.distribution_loss_j), kwh_text(t.overhead_j));
  fmt::print("             jobs' share of the facility {} ({:.1f} %), idle's {}\n", kwh_text(t.jobs.facility_j),
             t.facility_energy_j > 0 ? 100.0 * t.jobs.facility_j / t.facility_energy_j : 0.0, kwh_text(t.idle.facility_j));
  bool plant = false, thermal = false;
  for (const auto& site : sc.world.sites) {
    plant = plant || site.cooling.type != cooling::PlantType::kFixedPue;
    thermal = thermal || site.thermal.enabled;
  }
  if (plant) {
    fmt::print("cooling      {}, partial PUE {:.4f}; water {:.4g} m3, WUE {:.3f} L/kWh\n", kwh_text(t.cooling_j),
               t.pue_partial_cooling(), t.water_l / 1e3, t.wue_l_per_kwh());
  }
  if (t.heat_delivered_j > 0 || t.heat_recovered_j > 0) {
    fmt::print("heat reuse   delivered {} (recovered {}, heat pumps {}), ERE {:.4f}, ERF {:.4f}; avoided {}, revenue {}\n",
               kwh_text(t.heat_delivered_j), kwh_text(t.heat_recovered_j), kwh_text(t.heat_pump_j), t.ere(), t.erf(),
               format_mass_kg(t.heat_avoided_kg), format_money(t.heat_revenue, cur));
  }
  if (thermal) {
    fmt::print("thermal      highest inlet {:.2f} C; {} violations, {} rack-time above the limit\n", t.max_inlet_c,
               t.thermal_violations, format_duration_s(t.thermal_violation_s));
  }
  const auto& l = t.ledger;
  const double kg_ref = t.carbon_location_kg;
  fmt::print("carbon       location-based {}, operational {} (credits {}), market-based {}; hourly CFE {:.1f} %\n",
             format_mass_kg(t.carbon_location_kg), format_mass_kg(l.operational_kg(), kg_ref),
             format_mass_kg(l.credits_kg, kg_ref), format_mass_kg(l.market_annual_kg, kg_ref), 100.0 * l.cfe_hourly());
  fmt::print("             jobs' share: location-based {}, grid {}; embodied (hardware, amortised over the run) {}\n",
             format_mass_kg(t.jobs.location_kg, kg_ref), format_mass_kg(t.jobs.grid_kg, kg_ref), format_mass_kg(t.embodied_kg));
  if (t.supply.renewable_j > 0 || t.supply.charge_j > 0 || l.energy_cost != 0) {
    fmt::print("supply       renewables {} ({} curtailed), grid import {}, export {}, battery {:.3g} cycles\n",
               kwh_text(t.supply.renewable_j), kwh_text(t.supply.curtailed_j), kwh_text(t.supply.import_j),
               kwh_text(t.supply.export_j), t.battery_full_cycles);
    fmt::print("cost         energy {} (jobs {}, idle {}, demand charges {})\n", format_money(l.energy_cost, cur),
               format_money(t.jobs.energy_cost, cur, l.energy_cost), format_money(t.idle.energy_cost, cur, l.energy_cost),
               format_money(l.demand_charges, cur, l.energy_cost));
  }
  fmt::print("jobs         {} submitted, {} completed, {} running, {} queued, {} not yet eligible, {} rejected; makespan {}\n",
             r.jobs_submitted, r.jobs_completed, r.jobs_running, r.jobs_queued, r.jobs_held, r.jobs_rejected,
             format_duration_s(r.makespan.to_seconds()));
  if (r.jobs_skipped_oversize > 0) {
    fmt::print("             {} trace jobs larger than the largest site were skipped (workload.oversize)\n",
               r.jobs_skipped_oversize);
  }
  if (r.jobs_completed == 0) fmt::print("             no job completed\n");
  fmt::print("             work done {} accelerator-h{}\n", format_plain(std::round(r.work_done / kSecondsPerHour)),
             std::isnan(mean_slowdown) ? std::string() : fmt::format("; mean slowdown {:.3f}", mean_slowdown));
  if (r.suspensions > 0 || r.jobs_suspended > 0) {
    fmt::print("suspensions  {} (jobs suspended and resumed with a checkpoint), {} still suspended at the end\n",
               r.suspensions, r.jobs_suspended);
  }
  if (r.node_failures > 0 || r.job_failures > 0) {
    fmt::print("failures     {} node failures stopped {} jobs; lost work {} accelerator-h, its energy {}\n",
               r.node_failures, r.job_failures, format_plain(r.lost_work / kSecondsPerHour),
               kwh_text(r.lost_energy_j));
  }
  if (r.deadline_misses > 0) {
    fmt::print("deadlines    {} missed, {} late in all\n", r.deadline_misses, format_duration_s(r.deadline_miss_s));
  }
  if (r.jobs_started > 0) {
    fmt::print("waits        mean {}, p95 {}, max {}\n", format_duration_s(r.mean_wait_s), format_duration_s(r.p95_wait_s),
               format_duration_s(r.max_wait_s));
  }
  fmt::print("utilisation  {:.2f} % of accelerator time allocated\n", 100.0 * r.mean_accelerator_utilisation());
  if (t.capacity_violations > 0) {
    fmt::print("capacity     {} violations, {} in all (/capacity_violations)\n", t.capacity_violations,
               format_duration_s(t.capacity_violation_s));
  }
}

}  // namespace wattsim::app
