#include "traces/weather.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "models/catalog/json_text.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"
#include "traces/csv_text.hpp"
#include "traces/series_csv.hpp"

namespace wattsim::traces {

namespace {

using nlohmann::json;
using simcore::InputError;
using simcore::SimTime;

constexpr std::int64_t kHourUs = 3'600'000'000;

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

// "path" for the document itself, "path: hourly.time[3]" inside it.
std::string json_where(const std::string& path, const std::string& json_path) {
  return json_path.empty() ? path : path + ": " + json_path;
}

std::string member_path(const std::string& object_path, const std::string& key) {
  return object_path.empty() ? key : object_path + "." + key;
}

// object[key], or an error naming the keys there are.
const json& member(const json& object, const std::string& key, const std::string& path, const std::string& object_path,
                   std::string_view expected) {
  const auto found = object.find(key);
  if (found != object.end()) return *found;
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  throw InputError(json_where(path, object_path), "no key " + traces::quoted(key) + " (keys: " + quoted_list(keys) +
                                                      "); expected " + std::string(expected) +
                                                      simcore::did_you_mean(key, keys));
}

std::string read_whole_file(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw InputError(path, std::string("cannot open the file: ") +
                               (error != 0 ? std::strerror(error) : "unknown error") + "; expected a readable file");
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, "cannot read the file; expected a readable file");
  return text;
}

// Located syntax errors, and duplicate keys (which would silently keep the last) are errors.
json parse_json(const std::string& path, const std::string& text) {
  return catalog::parse_json_text(text, path, "an Open-Meteo response");
}

template <class Where>
SimTime parse_time_or_rethrow(std::string_view full, const std::string& text, const Where& where) {
  try {
    return parse_utc_time(full);
  } catch (const InputError& e) {
    // The message starts with the text it was given; show the text as written instead.
    const std::string& message = e.diagnostics().front().message;
    const std::string given = traces::quoted(full);
    const bool starts_with_given = message.compare(0, given.size(), given) == 0;
    throw InputError(where(),
                     traces::quoted(text) + (starts_with_given ? message.substr(given.size()) : ": " + message));
  }
}

// An Open-Meteo local time "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", as if it were UTC.
// where() names the element for messages.
template <class Where>
SimTime parse_local_time(const std::string& text, const Where& where) {
  const bool shape = (text.size() == 16 || (text.size() == 19 && text[16] == ':')) && text[4] == '-' &&
                     text[7] == '-' && (text[10] == 'T' || text[10] == ' ') && text[13] == ':';
  if (!shape) {
    throw InputError(where(), traces::quoted(text) + " is not a local time; expected \"YYYY-MM-DDTHH:MM\"");
  }
  if (text.size() == 19) return parse_time_or_rethrow(text, text, where);
  char full[20];
  text.copy(full, 16);
  std::memcpy(full + 16, ":00", 3);
  return parse_time_or_rethrow(std::string_view(full, 19), text, where);
}

bool is_leap_year(long long year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(long long year, unsigned month) {
  const long long first = days_from_civil(year, month, 1);
  const long long next = month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
  return static_cast<unsigned>(next - first);
}

bool parse_int(std::string_view text, int& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

simcore::StepSeries read_open_meteo_json(const std::string& path, const std::string& variable) {
  const json doc = parse_json(path, read_whole_file(path));
  if (!doc.is_object()) {
    throw InputError(path, "the document is " + type_name(doc) +
                               "; expected an Open-Meteo response object with \"utc_offset_seconds\" and \"hourly\"");
  }
  const json& offset = member(doc, "utc_offset_seconds", path, "", "the file's offset from UTC in seconds");
  constexpr std::int64_t kMaxOffsetS = 18 * 3600;
  std::int64_t offset_s = 0;
  bool offset_ok = offset.is_number_integer();
  if (offset_ok && offset.is_number_unsigned()) {
    offset_ok = offset.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxOffsetS);
    if (offset_ok) offset_s = static_cast<std::int64_t>(offset.get<std::uint64_t>());
  } else if (offset_ok) {
    offset_s = offset.get<std::int64_t>();
    offset_ok = offset_s >= -kMaxOffsetS && offset_s <= kMaxOffsetS;
  }
  if (!offset_ok) {
    throw InputError(json_where(path, "utc_offset_seconds"),
                     "is " + (offset.is_number() ? offset.dump() : type_name(offset)) +
                         "; expected a whole number of seconds from -64800 to 64800 (+-18 h)");
  }
  const SimTime offset_time = SimTime::seconds(offset_s);

  const json& hourly = member(doc, "hourly", path, "", "an object of hourly arrays");
  if (!hourly.is_object()) {
    throw InputError(json_where(path, "hourly"), "is " + type_name(hourly) + "; expected an object of hourly arrays");
  }
  const json& times = member(hourly, "time", path, "hourly", "an array of local times");
  const std::string values_path = member_path("hourly", variable);
  const json& values = member(hourly, variable, path, "hourly", "an array of values, one per time");
  if (!times.is_array()) {
    throw InputError(json_where(path, "hourly.time"), "is " + type_name(times) + "; expected an array of local times");
  }
  if (!values.is_array()) {
    throw InputError(json_where(path, values_path), "is " + type_name(values) + "; expected an array of numbers");
  }
  if (times.empty()) throw InputError(json_where(path, "hourly.time"), "is empty; expected at least one time");
  if (values.size() != times.size()) {
    throw InputError(json_where(path, values_path), "has " + std::to_string(values.size()) +
                                                        " values but hourly.time has " + std::to_string(times.size()) +
                                                        "; expected one value per time");
  }
  if (const auto units = doc.find("hourly_units"); units != doc.end() && units->is_object()) {
    if (const auto unit = units->find(variable); unit != units->end() && *unit == "°F") {
      throw InputError(json_where(path, member_path("hourly_units", variable)),
                       "is \"°F\"; expected \"°C\" (temperatures are read in degrees C)");
    }
  }

  simcore::StepSeriesBuilder builder(variable);
  SimTime previous;
  // Paths for messages, built only on an error.
  const auto time_where = [&](std::size_t i) { return json_where(path, "hourly.time[" + std::to_string(i) + "]"); };
  const auto value_where = [&](std::size_t i) { return json_where(path, values_path + "[" + std::to_string(i) + "]"); };
  for (std::size_t i = 0; i < times.size(); ++i) {
    const json& time_value = times[i];
    if (!time_value.is_string()) {
      throw InputError(time_where(i), "is " + type_name(time_value) + "; expected a local time \"YYYY-MM-DDTHH:MM\"");
    }
    const std::string& text = time_value.get_ref<const std::string&>();
    const SimTime t = parse_local_time(text, [&] { return time_where(i); }) - offset_time;
    if (i > 0 && t != previous + SimTime::from_us(kHourUs)) {
      const std::string before =
          "hourly.time[" + std::to_string(i - 1) + "] " + traces::quoted(times[i - 1].get<std::string>());
      throw InputError(time_where(i), "is " + traces::quoted(text) +
                                          (t <= previous ? ", not after " + before
                                                         : ", " + duration_text(t - previous) + " after " + before) +
                                          "; expected times increasing by one hour");
    }
    const json& value = values[i];
    if (!value.is_number()) {
      throw InputError(value_where(i),
                       "is " + type_name(value) + " (at " + traces::quoted(text) + "); expected a number");
    }
    builder.append(t, value.get<double>());
    previous = t;
  }
  return builder.finish(previous + SimTime::from_us(kHourUs));
}

simcore::StepSeries read_epw(const std::string& path, std::optional<int> year) {
  if (year && (*year < 1 || *year > 9999)) {
    throw InputError(path, "year " + std::to_string(*year) + "; expected a year from 1 to 9999");
  }
  constexpr std::size_t kHeaderLines = 8;
  LineReader lines(path);
  std::string_view line;
  std::vector<std::string_view> fields;
  const auto header_line = [&](std::string_view keyword) {
    if (!lines.next(line)) {
      throw InputError(path, "the file ends after line " + std::to_string(lines.line_number()) + "; expected " +
                                 std::to_string(kHeaderLines) + " EPW header lines, then hourly rows");
    }
    if (!starts_with(line, keyword)) {
      throw InputError(lines.where(1), "line " + std::to_string(lines.line_number()) + " starts with " +
                                           traces::quoted(line.substr(0, keyword.size() + 8)) + "; expected " +
                                           traces::quoted(keyword) + " (an EPW header line)");
    }
    split_fields(line, ',', fields);
  };

  header_line("LOCATION,");
  constexpr std::size_t kTimeZoneField = 8;
  double time_zone_h = 0.0;
  if (fields.size() <= kTimeZoneField) {
    throw InputError(lines.where(column_of(line, line.data() + line.size())),
                     "the LOCATION line has " + field_count_text(fields.size()) +
                         "; expected at least 9, the 9th being the time zone in hours from UTC");
  }
  if (!parse_number(fields[kTimeZoneField], time_zone_h) || time_zone_h < -12.0 || time_zone_h > 14.0) {
    throw InputError(lines.where(column_of(line, fields[kTimeZoneField].data())),
                     "time zone (LOCATION field 9) is " + traces::quoted(fields[kTimeZoneField]) +
                         "; expected hours from UTC, -12 to 14 (e.g. -7.0)");
  }
  const SimTime time_zone = SimTime::seconds(static_cast<std::int64_t>(std::lround(time_zone_h * 3600.0)));
  for (const std::string_view keyword : {"DESIGN CONDITIONS", "TYPICAL/EXTREME PERIODS", "GROUND TEMPERATURES",
                                         "HOLIDAYS/DAYLIGHT SAVINGS", "COMMENTS 1", "COMMENTS 2"}) {
    header_line(keyword);
  }
  header_line("DATA PERIODS,");
  if (fields.size() < 3 || fields[2] != "1") {
    const char* at = fields.size() < 3 ? line.data() + line.size() : fields[2].data();
    throw InputError(lines.where(column_of(line, at)), "records per hour (DATA PERIODS field 3) is " +
                                                           (fields.size() < 3 ? "missing" : traces::quoted(fields[2])) +
                                                           "; expected 1 (only hourly EPW files are read)");
  }

  constexpr std::size_t kDryBulbField = 6;  // field 7
  constexpr double kMissingDryBulb = 99.9;
  simcore::StepSeriesBuilder builder("dry-bulb temperature");
  std::size_t rows = 0;
  SimTime previous;
  int previous_month = 0, previous_day = 0, previous_hour = 0;
  std::size_t previous_line = 0;
  while (lines.next(line)) {
    if (line.empty()) continue;
    split_fields(line, ',', fields);
    if (fields.size() <= kDryBulbField) {
      throw InputError(lines.where(column_of(line, line.data() + line.size())),
                       "row has " + field_count_text(fields.size()) +
                           "; expected at least 7 (year, month, day, hour, minute, flags, dry-bulb temperature)");
    }
    const auto integer_field = [&](std::size_t index, std::string_view name, int min, int max) {
      int value = 0;
      if (!parse_int(fields[index], value) || value < min || value > max) {
        throw InputError(lines.where(column_of(line, fields[index].data())),
                         std::string(name) + " (field " + std::to_string(index + 1) + ") is " +
                             traces::quoted(fields[index]) + "; expected a whole number from " + std::to_string(min) +
                             " to " + std::to_string(max));
      }
      return value;
    };
    const int row_year = integer_field(0, "year", 1, 9999);
    if (!year) year = row_year;
    const int month = integer_field(1, "month", 1, 12);
    const int day = integer_field(2, "day", 1, 31);
    const int hour = integer_field(3, "hour", 1, 24);
    const auto month_days = days_in_month(*year, static_cast<unsigned>(month));
    if (static_cast<unsigned>(day) > month_days) {
      const std::string where = lines.where(column_of(line, fields[2].data()));
      if (month == 2 && day == 29) {
        throw InputError(where, "row for 29 February, but the rows are placed in " + std::to_string(*year) +
                                    ", not a leap year; expected no leap day, or a leap year to place the rows in");
      }
      throw InputError(where, "day is " + traces::quoted(fields[2]) + "; expected 1 to " + std::to_string(month_days) +
                                  " for month " + std::to_string(month));
    }
    const std::int64_t local_start_s =
        days_from_civil(*year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        static_cast<std::int64_t>(hour - 1) * 3600;
    const SimTime t = SimTime::seconds(local_start_s) - time_zone;
    if (rows > 0 && t != previous + SimTime::from_us(kHourUs)) {
      std::string message = "rows go from " + std::to_string(previous_month) + "/" + std::to_string(previous_day) +
                            " hour " + std::to_string(previous_hour) + " (line " + std::to_string(previous_line) +
                            ") to " + std::to_string(month) + "/" + std::to_string(day) + " hour " +
                            std::to_string(hour) + " (month/day)";
      const bool leap_day_missing = is_leap_year(*year) && previous_month == 2 && previous_day == 28 &&
                                    previous_hour == 24 && month == 3 && day == 1 && hour == 1;
      message += leap_day_missing ? "; expected rows for 29 February, since the rows are placed in " +
                                        std::to_string(*year) + ", a leap year: place them in a non-leap year"
                                  : "; expected consecutive hours";
      throw InputError(lines.where(1), message);
    }
    const std::string_view dry_bulb_field = fields[kDryBulbField];
    double temp_c = 0.0;
    if (!parse_number(dry_bulb_field, temp_c)) {
      throw InputError(
          lines.where(column_of(line, dry_bulb_field.data())),
          "dry-bulb temperature (field 7) is " + traces::quoted(dry_bulb_field) + "; expected a number of degrees C");
    }
    if (temp_c == kMissingDryBulb) {
      throw InputError(lines.where(column_of(line, dry_bulb_field.data())),
                       "dry-bulb temperature (field 7) is " + traces::quoted(dry_bulb_field) +
                           ", EPW's mark for a missing value; expected a measured temperature");
    }
    builder.append(t, temp_c);
    previous = t;
    previous_month = month;
    previous_day = day;
    previous_hour = hour;
    previous_line = lines.line_number();
    ++rows;
  }
  if (rows == 0) {
    throw InputError(
        path, "no data rows after the " + std::to_string(kHeaderLines) + " header lines; expected one row per hour");
  }
  return builder.finish(previous + SimTime::from_us(kHourUs));
}

}  // namespace wattsim::traces
