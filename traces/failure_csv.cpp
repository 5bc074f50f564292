#include "traces/failure_csv.hpp"

#include <cmath>
#include <string_view>

#include "simcore/error.hpp"
#include "traces/csv_text.hpp"

namespace wattsim::traces {

std::vector<FailureRow> read_failure_csv(const std::string& path) {
  LineReader lines(path);
  simcore::DiagnosticSink errors;
  std::vector<FailureRow> rows;
  std::vector<std::string_view> fields;
  std::string_view line;
  if (!lines.next(line)) throw simcore::InputError(path, "the file is empty; expected a header row \"node,time_s\"");
  split_fields(line, ',', fields);
  if (fields.size() != 2 || fields[0] != "node" || fields[1] != "time_s") {
    throw simcore::InputError(lines.where(1), "header is " + quoted(line) + "; expected \"node,time_s\"");
  }
  while (lines.next(line)) {
    if (line.empty()) continue;
    split_fields(line, ',', fields);
    if (fields.size() != 2) {
      errors.add(lines.where(1), "row has " + std::to_string(fields.size()) + " fields; expected 2 (node,time_s)");
      continue;
    }
    FailureRow row;
    row.line = lines.line_number();
    double node = 0.0, seconds = 0.0;
    if (!parse_number(fields[0], node) || node < 0.0 || std::floor(node) != node || node > 4294967295.0) {
      errors.add(lines.where(1), "node is " + quoted(fields[0]) + "; expected a whole number >= 0 (a node index)");
      continue;
    }
    const std::size_t time_column = fields[0].size() + 2;
    if (!parse_number(fields[1], seconds) || seconds < 0.0 || seconds > 9.0e12) {
      errors.add(lines.where(time_column), "time_s is " + quoted(fields[1]) + "; expected seconds >= 0 (at most 9e12)");
      continue;
    }
    row.node = static_cast<std::uint32_t>(node);
    row.at = simcore::SimTime::from_seconds(seconds);
    rows.push_back(row);
  }
  errors.throw_if_any();
  return rows;
}

}  // namespace wattsim::traces
