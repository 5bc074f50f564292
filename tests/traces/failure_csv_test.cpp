#include "traces/failure_csv.hpp"

#include <catch2/catch.hpp>

#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using simcore::SimTime;
using Catch::Matchers::Contains;

TEST_CASE("a failure trace gives its nodes and instants, in file order", "[traces][failures]") {
  test::TempDir dir("failures");
  const auto rows = traces::read_failure_csv(dir.write("f.csv", "node,time_s\n12,3600\n\n3,90000.5\r\n"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].node == 12);
  CHECK(rows[0].at == SimTime::hours(1));
  CHECK(rows[0].line == 2);
  CHECK(rows[1].node == 3);
  CHECK(rows[1].at == SimTime::from_seconds(90000.5));
}

TEST_CASE("a failure trace's problems are all reported, each at file:line:column", "[traces][failures]") {
  test::TempDir dir("failures");
  const std::string path = dir.write("f.csv", "node,time_s\n-1,5\n2,soon\n1.5,3\n4\n");
  try {
    traces::read_failure_csv(path);
    FAIL("no error");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 4);
    CHECK(e.diagnostics()[0].where == path + ":2:1");
    CHECK_THAT(e.diagnostics()[0].message, Contains("expected a whole number >= 0"));
    CHECK(e.diagnostics()[1].where == path + ":3:3");
    CHECK_THAT(e.diagnostics()[1].message, Contains("time_s is \"soon\""));
    CHECK(e.diagnostics()[2].where == path + ":4:1");
    CHECK(e.diagnostics()[3].where == path + ":5:1");
    CHECK_THAT(e.diagnostics()[3].message, Contains("expected 2"));
  }
  CHECK_THROWS_WITH(traces::read_failure_csv(dir.write("h.csv", "time_s,node\n")), Contains("expected \"node,time_s\""));
  CHECK_THROWS_AS(traces::read_failure_csv(dir.file("missing.csv")), simcore::InputError);
}
