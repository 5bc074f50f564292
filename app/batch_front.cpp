#include "app/batch_front.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "app/units_text.hpp"

namespace wattsim::app {

using nlohmann::json;

double BatchVariants::at(std::size_t row, std::string_view field) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == field) return values.at(row * fields.size() + i);
  }
  throw std::out_of_range("/variants has no field " + std::string(field));
}

std::string BatchVariants::name_of(std::size_t row, std::string_view field) const {
  const double x = at(row, field);
  const std::vector<std::string>* names = field == "region" ? &regions : nullptr;
  for (const auto& [choice, values_names] : choices) {
    if (choice == field) names = &values_names;
  }
  if (names != nullptr && x >= 0 && x < static_cast<double>(names->size()) && x == std::floor(x)) {
    return (*names)[static_cast<std::size_t>(x)];
  }
  return fmt::format("{:g}", x);
}

BatchVariants read_batch_variants(const results::ResultReader& reader) {
  BatchVariants v;
  auto records = reader.records("/variants");
  v.fields = std::move(records.fields);
  v.values = std::move(records.values);
  v.units = std::move(records.units);
  v.descriptions = std::move(records.descriptions);
  for (const auto& [key, text] : reader.meta_strings()) {
    if (key == "currency") v.currency = text;
    if (key != "regions" && key != "choices") continue;
    const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
    const bool ok = key == "regions" ? doc.is_array() : doc.is_object();
    if (!ok) throw std::runtime_error(reader.path() + ": /meta " + key + " is not the JSON a batch writes: " + text);
    try {
      if (key == "regions") {
        v.regions = doc.get<std::vector<std::string>>();
      } else {
        for (const auto& item : doc.items())
          v.choices.emplace_back(item.key(), item.value().get<std::vector<std::string>>());
      }
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(reader.path() + ": /meta " + key + " is not the JSON a batch writes: " + text);
    }
  }
  return v;
}

std::string format_front(const BatchVariants& v, std::span<const std::int64_t> front,
                         std::optional<std::size_t> cheapest_net_zero, std::size_t limit) {
  const std::size_t shown = std::min(front.size(), limit);
  std::vector<std::size_t> printed;
  for (std::size_t j = 0; j < shown; ++j) printed.push_back(static_cast<std::size_t>(front[j]));
  if (cheapest_net_zero) printed.push_back(*cheapest_net_zero);
  // The zero rule's references: the largest cost and carbon printed.
  double cost_scale = 0, carbon_scale = 0;
  std::size_t region_width = 6;
  for (const auto i : printed) {
    cost_scale = std::max(cost_scale, std::fabs(v.at(i, "annual_cost")));
    carbon_scale = std::max(carbon_scale, std::fabs(v.at(i, "annual_operational_kg")));
    region_width = std::max(region_width, v.name_of(i, "region").size());
  }
  const auto row = [&](std::size_t i) {
    const double battery_kwh = v.at(i, "battery_kwh");
    return fmt::format(
        "{:>7}  {:<{}} {:>8.0f} {:>8.0f} {:>7.0f} {:>8.0f} {:>7.0f} {:<6} {:>5.2f}  {:<16} {:<8} {:>16} {:>10}\n", i,
        v.name_of(i, "region"), region_width, v.at(i, "solar_kw"), v.at(i, "wind_kw"), v.at(i, "ppa_kw"), battery_kwh,
        battery_kwh > 0 ? v.at(i, "battery_kw") : 0.0, v.at(i, "export") != 0 ? "yes" : "no",
        v.at(i, "intensity_scale"), v.name_of(i, "dispatch"), v.name_of(i, "credits"),
        format_money(v.at(i, "annual_cost"), v.currency, cost_scale),
        format_mass_kg(v.at(i, "annual_operational_kg"), carbon_scale));
  };
  std::string out = fmt::format("Pareto front (annual cost vs operational carbon), {} variant{}:\n", front.size(),
                                front.size() == 1 ? "" : "s");
  out += fmt::format("{:>7}  {:<{}} {:>8} {:>8} {:>7} {:>8} {:>7} {:<6} {:>5}  {:<16} {:<8} {:>16} {:>10}\n", "variant",
                     "region", region_width, "solar_kW", "wind_kW", "ppa_kW", "batt_kWh", "batt_kW", "export", "scale",
                     "dispatch", "credits", "cost/y", "CO2e/y");
  for (std::size_t j = 0; j < shown; ++j) out += row(printed[j]);
  if (front.size() > shown) out += fmt::format("  ... {} more in /pareto\n", front.size() - shown);
  if (cheapest_net_zero) {
    out += "\ncheapest net-zero variant:\n" + row(*cheapest_net_zero);
  } else {
    out += "\nno variant reaches net zero (operational carbon after credits)\n";
  }
  return out;
}

nlohmann::ordered_json variant_json(const BatchVariants& v, std::size_t row) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["variant"] = row;
  for (const auto& field : v.fields) {
    if (field == "index") continue;
    const bool named = field == "region" ||
                       std::any_of(v.choices.begin(), v.choices.end(), [&](const auto& c) { return c.first == field; });
    if (named) {
      out[field] = v.name_of(row, field);
    } else if (field == "export") {
      out[field] = v.at(row, field) != 0;
    } else {
      const double x = v.at(row, field);
      out[field] = std::isfinite(x) ? nlohmann::ordered_json(x)
                                    : nlohmann::ordered_json(fmt::format("{}", x));  // JSON has no inf
    }
  }
  return out;
}

}  // namespace wattsim::app
