#pragma once
// Reads a committed result set (layout in results/result_set.hpp), for `wattsim inspect` and
// tests. Every method reads from the file when called; nothing is cached. Errors throw
// std::runtime_error naming the file.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "results/hdf5.hpp"
#include "results/result_set.hpp"

namespace wattsim::results {

class ResultReader {
 public:
  // Throws std::runtime_error("<path>: not a wattsim result set ...") when the file cannot be
  // opened as HDF5 or has no /meta group.
  explicit ResultReader(const std::string& path);

  // The string and the numeric attributes of /meta, in the order they were written.
  std::vector<std::pair<std::string, std::string>> meta_strings() const;
  std::vector<std::pair<std::string, double>> meta_numbers() const;
  // The numeric attributes of group, in the order they were written, with their units.
  std::vector<SummaryValue> summary(const std::string& group = "/summary") const;
  // The column names of the table in group, in the order they were written.
  std::vector<std::string> columns(const std::string& group) const;
  std::vector<double> column(const std::string& group, const std::string& name) const;
  // Unit of a column ("" when the column has none).
  std::string column_unit(const std::string& group, const std::string& name) const;
  std::vector<JobRow> jobs() const;
  // A compound dataset of float64 fields (ResultWriter::write_records): field names and the
  // values row by row.
  struct Records {
    std::vector<std::string> fields;
    std::vector<double> values;
    std::size_t rows() const { return fields.empty() ? 0 : values.size() / fields.size(); }
    double at(std::size_t row, const std::string& field) const;
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
  std::string path_;
  h5::Handle file_;
};

}  // namespace wattsim::results
