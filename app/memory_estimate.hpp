#pragma once
// How much memory a run will need, estimated from the scenario before anything large is
// allocated, so that `wattsim check` and `wattsim run` refuse, with the figure and the key to
// change, a scenario that would otherwise die part-way with a bare std::bad_alloc (10^10 nodes;
// a year of /racks rows at a 1 s output interval).
//
// The terms, each a size per item times a count (constants measured on the peak resident
// memory of runs of 1,000 to 100,000 nodes, rounded up; see memory_estimate.cpp):
//   the program      32 MB: libraries, the result writer's buffers and threads
//   nodes            per node, per accelerator and per rack: the world's state and power tree
//                    (the power tree's construction is the peak)
//   /racks matrices  8 B x racks x output intervals over the horizon, for /racks/power_kw and,
//                    with a thermal model, /racks/inlet_temp_c: kept until the end of the run,
//                    in buffers that grow by doubling (so counted twice)
//   thermal matrix   8 B x racks^2 per site with a thermal model, copied into the world twice
//                    (its configuration and the thermal model); the scenario's own copy is
//                    already allocated
// What grows with the jobs (the queue, running jobs) is not counted; /timeseries and /jobs are
// written in blocks. Without a horizon, the run's length is taken from the workload where it
// is known (a generator's `until` or `jobs`, a trace `check` has read), as a lower bound;
// otherwise the /racks terms are left out and the estimate says so.
//
// Worked example: 32 racks, a 365 d horizon at a 1 s interval: 8 B x 32 x 31,536,000 x 2 =
// 16.1 GB for /racks/power_kw.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/scenario.hpp"
#include "simcore/time.hpp"

namespace wattsim::app {

// What streaming a trace told `check` (the run's length without a horizon).
struct TraceFacts {
  std::uint64_t jobs = 0;
  simcore::SimTime last_submit;
  double longest_duration_s = 0.0;  // at full speed
};

struct MemoryTerm {
  std::string name;  // "/racks/power_kw", "nodes"
  double bytes = 0.0;
  std::string formula;  // "8 B x 1,024 racks x 31,536,000 intervals, x2 while the buffer grows"
  std::string advice;   // "raise output.interval or shorten the horizon"
  std::string key;      // the scenario key to change: "output.interval"
};

struct MemoryEstimate {
  double total_bytes = 0.0;
  std::vector<MemoryTerm> terms;  // largest first
  std::string note;               // what is not counted, e.g. the /racks terms without a horizon
};

MemoryEstimate estimate_memory(const Scenario& scenario, const std::optional<TraceFacts>& trace = std::nullopt);

// MemAvailable from /proc/meminfo, in bytes; nothing where it cannot be read.
std::optional<double> available_memory_bytes();

// The limit a command checks against: --max-memory's SIZE ("32 GB", "512 MiB"; throws
// simcore::InputError naming --max-memory for bad text), else the available memory.
struct MemoryLimit {
  double bytes = 0.0;
  std::string source;  // "--max-memory", or "available memory; --max-memory to change"
};
std::optional<MemoryLimit> memory_limit(const std::string& max_memory_text);

// Throws simcore::InputError, located at the key of the largest term, when the estimate is
// over the limit: "needs about 1.9 TB: /racks/power_kw 1.0 TB (8 B x ...: raise
// output.interval ...); nodes ...; limit 22.1 GB (available memory; --max-memory to change)".
void check_memory(const MemoryEstimate& estimate, const std::optional<MemoryLimit>& limit);

}  // namespace wattsim::app
