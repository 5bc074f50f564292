#pragma once
// What a command may write over. Every command that writes a file checks its output path here
// after reading its inputs and before doing any work, so that a mistyped -o costs an error
// message (exit status 2), not a scenario, a trace or a day's notes:
//
//   - never one of the command's own inputs (compared by identity: hard links, symbolic links
//     and "a/../b.json" spellings are the same file), whatever --force says;
//   - never a folder, a device, a pipe or a socket, or a path in a folder that does not exist or
//     cannot be written;
//   - for a command that writes a result set, an existing file only when it is a wattsim result
//     set (replacing an earlier run's result is the common case) or empty, unless --force.
//
// And, when a command starts writing OUT.h5, it removes the temporary files of earlier writes
// to OUT.h5 whose process is gone (results::ResultWriter writes "OUT.h5.tmp-<pid>"; a killed
// process leaves its file behind).

#include <string>
#include <vector>

#include "simcore/error.hpp"

namespace wattsim::app {

enum class OutputKind {
  kResultSet,  // replaces a result set; any other existing file only with force
  kFile,       // replaces any regular file that is not an input (a report, a converted trace)
};

struct OutputTarget {
  std::string path;                 // as given (relative to the current directory)
  std::string where;                // where the path came from, for messages: "-o", "output.path"
  std::vector<std::string> inputs;  // every file the command reads; missing ones are skipped
  OutputKind kind = OutputKind::kResultSet;
  bool force = false;
};

// Adds one diagnostic to `errors` when the target may not be written (at most one: the first
// problem found), naming the path and what to do instead.
void check_output(const OutputTarget& target, simcore::DiagnosticSink& errors);

// Removes "<output>.tmp-<pid>" files beside `output` whose process no longer exists; never a
// live process's (another run writing the same output) nor any other file. Returns the paths
// removed. Never throws. Processes are looked up on this machine: in a folder shared with other
// machines, another machine's run writing the same output at the same time would lose its file.
std::vector<std::string> remove_stale_temporaries(const std::string& output);

}  // namespace wattsim::app
