#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "results/result_reader.hpp"
#include "results/result_writer.hpp"

using namespace wattsim::results;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temporary folder, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("wattsim_results_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

JobRow make_job(std::uint64_t i) {
  const double x = static_cast<double>(i);
  JobRow row;
  row.id = 1000 + i;
  row.submit_s = x * 3.5;
  row.start_s = x * 3.5 + 0.25;
  row.end_s = x * 3.5 + 7200.125;
  row.accelerators = static_cast<std::uint32_t>(1 + i % 8);
  row.it_energy_kwh = x * 1e-3 + 0.1;
  row.carbon_location_kg = x * 2e-4;
  return row;
}

const std::vector<SummaryValue> kSummary = {{"it_energy_kwh", 1250.5, "kWh", "IT energy at the wall"},
                                            {"pue", 1.25, "", "Power usage effectiveness"},
                                            {"carbon_kg", 300.0, "kg", "Location-based emissions"}};
const std::vector<std::string> kSampleDescriptions = {"Start of the interval", "Mean IT power", "Mean PUE"};

// time_s, it_power_w, pue for row i: exact binary fractions, so equality is exact.
std::array<double, 3> make_sample(std::size_t i) {
  const double x = static_cast<double>(i);
  return {x * 60.0, 4.0e5 + x * 0.5, 1.25 + static_cast<double>(i % 16) / 64.0};
}

std::size_t file_count(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("a result set round-trips meta, summaries, tables and jobs", "[results]") {
  // 0: plain writes; otherwise whole chunks go through chunk_codec and H5Dwrite_chunk.
  const int level = GENERATE(0, 1, 6);
  CAPTURE(level);
  TempDir dir;
  const std::string path = dir.file("run.h5");
  // A scenario text larger than HDF5's 64 KiB compact attribute limit, with non-ASCII text.
  std::string scenario = R"({"facility": {"name": "Zürich-1", "supply_temp": "18 °C"}, "pad": ")";
  scenario += std::string(100'000, 'x') + "\"}";
  constexpr std::size_t kSamples = 20'000;  // not a multiple of the 8192-row chunk
  constexpr std::size_t kJobs = 50'000;     // not a multiple of the 16384-row chunk
  {
    ResultWriter out(path, level);
    out.write_meta({{"wattsim_version", "0.1.0"},
                    {"scenario", scenario},
                    {"command_line", "wattsim run s.json -o run.h5"},
                    {"created_utc", "2024-05-01T12:00:00Z"}},
                   {{"seed", 42.0}, {"duration_s", 86400.0}});
    out.write_summary("/summary", kSummary);
    out.write_summary("/sites/a/summary", {{"peak_power_w", 3.5e6, "W", "Highest power"}});
    auto& ts = out.add_table("/timeseries", {"time_s", "it_power_w", "pue"}, {"s", "W", ""}, kSampleDescriptions);
    for (std::size_t i = 0; i < kSamples; ++i) ts.append(make_sample(i));
    CHECK(ts.rows() == kSamples);
    for (std::uint64_t i = 0; i < kJobs; ++i) out.append_job(make_job(i));
    out.commit();
  }
  const ResultReader in(path);
  CHECK(in.meta_strings() ==
        std::vector<std::pair<std::string, std::string>>{{"wattsim_version", "0.1.0"},
                                                         {"scenario", scenario},
                                                         {"command_line", "wattsim run s.json -o run.h5"},
                                                         {"created_utc", "2024-05-01T12:00:00Z"}});
  CHECK(in.meta_numbers() == std::vector<std::pair<std::string, double>>{
                                 {"format_version", kFormatVersion}, {"seed", 42.0}, {"duration_s", 86400.0}});
  CHECK(in.summary() == kSummary);
  CHECK(in.summary("/sites/a/summary") == std::vector<SummaryValue>{{"peak_power_w", 3.5e6, "W", "Highest power"}});

  REQUIRE(in.columns("/timeseries") == std::vector<std::string>{"time_s", "it_power_w", "pue"});
  CHECK(in.column_unit("/timeseries", "it_power_w") == "W");
  CHECK(in.column_unit("/timeseries", "pue") == "");
  const auto time_s = in.column("/timeseries", "time_s");
  const auto power_w = in.column("/timeseries", "it_power_w");
  const auto pue = in.column("/timeseries", "pue");
  REQUIRE(time_s.size() == kSamples);
  REQUIRE(power_w.size() == kSamples);
  REQUIRE(pue.size() == kSamples);
  std::size_t sample_mismatches = 0;
  for (std::size_t i = 0; i < kSamples; ++i) {
    const auto expected = make_sample(i);
    if (time_s[i] != expected[0] || power_w[i] != expected[1] || pue[i] != expected[2]) ++sample_mismatches;
  }
  CHECK(sample_mismatches == 0);

  const auto jobs = in.jobs();
  REQUIRE(jobs.size() == kJobs);
  std::size_t job_mismatches = 0;
  for (std::uint64_t i = 0; i < kJobs; ++i) {
    if (!(jobs[i] == make_job(i))) ++job_mismatches;
  }
  CHECK(job_mismatches == 0);
  CHECK(jobs[49'999].id == 50'999);
  CHECK(jobs[49'999].accelerators == 8);
}

TEST_CASE("a result set appears at its path only when committed", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  ResultWriter out(path, 0);
  CHECK(out.temp_path() == path + ".tmp-" + std::to_string(::getpid()));
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::exists(out.temp_path()));
  out.append_job(make_job(1));
  out.commit();
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(out.temp_path()));
  CHECK(file_count(dir.path) == 1);
  CHECK(ResultReader(path).jobs() == std::vector<JobRow>{make_job(1)});
  CHECK_THROWS_AS(out.commit(), std::logic_error);
  CHECK_THROWS_AS(out.append_job(make_job(2)), std::logic_error);
}

TEST_CASE("commit replaces an existing result set", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  for (double seed : {1.0, 2.0}) {
    ResultWriter out(path);
    out.write_meta({}, {{"seed", seed}});
    out.commit();
  }
  CHECK(ResultReader(path).meta_numbers() ==
        std::vector<std::pair<std::string, double>>{{"format_version", kFormatVersion}, {"seed", 2.0}});
  CHECK(file_count(dir.path) == 1);
}

TEST_CASE("a writer destroyed without commit leaves no file", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  std::string temp;
  {
    ResultWriter out(path);
    temp = out.temp_path();
    out.write_meta({{"wattsim_version", "0.1.0"}}, {});
    auto& ts = out.add_table("/timeseries", {"time_s"}, {"s"}, {"Start of the interval"});
    for (int i = 0; i < 10'000; ++i) ts.append(std::array{static_cast<double>(i)});
    for (std::uint64_t i = 0; i < 70'000; ++i) out.append_job(make_job(i));  // past one written block
    CHECK(fs::exists(temp));
  }
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(temp));
  CHECK(file_count(dir.path) == 0);
}

// Makes every later write through the descriptors this process holds open on `path` fail with
// ENOSPC, as on a full disk, by pointing them at /dev/full. Returns how many there were.
int fill_disk_under(const std::string& path) {
  const fs::path target = fs::canonical(path);
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (fs::read_symlink(entry.path(), error) != target || error) continue;
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(full >= 0);
    REQUIRE(::dup2(full, std::stoi(entry.path().filename().string())) >= 0);
    ::close(full);
    ++count;
  }
  return count;
}

TEST_CASE("a failed write ends the writer and removes its temporary file", "[results]") {
  if (!fs::exists("/dev/full") || !fs::exists("/proc/self/fd")) {
    WARN("skipped: needs /dev/full and /proc/self/fd");
    return;
  }
  const int level = GENERATE(0, 1);  // plain writes, direct chunk writes
  CAPTURE(level);
  TempDir dir;
  const std::string path = dir.file("full.h5");
  ResultWriter out(path, level);
  out.write_meta({{"wattsim_version", "0.1.0"}}, {});
  REQUIRE(fill_disk_under(out.temp_path()) == 1);
  std::string message;
  try {
    for (std::uint64_t i = 0; i < 1'000'000; ++i) out.append_job(make_job(i));
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Contains(path) && Contains("write rows to /jobs") && Contains("No space left on device"));
  CHECK_FALSE(fs::exists(out.temp_path()));
  CHECK_THROWS_AS(out.append_job(make_job(0)), std::logic_error);
  CHECK_THROWS_AS(out.commit(), std::logic_error);
  CHECK(file_count(dir.path) == 0);
}

TEST_CASE("a commit that cannot write ends the writer and leaves no file", "[results]") {
  if (!fs::exists("/dev/full") || !fs::exists("/proc/self/fd")) {
    WARN("skipped: needs /dev/full and /proc/self/fd");
    return;
  }
  TempDir dir;
  const std::string path = dir.file("full.h5");
  ResultWriter out(path);
  auto& ts = out.add_table("/timeseries", {"time_s"}, {"s"}, {"Start of the interval"});
  for (int i = 0; i < 100; ++i) ts.append(std::array{static_cast<double>(i)});
  REQUIRE(fill_disk_under(out.temp_path()) == 1);
  CHECK_THROWS_WITH(out.commit(), Contains(path) && Contains("No space left on device"));
  CHECK_THROWS_AS(ts.append(std::array{1.0}), std::logic_error);
  CHECK(file_count(dir.path) == 0);
}

TEST_CASE("a moved writer keeps its file and its tables", "[results]") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  ResultWriter first(path);
  auto& ts = first.add_table("/timeseries", {"a", "b"}, {"W", "s"}, {"A", "B"});
  ts.append(std::array{1.0, 2.0});
  ResultWriter second(std::move(first));
  ts.append(std::array{3.0, 4.0});
  second.commit();
  const ResultReader in(path);
  CHECK(in.column("/timeseries", "a") == std::vector<double>{1.0, 3.0});
  CHECK(in.column("/timeseries", "b") == std::vector<double>{2.0, 4.0});
}

TEST_CASE("an empty result set still holds /meta and an empty /jobs", "[results]") {
  TempDir dir;
  const std::string path = dir.file("empty.h5");
  ResultWriter(path).commit();
  const ResultReader in(path);
  CHECK(in.jobs().empty());
  CHECK(in.meta_strings().empty());
  CHECK_THROWS_WITH(in.summary(), Contains(path) && Contains("no group /summary"));
  CHECK_THROWS_WITH(in.column("/timeseries", "x"), Contains("no dataset /timeseries/x"));
}

TEST_CASE("summaries written in two calls keep every unit", "[results]") {
  TempDir dir;
  const std::string path = dir.file("s.h5");
  ResultWriter out(path);
  out.write_summary("/summary", {{"it_energy_kwh", 10.0, "kWh", "IT energy"}});
  out.write_summary("/summary", {{"carbon_kg", 2.5, "kg", "Emissions"}, {"jobs", 7.0, "", "Jobs"}});
  CHECK_THROWS_WITH(out.write_summary("/summary", {{"carbon_kg", 1.0, "kg", "Emissions"}}),
                    Contains(path) && Contains("carbon_kg") && Contains("/summary"));
  for (const char* reserved : {"units", "descriptions", "description"}) {
    CHECK_THROWS_AS(out.write_summary("/summary", {{reserved, 1.0, "", "A clash"}}), std::invalid_argument);
  }
  out.commit();
  CHECK(ResultReader(path).summary() == std::vector<SummaryValue>{{"it_energy_kwh", 10.0, "kWh", "IT energy"},
                                                                  {"carbon_kg", 2.5, "kg", "Emissions"},
                                                                  {"jobs", 7.0, "", "Jobs"}});
}

TEST_CASE("tables reject malformed rows and column lists", "[results]") {
  TempDir dir;
  ResultWriter out(dir.file("t.h5"));
  auto& ts = out.add_table("/timeseries", {"a", "b"}, {"", ""}, {"A", "B"});
  CHECK_THROWS_AS(ts.append(std::array{1.0}), std::logic_error);
  CHECK(ts.rows() == 0);
  CHECK_THROWS_AS(out.add_table("/x", {"a", "b"}, {"W"}, {"A", "B"}), std::invalid_argument);
  CHECK_THROWS_AS(out.add_table("/x", {"a", "b"}, {"W", "W"}, {"A"}), std::invalid_argument);
  CHECK_THROWS_AS(out.add_table("/x", {"a", "a"}, {"W", "W"}, {"A", "A"}), std::invalid_argument);
  CHECK_THROWS_AS(out.add_table("/x", {"a/b"}, {"W"}, {"A"}), std::invalid_argument);
  CHECK_THROWS_AS(out.add_table("/x", {}, {}, {}), std::invalid_argument);
  CHECK_THROWS_AS(out.add_table("relative", {"a"}, {"W"}, {"A"}), std::invalid_argument);
  CHECK_THROWS_WITH(out.add_table("/timeseries", {"c", "b"}, {"W", "W"}, {"C", "B"}), Contains("/timeseries/b exists"));
  CHECK(out.add_table("/timeseries", {"c"}, {"W"}, {"C"}).columns() ==
        std::vector<std::string>{"c"});  // nothing was left
  ts.append(std::array{1.0, 2.0});
  out.commit();
  CHECK_THROWS_AS(ts.append(std::array{1.0, 2.0}), std::logic_error);
  CHECK(ResultReader(dir.file("t.h5")).columns("/timeseries") == std::vector<std::string>{"a", "b", "c"});
  CHECK_THROWS_AS(ResultWriter(dir.file("bad.h5"), 10), std::invalid_argument);
}

TEST_CASE("a writer in a folder that does not exist throws with the path", "[results]") {
  TempDir dir;
  const std::string path = dir.file("no/such/folder/out.h5");
  CHECK_THROWS_WITH(ResultWriter(path), Contains(path) && Contains("cannot create"));
  CHECK(file_count(dir.path) == 0);
}

TEST_CASE("reading something that is not a result set throws a clear error", "[results]") {
  TempDir dir;
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << "not an HDF5 file\n";
  CHECK_THROWS_WITH(ResultReader(text), Contains(text) && Contains("not a wattsim result set"));
  const std::string missing = dir.file("missing.h5");
  CHECK_THROWS_WITH(ResultReader(missing), Contains(missing) && Contains("not a wattsim result set"));
  // A valid HDF5 file without /meta.
  const std::string other = dir.file("other.h5");
  const hid_t id = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(id >= 0);
  H5Fclose(id);
  CHECK_THROWS_WITH(ResultReader(other), Contains(other) && Contains("no /meta group"));
}

TEST_CASE("h5py and pandas read a result set without custom code", "[results][python]") {
  if (std::system("/usr/bin/python3 -c \"import h5py, pandas\" > /dev/null 2>&1") != 0) {
    WARN("skipped: /usr/bin/python3 with h5py and pandas is not available");
    return;
  }
  TempDir dir;
  const std::string path = dir.file("py.h5");
  {
    ResultWriter out(path);
    out.write_meta({{"scenario", R"({"name": "Zürich"})"}}, {{"seed", 42.0}});
    out.write_summary("/summary", {{"it_energy_kwh", 1250.5, "kWh", "IT energy at the wall"}});
    out.describe_group("/timeseries", "Interval averages");
    auto& ts = out.add_table("/timeseries", {"time_s", "it_power_w", "pue"}, {"s", "W", ""}, kSampleDescriptions);
    // Past whole chunks (8192 and 16384 rows), so both the direct chunk writes and HDF5's own
    // filters (the final partial chunk) are read back.
    for (std::size_t i = 0; i < 20'000; ++i) ts.append(make_sample(i));
    for (std::uint64_t i = 0; i < 40'000; ++i) out.append_job(make_job(i));
    // A time x rack matrix of 5,000 x 3: chunks of 2,730 rows, the second one partial.
    std::vector<double> m(5000 * 3);
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<double>(i) + 0.5;
    out.write_matrix("/racks/power_kw", 5000, 3, m, "kW", "Mean rack power");
    out.commit();
  }
  std::string job_columns;  // a Python list of the /jobs field names, in file order
  for (const auto& field : job_fields())
    job_columns += std::string(job_columns.empty() ? "[" : ", ") + "\"" + field.name + "\"";
  job_columns += "]";
  const std::string script = dir.file("check.py");
  std::ofstream(script) << "job_columns = " << job_columns << R"PY(
import json, sys
import h5py, pandas
with h5py.File(sys.argv[1], "r") as f:
    jobs = pandas.DataFrame(f["jobs"][:])
    assert list(jobs.columns) == job_columns, list(jobs.columns)
    assert len(jobs) == 40000
    assert jobs["id"].iloc[7] == 1007 and jobs["accelerators"].iloc[7] == 8
    assert jobs["end_s"].iloc[2] == 7207.125
    assert jobs["id"].iloc[39999] == 40999 and jobs["it_energy_kwh"].iloc[39999] == 39999 * 1e-3 + 0.1
    assert f["jobs"].compression == "gzip" and f["jobs"].shuffle
    ts = pandas.DataFrame({k: f["timeseries"][k][:] for k in f["timeseries"]})
    assert list(ts.columns) == ["time_s", "it_power_w", "pue"], list(ts.columns)
    assert len(ts) == 20000 and ts["it_power_w"].iloc[3] == 400001.5 and ts["time_s"].iloc[19999] == 19999 * 60.0
    assert f["timeseries"]["it_power_w"].attrs["units"] == "W"
    assert f["timeseries"]["it_power_w"].attrs["description"] == "Mean IT power"
    assert f["timeseries"].attrs["description"] == "Interval averages"
    assert f["meta"].attrs["format_version"] == 2
    assert f["meta"].attrs["scenario"] == '{"name": "Zürich"}'
    assert f["meta"].attrs["seed"] == 42
    assert f["summary"].attrs["it_energy_kwh"] == 1250.5
    assert json.loads(f["summary"].attrs["units"]) == {"it_energy_kwh": "kWh"}
    assert json.loads(f["summary"].attrs["descriptions"]) == {"it_energy_kwh": "IT energy at the wall"}
    assert {k for k in f["summary"].attrs if k not in ("units", "descriptions")} == {"it_energy_kwh"}
    m = f["racks"]["power_kw"]
    assert m.shape == (5000, 3) and m.compression == "gzip" and m.shuffle and m.attrs["units"] == "kW"
    assert m.attrs["description"] == "Mean rack power"
    a = m[:]
    assert a[0, 0] == 0.5 and a[2729, 2] == 2729 * 3 + 2.5 and a[2730, 0] == 2730 * 3 + 0.5 and a[4999, 2] == 14999.5
)PY";
  const std::string command = "/usr/bin/python3 " + script + " " + path;
  CHECK(std::system(command.c_str()) == 0);
}

TEST_CASE("a matrix round-trips with and without compression, edge chunk included", "[results]") {
  TempDir dir;
  for (const int level : {0, 1}) {
    const std::string path = dir.file("m" + std::to_string(level) + ".h5");
    std::vector<double> m(1001 * 17);
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = std::sin(static_cast<double>(i)) * 1e3;
    {
      ResultWriter out(path, level);
      out.write_matrix("/racks/inlet_temp_c", 1001, 17, m, "C", "Mean inlet");  // chunks of 481 rows: 481, 481, 39
      out.write_matrix("/racks/empty", 0, 17, {}, "C", "Nothing");
      CHECK_THROWS_AS(out.write_matrix("/racks/bad", 2, 2, m, "C", "Too few values"), std::logic_error);
      out.commit();
    }
    const ResultReader in(path);
    const auto back = in.matrix("/racks/inlet_temp_c");
    CHECK(back.rows == 1001);
    CHECK(back.cols == 17);
    CHECK(back.values == m);
    CHECK(back.at(1000, 16) == m.back());
    CHECK(in.matrix("/racks/empty").rows == 0);
  }
}

TEST_CASE("units and descriptions round-trip for summaries, groups, tables, records, matrices and indices",
          "[results]") {
  TempDir dir;
  const std::string path = dir.file("described.h5");
  {
    ResultWriter out(path);
    out.write_summary("/summary", kSummary);
    out.describe_group("/summary", "Totals over the run");
    out.describe_group("/timeseries", "First words");
    out.describe_group("/timeseries", "Interval averages");  // replaces
    auto& ts = out.add_table("/timeseries", {"time_s", "it_power_w", "pue"}, {"s", "W", ""}, kSampleDescriptions);
    ts.append(make_sample(0));
    const std::vector<double> rows = {1.0, 2.0, 3.0, 4.0};
    out.write_records("/variants", "One row per variant", {"solar_kw", "annual_cost"}, {"kW", "USD/y"},
                      {"Solar nameplate power", "Annual cost"}, rows);
    out.write_matrix("/racks/power_kw", 1, 2, std::vector<double>{1.0, 2.0}, "kW", "Mean rack power");
    out.write_indices("/pareto", std::vector<std::int64_t>{1, 0}, "1", "Variants on the Pareto front");
    out.omit_jobs();
    out.commit();
  }
  const ResultReader in(path);
  CHECK(in.summary() == kSummary);
  CHECK(in.description("/summary") == "Totals over the run");
  CHECK(in.description("/timeseries") == "Interval averages");
  CHECK(in.description("/timeseries/it_power_w") == "Mean IT power");
  CHECK(in.description("/timeseries/pue") == "Mean PUE");
  CHECK(in.column_unit("/timeseries", "time_s") == "s");
  const auto records = in.records("/variants");
  CHECK(records.fields == std::vector<std::string>{"solar_kw", "annual_cost"});
  CHECK(records.units == std::vector<std::string>{"kW", "USD/y"});
  CHECK(records.descriptions == std::vector<std::string>{"Solar nameplate power", "Annual cost"});
  CHECK(in.description("/variants") == "One row per variant");
  CHECK(in.description("/racks/power_kw") == "Mean rack power");
  CHECK(in.unit("/racks/power_kw") == "kW");
  CHECK(in.description("/pareto") == "Variants on the Pareto front");
  CHECK(in.unit("/pareto") == "1");
  CHECK(in.indices("/pareto") == std::vector<std::int64_t>{1, 0});
  CHECK(in.description("/racks") == "");  // a group nobody described
  CHECK_THROWS_WITH(in.description("/nothing"), Contains(path) && Contains("/nothing"));
}

TEST_CASE("records with text fields round-trip, names and descriptions included", "[results]") {
  TempDir dir;
  const std::string path = dir.file("texts.h5");
  const int level = GENERATE(0, 1);
  CAPTURE(level);
  {
    ResultWriter out(path, level);
    out.write_records("/capacity_violations", "Elements above their capacity", {"site", "peak_kw"}, {"1", "kW"},
                      {"Site index", "Highest load"}, std::vector<double>{0, 12.5, 1, 7.25, 1, 3.0},
                      {{"element", "The element's name", {"ups", "pdu-1", "rack-2/node-3 ü"}},
                       {"kind", "The element's kind", {"ups", "pdu", "node"}}});
    out.write_records("/empty", "No rows", {"site"}, {"1"}, {"Site index"}, {}, {{"element", "Name", {}}});
    CHECK_THROWS_AS(out.write_records("/bad", "Bad", {"site"}, {"1"}, {"Site"}, std::vector<double>{1.0},
                                      {{"element", "Name", {"a", "b"}}}),
                    std::logic_error);
    CHECK_THROWS_AS(out.write_records("/bad", "Bad", {"site"}, {"1"}, {"Site"}, std::vector<double>{1.0},
                                      {{"site", "Name", {"a"}}}),
                    std::logic_error);
    CHECK_THROWS_AS(
        out.write_records("/bad", "Bad", {"site"}, {"1"}, {"Site"}, std::vector<double>{1.0}, {{"element", "", {"a"}}}),
        std::logic_error);
    out.omit_jobs();
    out.commit();
  }
  const ResultReader in(path);
  const auto r = in.records("/capacity_violations");
  CHECK(r.fields == std::vector<std::string>{"site", "peak_kw"});
  CHECK(r.values == std::vector<double>{0, 12.5, 1, 7.25, 1, 3.0});
  CHECK(r.units == std::vector<std::string>{"1", "kW"});
  CHECK(r.text_fields == std::vector<std::string>{"element", "kind"});
  CHECK(r.text_descriptions == std::vector<std::string>{"The element's name", "The element's kind"});
  CHECK(r.text(2, "element") == "rack-2/node-3 ü");
  CHECK(r.text(1, "kind") == "pdu");
  CHECK(r.at(2, "peak_kw") == 3.0);
  const auto empty = in.records("/empty");
  CHECK(empty.rows() == 0);
  CHECK(empty.text_fields == std::vector<std::string>{"element"});
}

TEST_CASE("every key is described: an empty description is a logic error naming the key, and nothing is written",
          "[results]") {
  TempDir dir;
  const std::string path = dir.file("undescribed.h5");
  ResultWriter out(path);
  CHECK_THROWS_WITH(out.write_summary("/summary", {{"pue", 1.2, "", "PUE"}, {"it_energy_kwh", 1.0, "kWh"}}),
                    Contains("it_energy_kwh") && Contains("no description"));
  CHECK_THROWS_AS(out.write_summary("/summary", {{"it_energy_kwh", 1.0, "kWh", ""}}), std::logic_error);
  CHECK_THROWS_WITH(out.add_table("/timeseries", {"time_s", "it_power_w"}, {"s", "W"}, {"Start", ""}),
                    Contains("/timeseries/it_power_w") && Contains("no description"));
  CHECK_THROWS_WITH(
      out.write_records("/variants", "Variants", {"a", "b"}, {"1", "1"}, {"A", ""}, std::vector<double>{1, 2}),
      Contains("field b") && Contains("/variants"));
  CHECK_THROWS_WITH(out.write_records("/variants", "", {"a"}, {"1"}, {"A"}, std::vector<double>{1}),
                    Contains("/variants") && Contains("no description"));
  CHECK_THROWS_AS(out.write_records("/variants", "V", {"a", "b"}, {"1", "1"}, {"A"}, std::vector<double>{1, 2}),
                  std::logic_error);
  CHECK_THROWS_WITH(out.write_matrix("/racks/power_kw", 1, 1, std::vector<double>{1.0}, "kW", ""),
                    Contains("/racks/power_kw"));
  CHECK_THROWS_WITH(out.write_indices("/pareto", std::vector<std::int64_t>{0}, "1", ""), Contains("/pareto"));
  CHECK_THROWS_WITH(out.describe_group("/racks", ""), Contains("/racks"));
  // Misuse leaves the writer usable and the file as it was.
  out.write_summary("/summary", {{"pue", 1.2, "1", "Power usage effectiveness"}});
  out.commit();
  const ResultReader in(path);
  CHECK(in.summary() == std::vector<SummaryValue>{{"pue", 1.2, "1", "Power usage effectiveness"}});
  CHECK_THROWS(in.columns("/timeseries"));
  CHECK_THROWS(in.records("/variants"));
  CHECK_THROWS(in.matrix("/racks/power_kw"));
}

namespace {

// Rewrites /meta format_version of a committed file with the HDF5 C API, as a file of another
// version would have it: absent (version 1, written before the attribute existed) or `version`.
void set_format_version(const std::string& path, std::optional<double> version) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t meta = H5Gopen2(file, "/meta", H5P_DEFAULT);
  REQUIRE(meta >= 0);
  REQUIRE(H5Adelete(meta, "format_version") >= 0);
  if (version) {
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(meta, "format_version", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(attr >= 0);
    REQUIRE(H5Awrite(attr, H5T_NATIVE_DOUBLE, &*version) >= 0);
    H5Aclose(attr);
    H5Sclose(space);
  }
  H5Gclose(meta);
  H5Fclose(file);
}

// Removes a string attribute of the object at `object` (the descriptions of a version-1 file).
void remove_attribute(const std::string& path, const char* object, const char* name) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Adelete_by_name(file, object, name, H5P_DEFAULT) >= 0);
  H5Fclose(file);
}

}  // namespace

TEST_CASE("result sets carry their format version, and a file of another version reads with a note", "[results]") {
  TempDir dir;
  const std::string path = dir.file("versioned.h5");
  {
    ResultWriter out(path);
    CHECK_THROWS_AS(out.write_meta({}, {{"format_version", 7.0}}), std::logic_error);
    CHECK_THROWS_AS(out.write_meta({{"format_version", "7"}}, {}), std::logic_error);
    out.write_meta({{"wattsim_version", "0.1.0"}}, {{"seed", 1.0}});
    out.write_summary("/summary", kSummary);
    out.commit();
  }
  {
    const ResultReader in(path);
    CHECK(in.format_version() == kFormatVersion);
    CHECK(in.version_note().empty());
  }
  SECTION("a file written before format_version existed is version 1, and reads without descriptions") {
    set_format_version(path, std::nullopt);
    remove_attribute(path, "/summary", "descriptions");
    const ResultReader in(path);
    CHECK(in.format_version() == 1);
    CHECK(in.version_note() ==
          "this result set has format version 1; this wattsim writes version 2; renamed keys are listed in "
          "docs/results.md (Format versions)");
    const auto summary = in.summary();
    REQUIRE(summary.size() == kSummary.size());
    CHECK(summary[0].name == "it_energy_kwh");
    CHECK(summary[0].unit == "kWh");
    CHECK(summary[0].description.empty());
    CHECK(in.meta_numbers() == std::vector<std::pair<std::string, double>>{{"seed", 1.0}});
  }
  SECTION("a newer file says this wattsim may misread it") {
    set_format_version(path, 3.0);
    const ResultReader in(path);
    CHECK(in.format_version() == 3);
    CHECK_THAT(in.version_note(),
               Contains("format version 3") && Contains("may misread") && Contains("Format versions"));
  }
  SECTION("a format_version that is not a whole number is an error naming the file") {
    set_format_version(path, 1.5);
    CHECK_THROWS_WITH(ResultReader(path).format_version(), Contains(path) && Contains("format_version"));
  }
}

TEST_CASE("a batch result set is told from a run's", "[results]") {
  TempDir dir;
  const std::string batch = dir.file("batch.h5");
  const std::string run = dir.file("run.h5");
  {
    ResultWriter out(batch);
    out.omit_jobs();
    out.write_records("/variants", "Variants", {"index"}, {"1"}, {"Variant index"}, std::vector<double>{0.0});
    out.write_indices("/pareto", std::vector<std::int64_t>{0}, "1", "Front");
    out.commit();
  }
  {
    ResultWriter out(run);
    out.write_summary("/summary", kSummary);
    out.commit();
  }
  CHECK(ResultReader(batch).is_batch());
  CHECK_FALSE(ResultReader(run).is_batch());
}
