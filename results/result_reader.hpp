#pragma once
// Reads a committed result set (layout in results/result_set.hpp), for `wattsim inspect` and
// tests. Every method reads from the file when called; nothing is cached. Errors throw
// std::runtime_error naming the file.
//
// Files of another format version (format_version()) are read as far as their layout allows:
// a version-1 file has no descriptions, and reads them as "". version_note() says so for users.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "results/hdf5.hpp"
#include "results/result_set.hpp"

namespace wattsim::results {

// Whether `path` is a regular file holding a wattsim result set: an HDF5 file (its signature at
// offset 0, 512, 1024, ...) with a /meta group carrying a wattsim_version attribute. Reads a
// few bytes before handing the file to HDF5, so that any other file is rejected without HDF5
// printing anything. Never throws; false for anything it cannot read.
bool is_result_set(const std::string& path) noexcept;

class ResultReader {
 public:
  // Throws std::runtime_error("<path>: not a wattsim result set ...") when the file cannot be
  // opened as HDF5 or has no /meta group.
  explicit ResultReader(const std::string& path);

  // The string and the numeric attributes of /meta, in the order they were written
  // (format_version included).
  std::vector<std::pair<std::string, std::string>> meta_strings() const;
  std::vector<std::pair<std::string, double>> meta_numbers() const;
  // /meta format_version: the layout the file was written with; 1 when absent (files written
  // before the attribute existed). Throws when it is not a whole number.
  int format_version() const;
  // "" for a file of kFormatVersion; otherwise one sentence for the user, naming both versions
  // and where renamed keys are listed.
  std::string version_note() const;
  // A batch's result set (wattsim batch): a /variants dataset and no /summary group.
  bool is_batch() const;
  // A comparison's result set (wattsim compare): a /compare/summary dataset, one run's layout
  // under each /runs/<variant> (or /runs/<variant>/seed-<S>), no /summary at the top.
  bool is_compare() const;
  // Whether a group or dataset exists at the absolute path.
  bool contains(const std::string& path) const;
  // The "description" attribute of the dataset, table column or group at path ("/summary",
  // "/timeseries/it_power_kw", "/variants"); "" when it has none (e.g. a version-1 file).
  // Throws when nothing is at path.
  std::string description(const std::string& path) const;
  // The "units" string attribute of the dataset at path as stored: one unit, or for records a
  // JSON object (see Records::units); "" when absent.
  std::string unit(const std::string& path) const;
  // The numeric attributes of group, in the order they were written, with their units and
  // descriptions ("" where the file has none).
  std::vector<SummaryValue> summary(const std::string& group = "/summary") const;
  // The column names of the table in group, in the order they were written.
  std::vector<std::string> columns(const std::string& group) const;
  std::vector<double> column(const std::string& group, const std::string& name) const;
  // Unit of a column ("" when the column has none).
  std::string column_unit(const std::string& group, const std::string& name) const;
  // The /jobs rows of a run, or of the run whose /jobs dataset is at `path`
  // ("/runs/fifo/jobs" in a comparison's result set).
  std::vector<JobRow> jobs(const std::string& path = kJobsDataset) const;
  // A compound dataset of float64 fields and text fields (ResultWriter::write_records): the
  // numeric field names, their values row by row, each field's unit and description ("" where
  // the file has none), and the text fields.
  struct Records {
    std::vector<std::string> fields;
    std::vector<double> values;
    std::vector<std::string> units, descriptions;  // one per field
    std::vector<std::string> text_fields, text_descriptions;
    std::vector<std::vector<std::string>> texts;  // texts[i][row]: text_fields[i] of a row
    std::size_t rows() const { return fields.empty() ? 0 : values.size() / fields.size(); }
    double at(std::size_t row, const std::string& field) const;
    const std::string& text(std::size_t row, const std::string& field) const;
  };
  Records records(const std::string& path) const;
  std::vector<std::int64_t> indices(const std::string& path) const;
  // A 2-D float64 dataset (ResultWriter::write_matrix): its shape and row-major values.
  struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> values;
    double at(std::size_t r, std::size_t c) const { return values.at(r * cols + c); }
  };
  Matrix matrix(const std::string& path) const;

  const std::string& path() const noexcept { return path_; }

 private:
  // The string attribute `name` of the object at path ("" when it has none).
  std::string attribute_text(const std::string& path, const char* name) const;

  std::string path_;
  h5::Handle file_;
};

}  // namespace wattsim::results
