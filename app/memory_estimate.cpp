#include "app/memory_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "app/units_text.hpp"
#include "simcore/error.hpp"
#include "simcore/quantity.hpp"

namespace wattsim::app {

namespace {

// Peak resident bytes per item while the world is built, from /usr/bin/time's maximum resident
// size of `wattsim run scenarios/default.json --set horizon='1 h'` with 2,500 racks of 4 and of
// 40 DGX-H100 nodes, and of 40 CPU-server nodes (no accelerators): 1,010 B per node (most of it
// the power tree's element for the node, with its PSU curve, built from a spec of named
// elements), 23 B per accelerator, about 450 B per rack. Rounded up.
constexpr double kBytesPerNode = 1200.0;
constexpr double kBytesPerAccelerator = 32.0;
constexpr double kBytesPerRack = 512.0;
// The program before any of the above: libraries, the result writer's buffers and threads
// (27 MB peak for a run of 1,000 nodes).
constexpr double kProgramBytes = 32e6;
// A row-major matrix appended to row by row lives in a std::vector whose capacity doubles.
constexpr double kGrowthFactor = 2.0;

std::string site_prefix(const Scenario& sc, std::size_t site) {
  return sc.resolved.contains("sites") ? "sites[" + std::to_string(site) + "]." : "";
}

// The run's length, when the scenario or the workload gives it, and how it was found.
struct Length {
  double seconds = 0.0;
  std::string how;  // "the horizon", "at least: generator[0]'s until + its longest job", ...
};

double longest_duration_s(const workloads::DurationSpec& d) {
  if (d.kind == workloads::DurationSpec::Kind::kLognormal) return d.max_s;
  double longest = 0.0;
  for (double v : d.values_s) longest = std::max(longest, v);
  return longest;
}

std::optional<Length> run_length(const Scenario& sc, const std::optional<TraceFacts>& trace) {
  if (sc.world.horizon) return Length{sc.world.horizon->to_seconds(), "horizon"};
  if (sc.workload.kind == WorkloadSpec::Kind::kTrace) {
    if (!trace) return std::nullopt;
    return Length{trace->last_submit.to_seconds() + trace->longest_duration_s,
                  "at least the trace's last submit time + its longest job"};
  }
  double end_s = 0.0;
  for (const auto& g : sc.workload.generators) {
    double last_submit_s = 0.0;
    if (g.until) {
      last_submit_s = g.until->to_seconds();
    } else if (g.max_jobs && g.arrivals.rate_per_s > 0) {
      last_submit_s = static_cast<double>(*g.max_jobs) / g.arrivals.rate_per_s;  // expected
    } else {
      return std::nullopt;  // cannot happen: the parser wants a horizon then
    }
    end_s = std::max(end_s, last_submit_s + longest_duration_s(g.durations));
  }
  return Length{end_s, "at least the generators' last submission + their longest job"};
}

}  // namespace

MemoryEstimate estimate_memory(const Scenario& sc, const std::optional<TraceFacts>& trace) {
  MemoryEstimate e;
  std::uint64_t racks = 0, nodes = 0, accelerators = 0;
  std::string nodes_key;  // the rack group with the most nodes
  std::uint64_t most_nodes = 0;
  bool thermal = false;
  for (std::size_t s = 0; s < sc.world.sites.size(); ++s) {
    const auto& site = sc.world.sites[s];
    std::uint64_t site_racks = 0;
    for (std::size_t i = 0; i < site.racks.size(); ++i) {
      const auto& g = site.racks[i];
      const std::uint64_t n = std::uint64_t{g.count} * g.nodes_per_rack;
      site_racks += g.count;
      nodes += n;
      if (g.node != nullptr) accelerators += n * g.node->accelerator_count;
      if (n > most_nodes) {
        most_nodes = n;
        nodes_key = site_prefix(sc, s) + "facility.racks[" + std::to_string(i) + "]";
      }
    }
    racks += site_racks;
    if (site.thermal.enabled) {
      thermal = true;
      const double r = static_cast<double>(site_racks);
      e.terms.push_back({"thermal matrix " + site_prefix(sc, s) + "facility.thermal", 2 * 8.0 * r * r,
                         "8 B x " + group_digits(site_racks) + "^2 racks, twice (the world's copies)",
                         "fewer racks, or no thermal model", site_prefix(sc, s) + "facility.thermal"});
    }
  }
  e.terms.push_back({"nodes",
                     kBytesPerNode * static_cast<double>(nodes) +
                         kBytesPerAccelerator * static_cast<double>(accelerators) +
                         kBytesPerRack * static_cast<double>(racks),
                     group_digits(nodes) + " nodes x " + format_bytes(kBytesPerNode) + " + " +
                         group_digits(accelerators) + " accelerators x " + format_bytes(kBytesPerAccelerator) + " + " +
                         group_digits(racks) + " racks x " + format_bytes(kBytesPerRack),
                     "fewer racks or nodes per rack", nodes_key + ".count"});

  e.terms.push_back(
      {"the program", kProgramBytes, "libraries, buffers and threads", "raise --max-memory", "--max-memory"});

  if (const auto length = run_length(sc, trace)) {
    const double interval_s = sc.output.interval.to_seconds();
    const double intervals = std::ceil(length->seconds / interval_s);
    const std::string formula = "8 B x " + group_digits(racks) + " racks x " +
                                group_digits(static_cast<std::uint64_t>(std::min(intervals, 1e19))) + " intervals (" +
                                length->how + " / output.interval), x2 while the buffer grows";
    const double bytes = 8.0 * static_cast<double>(racks) * intervals * kGrowthFactor;
    const std::string advice =
        sc.world.horizon ? "raise output.interval or shorten the horizon" : "raise output.interval";
    e.terms.push_back({"/racks/power_kw", bytes, formula, advice, "output.interval"});
    if (thermal) e.terms.push_back({"/racks/inlet_temp_c", bytes, formula, advice, "output.interval"});
  } else {
    e.note =
        "the run's length is unknown until the trace is read (no horizon), so the /racks matrices (8 B x racks x "
        "output intervals each) are not counted";
  }
  std::sort(e.terms.begin(), e.terms.end(), [](const MemoryTerm& a, const MemoryTerm& b) { return a.bytes > b.bytes; });
  for (const auto& t : e.terms) e.total_bytes += t.bytes;
  return e;
}

std::optional<double> available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    double kib = 0.0;
    if (fields >> kib) return kib * 1024.0;
  }
  return std::nullopt;
}

std::optional<MemoryLimit> memory_limit(const std::string& text) {
  if (!text.empty()) {
    try {
      return MemoryLimit{simcore::parse_quantity(text, simcore::Dimension::kDataSize), "--max-memory"};
    } catch (const simcore::InputError& e) {
      throw simcore::InputError("--max-memory", e.diagnostics().front().message);
    }
  }
  if (const auto available = available_memory_bytes()) {
    return MemoryLimit{*available, "available memory; --max-memory to change"};
  }
  return std::nullopt;
}

void check_memory(const MemoryEstimate& e, const std::optional<MemoryLimit>& limit) {
  if (!limit || e.total_bytes <= limit->bytes || e.terms.empty()) return;
  std::string message = "the run needs about " + format_bytes(e.total_bytes) + ", over the limit:";
  for (const auto& t : e.terms) {
    if (t.bytes < 0.001 * e.total_bytes) continue;  // only what matters
    message += " " + t.name + " " + format_bytes(t.bytes) + " (" + t.formula + ": " + t.advice + ");";
  }
  if (!e.note.empty()) message += " not counted: " + e.note + ";";
  message += " limit " + format_bytes(limit->bytes) + " (" + limit->source + ")";
  throw simcore::InputError(e.terms.front().key, message);
}

}  // namespace wattsim::app
