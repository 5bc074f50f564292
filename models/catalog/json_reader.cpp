#include "models/catalog/json_reader.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "simcore/suggest.hpp"

namespace wattsim::catalog {

using nlohmann::json;

std::string json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string member_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

bool JsonReader::expect_object(const json& value, const std::string& path) {
  if (value.is_object()) return true;
  sink_.add(path, "expected an object, found " + json_type_name(value));
  return false;
}

void JsonReader::check_keys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& item : object.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == item.key();
    if (!known) {
      std::string valid;
      for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
      sink_.add(member_path(path, item.key()),
                "unknown key" + simcore::did_you_mean(item.key(), names) + " (valid keys: " + valid + ")");
    }
  }
}

const json* JsonReader::member(const json& object, std::string_view key, const std::string& path, bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) sink_.add(member_path(path, key), "missing; this field is required");
    return nullptr;
  }
  return &*it;
}

std::optional<double> JsonReader::quantity_value(const json& value, const std::string& path, simcore::Dimension d,
                                                 simcore::QuantityOptions options) {
  const std::string dim(simcore::dimension_name(d));
  if (value.is_number()) {
    const double v = value.get<double>();
    if (!std::isfinite(v)) {
      sink_.add(path, "the number is not finite");
      return std::nullopt;
    }
    if (v < 0.0 && !options.allow_negative && d != simcore::Dimension::kTemperature) {
      sink_.add(path, "found " + value.dump() + "; negative values are not allowed here");
      return std::nullopt;
    }
    if (d == simcore::Dimension::kTemperature && v < -273.15) {
      sink_.add(path, "found " + value.dump() + " C; that is below absolute zero");
      return std::nullopt;
    }
    return v;
  }
  if (value.is_string()) {
    try {
      return simcore::parse_quantity(value.get<std::string>(), d, options);
    } catch (const simcore::InputError& e) {
      sink_.add(path, e.diagnostics().front().message);
      return std::nullopt;
    }
  }
  sink_.add(path, "expected a " + dim + " (a number in " + std::string(simcore::internal_unit(d)) +
                      " or a string with a unit such as \"" +
                      (d == simcore::Dimension::kPower ? "700 W" : d == simcore::Dimension::kTime ? "5 min" : "...") +
                      "\"), found " + json_type_name(value));
  return std::nullopt;
}

std::optional<double> JsonReader::quantity(const json& object, std::string_view key, const std::string& path,
                                           simcore::Dimension d, bool required, simcore::QuantityOptions options) {
  const json* v = member(object, key, path, required);
  if (v == nullptr) return std::nullopt;
  return quantity_value(*v, member_path(path, key), d, options);
}

std::optional<simcore::SimTime> JsonReader::duration(const json& object, std::string_view key, const std::string& path,
                                                     bool required) {
  const auto seconds = quantity(object, key, path, simcore::Dimension::kTime, required);
  if (!seconds) return std::nullopt;
  try {
    return simcore::SimTime::from_seconds(*seconds);
  } catch (const std::out_of_range& e) {
    sink_.add(member_path(path, key), e.what());
    return std::nullopt;
  }
}

std::optional<double> JsonReader::number(const json& object, std::string_view key, const std::string& path,
                                         bool required, double min, double max) {
  const json* v = member(object, key, path, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    sink_.add(member_path(path, key), "expected a number, found " + json_type_name(*v));
    return std::nullopt;
  }
  const double x = v->get<double>();
  if (!(x >= min && x <= max)) {
    sink_.add(member_path(path, key), "found " + v->dump() + "; expected a number in [" + format_number(min) + ", " +
                                          format_number(max) + "]");
    return std::nullopt;
  }
  return x;
}

std::optional<std::int64_t> JsonReader::integer(const json& object, std::string_view key, const std::string& path,
                                                bool required, std::int64_t min, std::int64_t max) {
  const json* v = member(object, key, path, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    sink_.add(member_path(path, key), "expected a whole number, found " +
                                          (v->is_number() ? v->dump() : json_type_name(*v)));
    return std::nullopt;
  }
  // nlohmann keeps integers above INT64_MAX as unsigned: compare those as they were written.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    sink_.add(member_path(path, key), "found " + v->dump() + "; expected a whole number in [" + std::to_string(min) +
                                          ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  const auto x = v->get<std::int64_t>();
  if (x < min || x > max) {
    sink_.add(member_path(path, key), "found " + std::to_string(x) + "; expected a whole number in [" +
                                          std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> JsonReader::string(const json& object, std::string_view key, const std::string& path,
                                              bool required) {
  const json* v = member(object, key, path, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    sink_.add(member_path(path, key), "expected a string, found " + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

}  // namespace wattsim::catalog
