#pragma once
// `wattsim batch BATCH.json -o OUT.h5 [--device auto|cpu|cuda] [--jobs N] [--yes]`: thousands
// of supply-side variants of one facility demand (DESIGN.md §8), evaluated by batch/ on all CPU
// cores or a CUDA GPU; the variants, their Pareto front (annual cost vs operational carbon)
// and the cheapest net-zero variant. The batch file format is in docs/batch.md.

#include <cstddef>
#include <string>

namespace wattsim::app {

struct BatchOptions {
  std::string file;
  std::string output;        // empty: the file's output.path, else NAME.h5
  std::string device = "auto";
  unsigned threads = 0;      // --jobs (or its older name --threads); 0: every core
  bool yes = false;          // accept a variant count over the limit
  bool quiet = false;
  bool force = false;        // replace an existing file that is not a result set (never an input)
  // A demand scenario whose policy reads supply, carbon, prices or weather: warn and proceed
  // instead of refusing it.
  bool allow_policy_feedback = false;
  std::string command_line;
};

// Exit status: 0 success, 2 invalid input (an output path it may not write included), 1 failure
// while running, 130 / 143 interrupted by SIGINT / SIGTERM (app/interrupt.hpp).
int batch_command(const BatchOptions& options);

// Reads and validates a batch file as batch_command does before evaluating it (running the
// demand's scenario, if it names one) and returns the number of variants. Throws
// simcore::InputError listing every problem. For tests and the fuzz harness.
std::size_t check_batch_file(const std::string& path, bool yes = false, bool allow_policy_feedback = false);

}  // namespace wattsim::app
