#pragma once
// The hardware catalog: accelerators, nodes and efficiency curves, shipped with the program
// as JSON (models/catalog/data/catalog.json, compiled in) and turned into the plain structs
// of models/power. Every figure in the data names its source.
//
// A scenario adds its own hardware or overrides catalog entries field by field through an
// overrides object of the same shape ({"accelerators": {...}, "nodes": {...}, "curves": {...}}):
//   - an existing name is overridden field by field (JSON merge patch: objects merge, arrays
//     and plain values replace, null removes a field);
//   - a new name is added; it must be complete, or start from an existing entry of the same
//     section with "extends": "<name>". A new node may leave out "off", "boot_time" and
//     "boot_energy" (0) and "psu" with "psu_rated" (no PSU losses, no PSU rating).
//   - "embodied" (kgCO2e of manufacturing: a mass, "150 kg", "1.2 t") and "lifetime" (the
//     service life it is amortised over: a time, "5 y"; stored in years of 365 d) are required
//     in the base catalog and optional in a scenario's entries (0: not given), but "embodied"
//     without "lifetime" is an error. A node's figure excludes its accelerators.
//   - an accelerator's "nominal_max_freq" (the reference of speed(f), models/power/
//     accelerator.hpp) defaults to its highest p-state's frequency. A built-in entry's is
//     fixed before the overrides apply: replacing its p-states, or extending it, keeps the
//     part's nominal maximum unless the patch gives "nominal_max_freq" itself.
// Loading validates every field (units, ranges, monotone p-states, no p-state above the
// nominal maximum frequency or drawing more than the TDP, references between entries) and
// reports all problems at once with their JSON paths.
//
// This is the one library below app/ that reads JSON: the catalog's own data format. The
// models themselves take plain structs.

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/power/accelerator.hpp"
#include "models/power/efficiency_curve.hpp"
#include "models/power/node.hpp"

namespace wattsim::catalog {

struct CurveEntry {
  std::string name;
  std::string kind;  // "psu", "ups", "pdu", "transformer"
  power::EfficiencyCurve curve;
  std::string source;
};

class Catalog {
 public:
  // Lookups throw simcore::InputError naming the nearest valid names.
  const power::AcceleratorSpec& accelerator(const std::string& name) const;
  const power::NodeSpec& node(const std::string& name) const;
  const CurveEntry& curve(const std::string& name) const;

  const std::map<std::string, power::AcceleratorSpec>& accelerators() const { return accelerators_; }
  const std::map<std::string, power::NodeSpec>& nodes() const { return nodes_; }
  const std::map<std::string, CurveEntry>& curves() const { return curves_; }

 private:
  friend Catalog load_catalog(const nlohmann::json&, std::string_view, const nlohmann::json*, std::string_view);
  std::map<std::string, power::AcceleratorSpec> accelerators_;
  std::map<std::string, power::NodeSpec> nodes_;
  std::map<std::string, CurveEntry> curves_;
};

// The catalog text compiled into the program.
std::string_view builtin_catalog_json();

// Loads `base` (a whole catalog; every entry must be complete and name its source), then
// applies `overrides` when given. Error paths are prefixed with `base_where` for base entries
// and `overrides_where` for entries the overrides touched (e.g. "hardware"). Throws
// simcore::InputError with every problem found.
Catalog load_catalog(const nlohmann::json& base, std::string_view base_where, const nlohmann::json* overrides = nullptr,
                     std::string_view overrides_where = "hardware");

// The built-in catalog, with optional overrides.
Catalog builtin_catalog(const nlohmann::json* overrides = nullptr, std::string_view overrides_where = "hardware");

}  // namespace wattsim::catalog
