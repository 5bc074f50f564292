#pragma once
// Reading validated fields out of JSON objects, collecting every problem with its JSON path
// ("accelerators.H100-SXM.pstates[2].max") instead of stopping at the first. Quantities accept
// a number in wattsim's internal unit (W, J, s, Hz, ...) or a string with a unit ("700 W").

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "simcore/error.hpp"
#include "simcore/quantity.hpp"
#include "simcore/time.hpp"

namespace wattsim::catalog {

std::string json_type_name(const nlohmann::json& value);  // "a string", "an array", ...
std::string member_path(const std::string& path, std::string_view key);  // "a.b" or "b"
std::string format_number(double x);  // "1", "0.25", "1e+09": for messages

class JsonReader {
 public:
  explicit JsonReader(simcore::DiagnosticSink& sink) : sink_(sink) {}
  simcore::DiagnosticSink& sink() { return sink_; }

  // True when `value` is an object; otherwise reports it.
  bool expect_object(const nlohmann::json& value, const std::string& path);
  // Reports every key of `object` not in `allowed`, with the nearest allowed key.
  void check_keys(const nlohmann::json& object, const std::string& path, std::initializer_list<std::string_view> allowed);

  // Each returns nothing (and reports why) when the member is missing and required, or
  // present and invalid; nothing without a report when it is missing and optional.
  std::optional<double> quantity(const nlohmann::json& object, std::string_view key, const std::string& path,
                                 simcore::Dimension dimension, bool required, simcore::QuantityOptions options = {});
  std::optional<simcore::SimTime> duration(const nlohmann::json& object, std::string_view key, const std::string& path,
                                           bool required);
  std::optional<double> number(const nlohmann::json& object, std::string_view key, const std::string& path,
                               bool required, double min, double max);
  std::optional<std::int64_t> integer(const nlohmann::json& object, std::string_view key, const std::string& path,
                                      bool required, std::int64_t min, std::int64_t max);
  std::optional<std::string> string(const nlohmann::json& object, std::string_view key, const std::string& path,
                                    bool required);

  // A quantity held directly in `value` (an array element, say).
  std::optional<double> quantity_value(const nlohmann::json& value, const std::string& path,
                                       simcore::Dimension dimension, simcore::QuantityOptions options = {});

 private:
  const nlohmann::json* member(const nlohmann::json& object, std::string_view key, const std::string& path,
                               bool required);
  simcore::DiagnosticSink& sink_;
};

}  // namespace wattsim::catalog
