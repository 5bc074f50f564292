#include "app/scenario.hpp"

#include "app/memory_estimate.hpp"
#include "app/units_text.hpp"
#include "app/series_parser.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "models/catalog/catalog_to_json.hpp"
#include "models/catalog/json_reader.hpp"
#include "models/catalog/json_text.hpp"
#include "models/thermal/recirculation.hpp"
#include "simcore/error.hpp"
#include "simcore/quantity.hpp"
#include "simcore/suggest.hpp"
#include "models/forecast/forecast.hpp"
#include "traces/failure_csv.hpp"
#include "traces/forecast_csv.hpp"
#include "traces/job_csv.hpp"
#include "traces/series_csv.hpp"
#include "workloads/flexibility.hpp"
#include "workloads/generator.hpp"
#include "workloads/merged_source.hpp"

namespace wattsim::app {

using catalog::JsonReader;
using catalog::member_path;
using nlohmann::json;
using simcore::Dimension;
using simcore::SimTime;

namespace fs = std::filesystem;

namespace {

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::uint64_t site_accelerators(const datacenter::SiteConfig& site) {
  std::uint64_t n = 0;
  for (const auto& g : site.racks) {
    if (g.node != nullptr) n += std::uint64_t{g.count} * g.nodes_per_rack * g.node->accelerator_count;
  }
  return n;
}

// Parses "a.b[2].c" into steps: a string is a key, a number an index.
std::vector<std::variant<std::string, std::size_t>> parse_json_path(const std::string& text) {
  std::vector<std::variant<std::string, std::size_t>> steps;
  std::size_t i = 0;
  const auto bad = [&](const std::string& why) {
    throw simcore::InputError("--set " + text, "cannot read the path: " + why + "; expected keys joined by dots, "
                                                                                 "with [N] for array elements, e.g. facility.racks[0].count");
  };
  while (i < text.size()) {
    if (text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (close == std::string::npos || close == i + 1) bad("an unclosed or empty [ ]");
      std::size_t index = 0;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (text[k] < '0' || text[k] > '9') bad("\"" + text.substr(i, close - i + 1) + "\" is not an array index");
        index = index * 10 + static_cast<std::size_t>(text[k] - '0');
      }
      steps.emplace_back(index);
      i = close + 1;
      if (i < text.size() && text[i] == '.') ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] != '.' && text[end] != '[') ++end;
    if (end == i) bad("an empty key");
    steps.emplace_back(text.substr(i, end - i));
    i = end;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i == text.size()) bad("it ends with a dot");
    }
  }
  if (steps.empty()) bad("it is empty");
  return steps;
}

std::string canonical_path(const std::vector<std::variant<std::string, std::size_t>>& steps) {
  std::string out;
  for (const auto& s : steps) {
    if (const auto* k = std::get_if<std::string>(&s)) {
      out = member_path(out, *k);
    } else {
      out = index_path(out, std::get<std::size_t>(s));
    }
  }
  return out;
}

class Parser {
 public:
  Parser(json& doc, std::string file, std::set<std::string> cli_paths)
      : doc_(doc), file_(std::move(file)), cli_paths_(std::move(cli_paths)), reader_(errors_) {
    base_dir_ = fs::path(file_).parent_path();
  }

  Scenario parse();

 private:
  // A relative path is resolved against the scenario's folder, or against the current
  // directory when --set names the path field itself (docs/scenarios.md, "Paths"). Which folder
  // is remembered, for the message if the file cannot be read.
  std::string resolve_path(const std::string& json_path, const std::string& value) {
    const fs::path p(value);
    if (p.is_absolute()) return p.lexically_normal().string();
    const bool cli = from_command_line(json_path);
    const std::string resolved = (cli ? p : base_dir_ / p).lexically_normal().string();
    resolved_against_[resolved] =
        cli ? "a path given with --set " + json_path + " is resolved against the current directory, " +
                  folder_text(fs::path("."))
            : "relative paths are resolved against the scenario's folder, " + folder_text(base_dir_);
    return resolved;
  }
  // Whether --set gave this very field. A path inside an object or array given with --set is
  // relative to the scenario's folder, as it would be in the file.
  bool from_command_line(const std::string& json_path) const { return cli_paths_.count(json_path) > 0; }
  static std::string folder_text(const fs::path& folder) {
    std::error_code ec;
    fs::path abs = fs::absolute(folder.empty() ? fs::path(".") : folder, ec).lexically_normal();
    if (ec) abs = folder;
    std::string text = abs.string();
    if (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
  }
  // Appends to each problem about a file that does not exist the folder its relative path was
  // resolved against (the readers know only the resolved path).
  std::vector<simcore::Diagnostic> with_resolution_notes() const;


  void parse_catalog();
  void check_generator_sizes();
  void parse_site(json& site_doc, const std::string& path, datacenter::SiteConfig& site, bool has_name);
  void parse_facility(json& f, const std::string& path, datacenter::SiteConfig& site);
  void parse_power(json& power, const std::string& path, datacenter::SiteConfig& site);
  using SeriesUnit = SeriesParser::Unit;
  using ParsedSeries = SeriesParser::Parsed;
  std::optional<ParsedSeries> parse_series(json& v, const std::string& path, SeriesUnit unit, const std::string& name,
                                           double min, double max) {
    std::string start_text;
    SeriesParser series(
        reader_,
        [this](const std::string& jp, const std::string& value) {
          sc_.input_files.push_back(resolve_path(jp, value));  // the series parser resolves only files it reads
          return sc_.input_files.back();
        },
        start_abs_, &start_text, horizon_, &sc_.currency);
    auto parsed = series.parse(v, path, unit, name, min, max);
    if (!start_text.empty()) doc_["start"] = start_text;
    return parsed;
  }
  void parse_carbon(json& c, const std::string& path, datacenter::SiteConfig& site);
  void parse_cooling(json& c, const std::string& path, datacenter::SiteConfig& site);
  void parse_thermal(json& t, const std::string& path, datacenter::SiteConfig& site);
  void parse_heat_reuse(json& h, const std::string& path, datacenter::SiteConfig& site);
  void parse_weather(json& w, const std::string& path, datacenter::SiteConfig& site);
  // The number (temperature) at key, with the default inserted when it is absent (so that the
  // resolved document shows it); the default stands in when the value is invalid (reported).
  double number_or(json& object, const char* key, const std::string& path, double fallback, double lo, double hi) {
    field(object, key, fallback);
    return reader_.number(object, key, path, true, lo, hi).value_or(fallback);
  }
  double temperature_or(json& object, const char* key, const std::string& path, double fallback) {
    field(object, key, fallback);
    return reader_.quantity(object, key, path, Dimension::kTemperature, true).value_or(fallback);
  }
  std::optional<cooling::PiecewiseLinear> curve_points(json& object, const std::string& key, const std::string& path,
                                                       const json& fallback, double x_min, double x_max);
  void parse_credits(json& c, const std::string& path, datacenter::SiteConfig& site);
  void parse_supply(json& s, const std::string& path, datacenter::SiteConfig& site);
  void parse_workload(json& w, const std::string& path);
  void parse_generator(json& g, const std::string& path);
  void parse_flexibility(json& f, const std::string& path);
  // "forecast" (top level, or a site's own): what policies are told of each signal's future.
  void parse_forecasts();
  struct ForecastFile {
    std::string path, at;  // resolved; the JSON path of "csv"
    traces::ForecastCsvOptions options;
    bool given = false;  // any of csv and its columns written here
    bool read = false;
  };
  struct ForecastConfig {
    std::string path;
    bool ok = false;
    forecast::Spec base;
    ForecastFile base_file;
    std::vector<forecast::Issue> base_issues;
    std::array<bool, datacenter::kSignalCount> given{};
    std::array<forecast::Spec, datacenter::kSignalCount> spec{};
    std::array<ForecastFile, datacenter::kSignalCount> file{};
    std::array<std::vector<forecast::Issue>, datacenter::kSignalCount> issues{};
  };
  void parse_forecast_spec(json& f, const std::string& path, forecast::Spec& spec, ForecastFile& file, bool allow_signals);
  ForecastConfig read_forecast_config(json& f, const std::string& path);
  void parse_policy(json& p, const std::string& path);
  // "failures": {"csv": PATH}: a failure trace (traces/failure_csv.hpp), checked against the
  // facility's node count.
  void parse_failures();
  bool parse_policy_entry(json& entry, const std::string& path, policies::PolicyKind kind, policies::PolicyChoice& out,
                          const char* params_key = nullptr);
  void parse_output(json& o, const std::string& path);
  std::optional<power::EfficiencyCurve> curve(const json& object, const std::string& path,
                                              std::initializer_list<std::string_view> kinds);
  std::optional<std::pair<double, double>> range(const json& object, const std::string& key, const std::string& path,
                                                 double lo, double hi);

  json& doc_;
  std::string file_;
  std::set<std::string> cli_paths_;
  fs::path base_dir_;
  std::map<std::string, std::string> resolved_against_;  // resolved relative path -> how it was resolved
  std::vector<std::pair<std::string, std::uint32_t>> generator_sizes_;  // JSON path of each size, accelerators
  struct HomeSite {
    std::size_t generator;
    std::string name, where;
  };
  std::vector<HomeSite> home_sites_;  // generators' home_site, resolved once the sites are known
  simcore::DiagnosticSink errors_;
  JsonReader reader_;
  Scenario sc_;
  std::optional<SimTime> start_abs_;  // calendar instant of simulated time 0
  std::optional<SimTime> horizon_;
};

Scenario Parser::parse() {
  sc_.file = file_;
  sc_.input_files.insert(sc_.input_files.begin(), file_);
  if (!reader_.expect_object(doc_, "")) errors_.throw_if_any();
  reader_.check_keys(doc_, "", {"name", "description", "seed", "start", "horizon", "hardware", "facility", "carbon",
                                "supply", "weather", "sites", "workload", "policy", "output", "compare",
                                "failures", "forecast"});
  // "compare": {"variants": {NAME: POLICY_OBJECT, ...}} for `wattsim compare` (app/compare.hpp);
  // the shape only: each policy is validated when compare loads its variant.
  if (doc_.contains("compare") && reader_.expect_object(doc_["compare"], "compare")) {
    reader_.check_keys(doc_["compare"], "compare", {"variants"});
    const json& variants = doc_["compare"].contains("variants") ? doc_["compare"]["variants"] : json();
    if (!variants.is_object() || variants.empty()) {
      errors_.add("compare.variants", std::string("expected a non-empty object {NAME: POLICY, ...}, found ") +
                                          (variants.is_null() ? "nothing" : catalog::json_type_name(variants)));
    } else {
      for (const auto& [name, policy] : variants.items()) {
        const std::string at = member_path("compare.variants", name);
        if (name.empty() || name == "." || name.find('/') != std::string::npos) {
          errors_.add(at, "a variant's name must be non-empty, not \".\" and without \"/\" (it names a group of the "
                          "result set)");
        } else if (!policy.is_object()) {
          errors_.add(at, "expected a policy object as \"policy\" takes ({\"name\": ...} or {\"scheduler\": ...}), "
                          "found " + catalog::json_type_name(policy));
        } else if (policy.contains("policy")) {
          // {"policy": POLICY, "set": {PATH: VALUE, ...}}: the policy and overrides of the scenario.
          reader_.check_keys(policy, at, {"policy", "set"});
          if (!policy["policy"].is_object()) {
            errors_.add(member_path(at, "policy"), "expected a policy object, found " + catalog::json_type_name(policy["policy"]));
          } else if (policy.contains("set") && !policy["set"].is_object()) {
            errors_.add(member_path(at, "set"), "expected an object {PATH: VALUE, ...} of overrides (as --set PATH=VALUE), found " +
                                                   catalog::json_type_name(policy["set"]));
          } else {
            sc_.compare_variants.emplace_back(name, policy);
          }
        } else {
          sc_.compare_variants.emplace_back(name, policy);
        }
      }
    }
  }
  field(doc_, "name", fs::path(file_).stem().string());
  if (const auto n = reader_.string(doc_, "name", "", true)) sc_.name = *n;
  reader_.string(doc_, "description", "", false);
  field(doc_, "seed", 1);
  if (const auto seed = reader_.integer(doc_, "seed", "", true, 0, std::numeric_limits<std::int64_t>::max())) {
    sc_.seed = static_cast<std::uint64_t>(*seed);
  }
  if (doc_.contains("start") && doc_["start"].is_null()) doc_.erase("start");  // null: as if absent
  if (const auto start = reader_.string(doc_, "start", "", false)) {
    try {
      start_abs_ = traces::parse_utc_time(*start);
      sc_.start_utc = *start;
    } catch (const simcore::InputError& e) {
      errors_.add("start", e.diagnostics().front().message);
    }
  }
  if (doc_.contains("horizon") && !doc_["horizon"].is_null()) {
    horizon_ = reader_.duration(doc_, "horizon", "", true);
    if (horizon_ && *horizon_ <= SimTime::zero()) errors_.add("horizon", "must be positive");
  } else {
    doc_["horizon"] = nullptr;  // resolved: until the workload is done
  }
  sc_.world.horizon = horizon_;

  parse_catalog();
  parse_output(field(doc_, "output", json::object()), "output");
  parse_policy(field(doc_, "policy", json::object()), "policy");
  if (doc_.contains("workload")) {
    parse_workload(doc_["workload"], "workload");
  } else {
    errors_.add("workload", "missing; this field is required");
  }

  if (doc_.contains("sites")) {
    for (const char* k : {"facility", "carbon", "supply", "weather"}) {
      if (doc_.contains(k)) errors_.add(k, "cannot be given beside \"sites\": give each site its own");
    }
    json& sites = doc_["sites"];
    if (!sites.is_array() || sites.empty()) {
      errors_.add("sites", "expected a non-empty array of sites, found " + catalog::json_type_name(sites));
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < sites.size(); ++i) {
        datacenter::SiteConfig site;
        parse_site(sites[i], index_path("sites", i), site, true);
        if (!names.insert(site.name).second) errors_.add(index_path("sites", i) + ".name", "\"" + site.name + "\" is used twice");
        sc_.world.sites.push_back(std::move(site));
      }
    }
  } else {
    datacenter::SiteConfig site;
    parse_site(doc_, "", site, false);
    sc_.world.sites.push_back(std::move(site));
  }
  // The calendar: simulated time 0 is `start` (given, or the first series' first time, or
  // 2023-01-01, the year of the shipped data), for hourly matching and monthly periods.
  if (!start_abs_) {
    start_abs_ = traces::parse_utc_time("2023-01-01T00:00:00Z");
    doc_["start"] = "2023-01-01T00:00:00Z";
  }
  for (auto& site : sc_.world.sites) site.supply.calendar_origin = *start_abs_;
  parse_forecasts();
  parse_failures();
  sc_.world.seed = sc_.seed;
  if (sc_.policy.scheduler.info != nullptr && sc_.policy.placement.info != nullptr) {
    if (!sc_.policy.powers_nodes_on()) {
      for (std::size_t i = 0; i < sc_.world.sites.size(); ++i) {
        if (sc_.world.sites[i].initial_node_state == power::NodeState::kOff) {
          errors_.add(doc_.contains("sites") ? index_path("sites", i) + ".facility.initial_node_state" : "facility.initial_node_state",
                      "nodes start off, but policy \"" + sc_.policy.label() +
                          "\" never powers nodes on (add the \"idle-off\" manager): no job could start");
        }
      }
    }
    for (const auto& [where, problem] : sc_.policy.requirement_problems(sc_.world)) errors_.add(where, problem);
  }
  check_generator_sizes();
  if (!errors_.empty()) throw simcore::InputError(with_resolution_notes());
  if (start_abs_ && !sc_.start_utc) sc_.start_utc = doc_["start"].get<std::string>();
  sc_.resolved = doc_;
  return std::move(sc_);
}

std::vector<simcore::Diagnostic> Parser::with_resolution_notes() const {
  std::vector<simcore::Diagnostic> out = errors_.diagnostics();
  for (auto& d : out) {
    for (const auto& [file, how] : resolved_against_) {
      std::error_code ec;
      if (d.message.find(file) != std::string::npos && !fs::exists(file, ec)) {
        d.message += " (" + how + ")";
        break;
      }
    }
  }
  return out;
}

// A job runs within one site, so a generator size above the largest site's accelerators could
// never start. (A trace's rows are checked as they are read: workloads/oversize_filter.hpp.)
void Parser::check_generator_sizes() {
  for (const auto& [index, name, where] : home_sites_) {
    std::vector<std::string> names;
    for (const auto& s : sc_.world.sites) names.push_back(s.name);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
      errors_.add(where, "names no site (\"" + name + "\"); the scenario's sites are " + list + simcore::did_you_mean(name, names));
    } else if (index < sc_.workload.generators.size()) {
      sc_.workload.generators[index].home_site = static_cast<std::uint32_t>(it - names.begin());
    }
  }
  for (const auto& site : sc_.world.sites) {
    for (const auto& g : site.racks) {
      if (g.node == nullptr) return;  // reported already; the facility's size is unknown
    }
  }
  const std::uint64_t largest = sc_.largest_site_accelerators();
  for (const auto& [where, accelerators] : generator_sizes_) {
    if (accelerators <= largest) continue;
    errors_.add(where, "a job of " + std::to_string(accelerators) + " accelerators cannot fit: the largest site has " +
                           std::to_string(largest) + " (a job runs within one site); expected sizes up to " +
                           std::to_string(largest));
  }
}

void Parser::parse_catalog() {
  const json* overrides = doc_.contains("hardware") ? &doc_["hardware"] : nullptr;
  try {
    sc_.catalog = std::make_unique<catalog::Catalog>(catalog::builtin_catalog(overrides, "hardware"));
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) errors_.add(d.where, d.message);
  }
}

void Parser::parse_site(json& s, const std::string& path, datacenter::SiteConfig& site, bool has_name) {
  if (!reader_.expect_object(s, path)) return;
  if (has_name) {
    reader_.check_keys(s, path, {"name", "facility", "carbon", "supply", "weather", "forecast"});
    if (const auto n = reader_.string(s, "name", path, true)) {
      site.name = *n;
      if (n->empty() || n->find('/') != std::string::npos) {
        errors_.add(member_path(path, "name"), "is \"" + *n + "\"; expected a non-empty name without \"/\" (it names a "
                                               "group in the result set)");
      }
    }
  } else {
    site.name = "site";
  }
  // The weather first: the facility's cooling plant needs to know whether there is one.
  if (s.contains("weather")) parse_weather(s["weather"], member_path(path, "weather"), site);
  if (s.contains("facility")) {
    parse_facility(s["facility"], member_path(path, "facility"), site);
    if (site.cooling.type == cooling::PlantType::kChilledWater && !s.contains("weather")) {
      errors_.add(member_path(path, "weather"), "missing; a chilled-water cooling plant needs the outside temperature "
                                                "({\"temperature\": ...})");
    }
  } else {
    errors_.add(member_path(path, "facility"), "missing; this field is required");
  }
  parse_carbon(field(s, "carbon", json::object()), member_path(path, "carbon"), site);
  if (s.contains("supply")) parse_supply(s["supply"], member_path(path, "supply"), site);
}

std::optional<power::EfficiencyCurve> Parser::curve(const json& object, const std::string& path,
                                                    std::initializer_list<std::string_view> kinds) {
  const auto name = reader_.string(object, "curve", path, false);
  if (!name || !sc_.catalog) return std::nullopt;
  try {
    const auto& entry = sc_.catalog->curve(*name);
    bool ok = false;
    std::string expected;
    for (auto k : kinds) {
      ok = ok || entry.kind == k;
      expected += (expected.empty() ? "" : " or ") + std::string(k);
    }
    if (!ok) {
      errors_.add(member_path(path, "curve"), "\"" + *name + "\" is a " + entry.kind + " curve; expected a " + expected + " curve");
      return std::nullopt;
    }
    return entry.curve;
  } catch (const simcore::InputError& e) {
    errors_.add(member_path(path, "curve"), e.diagnostics().front().message);
    return std::nullopt;
  }
}

void Parser::parse_facility(json& f, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(f, path)) return;
  reader_.check_keys(f, path, {"pue", "cooling", "thermal", "heat_reuse", "racks", "power", "initial_node_state"});
  if (f.contains("cooling") && f.contains("pue")) {
    errors_.add(member_path(path, "pue"), "cannot be given beside \"cooling\": PUE is then an output (use \"cooling\": "
                                          "{\"type\": \"fixed-pue\", \"pue\": ...} for a fixed one)");
  }
  if (!f.contains("cooling")) {
    field(f, "pue", 1.0);
    if (const auto pue = reader_.number(f, "pue", path, true, 1.0, 10.0)) site.pue = *pue;
    site.cooling.fixed_pue = site.pue;
  }
  field(f, "initial_node_state", "idle");
  if (const auto st = reader_.string(f, "initial_node_state", path, true)) {
    if (*st == "idle") {
      site.initial_node_state = power::NodeState::kIdle;
    } else if (*st == "off") {
      site.initial_node_state = power::NodeState::kOff;
    } else {
      errors_.add(member_path(path, "initial_node_state"), "is \"" + *st + "\"; expected \"idle\" or \"off\"");
    }
  }

  const std::string racks_path = member_path(path, "racks");
  if (!f.contains("racks")) {
    errors_.add(racks_path, "missing; this field is required");
  } else if (!f["racks"].is_array() || f["racks"].empty()) {
    errors_.add(racks_path, "expected a non-empty array of rack groups, found " + catalog::json_type_name(f["racks"]));
  } else {
    json& racks = f["racks"];
    for (std::size_t i = 0; i < racks.size(); ++i) {
      const std::string p = index_path(racks_path, i);
      json& r = racks[i];
      if (!reader_.expect_object(r, p)) continue;
      reader_.check_keys(r, p, {"count", "node", "nodes_per_rack", "capacity", "embodied", "lifetime", "mtbf", "repair"});
      datacenter::RackGroup g;
      // Node failures (datacenter/config.hpp): off unless a mean time between failures is given.
      if (r.contains("mtbf")) {
        if (const auto t = reader_.duration(r, "mtbf", p, true)) {
          if (*t <= simcore::SimTime::zero()) errors_.add(member_path(p, "mtbf"), "must be positive, e.g. \"2000 h\"");
          g.node_mtbf = *t;
        }
        field(r, "repair", "4 h");
        if (const auto t = reader_.duration(r, "repair", p, true)) g.repair_time = *t;
      } else if (r.contains("repair")) {
        errors_.add(member_path(p, "repair"), "is only for failing nodes; give \"mtbf\" too");
      }
      field(r, "count", 1);
      if (const auto c = reader_.integer(r, "count", p, true, 1, 1'000'000)) g.count = static_cast<std::size_t>(*c);
      field(r, "nodes_per_rack", 1);
      if (const auto n = reader_.integer(r, "nodes_per_rack", p, true, 1, 10'000)) g.nodes_per_rack = static_cast<std::size_t>(*n);
      if (r.contains("capacity")) {
        g.rack_capacity_w = reader_.quantity(r, "capacity", p, Dimension::kPower, true).value_or(datacenter::kUnlimited);
      }
      if (r.contains("embodied") != r.contains("lifetime")) {
        errors_.add(member_path(p, r.contains("embodied") ? "lifetime" : "embodied"),
                    "missing; a rack's embodied carbon is amortised over its lifetime, so both are needed");
      } else if (r.contains("embodied")) {
        g.rack_embodied_kg = reader_.quantity(r, "embodied", p, Dimension::kMass, true).value_or(0.0);
        if (const auto life = reader_.quantity(r, "lifetime", p, Dimension::kTime, true)) {
          if (*life < 86400.0) errors_.add(member_path(p, "lifetime"), "is under a day; expected a lifetime such as \"10 y\"");
          g.rack_lifetime_years = *life / (365.0 * 86400.0);
        }
      }
      if (const auto node = reader_.string(r, "node", p, true); node && sc_.catalog) {
        try {
          g.node = &sc_.catalog->node(*node);
          if (g.node->accelerator_count > 0) g.accelerator = &sc_.catalog->accelerator(g.node->accelerator);
        } catch (const simcore::InputError& e) {
          errors_.add(member_path(p, "node"), e.diagnostics().front().message);
        }
      }
      site.racks.push_back(g);
    }
  }

  json& power = field(f, "power", json::object());
  const std::string pp = member_path(path, "power");
  if (reader_.expect_object(power, pp)) parse_power(power, pp, site);
  // After the racks and the feed: their sizes give the cooling plant's and the thermal model's.
  if (f.contains("cooling")) parse_cooling(f["cooling"], member_path(path, "cooling"), site);
  if (f.contains("thermal")) parse_thermal(f["thermal"], member_path(path, "thermal"), site);
  if (f.contains("heat_reuse")) parse_heat_reuse(f["heat_reuse"], member_path(path, "heat_reuse"), site);
}

void Parser::parse_power(json& power, const std::string& pp, datacenter::SiteConfig& site) {
  reader_.check_keys(power, pp, {"feed", "ups", "pdus"});
  auto& d = site.distribution;
  if (power.contains("feed")) {
    const std::string p = member_path(pp, "feed");
    if (reader_.expect_object(power["feed"], p)) {
      reader_.check_keys(power["feed"], p, {"capacity"});
      d.feed_capacity_w = reader_.quantity(power["feed"], "capacity", p, Dimension::kPower, false).value_or(datacenter::kUnlimited);
    }
  }
  if (power.contains("ups")) {
    const std::string p = member_path(pp, "ups");
    if (reader_.expect_object(power["ups"], p)) {
      reader_.check_keys(power["ups"], p, {"capacity", "curve"});
      d.ups = true;
      if (power["ups"].contains("capacity")) {
        d.ups_capacity_w = reader_.quantity(power["ups"], "capacity", p, Dimension::kPower, true).value_or(datacenter::kUnlimited);
      }
      d.ups_curve = curve(power["ups"], p, {"ups"});
    }
  }
  if (power.contains("pdus")) {
    const std::string p = member_path(pp, "pdus");
    if (reader_.expect_object(power["pdus"], p)) {
      reader_.check_keys(power["pdus"], p, {"count", "capacity", "curve"});
      d.pdus = static_cast<std::size_t>(reader_.integer(power["pdus"], "count", p, true, 1, 100'000).value_or(0));
      if (power["pdus"].contains("capacity")) {
        d.pdu_capacity_w = reader_.quantity(power["pdus"], "capacity", p, Dimension::kPower, true).value_or(datacenter::kUnlimited);
      }
      d.pdu_curve = curve(power["pdus"], p, {"pdu", "transformer"});
      std::size_t racks = 0;
      for (const auto& g : site.racks) racks += g.count;
      if (d.pdus > racks && racks > 0) {
        errors_.add(member_path(p, "count"), std::to_string(d.pdus) + " PDUs for " + std::to_string(racks) +
                                                 " racks; expected at most one PDU per rack");
      }
    }
  }
  const auto need_capacity = [&](const char* what, bool has_curve, double capacity, const std::string& p) {
    if (has_curve && !std::isfinite(capacity)) {
      errors_.add(member_path(p, "capacity"), std::string("missing; a ") + what + " with an efficiency curve needs its rated capacity");
    }
  };
  need_capacity("PDU", d.pdu_curve.has_value(), d.pdu_capacity_w, member_path(pp, "pdus"));
  need_capacity("UPS", d.ups_curve.has_value(), d.ups_capacity_w, member_path(pp, "ups"));
}

void Parser::parse_carbon(json& c, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(c, path)) return;
  reader_.check_keys(c, path, {"intensity", "marginal", "accounting", "credits"});
  field(c, "accounting", "average");
  const auto acc = reader_.string(c, "accounting", path, true);
  if (acc && *acc != "average" && *acc != "marginal") {
    errors_.add(member_path(path, "accounting"), "is \"" + *acc + "\"; expected \"average\" or \"marginal\"");
  }
  const bool marginal = acc && *acc == "marginal";
  if (marginal && !c.contains("marginal")) {
    errors_.add(member_path(path, "marginal"), "missing; accounting by marginal intensity needs the marginal series");
  }
  auto average = parse_series(field(c, "intensity", "0 g/kWh"), member_path(path, "intensity"), SeriesUnit::kIntensity,
                              "carbon intensity", 0.0, 1e5);
  std::optional<ParsedSeries> moer;
  if (c.contains("marginal")) {
    moer = parse_series(c["marginal"], member_path(path, "marginal"), SeriesUnit::kIntensity, "marginal carbon intensity", 0.0, 1e5);
  }
  auto& chosen = marginal ? moer : average;
  auto& other = marginal ? average : moer;
  site.accounting_marginal = marginal;
  if (chosen) {
    site.carbon_intensity_g_per_kwh = std::move(chosen->series);
    site.carbon_intensity_repeats = chosen->periodic;
  }
  if (other) {
    site.other_intensity_g_per_kwh = std::move(other->series);
    site.other_intensity_repeats = other->periodic;
  }
  if (c.contains("credits")) parse_credits(c["credits"], member_path(path, "credits"), site);
}

// Points [[x, y], ...] of a curve (x strictly increasing in [x_min, x_max], y > 0).
std::optional<cooling::PiecewiseLinear> Parser::curve_points(json& object, const std::string& key, const std::string& path,
                                                             const json& fallback, double x_min, double x_max) {
  const json& v = field(object, key, fallback);
  const std::string p = member_path(path, key);
  if (!v.is_array() || v.empty()) {
    errors_.add(p, "expected a non-empty array of [x, y] points, found " + catalog::json_type_name(v));
    return std::nullopt;
  }
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& pt = v[i];
    if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number() || !pt[1].is_number()) {
      errors_.add(index_path(p, i), "expected [x, y] (two numbers), found " + pt.dump());
      return std::nullopt;
    }
    const double x = pt[0].get<double>();
    if (!(x >= x_min && x <= x_max)) {
      errors_.add(index_path(p, i), "x is " + catalog::format_number(x) + "; expected a value in [" +
                                        catalog::format_number(x_min) + ", " + catalog::format_number(x_max) + "]");
      return std::nullopt;
    }
    points.emplace_back(x, pt[1].get<double>());
  }
  try {
    return cooling::PiecewiseLinear(std::move(points));
  } catch (const std::invalid_argument& e) {
    errors_.add(p, e.what());
    return std::nullopt;
  }
}

// Defaults and their sources are in docs/scenarios.md ("Cooling"): the chillers' COP at 35 C
// anchored at AHRI minimum ratings (air-cooled 2.80, water-cooled ~6.0 for modern centrifugal;
// docs/reference §4.2), the part-load curve derived from the AHRI IPLV/full-load ratio, the
// rest marked there as estimates.
void Parser::parse_cooling(json& c, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(c, path)) return;
  cooling::Plant& plant = site.cooling;
  field(c, "type", "chilled-water");
  const std::string type_name = c["type"].is_string() ? c["type"].get<std::string>() : "";
  if (type_name == "fixed-pue") {
    reader_.check_keys(c, path, {"type", "pue"});
    plant.type = cooling::PlantType::kFixedPue;
    field(c, "pue", 1.0);
    if (const auto pue = reader_.number(c, "pue", path, true, 1.0, 10.0)) site.pue = *pue;
    plant.fixed_pue = site.pue;
    return;
  }
  reader_.check_keys(c, path, {"type", "pue", "chillers", "economiser", "air", "liquid"});
  if (type_name != "chilled-water") {
    errors_.add(member_path(path, "type"), "is " + c["type"].dump() + "; expected \"chilled-water\" or \"fixed-pue\"");
    return;
  }
  if (c.contains("pue")) errors_.add(member_path(path, "pue"), "only for \"type\": \"fixed-pue\"; PUE is an output here");
  plant.type = cooling::PlantType::kChilledWater;

  // Chillers.
  json& ch = field(c, "chillers", json::object());
  const std::string chp = member_path(path, "chillers");
  if (reader_.expect_object(ch, chp)) {
    reader_.check_keys(ch, chp, {"capacity", "condenser", "cop", "part_load", "chilled_water", "pump_power",
                                 "tower_fan_power", "tower_water"});
    auto& k = plant.chillers;
    if (!ch.contains("capacity") && std::isfinite(site.distribution.feed_capacity_w)) {
      ch["capacity"] = catalog::format_number(site.distribution.feed_capacity_w / 1e3) + " kW";  // the feed's
    }
    if (!ch.contains("capacity")) {
      errors_.add(member_path(chp, "capacity"), "missing; give the chillers' rated cooling capacity (or the feed's capacity, "
                                                "its default)");
    } else if (const auto cap = reader_.quantity(ch, "capacity", chp, Dimension::kPower, true)) {
      if (*cap <= 0) errors_.add(member_path(chp, "capacity"), "must be positive");
      k.capacity_w = *cap;
    }
    field(ch, "condenser", "water");
    const std::string cond = ch["condenser"].is_string() ? ch["condenser"].get<std::string>() : "";
    if (cond != "water" && cond != "air") {
      errors_.add(member_path(chp, "condenser"), "is " + ch["condenser"].dump() + "; expected \"water\" (a cooling tower) or "
                                                 "\"air\" (air-cooled chillers)");
    }
    k.water_cooled = cond != "air";
    // COP at full load against the outside dry bulb, C (estimates through the AHRI points).
    const json cop_default = k.water_cooled ? json::parse("[[15, 8.4], [35, 6.0], [45, 4.8]]")
                                            : json::parse("[[15, 4.0], [35, 2.8], [45, 2.2]]");
    if (auto cop = curve_points(ch, "cop", chp, cop_default, -60.0, 70.0)) k.cop_vs_outside_c = std::move(*cop);
    // COP multiplier against the part-load ratio (1 at full load).
    if (auto plr = curve_points(ch, "part_load", chp, json::parse("[[0.1, 0.7], [0.25, 1.2], [0.5, 1.4], [0.75, 1.25], [1.0, 1.0]]"),
                                0.0, 1.0)) {
      k.cop_vs_plr = std::move(*plr);
    }
    k.chilled_water_c = temperature_or(ch, "chilled_water", chp, 18.0);
    k.pump_w_per_w = number_or(ch, "pump_power", chp, 0.02, 0.0, 1.0);
    k.tower_fan_w_per_w = number_or(ch, "tower_fan_power", chp, k.water_cooled ? 0.01 : 0.0, 0.0, 1.0);
    k.tower_water_l_per_kwh = number_or(ch, "tower_water", chp, k.water_cooled ? 1.8 : 0.0, 0.0, 100.0);
    if (!k.water_cooled && (ch["tower_fan_power"] != 0.0 || ch["tower_water"] != 0.0)) {
      errors_.add(member_path(chp, "condenser"), "is \"air\": air-cooled chillers have no tower (tower_fan_power and tower_water "
                                                 "must be 0)");
    }
  }

  // Economiser.
  json& ec = field(c, "economiser", json::object());
  const std::string ecp = member_path(path, "economiser");
  if (reader_.expect_object(ec, ecp)) {
    reader_.check_keys(ec, ecp, {"type", "approach", "band", "supply_air"});
    field(ec, "type", "water-side");
    const std::string t = ec["type"].is_string() ? ec["type"].get<std::string>() : "";
    if (t == "water-side") {
      plant.chillers.economiser = cooling::Economiser::kWaterSide;
    } else if (t == "air-side") {
      plant.chillers.economiser = cooling::Economiser::kAirSide;
    } else if (t == "none") {
      plant.chillers.economiser = cooling::Economiser::kNone;
    } else {
      errors_.add(member_path(ecp, "type"), "is " + ec["type"].dump() + "; expected \"water-side\", \"air-side\" or \"none\"");
    }
    plant.chillers.economiser_approach_k = number_or(ec, "approach", ecp, 4.0, 0.0, 50.0);
    plant.chillers.free_band_k = number_or(ec, "band", ecp, 4.0, 0.0, 50.0);
    plant.chillers.supply_air_c = temperature_or(ec, "supply_air", ecp, 24.0);
  }

  // Air handlers (CRAH fans).
  json& air = field(c, "air", json::object());
  const std::string airp = member_path(path, "air");
  if (reader_.expect_object(air, airp)) {
    reader_.check_keys(air, airp, {"design_heat", "fan_power", "min_airflow"});
    if (!air.contains("design_heat")) air["design_heat"] = catalog::format_number(plant.chillers.capacity_w / 1e3) + " kW";
    const double design = reader_.quantity(air, "design_heat", airp, Dimension::kPower, true).value_or(1.0);
    if (design <= 0) errors_.add(member_path(airp, "design_heat"), "must be positive");
    plant.air.design_heat_w = design > 0 ? design : 1.0;
    if (!air.contains("fan_power")) air["fan_power"] = catalog::format_number(0.05 * design / 1e3) + " kW";
    plant.air.fan_design_w = reader_.quantity(air, "fan_power", airp, Dimension::kPower, true).value_or(0.0);
    plant.air.min_airflow = number_or(air, "min_airflow", airp, 0.3, 0.0, 1.0);
  }

  // Direct-to-chip liquid loop (absent unless given).
  if (c.contains("liquid")) {
    json& lq = c["liquid"];
    const std::string lp = member_path(path, "liquid");
    if (reader_.expect_object(lq, lp)) {
      reader_.check_keys(lq, lp, {"capture", "supply", "delta_t", "dry_cooler_approach", "dry_cooler_power", "pump_power"});
      auto& l = plant.liquid;
      l.present = true;
      l.capture_fraction = number_or(lq, "capture", lp, 0.75, 0.0, 1.0);
      l.supply_c = temperature_or(lq, "supply", lp, 32.0);
      if (l.supply_c < 15.0 || l.supply_c > 60.0) errors_.add(member_path(lp, "supply"), "expected a coolant supply in [15, 60] C");
      l.delta_t_k = number_or(lq, "delta_t", lp, 10.0, 1.0, 40.0);
      l.dry_cooler_approach_k = number_or(lq, "dry_cooler_approach", lp, 5.0, 0.0, 30.0);
      l.dry_cooler_w_per_w = number_or(lq, "dry_cooler_power", lp, 0.02, 0.0, 1.0);
      l.pump_w_per_w = number_or(lq, "pump_power", lp, 0.02, 0.0, 1.0);
    }
  }
}

void Parser::parse_thermal(json& t, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(t, path)) return;
  reader_.check_keys(t, path, {"supply", "limit", "matrix", "layout", "throttle", "throttle_hold"});
  auto& th = site.thermal;
  th.enabled = true;
  th.supply_c = temperature_or(t, "supply", path, 22.0);
  th.limit_c = temperature_or(t, "limit", path, 27.0);
  if (th.limit_c <= th.supply_c) {
    errors_.add(member_path(path, "limit"), "is " + catalog::format_number(th.limit_c) + " C; expected above the supply (" +
                                                catalog::format_number(th.supply_c) + " C)");
  }
  field(t, "throttle", false);
  if (!t["throttle"].is_boolean()) {
    errors_.add(member_path(path, "throttle"), "expected true or false, found " + catalog::json_type_name(t["throttle"]));
  } else {
    th.throttle = t["throttle"].get<bool>();
  }
  field(t, "throttle_hold", "10 min");
  if (const auto hold = reader_.duration(t, "throttle_hold", path, true)) {
    if (*hold <= SimTime::zero()) errors_.add(member_path(path, "throttle_hold"), "must be positive");
    th.throttle_hold = *hold;
  }
  std::size_t racks = 0;
  for (const auto& g : site.racks) racks += g.count;
  if (t.contains("matrix") && t.contains("layout")) {
    errors_.add(path, "has both \"matrix\" and \"layout\"; expected one");
    return;
  }
  if (t.contains("matrix")) {
    const json& m = t["matrix"];
    const std::string mp = member_path(path, "matrix");
    if (!m.is_array()) {
      errors_.add(mp, "expected an array of rows (K per kW), found " + catalog::json_type_name(m));
      return;
    }
    const std::size_t rows = m.size();
    const std::size_t cols = rows > 0 && m[0].is_array() ? m[0].size() : 0;
    Eigen::MatrixXd d(rows, cols);
    for (std::size_t i = 0; i < rows; ++i) {
      if (!m[i].is_array() || m[i].size() != cols) {
        errors_.add(index_path(mp, i), "expected a row of " + std::to_string(cols) + " numbers, found " + m[i].dump());
        return;
      }
      for (std::size_t j = 0; j < cols; ++j) {
        if (!m[i][j].is_number()) {
          errors_.add(index_path(index_path(mp, i), j), "expected a number (K per kW), found " + m[i][j].dump());
          return;
        }
        d(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m[i][j].get<double>();
      }
    }
    try {
      thermal::validate_matrix(d, racks, mp);
      th.recirculation_k_per_kw = std::move(d);
    } catch (const simcore::InputError& e) {
      for (const auto& diag : e.diagnostics()) errors_.add(diag.where, diag.message);
    }
    return;
  }
  json& lay = field(t, "layout", json::object());
  const std::string lp = member_path(path, "layout");
  if (!reader_.expect_object(lay, lp)) return;
  reader_.check_keys(lay, lp, {"racks_per_row", "containment"});
  thermal::RoomLayout layout;
  field(lay, "racks_per_row", 8);
  layout.racks_per_row = static_cast<std::size_t>(reader_.integer(lay, "racks_per_row", lp, true, 1, 100000).value_or(8));
  field(lay, "containment", "none");
  const std::string cont = lay["containment"].is_string() ? lay["containment"].get<std::string>() : "";
  if (cont == "none") {
    layout.containment = thermal::Containment::kNone;
  } else if (cont == "partial") {
    layout.containment = thermal::Containment::kPartial;
  } else if (cont == "full") {
    layout.containment = thermal::Containment::kFull;
  } else {
    errors_.add(member_path(lp, "containment"), "is " + lay["containment"].dump() + "; expected \"none\", \"partial\" or \"full\"");
  }
  // The matrix, racks^2 numbers, is built here, before `check` estimates the run's memory
  // (app/memory_estimate.hpp, which counts the world's copies): refuse one that cannot fit.
  const double matrix_bytes = 8.0 * static_cast<double>(racks) * static_cast<double>(racks);
  if (const auto available = available_memory_bytes(); available && matrix_bytes > *available) {
    errors_.add(lp, "a room layout of " + group_digits(racks) + " racks needs a " + group_digits(racks) + " x " +
                        group_digits(racks) + " recirculation matrix, " + format_bytes(matrix_bytes) +
                        ", more than the " + format_bytes(*available) +
                        " of memory available; expected fewer racks in a site with a thermal model");
    return;
  }
  if (racks > 0) th.recirculation_k_per_kw = thermal::layout_matrix(layout, racks);
}

// Defaults: network supply 70 C (third-generation district heating; Odense lifts to 75 C,
// docs/reference §4.4), Carnot fraction 0.43 (derived from Zangeneh & Oi, §4.4), the gas boiler
// displaced: 202 g CO2 per kWh of fuel (IPCC 2006 Guidelines, Vol. 2 Ch. 1 Table 1.4: natural
// gas 56,100 kg/TJ) at an efficiency of 0.9 (estimate).
void Parser::parse_heat_reuse(json& h, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(h, path)) return;
  reader_.check_keys(h, path, {"demand", "network_supply", "carnot_fraction", "approach", "liquid_capture", "air_capture",
                               "air_temperature", "capacity", "price", "displaced"});
  if (site.cooling.type != cooling::PlantType::kChilledWater) {
    errors_.add(path, "needs facility.cooling with \"type\": \"chilled-water\" (the heat comes from its loop and air)");
  }
  auto& hr = site.heat;
  auto& pl = hr.plant;
  pl.present = true;
  if (!h.contains("demand")) {
    errors_.add(member_path(path, "demand"), "missing; the network's heat demand (a power such as \"2 MW\", or a CSV series of powers)");
  } else if (auto demand = parse_series(h["demand"], member_path(path, "demand"), SeriesUnit::kPower, "heat demand", 0.0, 1e12)) {
    hr.demand_w = std::move(demand->series);
    hr.demand_repeats = demand->periodic;
  }
  pl.network_supply_c = temperature_or(h, "network_supply", path, 70.0);
  pl.carnot_fraction = number_or(h, "carnot_fraction", path, 0.43, 0.01, 1.0);
  pl.approach_k = number_or(h, "approach", path, 5.0, 0.0, 30.0);
  pl.liquid_capture = number_or(h, "liquid_capture", path, 1.0, 0.0, 1.0);
  pl.air_capture = number_or(h, "air_capture", path, 0.0, 0.0, 1.0);
  pl.air_source_c = temperature_or(h, "air_temperature", path, 35.0);
  if (h.contains("capacity")) {
    pl.capacity_w = reader_.quantity(h, "capacity", path, Dimension::kPower, true).value_or(1e300);
    if (pl.capacity_w <= 0) errors_.add(member_path(path, "capacity"), "must be positive (leave it out for no limit)");
  }
  hr.price_per_kwh = number_or(h, "price", path, 0.0, -1e6, 1e6);
  json& disp = field(h, "displaced", json::object());
  const std::string dp = member_path(path, "displaced");
  if (reader_.expect_object(disp, dp)) {
    reader_.check_keys(disp, dp, {"intensity", "efficiency"});
    field(disp, "intensity", "202 g/kWh");
    const double k = reader_.quantity(disp, "intensity", dp, Dimension::kCarbonIntensity, true).value_or(0.0);
    field(disp, "efficiency", 0.9);
    const double eff = reader_.number(disp, "efficiency", dp, true, 0.01, 10.0).value_or(1.0);
    hr.displaced_kg_per_kwh = k / 1e3 / eff;
  }
  if (!site.cooling.liquid.present && pl.air_capture == 0.0) {
    errors_.add(member_path(path, "air_capture"), "is 0 and the cooling plant has no liquid loop: there is no heat to recover");
  }
}

void Parser::parse_weather(json& w, const std::string& path, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(w, path)) return;
  reader_.check_keys(w, path, {"temperature"});
  if (!w.contains("temperature")) {
    errors_.add(member_path(path, "temperature"), "missing; the outside dry-bulb temperature (C, a CSV series or a weather file)");
    return;
  }
  if (auto t = parse_series(w["temperature"], member_path(path, "temperature"), SeriesUnit::kTemperature,
                            "outside temperature", -90.0, 60.0)) {
    site.outside_temp_c = std::move(t->series);
    site.outside_temp_repeats = t->periodic;
  }
}

void Parser::parse_credits(json& c, const std::string& p, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(c, p)) return;
  reader_.check_keys(c, p, {"policy", "period", "retire", "obligation", "price", "budget"});
  auto& cp = site.supply.credits;
  field(c, "policy", "none");
  if (const auto kind = reader_.string(c, "policy", p, true)) {
    if (*kind == "none") {
      cp.kind = carbon::CreditKind::kNone;
    } else if (*kind == "fixed") {
      cp.kind = carbon::CreditKind::kFixed;
    } else if (*kind == "net-zero") {
      cp.kind = carbon::CreditKind::kNetZero;
    } else {
      errors_.add(member_path(p, "policy"), "is \"" + *kind + "\"; expected \"none\", \"fixed\" or \"net-zero\"");
    }
  }
  field(c, "period", "month");
  if (const auto period = reader_.string(c, "period", p, true)) {
    if (*period == "month") {
      cp.period = carbon::CreditPeriod::kMonth;
    } else if (*period == "year") {
      cp.period = carbon::CreditPeriod::kYear;
    } else {
      errors_.add(member_path(p, "period"), "is \"" + *period + "\"; expected \"month\" or \"year\"");
    }
  }
  if (cp.kind == carbon::CreditKind::kNone) {
    for (const char* key : {"retire", "obligation", "price", "budget"}) {
      if (c.contains(key)) errors_.add(member_path(p, key), "is only for a credit policy (\"fixed\" or \"net-zero\")");
    }
  }
  if (cp.kind == carbon::CreditKind::kNetZero && c.contains("retire")) {
    errors_.add(member_path(p, "retire"), "is only for \"policy\": \"fixed\" (net-zero retires what the period emitted)");
  }
  if (cp.kind == carbon::CreditKind::kFixed && !c.contains("retire")) {
    errors_.add(member_path(p, "retire"), "missing; a fixed credit policy retires this much per period");
  }
  cp.retire_kg = reader_.quantity(c, "retire", p, Dimension::kMass, false).value_or(0.0);
  cp.obligation_kg = reader_.quantity(c, "obligation", p, Dimension::kMass, false).value_or(0.0);
  cp.budget = reader_.number(c, "budget", p, false, 0.0, 1e300).value_or(1e300);
  if (cp.kind != carbon::CreditKind::kNone) {
    if (!c.contains("price")) errors_.add(member_path(p, "price"), "missing; credits need a price per tonne (a number or a CSV series)");
    if (c.contains("price")) {
      if (auto price = parse_series(c["price"], member_path(p, "price"), SeriesUnit::kPricePerTonne, "credit price", 0.0, 1e9)) {
        site.supply.credit_price = supply::ScaledSeries{1.0, std::move(price->series), price->periodic};
      }
    }
  }
}

void Parser::parse_supply(json& s, const std::string& p, datacenter::SiteConfig& site) {
  if (!reader_.expect_object(s, p)) return;
  reader_.check_keys(s, p, {"solar", "wind", "ppa", "battery", "grid", "price"});
  auto& sc = site.supply;
  // Generators: capacity x availability x capacity factor; the factor is a normalised series
  // ("cf") or generation scaled by the capacity it came from ("generation" + "generation_capacity").
  const auto generators = [&](const char* key, std::vector<supply::ScaledSeries>& out, bool availability) {
    if (!s.contains(key)) return;
    const std::string gp = member_path(p, key);
    json& list = s[key];
    if (!list.is_array()) {
      errors_.add(gp, "expected an array of generators, found " + catalog::json_type_name(list));
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string ip = index_path(gp, i);
      json& g = list[i];
      if (!reader_.expect_object(g, ip)) continue;
      if (availability) {
        reader_.check_keys(g, ip, {"name", "capacity", "availability", "cf", "generation", "generation_capacity"});
      } else {
        reader_.check_keys(g, ip, {"name", "capacity", "cf", "generation", "generation_capacity"});
      }
      reader_.string(g, "name", ip, false);
      const auto capacity = reader_.quantity(g, "capacity", ip, Dimension::kPower, true);
      double avail = 1.0;
      if (availability) {
        field(g, "availability", 1.0);
        avail = reader_.quantity(g, "availability", ip, Dimension::kFraction, true).value_or(1.0);
        if (avail > 1.0) errors_.add(member_path(ip, "availability"), "is above 1");
      }
      if (g.contains("cf") == g.contains("generation")) {
        errors_.add(ip, "expected exactly one of \"cf\" (a capacity factor, 0 to 1) and \"generation\" (with \"generation_capacity\")");
        continue;
      }
      std::optional<ParsedSeries> profile;
      double scale = 1.0;
      if (g.contains("cf") && g.contains("generation_capacity")) {
        errors_.add(member_path(ip, "generation_capacity"), "is only for \"generation\" (a capacity factor needs no scaling)");
      }
      if (g.contains("cf")) {
        profile = parse_series(g["cf"], member_path(ip, "cf"), SeriesUnit::kFraction, std::string(key) + " capacity factor", 0.0, 1.0);
      } else {
        const auto fleet = reader_.quantity(g, "generation_capacity", ip, Dimension::kPower, true);
        profile = parse_series(g["generation"], member_path(ip, "generation"), SeriesUnit::kPower, std::string(key) + " generation",
                               0.0, 1e15);
        if (fleet && *fleet > 0) {
          scale = 1.0 / *fleet;
          if (profile) {
            double peak = 0.0;
            for (double x : profile->series.values()) peak = std::max(peak, x);
            if (peak > *fleet * (1 + 1e-9)) {
              errors_.add(member_path(ip, "generation_capacity"), "is " + catalog::format_number(*fleet) + " W but the series reaches " +
                                                                     catalog::format_number(peak) + " W; expected the capacity behind the generation");
            }
          }
        } else if (fleet) {
          errors_.add(member_path(ip, "generation_capacity"), "must be positive");
        }
      }
      if (capacity && profile) out.push_back({*capacity * avail * scale, std::move(profile->series), profile->periodic});
    }
  };
  generators("solar", sc.renewables, true);
  generators("wind", sc.renewables, true);
  generators("ppa", sc.ppas, false);

  if (s.contains("battery")) {
    json& b = s["battery"];
    const std::string bp = member_path(p, "battery");
    if (reader_.expect_object(b, bp)) {
      reader_.check_keys(b, bp, {"capacity", "max_charge", "max_discharge", "round_trip_efficiency", "soc_min", "soc_max",
                                 "initial_soc", "fade_per_cycle", "fade_per_year", "dispatch", "charge_below",
                                 "discharge_above", "grid_limit"});
      auto& bat = sc.battery;
      bat.capacity_j = reader_.quantity(b, "capacity", bp, Dimension::kEnergy, true).value_or(0.0);
      if (b.contains("capacity") && !(bat.capacity_j > 0)) errors_.add(member_path(bp, "capacity"), "must be positive");
      bat.max_charge_w = reader_.quantity(b, "max_charge", bp, Dimension::kPower, true).value_or(0.0);
      field(b, "max_discharge", b.contains("max_charge") ? b["max_charge"] : json(0));
      bat.max_discharge_w = reader_.quantity(b, "max_discharge", bp, Dimension::kPower, true).value_or(0.0);
      // NREL ATB (2023-2025): 85 % round trip for utility Li-ion (docs/reference, section 4.5).
      field(b, "round_trip_efficiency", 0.85);
      const double rte = reader_.quantity(b, "round_trip_efficiency", bp, Dimension::kFraction, true).value_or(0.85);
      if (!(rte > 0.0 && rte <= 1.0)) errors_.add(member_path(bp, "round_trip_efficiency"), "expected a fraction in (0, 1]");
      bat.charge_efficiency = bat.discharge_efficiency = std::sqrt(std::clamp(rte, 1e-9, 1.0));
      field(b, "soc_min", 0.1);
      field(b, "soc_max", 1.0);
      field(b, "initial_soc", 0.5);
      bat.soc_min = reader_.quantity(b, "soc_min", bp, Dimension::kFraction, true).value_or(0.1);
      bat.soc_max = reader_.quantity(b, "soc_max", bp, Dimension::kFraction, true).value_or(1.0);
      sc.initial_soc = reader_.quantity(b, "initial_soc", bp, Dimension::kFraction, true).value_or(0.5);
      if (!(bat.soc_min < bat.soc_max && bat.soc_max <= 1.0)) {
        errors_.add(member_path(bp, "soc_min"), "expected 0 <= soc_min < soc_max <= 1");
      }
      if (sc.initial_soc < bat.soc_min || sc.initial_soc > bat.soc_max) {
        errors_.add(member_path(bp, "initial_soc"), "expected a value between soc_min and soc_max");
      }
      field(b, "fade_per_cycle", 0.0);
      field(b, "fade_per_year", 0.0);
      bat.fade_per_cycle = reader_.quantity(b, "fade_per_cycle", bp, Dimension::kFraction, true).value_or(0.0);
      bat.fade_per_year = reader_.quantity(b, "fade_per_year", bp, Dimension::kFraction, true).value_or(0.0);
      for (const char* key : {"fade_per_cycle", "fade_per_year"}) {
        const double x = std::string(key) == "fade_per_cycle" ? bat.fade_per_cycle : bat.fade_per_year;
        if (x > 1.0) errors_.add(member_path(bp, key), "is above 1; expected a fraction of the capacity");
      }
      field(b, "dispatch", "self-consumption");
      const auto dispatch = reader_.string(b, "dispatch", bp, true);
      auto& d = sc.dispatch;
      if (dispatch == "self-consumption") {
        d.strategy = supply::Dispatch::kSelfConsumption;
      } else if (dispatch == "carbon-arbitrage") {
        d.strategy = supply::Dispatch::kCarbonArbitrage;
      } else if (dispatch == "peak-shaving") {
        d.strategy = supply::Dispatch::kPeakShaving;
      } else if (dispatch == "none") {
        d.strategy = supply::Dispatch::kNone;
      } else if (dispatch) {
        errors_.add(member_path(bp, "dispatch"), "is \"" + *dispatch + "\"; expected \"self-consumption\", \"carbon-arbitrage\", "
                                                                      "\"peak-shaving\" or \"none\"" +
                                                                      simcore::did_you_mean(*dispatch, {"self-consumption", "carbon-arbitrage", "peak-shaving", "none"}));
      }
      // Thresholds: an intensity, or {"quantile": q} of each UTC day's intensities.
      const auto threshold = [&](const char* key, double& fixed, std::optional<double>& quantile) {
        if (b.contains(key) && d.strategy != supply::Dispatch::kCarbonArbitrage) {
          errors_.add(member_path(bp, key), "is only for \"dispatch\": \"carbon-arbitrage\"");
          return;
        }
        if (!b.contains(key)) {
          if (d.strategy == supply::Dispatch::kCarbonArbitrage) {
            errors_.add(member_path(bp, key), "missing; carbon arbitrage needs it (an intensity, or {\"quantile\": q})");
          }
          return;
        }
        const std::string kp = member_path(bp, key);
        if (b[key].is_object()) {
          reader_.check_keys(b[key], kp, {"quantile"});
          quantile = reader_.number(b[key], "quantile", kp, true, 0.0, 1.0);
        } else if (const auto k = reader_.quantity_value(b[key], kp, Dimension::kCarbonIntensity)) {
          fixed = *k;
        }
      };
      threshold("charge_below", sc.charge_below_g_per_kwh, sc.charge_below_quantile);
      threshold("discharge_above", sc.discharge_above_g_per_kwh, sc.discharge_above_quantile);
      if (d.strategy == supply::Dispatch::kPeakShaving) {
        d.grid_limit_w = reader_.quantity(b, "grid_limit", bp, Dimension::kPower, true).value_or(1e300);
      } else if (b.contains("grid_limit")) {
        errors_.add(member_path(bp, "grid_limit"), "is only for \"dispatch\": \"peak-shaving\"");
      }
    }
  }

  if (s.contains("grid")) {
    json& g = s["grid"];
    const std::string gp = member_path(p, "grid");
    if (reader_.expect_object(g, gp)) {
      reader_.check_keys(g, gp, {"export", "export_limit", "export_price_factor", "demand_charge"});
      field(g, "export", false);
      if (!g["export"].is_boolean()) {
        errors_.add(member_path(gp, "export"), "expected true or false, found " + catalog::json_type_name(g["export"]));
      } else {
        sc.dispatch.allow_export = g["export"].get<bool>();
      }
      if (g.contains("export_limit")) {
        if (!sc.dispatch.allow_export) errors_.add(member_path(gp, "export_limit"), "is only for \"export\": true");
        sc.dispatch.export_limit_w = reader_.quantity(g, "export_limit", gp, Dimension::kPower, true).value_or(1e300);
      }
      field(g, "export_price_factor", 0.0);
      sc.costs.export_price_factor = reader_.number(g, "export_price_factor", gp, true, 0.0, 10.0).value_or(0.0);
      field(g, "demand_charge", 0.0);
      sc.costs.demand_charge_per_kw_month = reader_.number(g, "demand_charge", gp, true, 0.0, 1e9).value_or(0.0);
    }
  }
  if (s.contains("price")) {
    if (auto price = parse_series(s["price"], member_path(p, "price"), SeriesUnit::kPrice, "electricity price", -1e6, 1e6)) {
      sc.price = supply::ScaledSeries{1.0, std::move(price->series), price->periodic};
    }
  }
}

std::optional<std::pair<double, double>> Parser::range(const json& object, const std::string& key,
                                                       const std::string& path, double lo, double hi) {
  if (!object.contains(key)) return std::nullopt;
  const json& v = object.at(key);
  const std::string p = member_path(path, key);
  if (v.is_number()) {
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi)) {
      errors_.add(p, "is " + v.dump() + "; expected a number in [" + catalog::format_number(lo) + ", " + catalog::format_number(hi) + "]");
      return std::nullopt;
    }
    return std::make_pair(x, x);
  }
  if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
    const double a = v[0].get<double>(), b = v[1].get<double>();
    if (!(a >= lo && a <= b && b <= hi)) {
      errors_.add(p, "is " + v.dump() + "; expected [low, high] with " + catalog::format_number(lo) + " <= low <= high <= " +
                         catalog::format_number(hi));
      return std::nullopt;
    }
    return std::make_pair(a, b);
  }
  errors_.add(p, "expected a number or a range [low, high], found " + v.dump());
  return std::nullopt;
}

// "flexibility": a rule or an array of rules {"queue", "slack": DURATION or [MIN, MAX],
// "share", "preemptible_share"} (workloads/flexibility.hpp).
void Parser::parse_flexibility(json& f, const std::string& path) {
  if (f.is_object()) f = json::array({f});
  if (!f.is_array() || f.empty()) {
    errors_.add(path, "expected a rule {\"queue\", \"slack\", ...} or a non-empty array of them, found " +
                          catalog::json_type_name(f));
    return;
  }
  for (std::size_t i = 0; i < f.size(); ++i) {
    json& r = f[i];
    const std::string rp = index_path(path, i);
    if (!reader_.expect_object(r, rp)) continue;
    reader_.check_keys(r, rp, {"queue", "slack", "share", "preemptible_share"});
    workloads::FlexibilityRule rule;
    field(r, "queue", "");
    if (const auto q = reader_.string(r, "queue", rp, true)) rule.queue = *q;
    if (!r.contains("slack")) {
      errors_.add(member_path(rp, "slack"), "missing; a flexible job needs its slack (\"12 h\" or [\"12 h\", \"48 h\"])");
      continue;
    }
    json& slack = r["slack"];
    if (slack.is_array()) {
      if (slack.size() != 2) {
        errors_.add(member_path(rp, "slack"), "expected a duration or [MIN, MAX], found an array of " + std::to_string(slack.size()));
        continue;
      }
      const std::string sp = member_path(rp, "slack");
      const auto lo = reader_.quantity_value(slack[0], sp + "[0]", Dimension::kTime);
      const auto hi = reader_.quantity_value(slack[1], sp + "[1]", Dimension::kTime);
      if (!lo || !hi) continue;
      rule.slack_min = SimTime::from_seconds(*lo);
      rule.slack_max = SimTime::from_seconds(*hi);
    } else if (const auto d = reader_.duration(r, "slack", rp, true)) {
      rule.slack_min = rule.slack_max = *d;
    } else {
      continue;
    }
    if (rule.slack_max < rule.slack_min) {
      errors_.add(member_path(rp, "slack"), "its maximum is below its minimum");
      continue;
    }
    field(r, "share", 1.0);
    field(r, "preemptible_share", 0.0);
    rule.share = reader_.number(r, "share", rp, true, 0.0, 1.0).value_or(1.0);
    rule.preemptible_share = reader_.number(r, "preemptible_share", rp, true, 0.0, 1.0).value_or(0.0);
    sc_.workload.flexibility.push_back(rule);
  }
}

// One forecast object: "model", "error", "autocorrelation", "growth", "reference",
// "max_error", "seed", "lag", and, for the file model, "csv" with its column names and
// "scale". Fields absent keep the values already in `spec` (a signal's own object overrides
// the fields of the object around it).
void Parser::parse_forecast_spec(json& f, const std::string& path, forecast::Spec& spec, ForecastFile& file,
                                 bool allow_signals) {
  if (allow_signals) {
    reader_.check_keys(f, path, {"model", "error", "autocorrelation", "growth", "reference", "max_error", "seed", "lag", "csv",
                                 "time_column", "issued_column", "value_column", "scale", "carbon", "carbon-marginal", "price",
                                 "renewable", "outside-temperature"});
  } else {
    reader_.check_keys(f, path, {"model", "error", "autocorrelation", "growth", "reference", "max_error", "seed", "lag", "csv",
                                 "time_column", "issued_column", "value_column", "scale"});
  }
  if (const auto m = reader_.string(f, "model", path, false)) {
    if (*m == "perfect") spec.model = forecast::Model::kPerfect;
    else if (*m == "noisy") spec.model = forecast::Model::kNoisy;
    else if (*m == "persistence") spec.model = forecast::Model::kPersistence;
    else if (*m == "file") spec.model = forecast::Model::kFile;
    else errors_.add(member_path(path, "model"), "is \"" + *m + "\"; expected \"perfect\", \"noisy\", \"persistence\" or \"file\"" +
                                                  simcore::did_you_mean(*m, {"perfect", "noisy", "persistence", "file"}));
  }
  if (f.contains("error")) spec.error = reader_.quantity(f, "error", path, simcore::Dimension::kFraction, true).value_or(spec.error);
  if (f.contains("max_error")) spec.max_error = reader_.quantity(f, "max_error", path, simcore::Dimension::kFraction, true).value_or(spec.max_error);
  if (f.contains("autocorrelation")) spec.autocorrelation = reader_.number(f, "autocorrelation", path, true, 0.0, 0.999999).value_or(0.0);
  if (const auto g = reader_.string(f, "growth", path, false)) {
    if (*g == "fixed") spec.growth = forecast::Growth::kFixed;
    else if (*g == "sqrt") spec.growth = forecast::Growth::kSqrt;
    else errors_.add(member_path(path, "growth"), "is \"" + *g + "\"; expected \"fixed\" (the error of a step does not depend on "
                                                   "the lead time) or \"sqrt\" (it grows with its square root)");
  }
  const auto positive = [&](const char* key, SimTime& out) {
    if (!f.contains(key)) return;
    if (const auto t = reader_.duration(f, key, path, true)) {
      if (*t > SimTime::zero()) out = *t;
      else errors_.add(member_path(path, key), "is " + simcore::format_time(*t) + "; expected a positive duration");
    }
  };
  positive("reference", spec.reference);
  positive("lag", spec.persistence_lag);
  if (f.contains("seed")) {
    if (const auto s = reader_.integer(f, "seed", path, true, 0, std::numeric_limits<std::int64_t>::max())) spec.seed = static_cast<std::uint64_t>(*s);
  }
  // The forecast file and its columns (the file model only).
  for (const char* key : {"csv", "time_column", "issued_column", "value_column", "scale"}) {
    if (f.contains(key)) file.given = true;
  }
  if (const auto c = reader_.string(f, "time_column", path, false)) file.options.time_column = *c;
  if (const auto c = reader_.string(f, "issued_column", path, false)) file.options.issued_column = *c;
  if (const auto c = reader_.string(f, "value_column", path, false)) file.options.value_column = *c;
  if (f.contains("scale")) file.options.scale = reader_.number(f, "scale", path, true, -1e12, 1e12).value_or(1.0);
  if (const auto c = reader_.string(f, "csv", path, false)) {
    file.path = resolve_path(member_path(path, "csv"), *c);
    file.at = member_path(path, "csv");
  }
}

// The truth each signal's forecast is made from, per site (null: the site has none).
namespace {
struct SignalTruth {
  simcore::StepSeries series;
  bool periodic = false;
  bool present = false;
};

simcore::StepSeries scaled(const supply::ScaledSeries& s, const std::string& name) {
  std::vector<double> v = s.series.values();
  for (double& x : v) x *= s.scale;
  return simcore::StepSeries(s.series.times(), std::move(v), s.series.end(), name);
}

// The sum of on-site generation series (W): one series as it is; several over [0, horizon]
// (or one year when the run has none), each repeated as it repeats.
SignalTruth renewable_truth(const datacenter::SiteConfig& site, std::optional<SimTime> horizon) {
  SignalTruth t;
  const auto& rs = site.supply.renewables;
  if (rs.empty()) return t;
  t.present = true;
  if (rs.size() == 1) {
    t.series = scaled(rs[0], "renewable output");
    t.periodic = rs[0].periodic;
    return t;
  }
  const SimTime end = horizon.value_or(SimTime::days(365));
  std::vector<simcore::StepCursor> cursors;
  for (const auto& r : rs) cursors.emplace_back(r.series, r.periodic);
  simcore::StepSeriesBuilder b("renewable output");
  SimTime now = SimTime::zero();
  while (now < end) {
    double sum = 0.0;
    SimTime next = end;
    for (std::size_t i = 0; i < rs.size(); ++i) {
      sum += rs[i].scale * cursors[i].value_at(now);
      next = std::min(next, cursors[i].next_change_after(now));
    }
    b.append(now, sum);
    now = next;
  }
  t.series = b.finish(end);
  return t;
}
}  // namespace

// A forecast object as written: its fields, and each signal's own object over them, parsed once
// (so a shared top-level object reports its problems once, whichever sites use it).
Parser::ForecastConfig Parser::read_forecast_config(json& f, const std::string& path) {
  ForecastConfig c;
  c.path = path;
  if (!reader_.expect_object(f, path)) return c;
  c.ok = true;
  parse_forecast_spec(f, path, c.base, c.base_file, true);
  for (std::size_t s = 0; s < datacenter::kSignalCount; ++s) {
    const std::string name = datacenter::signal_name(static_cast<datacenter::Signal>(s));
    if (!f.contains(name)) continue;
    const std::string sp = member_path(path, name);
    if (!reader_.expect_object(f[name], sp)) continue;
    forecast::Spec spec = c.base;
    ForecastFile file = c.base_file;
    file.given = false;
    parse_forecast_spec(f[name], sp, spec, file, false);
    c.given[s] = true;
    c.spec[s] = spec;
    c.file[s] = file;
  }
  // Read each signal's forecast file once; a file for a model that is not "file" is a mistake.
  for (std::size_t s = 0; s < datacenter::kSignalCount; ++s) {
    const auto signal = static_cast<datacenter::Signal>(s);
    const std::string name = datacenter::signal_name(signal);
    const forecast::Spec& spec = c.given[s] ? c.spec[s] : c.base;
    ForecastFile& file = c.given[s] ? c.file[s] : c.base_file;
    const std::string sp = c.given[s] ? member_path(path, name) : path;
    if (spec.model != forecast::Model::kFile) {
      if (c.given[s] && file.given) errors_.add(sp, "\"csv\" and its columns are for \"model\": \"file\" only");
      continue;
    }
    if (file.path.empty()) {
      if (c.given[s] || s == 0) errors_.add(sp, "the file model needs \"csv\": the forecast file (columns time, issued_at, value)");
      continue;
    }
    if (!c.given[s] && file.read) {
      c.issues[s] = c.base_issues;
      continue;
    }
    auto o = file.options;
    o.name = name + " forecast";
    if (signal == datacenter::Signal::kCarbon || signal == datacenter::Signal::kCarbonMarginal) {
      o.min_value = 0.0;
      o.max_value = 1e5;
    } else if (signal == datacenter::Signal::kRenewable) {
      o.min_value = 0.0;
    } else if (signal == datacenter::Signal::kOutsideTemp) {
      o.min_value = -100.0;
      o.max_value = 100.0;
    }
    sc_.input_files.push_back(file.path);
    try {
      c.issues[s] = traces::read_forecast_csv(file.path, o, *start_abs_);
      if (!c.given[s]) {
        file.read = true;
        c.base_issues = c.issues[s];
      }
    } catch (const simcore::InputError& e) {
      for (const auto& d : e.diagnostics()) errors_.add(file.at, d.where.empty() ? d.message : d.where + ": " + d.message);
      file.path.clear();
    }
  }
  return c;
}

void Parser::parse_forecasts() {
  const bool several = doc_.contains("sites") && doc_["sites"].is_array();
  std::optional<ForecastConfig> top;
  if (doc_.contains("forecast") || !several) top = read_forecast_config(field(doc_, "forecast", json{{"model", "perfect"}}), "forecast");
  for (std::size_t i = 0; i < sc_.world.sites.size(); ++i) {
    auto& site = sc_.world.sites[i];
    ForecastConfig own_config;
    const ForecastConfig* c = nullptr;
    if (several && i < doc_["sites"].size() && doc_["sites"][i].is_object() && doc_["sites"][i].contains("forecast")) {
      own_config = read_forecast_config(doc_["sites"][i]["forecast"], index_path("sites", i) + ".forecast");
      c = &own_config;
    } else if (top) {
      c = &*top;
    } else {
      own_config.ok = true;  // no forecast given anywhere: perfect
      own_config.path = "forecast";
      c = &own_config;
    }
    if (!c->ok) continue;
    for (std::size_t s = 0; s < datacenter::kSignalCount; ++s) {
      const auto signal = static_cast<datacenter::Signal>(s);
      const std::string name = datacenter::signal_name(signal);
      SignalTruth truth;
      switch (signal) {
        case datacenter::Signal::kCarbon:
        case datacenter::Signal::kCarbonMarginal: {
          const bool want_marginal = signal == datacenter::Signal::kCarbonMarginal;
          if (want_marginal == site.accounting_marginal) {
            truth = {site.carbon_intensity_g_per_kwh, site.carbon_intensity_repeats, !site.carbon_intensity_g_per_kwh.empty()};
          } else {
            truth = {site.other_intensity_g_per_kwh, site.other_intensity_repeats, !site.other_intensity_g_per_kwh.empty()};
          }
          break;
        }
        case datacenter::Signal::kPrice:
          if (site.supply.price) truth = {scaled(*site.supply.price, "price"), site.supply.price->periodic, true};
          break;
        case datacenter::Signal::kRenewable: truth = renewable_truth(site, horizon_); break;
        case datacenter::Signal::kOutsideTemp:
          truth = {site.outside_temp_c, site.outside_temp_repeats, !site.outside_temp_c.empty()};
          break;
      }
      const std::string sp = member_path(c->path, name);
      if (!truth.present) {
        if (c->given[s]) {
          errors_.add(sp, "site \"" + site.name + "\" has no " + name + " series to forecast");
        }
        continue;
      }
      forecast::Spec spec = c->given[s] ? c->spec[s] : c->base;
      if (spec.model == forecast::Model::kFile && c->issues[s].empty()) continue;  // reported
      spec.name = site.name + "/" + name;
      if (signal == datacenter::Signal::kCarbon || signal == datacenter::Signal::kCarbonMarginal ||
          signal == datacenter::Signal::kRenewable) {
        spec.floor = 0.0;
      }
      try {
        site.forecasts[s] = forecast::make_forecast(spec, truth.series, truth.periodic, c->issues[s]);
      } catch (const simcore::InputError& e) {
        for (const auto& d : e.diagnostics()) errors_.add(c->given[s] ? sp : c->path, d.message);
      }
    }
  }
}

void Parser::parse_workload(json& w, const std::string& path) {
  if (!reader_.expect_object(w, path)) return;
  reader_.check_keys(w, path, {"trace", "generator", "oversize", "checkpoint", "flexibility"});
  if (w.contains("flexibility")) parse_flexibility(w["flexibility"], member_path(path, "flexibility"));
  // Checkpoint costs of every job (a trace's own columns override them; workloads/job.hpp).
  json& ck = field(w, "checkpoint", json::object());
  const std::string ckp = member_path(path, "checkpoint");
  if (reader_.expect_object(ck, ckp)) {
    reader_.check_keys(ck, ckp, {"write", "read", "interval"});
    workloads::Job& d = sc_.workload.checkpoint;
    field(ck, "write", "1 min");
    field(ck, "read", "1 min");
    field(ck, "interval", "0 s");
    if (const auto t = reader_.duration(ck, "write", ckp, true)) d.checkpoint_time = *t;
    if (const auto t = reader_.duration(ck, "read", ckp, true)) d.restore_time = *t;
    if (const auto t = reader_.duration(ck, "interval", ckp, true)) d.checkpoint_interval = *t;
  }
  field(w, "oversize", "error");
  if (const auto mode = reader_.string(w, "oversize", path, true)) {
    if (*mode == "error") {
      sc_.workload.oversize = workloads::OversizeFilter::Mode::kError;
    } else if (*mode == "skip") {
      sc_.workload.oversize = workloads::OversizeFilter::Mode::kSkip;
    } else {
      errors_.add(member_path(path, "oversize"),
                  "is \"" + *mode +
                      "\"; expected \"error\" (a trace row larger than the largest site stops the run) or \"skip\" (such "
                      "rows are dropped and counted)" +
                      simcore::did_you_mean(*mode, {"error", "skip"}));
    }
  }
  if (w.contains("trace") == w.contains("generator")) {
    errors_.add(path, "expected exactly one of \"trace\" and \"generator\"");
    return;
  }
  if (w.contains("generator")) {
    json& g = w["generator"];
    const std::string gp = member_path(path, "generator");
    sc_.workload.kind = WorkloadSpec::Kind::kGenerator;
    if (g.is_array()) {
      if (g.empty()) errors_.add(gp, "expected a generator or a non-empty array of generators");
      for (std::size_t i = 0; i < g.size(); ++i) parse_generator(g[i], index_path(gp, i));
    } else {
      parse_generator(g, gp);
    }
    return;
  }
  json& t = w["trace"];
  const std::string p = member_path(path, "trace");
  if (!reader_.expect_object(t, p)) return;
  reader_.check_keys(t, p, {"path", "format", "beta"});
  sc_.workload.kind = WorkloadSpec::Kind::kTrace;
  field(t, "format", "wattsim-csv");
  if (t["format"] != "wattsim-csv") {
    errors_.add(member_path(p, "format"), "is " + t["format"].dump() + "; expected \"wattsim-csv\"");
  }
  field(t, "beta", 1.0);
  sc_.workload.trace_default_beta = reader_.number(t, "beta", p, true, 0.0, 1.0).value_or(1.0);
  if (const auto file = reader_.string(t, "path", p, true)) {
    sc_.workload.trace_path = resolve_path(member_path(p, "path"), *file);
    sc_.input_files.push_back(sc_.workload.trace_path);
    try {
      traces::JobCsvReader probe(sc_.workload.trace_path, {sc_.workload.trace_default_beta, {}});  // checks the header
    } catch (const simcore::InputError& e) {
      for (const auto& d : e.diagnostics()) errors_.add(member_path(p, "path"), (d.where.empty() ? "" : d.where + ": ") + d.message);
    }
  }
}

void Parser::parse_generator(json& g, const std::string& p) {
  if (!reader_.expect_object(g, p)) return;
  reader_.check_keys(g, p, {"mean_interarrival", "diurnal", "sizes", "durations", "utilisation", "beta", "jobs", "until", "queue",
                            "data", "home_site"});
  auto& spec = sc_.workload.generators.emplace_back();
  spec.checkpoint_defaults = sc_.workload.checkpoint;
  if (const auto gap = reader_.duration(g, "mean_interarrival", p, true)) {
    if (*gap <= SimTime::zero()) {
      errors_.add(member_path(p, "mean_interarrival"), "must be positive");
    } else {
      spec.arrivals.rate_per_s = 1.0 / gap->to_seconds();
    }
  }
  if (g.contains("diurnal")) {
    const std::string dp = member_path(p, "diurnal");
    if (reader_.expect_object(g["diurnal"], dp)) {
      reader_.check_keys(g["diurnal"], dp, {"amplitude", "peak"});
      spec.arrivals.diurnal_amplitude = reader_.number(g["diurnal"], "amplitude", dp, true, 0.0, 1.0).value_or(0.0);
      field(g["diurnal"], "peak", "14 h");
      if (const auto pk = reader_.duration(g["diurnal"], "peak", dp, true)) spec.arrivals.diurnal_peak = *pk;
    }
  }
  const std::string sp = member_path(p, "sizes");
  if (!g.contains("sizes")) {
    errors_.add(sp, "missing; this field is required");
  } else if (!g["sizes"].is_array() || g["sizes"].empty()) {
    errors_.add(sp, "expected a non-empty array of [accelerators, weight] pairs, found " + catalog::json_type_name(g["sizes"]));
  } else {
    for (std::size_t i = 0; i < g["sizes"].size(); ++i) {
      const json& e = g["sizes"][i];
      if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number() || e[0].get<std::int64_t>() < 1 ||
          e[0].get<std::int64_t>() > 1'000'000 || !(e[1].get<double>() > 0)) {
        errors_.add(index_path(sp, i), "is " + e.dump() + "; expected [accelerators >= 1, weight > 0]");
        continue;
      }
      spec.sizes.accelerators.push_back(static_cast<std::uint32_t>(e[0].get<std::int64_t>()));
      generator_sizes_.emplace_back(index_path(sp, i), spec.sizes.accelerators.back());
      spec.sizes.weights.push_back(e[1].get<double>());
    }
  }
  const std::string dp = member_path(p, "durations");
  if (!g.contains("durations")) {
    errors_.add(dp, "missing; this field is required");
  } else if (reader_.expect_object(g["durations"], dp)) {
    json& d = g["durations"];
    reader_.check_keys(d, dp, {"lognormal", "empirical"});
    if (d.contains("lognormal") == d.contains("empirical")) {
      errors_.add(dp, "expected exactly one of \"lognormal\" and \"empirical\"");
    } else if (d.contains("lognormal")) {
      json& l = d["lognormal"];
      const std::string lp = member_path(dp, "lognormal");
      if (reader_.expect_object(l, lp)) {
        reader_.check_keys(l, lp, {"median", "sigma", "min", "max"});
        spec.durations.kind = workloads::DurationSpec::Kind::kLognormal;
        if (const auto m = reader_.duration(l, "median", lp, true)) spec.durations.median_s = m->to_seconds();
        if (const auto s = reader_.number(l, "sigma", lp, true, 0.0, 10.0)) spec.durations.sigma = *s;
        field(l, "min", "1 s");
        field(l, "max", "7 d");
        if (const auto m = reader_.duration(l, "min", lp, true)) spec.durations.min_s = m->to_seconds();
        if (const auto m = reader_.duration(l, "max", lp, true)) spec.durations.max_s = m->to_seconds();
        if (spec.durations.min_s > spec.durations.max_s) errors_.add(member_path(lp, "min"), "is above max");
        if (!(spec.durations.median_s > 0)) errors_.add(member_path(lp, "median"), "must be positive");
      }
    } else {
      json& e = d["empirical"];
      const std::string ep = member_path(dp, "empirical");
      spec.durations.kind = workloads::DurationSpec::Kind::kEmpirical;
      if (!e.is_array() || e.empty()) {
        errors_.add(ep, "expected a non-empty array of [duration, weight] pairs");
      } else {
        for (std::size_t i = 0; i < e.size(); ++i) {
          const std::string ip = index_path(ep, i);
          if (!e[i].is_array() || e[i].size() != 2 || !e[i][1].is_number() || !(e[i][1].get<double>() > 0)) {
            errors_.add(ip, "is " + e[i].dump() + "; expected [duration, weight > 0]");
            continue;
          }
          if (const auto v = reader_.quantity_value(e[i][0], ip + "[0]", Dimension::kTime)) {
            spec.durations.values_s.push_back(*v);
            spec.durations.weights.push_back(e[i][1].get<double>());
          }
        }
      }
    }
  }
  field(g, "utilisation", 1.0);
  field(g, "beta", 1.0);
  if (const auto u = range(g, "utilisation", p, 0.0, 1.0)) spec.utilisation = {u->first, u->second};
  if (const auto b = range(g, "beta", p, 0.0, 1.0)) spec.beta = {b->first, b->second};
  if (const auto n = reader_.integer(g, "jobs", p, false, 1, std::numeric_limits<std::int64_t>::max())) {
    spec.max_jobs = static_cast<std::uint64_t>(*n);
  }
  if (const auto u = reader_.duration(g, "until", p, false)) spec.until = *u;
  spec.queue = reader_.string(g, "queue", p, false).value_or("");
  // Input data per job and the site that holds it (resolved once the sites are known).
  if (g.contains("data")) spec.data_gb = reader_.quantity(g, "data", p, Dimension::kDataSize, true).value_or(0.0) / 1e9;
  if (const auto home = reader_.string(g, "home_site", p, false)) {
    home_sites_.push_back({sc_.workload.generators.size() - 1, *home, member_path(p, "home_site")});
  }
  if (!spec.max_jobs && !spec.until && !horizon_) {
    errors_.add(p, "an endless generator without a horizon never finishes; give \"jobs\", \"until\" or a top-level \"horizon\"");
  }
}

void Parser::parse_failures() {
  if (!doc_.contains("failures")) return;
  json& f = doc_["failures"];
  if (!reader_.expect_object(f, "failures")) return;
  reader_.check_keys(f, "failures", {"csv"});
  const auto file = reader_.string(f, "csv", "failures", true);
  if (!file) return;
  const std::string path = resolve_path("failures.csv", *file);
  sc_.input_files.push_back(path);
  std::uint64_t nodes = 0;
  for (const auto& site : sc_.world.sites) {
    for (const auto& g : site.racks) nodes += std::uint64_t{g.count} * g.nodes_per_rack;
  }
  try {
    for (const auto& row : traces::read_failure_csv(path)) {
      if (row.node >= nodes) {
        errors_.add(path + ":" + std::to_string(row.line),
                    "node " + std::to_string(row.node) + " does not exist; the facility has " + std::to_string(nodes) +
                        " nodes, numbered from 0");
        continue;
      }
      sc_.world.failures.push_back({row.node, row.at});
    }
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) errors_.add(d.where.empty() ? "failures.csv" : d.where, d.message);
  }
}

namespace {
// A JSON value as a policy parameter (numbers, true/false, strings); nothing for anything else.
std::optional<policies::ParamValue> param_value(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}
}  // namespace

// One entry of the policy: "NAME", or {"name": NAME, PARAM: VALUE, ...} (with `params_key`,
// the parameters sit in that member instead: the {"name", "params"} shorthand). Written back
// with every default filled in.
bool Parser::parse_policy_entry(json& entry, const std::string& path, policies::PolicyKind kind,
                                policies::PolicyChoice& out, const char* params_key) {
  if (entry.is_string()) entry = json{{"name", entry.get<std::string>()}};
  if (!entry.is_object()) {
    errors_.add(path, "expected a name or an object with \"name\", found " + catalog::json_type_name(entry));
    return false;
  }
  const auto n = reader_.string(entry, "name", path, true);
  if (!n) return false;
  try {
    out.info = &policies::builtin_policies().get(*n, kind);
  } catch (const simcore::InputError& e) {
    errors_.add(member_path(path, "name"), e.diagnostics().front().message);
    return false;
  }
  json* holder = &entry;
  std::string where = path;
  if (params_key != nullptr) {
    reader_.check_keys(entry, path, {"name", params_key});
    holder = &field(entry, params_key, json::object());
    where = member_path(path, params_key);
    if (!reader_.expect_object(*holder, where)) return false;
  }
  policies::Params given;
  for (const auto& [key, value] : holder->items()) {
    if (holder == &entry && key == "name") continue;
    if (const auto v = param_value(value)) {
      given[key] = *v;
    } else {
      errors_.add(member_path(where, key), "expected a number, true/false or a string, found " + catalog::json_type_name(value));
    }
  }
  try {
    out.params = policies::resolve_params(*out.info, given, where);
    // File parameters are relative to the scenario's folder, as every file it names.
    for (const auto& spec : out.info->params) {
      if (!spec.path) continue;
      auto& v = std::get<std::string>(out.params[spec.name]);
      if (v.empty()) continue;
      v = resolve_path(member_path(where, spec.name), v);
      sc_.input_files.push_back(v);
    }
    for (const auto& [key, value] : out.params) {
      // An init-capture: clang before 16 cannot capture a structured binding (`make fuzz` uses clang 14).
      std::visit([&, &name = key](const auto& v) { (*holder)[name] = v; }, value);
    }
  } catch (const simcore::InputError& e) {
    for (const auto& d : e.diagnostics()) errors_.add(d.where, d.message);
    return false;
  }
  return true;
}

// "policy": {"name": SCHEDULER, "params": {...}} (first-fit placement, no managers), or
// {"scheduler": ..., "placement": ..., "managers": [...]}, each entry a name or an object with
// "name" and its parameters.
void Parser::parse_policy(json& pol, const std::string& path) {
  if (!reader_.expect_object(pol, path)) return;
  using policies::PolicyKind;
  policies::PolicyStack& stack = sc_.policy;
  bool ok = true;
  if (pol.contains("name") || !(pol.contains("scheduler") || pol.contains("placement") || pol.contains("managers"))) {
    if (pol.contains("scheduler") || pol.contains("placement") || pol.contains("managers")) {
      errors_.add(path, "give either \"name\" (a scheduler alone) or \"scheduler\", \"placement\" and \"managers\", not both");
      return;
    }
    field(pol, "name", "fifo");
    ok = parse_policy_entry(pol, path, PolicyKind::kScheduler, stack.scheduler, "params");
    stack.placement.info = &policies::builtin_policies().get("first-fit", PolicyKind::kPlacement);
    stack.placement.params = policies::resolve_params(*stack.placement.info, {}, path);
  } else {
    reader_.check_keys(pol, path, {"scheduler", "placement", "managers"});
    ok = parse_policy_entry(field(pol, "scheduler", "fifo"), member_path(path, "scheduler"), PolicyKind::kScheduler,
                            stack.scheduler) && ok;
    ok = parse_policy_entry(field(pol, "placement", "first-fit"), member_path(path, "placement"),
                            PolicyKind::kPlacement, stack.placement) && ok;
    json& managers = field(pol, "managers", json::array());
    const std::string mp = member_path(path, "managers");
    if (!managers.is_array()) {
      errors_.add(mp, "expected an array of managers, found " + catalog::json_type_name(managers));
      ok = false;
    } else {
      for (std::size_t i = 0; i < managers.size(); ++i) {
        policies::PolicyChoice m;
        if (parse_policy_entry(managers[i], index_path(mp, i), PolicyKind::kManager, m)) {
          stack.managers.push_back(std::move(m));
        } else {
          ok = false;
        }
      }
    }
  }
  if (!ok) stack = policies::PolicyStack{};
}

void Parser::parse_output(json& o, const std::string& path) {
  if (!reader_.expect_object(o, path)) return;
  reader_.check_keys(o, path, {"path", "interval", "compression"});
  if (const auto p = reader_.string(o, "path", path, false)) {
    sc_.output.path = resolve_path(member_path(path, "path"), *p);
  }
  field(o, "interval", "1 h");
  if (const auto i = reader_.duration(o, "interval", path, true)) {
    if (*i <= SimTime::zero()) {
      errors_.add(member_path(path, "interval"), "must be positive");
    } else {
      sc_.output.interval = *i;
    }
  }
  field(o, "compression", 1);
  sc_.output.compression = static_cast<int>(reader_.integer(o, "compression", path, true, 0, 9).value_or(1));
  sc_.world.output_interval = sc_.output.interval;
}

}  // namespace

std::vector<std::string> variant_overrides(const json& variant) {
  if (!variant.contains("policy")) return {"policy=" + variant.dump()};
  std::vector<std::string> out{"policy=" + variant["policy"].dump()};
  if (variant.contains("set")) {
    for (const auto& [path, value] : variant["set"].items()) out.push_back(path + "=" + value.dump());
  }
  return out;
}

std::string apply_set(json& doc, const std::string& assignment) {
  // A VALUE that is not JSON becomes a string, and the resolved scenario is written as JSON,
  // which holds UTF-8 text only: refuse other bytes here, not when writing the result set.
  try {
    static_cast<void>(json(assignment).dump());
  } catch (const json::type_error& e) {
    const std::string what = e.what();
    throw simcore::InputError("--set", "the argument is not UTF-8 text (" + what.substr(what.find(']') + 2) +
                                           "); expected KEY=VALUE in UTF-8");
  }
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw simcore::InputError("--set " + assignment, "expected KEY=VALUE, e.g. facility.racks[0].count=128");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const auto steps = parse_json_path(key);
  // JSON with its keys checked (a repeated key is an error, located in VALUE), else a plain string.
  const json value = json::accept(text) ? catalog::parse_json_text(text, "--set " + key, "JSON") : json(text);
  json* at = &doc;
  std::string walked;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const bool last = i + 1 == steps.size();
    if (const auto* k = std::get_if<std::string>(&steps[i])) {
      if (at->is_null()) *at = json::object();
      if (!at->is_object()) {
        throw simcore::InputError("--set " + key, "\"" + walked + "\" is " + catalog::json_type_name(*at) + ", not an object");
      }
      walked = member_path(walked, *k);
      at = &(*at)[*k];
    } else {
      const std::size_t index = std::get<std::size_t>(steps[i]);
      if (!at->is_array()) {
        throw simcore::InputError("--set " + key, "\"" + walked + "\" is " + catalog::json_type_name(*at) + ", not an array");
      }
      if (index >= at->size()) {
        throw simcore::InputError("--set " + key, "\"" + walked + "\" has " + std::to_string(at->size()) +
                                                      " elements; index " + std::to_string(index) + " is past its end");
      }
      walked = index_path(walked, index);
      at = &(*at)[index];
    }
    if (last) *at = value;
  }
  return canonical_path(steps);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw simcore::InputError(path, std::string("cannot read the scenario file: ") + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  json doc = catalog::parse_json_text(text.str(), path, "a scenario (docs/scenarios.md)");
  // The fields --set gave, as the paths they are at: a later --set of an enclosing object
  // replaces what an earlier one gave inside it.
  std::set<std::string> cli_paths;
  simcore::DiagnosticSink set_errors;
  for (const auto& s : sets) {
    set_errors.capture("--set " + s, [&] {
      const std::string at = apply_set(doc, s);
      std::erase_if(cli_paths, [&](const std::string& p) {
        return p.size() > at.size() && p.compare(0, at.size(), at) == 0 && (p[at.size()] == '.' || p[at.size()] == '[');
      });
      cli_paths.insert(at);
    });
  }
  set_errors.throw_if_any();
  Parser parser(doc, path, std::move(cli_paths));
  return parser.parse();
}

std::uint64_t Scenario::largest_site_accelerators() const {
  std::uint64_t largest = 0;
  for (const auto& site : world.sites) largest = std::max(largest, site_accelerators(site));
  return largest;
}

std::unique_ptr<workloads::OversizeFilter> Scenario::make_job_source(std::FILE* warnings) const {
  std::unique_ptr<workloads::JobSource> source;
  if (workload.kind == WorkloadSpec::Kind::kTrace) {
    source =
        std::make_unique<traces::JobCsvReader>(workload.trace_path,
                                               traces::JobCsvOptions{workload.trace_default_beta, workload.checkpoint});
  } else if (const simcore::RandomStreams rng(seed); workload.generators.size() == 1) {
    source = std::make_unique<workloads::JobGenerator>(workload.generators[0], rng);
  } else {
    std::vector<std::unique_ptr<workloads::JobSource>> sources;
    for (std::size_t i = 0; i < workload.generators.size(); ++i) {
      sources.push_back(std::make_unique<workloads::JobGenerator>(workload.generators[i], rng,
                                                                  "generator[" + std::to_string(i) + "]/"));
    }
    source = std::make_unique<workloads::MergedJobSource>(std::move(sources));
  }
  if (!workload.flexibility.empty()) {
    source = std::make_unique<workloads::FlexibilityFilter>(std::move(source), workload.flexibility, seed);
  }
  return std::make_unique<workloads::OversizeFilter>(std::move(source), largest_site_accelerators(), workload.oversize,
                                                     warnings);
}

json Scenario::hardware_json() const {
  json out = {{"nodes", json::object()}, {"accelerators", json::object()}};
  for (const auto& site : world.sites) {
    for (const auto& g : site.racks) {
      out["nodes"][g.node->name] = catalog::node_to_json(*g.node);
      if (g.accelerator != nullptr) out["accelerators"][g.accelerator->name] = catalog::accelerator_to_json(*g.accelerator);
    }
  }
  return out;
}

}  // namespace wattsim::app
