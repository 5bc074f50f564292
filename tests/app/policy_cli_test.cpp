// Policies from the scenario and the command line: the composed form, located errors with
// suggestions, facility requirements found by `wattsim check`, and `wattsim policies`.

#include <catch2/catch.hpp>
#include <string>

#include "tests/app/cli_helpers.hpp"
#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;

namespace {

std::string scenario(const std::string& policy, const std::string& facility_extra = "") {
  return R"({"facility": {"racks": [{"count": 2, "node": "DGX-H100"}])" + facility_extra + R"(},
 "horizon": "1 d",
 "workload": {"generator": {"mean_interarrival": "10 min", "sizes": [[8, 1]],
              "durations": {"lognormal": {"median": "1 h", "sigma": 1.0}}, "jobs": 20}},
 "policy": )" + policy + "}";
}

}  // namespace

TEST_CASE("a composed policy runs, and its label is in the result set", "[app][policies]") {
  test::TempDir dir("policy-cli");
  const std::string file = dir.write(
      "stack.json", scenario(R"({"scheduler": "easy-backfill", "placement": "best-fit",
                                 "managers": [{"name": "idle-off", "timeout": "15 min", "reserve": 1},
                                              {"name": "cap-to-budget", "budget": "20 kW"}]})"));
  const auto check = test::wattsim("check " + file);
  INFO(check.output);
  CHECK(check.status == 0);
  CHECK_THAT(check.output, Contains("policy easy-backfill + best-fit + idle-off + cap-to-budget"));
  const auto run = test::wattsim("run " + file + " -q -o " + dir.file("out.h5"));
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto meta = test::wattsim("inspect " + dir.file("out.h5") + " --json");
  CHECK_THAT(meta.output, Contains("easy-backfill + best-fit + idle-off + cap-to-budget"));
}

TEST_CASE("policy errors are located, with suggestions, and every problem is listed at once", "[app][policies]") {
  test::TempDir dir("policy-cli");
  SECTION("unknown names of each kind") {
    const auto r = test::wattsim(
        "check " + dir.write("bad.json", scenario(R"({"scheduler": "easy-backfil", "placement": "bestfit",
                                                     "managers": ["idle-of", {"name": "fifo"}]})")));
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("policy.scheduler.name: unknown scheduler \"easy-backfil\"; did you mean \"easy-backfill\""));
    CHECK_THAT(r.output, Contains("policy.placement.name: unknown placement \"bestfit\"; did you mean \"best-fit\""));
    CHECK_THAT(r.output, Contains("policy.managers[0].name: unknown manager \"idle-of\"; did you mean \"idle-off\""));
    CHECK_THAT(r.output, Contains("policy.managers[1].name: \"fifo\" is a scheduler, not a manager"));
  }
  SECTION("parameters: unknown, wrong unit, out of range") {
    const auto r = test::wattsim(
        "check " + dir.write("bad.json", scenario(R"({"managers": [{"name": "idle-off", "timout": "15 min"},
                                                                   {"name": "cap-to-budget", "budget": "1.2 MWh"},
                                                                   {"name": "idle-off", "reserve": -1}]})")));
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("policy.managers[0].timout: unknown parameter of manager \"idle-off\"; did you mean \"timeout\""));
    CHECK_THAT(r.output, Contains("policy.managers[1].budget:"));
    CHECK_THAT(r.output, Contains("policy.managers[2].reserve: is -1"));
  }
  SECTION("both forms at once") {
    const auto r = test::wattsim("check " + dir.write("bad.json", scenario(R"({"name": "fifo", "scheduler": "sjf"})")));
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("not both"));
  }
}

TEST_CASE("a policy that needs what the facility lacks is an error at check", "[app][policies]") {
  test::TempDir dir("policy-cli");
  const auto thermal = test::wattsim("check " + dir.write("t.json", scenario(R"({"placement": "thermal"})")));
  INFO(thermal.output);
  CHECK(thermal.status == 2);
  CHECK_THAT(thermal.output, Contains("policy.placement: thermal needs a thermal model"));
  // Nodes that start off need a manager that powers them on.
  const auto off = test::wattsim(
      "check " + dir.write("off.json", scenario(R"({"name": "fifo"})", R"(, "initial_node_state": "off")")));
  INFO(off.output);
  CHECK(off.status == 2);
  CHECK_THAT(off.output, Contains("never powers nodes on"));
  const auto on = test::wattsim("run -q -o " + dir.file("on.h5") + " " +
                                dir.write("on.json", scenario(R"({"managers": ["idle-off"]})",
                                                              R"(, "initial_node_state": "off")")));
  INFO(on.output);
  CHECK(on.status == 0);
}

TEST_CASE("wattsim policies lists every entry by kind with its parameters", "[app][policies]") {
  const auto r = test::wattsim("policies");
  REQUIRE(r.status == 0);
  for (const char* name : {"fifo", "easy-backfill", "conservative-backfill", "sjf", "priority", "first-fit", "best-fit",
                           "spread", "topology", "thermal", "power-headroom", "idle-off", "static-cap", "cap-to-budget",
                           "dvfs-energy"}) {
    CHECK_THAT(r.output, Contains("\n  " + std::string(name) + "\n"));
  }
  CHECK_THAT(r.output, Contains("schedulers:"));
  CHECK_THAT(r.output, Contains("placements:"));
  CHECK_THAT(r.output, Contains("managers:"));
  CHECK_THAT(r.output, Contains("max_scan (default 1000; 1 to 1e+09)"));
}

TEST_CASE("a failure trace in the scenario fails those nodes, and bad rows are located", "[app][policies]") {
  test::TempDir dir("policy-cli");
  dir.write("failures.csv", "node,time_s\n0,1800\n1,3600\n");
  const std::string file = dir.write("f.json", R"({"facility": {"racks": [{"count": 2, "node": "DGX-H100"}]},
 "horizon": "1 d", "failures": {"csv": "failures.csv"},
 "workload": {"generator": {"mean_interarrival": "10 min", "sizes": [[8, 1]],
              "durations": {"lognormal": {"median": "1 h", "sigma": 1.0}}, "jobs": 20}}})");
  const auto run = test::wattsim("run " + file + " -q -o " + dir.file("f.h5"));
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto summary = test::wattsim("inspect " + dir.file("f.h5") + " --json");
  CHECK_THAT(summary.output, Contains("\"node_failures\": 2"));
  dir.write("failures.csv", "node,time_s\n0,1800\n7,3600\n");
  const auto bad = test::wattsim("check " + file);
  INFO(bad.output);
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Contains("failures.csv:3: node 7 does not exist; the facility has 2 nodes"));
}
