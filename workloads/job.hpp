#pragma once
// A training or batch job (DESIGN.md §6).
//
// Work is measured in accelerator-seconds at full speed: a job of `work` on `accelerators`
// accelerators that all run at relative speed s (see models/power/accelerator.hpp) finishes
// after work / (accelerators * s) seconds. A trace's duration_s is the runtime at full speed,
// so work = duration_s * accelerators.

#include <cstdint>
#include <optional>
#include <string>

#include "simcore/time.hpp"

namespace wattsim::workloads {

struct Job {
  std::uint64_t id = 0;
  simcore::SimTime submit;
  std::uint32_t accelerators = 1;
  double work = 0.0;          // accelerator-seconds at full speed
  double utilisation = 1.0;   // in [0, 1]
  double beta = 1.0;          // compute-bound fraction in [0, 1]
  std::optional<simcore::SimTime> earliest_start;  // not before (a flexibility window)
  std::optional<simcore::SimTime> deadline;        // should end by
  std::optional<simcore::SimTime> estimate;        // user's runtime estimate (for backfilling)
  // Checkpoints: writing one on a suspension takes checkpoint_s, reading it back on the next
  // start restore_s (the job holds its accelerators and draws power, making no progress); a
  // running job checkpoints every checkpoint_interval of its running time (free; 0: never), and
  // a node failure loses the work since the last one. Defaults: one minute each way, the order
  // CheckFreq (Mohan et al., FAST '21, Table 1: 0.3-24 s to storage for ResNet/BERT-class
  // models) and Gemini (Wang et al., SOSP '23: minutes to remote storage for 100B-parameter
  // models) report; traces and generators may set them per job.
  simcore::SimTime checkpoint_time = simcore::SimTime::minutes(1);
  simcore::SimTime restore_time = simcore::SimTime::minutes(1);
  simcore::SimTime checkpoint_interval;
  // The job may be suspended and resumed to move its work in time (carbon-aware and
  // demand-response managers suspend only such jobs), paying a checkpoint write and read each
  // time. The priority scheduler's preemption goes by queue, not by this flag.
  bool preemptible = false;
  // Input data (GB) the job reads, kept at its home site (an index in the scenario's sites, 0:
  // the first); a router that sends the job elsewhere moves it first.
  double data_gb = 0.0;
  std::uint32_t home_site = 0;
  std::string user, queue, tags;                   // free text; tags separated by ';'

  // Runtime at full speed, in seconds.
  double duration_s() const { return work / static_cast<double>(accelerators); }
};

// A stream of jobs in non-decreasing submit order: a trace reader or a generator. Streams
// hold only what they need for the next job, so memory does not grow with the trace.
class JobSource {
 public:
  virtual ~JobSource() = default;
  // The next job, or nothing at the end. Input errors throw simcore::InputError with where
  // the problem is (file:line:column for traces).
  virtual std::optional<Job> next() = 0;
  // Where the last job returned came from, for messages ("jobs.csv:12", "generator[1]"); empty
  // when there is nothing more to say than the job's id.
  virtual std::string location() const { return {}; }
};

}  // namespace wattsim::workloads
