#pragma once
// The Pareto front of a batch, as `wattsim batch` prints it after the evaluation and
// `wattsim inspect` prints it from the result set: one implementation for both, reading only
// what /variants, /pareto and /meta hold (docs/batch.md, "Printed summary").

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "results/result_reader.hpp"

namespace wattsim::app {

// The variants of a batch: /variants's fields and row-major values, and the names its index
// fields stand for.
struct BatchVariants {
  std::vector<std::string> fields;
  std::vector<double> values;                    // fields.size() per variant
  std::vector<std::string> units, descriptions;  // one per field ("" where unknown)
  std::vector<std::string> regions;              // /meta regions: the names of `region`
  // /meta choices, in order: a choice field ("dispatch", "credits", "credit_period") and the
  // names of its values.
  std::vector<std::pair<std::string, std::vector<std::string>>> choices;
  std::string currency;  // /meta currency; "" when unknown

  std::size_t rows() const noexcept { return fields.empty() ? 0 : values.size() / fields.size(); }
  // Throws std::out_of_range for a field /variants does not have.
  double at(std::size_t row, std::string_view field) const;
  // The name of an index field's value in a row: the region's, or a choice's ("peak-shaving");
  // the number itself when no name is known.
  std::string name_of(std::size_t row, std::string_view field) const;
};

// /variants and the names in /meta of a batch result set (ResultReader::is_batch). Throws
// std::runtime_error naming the file when /meta's regions or choices are not the JSON written.
BatchVariants read_batch_variants(const results::ResultReader& reader);

// The printed front: a title, the table of its first `limit` variants ("... N more in /pareto"
// after them) and the cheapest net-zero variant, or a line saying that none reaches net zero.
// Costs are in the currency, carbon in kg, t or kt of CO2e per year.
std::string format_front(const BatchVariants& variants, std::span<const std::int64_t> front,
                         std::optional<std::size_t> cheapest_net_zero, std::size_t limit = 25);

// One variant by name: {"variant": i, "region": "CAISO", "dispatch": "self-consumption",
// "credits": "none", "credit_period": ..., "export": true, and every other field of /variants}.
nlohmann::ordered_json variant_json(const BatchVariants& variants, std::size_t row);

}  // namespace wattsim::app
