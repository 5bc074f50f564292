#pragma once
// Batch files for the CLI tests: a JSON document written to a test folder, and the CAISO
// region of scenarios/solar-battery.json named as a batch file names it.

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/app/cli_helpers.hpp"

namespace wattsim::test {

inline std::string write_json(const TempDir& dir, const std::string& name, const nlohmann::ordered_json& doc) {
  const std::string path = dir.file(name);
  std::ofstream(path) << doc.dump(2);
  return path;
}

// CAISO's 2023 life-cycle intensity and prices (the price column's name gives "USD/MWh"), and
// San Francisco's solar.
inline nlohmann::ordered_json caiso_region() {
  const std::string data = source_path("scenarios/data/");
  return {{"intensity",
           {{"csv", data + "carbon/US-CAL-CISO_2023_hourly.csv"},
            {"time_column", "Datetime (UTC)"},
            {"value_column", "Carbon Intensity gCO₂eq/kWh (LCA)"},
            {"unit", "g/kWh"}}},
          {"price",
           {{"csv", data + "prices/US-CAL-CISO_electricity_prices_2023.csv"},
            {"time_column", "Datetime (UTC)"},
            {"value_column", "Price (USD/MWh)"}}},
          {"solar",
           {{"cf",
             {{"csv", data + "renewables/solcast2022_global_actual.csv"},
              {"time_column", "datetime"},
              {"value_column", "San Francisco"},
              {"time_marks", "end"},
              {"repeat", true}}}}}};
}

}  // namespace wattsim::test
