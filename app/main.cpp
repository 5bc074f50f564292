// wattsim: the command line (the composition root: scenario -> running simulation).
//
//   wattsim run SCENARIO [-o OUT.h5] [--force] [--set k=v]... [--quiet] [--max-memory SIZE]
//   wattsim check SCENARIO [--set k=v]... [--max-memory SIZE]
//   wattsim compare SCENARIO (--policy NAME=JSON ... | --vary KEY=V1,V2,...) [--seeds N | --forecast-seeds N]
//                   [--jobs N] [--set k=v]... -o OUT.h5 [--force] [--quiet] [--max-memory SIZE]
//   wattsim batch BATCH.json [-o OUT.h5] [--force] [--device auto|cpu|cuda] [--jobs N] [--yes] [--allow-policy-feedback]
//   wattsim inspect OUT.h5 [--json]
//   wattsim catalog [NAME] [--json]
//   wattsim policies
//
// --jobs N is how many runs (compare) or CPU threads (batch) go at once, 0 or absent: one per
// core; batch's --threads is another name for it.
//
// Exit status: 0 success, 2 invalid input (scenario, trace, command line, an output path that
// may not be written), 1 failure while running, 130 / 143 a run or batch interrupted by SIGINT /
// SIGTERM (its temporary file removed, no result written).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "app/batch.hpp"
#include "app/compare.hpp"
#include "app/inspect.hpp"
#include "app/interrupt.hpp"
#include "app/run.hpp"
#include "app/version.hpp"

int main(int argc, char** argv) {
  using namespace wattsim::app;
  CLI::App cli{"wattsim: a discrete-event simulator of AI datacenters' energy, carbon and cost"};
  cli.set_version_flag("--version", std::string("wattsim ") + kVersion);
  cli.require_subcommand(1);

  RunOptions run;
  auto* run_cmd = cli.add_subcommand("run", "Run a scenario and write its HDF5 result set");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON)")->required();
  run_cmd->add_option("-o,--output", run.output, "Result set to write (default: the scenario's output.path, else NAME.h5)");
  run_cmd->add_option("--set", run.sets, "Override a scenario field: KEY=VALUE, e.g. facility.racks[0].count=128")
      ->take_all();
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print nothing but errors");
  run_cmd->add_option("--max-memory", run.max_memory,
                      "Refuse a run estimated to need more, e.g. \"32 GB\" (default: the available memory)");
  run_cmd->add_flag("--force", run.force,
                    "Replace an existing output file that is not a result set (never an input)");

  std::string check_file;
  std::vector<std::string> check_sets;
  auto* check_cmd = cli.add_subcommand("check", "Validate a scenario without running it");
  check_cmd->add_option("scenario", check_file, "Scenario file (JSON)")->required();
  check_cmd->add_option("--set", check_sets, "Override a scenario field: KEY=VALUE")->take_all();
  std::string check_max_memory;
  check_cmd->add_option("--max-memory", check_max_memory,
                        "Refuse a run estimated to need more, e.g. \"32 GB\" (default: the available memory)");

  BatchOptions batch;
  auto* batch_cmd = cli.add_subcommand("batch", "Evaluate supply/carbon variants of one demand profile (docs/batch.md)");
  batch_cmd->add_option("batch", batch.file, "Batch file (JSON)")->required();
  batch_cmd->add_option("-o,--output", batch.output, "Result set to write (default: the file's output.path, else NAME.h5)");
  batch_cmd->add_option("--device", batch.device, "auto (a GPU when there is one), cpu or cuda");
  batch_cmd->add_option("-j,--jobs,--threads", batch.threads,
                        "CPU threads (default: every core; --threads is another name)");
  batch_cmd->add_flag("--yes", batch.yes, "Evaluate a variant count over the file's limit");
  batch_cmd->add_flag("--allow-policy-feedback", batch.allow_policy_feedback,
                      "Settle a demand whose policy reads carbon, prices, renewables or weather (warns; refused otherwise)");
  batch_cmd->add_flag("-q,--quiet", batch.quiet, "Print nothing but errors");
  batch_cmd->add_flag("--force", batch.force,
                      "Replace an existing output file that is not a result set (never an input)");

  CompareOptions compare;
  auto* compare_cmd =
      cli.add_subcommand("compare", "Run a scenario once per policy (or value of a key) and compare them side by side");
  compare_cmd->add_option("scenario", compare.scenario, "Scenario file (JSON)")->required();
  compare_cmd->add_option("--policy", compare.policies,
                          "A variant: NAME=JSON, the \"policy\" it runs (or NAME=SCHEDULER); repeat for each")
      ->take_all();
  compare_cmd->add_option("--vary", compare.vary, "Variants by value: KEY=V1,V2,... (one --set KEY=V each)")
      ->take_all();
  compare_cmd->add_option("--seeds", compare.seeds,
                          "Replicate seeds per variant: the scenario's seed, +1, ... (default 1)")
      ->check(CLI::Range(1u, 10000u));
  compare_cmd->add_option("--forecast-seeds", compare.forecast_seeds,
                          "Replicate forecast-error seeds per variant instead: the scenario's forecast.seed "
                          "(default 1), +1, ... (not with --seeds)")
      ->check(CLI::Range(1u, 10000u));
  compare_cmd->add_option("-j,--jobs", compare.jobs, "Runs at a time (default: every core)");
  compare_cmd->add_option("--set", compare.sets, "Override a scenario field for every variant: KEY=VALUE")->take_all();
  compare_cmd->add_option("-o,--output", compare.output, "Result set to write")->required();
  compare_cmd->add_flag("--force", compare.force,
                        "Replace an existing output file that is not a result set (never an input)");
  compare_cmd->add_flag("-q,--quiet", compare.quiet, "Print nothing but errors");
  compare_cmd->add_option("--max-memory", compare.max_memory,
                          "The memory the runs going at once may share, e.g. \"32 GB\" "
                          "(default: the available memory)");

  std::string inspect_file;
  bool inspect_json = false;
  auto* inspect_cmd = cli.add_subcommand("inspect", "Print a result set's meta data and summary");
  inspect_cmd->add_option("result", inspect_file, "Result set (HDF5)")->required();
  inspect_cmd->add_flag("--json", inspect_json, "Print one JSON object with members meta and summary");

  std::string catalog_name;
  auto* catalog_cmd = cli.add_subcommand("catalog", "List the built-in hardware, or show one entry");
  catalog_cmd->add_option("name", catalog_name, "An accelerator, node or curve");
  bool catalog_json = false;
  catalog_cmd->add_flag("--json", catalog_json, "Print one JSON document: the whole catalog, or the named entry");

  cli.add_subcommand("policies", "List the scheduling policies and their parameters");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  // Ctrl-C: no result, no temporary file, exit 130.
  if (*run_cmd || *batch_cmd || *compare_cmd) install_interrupt_handlers();
  if (*run_cmd) {
    run.command_line = command_line;
    return run_command(run);
  }
  if (*check_cmd) return check_command(check_file, check_sets, check_max_memory);
  if (*batch_cmd) {
    batch.command_line = command_line;
    return batch_command(batch);
  }
  if (*compare_cmd) {
    compare.command_line = command_line;
    return compare_command(compare);
  }
  if (*inspect_cmd) return inspect_command(inspect_file, inspect_json);
  if (*catalog_cmd) return catalog_command(catalog_name, catalog_json);
  return policies_command();
}
