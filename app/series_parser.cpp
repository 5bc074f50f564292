#include "app/series_parser.hpp"

#include <stdexcept>

#include "simcore/error.hpp"
#include "simcore/quantity.hpp"
#include "traces/series_csv.hpp"
#include "traces/weather.hpp"

namespace wattsim::app {

using catalog::member_path;
using nlohmann::json;
using simcore::Dimension;
using simcore::SimTime;

std::string currency_of_price_unit(const std::string& unit) {
  if (unit.rfind("per ", 0) == 0) return "";
  const auto slash = unit.rfind('/');
  if (slash == std::string::npos) return "";
  const auto first = unit.find_first_not_of(' ');
  const auto last = unit.find_last_not_of(' ', slash == 0 ? 0 : slash - 1);
  if (first == std::string::npos || first >= slash || last == std::string::npos || last < first) return "";
  return unit.substr(first, last - first + 1);
}

json& field(json& object, const std::string& key, const json& fallback) {
  if (!object.contains(key)) object[key] = fallback;
  return object[key];
}

std::optional<SeriesParser::Parsed> SeriesParser::parse(json& v, const std::string& p, Unit unit, const std::string& name,
                                                       double min, double max) {
  const auto in_range = [&](double x, const std::string& where) {
    if (x >= min && x <= max) return true;
    reader_.sink().add(where, "is " + catalog::format_number(x) + "; expected a value in [" + catalog::format_number(min) + ", " +
                           catalog::format_number(max) + "]");
    return false;
  };
  // A constant.
  if (!v.is_object()) {
    std::optional<double> x;
    switch (unit) {
      case Unit::kIntensity: x = reader_.quantity_value(v, p, Dimension::kCarbonIntensity); break;
      case Unit::kPower: x = reader_.quantity_value(v, p, Dimension::kPower); break;
      case Unit::kFraction: x = reader_.quantity_value(v, p, Dimension::kFraction); break;
      case Unit::kTemperature: x = reader_.quantity_value(v, p, Dimension::kTemperature); break;
      case Unit::kPrice:
      case Unit::kPricePerTonne:
        if (v.is_number()) {
          x = v.get<double>();
        } else {
          reader_.sink().add(p, std::string("expected a number (") +
                             (unit == Unit::kPrice ? "currency per kWh" : "currency per tonne") + ") or a CSV series, found " +
                             catalog::json_type_name(v));
        }
        break;
    }
    if (!x || !in_range(*x, p)) return std::nullopt;
    return Parsed{simcore::StepSeries::constant(*x, SimTime::zero(), SimTime::max(), name), false};
  }
  if (unit == Unit::kTemperature && (v.contains("open_meteo") || v.contains("epw"))) return parse_weather(v, p, min, max);
  reader_.check_keys(v, p, {"csv", "time_column", "value_column", "unit", "repeat", "empty_cells", "max_gap", "time_marks"});
  const auto csv = reader_.string(v, "csv", p, true);
  traces::SeriesCsvOptions options;
  options.name = name;
  options.time_column = reader_.string(v, "time_column", p, false).value_or("");
  options.value_column = reader_.string(v, "value_column", p, false).value_or("");
  // The unit: given, else in the value column's header ("Price (USD/MWh)"), else the default.
  std::string unit_text = reader_.string(v, "unit", p, false).value_or("");
  if (unit_text.empty()) unit_text = traces::unit_in_header(options.value_column);
  const auto unit_factor = [&](const std::string& u) -> std::optional<double> {
    try {
      switch (unit) {
        case Unit::kIntensity: return simcore::parse_quantity("1 " + (u.empty() ? "g/kWh" : u), Dimension::kCarbonIntensity);
        case Unit::kPower: return simcore::parse_quantity("1 " + u, Dimension::kPower);
        case Unit::kFraction: return u.empty() ? 1.0 : simcore::parse_quantity("1 " + u, Dimension::kFraction);
        case Unit::kTemperature:
          if (u.empty() || u == "C" || u == "°C" || u == "degC") return 1.0;
          throw simcore::InputError("", "");
        case Unit::kPrice: {
          // "USD/MWh", "EUR/kWh", "per MWh": to currency per kWh.
          const auto slash = u.rfind('/');
          const std::string per = u.rfind("per ", 0) == 0 ? u.substr(4) : slash == std::string::npos ? "" : u.substr(slash + 1);
          if (per == "kWh") return 1.0;
          if (per == "MWh") return 1e-3;
          if (per == "Wh") return 1e3;
          throw simcore::InputError("", "");
        }
        case Unit::kPricePerTonne: {
          const auto slash = u.rfind('/');
          const std::string per = u.rfind("per ", 0) == 0 ? u.substr(4) : slash == std::string::npos ? "" : u.substr(slash + 1);
          if (per == "t") return 1.0;
          if (per == "kg") return 1e3;
          throw simcore::InputError("", "");
        }
      }
    } catch (const simcore::InputError&) {
    }
    return std::nullopt;
  };
  auto factor = unit_factor(unit_text);
  if (!factor && v.contains("unit")) {
    static const char* kExpected[] = {"one of g/kWh, kg/kWh, kg/MWh, t/MWh", "one of W, kW, MW, GW", "% or nothing",
                                      "CURRENCY/kWh or CURRENCY/MWh", "CURRENCY/t", "C (degrees Celsius)"};
    reader_.sink().add(member_path(p, "unit"), "is \"" + unit_text + "\"; expected " + kExpected[static_cast<int>(unit)]);
    return std::nullopt;
  }
  if (!factor && unit == Unit::kTemperature && !unit_text.empty()) {
    // "temp (F)": a temperature in a unit we do not read is not silently taken as C.
    reader_.sink().add(member_path(p, "unit"), "the column's name gives the unit \"" + unit_text +
                                                   "\"; expected C (give \"unit\": \"C\" if the values are in C)");
    return std::nullopt;
  }
  if (!factor) {
    // Not a unit after all ("Carbon Intensity gCO2eq/kWh (LCA)"): the default, if there is one.
    factor = unit_factor("");
    if (!factor) {
      reader_.sink().add(member_path(p, "unit"), "missing; the values' unit is needed (it is not in the column's name)");
      return std::nullopt;
    }
    unit_text.clear();
  }
  if (v.contains("unit") || !unit_text.empty()) field(v, "unit", unit_text);
  if ((unit == Unit::kPrice || unit == Unit::kPricePerTonne) && currency_ != nullptr) {
    if (const std::string currency = currency_of_price_unit(unit_text); !currency.empty()) {
      if (currency_->empty()) {
        *currency_ = currency;
      } else if (*currency_ != currency) {
        reader_.sink().add(member_path(p, "unit"), "is \"" + unit_text + "\", in " + currency +
                                                       ", but another price is in " + *currency_ +
                                                       "; expected one currency in a file");
        return std::nullopt;
      }
    }
  }
  options.scale = *factor;
  options.min_value = min;
  options.max_value = max;
  field(v, "empty_cells", "error");
  if (const auto mode = reader_.string(v, "empty_cells", p, true); mode && *mode == "skip") {
    options.empty_cells = traces::SeriesCsvOptions::EmptyCells::kSkipRow;
  } else if (mode && *mode != "error") {
    reader_.sink().add(member_path(p, "empty_cells"), "is \"" + *mode + "\"; expected \"error\" or \"skip\"");
  }
  if (v.contains("max_gap")) {
    options.max_interval = reader_.duration(v, "max_gap", p, true);
  } else {
    options.detect_gaps = true;
  }
  bool repeat = false;
  if (const auto& r = field(v, "repeat", false); !r.is_boolean()) {
    reader_.sink().add(member_path(p, "repeat"), "expected true or false, found " + catalog::json_type_name(r));
  } else {
    repeat = r.get<bool>();
  }
  field(v, "time_marks", "start");
  const auto marks = reader_.string(v, "time_marks", p, true);
  if (marks && *marks != "start" && *marks != "end") {
    reader_.sink().add(member_path(p, "time_marks"), "is \"" + *marks + "\"; expected \"start\" or \"end\" (of each value's interval)");
    return std::nullopt;
  }
  options.times_mark_end = marks && *marks == "end";
  if (!csv) return std::nullopt;
  const std::string file = resolve_(member_path(p, "csv"), *csv);
  simcore::StepSeries series;
  try {
    series = traces::read_series_csv(file, options);
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) reader_.sink().add(member_path(p, "csv"), (d.where.empty() ? "" : d.where + ": ") + d.message);
    return std::nullopt;
  }
  return align(std::move(series), repeat, p, "csv", file);
}

std::optional<SeriesParser::Parsed> SeriesParser::parse_weather(json& v, const std::string& p, double min, double max) {
  reader_.check_keys(v, p, {"open_meteo", "epw", "year", "repeat"});
  if (v.contains("open_meteo") && v.contains("epw")) {
    reader_.sink().add(p, "has both \"open_meteo\" and \"epw\"; expected one weather file");
    return std::nullopt;
  }
  const std::string key = v.contains("open_meteo") ? "open_meteo" : "epw";
  const auto name = reader_.string(v, key, p, true);
  std::optional<int> year;
  if (v.contains("year")) {
    if (key != "epw") reader_.sink().add(member_path(p, "year"), "only for an EPW file (a typical year placed in a calendar year)");
    if (const auto y = reader_.integer(v, "year", p, true, 1900, 2200)) year = static_cast<int>(*y);
  }
  bool repeat = false;
  if (const auto& r = field(v, "repeat", false); !r.is_boolean()) {
    reader_.sink().add(member_path(p, "repeat"), "expected true or false, found " + catalog::json_type_name(r));
  } else {
    repeat = r.get<bool>();
  }
  if (!name) return std::nullopt;
  const std::string file = resolve_(member_path(p, key), *name);
  simcore::StepSeries series;
  try {
    series = key == "epw" ? traces::read_epw(file, year) : traces::read_open_meteo_json(file);
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) reader_.sink().add(member_path(p, key), (d.where.empty() ? "" : d.where + ": ") + d.message);
    return std::nullopt;
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double x = series.values()[i];
    if (!(x >= min && x <= max)) {
      reader_.sink().add(member_path(p, key), file + ": a temperature of " + catalog::format_number(x) + " C at " +
                                                   traces::format_utc_time(series.times()[i]) + "; expected a value in [" +
                                                   catalog::format_number(min) + ", " + catalog::format_number(max) + "]");
      return std::nullopt;
    }
  }
  return align(std::move(series), repeat, p, key, file);
}

std::optional<SeriesParser::Parsed> SeriesParser::align(simcore::StepSeries series, bool repeat, const std::string& p,
                                                        const std::string& file_key, const std::string& file) {
  // Simulated time 0 is the scenario's start, by default the first series' first time.
  if (!start_) {
    if (start_text_ == nullptr) throw std::logic_error("series parser: no start and nowhere to record one");
    start_ = series.start();
    *start_text_ = traces::format_utc_time(series.start());
  }
  if (series.start() > *start_) {
    reader_.sink().add(member_path(p, file_key), file + ": the series starts at " + traces::format_utc_time(series.start()) +
                                                  ", after the start (" + traces::format_utc_time(*start_) + ")");
    return std::nullopt;
  }
  simcore::StepSeries sim = simcore::shift_series(series, SimTime::zero() - *start_);
  if (!repeat && !horizon_) {
    reader_.sink().add(member_path(p, "repeat"), "a run without a horizon has no known length: set \"repeat\": true, or a "
                                          "horizon the series covers");
    return std::nullopt;
  }
  if (!repeat && sim.end() < *horizon_) {
    reader_.sink().add(member_path(p, file_key), file + ": the series ends " + simcore::format_time(sim.end()) +
                                           " after the start, before the horizon (" + simcore::format_time(*horizon_) +
                                           "); set \"repeat\": true to repeat it");
    return std::nullopt;
  }
  return Parsed{std::move(sim), repeat};
}

}  // namespace wattsim::app
