#include "models/catalog/catalog_to_json.hpp"

#include <cmath>

namespace wattsim::catalog {

using nlohmann::json;

const char* const kIdleMeaning = "no work placed on the accelerator (what an accelerator without a job draws)";
const char* const kPStateIdleMeaning =
    "work placed at utilisation 0 (a job holds the accelerator, clocks at this p-state, no kernels running)";

json accelerator_to_json(const power::AcceleratorSpec& a) {
  json states = json::array();
  for (const auto& s : a.pstates) states.push_back({{"freq_hz", s.freq_hz}, {"idle_w", s.idle_w}, {"max_w", s.max_w}});
  return {{"vendor", a.vendor},
          {"tdp_w", a.tdp_w},
          {"idle_w", a.idle_w},
          {"nominal_max_freq_hz", a.speed_reference_hz()},
          {"memory_gb", a.memory_gb},
          {"memory_bandwidth_tb_s", a.memory_bandwidth_tb_s},
          {"peak_tflops", a.peak_tflops},
          {"pstates", std::move(states)},
          {"embodied_kg", a.embodied_kg},
          {"lifetime_years", a.lifetime_years},
          {"source", a.source}};
}

json node_to_json(const power::NodeSpec& n) {
  return {{"accelerator", n.accelerator.empty() ? json(nullptr) : json(n.accelerator)},
          {"accelerators", n.accelerator_count},
          {"base_idle_w", n.base_idle_w},
          {"base_busy_w", n.base_busy_w},
          {"off_w", n.off_w},
          {"boot_time_s", n.boot_time.to_seconds()},
          {"boot_energy_j", n.boot_energy_j},
          {"psu", n.psu_curve.empty() ? json(nullptr) : json(n.psu_curve)},
          {"psu_rated_w", std::isfinite(n.psu_rated_w) ? json(n.psu_rated_w) : json(nullptr)},
          {"embodied_kg", n.embodied_kg},
          {"lifetime_years", n.lifetime_years},
          {"source", n.source}};
}

json curve_to_json(const CurveEntry& c) {
  json points = json::array();
  for (const auto& p : c.curve.points()) points.push_back({p.load_fraction, p.efficiency});
  return {{"kind", c.kind}, {"points", std::move(points)}, {"source", c.source}};
}

json catalog_to_json(const Catalog& cat) {
  json out = {{"format", "wattsim-catalog-json/1"},
              {"idle", {{"idle_w", kIdleMeaning}, {"pstates.idle_w", kPStateIdleMeaning}}},
              {"accelerators", json::object()},
              {"nodes", json::object()},
              {"curves", json::object()}};
  for (const auto& [name, a] : cat.accelerators()) out["accelerators"][name] = accelerator_to_json(a);
  for (const auto& [name, n] : cat.nodes()) out["nodes"][name] = node_to_json(n);
  for (const auto& [name, c] : cat.curves()) out["curves"][name] = curve_to_json(c);
  return out;
}

}  // namespace wattsim::catalog
