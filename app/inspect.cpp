#include "app/inspect.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "models/catalog/catalog.hpp"
#include "policies/registry.hpp"
#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::app {

using nlohmann::json;

int inspect_command(const std::string& path, bool as_json) {
  try {
    const results::ResultReader reader(path);
    const auto strings = reader.meta_strings();
    const auto numbers = reader.meta_numbers();
    const auto summary = reader.summary("/summary");
    if (as_json) {
      json out = {{"meta", json::object()}, {"summary", json::object()}, {"units", json::object()}};
      for (const auto& [k, v] : strings) out["meta"][k] = v;
      for (const auto& [k, v] : numbers) out["meta"][k] = v;
      for (const auto& s : summary) {
        out["summary"][s.name] = s.value;
        out["units"][s.name] = s.unit;
      }
      fmt::print("{}\n", out.dump(2));
      return 0;
    }
    fmt::print("{}\n", path);
    for (const auto& [k, v] : strings) {
      if (k == "scenario" || k == "hardware") continue;  // long JSON: use --json
      fmt::print("  {:<32} {}\n", k, v);
    }
    for (const auto& [k, v] : numbers) fmt::print("  {:<32} {:.10g}\n", k, v);
    fmt::print("summary\n");
    for (const auto& s : summary) fmt::print("  {:<32} {:.10g} {}\n", s.name, s.value, s.unit == "1" ? "" : s.unit);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wattsim: %s\n", e.what());
    return 2;
  }
}

int catalog_command(const std::string& name) {
  try {
    const auto cat = catalog::builtin_catalog();
    if (name.empty()) {
      fmt::print("accelerators\n");
      for (const auto& [n, a] : cat.accelerators()) {
        fmt::print("  {:<16} {:<8} TDP {:>6.0f} W, idle {:>4.0f} W, {} p-states, {:g} GB\n", n, a.vendor, a.tdp_w, a.idle_w,
                   a.pstates.size(), a.memory_gb);
      }
      fmt::print("nodes\n");
      for (const auto& [n, node] : cat.nodes()) {
        fmt::print("  {:<16} {} x {:<16} host {:.0f}-{:.0f} W, PSU {} rated {:.0f} W\n", n, node.accelerator_count,
                   node.accelerator.empty() ? "-" : node.accelerator, node.base_idle_w, node.base_busy_w, node.psu_curve,
                   node.psu_rated_w);
      }
      fmt::print("curves\n");
      for (const auto& [n, c] : cat.curves()) fmt::print("  {:<32} {}, {} points\n", n, c.kind, c.curve.points().size());
      return 0;
    }
    if (cat.accelerators().count(name)) {
      const auto& a = cat.accelerator(name);
      fmt::print("{} ({})\n  TDP {} W, idle {} W, memory {} GB, {} TB/s\n  p-states:\n", a.name, a.vendor, a.tdp_w, a.idle_w,
                 a.memory_gb, a.memory_bandwidth_tb_s);
      for (const auto& s : a.pstates) fmt::print("    {:>6.0f} MHz  idle {:>5.0f} W  max {:>5.0f} W\n", s.freq_hz / 1e6, s.idle_w, s.max_w);
      fmt::print("  peak dense TFLOP/s:");
      for (const auto& [p, v] : a.peak_tflops) fmt::print(" {} {:g}", p, v);
      fmt::print("\n  embodied {} kg CO2e over {} years\n  source: {}\n", a.embodied_kg, a.lifetime_years, a.source);
      return 0;
    }
    if (cat.nodes().count(name)) {
      const auto& n = cat.node(name);
      fmt::print("{}\n  {} x {}\n  host {} W idle, {} W busy; off {} W; boot {} s, {} J\n  PSU {} rated {} W\n"
                 "  embodied {} kg CO2e (without accelerators) over {} years\n  source: {}\n",
                 n.name, n.accelerator_count, n.accelerator, n.base_idle_w, n.base_busy_w, n.off_w,
                 n.boot_time.to_seconds(), n.boot_energy_j, n.psu_curve, n.psu_rated_w, n.embodied_kg, n.lifetime_years,
                 n.source);
      return 0;
    }
    if (!cat.curves().count(name)) {
      std::vector<std::string> all;
      for (const auto& [n, a] : cat.accelerators()) all.push_back(n);
      for (const auto& [n, x] : cat.nodes()) all.push_back(n);
      for (const auto& [n, c] : cat.curves()) all.push_back(n);
      fmt::print(stderr, "wattsim: no accelerator, node or curve is called \"{}\"{}\n", name, simcore::did_you_mean(name, all));
      return 2;
    }
    const auto& c = cat.curve(name);
    fmt::print("{} ({})\n", c.name, c.kind);
    for (const auto& p : c.curve.points()) fmt::print("  load {:>5.1f} %  efficiency {:.2f} %\n", 100 * p.load_fraction, 100 * p.efficiency);
    fmt::print("  source: {}\n", c.source);
    return 0;
  } catch (const simcore::InputError& e) {
    fmt::print(stderr, "wattsim: {}\n", e.diagnostics().front().message);
    return 2;
  }
}

int policies_command() {
  for (const auto& p : policies::builtin_policies().all()) {
    fmt::print("{}\n  {}\n", p.name, p.description);
    for (const auto& param : p.params) {
      std::string def;
      std::visit([&](const auto& v) { def = fmt::format("{}", v); }, param.default_value);
      fmt::print("  params.{} (default {}): {}\n", param.name, def, param.description);
    }
  }
  return 0;
}

}  // namespace wattsim::app
