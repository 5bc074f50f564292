#include "traces/job_csv.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using simcore::SimTime;
using traces::JobCsvOptions;
using traces::JobCsvReader;
using workloads::Job;

namespace {

using wattsim::test::TempDir;

const std::string kHeader = "job_id,submit_s,gpus,duration_s,util\n";

std::vector<Job> read_all(const std::string& path, JobCsvOptions options = {}) {
  JobCsvReader reader(path, options);
  std::vector<Job> jobs;
  while (auto job = reader.next()) jobs.push_back(std::move(*job));
  return jobs;
}

// The diagnostics of the InputError that reading the whole file throws.
std::vector<simcore::Diagnostic> errors_of(const std::string& path) {
  try {
    read_all(path);
  } catch (const simcore::InputError& e) {
    return e.diagnostics();
  }
  FAIL("reading " << path << " threw no InputError");
  return {};
}

// The one diagnostic reading the file gives.
simcore::Diagnostic error_of(const std::string& path) {
  const auto errors = errors_of(path);
  REQUIRE(errors.size() == 1);
  return errors.front();
}

}  // namespace

TEST_CASE("required columns give jobs with work = duration_s x gpus", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("basic.csv", kHeader + "0,0.000,8,3600.000,0.9000\n1,12.5,1,10,0.3\n");
  JobCsvReader reader(path);
  auto first = reader.next();
  REQUIRE(first);
  CHECK(first->id == 0);
  CHECK(first->submit == SimTime::zero());
  CHECK(first->accelerators == 8);
  CHECK(first->work == 28800.0);
  CHECK(first->duration_s() == 3600.0);
  CHECK(first->utilisation == 0.9);
  CHECK(first->beta == 1.0);
  CHECK_FALSE(first->earliest_start);
  CHECK_FALSE(first->deadline);
  CHECK_FALSE(first->estimate);
  CHECK(first->user.empty());
  CHECK(first->queue.empty());
  CHECK(first->tags.empty());
  auto second = reader.next();
  REQUIRE(second);
  CHECK(second->id == 1);
  CHECK(second->submit == SimTime::from_us(12'500'000));
  CHECK(second->accelerators == 1);
  CHECK(second->work == 10.0);
  CHECK(second->utilisation == 0.3);
  CHECK(reader.line_number() == 3);
  CHECK_FALSE(reader.next());
  CHECK_FALSE(reader.next());  // stays at the end
}

TEST_CASE("default_beta applies without a beta column and must be a fraction", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("beta.csv", kHeader + "0,0,1,1,1\n");
  CHECK(read_all(path, JobCsvOptions{0.25}).at(0).beta == 0.25);
  try {
    JobCsvReader reader(path, JobCsvOptions{1.5});
    FAIL("no error for default_beta 1.5");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.empty());
    CHECK(e.diagnostics()[0].message == "default beta is 1.500000; expected a number in [0, 1]");
  }
}

TEST_CASE("columns come in any order and optional cells may be empty", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path =
      dir.write("optional.csv",
                "util,tags,gpus,queue,job_id,estimate_s,user,duration_s,deadline_s,submit_s,earliest_start_s,beta\n"
                "0.5,a;b,4,gpu,7,7200,alice,3600,86400,100,200,0.8\n"
                "0.6,,2,,8,,,60,,100,,\n");
  const auto jobs = read_all(path, JobCsvOptions{0.3});
  REQUIRE(jobs.size() == 2);
  const Job& full = jobs[0];
  CHECK(full.id == 7);
  CHECK(full.submit == SimTime::seconds(100));
  CHECK(full.accelerators == 4);
  CHECK(full.work == 14400.0);
  CHECK(full.utilisation == 0.5);
  CHECK(full.beta == 0.8);
  CHECK(full.earliest_start == SimTime::seconds(200));
  CHECK(full.deadline == SimTime::seconds(86400));
  CHECK(full.estimate == SimTime::seconds(7200));
  CHECK(full.user == "alice");
  CHECK(full.queue == "gpu");
  CHECK(full.tags == "a;b");
  const Job& sparse = jobs[1];
  CHECK(sparse.id == 8);
  CHECK(sparse.submit == SimTime::seconds(100));  // equal submit times are in order
  CHECK(sparse.work == 120.0);
  CHECK(sparse.beta == 0.3);
  CHECK_FALSE(sparse.earliest_start);
  CHECK_FALSE(sparse.deadline);
  CHECK_FALSE(sparse.estimate);
  CHECK(sparse.user.empty());
  CHECK(sparse.queue.empty());
  CHECK(sparse.tags.empty());
}

TEST_CASE("checkpoint columns override the workload's defaults, cell by cell", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("ck.csv",
                                     "job_id,submit_s,gpus,duration_s,util,checkpoint_s,restore_s,checkpoint_interval_s\n"
                                     "1,0,1,10,1,30,45.5,3600\n"
                                     "2,0,1,10,1,,,\n"
                                     "3,0,1,10,1,-1,,\n");
  Job defaults;
  defaults.checkpoint_time = SimTime::seconds(120);
  defaults.restore_time = SimTime::seconds(90);
  defaults.checkpoint_interval = SimTime::seconds(600);
  JobCsvReader reader(path, JobCsvOptions{1.0, defaults});
  const auto a = reader.next();
  REQUIRE(a);
  CHECK(a->checkpoint_time == SimTime::seconds(30));
  CHECK(a->restore_time == SimTime::from_seconds(45.5));
  CHECK(a->checkpoint_interval == SimTime::hours(1));
  const auto b = reader.next();
  REQUIRE(b);
  CHECK(b->checkpoint_time == SimTime::seconds(120));
  CHECK(b->restore_time == SimTime::seconds(90));
  CHECK(b->checkpoint_interval == SimTime::seconds(600));
  CHECK_THROWS_AS(reader.next(), simcore::InputError);  // a negative time
}

TEST_CASE("the preemptible column: 0/1, false/true or empty, anything else a located error",
          "[traces][job_csv]") {
  const TempDir dir;
  const std::string header = "job_id,submit_s,gpus,duration_s,util,preemptible\n";
  const std::string path = dir.write("pre.csv", header +
                                                    "1,0,1,10,1,1\n"
                                                    "2,0,1,10,1,0\n"
                                                    "3,0,1,10,1,true\n"
                                                    "4,0,1,10,1,false\n"
                                                    "5,0,1,10,1,\n");
  const auto jobs = read_all(path);
  REQUIRE(jobs.size() == 5);
  CHECK(jobs[0].preemptible);
  CHECK_FALSE(jobs[1].preemptible);
  CHECK(jobs[2].preemptible);
  CHECK_FALSE(jobs[3].preemptible);
  CHECK_FALSE(jobs[4].preemptible);  // empty: the default, not preemptible
  // Without the column no job is preemptible.
  CHECK_FALSE(read_all(dir.write("none.csv", kHeader + "1,0,1,10,1\n")).front().preemptible);
  for (const std::string bad : {"yes", "2", "TRUE", " 1"}) {
    const std::string bad_path = dir.write("bad.csv", header + "1,0,1,10,1," + bad + "\n");
    const auto error = error_of(bad_path);
    CHECK(error.where == bad_path + ":2:12");  // "1,0,1,10,1," is 11 characters
    CHECK(error.message == "preemptible is \"" + bad + "\"; expected 0, 1, false or true, or an empty cell");
  }
}

TEST_CASE("times are exact to the microsecond", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path =
      dir.write("times.csv", kHeader + "0,883720.880,1,0.000001,1\n1,883720.880001,1,1,1\n2,1e6,1,1,1\n");
  const auto jobs = read_all(path);
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].submit.us() == 883720880000);
  CHECK(jobs[0].work == 1e-6);
  CHECK(jobs[1].submit.us() == 883720880001);
  CHECK(jobs[2].submit.us() == 1'000'000'000'000);
}

TEST_CASE("CRLF and LF line ends, empty lines and a last line without a line end", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path =
      dir.write("crlf.csv", "job_id,submit_s,gpus,duration_s,util\r\n\r\n0,1,1,1,1\r\n\n1,2,2,2,0\r\n2,3,1,1,0.5");
  const auto jobs = read_all(path);
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].utilisation == 1.0);
  CHECK(jobs[1].work == 4.0);
  CHECK(jobs[2].utilisation == 0.5);
  // Empty lines still count: the bad row is the file's line 6.
  const std::string bad = dir.write("crlf_bad.csv", "\r\n" + kHeader + "\r\n0,1,1,1,1\r\n\r\n1,2,x,1,1\r\n");
  CHECK(error_of(bad).where == bad + ":6:5");
  // A header alone is a trace without jobs.
  CHECK(read_all(dir.write("header_only.csv", kHeader)).empty());
}

TEST_CASE("a missing file names the path and the system's reason", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = (dir.path / "absent.csv").string();
  try {
    JobCsvReader reader(path);
    FAIL("no error for a missing file");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == path);
    CHECK_THAT(e.diagnostics()[0].message, Catch::Matchers::Contains(std::strerror(ENOENT)));
  }
}

TEST_CASE("an empty file or one of empty lines has no header", "[traces][job_csv]") {
  const TempDir dir;
  for (const std::string& text : {std::string(), std::string("\n\r\n\n")}) {
    const std::string path = dir.write("empty.csv", text);
    const auto error = error_of(path);
    CHECK(error.where == path);
    CHECK(error.message ==
          "the file is empty; expected a header row naming the columns, at least job_id, submit_s, gpus, duration_s, "
          "util");
  }
}

TEST_CASE("header errors: missing, duplicated, unknown and quoted columns, all at once", "[traces][job_csv]") {
  const TempDir dir;
  SECTION("missing columns are all named") {
    const std::string path = dir.write("missing.csv", "job_id,submit_s,duration_s\n0,0,1\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":1:1");
    CHECK(error.message ==
          "missing required columns \"gpus\", \"util\"; expected all of job_id, submit_s, gpus, duration_s, util");
  }
  SECTION("one missing column") {
    const std::string path = dir.write("missing1.csv", "job_id,submit_s,gpus,duration_s\n");
    CHECK(error_of(path).message ==
          "missing required column \"util\"; expected all of job_id, submit_s, gpus, duration_s, util");
  }
  SECTION("a duplicated column") {
    const std::string path = dir.write("duplicate.csv", "job_id,submit_s,gpus,duration_s,util,gpus\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":1:38");
    CHECK(error.message == "column \"gpus\" is repeated (first at column 17); expected each column once");
  }
  SECTION("an unknown column, with a suggestion") {
    const std::string path = dir.write("unknown.csv", "job_id,submit_sec,gpus,duration_s,util\n");
    const auto errors = errors_of(path);
    REQUIRE(errors.size() == 2);  // unknown, and submit_s is then missing
    CHECK(errors[0].where == path + ":1:8");
    CHECK(errors[0].message ==
          "unknown column \"submit_sec\"; expected one of job_id, submit_s, gpus, duration_s, util, beta, "
          "earliest_start_s, deadline_s, estimate_s, user, queue, tags, checkpoint_s, restore_s, "
                            "checkpoint_interval_s, preemptible, data_gb, home_site; did you mean \"submit_s\"?");
    CHECK(errors[1].where == path + ":1:1");
    CHECK(errors[1].message ==
          "missing required column \"submit_s\"; expected all of job_id, submit_s, gpus, duration_s, util");
  }
  SECTION("an empty column name") {
    const std::string path = dir.write("unnamed.csv", kHeader.substr(0, kHeader.size() - 1) + ",\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":1:38");
    CHECK_THAT(error.message, Catch::Matchers::StartsWith("column 6 has no name; expected one of job_id,"));
  }
  SECTION("a quoted column name") {
    const std::string path = dir.write("quoted_header.csv", "job_id,\"submit_s\",gpus,duration_s,util\n");
    const auto errors = errors_of(path);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].where == path + ":1:8");
    CHECK(errors[0].message ==
          "column name \"\"submit_s\"\" is quoted; quoted CSV fields are not supported, expected a bare name");
  }
}

TEST_CASE("rows with the wrong number of fields", "[traces][job_csv]") {
  const TempDir dir;
  const std::string few = dir.write("few.csv", kHeader + "0,1,1,1\n");
  auto error = error_of(few);
  CHECK(error.where == few + ":2:8");  // where the missing field would start
  CHECK(error.message == "row has 4 fields and ends before column \"util\"; expected 5, one per header column");
  const std::string many = dir.write("many.csv", kHeader + "0,1,1,1,1,9,9\n");
  error = error_of(many);
  CHECK(error.where == many + ":2:11");  // the first extra field
  CHECK(error.message == "row has 7 fields; expected 5, one per header column");
}

TEST_CASE("the brief's example: a non-number submit time", "[traces][job_csv]") {
  const TempDir dir;
  // The bad cell sits where the example has it: line 12, column 9.
  std::string text = kHeader;
  for (int line = 2; line <= 11; ++line)
    text += std::to_string(1000000 + line) + "," + std::to_string(line) + ",1,1,1\n";
  text += "1234567,abc,1,1,1\n";
  const std::string path = dir.write("jobs.csv", text);
  try {
    read_all(path);
    FAIL("no error");
  } catch (const simcore::InputError& e) {
    CHECK(std::string(e.what()) == path + ":12:9: submit_s is \"abc\"; expected a number of seconds >= 0");
  }
}

TEST_CASE("bad values: what was found and what was expected", "[traces][job_csv]") {
  const TempDir dir;
  struct Case {
    std::string row;
    std::string column;  // ":line:column"
    std::string message;
  };
  const std::vector<Case> cases = {
      {"-1,0,1,1,1", ":2:1", "job_id is \"-1\"; expected a whole number >= 0"},
      {"1.5,0,1,1,1", ":2:1", "job_id is \"1.5\"; expected a whole number >= 0"},
      {",0,1,1,1", ":2:1", "job_id is empty; expected a whole number >= 0"},
      {"0,-0.5,1,1,1", ":2:3", "submit_s is \"-0.5\"; expected a number of seconds >= 0"},
      {"0,1e20,1,1,1", ":2:3", "submit_s is \"1e20\"; expected at most 9e12 seconds (285,000 years)"},
      {"0, 1,1,1,1", ":2:3", "submit_s is \" 1\"; expected a number of seconds >= 0"},
      {"0,0,0,1,1", ":2:5", "gpus is \"0\"; expected a whole number >= 1"},
      {"0,0,1.5,1,1", ":2:5", "gpus is \"1.5\"; expected a whole number >= 1"},
      {"0,0,,1,1", ":2:5", "gpus is empty; expected a whole number >= 1"},
      {"0,0,99999999999,1,1", ":2:5", "gpus is \"99999999999\"; expected a whole number >= 1"},
      {"0,0,1,-5,1", ":2:7", "duration_s is \"-5\"; expected a number of seconds >= 0"},
      {"0,0,1,12x,1", ":2:7", "duration_s is \"12x\"; expected a number of seconds >= 0"},
      {"0,0,1,inf,1", ":2:7", "duration_s is \"inf\"; expected a number of seconds >= 0"},
      // Fuzz regression (tests/fuzz/regressions/job_csv): the work, 1e308 x 2, was infinite.
      {"0,0,2,1e308,1", ":2:7", "duration_s is \"1e308\"; expected at most 9e12 seconds (285,000 years)"},
      {"0,0,1,1,1.5", ":2:9", "util is \"1.5\"; expected a number in [0, 1]"},
      {"0,0,1,1,-0.1", ":2:9", "util is \"-0.1\"; expected a number in [0, 1]"},
      {"0,0,1,1,nan", ":2:9", "util is \"nan\"; expected a number in [0, 1]"},
      {"0,0,1,1,\"1\"", ":2:9",
       "util starts with a double quote; quoted CSV fields are not supported, expected a bare value"},
  };
  for (const Case& c : cases) {
    INFO("row " << c.row);
    const std::string path = dir.write("bad.csv", kHeader + c.row + "\n");
    const auto error = error_of(path);
    CHECK(error.where == path + c.column);
    CHECK(error.message == c.message);
  }
}

TEST_CASE("bad optional values", "[traces][job_csv]") {
  const TempDir dir;
  const std::string header = "job_id,submit_s,gpus,duration_s,util,beta,deadline_s,user\n";
  std::string path = dir.write("beta.csv", header + "0,0,1,1,1,-0.1,,\n");
  auto error = error_of(path);
  CHECK(error.where == path + ":2:11");
  CHECK(error.message == "beta is \"-0.1\"; expected a number in [0, 1], or an empty cell");
  path = dir.write("deadline.csv", header + "0,0,1,1,1,,-3,\n");
  error = error_of(path);
  CHECK(error.where == path + ":2:12");
  CHECK(error.message == "deadline_s is \"-3\"; expected a number of seconds >= 0, or an empty cell");
}

TEST_CASE("columns count characters: a UTF-8 user name before a bad cell", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("utf8.csv", "user,job_id,submit_s,gpus,duration_s,util\nZoë,0,x,1,1,1\n");
  const auto error = error_of(path);
  CHECK(error.where == path + ":2:7");  // "Zoë,0," is 6 characters (7 bytes)
  CHECK(error.message == "submit_s is \"x\"; expected a number of seconds >= 0");
}

TEST_CASE("every problem of a bad row is reported", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("several.csv", kHeader + "x,1,0,1,2\n");
  const auto errors = errors_of(path);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].where == path + ":2:1");
  CHECK(errors[1].where == path + ":2:5");
  CHECK(errors[2].where == path + ":2:9");
  CHECK(errors[2].message == "util is \"2\"; expected a number in [0, 1]");
}

TEST_CASE("submit times must not decrease", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("unsorted.csv", kHeader + "0,10,1,1,1\n1,10,1,1,1\n2,7.25,1,1,1\n");
  JobCsvReader reader(path);
  CHECK(reader.next());
  CHECK(reader.next());  // equal is fine
  try {
    reader.next();
    FAIL("no error for a decreasing submit time");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == path + ":4:3");
    CHECK(e.diagnostics()[0].message ==
          "submit_s is \"7.25\", earlier than the previous row's 10 (line 3); expected rows sorted by submit_s "
          "(unsorted trace)");
  }
}

TEST_CASE("a 200,000-row trace streams through", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = (dir.path / "big.csv").string();
  constexpr int kRows = 200'000;
  {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs("job_id,submit_s,gpus,duration_s,util,user\n", out);
    for (int i = 0; i < kRows; ++i) {
      std::fprintf(out, "%d,%.3f,%d,%d,0.5,user%d\n", i, i * 0.5, 1 << (i % 4), 100 + i % 7, i % 10);
    }
    std::fclose(out);
  }
  REQUIRE(std::filesystem::file_size(path) > 2 * traces::LineReader::kDefaultChunkBytes);  // several chunks
  JobCsvReader reader(path);
  std::uint64_t count = 0;
  double work = 0.0;
  double expected_work = 0.0;
  while (auto job = reader.next()) {
    const int i = static_cast<int>(count);
    REQUIRE(job->id == count);
    REQUIRE(job->submit == SimTime::from_ms(500 * std::int64_t{i}));
    REQUIRE(job->user == "user" + std::to_string(i % 10));
    work += job->work;
    expected_work += static_cast<double>((1 << (i % 4)) * (100 + i % 7));
    ++count;
  }
  CHECK(count == kRows);
  CHECK(work == expected_work);  // integers below 2^53: exact
  CHECK(reader.line_number() == kRows + 1);
}

TEST_CASE("a job_id used twice is an error at the second use, naming the first line", "[traces][job_csv]") {
  const TempDir dir;
  const std::string path = dir.write("dup.csv", kHeader + "0,0,1,1,1\n1,1,1,1,1\n\n2,2,1,1,1\n1,3,1,1,1\n");
  JobCsvReader reader(path);
  for (int i = 0; i < 3; ++i) REQUIRE(reader.next());
  CHECK(reader.location() == path + ":5");
  try {
    reader.next();
    FAIL("no error for a repeated job_id");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == path + ":6:1");
    CHECK(e.diagnostics()[0].message == "job_id 1 is used again (first on line 3); expected each job_id once");
  }
}

TEST_CASE("job_ids are remembered as ranges: any order, gaps, joins, and the largest id", "[traces][job_csv]") {
  const TempDir dir;
  // Ranges [5, 5], [7, 7], then 6 joins them; 0 and the largest uint64 stand alone.
  std::string rows;
  const std::vector<std::string> ids = {"5", "7", "6", "0", "18446744073709551615", "4", "8", "2"};
  for (std::size_t i = 0; i < ids.size(); ++i) rows += ids[i] + "," + std::to_string(i) + ",1,1,1\n";
  CHECK(read_all(dir.write("ok.csv", kHeader + rows)).size() == ids.size());
  for (const std::string again : {"6", "4", "8", "0", "18446744073709551615", "5", "7", "2"}) {
    const std::string path = dir.write("again.csv", kHeader + rows + again + ",99,1,1,1\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":" + std::to_string(ids.size() + 2) + ":1");
    CHECK_THAT(error.message, Catch::Matchers::Contains("job_id " + again + " is used again"));
  }
  // Not a duplicate: the neighbours of every range.
  for (const std::string fresh : {"1", "3", "9", "18446744073709551614"}) {
    CHECK(read_all(dir.write("fresh.csv", kHeader + rows + fresh + ",99,1,1,1\n")).size() == ids.size() + 1);
  }
}

TEST_CASE("a deadline the job cannot meet is an error at the deadline", "[traces][job_csv]") {
  const TempDir dir;
  const std::string header = "job_id,submit_s,gpus,duration_s,util,earliest_start_s,deadline_s\n";
  SECTION("feasible windows, exactly met or open") {
    const auto jobs =
        read_all(dir.write("ok.csv", header + "0,100,2,50,1,200,250\n1,100,2,50,1,,150\n2,100,2,50,1,300,\n"
                                              "3,100,2,50,1,20,150.000001\n"));
    REQUIRE(jobs.size() == 4);
    CHECK(jobs[0].deadline == SimTime::seconds(250));
    CHECK(jobs[2].earliest_start == SimTime::seconds(300));
  }
  SECTION("before the earliest start") {
    const std::string path = dir.write("early.csv", header + "0,100,2,50,1,200,150\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":2:18");
    CHECK(error.message ==
          "deadline_s is \"150\", before the job may start (earliest_start_s 200); expected at least "
          "250 (earliest_start_s 200 + duration_s 50 at full speed), or an empty cell");
  }
  SECTION("after the start but before the job can end") {
    const std::string path = dir.write("short.csv", header + "0,100,2,50,1,200,249.5\n");
    CHECK(
        error_of(path).message ==
        "deadline_s is \"249.5\", before the job can end; expected at least 250 (earliest_start_s 200 + duration_s 50 "
        "at full speed), or an empty cell");
  }
  SECTION("without an earliest start (or one before the submit time), from the submit time") {
    const std::string path = dir.write("submit.csv", header + "0,100,2,50,1,,120\n");
    CHECK(error_of(path).message ==
          "deadline_s is \"120\", before the job can end; expected at least 150 (submit_s 100 + duration_s 50 at full "
          "speed), or an empty cell");
    const std::string before = dir.write("before.csv", header + "0,100,2,50,1,10,90\n");
    CHECK_THAT(error_of(before).message,
               Catch::Matchers::Contains("before the job may start (submit_s 100); expected at least 150"));
  }
}

TEST_CASE("the data_gb and home_site columns: empty is 0, anything else checked", "[traces][jobs]") {
  TempDir dir;
  const std::string header = "job_id,submit_s,gpus,duration_s,util,data_gb,home_site\n";
  const auto jobs = read_all(dir.write("ok.csv", header + "0,0,1,10,1,250.5,2\n1,1,1,10,1,,\n"));
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].data_gb == 250.5);
  CHECK(jobs[0].home_site == 2);
  CHECK(jobs[1].data_gb == 0.0);
  CHECK(jobs[1].home_site == 0);
  for (const std::string bad : {"-1,0", "inf,0", "x,0"}) {
    const auto errors = errors_of(dir.write("bad.csv", header + "0,0,1,10,1," + bad + "\n"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("data_gb is") == 0);
  }
  for (const std::string bad : {"1,-1", "1,1.5"}) {
    const auto errors = errors_of(dir.write("bad.csv", header + "0,0,1,10,1," + bad + "\n"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("home_site is") == 0);
  }
}
