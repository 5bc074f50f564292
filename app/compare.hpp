#pragma once
// `wattsim compare SCENARIO (--policy NAME=JSON ... | --vary KEY=V1,V2,...) [--seeds N | --forecast-seeds N]
// [--jobs N] [--set k=v]... -o OUT.h5`: the scenario run once per variant (and seed), side by side.
//
// Each variant is the scenario with overrides: --policy NAME=JSON replaces "policy" (JSON, or a
// scheduler's name alone), --vary KEY=V1,V2 makes one variant per value (named "KEY=V"), and
// without either the scenario's "compare": {"variants": {NAME: POLICY, ...}} gives them, in the
// order the file writes them. The first variant is the baseline of every change. Every variant
// is loaded and validated before anything runs.
//
// Each run is an independent world in a child process (this binary's `run`, with --set
// overrides and -o into a temporary folder), --jobs of them at a time: HDF5 as Debian builds it
// is not thread-safe, and processes also keep each run's memory and failure to itself. A
// variant's jobs do not depend on its policy (the workload's random streams are the seed's), so
// every variant sees the same jobs. --seeds N replicates the workload (--set seed=S for the
// scenario's seed + 0..N-1); --forecast-seeds N replicates the forecasts' error instead (--set
// forecast.seed=S for the scenario's forecast.seed, default 1, + 0..N-1; the workload stays
// the scenario's); one spread at a time. The runs' result sets are then copied, chunks as stored,
// into one result set (docs/results.md, "Comparisons"):
//   /meta                      the comparison's provenance (kind "compare", the variants)
//   /runs/NAME/...             one run's layout (/meta, /summary, /jobs, /timeseries, ...);
//                              with --seeds N > 1, /runs/NAME/seed-S/...; with
//                              --forecast-seeds N > 1, /runs/NAME/forecast-seed-S/...
//   /compare/summary           one row per run: variant, policy, group, varies ("seed",
//                              "forecast_seed" or "none"), seed, forecast_seed and every
//                              /summary value of the run (of any run: a value another
//                              variant's run lacks, e.g. a policy's figure, is NaN there)
//   /compare/timing            one row per run: wall and CPU time (not reproducible)
// The runs' results do not depend on --jobs: the same rows bit for bit with 1 or 16 workers,
// and each /runs/NAME equal to a separate `wattsim run` of the variant.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/scenario.hpp"
#include "results/result_reader.hpp"

namespace wattsim::app {

struct CompareOptions {
  std::string scenario;
  std::vector<std::string> policies;  // NAME=JSON, in order
  std::vector<std::string> vary;      // KEY=V1,V2,... (one)
  unsigned seeds = 1;                 // replicate seeds per variant: seed, seed + 1, ...
  unsigned forecast_seeds = 1;        // replicate forecast-error seeds instead (not with seeds > 1)
  unsigned jobs = 0;                  // runs at a time; 0: one per core
  std::vector<std::string> sets;      // for every variant, before its own overrides
  std::string output;
  bool force = false;
  bool quiet = false;
  std::string max_memory;  // the limit all runs at a time share; empty: the available memory
  std::string command_line;
};

// Exit status: 0 success, 2 invalid input (any variant's, with its name; the command line; an
// output path it may not write), 1 a run failed (its error printed, named by variant), 130 / 143
// interrupted (app/interrupt.hpp): no result and no temporary file is left.
int compare_command(const CompareOptions& options);

// The comparison as /compare/summary holds it: one row per run, in variant order and seeds
// within, each with every /summary value of its run.
struct CompareRow {
  std::string variant, policy, group;
  double seed = 0;
  double forecast_seed = 1;  // NaN in a file written before there was one
  std::map<std::string, double> values;
  double value(const std::string& key) const;  // NaN when the run has no such value
};
struct CompareTable {
  std::vector<CompareRow> rows;
  std::string currency;  // /meta currency; "" when unknown
  // Which seed the runs of a variant vary: "seed" (the workload's, --seeds) or "forecast_seed"
  // (the forecast error's, --forecast-seeds); "seed" when there is one run per variant.
  std::string varies = "seed";
  // The variants in order, and the runs of each (seeds): rows[i] is variant i / seeds, seed
  // i % seeds.
  std::vector<std::string> variants() const;
  std::size_t seeds() const;
};

// The scenario's compare.variants in the order its file writes them (a parsed JSON object keeps
// no order); names the file does not have (given with --set) follow in name order.
std::vector<std::pair<std::string, nlohmann::json>> compare_variants_in_order(const Scenario& scenario);

// Throws std::runtime_error naming the file when /compare/summary is not as written.
CompareTable read_compare_table(const results::ResultReader& reader);

// The printed comparison (README, docs/results.md "Comparisons"): one row per variant in two
// blocks of at most 120 characters (energy, carbon and cost; waits and service), units in the
// headers, each row's change against the first variant below it; a third block, "carbon and
// flexible work", when any run started flexible jobs, suspended a job, moved data or has a
// marginal carbon figure: carbon saved against the first variant (location and operational;
// seed by seed, paired), the realised location carbon on each basis some run has, the mean
// added delay of flexible jobs (paired), suspensions, checkpoint energy and, when any, data
// transfers; with several seeds, mean and the half-width of its 95 % interval (Student's t,
// seeds - 1 degrees of freedom), naming the seeds it is over (workload or forecast-error); a warning
// naming the variants that did not finish the same work as the first (jobs completed or work
// done apart by more than 0.1 %).
std::string format_compare_table(const CompareTable& table);

// The two-sided 95 % quantile of Student's t with `dof` degrees of freedom (dof >= 1):
// 12.706 for 1, 4.303 for 2, 2.262 for 9, 1.960 in the limit.
double student_t_95(std::size_t dof);

}  // namespace wattsim::app
