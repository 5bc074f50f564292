#pragma once
// The project's job CSV, read as a stream of workloads::Job (constant memory in the trace's
// length: one 1 MiB chunk plus the current line).
//
// The header row names the columns, in any order:
//   required  job_id       whole number >= 0
//             submit_s     submit time, seconds >= 0 since the trace's start; rows sorted by it
//             gpus         accelerators, whole number >= 1
//             duration_s   runtime at full speed, seconds in [0, 9e12] (work = duration_s * gpus)
//             util         utilisation in [0, 1]
//   optional  beta         compute-bound fraction in [0, 1] (empty or absent: JobCsvOptions)
//             earliest_start_s, deadline_s, estimate_s   seconds >= 0 (empty: none)
//             user, queue, tags                          free text (empty: empty)
//             checkpoint_s, restore_s, checkpoint_interval_s   seconds >= 0 (empty: JobCsvOptions)
//             preemptible  1/true: the job may be suspended and resumed to move its work in
//                          time; 0/false or empty: not (workloads/job.hpp)
//             data_gb      GB of input data a router moves with the job, >= 0 (empty: 0)
//             home_site    index of the site holding its data, whole number >= 0 (empty: 0)
//
//   job_id,submit_s,gpus,duration_s,util
//   0,0.000,8,3600.000,0.9000       -> 8 accelerators, work 28,800 accelerator-seconds
//
// Rows are also checked against each other and for feasibility: a job_id used twice is an
// error at the second use, naming the line of the first; a deadline_s before the job can end
// (deadline_s < max(submit_s, earliest_start_s) + duration_s) is an error at the deadline.
//
// Fields are separated by commas and may not be quoted. Lines end with LF or CRLF; empty
// lines are skipped. Times are rounded to the nearest microsecond. Errors throw
// simcore::InputError with where = "path:line:column" (column in characters, 1-based, where
// the offending field starts), e.g.
//   jobs.csv:12:9: submit_s is "abc"; expected a number of seconds >= 0

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcore/error.hpp"
#include "simcore/time.hpp"
#include "traces/csv_text.hpp"
#include "workloads/job.hpp"

namespace wattsim::traces {

struct JobCsvOptions {
  JobCsvOptions(double beta = 1.0, workloads::Job checkpoints = {})
      : default_beta(beta), checkpoint_defaults(std::move(checkpoints)) {}
  double default_beta = 1.0;  // beta for rows without one, in [0, 1]
  // Checkpoint write and read times and the interval between periodic checkpoints, for rows
  // without their own (workloads/job.hpp).
  workloads::Job checkpoint_defaults;
};

class JobCsvReader : public workloads::JobSource {
 public:
  // Opens the file and checks its header. Throws simcore::InputError for a file that cannot
  // be read, has no header, or whose header misses, repeats or misspells columns (all header
  // problems at once), and for a default_beta outside [0, 1].
  explicit JobCsvReader(std::string path, JobCsvOptions options = {});

  // The next job; nothing at the end of the file. Throws simcore::InputError for a bad row,
  // with every problem of that row.
  std::optional<workloads::Job> next() override;

  const std::string& path() const { return lines_.path(); }
  // 1-based number of the line last read.
  std::size_t line_number() const { return lines_.line_number(); }
  // "path:line" of the job last returned.
  std::string location() const override;

 private:
  enum class Column : std::uint8_t {
    kJobId,
    kSubmit,
    kGpus,
    kDuration,
    kUtil,
    kBeta,
    kEarliestStart,
    kDeadline,
    kEstimate,
    kUser,
    kQueue,
    kTags,
    kCheckpoint,
    kRestore,
    kCheckpointInterval,
    kPreemptible,
    kDataGb,
    kHomeSite,
  };

  void read_header();
  workloads::Job parse_row(std::string_view line);
  void fail(std::string_view line, std::string_view field, std::string message);
  void fail_field(std::string_view line, std::string_view field, Column column);
  void fail_time(std::string_view line, std::string_view field, Column column);
  void check_window(std::string_view line, std::string_view deadline_field, const workloads::Job& job,
                    double duration_s);
  void check_unique_id(std::string_view line, std::string_view id_field, std::uint64_t id);
  // The first line holding `id` in the job_id column, read again from the file (only for an
  // error message, so the ids seen need not remember their lines); 0 if none is found.
  std::size_t first_line_of(std::uint64_t id) const;

  LineReader lines_;
  JobCsvOptions options_;
  std::vector<Column> columns_;  // by position in the header
  std::vector<simcore::Diagnostic> row_errors_;
  simcore::SimTime previous_submit_ = simcore::SimTime::min();
  std::size_t previous_line_ = 0;
  // The job_ids of the rows read so far, as disjoint ranges first -> last (inclusive), merged
  // as they touch. Memory is O(number of gaps between the ids), not O(rows): one range for the
  // usual 0, 1, 2, ... (or any sorted run of consecutive ids), and each insertion costs
  // O(log ranges). Only a trace of scattered ids (every other id, say) grows with its length.
  std::map<std::uint64_t, std::uint64_t> seen_ids_;
};

}  // namespace wattsim::traces
