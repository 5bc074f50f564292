#include "models/catalog/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "models/catalog/json_reader.hpp"
#include "models/catalog/json_text.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::catalog {

using nlohmann::json;
using simcore::Dimension;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kSecondsPerYear = 365.0 * 86400.0;  // "y" in simcore's time units
constexpr double kSecondsPerDay = 86400.0;
constexpr const char* kFormat = "wattsim-catalog/1";
constexpr std::string_view kSections[] = {"curves", "accelerators", "nodes"};
const std::set<std::string, std::less<>> kPrecisions = {"fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"};
const std::set<std::string, std::less<>> kCurveKinds = {"psu", "ups", "pdu", "transformer"};

template <class Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

template <class Map>
const typename Map::mapped_type& lookup(const Map& m, const std::string& name, const char* what) {
  const auto it = m.find(name);
  if (it == m.end()) {
    throw simcore::InputError("", std::string("unknown ") + what + " \"" + name + "\"" +
                                      simcore::did_you_mean(name, keys_of(m)));
  }
  return it->second;
}

// Where an entry's errors are reported: the overrides' path for entries they touched.
struct Origins {
  std::string base_where, overrides_where;
  std::set<std::pair<std::string, std::string>> overridden;  // (section, name)
  std::string path(std::string_view section, const std::string& name) const {
    const bool over = overridden.count({std::string(section), name}) > 0;
    return member_path(member_path(over ? overrides_where : base_where, section), name);
  }
  bool is_override(std::string_view section, const std::string& name) const {
    return overridden.count({std::string(section), name}) > 0;
  }
};

// The highest p-state frequency of an accelerator entry in the JSON document, Hz; nothing when
// its p-states are not all readable (the entry's own errors say why when it is read).
std::optional<double> highest_pstate_freq_hz(const json& entry) {
  const auto it = entry.find("pstates");
  if (it == entry.end() || !it->is_array() || it->empty()) return std::nullopt;
  simcore::DiagnosticSink scratch;
  JsonReader r(scratch);
  double top = 0.0;
  for (const json& s : *it) {
    if (!s.is_object() || !s.contains("freq")) return std::nullopt;
    const auto f = r.quantity_value(s["freq"], "", Dimension::kFrequency);
    if (!f) return std::nullopt;
    top = std::max(top, *f);
  }
  return top;
}

// Gives every base accelerator without "nominal_max_freq" its default (the highest p-state's
// frequency) before the overrides apply, so that a patch replacing the p-states, or a new
// entry extending it, keeps the part's nominal maximum as the reference of speed(f) instead of
// quietly taking the highest state left.
void pin_nominal_frequencies(json& doc) {
  const auto accels = doc.find("accelerators");
  if (accels == doc.end() || !accels->is_object()) return;
  for (auto& [name, entry] : accels->items()) {
    if (!entry.is_object() || entry.contains("nominal_max_freq")) continue;
    if (const auto f = highest_pstate_freq_hz(entry)) entry["nominal_max_freq"] = *f;
  }
}

// Applies the overrides to a copy of the base document. Entries that exist are patched field
// by field; new entries start empty or from the entry they name in "extends", which may itself
// be new in the same overrides (resolved in dependency order, so the order of names in the
// file does not matter; cycles are errors). "extends" always starts from the entry as it
// stands after the overrides.
json merge_overrides(const json& base, const json& overrides, Origins& origins, simcore::DiagnosticSink& errors) {
  json merged = base;
  JsonReader reader(errors);
  if (!reader.expect_object(overrides, origins.overrides_where)) return merged;
  pin_nominal_frequencies(merged);
  reader.check_keys(overrides, origins.overrides_where, {"accelerators", "nodes", "curves"});
  for (std::string_view section : kSections) {
    const auto it = overrides.find(section);
    if (it == overrides.end()) continue;
    const std::string section_path = member_path(origins.overrides_where, section);
    if (!reader.expect_object(*it, section_path)) continue;
    json& target = merged[std::string(section)];
    const std::string singular(section.substr(0, section.size() - 1));

    // Existing entries first: patched in place.
    std::map<std::string, const json*> added;  // new entries, by name
    for (const auto& [name, patch] : it->items()) {
      const std::string path = member_path(section_path, name);
      origins.overridden.insert({std::string(section), name});
      if (!reader.expect_object(patch, path)) continue;
      if (!target.contains(name)) {
        added.emplace(name, &patch);
        continue;
      }
      if (patch.contains("extends")) {
        errors.add(member_path(path, "extends"), "\"" + name + "\" is already in the catalog, so its fields are "
                                                 "overridden directly; \"extends\" is only for new entries");
        continue;
      }
      target[name].merge_patch(patch);
    }

    // New entries, each after the entry it extends.
    enum class State { kPending, kBusy, kDone, kFailed };
    std::map<std::string, State> state;
    for (const auto& [name, patch] : added) state[name] = State::kPending;
    std::vector<std::string> known;
    for (const auto& item : target.items()) known.push_back(item.key());
    for (const auto& [name, patch] : added) known.push_back(name);
    const std::function<bool(const std::string&)> resolve = [&](const std::string& name) -> bool {
      State& st = state[name];
      if (st == State::kDone) return true;
      if (st == State::kFailed) return false;
      const std::string path = member_path(section_path, name);
      if (st == State::kBusy) {
        errors.add(member_path(path, "extends"), "\"extends\" chains loop back to \"" + name + "\"");
        st = State::kFailed;
        return false;
      }
      st = State::kBusy;
      const json& patch = *added.at(name);
      json entry = json::object();
      if (const auto ext = patch.find("extends"); ext != patch.end()) {
        if (!ext->is_string()) {
          errors.add(member_path(path, "extends"), "expected the name of an entry, found " + json_type_name(*ext));
          st = State::kFailed;
          return false;
        }
        const auto from = ext->get<std::string>();
        const bool from_new = added.count(from) > 0;
        if (!from_new && !target.contains(from)) {
          errors.add(member_path(path, "extends"),
                     "unknown " + singular + " \"" + from + "\"" + simcore::did_you_mean(from, known));
          st = State::kFailed;
          return false;
        }
        if (from_new && (state[from] == State::kFailed || !resolve(from))) {
          st = State::kFailed;
          return false;
        }
        entry = target[from];
      }
      json clean_patch = patch;
      clean_patch.erase("extends");
      entry.merge_patch(clean_patch);
      target[name] = std::move(entry);
      st = State::kDone;
      return true;
    };
    for (const auto& [name, patch] : added) resolve(name);
  }
  return merged;
}

std::optional<CurveEntry> read_curve(JsonReader& r, const json& v, const std::string& path, const std::string& name,
                                     bool strict) {
  if (!r.expect_object(v, path)) return std::nullopt;
  r.check_keys(v, path, {"kind", "points", "source"});
  const std::size_t before = r.sink().size();
  CurveEntry c;
  c.name = name;
  if (auto kind = r.string(v, "kind", path, true)) {
    if (kCurveKinds.count(*kind) == 0) {
      r.sink().add(member_path(path, "kind"), "unknown kind \"" + *kind + "\"; expected one of psu, ups, pdu, transformer");
    }
    c.kind = *kind;
  }
  c.source = r.string(v, "source", path, strict).value_or("");
  std::vector<power::EfficiencyPoint> points;
  const auto it = v.find("points");
  if (it == v.end()) {
    r.sink().add(member_path(path, "points"), "missing; this field is required");
  } else if (!it->is_array() || it->size() < 2) {
    r.sink().add(member_path(path, "points"), "expected an array of at least two [load_fraction, efficiency] pairs, found " +
                                                  (it->is_array() ? std::to_string(it->size()) + " pairs" : json_type_name(*it)));
  } else {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& p = (*it)[i];
      const std::string ppath = member_path(path, "points") + "[" + std::to_string(i) + "]";
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
        r.sink().add(ppath, "expected a pair [load_fraction, efficiency] of numbers, found " + p.dump());
        continue;
      }
      const double x = p[0].get<double>(), eta = p[1].get<double>();
      if (!(x > 0.0 && std::isfinite(x))) r.sink().add(ppath, "load fraction " + p[0].dump() + "; expected > 0");
      if (!(eta > 0.0 && eta <= 1.0)) r.sink().add(ppath, "efficiency " + p[1].dump() + "; expected in (0, 1]");
      if (!points.empty() && !(x > points.back().load_fraction)) {
        r.sink().add(ppath, "load fraction " + p[0].dump() + " is not above the previous point's; expected increasing load");
      }
      points.push_back({x, eta});
    }
  }
  if (r.sink().size() != before) return std::nullopt;
  c.curve = power::EfficiencyCurve(std::move(points));
  return c;
}

// Reads the optional "embodied" (a mass, kgCO2e) and "lifetime" (a time, stored in years) of an
// accelerator or node. Both are required in base (strict) entries; elsewhere either may be left
// out, but "embodied" without "lifetime" is an error: it cannot be amortised. Problems are
// reported to the sink; the outputs are set only from valid values.
void read_embodied(JsonReader& r, const json& v, const std::string& path, std::string_view what, const std::string& name,
                   bool strict, double& embodied_kg, double& lifetime_years) {
  const bool has_embodied = v.contains("embodied");
  const auto embodied = r.quantity(v, "embodied", path, Dimension::kMass, strict);
  const auto lifetime = r.quantity(v, "lifetime", path, Dimension::kTime, strict && !has_embodied);
  if (has_embodied && !v.contains("lifetime")) {
    r.sink().add(member_path(path, "lifetime"),
                 "missing: " + std::string(what) + " \"" + name +
                     "\" gives \"embodied\" but no \"lifetime\"; embodied carbon is amortised over the service "
                     "life, so both are needed (e.g. \"lifetime\": \"5 y\")");
  }
  if (lifetime) {
    if (!(*lifetime > 0.0)) {
      r.sink().add(member_path(path, "lifetime"), "must be positive");
    } else if (*lifetime < kSecondsPerDay) {
      r.sink().add(member_path(path, "lifetime"),
                   "is " + format_number(*lifetime) +
                       " s, under a day; expected a service life in years (a plain number is in seconds: write e.g. "
                       "\"5 y\")");
    } else {
      lifetime_years = *lifetime / kSecondsPerYear;
    }
  }
  if (embodied) embodied_kg = *embodied;
}

std::optional<power::AcceleratorSpec> read_accelerator(JsonReader& r, const json& v, const std::string& path,
                                                       const std::string& name, bool strict) {
  if (!r.expect_object(v, path)) return std::nullopt;
  r.check_keys(v, path,
               {"vendor", "tdp", "idle", "nominal_max_freq", "memory_gb", "memory_bandwidth_tb_s", "peak_tflops",
                "pstates", "embodied", "lifetime", "source"});
  const std::size_t before = r.sink().size();
  power::AcceleratorSpec a;
  a.name = name;
  a.vendor = r.string(v, "vendor", path, strict).value_or("");
  a.source = r.string(v, "source", path, strict).value_or("");
  const auto tdp = r.quantity(v, "tdp", path, Dimension::kPower, true);
  const auto idle = r.quantity(v, "idle", path, Dimension::kPower, true);
  const auto nominal = r.quantity(v, "nominal_max_freq", path, Dimension::kFrequency, false);
  if (nominal && !(*nominal > 0.0)) r.sink().add(member_path(path, "nominal_max_freq"), "must be positive");
  a.memory_gb = r.number(v, "memory_gb", path, strict, 0.0, 1e6).value_or(0.0);
  a.memory_bandwidth_tb_s = r.number(v, "memory_bandwidth_tb_s", path, false, 0.0, 1e6).value_or(0.0);
  read_embodied(r, v, path, "accelerator", name, strict, a.embodied_kg, a.lifetime_years);
  if (tdp && !(*tdp > 0.0)) r.sink().add(member_path(path, "tdp"), "must be positive");
  if (tdp && idle && *idle > *tdp) r.sink().add(member_path(path, "idle"), "is above the TDP");
  a.tdp_w = tdp.value_or(0.0);
  a.idle_w = idle.value_or(0.0);

  if (const auto it = v.find("peak_tflops"); it != v.end()) {
    const std::string ppath = member_path(path, "peak_tflops");
    if (r.expect_object(*it, ppath)) {
      for (const auto& [precision, value] : it->items()) {
        if (kPrecisions.count(precision) == 0) {
          r.sink().add(member_path(ppath, precision), "unknown precision" +
                                                          simcore::did_you_mean(precision, std::vector<std::string>(kPrecisions.begin(), kPrecisions.end())) +
                                                          " (valid: bf16, fp16, fp32, fp4, fp64, fp8, int8, tf32)");
        } else if (!value.is_number() || !(value.get<double>() > 0.0)) {
          r.sink().add(member_path(ppath, precision), "expected a positive number of TFLOP/s, found " + value.dump());
        } else {
          a.peak_tflops[precision] = value.get<double>();
        }
      }
    }
  } else if (strict) {
    r.sink().add(member_path(path, "peak_tflops"), "missing; this field is required");
  }

  const auto it = v.find("pstates");
  const std::string spath = member_path(path, "pstates");
  if (it == v.end()) {
    r.sink().add(spath, "missing; this field is required");
  } else if (!it->is_array() || it->empty() || it->size() > 16) {
    r.sink().add(spath, "expected an array of 1 to 16 p-states, found " +
                            (it->is_array() ? std::to_string(it->size()) + " p-states" : json_type_name(*it)));
  } else {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& s = (*it)[i];
      const std::string p = spath + "[" + std::to_string(i) + "]";
      if (!r.expect_object(s, p)) continue;
      r.check_keys(s, p, {"freq", "idle", "max"});
      const auto f = r.quantity(s, "freq", p, Dimension::kFrequency, true);
      const auto si = r.quantity(s, "idle", p, Dimension::kPower, true);
      const auto sm = r.quantity(s, "max", p, Dimension::kPower, true);
      if (!f || !si || !sm) continue;
      if (!(*f > 0.0)) r.sink().add(member_path(p, "freq"), "must be positive");
      if (*si > *sm) r.sink().add(member_path(p, "idle"), "is above this p-state's max");
      if (!a.pstates.empty()) {
        const auto& prev = a.pstates.back();
        if (!(*f > prev.freq_hz)) {
          r.sink().add(member_path(p, "freq"), "is not above the previous p-state's; expected p-states in ascending frequency");
        }
        if (*si < prev.idle_w) {
          r.sink().add(member_path(p, "idle"), "is below the previous p-state's; expected idle power non-decreasing with frequency");
        }
        if (*sm < prev.max_w) {
          r.sink().add(member_path(p, "max"), "is below the previous p-state's; expected max power non-decreasing with frequency");
        }
      }
      a.pstates.push_back({*f, *si, *sm});
    }
    if (!a.pstates.empty() && a.pstates.size() == it->size()) {
      for (std::size_t i = 0; i < a.pstates.size(); ++i) {
        const std::string p = spath + "[" + std::to_string(i) + "]";
        if (tdp && a.pstates[i].max_w > *tdp * (1.0 + 1e-9)) r.sink().add(member_path(p, "max"), "is above the TDP");
        if (nominal && *nominal > 0.0 && a.pstates[i].freq_hz > *nominal * (1.0 + 1e-9)) {
          r.sink().add(member_path(p, "freq"),
                       "is " + format_number(a.pstates[i].freq_hz / 1e6) + " MHz, above nominal_max_freq (" +
                           format_number(*nominal / 1e6) +
                           " MHz), the nominal maximum that speed(f) is relative to; expected no p-state above it "
                           "(a built-in entry keeps its own nominal maximum when its p-states are replaced: give "
                           "nominal_max_freq too to add a faster state)");
        }
      }
      if (tdp && idle && *idle > a.pstates.front().idle_w) {
        r.sink().add(member_path(path, "idle"), "is above the lowest p-state's idle; an accelerator with no work draws the least");
      }
      a.nominal_freq_hz = nominal.value_or(a.pstates.back().freq_hz);
    }
  }
  if (r.sink().size() != before) return std::nullopt;
  return a;
}

// Names present in the document but invalid: references to them are not reported again.
struct Invalid {
  std::set<std::string> accelerators, curves;
};

std::string watts(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g W", w);
  return buf;
}

std::optional<power::NodeSpec> read_node(JsonReader& r, const json& v, const std::string& path, const std::string& name,
                                         bool strict, const std::map<std::string, power::AcceleratorSpec>& accelerators,
                                         const std::map<std::string, CurveEntry>& curves, const Invalid& invalid) {
  if (!r.expect_object(v, path)) return std::nullopt;
  r.check_keys(v, path, {"accelerator", "accelerators", "base_idle", "base_busy", "off", "boot_time", "boot_energy", "psu",
                         "psu_rated", "embodied", "lifetime", "source"});
  const std::size_t before = r.sink().size();
  power::NodeSpec n;
  n.name = name;
  n.source = r.string(v, "source", path, strict).value_or("");
  const auto count = r.integer(v, "accelerators", path, true, 0, 1024);
  const auto accel = r.string(v, "accelerator", path, count && *count > 0);
  n.accelerator_count = static_cast<std::size_t>(count.value_or(0));
  const power::AcceleratorSpec* accel_spec = nullptr;
  if (accel) {
    if (count && *count == 0) {
      r.sink().add(member_path(path, "accelerator"), "names an accelerator but \"accelerators\" is 0");
    } else if (invalid.accelerators.count(*accel) > 0) {
      r.sink().add(member_path(path, "accelerator"), "names \"" + *accel + "\", which is invalid (see its errors)");
    } else if (const auto it = accelerators.find(*accel); it == accelerators.end()) {
      r.sink().add(member_path(path, "accelerator"),
                   "unknown accelerator \"" + *accel + "\"" + simcore::did_you_mean(*accel, keys_of(accelerators)));
    } else {
      accel_spec = &it->second;
    }
    n.accelerator = *accel;
  }
  const auto base_idle = r.quantity(v, "base_idle", path, Dimension::kPower, true);
  const auto base_busy = r.quantity(v, "base_busy", path, Dimension::kPower, true);
  // Built-in entries give everything; a scenario's own node may leave out the standby and boot
  // figures (0) and the PSU (lossless, unrated).
  const auto off = r.quantity(v, "off", path, Dimension::kPower, strict);
  const auto boot_time = r.duration(v, "boot_time", path, strict);
  const auto boot_energy = r.quantity(v, "boot_energy", path, Dimension::kEnergy, strict);
  const auto psu = r.string(v, "psu", path, strict);
  const auto psu_rated = r.quantity(v, "psu_rated", path, Dimension::kPower, strict || psu.has_value());
  read_embodied(r, v, path, "node", name, strict, n.embodied_kg, n.lifetime_years);
  if (base_idle && base_busy && *base_idle > *base_busy) {
    r.sink().add(member_path(path, "base_idle"), "is above base_busy; expected base_idle <= base_busy");
  }
  const bool no_boot_time = boot_time ? boot_time->us() == 0 : !v.contains("boot_time");  // invalid: reported already
  if (boot_energy && no_boot_time && *boot_energy > 0.0) {
    r.sink().add(member_path(path, "boot_energy"), "is positive but boot_time is 0");
  }
  if (psu_rated && !(*psu_rated > 0.0)) r.sink().add(member_path(path, "psu_rated"), "must be positive");
  if (psu) {
    if (invalid.curves.count(*psu) > 0) {
      r.sink().add(member_path(path, "psu"), "names \"" + *psu + "\", which is invalid (see its errors)");
    } else if (const auto it = curves.find(*psu); it == curves.end()) {
      r.sink().add(member_path(path, "psu"), "unknown curve \"" + *psu + "\"" + simcore::did_you_mean(*psu, keys_of(curves)));
    } else if (it->second.kind != "psu") {
      r.sink().add(member_path(path, "psu"), "curve \"" + *psu + "\" is a " + it->second.kind + " curve; expected a psu curve");
    } else {
      n.psu = it->second.curve;
    }
    n.psu_curve = *psu;
  }
  if (base_busy && psu_rated && (accel_spec != nullptr || n.accelerator_count == 0)) {
    const double full_w =
        *base_busy + static_cast<double>(n.accelerator_count) * (accel_spec != nullptr ? accel_spec->tdp_w : 0.0);
    if (full_w > *psu_rated) {
      r.sink().add(member_path(path, "psu_rated"),
                   "is " + watts(*psu_rated) + " but the node draws up to " + watts(full_w) +
                       " (base_busy + accelerators x TDP); expected PSUs rated for the full load");
    }
  }
  if (r.sink().size() != before) return std::nullopt;
  n.base_idle_w = *base_idle;
  n.base_busy_w = *base_busy;
  n.off_w = off.value_or(0.0);
  n.boot_time = boot_time.value_or(simcore::SimTime::zero());
  n.boot_energy_j = boot_energy.value_or(0.0);
  n.psu_rated_w = psu_rated.value_or(kInf);
  return n;
}

}  // namespace

const power::AcceleratorSpec& Catalog::accelerator(const std::string& name) const {
  return lookup(accelerators_, name, "accelerator");
}
const power::NodeSpec& Catalog::node(const std::string& name) const { return lookup(nodes_, name, "node"); }
const CurveEntry& Catalog::curve(const std::string& name) const { return lookup(curves_, name, "curve"); }

Catalog load_catalog(const json& base, std::string_view base_where, const json* overrides,
                     std::string_view overrides_where) {
  simcore::DiagnosticSink errors;
  JsonReader r(errors);
  Origins origins{std::string(base_where), std::string(overrides_where), {}};
  if (!r.expect_object(base, origins.base_where)) errors.throw_if_any();
  r.check_keys(base, origins.base_where, {"format", "curves", "accelerators", "nodes"});
  if (const auto format = r.string(base, "format", origins.base_where, false); format && *format != kFormat) {
    errors.add(member_path(origins.base_where, "format"), "is \"" + *format + "\"; expected \"" + kFormat + "\"");
  }
  const json doc = overrides != nullptr ? merge_overrides(base, *overrides, origins, errors) : base;

  Catalog cat;
  Invalid invalid;
  const auto section = [&](std::string_view key) -> const json* {
    const auto it = doc.find(key);
    if (it == doc.end()) return nullptr;
    return r.expect_object(*it, member_path(origins.base_where, key)) ? &*it : nullptr;
  };
  if (const json* curves = section("curves")) {
    for (const auto& [name, v] : curves->items()) {
      if (auto c = read_curve(r, v, origins.path("curves", name), name, !origins.is_override("curves", name))) {
        cat.curves_.emplace(name, std::move(*c));
      } else {
        invalid.curves.insert(name);
      }
    }
  }
  if (const json* accels = section("accelerators")) {
    for (const auto& [name, v] : accels->items()) {
      if (auto a = read_accelerator(r, v, origins.path("accelerators", name), name,
                                    !origins.is_override("accelerators", name))) {
        cat.accelerators_.emplace(name, std::move(*a));
      } else {
        invalid.accelerators.insert(name);
      }
    }
  }
  if (const json* nodes = section("nodes")) {
    for (const auto& [name, v] : nodes->items()) {
      if (auto n = read_node(r, v, origins.path("nodes", name), name, !origins.is_override("nodes", name),
                             cat.accelerators_, cat.curves_, invalid)) {
        cat.nodes_.emplace(name, std::move(*n));
      }
    }
  }
  errors.throw_if_any();
  return cat;
}

Catalog builtin_catalog(const json* overrides, std::string_view overrides_where) {
  // Checked like any input (a key repeated in data/catalog.json would silently lose a figure).
  static const json base = parse_json_text(builtin_catalog_json(), "models/catalog/data/catalog.json", "the hardware catalog");
  return load_catalog(base, "built-in catalog", overrides, overrides_where);
}

}  // namespace wattsim::catalog
