#include "models/catalog/catalog.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "simcore/time.hpp"

using namespace wattsim;
using catalog::builtin_catalog;
using catalog::load_catalog;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;
using simcore::Diagnostic;
using simcore::InputError;
using simcore::SimTime;

namespace {

// A small, complete and valid catalog; each error test breaks one thing in a copy of it.
// Full load of "box": base_busy 1000 W + 4 x 400 W = 2600 W <= psu_rated 3000 W.
json small_catalog() {
  return json::parse(R"({
    "format": "wattsim-catalog/1",
    "curves": {
      "psu-a": {"kind": "psu", "points": [[0.2, 0.9], [0.5, 0.94], [1.0, 0.92]], "source": "test"},
      "ups-a": {"kind": "ups", "points": [[0.1, 0.9], [1.0, 0.95]], "source": "test"}
    },
    "accelerators": {
      "X1": {
        "vendor": "Acme", "tdp": "400 W", "idle": "40 W", "memory_gb": 64,
        "peak_tflops": {"bf16": 500},
        "pstates": [
          {"freq": "1 GHz", "idle": "50 W", "max": "200 W"},
          {"freq": "1500 MHz", "idle": "60 W", "max": "300 W"},
          {"freq": "2 GHz", "idle": "70 W", "max": "400 W"}
        ],
        "embodied": "150 kg", "lifetime": "5 y",
        "source": "test"
      }
    },
    "nodes": {
      "box": {
        "accelerator": "X1", "accelerators": 4, "base_idle": "500 W", "base_busy": "1 kW", "off": "20 W",
        "boot_time": "2 min", "boot_energy": "20 Wh", "psu": "psu-a", "psu_rated": "3 kW",
        "embodied": "1.2 t", "lifetime": "4 y", "source": "test"
      }
    }
  })");
}

// The diagnostics of the InputError that loading throws; empty when loading succeeds.
std::vector<Diagnostic> load_errors(const json& base, const json* overrides = nullptr) {
  try {
    (void)load_catalog(base, "catalog", overrides, "hardware");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

std::vector<Diagnostic> builtin_errors(const json& overrides) {
  try {
    (void)builtin_catalog(&overrides, "hardware");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

const Diagnostic* find_where(const std::vector<Diagnostic>& diagnostics, const std::string& where) {
  for (const auto& d : diagnostics) {
    if (d.where == where) return &d;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The built-in catalog

TEST_CASE("the built-in catalog holds every required entry", "[catalog]") {
  const auto cat = builtin_catalog();
  for (const char* name :
       {"P100-SXM2", "V100-SXM2", "V100-PCIe", "A100-SXM4-40GB", "A100-SXM4-80GB", "A40", "H100-SXM", "H200-SXM",
        "B200", "L4", "T4", "MI250X", "MI300X", "TPU-v2", "TPU-v3", "TPU-v4", "TPU-v5e"}) {
    INFO(name);
    CHECK(cat.accelerators().count(name) == 1);
  }
  for (const char* name : {"DGX-1-P100", "DGX-A100", "DGX-H100", "HGX-H200", "DGX-B200", "TPU-v2-host", "TPU-v3-host",
                           "TPU-v4-host", "CPU-server"}) {
    INFO(name);
    CHECK(cat.nodes().count(name) == 1);
  }
  for (const char* name : {"80plus-titanium-230v-redundant", "80plus-platinum-230v-redundant",
                           "80plus-gold-230v-redundant", "ups-double-conversion", "ups-eco-mode", "pdu-transformer"}) {
    INFO(name);
    CHECK(cat.curves().count(name) == 1);
  }
}

TEST_CASE("every built-in entry is well formed and names its source", "[catalog]") {
  const auto cat = builtin_catalog();
  REQUIRE(cat.accelerators().size() >= 15);
  for (const auto& [name, a] : cat.accelerators()) {
    INFO(name);
    CHECK(a.name == name);
    REQUIRE_FALSE(a.pstates.empty());
    CHECK(a.pstates.size() <= 6);
    if (a.pstates.size() > 1) {
      // Modelled DVFS states: the top state's max is the TDP by construction (the data README).
      CHECK(a.pstates.back().max_w == a.tdp_w);
    } else {
      // A part without published p-states (TPU v2, v3): one state at the measured maximum,
      // which may lie well under the rated TDP (TPUs have no turbo).
      CHECK(a.pstates.back().max_w <= a.tdp_w);
      CHECK(a.vendor == "Google");
    }
    for (const auto& s : a.pstates) CHECK(s.max_w <= a.tdp_w);
    // Every shipped entry's nominal maximum is its highest p-state (none is cut down).
    CHECK(a.nominal_freq_hz == a.pstates.back().freq_hz);
    CHECK(a.speed_reference_hz() == a.pstates.back().freq_hz);
    CHECK(a.idle_w <= a.pstates.front().idle_w);
    CHECK_FALSE(a.source.empty());
    CHECK_FALSE(a.vendor.empty());
    CHECK(a.memory_gb > 0.0);
    CHECK_FALSE(a.peak_tflops.empty());
    for (std::size_t i = 1; i < a.pstates.size(); ++i) CHECK(a.pstates[i].freq_hz > a.pstates[i - 1].freq_hz);
  }
  REQUIRE(cat.nodes().size() >= 9);
  for (const auto& [name, n] : cat.nodes()) {
    INFO(name);
    CHECK(n.name == name);
    CHECK_FALSE(n.source.empty());
    CHECK(cat.curve(n.psu_curve).kind == "psu");
    CHECK(n.psu.points().size() == cat.curve(n.psu_curve).curve.points().size());
    if (n.accelerator_count > 0) {
      // The loader guarantees the PSUs carry the full load.
      CHECK(n.base_busy_w + static_cast<double>(n.accelerator_count) * cat.accelerator(n.accelerator).tdp_w <=
            n.psu_rated_w);
    } else {
      CHECK(n.accelerator.empty());
    }
  }
  REQUIRE(cat.curves().size() >= 6);
  for (const auto& [name, c] : cat.curves()) {
    INFO(name);
    CHECK(c.name == name);
    CHECK_FALSE(c.source.empty());
    CHECK(c.curve.points().size() >= 2);
  }
}

TEST_CASE("built-in accelerator values are parsed with their units", "[catalog]") {
  const auto cat = builtin_catalog();
  const auto& h100 = cat.accelerator("H100-SXM");
  CHECK(h100.name == "H100-SXM");
  CHECK(h100.vendor == "NVIDIA");
  CHECK(h100.tdp_w == 700.0);
  CHECK(h100.idle_w == 70.0);
  CHECK(h100.memory_gb == 80.0);
  CHECK(h100.memory_bandwidth_tb_s == 3.35);
  CHECK(h100.peak_tflops.at("bf16") == 989.4);
  CHECK(h100.peak_tflops.at("fp8") == 1978.9);
  CHECK(h100.peak_tflops.count("fp4") == 0);
  REQUIRE(h100.pstates.size() == 5);
  CHECK(h100.top_pstate() == 4);
  CHECK(h100.pstates[4].freq_hz == 1.98e9);  // "1980 MHz"
  CHECK(h100.nominal_freq_hz == 1.98e9);     // not given: the highest p-state's
  CHECK(h100.pstates[4].idle_w == 120.0);
  CHECK(h100.pstates[4].max_w == 700.0);
  CHECK(h100.pstates[2].freq_hz == 1.53e9);  // "1530 MHz"
  CHECK(h100.pstates[2].idle_w == 109.0);
  CHECK(h100.pstates[2].max_w == 442.0);
  CHECK(h100.pstates[0].freq_hz == 9.9e8);  // "990 MHz"
  CHECK(h100.pstates[0].max_w == 246.0);
  CHECK_THAT(h100.source, Contains("700 W"));

  const auto& tpu = cat.accelerator("TPU-v4");
  CHECK(tpu.vendor == "Google");
  CHECK(tpu.tdp_w == 192.0);
  CHECK(tpu.idle_w == 90.0);
  REQUIRE(tpu.pstates.size() == 3);
  CHECK(tpu.pstates[2].freq_hz == 1.05e9);
  CHECK(tpu.pstates[0].max_w == 129.0);

  const auto& b200 = cat.accelerator("B200");
  CHECK(b200.tdp_w == 1000.0);
  CHECK(b200.nominal_freq_hz == 1.965e9);
}

TEST_CASE("built-in node values are parsed with their units", "[catalog]") {
  const auto cat = builtin_catalog();
  const auto& dgx = cat.node("DGX-H100");
  CHECK(dgx.name == "DGX-H100");
  CHECK(dgx.accelerator == "H100-SXM");
  CHECK(dgx.accelerator_count == 8);
  CHECK(dgx.base_idle_w == 1000.0);
  CHECK(dgx.base_busy_w == 3000.0);
  CHECK(dgx.off_w == 50.0);
  CHECK(dgx.boot_time == SimTime::minutes(6));
  CHECK(dgx.boot_time.us() == 360'000'000);
  CHECK(dgx.boot_energy_j == 540000.0);  // 150 Wh x 3600 J/Wh
  CHECK(dgx.psu_rated_w == 13200.0);  // "13.2 kW"
  CHECK(dgx.psu_curve == "80plus-titanium-230v-redundant");
  REQUIRE(dgx.psu.points().size() == 4);
  CHECK(dgx.psu.points()[1].load_fraction == 0.2);
  CHECK(dgx.psu.points()[1].efficiency == 0.94);
  // node.hpp worked example: P_dc 5080 W, load 5080/13200 = 0.3848, eta = 0.94 + (0.3848 - 0.2)/0.3 x 0.02
  // = 0.95232, P_wall = 5334.3 W.
  CHECK(power::node_wall_power_w(dgx, 5080.0) == Approx(5334.3).margin(0.05));

  const auto& a100 = cat.node("DGX-A100");
  CHECK(a100.accelerator == "A100-SXM4-40GB");
  CHECK(a100.boot_time == SimTime::minutes(5));
  CHECK(a100.boot_energy_j == 360000.0);  // 100 Wh
  CHECK(a100.psu_rated_w == 9000.0);      // "9 kW"
  CHECK(a100.psu_curve == "80plus-platinum-230v-redundant");

  const auto& tpu_host = cat.node("TPU-v4-host");
  CHECK(tpu_host.accelerator == "TPU-v4");
  CHECK(tpu_host.accelerator_count == 4);
  CHECK(tpu_host.psu_rated_w == 2000.0);

  const auto& cpu = cat.node("CPU-server");
  CHECK(cpu.accelerator.empty());
  CHECK(cpu.accelerator_count == 0);
  CHECK(cpu.base_idle_w == 150.0);
  CHECK(cpu.base_busy_w == 500.0);
  CHECK(cpu.off_w == 10.0);
  CHECK(cpu.boot_time == SimTime::minutes(3));
  CHECK(cpu.boot_energy_j == 36000.0);  // 10 Wh
  CHECK(cpu.psu_rated_w == 800.0);
}

TEST_CASE("every built-in accelerator and node gives its embodied carbon and lifetime", "[catalog][embodied]") {
  const auto cat = builtin_catalog();
  for (const auto& [name, a] : cat.accelerators()) {
    INFO(name);
    CHECK(a.embodied_kg > 0.0);
    CHECK(a.embodied_kg < 1000.0);  // one card or module, not a server
    CHECK(a.lifetime_years > 0.0);
    CHECK_THAT(a.source, Contains("Embodied") && Contains("Lifetime"));
  }
  for (const auto& [name, n] : cat.nodes()) {
    INFO(name);
    CHECK(n.embodied_kg > 0.0);
    CHECK(n.lifetime_years > 0.0);
    CHECK_THAT(n.source, Contains("Embodied") && Contains("Lifetime"));
  }
}

TEST_CASE("built-in embodied carbon values are parsed with their units", "[catalog][embodied]") {
  const auto cat = builtin_catalog();
  const auto& a100 = cat.accelerator("A100-SXM4-40GB");
  CHECK(a100.embodied_kg == 150.0);  // "150 kg": Luccioni et al. (BLOOM)
  CHECK(a100.lifetime_years == 5.0);  // "5 y"
  CHECK_THAT(a100.source, Contains("Luccioni"));
  CHECK(cat.accelerator("H100-SXM").embodied_kg == 258.0);
  CHECK(cat.accelerator("B200").embodied_kg == 403.0);
  const auto& dgx = cat.node("DGX-A100");
  CHECK(dgx.embodied_kg == 2500.0);  // the host without its GPUs
  CHECK(dgx.lifetime_years == 5.0);
  CHECK(cat.node("CPU-server").embodied_kg == 1300.0);
  // Newer parts embody more per card; the hosts more than any card.
  CHECK(cat.accelerator("A100-SXM4-80GB").embodied_kg > a100.embodied_kg);
  CHECK(cat.accelerator("B200").embodied_kg > cat.accelerator("H100-SXM").embodied_kg);
  for (const auto& [name, n] : cat.nodes()) {
    INFO(name);
    if (n.accelerator_count > 0) CHECK(n.embodied_kg > cat.accelerator(n.accelerator).embodied_kg);
  }
}

TEST_CASE("built-in curves are parsed point by point", "[catalog]") {
  const auto cat = builtin_catalog();
  const auto& ti = cat.curve("80plus-titanium-230v-redundant");
  CHECK(ti.name == "80plus-titanium-230v-redundant");
  CHECK(ti.kind == "psu");
  const auto& p = ti.curve.points();
  REQUIRE(p.size() == 4);
  CHECK(p[0].load_fraction == 0.1);
  CHECK(p[0].efficiency == 0.9);
  CHECK(p[1].load_fraction == 0.2);
  CHECK(p[1].efficiency == 0.94);
  CHECK(p[2].load_fraction == 0.5);
  CHECK(p[2].efficiency == 0.96);
  CHECK(p[3].load_fraction == 1.0);
  CHECK(p[3].efficiency == 0.91);
  // efficiency_curve.hpp worked example: 0.94 + (0.35 - 0.2)/(0.5 - 0.2) x (0.96 - 0.94) = 0.95.
  CHECK(ti.curve.efficiency(0.35) == Approx(0.95).epsilon(1e-12));

  const auto& ups = cat.curve("ups-double-conversion");
  CHECK(ups.kind == "ups");
  REQUIRE(ups.curve.points().size() == 6);
  CHECK(ups.curve.points()[0].efficiency == 0.85);
  CHECK(ups.curve.points()[4].load_fraction == 0.75);
  CHECK(cat.curve("pdu-transformer").kind == "pdu");
  CHECK(cat.curve("ups-eco-mode").curve.points().back().efficiency == 0.99);
}

TEST_CASE("lookups of unknown names suggest the nearest ones", "[catalog]") {
  const auto cat = builtin_catalog();
  try {
    (void)cat.accelerator("H100-SMX");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK_THAT(e.diagnostics()[0].message, StartsWith("unknown accelerator \"H100-SMX\""));
    CHECK_THAT(e.diagnostics()[0].message, Contains("did you mean \"H100-SXM\""));
    CHECK_THAT(std::string(e.what()), Contains("did you mean \"H100-SXM\""));
  }
  try {
    (void)cat.node("DGX-H10");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK_THAT(e.diagnostics()[0].message, Contains("unknown node \"DGX-H10\""));
    CHECK_THAT(e.diagnostics()[0].message, Contains("did you mean \"DGX-H100\""));
  }
  try {
    (void)cat.curve("80plus-titanum-230v-redundant");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK_THAT(e.diagnostics()[0].message, Contains("unknown curve"));
    CHECK_THAT(e.diagnostics()[0].message, Contains("did you mean \"80plus-titanium-230v-redundant\""));
  }
}

// ---------------------------------------------------------------------------------------------
// A small inline catalog: the baseline, then one error at a time

TEST_CASE("a small inline catalog loads", "[catalog]") {
  const json base = small_catalog();
  const auto cat = load_catalog(base, "catalog");
  const auto& x = cat.accelerator("X1");
  CHECK(x.vendor == "Acme");
  CHECK(x.tdp_w == 400.0);
  CHECK(x.idle_w == 40.0);
  CHECK(x.memory_gb == 64.0);
  CHECK(x.memory_bandwidth_tb_s == 0.0);  // optional, not given
  CHECK(x.peak_tflops.at("bf16") == 500.0);
  REQUIRE(x.pstates.size() == 3);
  CHECK(x.pstates[0].freq_hz == 1e9);
  CHECK(x.pstates[1].freq_hz == 1.5e9);
  CHECK(x.pstates[1].idle_w == 60.0);
  CHECK(x.pstates[2].max_w == 400.0);
  const auto& box = cat.node("box");
  CHECK(box.accelerator == "X1");
  CHECK(box.accelerator_count == 4);
  CHECK(box.base_busy_w == 1000.0);
  CHECK(box.boot_time == SimTime::minutes(2));
  CHECK(box.boot_energy_j == 72000.0);  // 20 Wh
  CHECK(box.psu_rated_w == 3000.0);
  CHECK(box.psu.points().size() == 3);
  CHECK(cat.curve("ups-a").kind == "ups");
}

TEST_CASE("quantities given as plain numbers are in internal units", "[catalog]") {
  json base = small_catalog();
  base["accelerators"]["X1"]["tdp"] = 400;
  base["nodes"]["box"]["boot_time"] = 90;       // s
  base["nodes"]["box"]["boot_energy"] = 18000;  // J
  const auto cat = load_catalog(base, "catalog");
  CHECK(cat.accelerator("X1").tdp_w == 400.0);
  CHECK(cat.node("box").boot_time == SimTime::seconds(90));
  CHECK(cat.node("box").boot_energy_j == 18000.0);
}

TEST_CASE("embodied carbon and lifetime are parsed with their units", "[catalog][embodied]") {
  json base = small_catalog();
  SECTION("units") {
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").embodied_kg == 150.0);  // "150 kg"
    CHECK(cat.accelerator("X1").lifetime_years == 5.0);  // "5 y"
    CHECK(cat.node("box").embodied_kg == 1200.0);        // "1.2 t"
    CHECK(cat.node("box").lifetime_years == 4.0);        // "4 y"
  }
  SECTION("grams, days and weeks") {
    base["accelerators"]["X1"]["embodied"] = "90000 g";
    base["accelerators"]["X1"]["lifetime"] = "730 d";
    base["nodes"]["box"]["lifetime"] = "52 w";
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").embodied_kg == Approx(90.0));
    CHECK(cat.accelerator("X1").lifetime_years == Approx(2.0));
    CHECK(cat.node("box").lifetime_years == Approx(364.0 / 365.0));
  }
  SECTION("plain numbers are kg and seconds") {
    base["accelerators"]["X1"]["embodied"] = 150;
    base["accelerators"]["X1"]["lifetime"] = 3 * 31536000;  // s
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").embodied_kg == 150.0);
    CHECK(cat.accelerator("X1").lifetime_years == Approx(3.0));
  }
  SECTION("zero embodied carbon is allowed") {
    base["nodes"]["box"]["embodied"] = "0 kg";
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.node("box").embodied_kg == 0.0);
    CHECK(cat.node("box").lifetime_years == 4.0);
  }
}

TEST_CASE("invalid embodied carbon and lifetimes are reported with their paths", "[catalog][errors][embodied]") {
  json base = small_catalog();
  auto& x = base["accelerators"]["X1"];
  auto& box = base["nodes"]["box"];
  SECTION("a negative mass") {
    x["embodied"] = "-150 kg";
    base.erase("nodes");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.embodied");
    CHECK_THAT(d[0].message, Contains("negative values are not allowed"));
  }
  SECTION("a negative plain number") {
    box["embodied"] = -5;
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.embodied");
    CHECK_THAT(d[0].message, Contains("negative values are not allowed"));
  }
  SECTION("a mass in the wrong unit") {
    x["embodied"] = "150 kWh";
    base.erase("nodes");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.embodied");
    CHECK_THAT(d[0].message, Contains("\"150 kWh\""));
    CHECK_THAT(d[0].message, Contains("mass"));
    CHECK_THAT(d[0].message, Contains("unknown unit \"kWh\""));
    CHECK_THAT(d[0].message, Contains("g, kg, t"));
  }
  SECTION("a lifetime in the wrong unit") {
    box["lifetime"] = "5 kg";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.lifetime");
    CHECK_THAT(d[0].message, Contains("time"));
  }
  SECTION("embodied without lifetime names the entry") {
    box.erase("lifetime");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.lifetime");
    CHECK_THAT(d[0].message, Contains("node \"box\" gives \"embodied\" but no \"lifetime\""));
  }
  SECTION("a base entry must give both") {
    x.erase("embodied");
    x.erase("lifetime");
    base.erase("nodes");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 2);
    REQUIRE(find_where(d, "catalog.accelerators.X1.embodied") != nullptr);
    CHECK(find_where(d, "catalog.accelerators.X1.embodied")->message == "missing; this field is required");
    REQUIRE(find_where(d, "catalog.accelerators.X1.lifetime") != nullptr);
    CHECK(find_where(d, "catalog.accelerators.X1.lifetime")->message == "missing; this field is required");
  }
  SECTION("a lifetime of 0") {
    x["lifetime"] = "0 y";
    base.erase("nodes");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.lifetime");
    CHECK(d[0].message == "must be positive");
  }
  SECTION("a negative lifetime") {
    box["lifetime"] = "-4 y";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.lifetime");
    CHECK_THAT(d[0].message, Contains("negative values are not allowed"));
  }
  SECTION("a plain-number lifetime meant as years") {
    box["lifetime"] = 5;  // 5 seconds
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.lifetime");
    CHECK_THAT(d[0].message, Contains("under a day") && Contains("\"5 y\""));
  }
}

TEST_CASE("a missing required field is reported with its path", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");  // nothing depends on X1, so its error is the only one
  SECTION("tdp") {
    base["accelerators"]["X1"].erase("tdp");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.tdp");
    CHECK_THAT(d[0].message, Contains("required"));
    CHECK(d[0].message == "missing; this field is required");
  }
  SECTION("a base entry must name its source") {
    base["accelerators"]["X1"].erase("source");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.source");
    CHECK_THAT(d[0].message, Contains("required"));
  }
  SECTION("a p-state field") {
    base["accelerators"]["X1"]["pstates"][1].erase("max");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[1].max");
    CHECK_THAT(d[0].message, Contains("required"));
  }
}

TEST_CASE("InputError::what lists every diagnostic with its path", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  base["accelerators"]["X1"].erase("tdp");
  try {
    (void)load_catalog(base, "catalog");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "catalog.accelerators.X1.tdp: missing; this field is required");
  }
}

TEST_CASE("a quantity in the wrong unit names the accepted units", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  base["accelerators"]["X1"]["tdp"] = "700 kWh";
  const auto d = load_errors(base);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "catalog.accelerators.X1.tdp");
  CHECK_THAT(d[0].message, Contains("\"700 kWh\""));
  CHECK_THAT(d[0].message, Contains("power"));
  CHECK_THAT(d[0].message, Contains("unknown unit \"kWh\""));
  CHECK_THAT(d[0].message, Contains("W, kW, MW, GW"));
}

TEST_CASE("a quantity of the wrong JSON type is reported", "[catalog][errors]") {
  json base = small_catalog();
  base["nodes"]["box"]["boot_time"] = true;
  const auto d = load_errors(base);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "catalog.nodes.box.boot_time");
  CHECK_THAT(d[0].message, Contains("expected a time"));
  CHECK_THAT(d[0].message, Contains("found a boolean"));
}

TEST_CASE("p-states must ascend in frequency with non-decreasing power", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  auto& pstates = base["accelerators"]["X1"]["pstates"];
  SECTION("frequency not ascending") {
    pstates[1]["freq"] = "900 MHz";  // below pstates[0]'s 1 GHz
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[1].freq");
    CHECK_THAT(d[0].message, Contains("is not above the previous p-state's"));
    CHECK_THAT(d[0].message, Contains("ascending frequency"));
  }
  SECTION("equal frequencies") {
    pstates[2]["freq"] = "1.5 GHz";  // same as pstates[1]
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[2].freq");
  }
  SECTION("max decreasing") {
    pstates[1]["max"] = "150 W";  // below pstates[0]'s 200 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[1].max");
    CHECK_THAT(d[0].message, Contains("is below the previous p-state's"));
    CHECK_THAT(d[0].message, Contains("max power non-decreasing"));
  }
  SECTION("idle decreasing") {
    pstates[2]["idle"] = "55 W";  // below pstates[1]'s 60 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[2].idle");
    CHECK_THAT(d[0].message, Contains("idle power non-decreasing"));
  }
  SECTION("a p-state's idle above its max") {
    pstates[0]["idle"] = "210 W";  // max is 200 W (also above pstates[1]'s idle 60 W)
    const auto d = load_errors(base);
    REQUIRE(d.size() == 2);
    REQUIRE(find_where(d, "catalog.accelerators.X1.pstates[0].idle") != nullptr);
    CHECK_THAT(find_where(d, "catalog.accelerators.X1.pstates[0].idle")->message, Contains("above this p-state's max"));
    REQUIRE(find_where(d, "catalog.accelerators.X1.pstates[1].idle") != nullptr);
  }
  SECTION("no p-states") {
    pstates = json::array();
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates");
    CHECK_THAT(d[0].message, Contains("expected an array of 1 to 16 p-states, found 0 p-states"));
  }
}

TEST_CASE("the top p-state may not exceed the TDP and idle may not exceed the lowest p-state's", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  SECTION("top max above TDP") {
    base["accelerators"]["X1"]["tdp"] = "350 W";  // top p-state max is 400 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[2].max");
    CHECK_THAT(d[0].message, Contains("is above the TDP"));
  }
  SECTION("top max below TDP is allowed") {
    base["accelerators"]["X1"]["tdp"] = "450 W";
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").tdp_w == 450.0);
  }
  SECTION("idle above the lowest p-state's idle") {
    base["accelerators"]["X1"]["idle"] = "55 W";  // lowest p-state idle is 50 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.idle");
    CHECK_THAT(d[0].message, Contains("is above the lowest p-state's idle"));
  }
  SECTION("idle above TDP") {
    base["accelerators"]["X1"]["idle"] = "500 W";  // also above the lowest p-state's idle 50 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 2);
    CHECK(d[0].where == "catalog.accelerators.X1.idle");
    CHECK(d[0].message == "is above the TDP");
    CHECK(d[1].where == "catalog.accelerators.X1.idle");
    CHECK_THAT(d[1].message, Contains("lowest p-state's idle"));
  }
}

TEST_CASE("a node naming an unknown accelerator gets a suggestion", "[catalog][errors]") {
  json base = small_catalog();
  base["accelerators"]["H100-SXM"] = base["accelerators"]["X1"];
  base["nodes"]["box"]["accelerator"] = "H100-SMX";
  const auto d = load_errors(base);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "catalog.nodes.box.accelerator");
  CHECK_THAT(d[0].message, StartsWith("unknown accelerator \"H100-SMX\""));
  CHECK_THAT(d[0].message, Contains("did you mean \"H100-SXM\"?"));
}

TEST_CASE("an unknown key gets a suggestion and the valid keys", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  auto& x = base["accelerators"]["X1"];
  x["tdpp"] = x["tdp"];
  x.erase("tdp");
  const auto d = load_errors(base);
  REQUIRE(d.size() == 2);
  const auto* unknown = find_where(d, "catalog.accelerators.X1.tdpp");
  REQUIRE(unknown != nullptr);
  CHECK_THAT(unknown->message, StartsWith("unknown key"));
  CHECK_THAT(unknown->message, Contains("did you mean \"tdp\"?"));
  CHECK_THAT(unknown->message, Contains("valid keys: vendor, tdp, idle"));
  const auto* missing = find_where(d, "catalog.accelerators.X1.tdp");
  REQUIRE(missing != nullptr);
  CHECK_THAT(missing->message, Contains("required"));
}

TEST_CASE("an unknown precision and a bad top-level format are reported", "[catalog][errors]") {
  json base = small_catalog();
  base.erase("nodes");
  SECTION("precision") {
    base["accelerators"]["X1"]["peak_tflops"]["bf61"] = 100;
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.peak_tflops.bf61");
    CHECK_THAT(d[0].message, Contains("unknown precision"));
    CHECK_THAT(d[0].message, Contains("did you mean \"bf16\""));
  }
  SECTION("format") {
    base["format"] = "wattsim-catalog/2";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.format");
    CHECK_THAT(d[0].message, Contains("expected \"wattsim-catalog/1\""));
  }
}

TEST_CASE("a node's psu must be a psu curve rated for the full load", "[catalog][errors]") {
  json base = small_catalog();
  SECTION("a ups curve as psu") {
    base["nodes"]["box"]["psu"] = "ups-a";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.psu");
    CHECK(d[0].message == "curve \"ups-a\" is a ups curve; expected a psu curve");
  }
  SECTION("an unknown curve") {
    base["nodes"]["box"]["psu"] = "psu-b";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.psu");
    CHECK_THAT(d[0].message, Contains("unknown curve \"psu-b\""));
    CHECK_THAT(d[0].message, Contains("did you mean \"psu-a\""));
  }
  SECTION("full load above psu_rated") {
    base["nodes"]["box"]["psu_rated"] = "2.5 kW";  // full load 1000 + 4 x 400 = 2600 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.psu_rated");
    CHECK_THAT(d[0].message, Contains("2500"));
    CHECK_THAT(d[0].message, Contains("draws up to 2600"));
    CHECK_THAT(d[0].message, Contains("expected PSUs rated for the full load"));
  }
  SECTION("exactly the full load is accepted") {
    base["nodes"]["box"]["psu_rated"] = "2600 W";
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.node("box").psu_rated_w == 2600.0);
  }
}

TEST_CASE("other node checks", "[catalog][errors]") {
  json base = small_catalog();
  SECTION("base_idle above base_busy") {
    base["nodes"]["box"]["base_idle"] = "1.5 kW";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.base_idle");
    CHECK_THAT(d[0].message, Contains("is above base_busy"));
  }
  SECTION("boot energy without boot time") {
    base["nodes"]["box"]["boot_time"] = "0 s";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.boot_energy");
    CHECK_THAT(d[0].message, Contains("boot_time is 0"));
  }
  SECTION("an accelerator with a count of 0") {
    base["nodes"]["box"]["accelerators"] = 0;
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.accelerator");
    CHECK_THAT(d[0].message, Contains("\"accelerators\" is 0"));
  }
  SECTION("a host-only node needs no accelerator") {
    base["nodes"]["box"]["accelerators"] = 0;
    base["nodes"]["box"].erase("accelerator");
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.node("box").accelerator_count == 0);
    CHECK(cat.node("box").accelerator.empty());
  }
  SECTION("a fractional accelerator count") {
    base["nodes"]["box"]["accelerators"] = 2.5;
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.nodes.box.accelerators");
    CHECK_THAT(d[0].message, Contains("expected a whole number, found 2.5"));
  }
}

TEST_CASE("curve points must increase in load with efficiencies above 0 and at most 1", "[catalog][errors]") {
  json base = small_catalog();  // ups-a is not used by any node
  SECTION("load not increasing") {
    base["curves"]["ups-a"]["points"] = json::parse("[[0.5, 0.9], [0.4, 0.95]]");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.curves.ups-a.points[1]");
    CHECK(d[0].message == "load fraction 0.4 is not above the previous point's; expected increasing load");
  }
  SECTION("efficiency above 1") {
    base["curves"]["ups-a"]["points"] = json::parse("[[0.1, 0.9], [1.0, 1.05]]");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.curves.ups-a.points[1]");
    CHECK_THAT(d[0].message, Contains("efficiency 1.05"));
    CHECK_THAT(d[0].message, Contains("expected in (0, 1]"));
  }
  SECTION("a single point") {
    base["curves"]["ups-a"]["points"] = json::parse("[[0.5, 0.9]]");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.curves.ups-a.points");
    CHECK_THAT(d[0].message, Contains("at least two"));
  }
  SECTION("a malformed point") {
    base["curves"]["ups-a"]["points"] = json::parse("[[0.1, 0.9], [1.0]]");
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.curves.ups-a.points[1]");
    CHECK_THAT(d[0].message, Contains("expected a pair [load_fraction, efficiency]"));
  }
  SECTION("an unknown kind") {
    base["curves"]["ups-a"]["kind"] = "inverter";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.curves.ups-a.kind");
    CHECK_THAT(d[0].message, Contains("expected one of psu, ups, pdu, transformer"));
  }
}

TEST_CASE("several errors are all reported in one InputError", "[catalog][errors]") {
  // Four independent problems; none of the broken entries is needed by another entry.
  const json base = json::parse(R"({
    "format": "wattsim-catalog/2",
    "curves": {
      "psu-a": {"kind": "psu", "points": [[0.2, 0.9], [1.0, 0.92]], "source": "test"},
      "ups-a": {"kind": "ups", "points": [[0.1, 0.9], [1.0, 1.2]], "source": "test"}
    },
    "accelerators": {
      "X1": {
        "vendor": "Acme", "tdp": "400 W", "tdpp": "400 W", "idle": "40 W", "memory_gb": 64,
        "peak_tflops": {"bf16": 500},
        "pstates": [{"freq": "1 GHz", "idle": "50 W", "max": "200 W"}, {"freq": "2 GHz", "idle": "70 W", "max": "400 W"}],
        "embodied": "150 kg", "lifetime": "5 y", "source": "test"
      }
    },
    "nodes": {
      "box": {
        "accelerator": "X1", "accelerators": 4, "base_idle": "500 W", "base_busy": "1 kW", "off": "20 kWh",
        "boot_time": "2 min", "boot_energy": "20 Wh", "psu": "psu-a", "psu_rated": "3 kW",
        "embodied": "1.2 t", "lifetime": "4 y", "source": "test"
      }
    }
  })");
  try {
    (void)load_catalog(base, "catalog");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const auto& d = e.diagnostics();
    CHECK(d.size() == 4);
    CHECK(find_where(d, "catalog.format") != nullptr);
    CHECK(find_where(d, "catalog.curves.ups-a.points[1]") != nullptr);
    CHECK(find_where(d, "catalog.accelerators.X1.tdpp") != nullptr);
    REQUIRE(find_where(d, "catalog.nodes.box.off") != nullptr);
    CHECK_THAT(find_where(d, "catalog.nodes.box.off")->message, Contains("W, kW, MW, GW"));
    const std::string what = e.what();
    CHECK_THAT(what, Contains("catalog.format: "));
    CHECK_THAT(what, Contains("catalog.curves.ups-a.points[1]: efficiency 1.2"));
    CHECK_THAT(what, Contains("catalog.accelerators.X1.tdpp: unknown key"));
    CHECK_THAT(what, Contains("catalog.nodes.box.off: cannot read \"20 kWh\""));
  }
}

TEST_CASE("a base catalog that is not an object is rejected", "[catalog][errors]") {
  const auto d = load_errors(json::parse("[1, 2]"));
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "catalog");
  CHECK(d[0].message == "expected an object, found an array");
}

// ---------------------------------------------------------------------------------------------
// Overrides of the built-in catalog

TEST_CASE("overriding only the TDP below the top p-state is rejected", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"tdp": "650 W"}}})");
  const auto d = builtin_errors(overrides);
  REQUIRE_FALSE(d.empty());
  const auto* top = find_where(d, "hardware.accelerators.H100-SXM.pstates[4].max");
  REQUIRE(top != nullptr);
  CHECK(top->message == "is above the TDP");
}

TEST_CASE("overriding the TDP with a matching p-state list keeps the other fields", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {
    "tdp": "650 W",
    "pstates": [
      {"freq": "1200 MHz", "idle": "100 W", "max": "300 W"},
      {"freq": "1600 MHz", "idle": "110 W", "max": "450 W"},
      {"freq": "1980 MHz", "idle": "120 W", "max": "650 W"}
    ]}}})");
  const auto base = builtin_catalog();
  const auto cat = builtin_catalog(&overrides, "hardware");
  const auto& h = cat.accelerator("H100-SXM");
  CHECK(h.tdp_w == 650.0);
  REQUIRE(h.pstates.size() == 3);  // arrays replace, they do not merge
  CHECK(h.pstates[0].freq_hz == 1.2e9);
  CHECK(h.pstates[2].max_w == 650.0);
  // Untouched fields come from the built-in entry.
  CHECK(h.idle_w == 70.0);
  CHECK(h.memory_gb == 80.0);
  CHECK(h.memory_bandwidth_tb_s == 3.35);
  CHECK(h.vendor == "NVIDIA");
  CHECK(h.peak_tflops == base.accelerator("H100-SXM").peak_tflops);
  CHECK(h.source == base.accelerator("H100-SXM").source);
  // The node built on it loads with the new accelerator; other entries are unchanged.
  CHECK(cat.node("DGX-H100").accelerator == "H100-SXM");
  CHECK(cat.accelerator("H200-SXM").tdp_w == 700.0);
  CHECK(cat.accelerators().size() == base.accelerators().size());
}

TEST_CASE("overrides merge objects field by field and null removes a field", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"peak_tflops": {"fp4": 3000, "int8": null}}}})");
  const auto cat = builtin_catalog(&overrides);
  const auto& p = cat.accelerator("H100-SXM").peak_tflops;
  CHECK(p.at("fp4") == 3000.0);
  CHECK(p.count("int8") == 0);
  CHECK(p.at("bf16") == 989.4);  // kept
  CHECK(p.size() == 7);          // 7 built-in precisions + fp4 - int8
}

TEST_CASE("a new accelerator extending a built-in one keeps its other fields", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-96GB": {"extends": "H100-SXM", "memory_gb": 96}}})");
  const auto cat = builtin_catalog(&overrides);
  const auto& h100 = cat.accelerator("H100-SXM");
  const auto& x = cat.accelerator("H100-96GB");
  CHECK(x.name == "H100-96GB");
  CHECK(x.memory_gb == 96.0);
  CHECK(h100.memory_gb == 80.0);  // the original is untouched
  CHECK(x.vendor == "NVIDIA");
  CHECK(x.tdp_w == 700.0);
  CHECK(x.idle_w == 70.0);
  CHECK(x.memory_bandwidth_tb_s == 3.35);
  CHECK(x.peak_tflops == h100.peak_tflops);
  CHECK(x.source == h100.source);
  REQUIRE(x.pstates.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(x.pstates[i].freq_hz == h100.pstates[i].freq_hz);
    CHECK(x.pstates[i].idle_w == h100.pstates[i].idle_w);
    CHECK(x.pstates[i].max_w == h100.pstates[i].max_w);
  }
}

TEST_CASE("a new node can extend a built-in node", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"nodes": {"DGX-H100-half": {"extends": "DGX-H100", "accelerators": 4}}})");
  const auto cat = builtin_catalog(&overrides);
  const auto& n = cat.node("DGX-H100-half");
  CHECK(n.accelerator_count == 4);
  CHECK(n.accelerator == "H100-SXM");
  CHECK(n.base_busy_w == 3000.0);
  CHECK(n.boot_time == SimTime::minutes(6));
  CHECK(n.boot_energy_j == 540000.0);
  CHECK(n.psu_curve == "80plus-titanium-230v-redundant");
  CHECK(cat.node("DGX-H100").accelerator_count == 8);
}

TEST_CASE("a new incomplete accelerator is reported under the overrides' path", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"NPU-1": {"vendor": "Acme", "tdp": "300 W"}}})");
  const auto d = builtin_errors(overrides);
  // idle and pstates are required; vendor, source, memory_gb and peak_tflops are optional in overrides.
  REQUIRE(d.size() == 2);
  for (const auto& diag : d) {
    CHECK_THAT(diag.where, StartsWith("hardware.accelerators.NPU-1."));
    CHECK_THAT(diag.message, Contains("required"));
  }
  CHECK(find_where(d, "hardware.accelerators.NPU-1.idle") != nullptr);
  CHECK(find_where(d, "hardware.accelerators.NPU-1.pstates") != nullptr);
}

TEST_CASE("errors in an overridden built-in entry use the overrides' path", "[catalog][overrides]") {
  // ups-eco-mode is used by no node, so its error is the only one.
  const json overrides = json::parse(R"({"curves": {"ups-eco-mode": {"points": [[0.1, 0.97], [0.05, 0.98]]}}})");
  const auto d = builtin_errors(overrides);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "hardware.curves.ups-eco-mode.points[1]");
  CHECK_THAT(d[0].message, Contains("load fraction 0.05 is not above the previous point's"));
}

TEST_CASE("a new node using a new accelerator", "[catalog][overrides]") {
  const json overrides = json::parse(R"({
    "accelerators": {
      "NPU-2": {
        "vendor": "Acme", "tdp": "500 W", "idle": "50 W",
        "pstates": [{"freq": "1 GHz", "idle": "60 W", "max": "300 W"}, {"freq": "2 GHz", "idle": "80 W", "max": "500 W"}]
      }
    },
    "nodes": {
      "NPU-2-box": {
        "accelerator": "NPU-2", "accelerators": 4, "base_idle": "300 W", "base_busy": "900 W", "off": "20 W",
        "boot_time": "90 s", "boot_energy": "5 Wh", "psu": "80plus-gold-230v-redundant", "psu_rated": "3 kW"
      }
    }
  })");
  const auto cat = builtin_catalog(&overrides, "hardware");
  const auto& a = cat.accelerator("NPU-2");
  CHECK(a.tdp_w == 500.0);
  CHECK(a.nominal_freq_hz == 2e9);  // not given: its highest p-state's
  CHECK(a.memory_gb == 0.0);  // optional in overrides
  CHECK(a.source.empty());
  const auto& n = cat.node("NPU-2-box");
  CHECK(n.accelerator == "NPU-2");
  CHECK(n.accelerator_count == 4);
  CHECK(n.base_idle_w == 300.0);
  CHECK(n.boot_time == SimTime::seconds(90));
  CHECK(n.boot_energy_j == 18000.0);  // 5 Wh
  CHECK(n.psu_rated_w == 3000.0);     // >= 900 + 4 x 500 = 2900 W
  REQUIRE(n.psu.points().size() == 3);
  CHECK(n.psu.points()[0].efficiency == 0.88);
  // Built-in entries are all still there.
  CHECK(cat.accelerators().size() == builtin_catalog().accelerators().size() + 1);
  CHECK(cat.nodes().size() == builtin_catalog().nodes().size() + 1);
}

TEST_CASE("a new node extending a built-in one is checked against its PSU rating", "[catalog][overrides]") {
  const json overrides = json::parse(R"({
    "nodes": {"big": {"extends": "DGX-H100", "accelerators": 16}}
  })");
  const auto d = builtin_errors(overrides);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "hardware.nodes.big.psu_rated");
  CHECK_THAT(d[0].message, Contains("draws up to 14200"));  // 3000 + 16 x 700 W > 13200 W
}

TEST_CASE("extends naming an unknown entry", "[catalog][overrides]") {
  SECTION("accelerator") {
    const json overrides = json::parse(R"({"accelerators": {"H100-custom": {"extends": "H100-SXN", "memory_gb": 96}}})");
    const auto d = builtin_errors(overrides);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "hardware.accelerators.H100-custom.extends");
    CHECK_THAT(d[0].message, StartsWith("unknown accelerator \"H100-SXN\""));
    CHECK_THAT(d[0].message, Contains("did you mean \"H100-SXM\""));
  }
  SECTION("node") {
    const json overrides = json::parse(R"({"nodes": {"my-dgx": {"extends": "DGX-H1000"}}})");
    const auto d = builtin_errors(overrides);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "hardware.nodes.my-dgx.extends");
    CHECK_THAT(d[0].message, StartsWith("unknown node \"DGX-H1000\""));
    CHECK_THAT(d[0].message, Contains("did you mean \"DGX-H100\""));
  }
  SECTION("not a name") {
    const json overrides = json::parse(R"({"curves": {"my-psu": {"extends": 3}}})");
    const auto d = builtin_errors(overrides);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "hardware.curves.my-psu.extends");
    CHECK_THAT(d[0].message, Contains("found a number"));
  }
}

TEST_CASE("an unknown top-level override section", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerator": {"H100-SXM": {"tdp": "650 W"}}})");
  const auto d = builtin_errors(overrides);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "hardware.accelerator");
  CHECK_THAT(d[0].message, StartsWith("unknown key"));
  CHECK_THAT(d[0].message, Contains("did you mean \"accelerators\"?"));
  CHECK_THAT(d[0].message, Contains("valid keys: accelerators, nodes, curves"));
}

TEST_CASE("an override that is not an object", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"nodes": {"DGX-H100": 5}})");
  const auto d = builtin_errors(overrides);
  REQUIRE_FALSE(d.empty());
  const auto* e = find_where(d, "hardware.nodes.DGX-H100");
  REQUIRE(e != nullptr);
  CHECK(e->message == "expected an object, found a number");
}

TEST_CASE("extends resolves in dependency order, whatever the order of names", "[catalog][overrides]") {
  // "Alpha" extends "Beta", which is itself new and sorts after it.
  const json overrides = json::parse(R"({"accelerators": {
      "Alpha": {"extends": "Beta", "memory_gb": 48},
      "Beta": {"extends": "H100-SXM", "tdp": "700 W", "memory_gb": 96}}})");
  const catalog::Catalog cat = builtin_catalog(&overrides, "hardware");
  CHECK(cat.accelerator("Alpha").memory_gb == 48.0);
  CHECK(cat.accelerator("Beta").memory_gb == 96.0);
  CHECK(cat.accelerator("Alpha").pstates.size() == cat.accelerator("H100-SXM").pstates.size());
  CHECK(cat.accelerator("Alpha").tdp_w == 700.0);
}

TEST_CASE("extends starts from the entry as overridden", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {
      "H100-SXM": {"memory_gb": 81},
      "AAA-copy": {"extends": "H100-SXM"}}})");
  const catalog::Catalog cat = builtin_catalog(&overrides, "hardware");
  CHECK(cat.accelerator("AAA-copy").memory_gb == 81.0);
}

TEST_CASE("extends on an existing entry and extends loops are errors", "[catalog][overrides]") {
  const json on_existing = json::parse(R"({"accelerators": {"H100-SXM": {"extends": "H200-SXM"}}})");
  try {
    builtin_catalog(&on_existing, "hardware");
    FAIL("expected an error");
  } catch (const wattsim::simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == "hardware.accelerators.H100-SXM.extends");
    CHECK_THAT(e.diagnostics()[0].message, Contains("only for new entries"));
  }
  const json loop = json::parse(R"({"accelerators": {"A": {"extends": "B"}, "B": {"extends": "A"}}})");
  try {
    builtin_catalog(&loop, "hardware");
    FAIL("expected an error");
  } catch (const wattsim::simcore::InputError& e) {
    CHECK_THAT(e.what(), Contains("loop back"));
  }
}

TEST_CASE("a node naming an invalid accelerator points at that accelerator's errors", "[catalog][overrides]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"tdp": "650 W"}}})");
  try {
    builtin_catalog(&overrides, "hardware");
    FAIL("expected an error");
  } catch (const wattsim::simcore::InputError& e) {
    bool found = false;
    for (const auto& d : e.diagnostics()) {
      if (d.where == "built-in catalog.nodes.DGX-H100.accelerator") {
        found = true;
        CHECK_THAT(d.message, Contains("which is invalid") && !Contains("unknown"));
      }
    }
    CHECK(found);
  }
}

TEST_CASE("a scenario overrides the embodied carbon of H100-SXM", "[catalog][overrides][embodied]") {
  const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"embodied": "0.3 t"}}})");
  const auto base = builtin_catalog();
  const auto cat = builtin_catalog(&overrides, "hardware");
  const auto& h = cat.accelerator("H100-SXM");
  CHECK(h.embodied_kg == 300.0);
  CHECK(h.lifetime_years == base.accelerator("H100-SXM").lifetime_years);  // kept
  CHECK(h.tdp_w == 700.0);
  CHECK(cat.accelerator("H200-SXM").embodied_kg == base.accelerator("H200-SXM").embodied_kg);
  CHECK(cat.node("DGX-H100").embodied_kg == base.node("DGX-H100").embodied_kg);
}

TEST_CASE("a scenario overrides a lifetime and extends keep the embodied carbon", "[catalog][overrides][embodied]") {
  const json overrides = json::parse(R"({
    "nodes": {"DGX-H100": {"lifetime": "6 y"}},
    "accelerators": {"H100-96GB": {"extends": "H100-SXM", "memory_gb": 96, "embodied": "270 kg"}}
  })");
  const auto cat = builtin_catalog(&overrides, "hardware");
  CHECK(cat.node("DGX-H100").lifetime_years == 6.0);
  CHECK(cat.node("DGX-H100").embodied_kg == builtin_catalog().node("DGX-H100").embodied_kg);
  CHECK(cat.accelerator("H100-96GB").embodied_kg == 270.0);
  CHECK(cat.accelerator("H100-96GB").lifetime_years == 5.0);  // from H100-SXM
}

TEST_CASE("embodied carbon is optional in a scenario's own entries but needs a lifetime", "[catalog][overrides][embodied]") {
  SECTION("left out: not given") {
    const json overrides = json::parse(R"({"accelerators": {"NPU-3": {
      "vendor": "Acme", "tdp": "300 W", "idle": "30 W",
      "pstates": [{"freq": "1 GHz", "idle": "40 W", "max": "300 W"}]}}})");
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.accelerator("NPU-3").embodied_kg == 0.0);
    CHECK(cat.accelerator("NPU-3").lifetime_years == 0.0);
  }
  SECTION("a lifetime alone is accepted") {
    const json overrides = json::parse(R"({"nodes": {"my-box": {
      "accelerators": 0, "base_idle": "100 W", "base_busy": "300 W", "lifetime": "5 y"}}})");
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.node("my-box").embodied_kg == 0.0);
    CHECK(cat.node("my-box").lifetime_years == 5.0);
  }
  SECTION("embodied without lifetime in a new entry") {
    const json overrides = json::parse(R"({"nodes": {"my-box": {
      "accelerators": 0, "base_idle": "100 W", "base_busy": "300 W", "embodied": "1 t"}}})");
    const auto d = builtin_errors(overrides);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "hardware.nodes.my-box.lifetime");
    CHECK_THAT(d[0].message, Contains("node \"my-box\" gives \"embodied\" but no \"lifetime\""));
  }
  SECTION("removing the lifetime of a built-in entry") {
    const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"lifetime": null}}})");
    const auto d = builtin_errors(overrides);
    const auto* e = find_where(d, "hardware.accelerators.H100-SXM.lifetime");
    REQUIRE(e != nullptr);
    CHECK_THAT(e->message, Contains("accelerator \"H100-SXM\" gives \"embodied\" but no \"lifetime\""));
  }
  SECTION("an override with a lifetime of 0") {
    const json overrides = json::parse(R"({"nodes": {"DGX-B200": {"lifetime": "0 y"}}})");
    const auto d = builtin_errors(overrides);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "hardware.nodes.DGX-B200.lifetime");
    CHECK(d[0].message == "must be positive");
  }
}

// ---------------------------------------------------------------------------------------------
// The nominal maximum frequency: the reference of speed(f)

namespace {

// H100-SXM's built-in p-states without the top one (1980 MHz).
const char* const kH100WithoutTopState = R"({"accelerators": {"H100-SXM": {"pstates": [
  {"freq": "990 MHz", "idle": "96 W", "max": "246 W"},
  {"freq": "1260 MHz", "idle": "103 W", "max": "329 W"},
  {"freq": "1530 MHz", "idle": "109 W", "max": "442 W"},
  {"freq": "1755 MHz", "idle": "115 W", "max": "559 W"}]}}})";

}  // namespace

TEST_CASE("an H100 cut down to its lower p-states runs slower and uses the energy physics says",
          "[catalog][overrides][speed]") {
  const json overrides = json::parse(kH100WithoutTopState);
  const auto cut_cat = builtin_catalog(&overrides, "hardware");
  const auto& cut = cut_cat.accelerator("H100-SXM");
  REQUIRE(cut.pstates.size() == 4);
  power::Node node(cut_cat.node("DGX-H100"), &cut);
  node.allocate(0, 1.0);  // uncapped: the highest state left, 1755 MHz at 559 W
  REQUIRE(node.pstate(0) == 3);
  REQUIRE(node.accelerator_power_w(0) == 559.0);
  // accelerator.hpp's worked example: speed(1755 MHz) = 1 / (0.5 x 1980/1755 + 0.5) = 0.93976.
  CHECK(node.relative_speed(0, 0.5) == Approx(0.93976).epsilon(1e-5));
  CHECK(node.relative_speed(0, 1.0) == Approx(1755.0 / 1980.0).epsilon(1e-12));
  CHECK(node.relative_speed(0, 0.0) == 1.0);
  // One hour of full-speed work at beta 0.5: 559 W for 3600 / 0.93976 s = 594.83 Wh, not the
  // 559 Wh a speed of 1 would give (20 % under the full part's 700 Wh at the same pace).
  const power::WorkProgress job(3600.0, SimTime::zero(), node.relative_speed(0, 0.5));
  CHECK(job.completion_time().to_seconds() == Approx(3830.77).epsilon(1e-5));
  CHECK(node.accelerator_power_w(0) * job.completion_time().to_seconds() / 3600.0 == Approx(594.83).epsilon(1e-4));

  // Exactly what the full H100 does when capped to that state.
  const auto full_cat = builtin_catalog();
  power::Node capped(full_cat.node("DGX-H100"), &full_cat.accelerator("H100-SXM"));
  capped.allocate(0, 1.0);
  capped.set_power_cap(0, 600.0);
  REQUIRE(capped.pstate(0) == 3);
  for (const double beta : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    INFO(beta);
    CHECK(node.relative_speed(0, beta) == capped.relative_speed(0, beta));
    CHECK(node.accelerator_power_w(0) == capped.accelerator_power_w(0));
  }
}

TEST_CASE("nominal_max_freq defaults to the highest p-state and is parsed with its unit", "[catalog][speed]") {
  json base = small_catalog();
  SECTION("not given") {
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").nominal_freq_hz == 2e9);
    CHECK(power::relative_speed(cat.accelerator("X1"), 1, 1.0) == 0.75);
  }
  SECTION("given above every p-state") {
    base["accelerators"]["X1"]["nominal_max_freq"] = "2.5 GHz";
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").nominal_freq_hz == 2.5e9);
    CHECK(power::relative_speed(cat.accelerator("X1"), 2, 1.0) == 0.8);  // 2000 / 2500
  }
  SECTION("given as a plain number in Hz, equal to the top state") {
    base["accelerators"]["X1"]["nominal_max_freq"] = 2e9;
    const auto cat = load_catalog(base, "catalog");
    CHECK(cat.accelerator("X1").nominal_freq_hz == 2e9);
  }
}

TEST_CASE("a p-state above the nominal maximum frequency is reported with its path", "[catalog][errors][speed]") {
  json base = small_catalog();
  base.erase("nodes");
  SECTION("one state above") {
    base["accelerators"]["X1"]["nominal_max_freq"] = "1.8 GHz";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[2].freq");
    CHECK_THAT(d[0].message, StartsWith("is 2000 MHz, above nominal_max_freq (1800 MHz)"));
    CHECK_THAT(d[0].message, Contains("expected no p-state above it"));
  }
  SECTION("each state above is reported") {
    base["accelerators"]["X1"]["nominal_max_freq"] = "1200 MHz";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 2);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[1].freq");
    CHECK(d[1].where == "catalog.accelerators.X1.pstates[2].freq");
  }
  SECTION("not positive") {
    base["accelerators"]["X1"]["nominal_max_freq"] = "0 Hz";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.nominal_max_freq");
    CHECK(d[0].message == "must be positive");
  }
  SECTION("not a frequency") {
    base["accelerators"]["X1"]["nominal_max_freq"] = "1980 W";
    const auto d = load_errors(base);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where == "catalog.accelerators.X1.nominal_max_freq");
    CHECK_THAT(d[0].message, Contains("frequency"));
  }
}

TEST_CASE("the TDP must cover every p-state's max power", "[catalog][errors]") {
  SECTION("inline: each state above the TDP is reported") {
    json base = small_catalog();
    base.erase("nodes");
    base["accelerators"]["X1"]["tdp"] = "250 W";  // states draw up to 200, 300 and 400 W
    const auto d = load_errors(base);
    REQUIRE(d.size() == 2);
    CHECK(d[0].where == "catalog.accelerators.X1.pstates[1].max");
    CHECK(d[0].message == "is above the TDP");
    CHECK(d[1].where == "catalog.accelerators.X1.pstates[2].max");
  }
  SECTION("a scenario lowering a built-in TDP") {
    const json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"tdp": "500 W"}}})");
    const auto d = builtin_errors(overrides);
    CHECK(find_where(d, "hardware.accelerators.H100-SXM.pstates[2].max") == nullptr);  // 442 W fits
    CHECK(find_where(d, "hardware.accelerators.H100-SXM.pstates[3].max") != nullptr);  // 559 W
    CHECK(find_where(d, "hardware.accelerators.H100-SXM.pstates[4].max") != nullptr);  // 700 W
  }
}

TEST_CASE("a built-in entry keeps its nominal maximum frequency through overrides", "[catalog][overrides][speed]") {
  SECTION("replacing its p-states") {
    const json overrides = json::parse(kH100WithoutTopState);
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.accelerator("H100-SXM").nominal_freq_hz == 1.98e9);
    CHECK(cat.accelerator("H100-SXM").pstates.back().freq_hz == 1.755e9);
  }
  SECTION("a new entry extending it") {
    const json overrides = json::parse(R"({"accelerators": {"H100-slow": {"extends": "H100-SXM", "pstates": [
      {"freq": "990 MHz", "idle": "96 W", "max": "246 W"}, {"freq": "1530 MHz", "idle": "109 W", "max": "442 W"}]}}})");
    const auto cat = builtin_catalog(&overrides, "hardware");
    const auto& a = cat.accelerator("H100-slow");
    CHECK(a.nominal_freq_hz == 1.98e9);
    CHECK(power::relative_speed(a, 1, 1.0) == Approx(1530.0 / 1980.0).epsilon(1e-12));
  }
  SECTION("unless the patch gives its own") {
    json overrides = json::parse(kH100WithoutTopState);
    overrides["accelerators"]["H100-SXM"]["nominal_max_freq"] = "1755 MHz";
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.accelerator("H100-SXM").nominal_freq_hz == 1.755e9);
    CHECK(power::relative_speed(cat.accelerator("H100-SXM"), 3, 0.5) == 1.0);
  }
  SECTION("or removes it: then the highest state left") {
    json overrides = json::parse(kH100WithoutTopState);
    overrides["accelerators"]["H100-SXM"]["nominal_max_freq"] = nullptr;
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.accelerator("H100-SXM").nominal_freq_hz == 1.755e9);
  }
  SECTION("a new entry of the scenario's own defaults to its highest p-state") {
    const json overrides = json::parse(R"({"accelerators": {"NPU-4": {"tdp": "300 W", "idle": "30 W",
      "pstates": [{"freq": "1 GHz", "idle": "40 W", "max": "200 W"}, {"freq": "1.4 GHz", "idle": "45 W", "max": "300 W"}]}}})");
    const auto cat = builtin_catalog(&overrides, "hardware");
    CHECK(cat.accelerator("NPU-4").nominal_freq_hz == 1.4e9);
  }
}

TEST_CASE("a faster p-state than a built-in entry's nominal maximum needs nominal_max_freq",
          "[catalog][overrides][speed]") {
  json overrides = json::parse(R"({"accelerators": {"H100-SXM": {"pstates": [
    {"freq": "1530 MHz", "idle": "109 W", "max": "442 W"},
    {"freq": "1980 MHz", "idle": "120 W", "max": "700 W"},
    {"freq": "2100 MHz", "idle": "122 W", "max": "700 W"}]}}})");
  SECTION("rejected with its path") {
    const auto d = builtin_errors(overrides);
    INFO(simcore::format_diagnostics(d));
    REQUIRE(d.size() == 2);  // and the node built on it
    CHECK(d[0].where == "hardware.accelerators.H100-SXM.pstates[2].freq");
    CHECK_THAT(d[0].message, StartsWith("is 2100 MHz, above nominal_max_freq (1980 MHz)"));
    CHECK_THAT(d[0].message, Contains("give nominal_max_freq too"));
    CHECK(d[1].where == "built-in catalog.nodes.DGX-H100.accelerator");
  }
  SECTION("accepted with the nominal maximum raised") {
    overrides["accelerators"]["H100-SXM"]["nominal_max_freq"] = "2100 MHz";
    const auto cat = builtin_catalog(&overrides, "hardware");
    const auto& h = cat.accelerator("H100-SXM");
    CHECK(h.nominal_freq_hz == 2.1e9);
    CHECK(power::relative_speed(h, 1, 1.0) == Approx(1980.0 / 2100.0).epsilon(1e-12));
  }
}

// ---------------------------------------------------------------------------------------------
// The accelerators of Patterson et al. 2021 ("Carbon Emissions and Large Neural Network
// Training"): P100, TPU v2, TPU v3, and their hosts

TEST_CASE("P100-SXM2: the P100 of Patterson et al. 2021", "[catalog][patterson]") {
  const auto cat = builtin_catalog();
  const auto& p = cat.accelerator("P100-SXM2");
  CHECK(p.vendor == "NVIDIA");
  CHECK(p.tdp_w == 300.0);  // Patterson Table 1 (the SXM2 module; PCIe cards are 250 W)
  CHECK(p.memory_gb == 16.0);
  CHECK(p.peak_tflops.at("fp64") == 5.3);
  CHECK(p.peak_tflops.at("fp32") == 10.6);
  CHECK(p.peak_tflops.at("fp16") == 21.2);
  CHECK(p.peak_tflops.size() == 3);
  // Patterson's 19 TFLOP/s peak: fp16 at the 1328 MHz base clock, 3584 cores x 2 x 2 x f.
  CHECK(3584.0 * 4.0 * 1.328e9 / 1e12 == Approx(19.0).margin(0.05));
  REQUIRE(p.pstates.size() == 5);
  CHECK(p.pstates[4].freq_hz == 1.48e9);  // boost clock, the nominal maximum
  CHECK(p.nominal_freq_hz == 1.48e9);
  CHECK(p.pstates[3].freq_hz == 1.328e9);  // base clock
  CHECK(p.pstates[4].max_w == 300.0);
  // Lower states: 60 + (300 - 60) (f / 1480)^2.4, rounded to the watt (as V100-SXM2).
  for (const auto& s : p.pstates) {
    INFO(s.freq_hz);
    CHECK(s.max_w == Approx(60.0 + 240.0 * std::pow(s.freq_hz / 1.48e9, 2.4)).margin(0.5));
  }
  CHECK(p.pstates[0].max_w == 105.0);
  CHECK(p.pstates[0].idle_w == 36.0);
  CHECK(p.pstates[4].idle_w == 46.0);
  CHECK(p.idle_w == 25.0);
  CHECK(p.embodied_kg == 103.0);  // 6.1 + 16 x 0.4 + 120.8 x 300/400 = 103.1
  CHECK_THAT(p.source, Contains("Patterson") && Contains("Table 1") && Contains("estimate"));
}

TEST_CASE("TPU-v3 and TPU-v2: single-state entries from Patterson et al. 2021 and Google", "[catalog][patterson]") {
  const auto cat = builtin_catalog();
  const auto& v3 = cat.accelerator("TPU-v3");
  CHECK(v3.vendor == "Google");
  CHECK(v3.tdp_w == 450.0);   // Patterson Table 4
  CHECK(v3.idle_w == 123.0);  // Cloud TPU v3 docs: measured min
  REQUIRE(v3.pstates.size() == 1);
  CHECK(v3.pstates[0].idle_w == 123.0);
  CHECK(v3.pstates[0].max_w == 262.0);  // measured max
  CHECK(v3.pstates[0].freq_hz == 9.4e8);
  CHECK(v3.nominal_freq_hz == 9.4e8);
  // 123 TFLOP/s = 2 TensorCores x 2 MXUs x 128 x 128 MACs x 2 flops x f: f = 938 MHz.
  CHECK(123e12 / (2.0 * 2.0 * 128.0 * 128.0 * 2.0) == Approx(v3.pstates[0].freq_hz).epsilon(3e-3));
  CHECK(v3.peak_tflops.at("bf16") == 123.0);
  CHECK(v3.memory_gb == 32.0);
  CHECK(v3.memory_bandwidth_tb_s == 0.9);
  CHECK(v3.embodied_kg == 156.0);  // 7 + 32 x 0.4 + 120.8 x 450/400 = 155.7
  CHECK_THAT(v3.source, Contains("Table 4") && Contains("123/220/262"));

  const auto& v2 = cat.accelerator("TPU-v2");
  CHECK(v2.tdp_w == 280.0);  // Patterson Tables 1 and 4
  // Derived: chip mean = 221 W (Table 3) - TPU v3's host share (283 - 220 = 63 W) = 158 W,
  // scaled by TPU v3's measured min/mean and max/mean.
  CHECK(v2.idle_w == Approx(158.0 * 123.0 / 220.0).margin(0.5));
  REQUIRE(v2.pstates.size() == 1);
  CHECK(v2.pstates[0].idle_w == v2.idle_w);
  CHECK(v2.pstates[0].max_w == Approx(158.0 * 262.0 / 220.0).margin(0.5));
  CHECK(v2.pstates[0].freq_hz == 7e8);
  CHECK(46e12 / (2.0 * 1.0 * 128.0 * 128.0 * 2.0) == Approx(v2.pstates[0].freq_hz).epsilon(3e-3));
  CHECK(v2.peak_tflops.at("bf16") == 46.0);
  CHECK(v2.peak_tflops.count("int8") == 0);
  CHECK(v2.memory_gb == 16.0);
  CHECK(v2.embodied_kg == 97.0);  // 6.11 + 16 x 0.4 + 120.8 x 280/400 = 97.1

  // One state: a cap below it is not met, and nothing runs slower than full speed.
  const auto c = power::select_pstate(v3, 1.0, 200.0);
  CHECK(c.index == 0);
  CHECK_FALSE(c.meets_cap);
  CHECK(power::relative_speed(v3, 0, 1.0) == 1.0);
}

TEST_CASE("the hosts of the Patterson accelerators reproduce its measured system power per chip",
          "[catalog][patterson]") {
  const auto cat = builtin_catalog();
  // Patterson Table 3: average system power per processor, including memory, network
  // interface, fans and host CPU: TPU v3 283 W +-10 %, TPU v2 221 W +-5 %. With every chip of
  // a host at its mean chip power (TPU v3: Google's measured 220 W; TPU v2: the derived 158 W)
  // the modelled wall power per chip falls inside those bands.
  struct Case {
    const char* node;
    double chip_mean_w, per_chip_w, tolerance;
  };
  for (const Case& k : {Case{"TPU-v3-host", 220.0, 283.0, 0.10}, Case{"TPU-v2-host", 158.0, 221.0, 0.05}}) {
    INFO(k.node);
    const auto& spec = cat.node(k.node);
    const auto& chip = cat.accelerator(spec.accelerator);
    REQUIRE(spec.accelerator_count == 4);
    power::Node node(spec, &chip);
    const auto& s = chip.pstates[0];
    const double u = (k.chip_mean_w - s.idle_w) / (s.max_w - s.idle_w);
    for (std::size_t i = 0; i < 4; ++i) node.allocate(i, u);
    CHECK(node.accelerator_power_w(0) == Approx(k.chip_mean_w).epsilon(1e-12));
    CHECK(node.wall_power_w() / 4.0 == Approx(k.per_chip_w).epsilon(k.tolerance));
  }
  const auto& dgx1 = cat.node("DGX-1-P100");
  CHECK(dgx1.accelerator == "P100-SXM2");
  CHECK(dgx1.accelerator_count == 8);
  CHECK(dgx1.psu_rated_w == 3200.0);
  CHECK(dgx1.base_busy_w + 8 * 300.0 <= dgx1.psu_rated_w);
  CHECK(cat.node("TPU-v3-host").psu_rated_w == 2200.0);
  CHECK(cat.node("TPU-v2-host").accelerator == "TPU-v2");
}

// ---------------------------------------------------------------------------------------------
// The GPUs of the Zeus power-limit traces (You et al., NSDI '23; tests/data/jobs/), against
// which validation/cap_curves.cpp checks the power-cap model (docs/validation.md)

namespace {

// The data README's construction: P_max(f) = P_static + (TDP - P_static) (f / f_max)^2.4 with
// P_static = max(0.2 TDP, top-state idle), and a state's idle = card idle + an open-context
// overhead rising linearly with f, from 26 to 50 W scaled by TDP / 700 W.
void check_construction(const power::AcceleratorSpec& a) {
  const double f_lo = a.pstates.front().freq_hz, f_max = a.pstates.back().freq_hz;
  const double overhead_lo = 26.0 * a.tdp_w / 700.0, overhead_hi = 50.0 * a.tdp_w / 700.0;
  const double p_static = std::max(0.2 * a.tdp_w, a.idle_w + overhead_hi);
  for (const auto& s : a.pstates) {
    INFO(s.freq_hz);
    CHECK(s.max_w == Approx(p_static + (a.tdp_w - p_static) * std::pow(s.freq_hz / f_max, 2.4)).margin(0.5));
    const double idle_w = a.idle_w + overhead_lo + (overhead_hi - overhead_lo) * (s.freq_hz - f_lo) / (f_max - f_lo);
    CHECK(s.idle_w == Approx(idle_w).margin(0.5));
    CHECK(std::fmod(s.freq_hz, 15e6) == 0.0);  // clocks on a 15 MHz grid
  }
  // The states split the full-load power evenly between the lowest state and the TDP, up to
  // the rounding of their clocks to 15 MHz.
  const double step_w = (a.tdp_w - a.pstates.front().max_w) / static_cast<double>(a.pstates.size() - 1);
  for (std::size_t i = 1; i < a.pstates.size(); ++i) {
    CHECK(a.pstates[i].max_w - a.pstates[i - 1].max_w == Approx(step_w).margin(4.0));
  }
}

double construction_max_w(double tdp_w, double p_static_w, double f_hz, double f_max_hz) {
  return p_static_w + (tdp_w - p_static_w) * std::pow(f_hz / f_max_hz, 2.4);
}

}  // namespace

TEST_CASE("V100-PCIe: the 250 W V100 of the Zeus trace, down to its 100 W minimum limit", "[catalog][zeus]") {
  const auto cat = builtin_catalog();
  const auto& v = cat.accelerator("V100-PCIe");
  CHECK(v.vendor == "NVIDIA");
  CHECK(v.tdp_w == 250.0);  // the PCIe card; the SXM2 module is 300 W
  CHECK(v.idle_w == 25.0);
  CHECK(v.memory_bandwidth_tb_s == 0.9);
  CHECK(v.peak_tflops.at("fp16") == 112.0);
  CHECK(v.peak_tflops.at("fp32") == 14.0);
  REQUIRE(v.pstates.size() == 5);
  CHECK(v.pstates.back().freq_hz == 1.38e9);  // boost clock
  CHECK(v.nominal_freq_hz == 1.38e9);
  CHECK(v.pstates.front().freq_hz == 7.65e8);
  check_construction(v);
  // Lowest state: the highest 15 MHz step whose full-load power fits the 100 W limit, which
  // the trace shows the card holding.
  CHECK(v.pstates.front().max_w <= 100.0);
  CHECK(construction_max_w(250.0, 50.0, 7.80e8, 1.38e9) > 100.0);
  const auto at_floor = power::select_pstate(v, 1.0, 100.0);
  CHECK(at_floor.index == 0);
  CHECK(at_floor.meets_cap);
  CHECK(v.embodied_kg == 98.0);  // 9.78 + 32 x 0.4 + 120.8 x 250/400 = 98.1
  CHECK_THAT(v.source, Contains("Zeus") && Contains("docs/validation.md") && Contains("estimate"));
}

TEST_CASE("A40: the 300 W A40 of the Zeus trace, whose floor under load lies above its 100 W limit",
          "[catalog][zeus]") {
  const auto cat = builtin_catalog();
  const auto& a = cat.accelerator("A40");
  CHECK(a.vendor == "NVIDIA");
  CHECK(a.tdp_w == 300.0);
  CHECK(a.idle_w == 25.0);
  CHECK(a.memory_gb == 48.0);
  CHECK(a.memory_bandwidth_tb_s == 0.696);
  CHECK(a.peak_tflops.at("bf16") == 149.7);
  CHECK(a.peak_tflops.at("int8") == 299.3);
  CHECK(a.peak_tflops.count("fp8") == 0);
  REQUIRE(a.pstates.size() == 5);
  CHECK(a.pstates.back().freq_hz == 1.74e9);  // boost clock
  CHECK(a.pstates.front().freq_hz == 1.02e9);
  check_construction(a);
  // Lowest state: the lowest 15 MHz step whose full-load power reaches 126 W, the most the
  // trace measured at the 100 and 125 W limits (the card's floor under load).
  CHECK(a.pstates.front().max_w >= 126.0);
  CHECK(construction_max_w(300.0, 60.0, 1.005e9, 1.74e9) < 126.0);
  // A cap under the floor is clamped to it for a job near full load: the lowest state, not met.
  const auto at_100 = power::select_pstate(a, 1.0, 100.0);
  CHECK(at_100.index == 0);
  CHECK_FALSE(at_100.meets_cap);
  CHECK(at_100.power_w == a.pstates.front().max_w);
  CHECK(a.embodied_kg == 119.0);  // 8.8 + 48 x 0.4 + 120.8 x 300/400 = 118.6
  CHECK_THAT(a.source, Contains("Zeus") && Contains("docs/validation.md") && Contains("floor"));
}
