#pragma once
// The catalog written out as JSON for scripts (`wattsim catalog --json`): every figure in SI
// units with its unit in its name, as a result set's "hardware" meta data names them
// (docs/results.md), so one reader serves both.
//
//   accelerator: {"vendor", "tdp_w", "idle_w" (no work placed), "nominal_max_freq_hz",
//                 "memory_gb", "memory_bandwidth_tb_s" (0: not given), "peak_tflops": {precision: x},
//                 "pstates": [{"freq_hz", "idle_w" (work placed at utilisation 0), "max_w"}],
//                 "embodied_kg", "lifetime_years" (0: not given), "source"}
//   node:        {"accelerator" (null: host only), "accelerators", "base_idle_w", "base_busy_w",
//                 "off_w", "boot_time_s", "boot_energy_j", "psu" (null: none), "psu_rated_w"
//                 (null: unrated), "embodied_kg", "lifetime_years", "source"}
//   curve:       {"kind", "points": [[load_fraction, efficiency], ...], "source"}
//   catalog:     {"format": "wattsim-catalog-json/1", "idle": {...what each idle figure means},
//                 "accelerators": {name: accelerator}, "nodes": {name: node}, "curves": {name: curve}}

#include <nlohmann/json.hpp>

#include "models/catalog/catalog.hpp"

namespace wattsim::catalog {

nlohmann::json accelerator_to_json(const power::AcceleratorSpec& spec);
nlohmann::json node_to_json(const power::NodeSpec& spec);
nlohmann::json curve_to_json(const CurveEntry& entry);
nlohmann::json catalog_to_json(const Catalog& catalog);

// What the two idle figures mean, in words (also in the catalog document's "idle" member).
extern const char* const kIdleMeaning;        // AcceleratorSpec::idle_w
extern const char* const kPStateIdleMeaning;  // PState::idle_w

}  // namespace wattsim::catalog
