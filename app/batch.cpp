#include "app/batch.hpp"

#include "app/cli_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/batch_front.hpp"
#include "app/interrupt.hpp"
#include "app/output_guard.hpp"
#include "app/scenario.hpp"
#include "app/series_parser.hpp"
#include "app/units_text.hpp"
#include "app/version.hpp"
#include "batch/columns.hpp"
#include "batch/cuda.hpp"
#include "batch/evaluate.hpp"
#include "datacenter/world.hpp"
#include "models/catalog/json_text.hpp"
#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"
#include "traces/series_csv.hpp"

namespace wattsim::app {

using catalog::JsonReader;
using catalog::member_path;
using nlohmann::json;
using simcore::SimTime;
namespace fs = std::filesystem;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kDefaultLimit = 100'000;

// A variant's parameters as the batch file gives them (kW, kWh, g/kWh, ...): also its row in
// /variants. Numbers only; names become indices into the lists below.
struct Knob {
  const char* name;
  const char* unit;
  double fallback, min, max;
  const char* description;  // of its /variants field
};
const Knob kKnobs[] = {
    {"solar_kw", "kW", 0, 0, 1e9, "On-site solar nameplate power"},
    {"solar_availability", "1", 1, 0, 1, "Share of the solar plant in service"},
    {"wind_kw", "kW", 0, 0, 1e9, "On-site wind nameplate power"},
    {"wind_availability", "1", 1, 0, 1, "Share of the wind plant in service"},
    {"ppa_kw", "kW", 0, 0, 1e9, "Contracted PPA capacity"},
    {"battery_kwh", "kWh", 0, 0, 1e10, "Battery nameplate energy (0: no battery)"},
    {"battery_kw", "kW", 0, 0, 1e9, "Battery charge and discharge limit"},
    // NREL ATB (2023-2025): 85 % round trip for utility Li-ion (docs/reference, section 4.5).
    {"round_trip_efficiency", "1", 0.85, 1e-6, 1, "Battery energy out / energy in"},
    {"soc_min", "1", 0.1, 0, 1, "Lowest battery state of charge, a fraction of the faded capacity"},
    {"soc_max", "1", 1, 0, 1, "Highest battery state of charge, a fraction of the faded capacity"},
    {"initial_soc", "1", 0.5, 0, 1, "Stored energy at time 0, a fraction of battery_kwh"},
    {"fade_per_cycle", "1", 0, 0, 1, "Battery nameplate fraction lost per full-equivalent cycle"},
    {"fade_per_year", "1", 0, 0, 1, "Battery nameplate fraction lost per year"},
    {"charge_below_g_per_kwh", "g/kWh", -1, 0, 1e5,
     "carbon-arbitrage: charge while the intensity is at most this (-1: not given)"},
    {"discharge_above_g_per_kwh", "g/kWh", 1e300, 0, 1e5,
     "carbon-arbitrage: discharge while the intensity is at least this (1e300: not given)"},
    {"grid_limit_kw", "kW", kInf, 0, 1e9, "peak-shaving: the grid import to keep at or under (inf: none)"},
    {"export_limit_kw", "kW", kInf, 0, 1e9, "Highest export power (inf: unlimited)"},
    {"export_price_factor", "1", 0, 0, 10, "Export revenue per kWh / the grid price"},
    {"demand_charge_per_kw_month", "currency/kW", 0, 0, 1e9, "Charge per kW of each calendar month's peak grid import"},
    {"credit_price_per_t", "currency/t", -1, 0, 1e9,
     "Carbon credit price per tonne (-1: not given)"},  // required with credits
    {"credit_retire_kg", "kg", 0, 0, 1e15, "fixed credits: retired per period"},
    {"credit_obligation_kg", "kg", 0, 0, 1e15, "Emissions owed per credit period besides the grid's"},
    {"credit_budget", "currency", kInf, 0, 1e300, "The most spent on credits over the span (inf: unlimited)"},
    {"intensity_scale", "1", 1, 0, 10, "Factor on the region's carbon intensity"},
};
constexpr std::size_t kKnobCount = sizeof(kKnobs) / sizeof(kKnobs[0]);
const std::vector<std::string> kDispatch = {"none", "self-consumption", "carbon-arbitrage", "peak-shaving"};
const std::vector<std::string> kCredits = {"none", "fixed", "net-zero"};
const std::vector<std::string> kPeriods = {"month", "year"};

struct Choice {
  const char* name;
  const std::vector<std::string>* values;
  const char* fallback;
  const char* description;  // of its /variants field
};
const Choice kChoices[] = {
    {"dispatch", &kDispatch, "self-consumption", "Battery dispatch: an index into /meta choices.dispatch"},
    {"credits", &kCredits, "none", "Credit policy: an index into /meta choices.credits"},
    {"credit_period", &kPeriods, "month", "Credit period: an index into /meta choices.credit_period"}};

std::size_t knob(const char* name) {
  for (std::size_t i = 0; i < kKnobCount; ++i) {
    if (std::string(kKnobs[i].name) == name) return i;
  }
  throw std::logic_error(std::string("no knob ") + name);
}

std::vector<std::string> key_names() {
  std::vector<std::string> keys = {"region", "export"};
  for (const auto& k : kKnobs) keys.emplace_back(k.name);
  for (const auto& c : kChoices) keys.emplace_back(c.name);
  return keys;
}

// One variant as read: numbers, the region's index, the choices' indices, export on or off.
struct Spec {
  double knobs[kKnobCount];
  std::size_t region = 0;
  std::size_t choice[3] = {1, 0, 0};
  bool exports = false;
};

struct Capex {
  double solar_per_kw = 0, wind_per_kw = 0, battery_per_kwh = 0, battery_per_kw = 0, ppa_per_mwh = 0;
  double lifetime_years = 20, discount_rate = 0.07;
  // Capital recovery factor: the annual payment that repays 1 over the lifetime.
  double crf() const {
    if (discount_rate == 0.0) return 1.0 / lifetime_years;
    const double g = std::pow(1.0 + discount_rate, lifetime_years);
    return discount_rate * g / (g - 1.0);
  }
};

enum Resource { kSolar, kWind, kPpa };
const char* const kResourceNames[] = {"solar", "wind", "ppa"};

// A resource's output per unit of size, as a scenario's generators give it: a capacity factor
// ("cf"), or a reference plant's generation over the capacity that produced it ("generation"
// + "generation_capacity"; scale = 1 / that capacity).
struct Profile {
  SeriesParser::Parsed parsed;
  double scale = 1.0;
};

struct Region {
  std::string name;
  simcore::StepSeries intensity;
  bool intensity_periodic = false;
  std::optional<simcore::StepSeries> price;
  bool price_periodic = false;
  std::optional<Profile> profiles[3];  // the region's own, over profiles.*
};

struct Demand {
  std::vector<SimTime> times;
  std::vector<double> watts;
  SimTime end;
  SimTime start_abs;
  std::string source;
};

// Collects one site's demand from a run.
struct DemandRecorder : datacenter::WorldObserver {
  std::uint32_t site = 0;
  std::vector<SimTime> times;
  std::vector<double> watts;
  void on_job(const datacenter::JobRecord&) override {}
  void on_interval(const datacenter::IntervalRecord&) override {}
  void on_demand(std::uint32_t s, SimTime t, double w) override {
    if (s != site) return;
    times.push_back(t);
    watts.push_back(w);
  }
};

class BatchFile {
 public:
  BatchFile(const std::string& path, bool yes) : path_(path), yes_(yes), reader_(errors_) {
    base_ = fs::path(path).parent_path();
  }
  // parse_head(): the file's JSON, name and output; parse_body(): the rest (running the demand's
  // scenario, if it names one). parse() does both.
  void parse() {
    parse_head();
    parse_body();
  }
  void parse_head();
  void parse_body();

  std::string path_;
  bool yes_;
  bool allow_feedback_ = false;  // --allow-policy-feedback: warn of a demand that reads supply, not refuse it
  simcore::DiagnosticSink errors_;
  JsonReader reader_;
  fs::path base_;
  json doc_;
  std::string text_;  // the file as written (its key order numbers the variants)
  std::string name_;
  std::string output_;
  Demand demand_;
  std::vector<Region> regions_;
  std::optional<Profile> profiles_[3];
  std::vector<Spec> specs_;
  std::vector<std::vector<std::string>> grid_keys_;  // per block, in the file's order
  std::string currency_;  // of the regions' prices, as their units name it ("USD"); "" when none does
  std::vector<std::string> inputs_;  // every file read: this one, the demand's, the series'

  // The capacity-factor profile a variant's region uses for a resource, if any.
  const Profile* profile(std::size_t region, Resource r) const {
    if (regions_[region].profiles[r]) return &*regions_[region].profiles[r];
    return profiles_[r] ? &*profiles_[r] : nullptr;
  }
  Capex capex_;

 private:
  std::string resolve(const std::string&, const std::string& value) const {
    const fs::path p(value);
    return p.is_absolute() ? p.string() : (base_ / p).lexically_normal().string();
  }
  void parse_demand(json& d);
  std::optional<Profile> parse_profile(json& g, const std::string& p, const std::string& name, SeriesParser& series);
  std::optional<Spec> read_spec(const json& values, const Spec& base, const std::string& where);
  void check_ranges(const Spec& s, const std::string& where);
  void check_spec(const Spec& s, const std::string& where);
  std::vector<std::string> region_keys_;  // in the file's order
};

void BatchFile::parse_demand(json& d) {
  if (!reader_.expect_object(d, "demand")) return;
  reader_.check_keys(d, "demand", {"scenario", "set", "result", "site"});
  if (d.contains("scenario") == d.contains("result")) {
    errors_.add("demand", "expected exactly one of \"scenario\" (run it first) and \"result\" (a result set of wattsim run)");
    return;
  }
  const std::string site_name = reader_.string(d, "site", "demand", false).value_or("");
  if (d.contains("scenario")) {
    const auto file = reader_.string(d, "scenario", "demand", true);
    std::vector<std::string> sets;
    if (d.contains("set")) {
      if (!d["set"].is_array()) {
        errors_.add("demand.set", "expected an array of \"KEY=VALUE\" strings");
      } else {
        for (std::size_t i = 0; i < d["set"].size(); ++i) {
          const json& s = d["set"][i];
          if (s.is_string()) {
            sets.push_back(s.get<std::string>());
          } else {
            errors_.add("demand.set[" + std::to_string(i) + "]", "expected a \"KEY=VALUE\" string, found " + catalog::json_type_name(s));
          }
        }
      }
    }
    if (!file) return;
    const std::string scenario_path = resolve("demand.scenario", *file);
    Scenario sc;
    try {
      sc = load_scenario(scenario_path, sets);
    } catch (const simcore::InputError& e) {
      for (const auto& x : e.diagnostics()) errors_.add("demand.scenario: " + scenario_path + (x.where.empty() ? "" : ": " + x.where), x.message);
      return;
    }
    inputs_.insert(inputs_.end(), sc.input_files.begin(), sc.input_files.end());
    // Batch settles one fixed demand against other supplies; a policy that steers by carbon,
    // price, renewables or weather would have made another demand under them (DESIGN.md §6).
    if (const auto reads = sc.policy.reads(); !reads.empty()) {
      std::string list;
      for (const auto& r : reads) list += (list.empty() ? "" : ", ") + r;
      const std::string problem = "policy \"" + sc.policy.label() + "\" reads " + list +
                                  ": its demand depends on the scenario's supply, carbon or prices, so settling it "
                                  "against other variants would be wrong";
      if (allow_feedback_) {
        std::fprintf(stderr, "wattsim: warning: demand.scenario: %s (--allow-policy-feedback: proceeding)\n", problem.c_str());
      } else {
        errors_.add("demand.scenario", problem + "; use a policy that reads none of them (e.g. \"easy-backfill\"), or "
                                                 "pass --allow-policy-feedback to settle this one demand anyway");
        return;
      }
    }
    std::uint32_t site = 0;
    if (!site_name.empty()) {
      bool found = false;
      for (std::uint32_t i = 0; i < sc.world.sites.size(); ++i) {
        if (sc.world.sites[i].name == site_name) {
          site = i;
          found = true;
        }
      }
      if (!found) {
        errors_.add("demand.site", "the scenario has no site \"" + site_name + "\"");
        return;
      }
    }
    auto source = sc.make_job_source();
    auto policy = sc.policy.make();
    DemandRecorder recorder;
    recorder.site = site;
    datacenter::World world(sc.world, *source, *policy, &recorder);
    InterruptibleProgress interruptible;  // Ctrl-C ends the demand's run at its next progress update
    const auto summary = world.run(&interruptible);
    demand_.times = std::move(recorder.times);
    demand_.watts = std::move(recorder.watts);
    demand_.end = summary.end;
    demand_.start_abs = sc.world.sites[site].supply.calendar_origin;
    demand_.source = "scenario " + scenario_path;
    return;
  }
  if (d.contains("set")) errors_.add("demand.set", "is only for \"scenario\" (a result set's demand is fixed)");
  const auto file = reader_.string(d, "result", "demand", true);
  if (!file) return;
  const std::string result_path = resolve("demand.result", *file);
  inputs_.push_back(result_path);
  try {
    const results::ResultReader r(result_path);
    const std::string group = site_name.empty() ? "/profile" : "/sites/" + site_name + "/profile";
    const auto t = r.column(group, "time_s");
    const auto kw = r.column(group, "demand_kw");
    for (std::size_t i = 0; i < t.size(); ++i) {
      demand_.times.push_back(SimTime::from_seconds(t[i]));
      demand_.watts.push_back(kw[i] * 1e3);
    }
    for (const auto& s : r.summary("/summary")) {
      if (s.name == "end_s") demand_.end = SimTime::from_seconds(s.value);
    }
    for (const auto& [k, v] : r.meta_strings()) {
      if (k == "scenario") demand_.start_abs = traces::parse_utc_time(json::parse(v).at("start").get<std::string>());
    }
    demand_.source = "result " + result_path;
  } catch (const std::exception& e) {
    errors_.add("demand.result", std::string("cannot read the demand profile: ") + e.what());
  }
}

std::optional<Profile> BatchFile::parse_profile(json& g, const std::string& p, const std::string& name, SeriesParser& series) {
  using U = SeriesParser::Unit;
  if (!reader_.expect_object(g, p)) return std::nullopt;
  reader_.check_keys(g, p, {"cf", "generation", "generation_capacity"});
  if (g.contains("cf") == g.contains("generation")) {
    errors_.add(p, "expected exactly one of \"cf\" (a capacity factor, 0 to 1) and \"generation\" (with \"generation_capacity\")");
    return std::nullopt;
  }
  if (g.contains("cf")) {
    if (g.contains("generation_capacity")) {
      errors_.add(member_path(p, "generation_capacity"), "is only for \"generation\" (a capacity factor needs no scaling)");
    }
    auto cf = series.parse(g["cf"], member_path(p, "cf"), U::kFraction, name + " capacity factor", 0.0, 1.0);
    if (!cf) return std::nullopt;
    return Profile{std::move(*cf), 1.0};
  }
  const auto fleet = reader_.quantity(g, "generation_capacity", p, simcore::Dimension::kPower, true);
  auto generation = series.parse(g["generation"], member_path(p, "generation"), U::kPower, name + " generation", 0.0, 1e15);
  if (!fleet || !generation) return std::nullopt;
  if (!(*fleet > 0)) {
    errors_.add(member_path(p, "generation_capacity"), "must be positive");
    return std::nullopt;
  }
  double peak = 0.0;
  for (double x : generation->series.values()) peak = std::max(peak, x);
  if (peak > *fleet * (1 + 1e-9)) {
    errors_.add(member_path(p, "generation_capacity"), "is " + catalog::format_number(*fleet) + " W but the series reaches " +
                                                           catalog::format_number(peak) + " W; expected the capacity behind the generation");
    return std::nullopt;
  }
  return Profile{std::move(*generation), 1.0 / *fleet};
}

std::optional<Spec> BatchFile::read_spec(const json& values, const Spec& base, const std::string& where) {
  Spec s = base;
  bool ok = true;
  std::vector<std::string> regions;
  for (const auto& r : regions_) regions.push_back(r.name);
  const auto keys = key_names();
  for (const auto& [key, v] : values.items()) {
    const std::string p = member_path(where, key);
    if (key == "region") {
      if (!v.is_string()) {
        errors_.add(p, "expected a region name, found " + catalog::json_type_name(v));
        ok = false;
        continue;
      }
      const auto it = std::find(regions.begin(), regions.end(), v.get<std::string>());
      if (it == regions.end()) {
        errors_.add(p, "unknown region \"" + v.get<std::string>() + "\"" + simcore::did_you_mean(v.get<std::string>(), regions));
        ok = false;
        continue;
      }
      s.region = static_cast<std::size_t>(it - regions.begin());
      continue;
    }
    if (key == "export") {
      if (!v.is_boolean()) {
        errors_.add(p, "expected true or false, found " + catalog::json_type_name(v));
        ok = false;
      } else {
        s.exports = v.get<bool>();
      }
      continue;
    }
    bool known = false;
    for (std::size_t c = 0; c < 3; ++c) {
      if (key != kChoices[c].name) continue;
      known = true;
      const auto& names = *kChoices[c].values;
      const auto it = v.is_string() ? std::find(names.begin(), names.end(), v.get<std::string>()) : names.end();
      if (it == names.end()) {
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "\"" : ", \"") + n + "\"";
        errors_.add(p, "is " + v.dump() + "; expected one of " + all +
                           (v.is_string() ? simcore::did_you_mean(v.get<std::string>(), names) : std::string()));
        ok = false;
      } else {
        s.choice[c] = static_cast<std::size_t>(it - names.begin());
      }
    }
    for (std::size_t k = 0; k < kKnobCount && !known; ++k) {
      if (key != kKnobs[k].name) continue;
      known = true;
      if (!v.is_number()) {
        errors_.add(p, std::string("expected a number in ") + kKnobs[k].unit + ", found " + catalog::json_type_name(v));
        ok = false;
      } else {
        s.knobs[k] = v.get<double>();
      }
    }
    if (!known) {
      errors_.add(p, "unknown parameter" + simcore::did_you_mean(key, keys));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return s;
}

void BatchFile::check_ranges(const Spec& s, const std::string& where) {
  for (std::size_t k = 0; k < kKnobCount; ++k) {
    const double x = s.knobs[k];
    if (x == kKnobs[k].fallback) continue;  // the default, whatever it is
    if (!(x >= kKnobs[k].min && x <= kKnobs[k].max)) {
      errors_.add(member_path(where, kKnobs[k].name), "is " + catalog::format_number(x) + "; expected a value in [" +
                                                          catalog::format_number(kKnobs[k].min) + ", " +
                                                          catalog::format_number(kKnobs[k].max) + "]");
    }
  }
}

// Ranges and combinations, named by the variant's index and field.
void BatchFile::check_spec(const Spec& s, const std::string& where) {
  check_ranges(s, where);
  const auto k = [&](const char* name) { return s.knobs[knob(name)]; };
  if (k("soc_min") >= k("soc_max")) errors_.add(member_path(where, "soc_min"), "expected soc_min < soc_max");
  if (k("battery_kwh") > 0 && (k("initial_soc") < k("soc_min") || k("initial_soc") > k("soc_max"))) {
    errors_.add(member_path(where, "initial_soc"), "expected a value between soc_min and soc_max");
  }
  if (s.choice[1] != 0 && k("credit_price_per_t") < 0) {
    errors_.add(member_path(where, "credit_price_per_t"), std::string("missing; credits (\"") + kCredits[s.choice[1]] +
                                                               "\") need a price per tonne");
  }
  if (s.choice[1] == 1 && !(k("credit_retire_kg") > 0)) {
    errors_.add(member_path(where, "credit_retire_kg"), "missing; a fixed credit policy retires this much per period");
  }
  if (s.choice[1] == 2 && k("credit_retire_kg") != 0) {
    errors_.add(member_path(where, "credit_retire_kg"), "is only for \"credits\": \"fixed\" (net-zero retires what the period emitted)");
  }
  if (k("battery_kwh") > 0 && k("battery_kw") <= 0) errors_.add(member_path(where, "battery_kw"), "a battery needs a power");
  if (s.choice[0] == 2 && (k("charge_below_g_per_kwh") < 0 || k("discharge_above_g_per_kwh") > 1e5)) {
    errors_.add(member_path(where, "dispatch"), "carbon-arbitrage needs charge_below_g_per_kwh and discharge_above_g_per_kwh");
  }
  if (s.choice[0] == 3 && !std::isfinite(k("grid_limit_kw"))) {
    errors_.add(member_path(where, "dispatch"), "peak-shaving needs grid_limit_kw");
  }
  const char* sizes[] = {"solar_kw", "wind_kw", "ppa_kw"};
  for (int r = kSolar; r <= kPpa; ++r) {
    if (k(sizes[r]) > 0 && profile(s.region, static_cast<Resource>(r)) == nullptr) {
      errors_.add(member_path(where, sizes[r]), std::string("region \"") + regions_[s.region].name + "\" has no " +
                                                    kResourceNames[r] + " profile (regions." + regions_[s.region].name + "." +
                                                    kResourceNames[r] + " or profiles." + kResourceNames[r] + ")");
    }
  }
}

void BatchFile::parse_head() {
  inputs_.push_back(path_);
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw simcore::InputError(path_, std::string("cannot read the batch file: ") + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  try {
    text_ = text.str();
    doc_ = catalog::parse_json_text(text_, path_, "a batch file (docs/batch.md)");  // located; repeated keys are errors
    // The grid's axes in the file's order (json keeps keys sorted): the last varies fastest.
    const auto ordered = nlohmann::ordered_json::parse(text_);
    if (ordered.is_object() && ordered.contains("regions") && ordered["regions"].is_object()) {
      for (const auto& item : ordered["regions"].items()) region_keys_.push_back(item.key());
    }
    if (ordered.is_object() && ordered.contains("grid")) {
      const auto& g = ordered["grid"];
      for (std::size_t b = 0; b < (g.is_array() ? g.size() : 1); ++b) {
        const auto& block = g.is_array() ? g[b] : g;
        grid_keys_.emplace_back();
        if (block.is_object()) {
          for (const auto& item : block.items()) grid_keys_.back().push_back(item.key());
        }
      }
    }
  } catch (const json::parse_error& e) {
    throw simcore::InputError(path_, std::string("not valid JSON: ") + e.what());
  }
  if (!reader_.expect_object(doc_, "")) errors_.throw_if_any();
  reader_.check_keys(doc_, "", {"name", "description", "demand", "regions", "profiles", "defaults", "grid", "list",
                                "capex", "max_variants", "output"});
  name_ = reader_.string(doc_, "name", "", false).value_or(fs::path(path_).stem().string());
  reader_.string(doc_, "description", "", false);
  if (doc_.contains("output")) {
    json& o = doc_["output"];
    if (reader_.expect_object(o, "output")) {
      reader_.check_keys(o, "output", {"path"});
      if (const auto p = reader_.string(o, "path", "output", false)) {
        if (p->empty()) {
          errors_.add("output.path", "is empty; expected a file name");
        } else {
          output_ = resolve("output.path", *p);
        }
      }
    }
  }
}

void BatchFile::parse_body() {
  if (!doc_.contains("demand")) {
    errors_.add("demand", "missing; this field is required");
    errors_.throw_if_any();
  }
  parse_demand(doc_["demand"]);
  errors_.throw_if_any();  // everything below is aligned to the demand's start and length
  if (demand_.times.empty() || demand_.times.front() != SimTime::zero()) {
    throw simcore::InputError("demand", "the demand profile is empty or does not start at time 0");
  }

  std::optional<SimTime> start = demand_.start_abs;
  SeriesParser series(
      reader_,
      [this](const std::string& jp, const std::string& v) {
        inputs_.push_back(resolve(jp, v));  // the series parser resolves only files it reads
        return inputs_.back();
      },
      start, nullptr, demand_.end, &currency_);
  using U = SeriesParser::Unit;
  if (!doc_.contains("regions") || !doc_["regions"].is_object() || doc_["regions"].empty()) {
    errors_.add("regions", "expected an object of regions, each {\"intensity\": ..., \"price\": ...}");
  } else {
    for (const auto& name : region_keys_) {  // in the file's order: the first is the default
      json& r = doc_["regions"][name];
      const std::string p = member_path("regions", name);
      if (!reader_.expect_object(r, p)) continue;
      reader_.check_keys(r, p, {"intensity", "price", "solar", "wind", "ppa"});
      Region region;
      region.name = name;
      if (!r.contains("intensity")) {
        errors_.add(member_path(p, "intensity"), "missing; this field is required");
        continue;
      }
      auto k = series.parse(r["intensity"], member_path(p, "intensity"), U::kIntensity, name + " carbon intensity", 0, 1e5);
      if (!k) continue;
      region.intensity = std::move(k->series);
      region.intensity_periodic = k->periodic;
      if (r.contains("price")) {
        auto price = series.parse(r["price"], member_path(p, "price"), U::kPrice, name + " electricity price", -1e6, 1e6);
        if (!price) continue;
        region.price = std::move(price->series);
        region.price_periodic = price->periodic;
      }
      for (int res = kSolar; res <= kPpa; ++res) {
        const char* key = kResourceNames[res];
        if (r.contains(key)) {
          region.profiles[res] = parse_profile(r[key], member_path(p, key), name + " " + key, series);
        }
      }
      regions_.push_back(std::move(region));
    }
  }
  if (doc_.contains("profiles")) {
    json& pr = doc_["profiles"];
    if (reader_.expect_object(pr, "profiles")) {
      reader_.check_keys(pr, "profiles", {"solar", "wind", "ppa"});
      for (int res = kSolar; res <= kPpa; ++res) {
        const char* key = kResourceNames[res];
        if (pr.contains(key)) {
          profiles_[res] = parse_profile(pr[key], member_path("profiles", key), key, series);
        }
      }
    }
  }
  if (doc_.contains("capex")) {
    json& c = doc_["capex"];
    if (reader_.expect_object(c, "capex")) {
      reader_.check_keys(c, "capex", {"solar_per_kw", "wind_per_kw", "battery_per_kwh", "battery_per_kw", "ppa_per_mwh",
                                      "lifetime_years", "discount_rate"});
      capex_.solar_per_kw = reader_.number(c, "solar_per_kw", "capex", false, 0, 1e9).value_or(0);
      capex_.wind_per_kw = reader_.number(c, "wind_per_kw", "capex", false, 0, 1e9).value_or(0);
      capex_.battery_per_kwh = reader_.number(c, "battery_per_kwh", "capex", false, 0, 1e9).value_or(0);
      capex_.battery_per_kw = reader_.number(c, "battery_per_kw", "capex", false, 0, 1e9).value_or(0);
      capex_.ppa_per_mwh = reader_.number(c, "ppa_per_mwh", "capex", false, -1e6, 1e6).value_or(0);  // net: may be negative
      capex_.lifetime_years = reader_.number(c, "lifetime_years", "capex", false, 0.1, 100).value_or(20);
      capex_.discount_rate = reader_.number(c, "discount_rate", "capex", false, 0, 1).value_or(0.07);
    }
  }
  errors_.throw_if_any();

  // The defaults, then the grid's combinations, then the list.
  Spec base;
  for (std::size_t k = 0; k < kKnobCount; ++k) base.knobs[k] = kKnobs[k].fallback;
  if (doc_.contains("defaults")) {
    if (reader_.expect_object(doc_["defaults"], "defaults")) {
      if (auto s = read_spec(doc_["defaults"], base, "defaults")) {
        base = *s;
        check_ranges(base, "defaults");
      }
    }
  }
  const std::size_t limit = static_cast<std::size_t>(
      reader_.integer(doc_, "max_variants", "", false, 1, std::numeric_limits<std::int64_t>::max()).value_or(kDefaultLimit));
  // The grid: one block of axes (their Cartesian product), or an array of blocks one after
  // another (e.g. wind only where there is a wind profile).
  using Axes = std::vector<std::pair<std::string, std::vector<json>>>;
  std::vector<Axes> blocks;
  const auto saturating_mul = [](std::size_t a, std::size_t b) {
    return b != 0 && a > std::numeric_limits<std::size_t>::max() / b ? std::numeric_limits<std::size_t>::max() : a * b;
  };
  std::size_t count = 0;
  if (doc_.contains("grid")) {
    json& g = doc_["grid"];
    const bool many = g.is_array();
    if (!many && !g.is_object()) errors_.add("grid", "expected an object of axes {\"KEY\": [values...]} or an array of such objects");
    const std::size_t n = many ? g.size() : (g.is_object() ? 1 : 0);
    for (std::size_t b = 0; b < n; ++b) {
      json& block = many ? g[b] : g;
      const std::string bp = many ? "grid[" + std::to_string(b) + "]" : "grid";
      if (!reader_.expect_object(block, bp)) continue;
      Axes axes;
      std::size_t size = 1;
      for (const auto& key : grid_keys_[b]) {
        const json& values = block[key];
        if (!values.is_array() || values.empty()) {
          errors_.add(member_path(bp, key), "expected a non-empty array of values");
          continue;
        }
        axes.emplace_back(key, std::vector<json>(values.begin(), values.end()));
        size = saturating_mul(size, values.size());
      }
      count = count > std::numeric_limits<std::size_t>::max() - size ? std::numeric_limits<std::size_t>::max() : count + size;
      blocks.push_back(std::move(axes));
    }
  } else if (!doc_.contains("list")) {
    blocks.emplace_back();  // neither: the defaults alone
    count = 1;
  }
  const std::size_t listed = doc_.contains("list") && doc_["list"].is_array() ? doc_["list"].size() : 0;
  if (doc_.contains("list") && !doc_["list"].is_array()) errors_.add("list", "expected an array of variants");
  errors_.throw_if_any();
  const std::size_t total = count + listed;
  if (total > limit && !yes_) {
    throw simcore::InputError("", std::to_string(total) + " variants, over the limit of " + std::to_string(limit) +
                                      " (max_variants); run again with --yes to evaluate them all");
  }
  if (total == 0) throw simcore::InputError("", "no variants: give \"grid\", \"list\" or both");
  std::size_t index = 0;
  for (const auto& axes : blocks) {
    std::vector<std::size_t> digit(axes.size(), 0);
    for (bool more = true; more && errors_.size() <= 50;) {  // one bad axis value repeats in many variants
      json combo = json::object();
      for (std::size_t a = 0; a < axes.size(); ++a) combo[axes[a].first] = axes[a].second[digit[a]];
      const std::string where = "variants[" + std::to_string(index++) + "]";
      if (auto s = read_spec(combo, base, where)) specs_.push_back(*s);
      more = false;
      for (std::size_t a = axes.size(); a-- > 0;) {  // the last axis varies fastest
        if (++digit[a] < axes[a].second.size()) {
          more = true;
          break;
        }
        digit[a] = 0;
      }
    }
  }
  for (std::size_t i = 0; i < listed; ++i) {
    const json& item = doc_["list"][i];
    const std::string where = "list[" + std::to_string(i) + "] (variants[" + std::to_string(count + i) + "])";
    if (!item.is_object()) {
      errors_.add(where, "expected an object of parameters");
      continue;
    }
    if (auto s = read_spec(item, base, where)) specs_.push_back(*s);
  }
  errors_.throw_if_any();  // the indices below hold when every variant was read
  for (std::size_t i = 0; i < specs_.size() && errors_.size() <= 50; ++i) check_spec(specs_[i], "variants[" + std::to_string(i) + "]");
  errors_.throw_if_any();
}

batch::VariantParams to_params(const Spec& s) {
  const auto k = [&](const char* name) { return s.knobs[knob(name)]; };
  batch::VariantParams v;
  // As the scenario parser builds a site's supply, so that equal inputs give equal bits.
  v.solar_w = k("solar_kw") * 1e3 * k("solar_availability");
  v.wind_w = k("wind_kw") * 1e3 * k("wind_availability");
  v.ppa_w = k("ppa_kw") * 1e3;
  v.intensity_scale = k("intensity_scale");
  v.battery.capacity_j = k("battery_kwh") * 3.6e6;
  v.battery.max_charge_w = v.battery.max_discharge_w = k("battery_kw") * 1e3;
  v.battery.charge_efficiency = v.battery.discharge_efficiency = std::sqrt(k("round_trip_efficiency"));
  v.battery.soc_min = k("soc_min");
  v.battery.soc_max = k("soc_max");
  v.battery.fade_per_cycle = k("fade_per_cycle");
  v.battery.fade_per_year = k("fade_per_year");
  v.initial_soc = k("initial_soc");
  v.dispatch.strategy = static_cast<supply::Dispatch>(s.choice[0]);
  v.dispatch.grid_limit_w = std::isfinite(k("grid_limit_kw")) ? k("grid_limit_kw") * 1e3 : 1e300;
  v.dispatch.allow_export = s.exports;
  v.dispatch.export_limit_w = std::isfinite(k("export_limit_kw")) ? k("export_limit_kw") * 1e3 : 1e300;
  v.charge_below_g_per_kwh = k("charge_below_g_per_kwh");
  v.discharge_above_g_per_kwh = k("discharge_above_g_per_kwh");
  v.credits.kind = static_cast<carbon::CreditKind>(s.choice[1]);
  v.credits.period = static_cast<carbon::CreditPeriod>(s.choice[2]);
  v.credits.retire_kg = k("credit_retire_kg");
  v.credits.obligation_kg = k("credit_obligation_kg");
  v.credits.budget = std::isfinite(k("credit_budget")) ? k("credit_budget") : 1e300;
  v.credit_price_per_t = std::max(0.0, k("credit_price_per_t"));  // -1 (not given) only without credits
  v.costs.export_price_factor = k("export_price_factor");
  v.costs.demand_charge_per_kw_month = k("demand_charge_per_kw_month");
  return v;
}

}  // namespace

int batch_command(const BatchOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();  // to the writing: parse, demand, evaluation
  if (options.device != "auto" && options.device != "cpu" && options.device != "cuda") {
    std::fprintf(stderr, "wattsim: --device is \"%s\"; expected auto, cpu or cuda\n", options.device.c_str());
    return 2;
  }
  BatchFile file(options.file, options.yes);
  file.allow_feedback_ = options.allow_policy_feedback;
  std::string out;
  try {
    file.parse_head();
    out = !options.output.empty() ? options.output : !file.output_.empty() ? file.output_ : file.name_ + ".h5";
    const char* where = !options.output.empty() ? "-o"
                        : !file.output_.empty() ? "output.path"
                                                : "output (default: NAME.h5)";
    const auto check = [&] {
      simcore::DiagnosticSink problems;
      check_output({out, where, file.inputs_, OutputKind::kResultSet, options.force}, problems);
      if (problems.empty()) return;
      for (const auto& d : problems.diagnostics()) file.errors_.add(d.where, d.message);
      file.errors_.throw_if_any();
    };
    check();  // before the demand's run (the batch file is the only input known yet)
    file.parse_body();
    check();  // against every input, now that all are known
  } catch (const simcore::InputError& e) {
    print_input_errors(e);
    return 2;
  } catch (const Interrupted& e) {
    return report_interrupted(e, "", out);
  }
  std::string temp_path;  // once the writer has created it: for the message when interrupted
  try {
    // Groups: a region and the profiles in use (a profile not used must be absent, not zero,
    // for the intervals to split as the simulator splits them).
    std::map<std::tuple<std::size_t, bool, bool, bool>, std::uint32_t> group_of;
    std::vector<batch::Columns> groups;
    std::vector<batch::VariantParams> params;
    std::size_t intervals = 0;
    for (const auto& s : file.specs_) {
      auto v = to_params(s);
      const auto key = std::make_tuple(s.region, v.solar_w > 0, v.wind_w > 0, v.ppa_w > 0);
      auto it = group_of.find(key);
      if (it == group_of.end()) {
        const Region& r = file.regions_[s.region];
        batch::ColumnInputs in;
        in.demand_times = file.demand_.times;
        in.demand_w = file.demand_.watts;
        in.end = file.demand_.end;
        in.intensity = {&r.intensity, r.intensity_periodic};
        if (r.price) in.price = {&*r.price, r.price_periodic};
        const auto use = [&](Resource res) -> batch::SeriesRef {
          const auto* p = file.profile(s.region, res);
          return {&p->parsed.series, p->parsed.periodic};
        };
        if (std::get<1>(key)) in.solar = use(kSolar);
        if (std::get<2>(key)) in.wind = use(kWind);
        if (std::get<3>(key)) in.ppa = use(kPpa);
        in.calendar_origin = file.demand_.start_abs;
        groups.push_back(batch::build_columns(in));
        it = group_of.emplace(key, static_cast<std::uint32_t>(groups.size() - 1)).first;
      }
      v.group = it->second;
      // Size x availability x the profile's scale, in the scenario parser's order.
      if (v.solar_w > 0) v.solar_w *= file.profile(s.region, kSolar)->scale;
      if (v.wind_w > 0) v.wind_w *= file.profile(s.region, kWind)->scale;
      if (v.ppa_w > 0) v.ppa_w *= file.profile(s.region, kPpa)->scale;
      intervals += groups[v.group].size();
      params.push_back(v);
    }
    batch::CpuOptions cpu_options{options.threads};
    cpu_options.cancelled = interrupt_requested;  // Ctrl-C stops the threads at their next block
    const bool gpu = options.device == "cuda" || (options.device == "auto" && batch::cuda_device_count() > 0);
    const auto eval_start = std::chrono::steady_clock::now();
    const auto results = gpu ? batch::evaluate_cuda(groups, params) : batch::evaluate_cpu(groups, params, cpu_options);
    throw_if_interrupted();
    const double eval_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count();
    const std::string device = gpu ? "cuda" : batch::effective_simd(cpu_options) == batch::Simd::kNone
                                   ? std::string("cpu (scalar)")
                                   : std::string("cpu (") + batch::simd_name(batch::effective_simd(cpu_options)) + " lanes)";
    const double span_years = file.demand_.end.to_seconds() / (365.0 * 86400.0);

    // /variants: parameters, every summary term, costs; money in the prices' currency when
    // their unit names one.
    std::vector<std::string> fields, units, descriptions;
    const auto add_field = [&](const char* name, const std::string& unit, const char* description) {
      fields.emplace_back(name);
      units.push_back(with_currency(unit, file.currency_));
      descriptions.emplace_back(description);
    };
    add_field("index", "1", "Variant index: the row number, as in /pareto and the printed table");
    add_field("region", "1", "Region: an index into /meta regions");
    for (const auto& k : kKnobs) add_field(k.name, k.unit, k.description);
    for (const auto& c : kChoices) add_field(c.name, "1", c.description);
    add_field("export", "1", "1: a renewable surplus is exported, 0: curtailed");
    const struct {
      const char* name;
      const char* unit;
      const char* description;
    } outputs[] = {
        {"carbon_location_kg", "kg CO2e", "Location-based emissions: the demand at the region's (scaled) intensity"},
        {"carbon_operational_kg", "kg CO2e",
         "Operational emissions: carbon_grid_kg + credits_kg (exact, no rounding rule)"},
        {"carbon_grid_kg", "kg CO2e", "Emissions of the grid import"},
        {"carbon_market_kg", "kg CO2e", "Market-based emissions, annual matching against PPA energy"},
        {"carbon_market_hourly_kg", "kg CO2e", "Market-based emissions, hourly matching against PPA energy"},
        {"cfe_hourly", "1", "24/7 carbon-free-energy score"},
        {"credits_kg", "kg CO2e", "Credits balance: obligations minus retired"},
        {"credits_retired_kg", "kg CO2e", "Credits retired"},
        {"credits_cost", "currency", "Spent on credits"},
        {"export_avoided_kg", "kg CO2e", "Grid emissions the exports displace (never netted)"},
        {"energy_cost", "currency", "Import cost - export revenue + demand charges"},
        {"demand_charges", "currency", "Demand charges, part of energy_cost"},
        {"renewable_generated_kwh", "kWh", "On-site renewable generation available"},
        {"renewable_used_kwh", "kWh", "Renewable generation not curtailed (exports included)"},
        {"renewable_curtailed_kwh", "kWh", "Renewable generation curtailed"},
        {"grid_import_kwh", "kWh", "Grid import, the battery's charging from the grid included"},
        {"grid_export_kwh", "kWh", "Energy exported to the grid"},
        {"ppa_kwh", "kWh", "PPA energy contracted"},
        {"ppa_cost", "currency", "PPA energy x capex.ppa_per_mwh"},
        {"battery_charged_kwh", "kWh", "Energy drawn from the bus into the battery"},
        {"battery_discharged_kwh", "kWh", "Energy the battery delivered to the bus"},
        {"battery_losses_kwh", "kWh", "Battery conversion losses and energy lost to fade"},
        {"battery_full_cycles", "1", "Full-equivalent cycles: energy taken out of storage / nameplate capacity"},
        {"battery_capacity_end_kwh", "kWh", "Battery capacity at the end, after fade"},
        {"battery_energy_end_kwh", "kWh", "Energy stored in the battery at the end"},
        {"investment_cost", "currency", "Capital cost of the solar, wind and battery sizes"},
        {"annualised_investment", "currency/y", "investment_cost x the capital recovery factor"},
        {"annual_operating_cost", "currency/y", "(energy_cost + credits_cost + ppa_cost) per year of the span"},
        {"annual_cost", "currency/y", "annualised_investment + annual_operating_cost: the front's cost"},
        {"annual_operational_kg", "kg CO2e/y",
         "Operational emissions per year, 0 within the net-zero rounding rule: the front's carbon"}};
    for (const auto& o : outputs) add_field(o.name, o.unit, o.description);
    std::vector<double> rows;
    rows.reserve(fields.size() * results.size());
    std::vector<double> annual_cost(results.size()), annual_kg(results.size()), operational(results.size()),
        location(results.size());
    const double crf = file.capex_.crf();
    for (std::size_t i = 0; i < results.size(); ++i) {
      const Spec& s = file.specs_[i];
      const auto& r = results[i];
      const auto& f = r.flows;
      const auto& l = r.ledger;
      const auto k = [&](const char* name) { return s.knobs[knob(name)]; };
      const double ppa_cost = l.ppa_j / 3.6e9 * file.capex_.ppa_per_mwh;
      const double investment = k("solar_kw") * file.capex_.solar_per_kw + k("wind_kw") * file.capex_.wind_per_kw +
                                (k("battery_kwh") > 0 ? k("battery_kwh") * file.capex_.battery_per_kwh +
                                                              k("battery_kw") * file.capex_.battery_per_kw
                                                        : 0.0);
      const double operating = (l.energy_cost + l.credits_cost + ppa_cost) / span_years;
      annual_cost[i] = crf * investment + operating;
      operational[i] = l.operational_kg();
      location[i] = l.location_kg;
      // Rounding leaves a net-zero balance a few ulps either side of 0: within a millionth of
      // the location-based carbon it is 0 (for the front and for net zero alike).
      if (std::fabs(operational[i]) <= 1e-6 * std::max(1.0, location[i])) operational[i] = 0.0;
      annual_kg[i] = operational[i] / span_years;
      rows.push_back(static_cast<double>(i));
      rows.push_back(static_cast<double>(s.region));
      for (double x : s.knobs) rows.push_back(x);
      for (std::size_t c : s.choice) rows.push_back(static_cast<double>(c));
      rows.push_back(s.exports ? 1.0 : 0.0);
      const double values[] = {l.location_kg, l.operational_kg(), l.grid_kg, l.market_annual_kg, l.market_hourly_kg, l.cfe_hourly(),
                               l.credits_kg, l.credits_retired_kg, l.credits_cost, l.export_avoided_kg, l.energy_cost,
                               l.demand_charges, f.renewable_j / 3.6e6, (f.renewable_j - f.curtailed_j) / 3.6e6,
                               f.curtailed_j / 3.6e6, f.import_j / 3.6e6, f.export_j / 3.6e6, l.ppa_j / 3.6e6, ppa_cost,
                               f.charge_j / 3.6e6, f.discharge_j / 3.6e6, f.battery_loss_j / 3.6e6,
                               params[i].battery.capacity_j > 0 ? r.battery.discharged_j / params[i].battery.capacity_j : 0.0,
                               r.battery.capacity_j / 3.6e6, r.battery.energy_j / 3.6e6,
                               investment, crf * investment, operating, annual_cost[i], annual_kg[i]};
      rows.insert(rows.end(), std::begin(values), std::end(values));
    }
    // The Pareto front of annual cost against operational carbon (both to be small): by cost,
    // keeping each variant with less carbon than every cheaper one.
    std::vector<std::int64_t> order(results.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
    std::sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return std::make_tuple(annual_cost[a], annual_kg[a], a) < std::make_tuple(annual_cost[b], annual_kg[b], b);
    });
    std::vector<std::int64_t> front;
    double best = kInf;
    for (const auto i : order) {
      if (annual_kg[i] < best) {
        front.push_back(i);
        best = annual_kg[i];
      }
    }
    // Net zero: operational carbon 0 (after the rounding above) or below (more credits retired
    // than emitted, e.g. a fixed policy).
    std::optional<std::size_t> cheapest;
    for (const auto i : order) {
      if (operational[i] <= 0.0) {
        cheapest = static_cast<std::size_t>(i);
        break;
      }
    }
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const double throughput = eval_s > 0 ? static_cast<double>(intervals) / eval_s : 0.0;

    for (const auto& stale : remove_stale_temporaries(out)) {
      if (options.quiet) continue;
      std::fprintf(stderr, "wattsim: removed %s, left by a process that has ended\n", stale.c_str());
    }
    results::ResultWriter writer(out, 1);
    temp_path = writer.temp_path();
    writer.omit_jobs();
    writer.write_records("/variants", "The variants, one row per variant in variant order: parameters and results",
                         fields, units, descriptions, rows);
    writer.write_indices("/pareto", front, "1",
                         "Variant indices on the Pareto front of annual_cost against annual_operational_kg, by cost");
    json region_names = json::array();
    for (const auto& r : file.regions_) region_names.push_back(r.name);
    json choice_names = {{"dispatch", kDispatch}, {"credits", kCredits}, {"credit_period", kPeriods}};
    writer.write_meta({{"wattsim_version", kVersion},
                       {"batch", file.text_},
                       {"batch_file", options.file},
                       {"demand", file.demand_.source},
                       {"regions", region_names.dump()},
                       {"choices", choice_names.dump()},
                       {"device", device},
                       {"device_description", gpu ? batch::cuda_device_description() : std::string("CPU")},
                       {"command_line", options.command_line},
                       {"start", traces::format_utc_time(file.demand_.start_abs)},
                       {"currency", file.currency_}},
                      {{"variants", static_cast<double>(results.size())},
                       {"groups", static_cast<double>(groups.size())},
                       {"variant_intervals", static_cast<double>(intervals)},
                       {"evaluation_s", eval_s},
                       {"variant_intervals_per_s", throughput},
                       {"wall_time_s", wall_s},
                       {"span_s", file.demand_.end.to_seconds()},
                       {"cheapest_net_zero", cheapest ? static_cast<double>(*cheapest) : -1.0}});
    throw_if_interrupted();  // a signal during the writing: still no result
    writer.commit();
    if (options.quiet) return 0;

    fmt::print("wattsim {}: batch \"{}\": {} variant{} of the demand of {} over {}\n", kVersion, file.name_, results.size(),
               results.size() == 1 ? "" : "s",
               file.demand_.source, simcore::format_time(file.demand_.end));
    fmt::print("evaluated on {} in {} ({:.3g} variant-intervals/s); result set {}\n\n", device,
               format_duration_s(eval_s), throughput, out);
    // Printed from what the result set holds, as `wattsim inspect` prints it.
    BatchVariants printed;
    printed.fields = std::move(fields);
    printed.values = std::move(rows);
    for (const auto& r : file.regions_) printed.regions.push_back(r.name);
    for (const auto& c : kChoices) printed.choices.emplace_back(c.name, *c.values);
    printed.currency = file.currency_;
    fmt::print("{}", format_front(printed, front, cheapest));
    return 0;
  } catch (const simcore::InputError& e) {
    print_input_errors(e);
    return 2;
  } catch (const Interrupted& e) {
    return report_interrupted(e, temp_path, out);
  } catch (const std::exception& e) {
    // batch::Cancelled, or a signal that made a system call fail: an interruption.
    if (const int signal = interrupt_signal(); signal != 0) {
      return report_interrupted(Interrupted{signal}, temp_path, out);
    }
    std::fprintf(stderr, "wattsim: the batch failed: %s\n", e.what());
    return 1;
  }
}

std::size_t check_batch_file(const std::string& path, bool yes, bool allow_policy_feedback) {
  BatchFile file(path, yes);
  file.allow_feedback_ = allow_policy_feedback;
  file.parse();
  return file.specs_.size();
}

}  // namespace wattsim::app
