#pragma once
// Signals in scenario-like files (scenarios, batch files): a constant, or {"csv": ...} read
// from a CSV, converted to its unit, checked against its range, aligned so that simulated
// time 0 is the start, and checked to cover the run unless it repeats. Documented in
// docs/scenarios.md ("Series").

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/catalog/json_reader.hpp"
#include "simcore/step_series.hpp"
#include "simcore/time.hpp"

namespace wattsim::app {

// The value of `key`, inserting `fallback` into the document when it is absent (so that a
// resolved document shows every default).
nlohmann::json& field(nlohmann::json& object, const std::string& key, const nlohmann::json& fallback);

class SeriesParser {
 public:
  // kTemperature (degrees C) also reads weather files: {"open_meteo": FILE} (Open-Meteo JSON,
  // temperature_2m) or {"epw": FILE, "year": Y} (EnergyPlus weather, dry bulb), besides CSV.
  enum class Unit { kIntensity, kPower, kFraction, kPrice, kPricePerTonne, kTemperature };
  struct Parsed {
    simcore::StepSeries series;  // in simulated time
    bool periodic = false;
  };
  // `resolve` turns a file name at a JSON path into a path to open. `start`: the absolute
  // UTC time of simulated time 0; when unknown, the first CSV read sets it and writes it, as
  // text, to *start_text. `horizon`: the run's length, if known (else series must repeat).
  // `currency`, shared by the parsers of one file: the currency that price series name in
  // their unit ("USD/MWh", a column "Price (EUR/MWh)"): the first sets it, a different one is
  // an input error (one file, one currency); "" while none named one. nullptr: not recorded.
  SeriesParser(catalog::JsonReader& reader, std::function<std::string(const std::string&, const std::string&)> resolve,
               std::optional<simcore::SimTime>& start, std::string* start_text, std::optional<simcore::SimTime> horizon,
               std::string* currency = nullptr)
      : reader_(reader),
        resolve_(std::move(resolve)),
        start_(start),
        start_text_(start_text),
        horizon_(horizon),
        currency_(currency) {}

  // Reports problems to the reader's sink and returns nothing for them.
  std::optional<Parsed> parse(nlohmann::json& v, const std::string& path, Unit unit, const std::string& name, double min,
                              double max);

 private:
  // A series read in absolute UTC time, moved to simulated time and checked to cover the run.
  std::optional<Parsed> align(simcore::StepSeries series, bool repeat, const std::string& p, const std::string& file_key,
                              const std::string& file);
  std::optional<Parsed> parse_weather(nlohmann::json& v, const std::string& p, double min, double max);
  catalog::JsonReader& reader_;
  std::function<std::string(const std::string&, const std::string&)> resolve_;
  std::optional<simcore::SimTime>& start_;
  std::string* start_text_;
  std::optional<simcore::SimTime> horizon_;
  std::string* currency_;
};

// The currency a price unit names: "USD/MWh" and "EUR / kWh" give "USD" and "EUR"; "per MWh",
// "/MWh" and "" give "".
std::string currency_of_price_unit(const std::string& unit);

}  // namespace wattsim::app
