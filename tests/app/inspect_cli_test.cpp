// End-to-end tests of `wattsim inspect` and of what makes a result set readable without the
// docs: a batch's result set is told from a run's and its front printed as `wattsim batch`
// printed it; units and descriptions on every dataset (checked with h5py); the format
// version and the note for a file of another version; the prices' currency.

#include <hdf5.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "tests/app/batch_fixture.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

using test::caiso_region;
using test::write_json;

// Two regions, solar and battery sizes, with and without net-zero credits, over 2 days.
json small_batch() {
  const json region = caiso_region();
  return {{"demand", {{"scenario", test::source_path("scenarios/default.json")}, {"set", {"horizon=2 d"}}}},
          {"regions", {{"CAISO", region}, {"CAISO-2040", region}}},
          {"defaults", {{"credit_price_per_t", 85}, {"battery_kw", 500}}},
          {"grid",
           {{"region", {"CAISO", "CAISO-2040"}},
            {"solar_kw", {0, 1000, 3000}},
            {"battery_kwh", {0, 2000}},
            {"credits", {"none", "net-zero"}}}},
          {"list", {{{"region", "CAISO-2040"}, {"intensity_scale", 0.5}}}},
          {"capex", {{"solar_per_kw", 1400}, {"battery_per_kwh", 350}, {"battery_per_kw", 400}}}};
}

// What follows "Pareto front" in a command's output: the front and the net-zero variant.
std::string front_part(const std::string& output) {
  const auto at = output.find("Pareto front");
  return at == std::string::npos ? std::string() : output.substr(at);
}

// Deletes /meta format_version, as in a file written before it existed (format version 1).
void make_version_1(const std::string& path) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Adelete_by_name(file, "/meta", "format_version", H5P_DEFAULT) >= 0);
  H5Fclose(file);
}

}  // namespace

TEST_CASE("inspect on a batch result set says that it is one and prints its front as the batch did",
          "[app][e2e][inspect][batch]") {
  test::TempDir dir("inspect_batch");
  const std::string out = dir.file("front.h5");
  const auto batch = test::wattsim("batch " + write_json(dir, "front.json", small_batch()) + " --threads 2 -o " + out);
  INFO(batch.output);
  REQUIRE(batch.status == 0);
  results::ResultReader::Records variants;
  std::vector<std::int64_t> front;
  {
    const results::ResultReader reader(out);  // closed before the file is modified below
    CHECK(reader.is_batch());
    CHECK(reader.format_version() == results::kFormatVersion);
    variants = reader.records("/variants");
    front = reader.indices("/pareto");
  }
  REQUIRE(variants.rows() == 25);
  REQUIRE(!front.empty());

  const auto text = test::wattsim("inspect " + out);
  INFO(text.output);
  CHECK(text.status == 0);
  CHECK_THAT(text.output, Contains("batch result set: 25 variants over CAISO, CAISO-2040; demand: scenario "));
  CHECK_THAT(text.output, !Contains("no group /summary"));
  CHECK_THAT(text.output, !Contains("format version"));  // no note for a current file
  // One implementation prints both (app/batch_front.hpp): the same front, byte for byte.
  CHECK(!front_part(text.output).empty());
  CHECK(front_part(text.output) == front_part(batch.output));
  // Readable units: the currency's name, carbon in kg, t or kt, and no exponent.
  CHECK_THAT(front_part(text.output), Contains(" USD ") && Contains("cost/y") && Contains("CO2e/y"));
  CHECK_THAT(front_part(text.output), !Contains("e-") && !Contains("e+"));

  const auto js = test::wattsim("inspect --json " + out);
  REQUIRE(js.status == 0);
  const auto doc = nlohmann::json::parse(js.output);
  CHECK(doc["kind"] == "batch");
  CHECK(doc["variants"] == 25);
  CHECK(doc["meta"]["currency"] == "USD");
  CHECK(doc["meta"]["format_version"] == results::kFormatVersion);
  REQUIRE(doc["front"].size() == front.size());
  for (std::size_t j = 0; j < front.size(); ++j) {
    const auto i = static_cast<std::size_t>(front[j]);
    const auto& row = doc["front"][j];
    CHECK(row["variant"] == i);
    CHECK(row["annual_cost"].get<double>() == variants.at(i, "annual_cost"));
    CHECK(row["annual_operational_kg"].get<double>() == variants.at(i, "annual_operational_kg"));
    CHECK(row["region"] == (variants.at(i, "region") == 0 ? "CAISO" : "CAISO-2040"));
    CHECK(row["credits"] == (variants.at(i, "credits") == 2 ? "net-zero" : "none"));
    CHECK(row["export"].is_boolean());
  }
  CHECK(doc["cheapest_net_zero"].is_object());
  CHECK(doc["units"]["annual_cost"] == "USD/y");
  CHECK(doc["units"]["credit_price_per_t"] == "USD/t");
  CHECK(doc["descriptions"]["annual_cost"].get<std::string>().find("annual") != std::string::npos);

  SECTION("every dataset and field of a batch's result set has units and a description (h5py)") {
    if (!test::python_has("h5py, numpy")) {
      WARN("h5py is not installed for /usr/bin/python3: check skipped");
    } else {
      const auto py =
          test::run_command("/usr/bin/python3 " + test::source_path("tests/app/check_descriptions.py") + " " + out);
      INFO(py.output);
      CHECK(py.status == 0);
      CHECK(py.output.empty());
    }
  }
  SECTION("a file of format version 1 is read, with a note on stderr") {
    make_version_1(out);
    // stderr to a file, stdout to the test (run_command adds 2>&1 after the subshell).
    const auto old =
        test::run_command("(" + std::string(WATTSIM_BINARY) + " inspect " + out + " 2>" + dir.file("note.txt") + ")");
    CHECK(old.status == 0);
    CHECK(front_part(old.output) == front_part(batch.output));
    std::ifstream note_in(dir.file("note.txt"));
    const std::string note(std::istreambuf_iterator<char>(note_in), {});
    CHECK_THAT(note, Contains(out) && Contains("format version 1") && Contains("this wattsim writes version 2") &&
                         Contains("docs/results.md (Format versions)"));
    const auto old_json =
        test::run_command("(" + std::string(WATTSIM_BINARY) + " inspect --json " + out + " 2>/dev/null)");
    CHECK(old_json.status == 0);
    CHECK(nlohmann::json::parse(old_json.output)["kind"] == "batch");
  }
}

TEST_CASE("inspect on a run's result set: readable units, descriptions, and --json with them", "[app][e2e][inspect]") {
  test::TempDir dir("inspect_run");
  const std::string out = dir.file("run.h5");
  const auto run =
      test::wattsim("run " + test::source_path("scenarios/default.json") + " -q --set 'horizon=1 d' -o " + out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  const results::ResultReader reader(out);
  CHECK_FALSE(reader.is_batch());
  const auto summary = reader.summary();

  const auto text = test::wattsim("inspect " + out);
  INFO(text.output);
  CHECK(text.status == 0);
  CHECK_THAT(text.output, Contains("MWh") && Contains("facility_energy_kwh"));
  for (const auto& s : summary) {
    INFO(s.name);
    CHECK(!s.description.empty());
    CHECK_THAT(text.output, Contains(s.description));
  }
  const auto js = test::wattsim("inspect --json " + out);
  REQUIRE(js.status == 0);
  const auto doc = nlohmann::json::parse(js.output);
  for (const auto& s : summary) {
    INFO(s.name);
    CHECK(doc["descriptions"][s.name] == s.description);
    CHECK(doc["units"][s.name] == s.unit);
  }
}

TEST_CASE("inspect on a result set with neither /summary nor /variants says so", "[app][e2e][inspect]") {
  test::TempDir dir("inspect_neither");
  const std::string path = dir.file("bare.h5");
  {
    results::ResultWriter out(path);
    out.write_meta({{"wattsim_version", "0.1.0"}}, {});
    out.commit();
  }
  const auto r = test::wattsim("inspect " + path);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("neither a run's result set") && !Contains("no group /summary"));
}

TEST_CASE("a batch's prices must name one currency", "[app][e2e][batch][errors]") {
  test::TempDir dir("batch_currency");
  json doc = small_batch();
  doc["regions"]["CAISO-2040"]["price"]["unit"] = "EUR/MWh";
  const std::string out = dir.file("out.h5");
  const auto r = test::wattsim("batch " + write_json(dir, "b.json", doc) + " -q -o " + out);
  CHECK(r.status == 2);
  CHECK_THAT(
      r.output,
      Contains("regions.CAISO-2040.price.unit: is \"EUR/MWh\", in EUR, but another price is in USD; expected one "
               "currency in a file"));
  CHECK_FALSE(fs::exists(out));
}
