#pragma once
// Scenario files (DESIGN.md §7): one JSON file describing the facility (or several sites),
// hardware, workload, grid carbon intensity, policy, horizon, seed and output. This is the
// composition root's input edge: it turns JSON into the plain structs the libraries take,
// and validates everything before any simulation, reporting every problem at once with its
// JSON path ("facility.racks[2].node") and, for typos, the nearest valid key.
//
// The format is documented in docs/scenarios.md and by the JSON Schema in
// scenarios/schema/scenario.schema.json.

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "datacenter/config.hpp"
#include "models/catalog/catalog.hpp"
#include "policies/registry.hpp"
#include "workloads/flexibility.hpp"
#include "workloads/generator.hpp"
#include "workloads/job.hpp"
#include "workloads/oversize_filter.hpp"

namespace wattsim::app {

struct WorkloadSpec {
  enum class Kind { kTrace, kGenerator } kind = Kind::kGenerator;
  std::string trace_path;
  double trace_default_beta = 1.0;
  std::vector<workloads::GeneratorSpec> generators;  // several: merged in submit order
  // A trace row larger than the largest site: an input error, or skipped and counted.
  workloads::OversizeFilter::Mode oversize = workloads::OversizeFilter::Mode::kError;
  // Checkpoint write/read times and interval of every job (workload.checkpoint): only those
  // three fields are used.
  workloads::Job checkpoint;
  // workload.flexibility: deadlines (and preemptibility) for a share of the jobs of a queue.
  std::vector<workloads::FlexibilityRule> flexibility;
};

struct OutputSpec {
  std::string path;  // resolved (absolute or relative to the current directory)
  simcore::SimTime interval = simcore::SimTime::hours(1);
  int compression = 1;
};

struct Scenario {
  std::string name;
  std::string file;
  std::uint64_t seed = 1;
  nlohmann::json resolved;  // the scenario with every default filled in
  std::unique_ptr<catalog::Catalog> catalog;
  datacenter::WorldConfig world;
  policies::PolicyStack policy;  // scheduler + placement + managers
  // "compare": {"variants": {NAME: POLICY, ...}}: the policies `wattsim compare` runs when the
  // command line names none (`run` uses "policy" alone). Names as stored (JSON objects keep no
  // order: app/compare.cpp takes the file's order); each POLICY an object as "policy" takes,
  // its shape checked here and its entries when compare loads the variant.
  std::vector<std::pair<std::string, nlohmann::json>> compare_variants;
  WorkloadSpec workload;
  OutputSpec output;
  std::optional<std::string> start_utc;  // the calendar instant of simulated time 0, if any
  // The currency of every price and cost, as the price series name it in their unit
  // ("USD/MWh": "USD"); "" when none does. One per scenario (two are an input error).
  std::string currency;
  // Every file the scenario reads, as resolved: the scenario file, the trace, each series' CSV
  // and weather file (so that no command writes over one of its inputs).
  std::vector<std::string> input_files;

  // A fresh job source for this scenario's workload (a trace reader or a generator), behind
  // the filter of jobs larger than the largest site (workload.oversize), which counts what it
  // skips and warns of the first skip on `warnings` (nullptr: silently).
  std::unique_ptr<workloads::OversizeFilter> make_job_source(std::FILE* warnings = stderr) const;
  // Accelerators of the largest site: the largest job that can run.
  std::uint64_t largest_site_accelerators() const;
  // The node and accelerator specs the facility uses, as JSON (for the result set's /meta).
  nlohmann::json hardware_json() const;
};

// The --set overrides of one compare.variants entry: "policy=<JSON>", then the entry's "set"
// overrides ({"policy": POLICY, "set": {PATH: VALUE}}), each as "PATH=<JSON>".
std::vector<std::string> variant_overrides(const nlohmann::json& variant);

// Applies one "--set a.b[2].c=VALUE" override to a scenario document. VALUE is read as JSON
// when it parses as JSON (numbers, true/false, null, "quoted", objects), else as a string.
// Returns the JSON path it set ("a.b[2].c"). Throws simcore::InputError for a malformed path.
std::string apply_set(nlohmann::json& doc, const std::string& assignment);

// Reads the file, applies the overrides in order, validates, and builds the scenario.
// Relative paths in the file are relative to the file's folder; paths given with --set are
// relative to the current directory. Throws simcore::InputError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets = {});

}  // namespace wattsim::app
