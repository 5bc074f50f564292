// app/output_guard.hpp on files made for each case: what a command may write over, and which
// temporary files it tidies away.

#include "app/output_guard.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using app::OutputKind;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// The one problem check_output reports, or "" when there is none.
std::string problem(const app::OutputTarget& target) {
  simcore::DiagnosticSink errors;
  app::check_output(target, errors);
  REQUIRE(errors.size() <= 1);
  return errors.empty() ? "" : errors.diagnostics().front().where + ": " + errors.diagnostics().front().message;
}

}  // namespace

TEST_CASE("an output is never one of the inputs, however it is spelled, even with force", "[app][output]") {
  test::TempDir dir("guard-unit-inputs");
  const std::string input = dir.write("scenario.json", "{}");
  fs::create_directory(dir.path / "sub");
  fs::create_symlink(input, dir.path / "link.json");
  fs::create_hard_link(input, dir.path / "hard.json");
  for (const bool force : {false, true}) {
    for (const auto& kind : {OutputKind::kResultSet, OutputKind::kFile}) {
      CHECK_THAT(problem({input, "-o", {input}, kind, force}),
                 Contains("-o: " + input + " is an input of this command"));
      for (const std::string& other :
           {dir.file("sub/../scenario.json"), dir.file("link.json"), dir.file("hard.json")}) {
        CHECK_THAT(problem({other, "-o", {"x.csv", input}, kind, force}),
                   Contains(other + " is the same file as the input " + input) &&
                       Contains("--force never writes over an input"));
      }
    }
  }
  // Inputs that do not exist (yet) are skipped; so is an output that does not exist.
  CHECK(problem({dir.file("out.h5"), "-o", {input, dir.file("absent.csv")}, OutputKind::kResultSet, false}).empty());
}

TEST_CASE("an output is never a folder, a device or a path in a missing folder", "[app][output]") {
  test::TempDir dir("guard-unit-places");
  fs::create_directory(dir.path / "results");
  const std::string text = dir.write("notes.txt", "notes");
  for (const bool force : {false, true}) {
    CHECK_THAT(problem({dir.file("results"), "-o", {}, OutputKind::kResultSet, force}),
               Contains("is a folder; give a file path, e.g. " + dir.file("results/result.h5")));
    CHECK_THAT(problem({"/dev/null", "-o", {}, OutputKind::kFile, force}), Contains("/dev/null is not a regular file"));
    CHECK_THAT(problem({dir.file("none/out.h5"), "output.path", {}, OutputKind::kResultSet, force}),
               Contains("output.path: " + dir.file("none/out.h5") + " is in a folder that does not exist (" +
                        dir.file("none") + "); create the folder first"));
    CHECK_THAT(problem({text + "/out.h5", "-o", {}, OutputKind::kResultSet, force}), Contains("which is not a folder"));
    CHECK_THAT(problem({"", "-o", {}, OutputKind::kResultSet, force}), Contains("-o: is empty"));
  }
  // A bare file name is in the current directory, which exists.
  CHECK(problem({"wattsim-output-guard-test-absent.h5", "-o", {}, OutputKind::kResultSet, false}).empty());
  if (::geteuid() != 0) {  // root writes anywhere
    fs::create_directory(dir.path / "locked");
    fs::permissions(dir.path / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THAT(problem({dir.file("locked/out.h5"), "-o", {}, OutputKind::kResultSet, false}),
               Contains("is in a folder this user cannot write"));
    fs::permissions(dir.path / "locked", fs::perms::owner_all);
  }
}

TEST_CASE("a result set replaces only a result set or an empty file unless forced, other outputs any file",
          "[app][output]") {
  test::TempDir dir("guard-unit-existing");
  const std::string text = dir.write("notes.txt", "notes");
  const std::string empty = dir.write("empty.h5", "");
  CHECK_THAT(problem({text, "-o", {}, OutputKind::kResultSet, false}),
             Contains("-o: " + text +
                      " exists and is not a wattsim result set; use --force to replace it, or choose "
                      "another path with -o"));
  CHECK(problem({text, "-o", {}, OutputKind::kResultSet, true}).empty());
  CHECK(problem({text, "-o", {}, OutputKind::kFile, false}).empty());
  CHECK(problem({empty, "-o", {}, OutputKind::kResultSet, false}).empty());
  CHECK(problem({dir.file("new.h5"), "-o", {}, OutputKind::kResultSet, false}).empty());
}

TEST_CASE("temporary files of the same output whose process is gone are removed, and nothing else", "[app][output]") {
  test::TempDir dir("guard-unit-stale");
  long pid_max = 0;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  REQUIRE(pid_max > 0);
  const std::string gone = std::to_string(pid_max + 1);
  const std::string stale = dir.write("out.h5.tmp-" + gone, "");
  const std::string huge = dir.write("out.h5.tmp-99999999999", "");  // beyond any pid_t
  const std::string mine = dir.write("out.h5.tmp-" + std::to_string(::getpid()), "");
  const std::string parent = dir.write("out.h5.tmp-" + std::to_string(::getppid()), "");
  const std::string other = dir.write("other.h5.tmp-" + gone, "");
  const std::string prefix = dir.write("xout.h5.tmp-" + gone, "");
  const std::string letters = dir.write("out.h5.tmp-" + gone + "x", "");
  const std::string zero = dir.write("out.h5.tmp-0", "");
  fs::create_directory(dir.path / ("out.h5.tmp-" + std::to_string(pid_max + 2)));
  const auto removed = app::remove_stale_temporaries(dir.file("out.h5"));
  CHECK(removed.size() == 2);
  CHECK_FALSE(fs::exists(stale));
  CHECK_FALSE(fs::exists(huge));
  for (const auto& kept : {mine, parent, other, prefix, letters, zero}) CHECK(fs::exists(kept));
  CHECK(fs::is_directory(dir.path / ("out.h5.tmp-" + std::to_string(pid_max + 2))));
  // A folder that does not exist: nothing to do, no exception.
  CHECK(app::remove_stale_temporaries(dir.file("none/out.h5")).empty());
}
