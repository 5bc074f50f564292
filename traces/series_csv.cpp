#include "traces/series_csv.hpp"

#include <cstdio>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "simcore/error.hpp"
#include "simcore/suggest.hpp"
#include "traces/csv_text.hpp"

namespace wattsim::traces {

namespace {

using simcore::InputError;
using simcore::SimTime;

constexpr std::string_view kTimeFormats =
    "expected \"YYYY-MM-DD HH:MM:SS\" (\"T\" may replace the space; optional fractional seconds and \"Z\" or an "
    "offset like \"+02:00\") or a number of seconds since 1970-01-01T00:00:00Z";

// Plain-number times are limited to +-1e12 s (31,700 years), so that the difference of two
// times and the end of a series stay inside SimTime.
constexpr double kMaxEpochSeconds = 1e12;

constexpr std::array<std::string_view, 12> kMonthNames = {"January",   "February", "March",    "April",
                                                          "May",       "June",     "July",     "August",
                                                          "September", "October",  "November", "December"};

// `count` decimal digits of `text` from `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

std::string two_digits(int value) {
  return (value < 10 ? "0" : "") + std::to_string(value);
}

// "[0, 1]", "at least 0", "at most 100".
std::string bounds_text(double min_value, double max_value) {
  if (std::isinf(min_value)) return "at most " + number_text(max_value);
  if (std::isinf(max_value)) return "at least " + number_text(min_value);
  return "[" + number_text(min_value) + ", " + number_text(max_value) + "]";
}

[[noreturn]] void not_a_time(std::string_view text) {
  throw InputError("", quoted(text) + " is not a time; " + std::string(kTimeFormats));
}

[[noreturn]] void out_of_range(std::string_view text, std::string_view part, int value, std::string expected) {
  throw InputError(
      "", quoted(text) + " has " + std::string(part) + " " + two_digits(value) + "; expected " + std::move(expected));
}

SimTime parse_civil_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) || !read_digits(text, 8, 2, day)) {
    not_a_time(text);
  }
  std::int64_t fraction_us = 0;
  std::int64_t offset_s = 0;
  if (text.size() > 10) {
    if ((text[10] != ' ' && text[10] != 'T') || !read_digits(text, 11, 2, hour) || text.size() < 19 ||
        text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second)) {
      not_a_time(text);
    }
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      const std::size_t first = ++pos;
      int round_digit = 0;
      for (; pos < text.size() && is_digit(text[pos]); ++pos) {
        const std::size_t place = pos - first;
        if (place < 6) fraction_us = fraction_us * 10 + (text[pos] - '0');
        if (place == 6) round_digit = text[pos] - '0';
      }
      if (pos == first) not_a_time(text);
      for (std::size_t place = pos - first; place < 6; ++place) fraction_us *= 10;
      if (round_digit >= 5) ++fraction_us;  // to the nearest microsecond
    }
    if (pos < text.size()) {
      const char sign = text[pos];
      const std::size_t rest = text.size() - pos - 1;
      int offset_h = 0, offset_min = 0;
      const bool utc = sign == 'Z' && rest == 0;
      const bool offset =
          (sign == '+' || sign == '-') &&
          ((rest == 5 && text[pos + 3] == ':' && read_digits(text, pos + 1, 2, offset_h) &&
            read_digits(text, pos + 4, 2, offset_min)) ||
           (rest == 4 && read_digits(text, pos + 1, 2, offset_h) && read_digits(text, pos + 3, 2, offset_min)));
      if (!utc && !offset) not_a_time(text);
      if (offset_h > 23) out_of_range(text, "offset hours", offset_h, "00 to 23");
      if (offset_min > 59) out_of_range(text, "offset minutes", offset_min, "00 to 59");
      offset_s = (sign == '-' ? -1 : 1) * (offset_h * 3600 + offset_min * 60);
    }
  }
  if (month < 1 || month > 12) out_of_range(text, "month", month, "01 to 12");
  const int month_days = days_in_month(year, month);
  if (day < 1 || day > month_days) {
    out_of_range(text, "day", day,
                 "01 to " + std::to_string(month_days) + " (" +
                     std::string(kMonthNames[static_cast<std::size_t>(month - 1)]) + " " + std::to_string(year) + ")");
  }
  if (hour > 23) out_of_range(text, "hour", hour, "00 to 23");
  if (minute > 59) out_of_range(text, "minute", minute, "00 to 59");
  if (second > 59) out_of_range(text, "second", second, "00 to 59 (leap seconds are not represented)");
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return SimTime::from_us(seconds * 1'000'000 + fraction_us);
}

}  // namespace

SimTime parse_utc_time(std::string_view text) {
  if (text.size() >= 10 && text[4] == '-' && text[7] == '-') return parse_civil_time(text);
  double seconds = 0.0;
  if (!parse_number(text, seconds)) not_a_time(text);
  if (std::fabs(seconds) > kMaxEpochSeconds) {
    throw InputError("", quoted(text) + " seconds is too far from 1970; expected at most 1e12 seconds either way");
  }
  return SimTime::from_seconds(seconds);
}

simcore::StepSeries read_series_csv(const std::string& path, const SeriesCsvOptions& options) {
  const std::string prefix = options.name.empty() ? "" : options.name + ": ";
  if (!(options.min_value <= options.max_value)) {
    throw InputError(path, prefix + "min_value " + number_text(options.min_value) + " and max_value " +
                               number_text(options.max_value) + "; expected min_value <= max_value");
  }
  if (options.max_interval && *options.max_interval <= SimTime::zero()) {
    throw InputError(
        path, prefix + "max_interval is " + duration_text(*options.max_interval) + "; expected a positive interval");
  }
  LineReader lines(path);
  std::string_view line;
  do {
    if (!lines.next(line)) {
      throw InputError(path,
                       prefix + "the file is empty; expected a header row naming a time column and a value column");
    }
  } while (line.empty());

  std::vector<std::string_view> fields;
  split_fields(line, ',', fields);
  const std::vector<std::string> header(fields.begin(), fields.end());
  for (const std::string_view cell : fields) {
    if (!cell.empty() && cell.front() == '"') {
      throw InputError(lines.where(column_of(line, cell.data())),
                       prefix + "column name " + quoted(cell) +
                           " is quoted; quoted CSV fields are not supported, expected a bare name");
    }
  }
  const auto find_column = [&](const std::string& wanted, std::string_view role) {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == wanted) found.push_back(i);
    }
    if (found.empty()) {
      throw InputError(lines.where(1), prefix + "no " + std::string(role) + " column " + quoted(wanted) +
                                           "; expected one of " + quoted_list(header) +
                                           simcore::did_you_mean(wanted, header));
    }
    if (found.size() > 1) {
      throw InputError(lines.where(column_of(line, fields[found[1]].data())),
                       prefix + "column " + quoted(wanted) + " appears " + std::to_string(found.size()) +
                           " times; expected one " + std::string(role) + " column of that name");
    }
    return found.front();
  };
  const std::size_t time_index = options.time_column.empty() ? 0 : find_column(options.time_column, "time");
  std::size_t value_index = 0;
  if (!options.value_column.empty()) {
    value_index = find_column(options.value_column, "value");
    if (value_index == time_index) {
      throw InputError(lines.where(column_of(line, fields[value_index].data())),
                       prefix + "the value column is the time column, " + quoted(header[time_index]) +
                           "; expected two different columns");
    }
  } else {
    std::vector<std::string> others;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i != time_index) {
        others.push_back(header[i]);
        value_index = i;
      }
    }
    if (others.empty()) {
      throw InputError(lines.where(1), prefix + "the header names only the time column " + quoted(header[time_index]) +
                                           "; expected a value column too");
    }
    if (others.size() > 1) {
      throw InputError(lines.where(1), prefix + "several value columns: " + quoted_list(others) +
                                           "; expected the options to name one of them");
    }
  }
  const std::string& time_name = header[time_index];
  const std::string& value_name = header[value_index];

  simcore::StepSeriesBuilder builder(options.name.empty() ? value_name : options.name);
  const bool skip_empty = options.empty_cells == SeriesCsvOptions::EmptyCells::kSkipRow;
  std::optional<SimTime> max_interval = options.max_interval;
  const bool gap_limit_from_file = options.detect_gaps && !max_interval;
  std::size_t rows = 0;  // rows read, skipped ones included
  std::size_t kept = 0;  // rows appended to the series
  SimTime last, before_last, first_interval;
  std::string last_text;  // reused: its capacity stays, so rows allocate nothing
  std::size_t last_line = 0;
  while (lines.next(line)) {
    if (line.empty()) continue;
    split_fields(line, ',', fields);
    check_row_fields(lines, line, fields, header.size(), prefix);
    const std::string_view time_field = fields[time_index];
    SimTime t;
    try {
      t = parse_utc_time(time_field);
    } catch (const InputError& e) {
      throw InputError(lines.where(column_of(line, time_field.data())),
                       prefix + time_name + ": " + e.diagnostics().front().message);
    }
    if (rows > 0 && t <= last) {
      throw InputError(lines.where(column_of(line, time_field.data())),
                       prefix + time_name + " is " + quoted(time_field) + ", not after " + quoted(last_text) +
                           " on line " + std::to_string(last_line) + "; expected strictly increasing times");
    }
    if (rows > 0) {
      const SimTime interval = t - last;
      if (rows == 1) first_interval = interval;
      if (rows == 1 && gap_limit_from_file) max_interval = interval + SimTime::from_us(interval.us() / 2);
      if (max_interval && interval > *max_interval) {
        throw InputError(lines.where(column_of(line, time_field.data())),
                         prefix + "gap of " + duration_text(interval) + " after " + last_text +
                             "; expected rows at most " + duration_text(*max_interval) + " apart" +
                             (gap_limit_from_file ? " (1.5 x the first interval)" : ""));
      }
    }
    before_last = last;
    last = t;
    last_text.assign(time_field);
    last_line = lines.line_number();
    ++rows;
    const std::string_view value_field = fields[value_index];
    if (value_field.empty() && skip_empty) continue;
    double value = 0.0;
    if (!parse_number(value_field, value)) {
      throw InputError(lines.where(column_of(line, value_field.data())),
                       prefix + value_name + (value_field.empty() ? " is empty" : " is " + quoted(value_field)) +
                           "; expected a finite number");
    }
    const double scaled = value * options.scale;
    if (!std::isfinite(scaled)) {
      throw InputError(lines.where(column_of(line, value_field.data())),
                       prefix + value_name + " is " + quoted(value_field) + ", not finite once scaled by " +
                           std::to_string(options.scale) + "; expected a finite scaled value");
    }
    if (scaled < options.min_value || scaled > options.max_value) {
      const bool below = scaled < options.min_value;
      throw InputError(
          lines.where(column_of(line, value_field.data())),
          prefix + value_name + " is " + quoted(value_field) +
              (options.scale != 1.0 ? ", " + number_text(scaled) + " once scaled by " + number_text(options.scale)
                                    : "") +
              (below ? ", below the minimum " + number_text(options.min_value)
                     : ", above the maximum " + number_text(options.max_value)) +
              "; expected " + bounds_text(options.min_value, options.max_value));
    }
    builder.append(t, scaled);
    ++kept;
  }
  if (rows == 0) {
    throw InputError(path, prefix + "no data rows after the header; expected at least two (time, value) rows");
  }
  if (rows == 1) {
    throw InputError(path, prefix + "only one data row (line " + std::to_string(last_line) +
                               "); expected at least two, since the last value lasts as long as the interval "
                               "between the last two rows");
  }
  if (kept == 0) {
    throw InputError(path, prefix + "the " + value_name + " cell is empty in all " + std::to_string(rows) +
                               " rows; expected at least one value");
  }
  simcore::StepSeries series = builder.finish(last + (last - before_last));
  // Times that mark where each value's interval ends: move everything back by one row interval.
  if (options.times_mark_end) series = simcore::shift_series(series, SimTime::zero() - first_interval);
  return series;
}

std::string unit_in_header(std::string_view column_name) {
  // From the last closing bracket backwards: the first one whose opening bracket is found wins.
  for (std::size_t close = column_name.size(); close-- > 0;) {
    const char closing = column_name[close];
    if (closing != ')' && closing != ']') continue;
    const char opening = closing == ')' ? '(' : '[';
    int depth = 0;
    for (std::size_t i = close; i-- > 0;) {
      if (column_name[i] == closing) {
        ++depth;
      } else if (column_name[i] == opening) {
        if (depth == 0) {
          std::string_view inside = column_name.substr(i + 1, close - i - 1);
          while (!inside.empty() && (inside.front() == ' ' || inside.front() == '\t')) inside.remove_prefix(1);
          while (!inside.empty() && (inside.back() == ' ' || inside.back() == '\t')) inside.remove_suffix(1);
          return std::string(inside);
        }
        --depth;
      }
    }
  }
  return "";
}

std::string format_utc_time(simcore::SimTime t) {
  // Floor to whole seconds, also before the epoch.
  std::int64_t s = t.us() / 1'000'000;
  if (t.us() % 1'000'000 < 0) --s;
  std::int64_t days = s / 86400;
  std::int64_t secs = s % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const simcore::CivilDate date = simcore::civil_from_days(days);
  const auto year = date.year;
  const auto month = static_cast<std::int64_t>(date.month);
  const auto day = static_cast<std::int64_t>(date.day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(secs / 3600),
                static_cast<long long>((secs / 60) % 60), static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace wattsim::traces
