#include "traces/forecast_csv.hpp"

#include <cmath>
#include <string_view>

#include "simcore/error.hpp"
#include "simcore/suggest.hpp"
#include "traces/csv_text.hpp"
#include "traces/series_csv.hpp"

namespace wattsim::traces {

namespace {

using simcore::InputError;
using simcore::SimTime;

// "[0, 1]", "at least 0", "at most 100".
std::string bounds_text(double min_value, double max_value) {
  if (std::isinf(min_value)) return "at most " + number_text(max_value);
  if (std::isinf(max_value)) return "at least " + number_text(min_value);
  return "[" + number_text(min_value) + ", " + number_text(max_value) + "]";
}

}  // namespace

std::vector<forecast::Issue> read_forecast_csv(const std::string& path, const ForecastCsvOptions& options,
                                               SimTime calendar_origin) {
  const std::string prefix = options.name.empty() ? "" : options.name + ": ";
  if (!(options.min_value <= options.max_value)) {
    throw InputError(path, prefix + "min_value " + number_text(options.min_value) + " and max_value " +
                               number_text(options.max_value) + "; expected min_value <= max_value");
  }
  LineReader lines(path);
  std::string_view line;
  do {
    if (!lines.next(line)) {
      throw InputError(path, prefix + "the file is empty; expected a header row naming the columns " +
                                 quoted_list({options.time_column, options.issued_column, options.value_column}));
    }
  } while (line.empty());

  std::vector<std::string_view> fields;
  split_fields(line, ',', fields);
  const std::vector<std::string> header(fields.begin(), fields.end());
  simcore::DiagnosticSink header_problems;
  for (const std::string_view cell : fields) {
    if (!cell.empty() && cell.front() == '"') {
      header_problems.add(lines.where(column_of(line, cell.data())),
                          prefix + "column name " + quoted(cell) +
                              " is quoted; quoted CSV fields are not supported, expected a bare name");
    }
  }
  const auto find_column = [&](const std::string& wanted, std::string_view role) -> std::size_t {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == wanted) found.push_back(i);
    }
    if (found.empty()) {
      header_problems.add(lines.where(1), prefix + "no " + std::string(role) + " column " + quoted(wanted) +
                                              "; expected one of " + quoted_list(header) +
                                              simcore::did_you_mean(wanted, header));
      return 0;
    }
    if (found.size() > 1) {
      header_problems.add(lines.where(column_of(line, fields[found[1]].data())),
                          prefix + "column " + quoted(wanted) + " appears " + std::to_string(found.size()) +
                              " times; expected one " + std::string(role) + " column of that name");
    }
    return found.front();
  };
  const std::size_t time_index = find_column(options.time_column, "time");
  const std::size_t issued_index = find_column(options.issued_column, "issue time");
  const std::size_t value_index = find_column(options.value_column, "value");
  if (header_problems.empty() &&
      (time_index == issued_index || time_index == value_index || issued_index == value_index)) {
    header_problems.add(lines.where(1),
                        prefix + "the time, issue time and value columns are " +
                            quoted_list({options.time_column, options.issued_column, options.value_column}) +
                            "; expected three different columns");
  }
  header_problems.throw_if_any();

  std::vector<forecast::Issue> issues;
  simcore::DiagnosticSink problems;
  std::size_t bad_rows = 0;
  std::size_t rows = 0;
  // The last good row: its issue time and time (text and line for messages).
  SimTime last_issued, last_time;
  std::string last_issued_text, last_time_text;
  std::size_t last_line = 0;

  const auto parse_time = [&](std::string_view field, const std::string& column) {
    try {
      return parse_utc_time(field) - calendar_origin;
    } catch (const InputError& e) {
      throw InputError(lines.where(column_of(line, field.data())),
                       prefix + column + ": " + e.diagnostics().front().message);
    }
  };

  while (lines.next(line)) {
    if (line.empty()) continue;
    ++rows;
    try {
      split_fields(line, ',', fields);
      check_row_fields(lines, line, fields, header.size(), prefix);
      const std::string_view time_field = fields[time_index];
      const std::string_view issued_field = fields[issued_index];
      const std::string_view value_field = fields[value_index];
      const SimTime t = parse_time(time_field, options.time_column);
      const SimTime issued = parse_time(issued_field, options.issued_column);
      const bool new_issue = issues.empty() || issued != last_issued;
      if (!issues.empty() && issued < last_issued) {
        throw InputError(lines.where(column_of(line, issued_field.data())),
                         prefix + options.issued_column + " is " + quoted(issued_field) + ", before " +
                             quoted(last_issued_text) + " on line " + std::to_string(last_line) +
                             "; expected rows grouped by issue, issue times not decreasing");
      }
      if (!new_issue && t <= last_time) {
        throw InputError(lines.where(column_of(line, time_field.data())),
                         prefix + options.time_column + " is " + quoted(time_field) + ", not after " +
                             quoted(last_time_text) + " on line " + std::to_string(last_line) +
                             " of the same issue; expected strictly increasing times within an issue");
      }
      double value = 0.0;
      if (!parse_number(value_field, value)) {
        throw InputError(lines.where(column_of(line, value_field.data())),
                         prefix + options.value_column +
                             (value_field.empty() ? " is empty" : " is " + quoted(value_field)) +
                             "; expected a finite number");
      }
      const double scaled = value * options.scale;
      if (!std::isfinite(scaled)) {
        throw InputError(lines.where(column_of(line, value_field.data())),
                         prefix + options.value_column + " is " + quoted(value_field) + ", not finite once scaled by " +
                             number_text(options.scale) + "; expected a finite scaled value");
      }
      if (scaled < options.min_value || scaled > options.max_value) {
        throw InputError(
            lines.where(column_of(line, value_field.data())),
            prefix + options.value_column + " is " + quoted(value_field) +
                (options.scale != 1.0 ? ", " + number_text(scaled) + " once scaled by " + number_text(options.scale)
                                      : "") +
                (scaled < options.min_value ? ", below the minimum " + number_text(options.min_value)
                                            : ", above the maximum " + number_text(options.max_value)) +
                "; expected " + bounds_text(options.min_value, options.max_value));
      }
      if (new_issue) issues.push_back(forecast::Issue{issued, {}, {}});
      issues.back().times.push_back(t);
      issues.back().values.push_back(scaled);
      last_issued = issued;
      last_time = t;
      last_issued_text.assign(issued_field);
      last_time_text.assign(time_field);
      last_line = lines.line_number();
    } catch (const InputError& e) {
      ++bad_rows;
      if (bad_rows <= kMaxRowErrors) {
        for (const auto& d : e.diagnostics()) problems.add(d.where, d.message);
      }
    }
  }
  if (bad_rows > kMaxRowErrors) {
    problems.add(path, prefix + std::to_string(bad_rows - kMaxRowErrors) + " more bad rows not shown (" +
                           std::to_string(bad_rows) + " in all)");
  }
  problems.throw_if_any();
  if (rows == 0) {
    throw InputError(path, prefix + "no data rows after the header; expected at least one (" + options.time_column +
                               ", " + options.issued_column + ", " + options.value_column + ") row");
  }
  return issues;
}

}  // namespace wattsim::traces
