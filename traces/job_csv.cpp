#include "traces/job_csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

#include "simcore/suggest.hpp"

namespace wattsim::traces {

namespace {

using simcore::SimTime;
using workloads::Job;

constexpr std::size_t kColumnCount = 18;
constexpr std::size_t kRequiredCount = 5;  // the first five names below
constexpr std::array<std::string_view, kColumnCount> kNames = {
    "job_id",           "submit_s",   "gpus",       "duration_s", "util",  "beta",
    "earliest_start_s", "deadline_s", "estimate_s", "user",       "queue", "tags",
    "checkpoint_s", "restore_s", "checkpoint_interval_s", "preemptible", "data_gb", "home_site"};
// What a cell of each column must hold, for messages (free-text columns accept anything).
constexpr std::array<std::string_view, kColumnCount> kExpected = {
    "a whole number >= 0",
    "a number of seconds >= 0",
    "a whole number >= 1",
    "a number of seconds >= 0",
    "a number in [0, 1]",
    "a number in [0, 1], or an empty cell",
    "a number of seconds >= 0, or an empty cell",
    "a number of seconds >= 0, or an empty cell",
    "a number of seconds >= 0, or an empty cell",
    "",
    "",
    "",
    "a number of seconds >= 0, or an empty cell",
    "a number of seconds >= 0, or an empty cell",
    "a number of seconds >= 0, or an empty cell",
    "0, 1, false or true, or an empty cell",
    "a number of GB >= 0, or an empty cell",
    "a site index (whole number >= 0), or an empty cell",
};

// SimTime spans +-9.2e18 us; stay clear of the edge (messages quote this limit).
constexpr double kMaxSeconds = 9.0e12;

std::string names_text(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) text += ", ";
    text += kNames[i];
  }
  return text;
}

template <class Int>
bool parse_whole(std::string_view text, Int& value) {
  const char* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end;
}

bool parse_seconds(std::string_view text, double& seconds) {
  return parse_number(text, seconds) && seconds >= 0.0 && seconds <= kMaxSeconds;
}

// Exact decimal seconds of a time: "7.25", "883720.88".
std::string seconds_text(SimTime t) {
  const std::int64_t us = t.us();
  std::string text = std::to_string(us / 1'000'000);
  std::int64_t fraction = us % 1'000'000;
  if (fraction != 0) {
    if (fraction < 0) fraction = -fraction;
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    text += '.' + digits;
  }
  return text;
}

}  // namespace

JobCsvReader::JobCsvReader(std::string path, JobCsvOptions options) : lines_(std::move(path)), options_(options) {
  if (!(options_.default_beta >= 0.0 && options_.default_beta <= 1.0)) {
    throw simcore::InputError(
        "", "default beta is " + std::to_string(options_.default_beta) + "; expected a number in [0, 1]");
  }
  read_header();
}

void JobCsvReader::read_header() {
  std::string_view line;
  do {
    if (!lines_.next(line)) {
      throw simcore::InputError(
          lines_.path(),
          "the file is empty; expected a header row naming the columns, at least " + names_text(kRequiredCount));
    }
  } while (line.empty());

  std::vector<std::string_view> cells;
  split_fields(line, ',', cells);
  const std::vector<std::string> valid(kNames.begin(), kNames.end());
  std::array<std::size_t, kColumnCount> first_at{};  // character column of each name; 0: absent
  simcore::DiagnosticSink problems;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string_view cell = cells[i];
    const std::size_t at = column_of(line, cell.data());
    std::size_t index = 0;
    while (index < kColumnCount && kNames[index] != cell) ++index;
    if (!cell.empty() && cell.front() == '"') {
      problems.add(lines_.where(at), "column name " + quoted(cell) +
                                         " is quoted; quoted CSV fields are not supported, expected a bare name");
    } else if (index == kColumnCount) {
      problems.add(
          lines_.where(at),
          (cell.empty() ? "column " + std::to_string(i + 1) + " has no name" : "unknown column " + quoted(cell)) +
              "; expected one of " + names_text(kColumnCount) + simcore::did_you_mean(cell, valid));
    } else if (first_at[index] != 0) {
      problems.add(lines_.where(at), "column \"" + std::string(kNames[index]) + "\" is repeated (first at column " +
                                         std::to_string(first_at[index]) + "); expected each column once");
    } else {
      first_at[index] = at;
    }
    columns_.push_back(static_cast<Column>(index < kColumnCount ? index : 0));
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < kRequiredCount; ++i) {
    if (first_at[i] == 0) missing.emplace_back(kNames[i]);
  }
  if (!missing.empty()) {
    problems.add(lines_.where(1),
                 std::string(missing.size() == 1 ? "missing required column " : "missing required columns ") +
                     quoted_list(missing) + "; expected all of " + names_text(kRequiredCount));
  }
  problems.throw_if_any();
}

std::optional<Job> JobCsvReader::next() {
  std::string_view line;
  while (lines_.next(line)) {
    if (!line.empty()) return parse_row(line);
  }
  return std::nullopt;
}

void JobCsvReader::fail(std::string_view line, std::string_view field, std::string message) {
  row_errors_.push_back({lines_.where(column_of(line, field.data())), std::move(message)});
}

void JobCsvReader::fail_field(std::string_view line, std::string_view field, Column column) {
  const auto i = static_cast<std::size_t>(column);
  fail(line, field,
       std::string(kNames[i]) + (field.empty() ? " is empty" : " is " + quoted(field)) + "; expected " +
           std::string(kExpected[i]));
}

void JobCsvReader::fail_time(std::string_view line, std::string_view field, Column column) {
  double seconds = 0.0;
  if (parse_number(field, seconds) && seconds > kMaxSeconds) {
    fail(line, field,
         std::string(kNames[static_cast<std::size_t>(column)]) + " is " + quoted(field) +
             "; expected at most 9e12 seconds (285,000 years)");
  } else {
    fail_field(line, field, column);
  }
}

std::string JobCsvReader::location() const {
  return path() + ":" + std::to_string(line_number());
}

// The job cannot end before max(submit, earliest start) + duration at full speed; a deadline
// before that can never be met. Compared in whole microseconds, as the times are kept.
void JobCsvReader::check_window(std::string_view line, std::string_view deadline_field, const Job& job,
                                double duration_s) {
  if (!job.deadline) return;
  const bool from_earliest = job.earliest_start && *job.earliest_start > job.submit;
  const SimTime start = from_earliest ? *job.earliest_start : job.submit;
  const SimTime duration = SimTime::from_seconds(std::min(duration_s, kMaxSeconds));
  if (duration_s <= kMaxSeconds && *job.deadline >= start && *job.deadline - start >= duration) return;
  const std::string start_text = std::string(from_earliest ? "earliest_start_s " : "submit_s ") + seconds_text(start);
  const std::string found =
      *job.deadline < start ? "before the job may start (" + start_text + ")" : "before the job can end";
  const std::string end = duration_s > kMaxSeconds ? "its end" : seconds_text(start + duration);
  fail(line, deadline_field,
       "deadline_s is " + quoted(deadline_field) + ", " + found + "; expected at least " + end + " (" + start_text +
           " + duration_s " + seconds_text(duration) + " at full speed), or an empty cell");
}

void JobCsvReader::check_unique_id(std::string_view line, std::string_view id_field, std::uint64_t id) {
  auto after = seen_ids_.upper_bound(id);  // the first range starting after id
  if (after != seen_ids_.begin()) {
    const auto before = std::prev(after);
    if (before->second >= id) {
      const std::size_t first = first_line_of(id);
      fail(line, id_field,
           "job_id " + std::to_string(id) + " is used again" +
               (first > 0 ? " (first on line " + std::to_string(first) + ")" : std::string()) +
               "; expected each job_id once");
      return;
    }
    if (before->second + 1 == id) {  // extends the range before it, and may join the one after
      before->second = id;
      if (after != seen_ids_.end() && after->first == id + 1) {
        before->second = after->second;
        seen_ids_.erase(after);
      }
      return;
    }
  }
  if (after != seen_ids_.end() && id != std::numeric_limits<std::uint64_t>::max() && after->first == id + 1) {
    const std::uint64_t last = after->second;
    seen_ids_.erase(after);
    seen_ids_.emplace(id, last);
    return;
  }
  seen_ids_.emplace(id, id);
}

std::size_t JobCsvReader::first_line_of(std::uint64_t id) const {
  std::size_t id_index = 0;
  while (id_index < columns_.size() && columns_[id_index] != Column::kJobId) ++id_index;
  try {
    LineReader again(path());
    std::string_view line;
    bool header = true;
    std::vector<std::string_view> cells;
    while (again.next(line) && again.line_number() < lines_.line_number()) {
      if (line.empty()) continue;
      if (header) {
        header = false;
        continue;
      }
      split_fields(line, ',', cells);
      std::uint64_t value = 0;
      if (id_index < cells.size() && parse_whole(cells[id_index], value) && value == id) return again.line_number();
    }
  } catch (const simcore::InputError&) {
    // The file cannot be read again: the message goes without the first line.
  }
  return 0;
}

Job JobCsvReader::parse_row(std::string_view line) {
  Job job;
  job.beta = options_.default_beta;
  job.checkpoint_time = options_.checkpoint_defaults.checkpoint_time;
  job.restore_time = options_.checkpoint_defaults.restore_time;
  job.checkpoint_interval = options_.checkpoint_defaults.checkpoint_interval;
  double duration_s = 0.0;
  std::string_view id_field, deadline_field;
  const char* p = line.data();
  const char* const end = p + line.size();
  std::size_t index = 0;
  for (;; ++index) {
    const auto* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(end - p)));
    const std::string_view field(p, static_cast<std::size_t>((comma != nullptr ? comma : end) - p));
    if (index == columns_.size()) {
      std::size_t fields = index + 1;
      for (const char* q = p; q < end; ++q) fields += *q == ',' ? 1 : 0;
      row_errors_.clear();  // with misaligned fields, other complaints would mislead
      fail(line, field,
           "row has " + field_count_text(fields) + "; expected " + std::to_string(columns_.size()) +
               ", one per header column");
      break;
    }
    const Column column = columns_[index];
    if (!field.empty() && field.front() == '"') {
      fail(line, field,
           std::string(kNames[static_cast<std::size_t>(column)]) +
               " starts with a double quote; quoted CSV fields are not supported, expected a bare value");
    } else {
      switch (column) {
        case Column::kJobId:
          if (!parse_whole(field, job.id)) fail_field(line, field, column);
          id_field = field;
          break;
        case Column::kSubmit: {
          double seconds = 0.0;
          if (!parse_seconds(field, seconds)) {
            fail_time(line, field, column);
            break;
          }
          job.submit = SimTime::from_seconds(seconds);
          if (job.submit < previous_submit_) {
            fail(line, field,
                 "submit_s is " + quoted(field) + ", earlier than the previous row's " +
                     seconds_text(previous_submit_) + " (line " + std::to_string(previous_line_) +
                     "); expected rows sorted by submit_s (unsorted trace)");
          }
          break;
        }
        case Column::kGpus:
          if (!parse_whole(field, job.accelerators) || job.accelerators < 1) fail_field(line, field, column);
          break;
        case Column::kDuration:
          // Bounded as the other times: "1e308" on 2 accelerators would make the work infinite.
          if (!parse_seconds(field, duration_s)) fail_time(line, field, column);
          break;
        case Column::kUtil:
          if (!parse_number(field, job.utilisation) || !(job.utilisation >= 0.0 && job.utilisation <= 1.0)) {
            fail_field(line, field, column);
          }
          break;
        case Column::kBeta:
          if (field.empty()) break;
          if (!parse_number(field, job.beta) || !(job.beta >= 0.0 && job.beta <= 1.0)) fail_field(line, field, column);
          break;
        case Column::kCheckpoint:
        case Column::kRestore:
        case Column::kCheckpointInterval: {
          if (field.empty()) break;
          double seconds = 0.0;
          if (!parse_seconds(field, seconds)) {
            fail_time(line, field, column);
            break;
          }
          (column == Column::kCheckpoint ? job.checkpoint_time
           : column == Column::kRestore  ? job.restore_time
                                         : job.checkpoint_interval) = SimTime::from_seconds(seconds);
          break;
        }
        case Column::kEarliestStart:
        case Column::kDeadline:
        case Column::kEstimate: {
          if (field.empty()) break;
          double seconds = 0.0;
          if (!parse_seconds(field, seconds)) {
            fail_time(line, field, column);
            break;
          }
          const SimTime t = SimTime::from_seconds(seconds);
          if (column == Column::kDeadline) deadline_field = field;
          (column == Column::kEarliestStart ? job.earliest_start
           : column == Column::kDeadline    ? job.deadline
                                            : job.estimate) = t;
          break;
        }
        case Column::kPreemptible:
          if (field.empty() || field == "0" || field == "false") {
            job.preemptible = false;
          } else if (field == "1" || field == "true") {
            job.preemptible = true;
          } else {
            fail_field(line, field, column);
          }
          break;
        case Column::kDataGb:
          if (field.empty()) break;
          if (!parse_number(field, job.data_gb) || !(job.data_gb >= 0.0 && std::isfinite(job.data_gb))) {
            fail_field(line, field, column);
          }
          break;
        case Column::kHomeSite:
          if (field.empty()) break;
          if (!parse_whole(field, job.home_site)) fail_field(line, field, column);
          break;
        case Column::kUser:
          job.user.assign(field);
          break;
        case Column::kQueue:
          job.queue.assign(field);
          break;
        case Column::kTags:
          job.tags.assign(field);
          break;
      }
    }
    if (comma == nullptr) break;
    p = comma + 1;
  }
  if (index + 1 < columns_.size()) {
    row_errors_.clear();
    fail(line, std::string_view(end, 0),
         "row has " + field_count_text(index + 1) + " and ends before column \"" +
             std::string(kNames[static_cast<std::size_t>(columns_[index + 1])]) + "\"; expected " +
             std::to_string(columns_.size()) + ", one per header column");
  }
  if (row_errors_.empty()) {
    check_window(line, deadline_field, job, duration_s);
    check_unique_id(line, id_field, job.id);
  }
  if (!row_errors_.empty()) {
    std::vector<simcore::Diagnostic> errors = std::move(row_errors_);
    row_errors_.clear();
    throw simcore::InputError(std::move(errors));
  }
  job.work = duration_s * static_cast<double>(job.accelerators);
  previous_submit_ = job.submit;
  previous_line_ = lines_.line_number();
  return job;
}

}  // namespace wattsim::traces
