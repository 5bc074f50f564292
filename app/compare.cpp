#include "app/compare.hpp"

#include "app/cli_common.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/interrupt.hpp"
#include "app/memory_estimate.hpp"
#include "app/output_guard.hpp"
#include "app/scenario.hpp"
#include "app/units_text.hpp"
#include "app/version.hpp"
#include "models/catalog/json_reader.hpp"
#include "models/catalog/json_text.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "traces/series_csv.hpp"

extern char** environ;  // posix_spawn passes this process's environment on

namespace wattsim::app {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- The variants ----

struct Variant {
  std::string name;               // as given: printed, and /compare/summary's "variant"
  std::string group;              // "/runs/" + the name with '/' replaced by '_'
  std::string origin;             // where it was given, for messages: "--policy fifo", "compare.variants.fifo"
  std::vector<std::string> sets;  // its overrides, applied after the command line's --set
  Scenario scenario;
};

bool valid_name(const std::string& name) {
  return !name.empty() && name != "." && name.find('/') == std::string::npos;
}

// "V1,V2,..." split at the commas outside brackets, braces and double quotes, so that a value
// may be JSON: --vary 'facility.racks[0].count=16,32' or --vary 'policy={"name":"fifo"},...'.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out(1);
  int depth = 0;
  bool quoted = false, escaped = false;
  for (const char c : text) {
    if (quoted) {
      quoted = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  return out;
}

const char* const kPolicyShape =
    "a policy as \"policy\" takes: {\"name\": \"fifo\"}, {\"scheduler\": ..., \"placement\": ..., \"managers\": "
    "[...]}, "
    "or a scheduler's name alone";

// --policy NAME=JSON: the variant's overrides ("policy=<JSON>"), or nothing with problems added.
std::optional<std::vector<std::string>> policy_override(const std::string& name, const std::string& text,
                                                        simcore::DiagnosticSink& problems) {
  const std::string where = "--policy " + name;
  json policy;
  const auto first = text.find_first_not_of(" \t\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[' || text[first] == '"')) {
    try {
      policy = catalog::parse_json_text(text, where, kPolicyShape);
    } catch (const simcore::InputError& e) {
      for (const auto& d : e.diagnostics()) problems.add(d.where, d.message);
      return std::nullopt;
    }
  } else if (!text.empty() && text.find_first_of(" \t\n,:") == std::string::npos) {
    policy = text;  // a scheduler's name alone
  } else {
    problems.add(where, "\"" + text + "\" is not a policy; expected " + kPolicyShape);
    return std::nullopt;
  }
  if (policy.is_string()) policy = json{{"name", policy.get<std::string>()}};
  if (!policy.is_object()) {
    problems.add(where, "expected " + std::string(kPolicyShape) + ", found " + catalog::json_type_name(policy));
    return std::nullopt;
  }
  return std::vector<std::string>{"policy=" + policy.dump()};
}

// The names of compare.variants in the order the scenario file writes them.
std::vector<std::string> file_order(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = nlohmann::ordered_json::parse(text.str(), nullptr, false);
  std::vector<std::string> names;
  if (doc.is_object() && doc.contains("compare") && doc["compare"].is_object() && doc["compare"].contains("variants") &&
      doc["compare"]["variants"].is_object()) {
    for (const auto& [name, value] : doc["compare"]["variants"].items()) names.push_back(name);
  }
  return names;
}

// The variants as the command line (or the scenario) gives them, not yet loaded. Problems of
// the command line are added to `problems`.
std::vector<Variant> variants_of(const CompareOptions& o, const Scenario& base, simcore::DiagnosticSink& problems) {
  std::vector<Variant> out;
  if (!o.policies.empty() && !o.vary.empty()) {
    problems.add("--policy, --vary", "give the variants by --policy or by --vary, not both");
    return out;
  }
  if (o.vary.size() > 1) {
    problems.add("--vary",
                 "give one --vary KEY=V1,V2,...; for several keys, run one comparison per key or give "
                 "each combination as --policy or in the scenario's \"compare\"");
    return out;
  }
  for (const auto& p : o.policies) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      problems.add("--policy " + p, "expected NAME=JSON, e.g. --policy easy='{\"name\": \"easy-backfill\"}'");
      continue;
    }
    Variant v;
    v.name = p.substr(0, eq);
    v.origin = "--policy " + v.name;
    if (!valid_name(v.name)) {
      problems.add(v.origin,
                   "a variant's name must be non-empty, not \".\" and without \"/\" (it names a group of the "
                   "result set)");
      continue;
    }
    if (auto sets = policy_override(v.name, p.substr(eq + 1), problems)) {
      v.sets = std::move(*sets);
      out.push_back(std::move(v));
    }
  }
  if (!o.vary.empty()) {
    const std::string& spec = o.vary.front();
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      problems.add("--vary " + spec, "expected KEY=V1,V2,..., e.g. --vary facility.pue=1.2,1.4");
      return out;
    }
    const std::string key = spec.substr(0, eq);
    for (const auto& value : split_values(spec.substr(eq + 1))) {
      if (value.empty()) {
        problems.add("--vary " + spec, "an empty value; expected KEY=V1,V2,... with a value between every two commas");
        continue;
      }
      Variant v;
      v.name = key + "=" + value;
      v.origin = "--vary " + key;
      v.sets = {v.name};
      out.push_back(std::move(v));
    }
  }
  if (o.policies.empty() && o.vary.empty()) {
    if (base.compare_variants.empty()) {
      problems.add(o.scenario,
                   "nothing to compare: give --policy NAME=JSON (once per variant), --vary KEY=V1,V2,... "
                   "or a \"compare\": {\"variants\": {NAME: POLICY, ...}} member in the scenario");
      return out;
    }
    for (const auto& [name, policy] : compare_variants_in_order(base)) {
      Variant v;
      v.name = name;
      v.origin = "compare.variants." + name;
      v.sets = variant_overrides(policy);  // the policy, and the variant's own overrides
      out.push_back(std::move(v));
    }
  }
  std::set<std::string> names, groups;
  for (auto& v : out) {
    std::string group = v.name;
    std::replace(group.begin(), group.end(), '/', '_');
    v.group = "/runs/" + group;
    if (!names.insert(v.name).second)
      problems.add(v.origin, "the variant \"" + v.name + "\" is given twice");
    else if (!groups.insert(v.group).second) {
      problems.add(v.origin, "the variant \"" + v.name + "\" would be stored in " + v.group + " as another one is");
    }
  }
  return out;
}

// ---- Running: one child process per run ----

// A folder for the runs' result sets, "$TMPDIR/wattsim-compare-<pid>-XXXXXX", removed with
// everything in it when this goes out of scope (success, failure, exception or interruption).
// A comparison that was killed leaves its folder: the next one removes the folders of processes
// that are gone.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    remove_stale(base);
    std::string pattern = (base / ("wattsim-compare-" + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder in " + base.string() + ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  static void remove_stale(const fs::path& base) {
    static const std::string kPrefix = "wattsim-compare-";
    std::error_code ec;
    for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind(kPrefix, 0) != 0 || !it->is_directory(ec)) continue;
      const std::string rest = name.substr(kPrefix.size());
      const auto dash = rest.find('-');
      if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789") != dash) continue;
      const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
      if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
        continue;  // alive, or not ours to judge
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }

  std::string path_;
};

struct Run {
  std::size_t variant = 0;
  std::uint64_t seed = 0;
  std::uint64_t forecast_seed = 1;
  std::string group;           // Variant::group, or Variant::group + "/seed-S"
  std::string result, errors;  // the child's result set and its stderr
  std::vector<std::string> argv;
  // Measured by the parent: from the spawn to the exit, and the child's CPU time (user +
  // system, all its threads).
  double wall_s = 0, cpu_s = 0;
};

// Starts `wattsim run ...` (this very binary) with stdout discarded and stderr into a file.
pid_t spawn_run(const Run& run) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, run.errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : run.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  // /proc/self/exe: the binary this process runs, wherever it was started from (Linux).
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot start a run: ") + std::strerror(rc));
  return pid;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Each line of `text` indented under a heading line.
std::string indented(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
  return out;
}

struct Failure {
  std::size_t run;
  int status;  // the child's exit status, or 128 + the signal that ended it
};

// Runs every run, `workers` at a time, in order. Returns the first failure, if any (the runs
// still going are then stopped). Throws Interrupted after a signal (the runs stopped with the
// same signal and reaped first).
std::optional<Failure> run_all(std::vector<Run>& runs, unsigned workers) {
  struct Child {
    pid_t pid;
    std::size_t run;
    std::chrono::steady_clock::time_point start;
  };
  std::vector<Child> children;
  std::size_t next = 0;
  std::optional<Failure> failure;
  const auto stop_all = [&](int signal) {
    for (const auto& c : children) ::kill(c.pid, signal);
    for (const auto& c : children) {
      int status = 0;
      while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    children.clear();
  };
  try {
    while (next < runs.size() || !children.empty()) {
      if (const int signal = interrupt_signal(); signal != 0) {
        stop_all(signal);
        throw Interrupted{signal};
      }
      while (!failure && next < runs.size() && children.size() < workers) {
        children.push_back({spawn_run(runs[next]), next, std::chrono::steady_clock::now()});
        ++next;
      }
      bool reaped = false;
      for (auto it = children.begin(); it != children.end();) {
        int status = 0;
        rusage usage{};
        const pid_t done = ::wait4(it->pid, &status, WNOHANG, &usage);
        if (done != it->pid) {
          ++it;
          continue;
        }
        Run& run = runs[it->run];
        run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->start).count();
        const auto seconds = [](const timeval& t) {
          return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
        };
        run.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        if (code != 0 && !failure) failure = Failure{it->run, code};
        it = children.erase(it);
        reaped = true;
      }
      if (failure) {
        stop_all(SIGTERM);
        break;
      }
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } catch (const std::exception&) {
    stop_all(SIGTERM);
    throw;
  }
  if (failure) {
    // A run interrupted by the same Ctrl-C as this process is an interruption, not a failure.
    if (const int signal = interrupt_signal(); signal != 0) throw Interrupted{signal};
  }
  return failure;
}

// ---- The table ----

struct Metric {
  const char* header;  // the column's unit follows it
  enum Kind {
    kEnergy,
    kEnergyPerWork,
    kPower,
    kRatio,
    kMass,
    kMoney,
    kDuration,
    kCount,
    kWork,
    kPercent,
    kMassSaved,   // the first variant's value minus this run's, seed by seed (paired)
    kDelayAdded,  // this run's value minus the first variant's, seed by seed (paired)
  } kind;
  const char* key;  // the /summary value ("" for energy per unit of work)
};

bool paired(const Metric& m) { return m.kind == Metric::kMassSaved || m.kind == Metric::kDelayAdded; }

constexpr Metric kEnergyBlock[] = {
    {"facility", Metric::kEnergy, "facility_energy_kwh"},
    {"", Metric::kEnergyPerWork, ""},
    {"peak", Metric::kPower, "peak_facility_power_kw"},
    {"PUE", Metric::kRatio, "pue"},
    {"loc.", Metric::kMass, "carbon_location_kg"},
    {"oper.", Metric::kMass, "carbon_operational_kg"},
    {"cost", Metric::kMoney, "energy_cost"},
};
constexpr Metric kServiceBlock[] = {
    {"mean wait", Metric::kDuration, "mean_wait_s"},
    {"p95 wait", Metric::kDuration, "p95_wait_s"},
    {"slowdown", Metric::kRatio, "mean_slowdown"},
    {"missed", Metric::kCount, "deadline_misses"},
    {"makespan", Metric::kDuration, "makespan_s"},
    {"util.", Metric::kPercent, "mean_accelerator_utilisation"},
    {"work", Metric::kWork, "work_done"},
};

double metric_value(const CompareRow& row, const Metric& m) {
  if (m.kind == Metric::kEnergyPerWork) {
    const double work = row.value("work_done");
    return work > 0 ? row.value("facility_energy_kwh") / work : kNaN;
  }
  const double v = row.value(m.key);
  return m.kind == Metric::kPercent ? 100.0 * v : v;
}

// A column's unit and the factor from the summary's unit to it, by the largest magnitude.
struct Scale {
  std::string unit;
  double factor = 1.0;
};
Scale scale_for(const Metric& m, double largest, const std::string& currency) {
  switch (m.kind) {
    case Metric::kEnergy:
      return largest >= 1e6 ? Scale{"GWh", 1e-6} : largest >= 1e3 ? Scale{"MWh", 1e-3} : Scale{"kWh", 1};
    case Metric::kEnergyPerWork:
      return {"kWh/acc-h", 1};
    case Metric::kPower:
      return largest >= 1e3 ? Scale{"MW", 1e-3} : Scale{"kW", 1};
    case Metric::kMass:
    case Metric::kMassSaved:
      return largest >= 1e6 ? Scale{"kt", 1e-6} : largest >= 1e3 ? Scale{"t", 1e-3} : Scale{"kg", 1};
    case Metric::kMoney:
      return {currency.empty() ? "currency" : currency, 1};
    case Metric::kDuration:
    case Metric::kDelayAdded:
      return largest >= 2 * 86400.0  ? Scale{"d", 1 / 86400.0}
             : largest >= 2 * 3600.0 ? Scale{"h", 1 / 3600.0}
             : largest >= 120.0      ? Scale{"min", 1 / 60.0}
                                     : Scale{"s", 1};
    case Metric::kPercent:
      return {"%", 1};
    case Metric::kWork:
      return {"acc-h", 1};
    case Metric::kCount:
    case Metric::kRatio:
      return {"", 1};
  }
  return {"", 1};
}

// Decimals that give about four significant digits at the column's largest magnitude.
int decimals_for(const Metric& m, double largest) {
  if (m.kind == Metric::kCount || m.kind == Metric::kWork) return 0;
  if (m.kind == Metric::kRatio) return 3;
  if (m.kind == Metric::kMoney) return largest >= 100 ? 0 : 2;
  if (largest >= 1000) return 0;
  if (largest >= 100) return 1;
  if (largest >= 10) return 2;
  return 3;
}

// "12,345.6": fixed decimals with a comma every three digits.
std::string number_text(double v, int decimals) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{:.{}f}", std::fabs(v), decimals);
  const auto dot = text.find('.');
  std::string whole = text.substr(0, dot), grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  const bool negative = v < 0 && text.find_first_not_of("0.,") != std::string::npos;
  return (negative ? "-" : "") + grouped + (dot == std::string::npos ? "" : text.substr(dot));
}

std::string change_text(double value, double base) {
  if (std::isnan(value) || std::isnan(base)) return "-";
  if (base == 0) return value == 0 ? "0.0 %" : "n/a";
  const double pct = 100.0 * (value - base) / std::fabs(base);
  if (std::fabs(pct) < 0.05) return "0.0 %";
  return fmt::format("{:+.1f} %", pct);
}

struct Stats {
  double mean = kNaN, half_width = kNaN;  // half_width: NaN with one seed
};
Stats stats_of(const std::vector<double>& xs) {
  Stats s;
  std::vector<double> finite;
  for (double x : xs) {
    if (!std::isnan(x)) finite.push_back(x);
  }
  if (finite.empty()) return s;
  double sum = 0;
  for (double x : finite) sum += x;
  const auto n = static_cast<double>(finite.size());
  s.mean = sum / n;
  if (finite.size() < 2) return s;
  double squares = 0;
  for (double x : finite) squares += (x - s.mean) * (x - s.mean);
  s.half_width = student_t_95(finite.size() - 1) * std::sqrt(squares / (n - 1)) / std::sqrt(n);
  return s;
}

// The width of a block's columns: a space, then the cell (or its header, when longer).
std::size_t cell_width(std::size_t seeds) { return seeds > 1 ? 15 : 13; }

// The cells of one block: per variant, per metric, the mean (and interval) over its seeds; a
// paired metric's cells are those of its per-seed differences against the first variant (seed s
// against the first variant's seed s), so that what the seeds share cancels out.
std::string format_block(const CompareTable& t, const std::string& title, const Metric* metrics, std::size_t count,
                         std::size_t name_width) {
  const auto names = t.variants();
  const std::size_t seeds = t.seeds();
  std::vector<std::vector<Stats>> cells(names.size(), std::vector<Stats>(count));
  std::vector<double> largest(count, 0.0);
  for (std::size_t v = 0; v < names.size(); ++v) {
    for (std::size_t m = 0; m < count; ++m) {
      std::vector<double> xs;
      for (std::size_t s = 0; s < seeds; ++s) {
        const double x = metric_value(t.rows[v * seeds + s], metrics[m]);
        const double base = paired(metrics[m]) ? metric_value(t.rows[s], metrics[m]) : 0.0;
        xs.push_back(metrics[m].kind == Metric::kMassSaved ? base - x : x - base);
      }
      cells[v][m] = stats_of(xs);
      if (std::isfinite(cells[v][m].mean)) largest[m] = std::max(largest[m], std::fabs(cells[v][m].mean));
    }
  }
  std::string out = title.empty() ? fmt::format("{:<{}}", "variant", name_width)
                                  : fmt::format("{}\n{:<{}}", title, "variant", name_width);
  std::vector<Scale> scales;
  std::vector<std::size_t> widths;
  for (std::size_t m = 0; m < count; ++m) {
    scales.push_back(scale_for(metrics[m], largest[m], t.currency));
    largest[m] *= scales.back().factor;
    const std::string& unit = scales.back().unit;
    const std::string head = unit.empty()                 ? metrics[m].header
                             : *metrics[m].header == '\0' ? unit
                                                          : fmt::format("{} {}", metrics[m].header, unit);
    widths.push_back(std::max(cell_width(seeds), head.size() + 1));
    out += fmt::format(" {:>{}}", head, widths.back() - 1);
  }
  out += "\n";
  for (std::size_t v = 0; v < names.size(); ++v) {
    std::string line;
    if (names[v].size() > name_width) {
      out += names[v] + "\n";  // a long name on its own line, its values below it
      line = std::string(name_width, ' ');
    } else {
      line = fmt::format("{:<{}}", names[v], name_width);
    }
    for (std::size_t m = 0; m < count; ++m) {
      const int decimals = decimals_for(metrics[m], largest[m]);
      const Stats& c = cells[v][m];
      std::string text = number_text(c.mean * scales[m].factor, decimals);
      if (!std::isnan(c.half_width)) text += " ±" + number_text(c.half_width * scales[m].factor, decimals);
      line += fmt::format(" {:>{}}", text, widths[m] - 1);
    }
    out += line + "\n";
    if (v == 0) continue;
    std::string changes(name_width, ' ');
    for (std::size_t m = 0; m < count; ++m) {  // a paired cell is already a change
      const std::string change = paired(metrics[m]) ? "" : change_text(cells[v][m].mean, cells[0][m].mean);
      changes += fmt::format(" {:>{}}", change, widths[m] - 1);
    }
    while (!changes.empty() && changes.back() == ' ') changes.pop_back();
    out += changes + "\n";
  }
  return out;
}

// Characters on the screen: UTF-8 code points ("±" is two bytes, one character).
std::size_t display_width(const std::string& line) {
  std::size_t n = 0;
  for (const char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) widest = std::max(widest, display_width(line));
  return widest;
}

// `text` broken at spaces into lines of at most `width` characters.
std::string wrapped(const std::string& text, std::size_t width) {
  std::string out, line, word;
  std::istringstream words(text);
  while (words >> word) {
    if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line;
}

bool any_row(const CompareTable& t, const std::function<bool(const CompareRow&)>& test) {
  return std::any_of(t.rows.begin(), t.rows.end(), test);
}

// "carbon and flexible work": shown when any run started flexible jobs, suspended one, moved
// data or has a marginal carbon figure; "" otherwise. Its columns: carbon saved against the
// first variant (paired), location carbon on each basis some run has, the added delay of
// flexible jobs (paired), suspensions, checkpoint energy, and transfers when any. Too wide for
// one table (over 120 characters), it is two: carbon, then flexible work.
std::string format_carbon_block(const CompareTable& t, std::size_t name_width) {
  const auto positive = [&](const char* key) { return any_row(t, [&](const CompareRow& r) { return r.value(key) > 0; }); };
  const auto known = [&](const char* key) {
    return any_row(t, [&](const CompareRow& r) { return !std::isnan(r.value(key)); });
  };
  const bool transfers = positive("transfers");
  const bool average = known("carbon_location_average_kg"), marginal = known("carbon_location_marginal_kg");
  if (!positive("flexible_jobs_started") && !positive("suspensions") && !transfers && !marginal) return "";
  std::vector<Metric> carbon = {
      {"loc. saved", Metric::kMassSaved, "carbon_location_kg"},
      {"oper. saved", Metric::kMassSaved, "carbon_operational_kg"},
  };
  if (average) carbon.push_back({"loc. avg", Metric::kMass, "carbon_location_average_kg"});
  if (marginal) carbon.push_back({"loc. marg.", Metric::kMass, "carbon_location_marginal_kg"});
  std::vector<Metric> flexible = {
      {"added delay", Metric::kDelayAdded, "flexible_mean_wait_s"},
      {"suspensions", Metric::kCount, "suspensions"},
      {"ckpt", Metric::kEnergy, "checkpoint_energy_kwh"},
  };
  if (transfers) {
    flexible.push_back({"transfers", Metric::kCount, "transfers"});
    flexible.push_back({"transfer", Metric::kEnergy, "transfer_energy_kwh"});
    // The transfers' carbon is not in the sites' carbon (nor in "saved"): shown beside it.
    flexible.push_back({"transfer", Metric::kMass, "transfer_carbon_kg"});
  }
  const std::string first = t.variants().front();
  std::string bases = average && marginal ? "on the average and on the marginal basis"
                      : average           ? "on the average basis"
                      : marginal          ? "on the marginal basis"
                                          : "";
  std::string title = "carbon and flexible work: location-based and operational carbon (CO2e) saved against " + first +
                      " (its carbon minus this one's" + (t.seeds() > 1 ? ", seed by seed" : "") + "), ";
  if (!bases.empty()) title += "the realised location-based carbon " + bases + ", ";
  title += "the mean added delay of flexible jobs (their mean wait minus " + first + "'s" +
           (t.seeds() > 1 ? ", seed by seed" : "") + "), jobs suspended, the energy of their checkpoints" +
           (transfers ? ", jobs whose data moved to another site, the energy of moving it and its carbon (not in the "
                        "sites' carbon, nor in the savings)"
                      : "");
  title = wrapped(title, 118);
  std::vector<Metric> all = carbon;
  all.insert(all.end(), flexible.begin(), flexible.end());
  std::string one = format_block(t, title, all.data(), all.size(), name_width);
  if (widest_line(one) <= 120) return one;
  return format_block(t, title, carbon.data(), carbon.size(), name_width) + "\n" +
         format_block(t, "", flexible.data(), flexible.size(), name_width);
}

}  // namespace

std::vector<std::pair<std::string, json>> compare_variants_in_order(const Scenario& scenario) {
  const auto order = file_order(scenario.file);
  auto variants = scenario.compare_variants;  // in name order (a parsed object's)
  std::stable_sort(variants.begin(), variants.end(), [&](const auto& a, const auto& b) {
    const auto rank = [&](const std::string& n) {
      return static_cast<std::size_t>(std::find(order.begin(), order.end(), n) - order.begin());
    };
    return rank(a.first) < rank(b.first);
  });
  return variants;
}

double CompareRow::value(const std::string& key) const {
  const auto it = values.find(key);
  return it == values.end() ? kNaN : it->second;
}

std::vector<std::string> CompareTable::variants() const {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (out.empty() || out.back() != r.variant) out.push_back(r.variant);
  }
  return out;
}

std::size_t CompareTable::seeds() const {
  const std::size_t n = variants().size();
  return n == 0 ? 1 : rows.size() / n;
}

double student_t_95(std::size_t dof) {
  // Two-sided 95 % (the 0.975 quantile), from tables to three decimals for 1-30 degrees of
  // freedom; beyond, the Cornish-Fisher expansion about the normal quantile (within 0.001).
  static constexpr std::array<double, 30> kTable = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
      2.120,  2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return kNaN;
  if (dof <= kTable.size()) return kTable[dof - 1];
  const double z = 1.959964, n = static_cast<double>(dof);
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n);
}

CompareTable read_compare_table(const results::ResultReader& reader) {
  const auto records = reader.records("/compare/summary");
  CompareTable t;
  const bool has_forecast_seed =
      std::find(records.fields.begin(), records.fields.end(), "forecast_seed") != records.fields.end();
  const bool has_varies =
      std::find(records.text_fields.begin(), records.text_fields.end(), "varies") != records.text_fields.end();
  for (const auto& [k, v] : reader.meta_strings()) {
    if (k == "currency") t.currency = v;
  }
  for (std::size_t r = 0; r < records.rows(); ++r) {
    CompareRow row;
    row.variant = records.text(r, "variant");
    row.policy = records.text(r, "policy");
    row.group = records.text(r, "group");
    row.seed = records.at(r, "seed");
    row.forecast_seed = has_forecast_seed ? records.at(r, "forecast_seed") : kNaN;
    for (std::size_t f = 0; f < records.fields.size(); ++f) {
      if (records.fields[f] != "seed") row.values[records.fields[f]] = records.values[r * records.fields.size() + f];
    }
    t.rows.push_back(std::move(row));
  }
  if (has_varies && records.rows() > 0 && records.text(0, "varies") == "forecast_seed") t.varies = "forecast_seed";
  const std::size_t variants = t.variants().size();
  if (variants == 0 || t.rows.size() % variants != 0) {
    throw std::runtime_error(reader.path() +
                             ": /compare/summary does not hold the same number of rows for each variant");
  }
  return t;
}

std::string format_compare_table(const CompareTable& t) {
  const auto names = t.variants();
  if (names.empty()) return "no variants\n";
  const std::size_t seeds = t.seeds();
  std::size_t name_width = 12;
  for (const auto& n : names) name_width = std::max(name_width, n.size());
  name_width = std::min<std::size_t>(name_width, seeds > 1 ? 14 : 24);  // at most 14 + 7 x 15 = 119 characters
  std::string out;
  if (seeds > 1) {
    out += fmt::format(
        "each cell: mean ± the half-width of its 95 % interval over {} {} seeds (Student's t, {} degrees of "
        "freedom);\nbelow each row, the change of the means against {}\n\n",
        seeds, t.varies == "forecast_seed" ? "forecast-error" : "workload", seeds - 1, names.front());
  } else {
    out += fmt::format("below each row, its change against {}\n\n", names.front());
  }
  out += format_block(t,
                      "energy, carbon and cost: facility energy, facility energy per accelerator-hour of work done, "
                      "peak facility power,\nPUE, location-based and operational carbon (CO2e), energy cost",
                      kEnergyBlock, std::size(kEnergyBlock), name_width);
  out += "\n";
  out +=
      format_block(t,
                   "service: mean and p95 wait, mean slowdown ((wait + runtime) / runtime at full speed), deadlines "
                   "missed,\nmakespan, utilisation (accelerator time allocated), work done (accelerator-hours at full "
                   "speed)",
                   kServiceBlock, std::size(kServiceBlock), name_width);
  if (const std::string carbon = format_carbon_block(t, name_width); !carbon.empty()) out += "\n" + carbon;
  // Totals of runs that did not finish the same work are not comparable.
  std::vector<std::string> apart;
  const auto differs = [](double a, double b) {
    return std::fabs(a - b) > 1e-3 * std::max(std::fabs(a), std::fabs(b)) && !(std::isnan(a) && std::isnan(b));
  };
  for (std::size_t v = 1; v < names.size(); ++v) {
    bool different = false;
    for (std::size_t s = 0; s < seeds; ++s) {
      const CompareRow& base = t.rows[s];
      const CompareRow& row = t.rows[v * seeds + s];
      different = different || differs(row.value("jobs_completed"), base.value("jobs_completed")) ||
                  differs(row.value("work_done"), base.value("work_done"));
    }
    if (different) apart.push_back(names[v]);
  }
  if (!apart.empty()) {
    const auto totals = [&](std::size_t v) {
      double jobs = 0, work = 0;
      for (std::size_t s = 0; s < seeds; ++s) {
        jobs += t.rows[v * seeds + s].value("jobs_completed");
        work += t.rows[v * seeds + s].value("work_done");
      }
      const auto n = static_cast<double>(seeds);
      return fmt::format("  {:<{}} {:>12} jobs completed, {:>14} accelerator-h of work done{}\n", names[v], name_width,
                         number_text(jobs / n, 0), number_text(work / n, 0),
                         seeds > 1 ? " (means over the seeds)" : "");
    };
    std::string list;
    for (const auto& n : apart) list += (list.empty() ? "" : ", ") + n;
    out += fmt::format(
        "\nwarning: {} did not finish the same work as {}\n(jobs completed or work done more than 0.1 % "
        "apart): their totals (energy, carbon, cost) are not comparable;\ncompare \"kWh/acc-h\", the "
        "facility energy per accelerator-hour of work done\n",
        list, names.front());
    out += totals(0);
    for (std::size_t v = 1; v < names.size(); ++v) {
      if (std::find(apart.begin(), apart.end(), names[v]) != apart.end()) out += totals(v);
    }
  }
  return out;
}

int compare_command(const CompareOptions& o) {
  // The base scenario (the command line's --set), then each variant, every problem at once.
  simcore::DiagnosticSink problems;
  std::optional<Scenario> base;
  try {
    base = load_scenario(o.scenario, o.sets);
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) problems.add(d.where, d.message);
  }
  std::vector<Variant> variants;
  if (base) variants = variants_of(o, *base, problems);
  if (o.seeds > 1 && o.forecast_seeds > 1) {
    problems.add("--seeds, --forecast-seeds",
                 "one spread at a time: --seeds N replicates the workload, --forecast-seeds N the forecasts' "
                 "error; run one comparison for each");
  }
  if (o.forecast_seeds > 1) {
    std::set<std::string> told;  // one problem per --vary, not per value
    for (const auto& v : variants) {
      for (const auto& set : v.sets) {
        if (set.rfind("forecast.seed=", 0) == 0 && told.insert(v.origin).second)
          problems.add(v.origin, "--forecast-seeds sets forecast.seed itself; do not vary it too");
      }
    }
  }
  std::vector<std::string> inputs{o.scenario};
  if (base && problems.empty()) {
    for (auto& v : variants) {
      std::vector<std::string> sets = o.sets;
      sets.insert(sets.end(), v.sets.begin(), v.sets.end());
      try {
        v.scenario = load_scenario(o.scenario, sets);
        inputs.insert(inputs.end(), v.scenario.input_files.begin(), v.scenario.input_files.end());
      } catch (const simcore::InputError& e) {
        for (const auto& d : e.diagnostics()) {
          problems.add("variant \"" + v.name + "\" (" + v.origin + ")" + (d.where.empty() ? "" : ", " + d.where),
                       d.message);
        }
      }
    }
  }
  // --forecast-seeds sets the top-level forecast.seed: refuse what it would not reach (a site's
  // own forecast, a signal's own seed) rather than replicate nothing.
  std::vector<std::uint64_t> forecast_seed_of(variants.size(), 1);
  if (problems.empty()) {
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const json& doc = variants[i].scenario.resolved;
      const auto where = [&] { return "variant \"" + variants[i].name + "\" (" + variants[i].origin + ")"; };
      if (doc.contains("forecast") && doc["forecast"].is_object()) {
        const json& f = doc["forecast"];
        if (f.contains("seed") && f["seed"].is_number_unsigned()) forecast_seed_of[i] = f["seed"].get<std::uint64_t>();
        if (o.forecast_seeds > 1) {
          for (const auto& [name, member] : f.items()) {
            if (member.is_object() && member.contains("seed"))
              problems.add(where() + ", forecast." + name + ".seed",
                           "--forecast-seeds varies forecast.seed, which this signal's own seed overrides; "
                           "remove it (or compare without --forecast-seeds)");
          }
        }
      }
      if (o.forecast_seeds > 1 && doc.contains("sites") && doc["sites"].is_array()) {
        for (std::size_t k = 0; k < doc["sites"].size(); ++k) {
          if (doc["sites"][k].is_object() && doc["sites"][k].contains("forecast"))
            problems.add(where() + ", sites[" + std::to_string(k) + "].forecast",
                         "--forecast-seeds varies the top-level forecast.seed, which a site with its own "
                         "\"forecast\" does not use; move the forecast to the top level (or compare without "
                         "--forecast-seeds)");
        }
      }
    }
  }
  check_output({o.output, "-o", inputs, OutputKind::kResultSet, o.force}, problems);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned workers_wanted = o.jobs == 0 ? cores : o.jobs;
  const unsigned replicates = std::max(o.seeds, o.forecast_seeds);  // one of the two is 1
  const bool forecast_spread = o.forecast_seeds > 1;
  const std::string varies = o.seeds > 1 ? "seed" : forecast_spread ? "forecast_seed" : "none";
  const std::size_t run_count = variants.size() * replicates;
  const unsigned workers =
      static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(workers_wanted, run_count)));
  // Memory: the runs going at once share the limit.
  std::optional<MemoryLimit> share;
  if (problems.empty()) {
    problems.capture("", [&] {
      if (const auto limit = memory_limit(o.max_memory)) {
        share = MemoryLimit{
            limit->bytes / workers,
            workers == 1
                ? limit->source
                : fmt::format("{} shared by {} runs at a time; --jobs or --max-memory to change",
                              limit->source == "--max-memory" ? "--max-memory" : "the available memory", workers)};
      }
    });
    for (const auto& v : variants) {
      try {
        check_memory(estimate_memory(v.scenario), share);
      } catch (const simcore::InputError& e) {
        for (const auto& d : e.diagnostics()) problems.add("variant \"" + v.name + "\", " + d.where, d.message);
      }
    }
  }
  if (!problems.empty()) {
    print_input_errors(problems.diagnostics());
    return 2;
  }

  std::string temp_path;
  try {
    throw_if_interrupted();
    for (const auto& stale : remove_stale_temporaries(o.output)) {
      if (!o.quiet) std::fprintf(stderr, "wattsim: removed %s, left by a process that has ended\n", stale.c_str());
    }
    const auto wall_start = std::chrono::steady_clock::now();
    const ScratchFolder scratch;
    std::vector<Run> runs;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      for (unsigned s = 0; s < replicates; ++s) {
        Run r;
        r.variant = i;
        r.seed = variants[i].scenario.seed + (forecast_spread ? 0 : s);
        r.forecast_seed = forecast_seed_of[i] + (forecast_spread ? s : 0);
        r.group = o.seeds > 1        ? variants[i].group + "/seed-" + std::to_string(r.seed)
                  : forecast_spread ? variants[i].group + "/forecast-seed-" + std::to_string(r.forecast_seed)
                                    : variants[i].group;
        const std::string stem = fmt::format("run-{}-{}", i, s);
        r.result = scratch.file(stem + ".h5");
        r.errors = scratch.file(stem + ".err");
        r.argv = {"wattsim", "run", o.scenario};
        for (const auto& set : o.sets) r.argv.insert(r.argv.end(), {"--set", set});
        for (const auto& set : variants[i].sets) r.argv.insert(r.argv.end(), {"--set", set});
        r.argv.insert(r.argv.end(), {"--set", "seed=" + std::to_string(r.seed)});
        if (forecast_spread) r.argv.insert(r.argv.end(), {"--set", "forecast.seed=" + std::to_string(r.forecast_seed)});
        r.argv.insert(r.argv.end(), {"-o", r.result, "--quiet"});
        if (share) r.argv.insert(r.argv.end(), {"--max-memory", fmt::format("{:.0f} B", share->bytes)});
        runs.push_back(std::move(r));
      }
    }
    if (!o.quiet) {
      fmt::print("wattsim {}: scenario \"{}\", {} variant{}{}, {} run{} at a time\n", kVersion, base->name,
                 variants.size(), variants.size() == 1 ? "" : "s",
                 o.seeds > 1       ? fmt::format(" x {} workload seeds", o.seeds)
                 : forecast_spread ? fmt::format(" x {} forecast-error seeds", o.forecast_seeds)
                                   : "",
                 workers, workers == 1 ? "" : "s");
      std::fflush(stdout);
    }
    if (const auto failure = run_all(runs, workers)) {
      const Run& run = runs[failure->run];
      const Variant& v = variants[run.variant];
      const std::string seed = o.seeds > 1       ? fmt::format(", seed {}", run.seed)
                               : forecast_spread ? fmt::format(", forecast seed {}", run.forecast_seed)
                                                 : "";
      std::fprintf(stderr, "wattsim: the run of variant \"%s\" (%s)%s failed (exit status %d); no result written:\n%s",
                   v.name.c_str(), v.origin.c_str(), seed.c_str(), failure->status,
                   indented(read_text(run.errors)).c_str());
      return failure->status == 2 ? 2 : 1;
    }
    for (const auto& run : runs) {  // warnings of runs that succeeded (skipped trace rows, cut names)
      const std::string text = read_text(run.errors);
      if (!text.empty())
        std::fprintf(stderr, "wattsim: variant \"%s\":\n%s", variants[run.variant].name.c_str(),
                     indented(text).c_str());
    }

    // One result set: each run's copied whole under its group, then the tables.
    const auto merge_start = std::chrono::steady_clock::now();
    results::ResultWriter writer(o.output, base->output.compression);
    temp_path = writer.temp_path();
    writer.omit_jobs();
    writer.describe_group("/runs", o.seeds > 1 ? "one group per variant, in it one group per seed (seed-S), each holding "
                                                 "one run's result set (the layout of `wattsim run`)"
                                   : forecast_spread
                                       ? "one group per variant, in it one group per forecast-error seed "
                                         "(forecast-seed-S), each holding one run's result set (the layout of "
                                         "`wattsim run`)"
                                       : "one group per variant, each holding one run's result set (the layout "
                                         "of `wattsim run`)");
    std::vector<std::string> fields{"seed", "forecast_seed"}, units{"1", "1"},
        descriptions{"the run's seed: its workload's random streams (--seeds N: the scenario's seed + 0, 1, ..., "
                     "N - 1)",
                     "the run's forecast.seed: its forecasts' error (--forecast-seeds N: the scenario's "
                     "forecast.seed, default 1, + 0, 1, ..., N - 1)"};
    std::vector<double> values, timing;
    results::ResultWriter::TextField variant_text{
        "variant", "the variant's name (--policy NAME, --vary KEY=V, or compare.variants)", {}};
    results::ResultWriter::TextField policy_text{"policy", "the run's policy: scheduler + placement + managers", {}};
    results::ResultWriter::TextField group_text{"group", "the group holding the run's result set", {}};
    results::ResultWriter::TextField varies_text{
        "varies",
        "which seed the runs of a variant vary: \"seed\" (--seeds: the workload), \"forecast_seed\" "
        "(--forecast-seeds: the forecasts' error) or \"none\" (one run per variant)",
        {}};
    // The columns: every /summary value of any run, in the first run's order, then those only
    // later runs have (a policy's own figures) in the order they come.
    std::vector<std::vector<results::SummaryValue>> summaries;
    for (const Run& run : runs) {
      summaries.push_back(results::ResultReader(run.result).summary("/summary"));
      for (const auto& s : summaries.back()) {
        if (std::find(fields.begin(), fields.end(), s.name) != fields.end()) continue;
        fields.push_back(s.name);
        units.push_back(s.unit);
        descriptions.push_back(s.description.empty() ? "as /summary of the run" : s.description);
      }
    }
    double events_total = 0;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const Run& run = runs[r];
      writer.copy_result_set(run.result, run.group);
      const results::ResultReader child(run.result);
      const auto& summary = summaries[r];
      values.push_back(static_cast<double>(run.seed));
      values.push_back(static_cast<double>(run.forecast_seed));
      for (std::size_t f = 2; f < fields.size(); ++f) {
        double v = kNaN;
        for (const auto& s : summary) {
          if (s.name == fields[f]) v = s.value;
        }
        values.push_back(v);
      }
      varies_text.values.push_back(varies);
      std::string policy;
      for (const auto& [k, v] : child.meta_strings()) {
        if (k == "policy") policy = v;
      }
      double events = 0, run_wall_s = kNaN;
      for (const auto& [k, v] : child.meta_numbers()) {
        if (k == "events") events = v;
        if (k == "wall_time_s") run_wall_s = v;
      }
      events_total += events;
      variant_text.values.push_back(variants[run.variant].name);
      policy_text.values.push_back(policy);
      group_text.values.push_back(run.group);
      timing.insert(timing.end(), {static_cast<double>(run.seed), static_cast<double>(run.forecast_seed), run.wall_s, run.cpu_s, run_wall_s, events,
                                   run_wall_s > 0 ? events / run_wall_s : kNaN});
    }
    writer.describe_group("/compare",
                          "the comparison: one row per run (variant, and seed with --seeds or forecast seed with "
                          "--forecast-seeds)");
    writer.write_records("/compare/summary",
                         "one row per run, in variant order (seeds within): every /summary value of the run", fields,
                         units, descriptions, values, {variant_text, policy_text, group_text, varies_text});
    writer.write_records(
        "/compare/timing", "one row per run, as /compare/summary: how long it took (differs from run to run)",
        {"seed", "forecast_seed", "wall_s", "cpu_s", "run_wall_s", "events", "events_per_s"},
        {"1", "1", "s", "s", "s", "1", "1/s"},
        {"the run's seed", "the run's forecast.seed", "wall time of its process, from its start to its exit (with other runs beside it)",
         "CPU time of its process, user + system, every thread (the result writer compresses on a second one)",
         "wall time the run itself measured (its /meta wall_time_s)", "events the simulation processed",
         "events / run_wall_s"},
        timing, {variant_text});
    const auto now = std::chrono::steady_clock::now();
    const double wall_s = std::chrono::duration<double>(now - wall_start).count();
    const double merge_s = std::chrono::duration<double>(now - merge_start).count();
    json listing = json::array();
    for (const auto& v : variants) {
      listing.push_back(
          {{"name", v.name}, {"group", v.group}, {"policy", v.scenario.policy.label()}, {"overrides", v.sets}});
    }
    writer.write_meta({{"wattsim_version", kVersion},
                       {"kind", "compare"},
                       {"scenario", base->resolved.dump(2)},
                       {"scenario_file", base->file},
                       {"hardware", base->hardware_json().dump(2)},
                       {"variants", listing.dump()},
                       {"command_line", o.command_line},
                       {"created_utc", utc_now()},
                       {"currency", base->currency},
                       {"start_utc", traces::format_utc_time(base->world.sites.front().supply.calendar_origin)}},
                      {{"seed", static_cast<double>(base->seed)},
                       {"seeds", static_cast<double>(o.seeds)},
                       {"forecast_seeds", static_cast<double>(o.forecast_seeds)},
                       {"runs", static_cast<double>(runs.size())},
                       {"jobs", static_cast<double>(workers)},
                       {"wall_time_s", wall_s},
                       {"merge_time_s", merge_s},
                       {"events", events_total}});
    throw_if_interrupted();
    writer.commit();
    if (!o.quiet) {
      const results::ResultReader reader(o.output);
      fmt::print("\n{}", format_compare_table(read_compare_table(reader)));
      double cpu = 0;
      for (const auto& run : runs) cpu += run.cpu_s;
      fmt::print("\n{} run{} in {:.2f} s ({} at a time), CPU {:.2f} s ({:.2f} s per run); result set {}\n", runs.size(),
                 runs.size() == 1 ? "" : "s", wall_s, workers, cpu, cpu / static_cast<double>(runs.size()), o.output);
    }
    return 0;
  } catch (const Interrupted& e) {
    return report_interrupted(e, temp_path, o.output);
  } catch (const std::exception& e) {
    if (const int signal = interrupt_signal(); signal != 0)
      return report_interrupted(Interrupted{signal}, temp_path, o.output);
    std::fprintf(stderr, "wattsim: the comparison failed: %s\n", e.what());
    return 1;
  }
}

}  // namespace wattsim::app
