#pragma once
// Writes one result set (layout in results/result_set.hpp) to "<final_path>.tmp-<pid>" in the
// same folder, and renames it onto final_path only in commit(): a crash or an exception never
// leaves a truncated file that looks finished (DESIGN.md §7). A writer destroyed without
// commit() removes its temporary file.
//
// Tables and /jobs are buffered and written in whole chunks, so memory stays bounded however
// many rows are appended; chunks are compressed on other threads (results/chunk_codec.hpp):
// during the run a full block is encoded on a worker thread while the simulation goes on, and
// written at the next flush (HDF5 calls stay on the caller's thread).
// Errors throw std::runtime_error naming final_path and what was being done ("out.h5: cannot
// create dataset /jobs: ..."); misuse (wrong row width, use after commit) throws
// std::logic_error. A failed data write (append, add_table, commit) ends the writer: its
// temporary file is removed and later calls throw std::logic_error. Not thread-safe.
//
// Every dataset, table column and summary value is written with its unit and a one-line
// description (a Python user reads both from the attributes, docs/results.md); an empty
// description is a programming error (std::logic_error naming the key). /meta always holds
// "format_version" = kFormatVersion.
//
// Example:
//   ResultWriter out("run.h5");
//   out.write_meta({{"wattsim_version", "0.1.0"}, {"scenario", text}}, {{"seed", 42}});
//   out.write_summary("/summary", {{"it_energy_kwh", 1250.0, "kWh", "IT energy at the wall"}});
//   out.describe_group("/timeseries", "Interval averages of the whole facility");
//   auto& ts = out.add_table("/timeseries", {"time_s", "it_power_w"}, {"s", "W"},
//                            {"Start of the interval", "Mean IT power"});
//   ts.append(std::array{0.0, 4.2e5});
//   out.append_job({.id = 1, .submit_s = 0, .start_s = 5, .end_s = 3600, .accelerators = 8});
//   out.commit();

#include <cstddef>
#include <cstdint>
#include <memory>
#include <future>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "results/hdf5.hpp"
#include "results/result_set.hpp"

namespace wattsim::results {

// The temporary file of a result set being written: "<final_path>" + kTempInfix + "<pid>".
inline constexpr const char* kTempInfix = ".tmp-";

class ResultWriter {
  struct State;

 public:
  // A table of float64 columns in one group: one chunked, compressed, extendible 1-D dataset
  // per column. Rows are buffered column by column and written a chunk at a time, so columns
  // always have equal lengths. Owned by the writer; references stay valid for its lifetime.
  class ColumnTable {
   public:
    ColumnTable(const ColumnTable&) = delete;
    ColumnTable& operator=(const ColumnTable&) = delete;

    // row holds one value per column, in the order given to add_table.
    void append(std::span<const double> row);
    std::size_t rows() const noexcept { return rows_written_ + buffered_; }
    const std::vector<std::string>& columns() const noexcept { return columns_; }

   private:
    friend class ResultWriter;
    ColumnTable(State& writer, std::string group, std::vector<std::string> columns,
                const std::vector<std::string>& units, const std::vector<std::string>& descriptions);
    // Writes the buffered rows. With `background` (a full block during the run) the block is
    // encoded on a worker thread and its chunks written at the next flush, as /jobs's are.
    void flush(bool background);
    void write_pending();  // the chunks encoded in the background, if any
    void close();  // flushes, then closes the datasets

    static constexpr std::size_t kChunkRows = 8192;

    State* writer_;  // owns this table; its address does not change when the writer moves
    std::string group_;
    std::vector<std::string> columns_;
    std::vector<h5::Handle> datasets_;
    std::vector<double> block_;  // column-major: column c holds block_[c * kChunkRows + row]
    std::size_t buffered_ = 0;
    std::size_t rows_written_ = 0;
    bool open_ = true;
    // The block being encoded in the background and its future (declared after the block so
    // that it is destroyed, and waited for, first).
    std::vector<double> encoding_;
    std::future<std::vector<std::vector<unsigned char>>> pending_;
    std::size_t pending_first_row_ = 0;
  };

  // compression_level 0-9: deflate level of the shuffle + deflate filters (0: no filters),
  // applied to the byte planes worth compressing (results/chunk_codec.hpp). The default is 1:
  // for 1M /jobs rows, level 4 took 26% longer (0.21 s instead of 0.17 s, append + commit, two
  // threads) for a file 0.6% smaller (30.8 MB instead of 31.0 MB). The temporary file is
  // created here; throws when it cannot be.
  explicit ResultWriter(std::string final_path, int compression_level = 1);
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;
  ResultWriter(ResultWriter&&) noexcept;
  ResultWriter& operator=(ResultWriter&&) noexcept;
  // Not committed: closes and removes the temporary file. Never throws.
  ~ResultWriter();

  // Attributes of /meta: strings (wattsim_version, scenario (the resolved scenario JSON text),
  // command_line, created_utc, currency, ...) and numbers (seed, ...). Names must not repeat;
  // "format_version" is the writer's own (written when the file is created; std::logic_error).
  void write_meta(const std::vector<std::pair<std::string, std::string>>& strings,
                  const std::vector<std::pair<std::string, double>>& numbers);
  // One float64 attribute per value on group (created with its parents as needed), their
  // units in the group's "units" attribute and their descriptions in its "descriptions"
  // attribute (JSON objects {name: text}); may be called again for the same group with further
  // names. A value without a description throws std::logic_error naming it.
  void write_summary(const std::string& group, const std::vector<SummaryValue>& values);
  // Sets the "description" attribute of the group at path (created with its parents as
  // needed), replacing an earlier one. For the groups that hold a table or a summary.
  void describe_group(const std::string& path, const std::string& description);
  // A new table in group; units[i] is the unit of columns[i] ("" when dimensionless, "1" for
  // counts and ratios), descriptions[i] its one-line description (not empty): each column
  // dataset gets the string attributes "units" and "description".
  ColumnTable& add_table(const std::string& group, std::vector<std::string> columns, std::vector<std::string> units,
                         std::vector<std::string> descriptions);
  // Appends a row to /jobs (created on first use, or by commit if no job was appended).
  void append_job(const JobRow& row);
  // A result set without /jobs (e.g. a batch's): commit() then creates none, and
  // append_job throws std::logic_error. Before any job.
  void omit_jobs();
  // A text field of records: one UTF-8 string per row.
  struct TextField {
    std::string name;
    std::string description;
    std::vector<std::string> values;
  };
  // A compound dataset at `path` (parents created) of float64 fields, one row per
  // fields.size() values, all at once, then the text fields (variable-length UTF-8, one value
  // per row each). Its string attributes: "description" (the table's), "units" and
  // "descriptions" (JSON objects {field: text}, text fields included, their unit ""; every
  // description non-empty). pandas.DataFrame(f[path][:]) reads it (text fields as bytes).
  void write_records(const std::string& path, const std::string& description, const std::vector<std::string>& fields,
                     const std::vector<std::string>& units, const std::vector<std::string>& descriptions,
                     std::span<const double> values, const std::vector<TextField>& texts = {});
  // A 1-D int64 dataset at `path` (parents created), with string attributes "units" and
  // "description".
  void write_indices(const std::string& path, std::span<const std::int64_t> values, const std::string& unit,
                     const std::string& description);
  // A 2-D float64 dataset at `path` (parents created) of rows x cols values in row-major order,
  // chunked and compressed like the tables, with string attributes "units" (the one unit of
  // every value, e.g. "kW") and "description".
  // numpy.asarray(f[path]) reads it as a rows x cols array.
  void write_matrix(const std::string& path, std::size_t rows, std::size_t cols, std::span<const double> values,
                    const std::string& unit, const std::string& description);
  // Copies every object at the root of the committed result set `source` (its /meta,
  // /summary, /jobs, tables, ...: attributes, compression and creation order as they are) into
  // `group` (created with its parents as needed; "/runs/fifo"), so that the group holds that
  // run's layout. The chunks are copied as stored, without decoding. Throws
  // std::runtime_error naming both files when the source cannot be read or the copy fails.
  void copy_result_set(const std::string& source, const std::string& group);
  // Writes what is buffered, closes the file and renames it onto final_path. On failure throws
  // and removes the temporary file. Once only.
  void commit();

  const std::string& final_path() const noexcept;
  const std::string& temp_path() const noexcept;

 private:
  // Throws std::logic_error when committed, failed or moved from.
  State& state(const char* action) const;

  std::unique_ptr<State> state_;
};

}  // namespace wattsim::results
