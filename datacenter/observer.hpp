#pragma once
// How the world reports what happened (DESIGN.md §1: datacenter reports to results through an
// observer interface). Values are in SI units (J, W, s, kg); converting to kWh, kW and the
// like is the output edge's job.

#include <cstdint>
#include <limits>
#include <span>

#include "simcore/time.hpp"
#include "workloads/job.hpp"

namespace wattsim::datacenter {

// One job's row: what happened to it and what it was charged (datacenter/attribution.hpp).
// Rows come in the order jobs finish, each once its grid carbon and cost are settled; jobs
// still running, queued or not yet eligible at the end come last.
struct JobRecord {
  const workloads::Job* job = nullptr;
  std::uint32_t site = 0;  // where it ran (0 for a job that never started)
  // NaN-free: a job that never started has start == end == SimTime::max(); a job still
  // running at the end has end == SimTime::max().
  simcore::SimTime start = simcore::SimTime::max();  // its first start
  simcore::SimTime end = simcore::SimTime::max();
  // When it entered the queue, max(submit, earliest start); SimTime::max() if it never did
  // (rejected, or its earliest start is after the end of the run).
  simcore::SimTime eligible = simcore::SimTime::max();
  bool rejected = false;   // larger than any site: it could never start
  // Its deadline passed before it ended (or, unfinished, before the end of the run), and by how
  // long (to its end, or to the end of the run).
  bool missed_deadline = false;
  double deadline_miss_s = 0.0;
  // Its charges so far: DC energy (its accelerators + its share of host power), and its share
  // of wall (IT) and facility energy, location-based carbon, grid carbon and energy cost.
  double dc_energy_j = 0.0, it_energy_j = 0.0, facility_energy_j = 0.0;
  double carbon_location_kg = 0.0, carbon_grid_kg = 0.0, energy_cost = 0.0;
  // Interruptions: suspensions, node failures, and the work (accelerator-seconds at full
  // speed) and DC energy lost to failures (redone from the last checkpoint).
  std::uint32_t suspensions = 0, failures = 0;
  double lost_work = 0.0, lost_energy_j = 0.0;
};

// Averages over [start, end) of one site, or of all sites together (site == kAllSites).
struct IntervalRecord {
  static constexpr std::uint32_t kAllSites = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t site = kAllSites;
  simcore::SimTime start, end;
  double dc_power_w = 0.0;  // the nodes' DC power (after their PSUs)
  double it_power_w = 0.0;  // at the wall: node input
  double facility_power_w = 0.0;
  double busy_accelerators = 0.0;
  double queued_jobs = 0.0;  // the whole queue (shared by all sites)
  // One site: the time average of k(t). All sites: carbon / facility energy (energy-weighted).
  double carbon_intensity_g_per_kwh = 0.0;
  double carbon_location_rate_kg_per_s = 0.0;  // k x facility power
  double carbon_rate_kg_per_s = 0.0;           // operational: k x grid import (credits aside)
  double renewable_w = 0.0;                    // on-site generation available
  double curtailed_w = 0.0;                    // ... of which curtailed
  double battery_w = 0.0;                      // + discharging into the bus, - charging
  double battery_energy_j = 0.0;               // stored, averaged over the interval
  double grid_import_w = 0.0, grid_export_w = 0.0;
  // One site: the time average of the grid price. All sites: import cost / import energy.
  double price_per_kwh = 0.0;
  // Cooling (the fixed overhead of a fixed-PUE site), heat pumps, heat sold, water.
  double cooling_w = 0.0;
  double heat_pump_w = 0.0;
  double heat_recovered_w = 0.0;  // source heat drawn by the heat pumps
  double heat_delivered_w = 0.0;  // heat delivered to the district network
  double water_l_per_s = 0.0;
  // One site: the time average of the outside temperature, NaN without a weather series. All
  // sites: NaN.
  double outside_temp_c = 0.0;
};

class WorldObserver {
 public:
  virtual ~WorldObserver() = default;
  // A job finished, or the run ended with it queued or running (then start/end say so).
  virtual void on_job(const JobRecord& record) = 0;
  virtual void on_interval(const IntervalRecord& record) = 0;
  // A site's facility demand changed at `time` to `watts` (its final value at that instant;
  // only real changes): the exact step series of the demand, in order. Optional.
  virtual void on_demand(std::uint32_t /*site*/, simcore::SimTime /*time*/, double /*watts*/) {}
  // Per rack, over all sites in order (rack groups in order): the average power (node input)
  // over [start, end) and the average inlet temperature (NaN for a site without a thermal
  // model). Called with the interval records. Optional.
  virtual void on_racks(simcore::SimTime /*start*/, simcore::SimTime /*end*/, std::span<const double> /*power_w*/,
                        std::span<const double> /*inlet_c*/) {}
};

}  // namespace wattsim::datacenter
