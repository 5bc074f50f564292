// End-to-end: `wattsim catalog` for people (which idle figure applies when) and for scripts
// (--json: one JSON document, the whole catalog or one entry).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using nlohmann::json;

TEST_CASE("catalog --json is one document with every accelerator, node and curve", "[app][e2e][catalog]") {
  const auto r = test::wattsim("catalog --json");
  REQUIRE(r.status == 0);
  const json doc = json::parse(r.output);  // throws (and fails) unless the output is exactly one document
  CHECK(doc["format"] == "wattsim-catalog-json/1");
  CHECK(doc["accelerators"].size() == 17);
  CHECK(doc["nodes"].size() == 9);
  CHECK(doc["curves"].size() == 6);
  CHECK_THAT(doc["idle"]["idle_w"].get<std::string>(), Contains("no work placed"));
  CHECK_THAT(doc["idle"]["pstates.idle_w"].get<std::string>(), Contains("work placed at utilisation 0"));

  const json& h100 = doc["accelerators"]["H100-SXM"];
  CHECK(h100["vendor"] == "NVIDIA");
  CHECK(h100["tdp_w"] == 700.0);
  CHECK(h100["idle_w"] == 70.0);
  CHECK(h100["nominal_max_freq_hz"] == 1.98e9);
  CHECK(h100["memory_gb"] == 80.0);
  CHECK(h100["peak_tflops"]["bf16"] == 989.4);
  REQUIRE(h100["pstates"].size() == 5);
  CHECK(h100["pstates"][4]["freq_hz"] == 1.98e9);
  CHECK(h100["pstates"][4]["idle_w"] == 120.0);
  CHECK(h100["pstates"][4]["max_w"] == 700.0);
  CHECK(h100["pstates"][0]["freq_hz"] == 9.9e8);
  CHECK(h100["embodied_kg"] == 258.0);
  CHECK(h100["lifetime_years"] == 5.0);
  CHECK_THAT(h100["source"].get<std::string>(), Contains("700 W"));

  const json& tpu = doc["accelerators"]["TPU-v3"];
  CHECK(tpu["tdp_w"] == 450.0);
  REQUIRE(tpu["pstates"].size() == 1);
  CHECK(tpu["pstates"][0]["max_w"] == 262.0);
  CHECK(tpu["nominal_max_freq_hz"] == 9.4e8);

  const json& dgx = doc["nodes"]["DGX-H100"];
  CHECK(dgx["accelerator"] == "H100-SXM");
  CHECK(dgx["accelerators"] == 8);
  CHECK(dgx["psu"] == "80plus-titanium-230v-redundant");
  CHECK(dgx["psu_rated_w"] == 13200.0);
  CHECK(dgx["boot_time_s"] == 360.0);
  CHECK(dgx["boot_energy_j"] == 540000.0);
  CHECK(doc["nodes"]["CPU-server"]["accelerator"].is_null());
  CHECK(doc["nodes"]["DGX-1-P100"]["accelerator"] == "P100-SXM2");

  const json& ti = doc["curves"]["80plus-titanium-230v-redundant"];
  CHECK(ti["kind"] == "psu");
  REQUIRE(ti["points"].size() == 4);
  CHECK(ti["points"][1] == json::array({0.2, 0.94}));
}

TEST_CASE("catalog NAME --json is the one entry with its name and section", "[app][e2e][catalog]") {
  const auto a = test::wattsim("catalog TPU-v2 --json");
  REQUIRE(a.status == 0);
  const json acc = json::parse(a.output);
  CHECK(acc["name"] == "TPU-v2");
  CHECK(acc["section"] == "accelerators");
  CHECK(acc["tdp_w"] == 280.0);
  CHECK(acc["nominal_max_freq_hz"] == 7e8);
  CHECK_THAT(acc["idle"]["idle_w"].get<std::string>(), Contains("no work placed"));
  CHECK_THAT(acc["source"].get<std::string>(), Contains("Patterson"));

  const auto n = test::wattsim("catalog --json DGX-1-P100");
  REQUIRE(n.status == 0);
  const json node = json::parse(n.output);
  CHECK(node["section"] == "nodes");
  CHECK(node["accelerators"] == 8);
  CHECK(node["psu_rated_w"] == 3200.0);

  const auto c = test::wattsim("catalog ups-eco-mode --json");
  REQUIRE(c.status == 0);
  const json curve = json::parse(c.output);
  CHECK(curve["section"] == "curves");
  CHECK(curve["kind"] == "ups");
  CHECK(curve["points"].back() == json::array({1.0, 0.99}));

  const auto typo = test::wattsim("catalog TPU-v33 --json");
  CHECK(typo.status == 2);
  CHECK_THAT(typo.output, Contains("did you mean \"TPU-v3\""));
}

TEST_CASE("the catalog listing says which idle figure applies when", "[app][e2e][catalog]") {
  const auto all = test::wattsim("catalog");
  REQUIRE(all.status == 0);
  CHECK_THAT(all.output, Contains("H100-SXM") && Contains("idle   70 W (no work placed)"));
  CHECK_THAT(all.output, Contains("p-state idle (wattsim catalog NAME): work placed at utilisation 0"));
  CHECK_THAT(all.output, Contains("TPU-v3") && Contains("1 p-state up to 940 MHz"));
  CHECK_THAT(all.output, Contains("nominal max 1980 MHz"));

  const auto one = test::wattsim("catalog H100-SXM");
  REQUIRE(one.status == 0);
  CHECK_THAT(one.output, Contains("idle 70 W: no work placed"));
  CHECK_THAT(one.output, Contains("p-states (f/f_nom") && Contains("\n    idle: work placed at utilisation 0"));
  CHECK_THAT(one.output, Contains("nominal maximum frequency 1980 MHz"));
  CHECK_THAT(one.output, Contains("1755 MHz  idle   115 W  max   559 W  f/f_nom 0.886"));
}

TEST_CASE("a scenario's hardware patch is checked against the nominal maximum frequency", "[app][e2e][catalog]") {
  const std::string check = "check " + test::source_path("scenarios/default.json");
  // A faster state than H100-SXM's nominal 1980 MHz.
  const std::string faster_states =
      " --set 'hardware.accelerators.H100-SXM.pstates=["
      "{\"freq\": \"1530 MHz\", \"idle\": \"109 W\", \"max\": \"442 W\"}, "
      "{\"freq\": \"2100 MHz\", \"idle\": \"120 W\", \"max\": \"700 W\"}]'";
  const auto faster = test::wattsim(check + faster_states);
  CHECK(faster.status == 2);
  CHECK_THAT(faster.output, Contains("hardware.accelerators.H100-SXM.pstates[1].freq") &&
                                Contains("is 2100 MHz, above nominal_max_freq (1980 MHz)"));
  // The same with the nominal maximum raised is valid.
  const auto raised =
      test::wattsim(check + faster_states + " --set 'hardware.accelerators.H100-SXM.nominal_max_freq=2100 MHz'");
  CHECK(raised.status == 0);
  // A TDP below a p-state's max.
  const auto tdp = test::wattsim(check + " --set 'hardware.accelerators.H100-SXM.tdp=500 W'");
  CHECK(tdp.status == 2);
  CHECK_THAT(tdp.output, Contains("hardware.accelerators.H100-SXM.pstates[3].max") && Contains("is above the TDP"));
}
