#pragma once
// What the simulated world is made of: plain structs that app/ fills from a scenario file
// (nothing here knows about JSON). Hardware specs are owned by the caller (a catalog) and
// must outlive the world.

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "models/cooling/cooling_plant.hpp"
#include "models/heat/heat_reuse.hpp"
#include "models/power/accelerator.hpp"
#include "models/power/efficiency_curve.hpp"
#include "models/power/node.hpp"
#include "models/supply/supply_site.hpp"
#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::forecast {
class Forecast;
}

namespace wattsim::datacenter {

// The signals a policy may read a forecast of (ClusterView::forecast), per site.
enum class Signal : unsigned char { kCarbon, kCarbonMarginal, kPrice, kRenewable, kOutsideTemp };
inline constexpr std::size_t kSignalCount = 5;
// "carbon", "carbon-marginal", "price", "renewable", "outside-temperature".
const char* signal_name(Signal s);

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();

// `count` racks, each of `nodes_per_rack` nodes of one kind.
struct RackGroup {
  std::size_t count = 1;
  std::size_t nodes_per_rack = 1;
  const power::NodeSpec* node = nullptr;
  const power::AcceleratorSpec* accelerator = nullptr;  // null for host-only nodes
  double rack_capacity_w = kUnlimited;
  // Embodied carbon of each rack itself (enclosure, switches, cabling; nodes and accelerators
  // come from their specs), amortised over its lifetime. 0: not counted.
  double rack_embodied_kg = 0.0;
  double rack_lifetime_years = 0.0;
  // Node failures: each node of the group fails after an exponentially distributed time of
  // mean node_mtbf (zero: never), counted from the start and from each repair; a repair takes
  // repair_time, then the node boots. Its jobs lose the work since their last checkpoint and
  // go back to the queue.
  simcore::SimTime node_mtbf;
  simcore::SimTime repair_time = simcore::SimTime::hours(4);
};

// The distribution path above the racks: feed -> UPS (optional) -> PDUs (optional) -> racks.
// Racks are spread over the PDUs in contiguous balanced blocks (rack r under PDU
// floor(r * pdus / racks)).
struct Distribution {
  double feed_capacity_w = kUnlimited;
  bool ups = false;
  double ups_capacity_w = kUnlimited;
  std::optional<power::EfficiencyCurve> ups_curve;
  std::size_t pdus = 0;  // 0: racks hang from the UPS (or the feed)
  double pdu_capacity_w = kUnlimited;
  std::optional<power::EfficiencyCurve> pdu_curve;
};

// Rack inlet temperatures (models/thermal/recirculation.hpp); off unless enabled.
struct ThermalConfig {
  bool enabled = false;
  // Racks x racks of this site, in its rack order (rack groups in order), K per kW.
  Eigen::MatrixXd recirculation_k_per_kw;
  double supply_c = 22.0;  // cold-aisle supply air
  double limit_c = 27.0;   // redline: ASHRAE A1 recommended maximum inlet
  // On a violation, cap the rack's accelerators to their second-highest p-state for at least
  // throttle_hold; after it, the caps are lifted and put back at once if the rack is still
  // above its limit.
  bool throttle = false;
  simcore::SimTime throttle_hold = simcore::SimTime::minutes(10);
};

// Waste heat sold to a district network (models/heat/heat_reuse.hpp); off unless
// plant.present. Needs a chilled-water plant (the heat comes from its loop and air).
struct HeatReuseConfig {
  heat::Plant plant;
  simcore::StepSeries demand_w;  // the network's heat demand; must cover the run unless it repeats
  bool demand_repeats = false;
  double price_per_kwh = 0.0;          // revenue per kWh of heat delivered
  double displaced_kg_per_kwh = 0.0;   // CO2e of the heat source displaced, per kWh delivered
};

struct SiteConfig {
  std::string name = "site";
  std::vector<RackGroup> racks;
  Distribution distribution;
  // Fixed facility overhead: cooling and other non-IT loads draw (pue - 1) x IT power, on top
  // of what the power tree draws (IT power plus PSU-to-feed distribution losses). With a
  // lossless tree the resulting PUE is exactly this value.
  double pue = 1.0;
  // The cooling plant; kFixedPue (the default) uses `pue` above.
  cooling::Plant cooling;
  ThermalConfig thermal;
  HeatReuseConfig heat;
  // Outside dry-bulb temperature in C over simulated time (a chilled-water plant needs it);
  // must cover the run unless it repeats.
  simcore::StepSeries outside_temp_c;
  bool outside_temp_repeats = false;
  // Grid carbon intensity in g/kWh over simulated time; must cover the whole run, unless it
  // repeats (back to back, from its first point: e.g. a year of hourly data).
  simcore::StepSeries carbon_intensity_g_per_kwh;
  bool carbon_intensity_repeats = false;
  // The basis of the series above (carbon.accounting), and the series of the other basis when
  // the scenario gives both (empty: none): the realised location-based carbon is reported on
  // each basis that has a series, so no comparison mixes them by accident.
  bool accounting_marginal = false;
  simcore::StepSeries other_intensity_g_per_kwh;
  bool other_intensity_repeats = false;
  // What policies are told of the future, per signal (index: Signal); null where the site has
  // no such signal. Results never use them: realised carbon and cost come from the series.
  std::array<std::shared_ptr<const forecast::Forecast>, kSignalCount> forecasts;
  // On-site renewables, PPAs, a battery, prices, credits (models/supply/supply_site.hpp).
  // Its calendar origin is the absolute UTC time of simulated time 0.
  supply::SupplyConfig supply;
  power::NodeState initial_node_state = power::NodeState::kIdle;
};

struct WorldConfig {
  std::vector<SiteConfig> sites;
  // The seed of the world's own random streams (node failures); the workload has its own.
  std::uint64_t seed = 1;
  // Node failures at given instants (a failure trace), beside any drawn from node_mtbf: the
  // node (its index over all sites, in order) and when. A node that is not up then (off,
  // booting, already failed) is not affected.
  struct Failure {
    std::uint32_t node = 0;
    simcore::SimTime at;
  };
  std::vector<Failure> failures;
  // Nothing: run until the workload is exhausted and nothing more can happen.
  std::optional<simcore::SimTime> horizon;
  simcore::SimTime output_interval = simcore::SimTime::hours(1);
  // Keep each site's facility demand as an exact step series (every change, the last value
  // of each instant), e.g. to replay it through the settlement or to store it.
  bool record_demand = false;
};

}  // namespace wattsim::datacenter
