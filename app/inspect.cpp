#include "app/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>

#include "app/batch_front.hpp"
#include "app/compare.hpp"
#include "app/units_text.hpp"
#include "models/catalog/catalog.hpp"
#include "models/catalog/catalog_to_json.hpp"
#include "policies/registry.hpp"
#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::app {

using nlohmann::json;

namespace {

using Strings = std::vector<std::pair<std::string, std::string>>;
using Numbers = std::vector<std::pair<std::string, double>>;

std::string meta_string(const Strings& strings, const std::string& key) {
  for (const auto& [k, v] : strings) {
    if (k == key) return v;
  }
  return "";
}

std::optional<double> meta_number(const Numbers& numbers, const std::string& key) {
  for (const auto& [k, v] : numbers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

json meta_json(const Strings& strings, const Numbers& numbers) {
  json meta = json::object();
  for (const auto& [k, v] : strings) meta[k] = v;
  for (const auto& [k, v] : numbers) meta[k] = v;
  return meta;
}

void print_meta(const std::string& path, const Strings& strings, const Numbers& numbers) {
  fmt::print("{}\n", path);
  for (const auto& [k, v] : strings) {
    if (k == "scenario" || k == "hardware" || k == "batch" || k == "variants") continue;  // long JSON: use --json
    fmt::print("  {:<32} {}\n", k, v);
  }
  for (const auto& [k, v] : numbers) fmt::print("  {:<32} {:.10g}\n", k, v);
}

// A batch's result set: its variants' count and regions, and the front as `wattsim batch`
// printed it.
int inspect_batch(const results::ResultReader& reader, bool as_json) {
  const auto strings = reader.meta_strings();
  const auto numbers = reader.meta_numbers();
  const BatchVariants variants = read_batch_variants(reader);
  const auto front = reader.indices("/pareto");
  std::optional<std::size_t> cheapest;
  if (const auto v = meta_number(numbers, "cheapest_net_zero"); v && *v >= 0 && *v < static_cast<double>(variants.rows())) {
    cheapest = static_cast<std::size_t>(*v);
  }
  if (as_json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["kind"] = "batch";
    out["meta"] = meta_json(strings, numbers);
    out["variants"] = variants.rows();
    out["front"] = nlohmann::ordered_json::array();
    for (const auto i : front) out["front"].push_back(variant_json(variants, static_cast<std::size_t>(i)));
    out["cheapest_net_zero"] = cheapest ? variant_json(variants, *cheapest) : nlohmann::ordered_json(nullptr);
    out["units"] = nlohmann::ordered_json::object();
    out["descriptions"] = nlohmann::ordered_json::object();
    for (std::size_t f = 0; f < variants.fields.size(); ++f) {
      out["units"][variants.fields[f]] = variants.units[f];
      out["descriptions"][variants.fields[f]] = variants.descriptions[f];
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  print_meta(reader.path(), strings, numbers);
  std::string regions;
  for (const auto& r : variants.regions) regions += (regions.empty() ? "" : ", ") + r;
  const double span_s = meta_number(numbers, "span_s").value_or(0.0);
  fmt::print("batch result set: {} variant{} over {}; demand: {} over {}\n\n",
             format_plain(static_cast<double>(variants.rows())), variants.rows() == 1 ? "" : "s",
             regions.empty() ? "no region" : regions, meta_string(strings, "demand"), format_duration_s(span_s));
  fmt::print("{}", format_front(variants, front, cheapest));
  return 0;
}

// A run's result set: /meta and /summary, each value in a unit of its size with its description.
int inspect_run(const results::ResultReader& reader, bool as_json) {
  const auto strings = reader.meta_strings();
  const auto numbers = reader.meta_numbers();
  const auto summary = reader.summary("/summary");
  if (as_json) {
    json out = {{"meta", meta_json(strings, numbers)},
                {"summary", json::object()},
                {"units", json::object()},
                {"descriptions", json::object()}};
    for (const auto& s : summary) {
      out["summary"][s.name] = s.value;
      out["units"][s.name] = s.unit;
      out["descriptions"][s.name] = s.description;
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  print_meta(reader.path(), strings, numbers);
  const std::string currency = meta_string(strings, "currency");
  fmt::print("summary\n");
  for (const auto& s : summary) {
    // The zero rule's reference: the largest value of the same unit (a balance of -7e-12 kg
    // beside 539 t of emissions is 0).
    double reference = 0;
    for (const auto& other : summary) {
      if (other.unit == s.unit && std::isfinite(other.value)) reference = std::max(reference, std::fabs(other.value));
    }
    const std::string text = format_quantity(s.value, s.unit, currency, reference);
    if (s.description.empty()) {
      fmt::print("  {:<32} {}\n", s.name, text);
    } else {
      fmt::print("  {:<32} {:<18} {}\n", s.name, text, s.description);
    }
  }
  return 0;
}

// A comparison's result set: /meta, its variants and where each run is, and the table as
// `wattsim compare` printed it.
int inspect_compare(const results::ResultReader& reader, bool as_json) {
  const auto strings = reader.meta_strings();
  const auto numbers = reader.meta_numbers();
  const CompareTable table = read_compare_table(reader);
  const auto records = reader.records("/compare/summary");
  if (as_json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["kind"] = "compare";
    out["meta"] = meta_json(strings, numbers);
    out["variants"] = table.variants();
    out["runs"] = nlohmann::ordered_json::array();
    for (const auto& row : table.rows) {
      nlohmann::ordered_json r = {
          {"variant", row.variant}, {"policy", row.policy}, {"group", row.group}, {"seed", row.seed}};
      for (const auto& field : records.fields) {
        if (field != "seed") r[field] = row.value(field);
      }
      out["runs"].push_back(std::move(r));
    }
    out["units"] = nlohmann::ordered_json::object();
    out["descriptions"] = nlohmann::ordered_json::object();
    for (std::size_t f = 0; f < records.fields.size(); ++f) {
      out["units"][records.fields[f]] = records.units[f];
      out["descriptions"][records.fields[f]] = records.descriptions[f];
    }
    out["timing"] = nlohmann::ordered_json::array();
    if (reader.contains("/compare/timing")) {
      const auto timing = reader.records("/compare/timing");
      for (std::size_t r = 0; r < timing.rows(); ++r) {
        nlohmann::ordered_json row = {{"variant", timing.text(r, "variant")}};
        for (const auto& field : timing.fields) row[field] = timing.at(r, field);
        out["timing"].push_back(std::move(row));
      }
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  print_meta(reader.path(), strings, numbers);
  const auto names = table.variants();
  const std::size_t seeds = table.seeds();
  fmt::print("compare result set: {} variant{}{}; each run's result set under its group\n", names.size(),
             names.size() == 1 ? "" : "s",
             seeds > 1 ? fmt::format(" x {} {}", seeds, table.varies == "forecast_seed" ? "forecast-error seeds" : "seeds") : "");
  for (std::size_t v = 0; v < names.size(); ++v) {
    const CompareRow& row = table.rows[v * seeds];
    const std::string group = seeds > 1 ? row.group.substr(0, row.group.rfind('/')) : row.group;
    const char* runs = table.varies == "forecast_seed" ? "/forecast-seed-*" : "/seed-*";
    fmt::print("  {:<24} {:<28} policy {}\n", names[v], group + (seeds > 1 ? runs : ""), row.policy);
  }
  fmt::print("\n{}", format_compare_table(table));
  return 0;
}

}  // namespace

int inspect_command(const std::string& path, bool as_json) {
  try {
    const results::ResultReader reader(path);
    if (const std::string note = reader.version_note(); !note.empty())
      fmt::print(stderr, "wattsim: {}: {}\n", path, note);
    if (reader.is_batch()) return inspect_batch(reader, as_json);
    if (reader.is_compare()) return inspect_compare(reader, as_json);
    if (!reader.contains("/summary")) {
      fmt::print(stderr,
                 "wattsim: {}: neither a run's result set (it has no /summary), a batch's (no /variants) nor a "
                 "comparison's (no /compare/summary)\n",
                 path);
      return 2;
    }
    return inspect_run(reader, as_json);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wattsim: %s\n", e.what());
    return 2;
  }
}

int catalog_command(const std::string& name, bool as_json) {
  try {
    const auto cat = catalog::builtin_catalog();
    if (name.empty()) {
      if (as_json) {
        fmt::print("{}\n", catalog::catalog_to_json(cat).dump(2));
        return 0;
      }
      fmt::print("accelerators\n  idle: {}\n  p-state idle (wattsim catalog NAME): {}\n", catalog::kIdleMeaning,
                 catalog::kPStateIdleMeaning);
      for (const auto& [n, a] : cat.accelerators()) {
        fmt::print(
            "  {:<16} {:<8} TDP {:>6.0f} W, idle {:>4.0f} W (no work placed), {} p-state{} up to {:.0f} MHz, "
            "nominal max {:.0f} MHz, {:g} GB\n",
            n, a.vendor, a.tdp_w, a.idle_w, a.pstates.size(), a.pstates.size() == 1 ? "" : "s",
            a.pstates.back().freq_hz / 1e6, a.speed_reference_hz() / 1e6, a.memory_gb);
      }
      fmt::print("nodes\n");
      for (const auto& [n, node] : cat.nodes()) {
        fmt::print("  {:<16} {} x {:<16} host {:.0f}-{:.0f} W, PSU {} rated {:.0f} W\n", n, node.accelerator_count,
                   node.accelerator.empty() ? "-" : node.accelerator, node.base_idle_w, node.base_busy_w,
                   node.psu_curve, node.psu_rated_w);
      }
      fmt::print("curves\n");
      for (const auto& [n, c] : cat.curves())
        fmt::print("  {:<32} {}, {} points\n", n, c.kind, c.curve.points().size());
      return 0;
    }
    const auto entry_json = [&](const char* section, json body) {
      body["name"] = name;
      body["section"] = section;
      fmt::print("{}\n", body.dump(2));
      return 0;
    };
    if (cat.accelerators().count(name)) {
      const auto& a = cat.accelerator(name);
      if (as_json) {
        json body = catalog::accelerator_to_json(a);
        body["idle"] = {{"idle_w", catalog::kIdleMeaning}, {"pstates.idle_w", catalog::kPStateIdleMeaning}};
        return entry_json("accelerators", std::move(body));
      }
      fmt::print(
          "{} ({})\n  TDP {} W\n  idle {} W: {}\n  nominal maximum frequency {:g} MHz (speed(f) is relative to it)\n"
          "  memory {} GB, {} TB/s\n",
          a.name, a.vendor, a.tdp_w, a.idle_w, catalog::kIdleMeaning, a.speed_reference_hz() / 1e6, a.memory_gb,
          a.memory_bandwidth_tb_s);
      fmt::print(
          "  p-states (f/f_nom: the speed of a fully compute-bound job there)\n    idle: {}; max: at utilisation 1\n",
          catalog::kPStateIdleMeaning);
      for (const auto& s : a.pstates) {
        fmt::print("    {:>6.0f} MHz  idle {:>5.0f} W  max {:>5.0f} W  f/f_nom {:.3f}\n", s.freq_hz / 1e6, s.idle_w,
                   s.max_w, s.freq_hz / a.speed_reference_hz());
      }
      fmt::print("  peak dense TFLOP/s:");
      for (const auto& [p, v] : a.peak_tflops) fmt::print(" {} {:g}", p, v);
      fmt::print("\n  embodied {} kg CO2e over {} years\n  source: {}\n", a.embodied_kg, a.lifetime_years, a.source);
      return 0;
    }
    if (cat.nodes().count(name)) {
      const auto& n = cat.node(name);
      if (as_json) return entry_json("nodes", catalog::node_to_json(n));
      fmt::print(
          "{}\n  {} x {}\n  host {} W idle, {} W busy; off {} W; boot {} s, {} J\n  PSU {} rated {} W\n"
          "  embodied {} kg CO2e (without accelerators) over {} years\n  source: {}\n",
          n.name, n.accelerator_count, n.accelerator, n.base_idle_w, n.base_busy_w, n.off_w, n.boot_time.to_seconds(),
          n.boot_energy_j, n.psu_curve, n.psu_rated_w, n.embodied_kg, n.lifetime_years, n.source);
      return 0;
    }
    if (!cat.curves().count(name)) {
      std::vector<std::string> all;
      for (const auto& [n, a] : cat.accelerators()) all.push_back(n);
      for (const auto& [n, x] : cat.nodes()) all.push_back(n);
      for (const auto& [n, c] : cat.curves()) all.push_back(n);
      fmt::print(stderr, "wattsim: no accelerator, node or curve is called \"{}\"{}\n", name,
                 simcore::did_you_mean(name, all));
      return 2;
    }
    const auto& c = cat.curve(name);
    if (as_json) return entry_json("curves", catalog::curve_to_json(c));
    fmt::print("{} ({})\n", c.name, c.kind);
    for (const auto& p : c.curve.points())
      fmt::print("  load {:>5.1f} %  efficiency {:.2f} %\n", 100 * p.load_fraction, 100 * p.efficiency);
    fmt::print("  source: {}\n", c.source);
    return 0;
  } catch (const simcore::InputError& e) {
    fmt::print(stderr, "wattsim: {}\n", e.diagnostics().front().message);
    return 2;
  }
}

int policies_command() {
  // By kind, each entry with its parameters: default, unit and range, or the choices.
  const auto& registry = policies::builtin_policies();
  fmt::print("A scenario's \"policy\" is one scheduler, one placement rule and any number of managers (docs/policies.md):\n"
             "  \"policy\": {{\"scheduler\": \"easy-backfill\", \"placement\": \"best-fit\",\n"
             "             \"managers\": [{{\"name\": \"idle-off\", \"timeout\": \"15 min\"}}]}}\n"
             "or a scheduler alone: {{\"name\": \"fifo\"}}.\n");
  for (const auto kind : {policies::PolicyKind::kScheduler, policies::PolicyKind::kPlacement, policies::PolicyKind::kManager}) {
    fmt::print("\n{}s:\n", policies::policy_kind_name(kind));
    for (const auto& p : registry.all()) {
      if (p.kind != kind) continue;
      fmt::print("  {}\n    {}\n", p.name, p.description);
      if (!p.reads.empty()) {
        std::string reads;
        for (const auto sig : p.reads) reads += std::string(reads.empty() ? "" : ", ") + datacenter::signal_name(sig);
        fmt::print("    reads: {} (a demand scenario for `wattsim batch` may not use it)\n", reads);
      }
      for (const auto& param : p.params) {
        std::string def;
        std::visit(
            [&](const auto& v) {
              using T = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<T, std::string>) {
                def = "\"" + v + "\"";
              } else {
                def = fmt::format("{}", v);
              }
            },
            param.default_value);
        std::string unit = param.dimension ? std::string(simcore::internal_unit(*param.dimension)) : "";
        if (unit == "1") unit = "";
        std::string range;
        if (!param.choices.empty()) {
          range = fmt::format("; one of {}", fmt::join(param.choices, ", "));
        } else if (param.min != param.max) {
          range = fmt::format("; {:g} to {:g}{}{}", param.min, param.max, unit.empty() ? "" : " ", unit);
        }
        fmt::print("    {} (default {}{}{}{}): {}\n", param.name, def, unit.empty() ? "" : " ", unit, range,
                   param.description);
      }
    }
  }
  return 0;
}

}  // namespace wattsim::app
