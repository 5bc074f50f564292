#pragma once
// `wattsim run`: scenario -> simulation -> HDF5 result set -> a short summary on stdout.

#include <string>
#include <vector>

namespace wattsim::app {

struct RunOptions {
  std::string scenario;
  std::string output;  // empty: the scenario's output.path, else "<name>.h5"
  std::vector<std::string> sets;
  bool quiet = false;
  std::string max_memory;  // --max-memory SIZE ("32 GB"); empty: the available memory
  bool force = false;  // replace an existing file that is not a result set (never an input)
  std::string command_line;
};

// Returns the process exit status: 0 success, 2 invalid input (an output path it may not write
// included, app/output_guard.hpp), 1 failure while running, 130 / 143 interrupted by SIGINT /
// SIGTERM (once app/interrupt.hpp's handlers are installed). Never leaves a partial result
// file behind.
int run_command(const RunOptions& options);
// Validates the scenario, streams its whole trace through the run's reader and oversize filter
// (every bad row, repeated job_id, unmeetable deadline and oversize row, with file:line), and
// estimates the run's memory against --max-memory (default: the available memory), and loads
// each policy of the scenario's compare.variants as `wattsim compare` would (errors located at
// compare.variants.NAME). Returns 0, or 2 listing every problem.
int check_command(const std::string& scenario, const std::vector<std::string>& sets,
                  const std::string& max_memory = {});

}  // namespace wattsim::app
