#include "policies/registry.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "policies/cap_to_budget.hpp"
#include "policies/carbon_cap.hpp"
#include "policies/demand_response.hpp"
#include "policies/renewable_following.hpp"
#include "policies/carbon_forecast.hpp"
#include "policies/carbon_threshold.hpp"
#include "policies/dvfs_energy.hpp"
#include "policies/conservative_backfill.hpp"
#include "policies/easy_backfill.hpp"
#include "policies/priority.hpp"
#include "policies/sjf.hpp"
#include "policies/fifo.hpp"
#include "policies/geo_carbon.hpp"
#include "policies/idle_off.hpp"
#include "policies/static_cap.hpp"
#include "policies/placement.hpp"
#include "policies/best_fit.hpp"
#include "policies/power_headroom.hpp"
#include "policies/spread.hpp"
#include "policies/thermal.hpp"
#include "policies/topology.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::policies {

const char* policy_kind_name(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kScheduler: return "scheduler";
    case PolicyKind::kPlacement: return "placement";
    case PolicyKind::kManager: return "manager";
  }
  return "?";
}

void PolicyRegistry::add(PolicyInfo info) {
  const bool made = info.kind == PolicyKind::kScheduler   ? static_cast<bool>(info.make_scheduler)
                    : info.kind == PolicyKind::kPlacement ? static_cast<bool>(info.make_placement)
                                                          : static_cast<bool>(info.make_manager);
  if (!made) throw std::logic_error("policy " + info.name + " has no factory of its kind");
  for (const auto& p : policies_) {
    if (p.name == info.name) throw std::logic_error("policy " + info.name + " registered twice");
  }
  policies_.push_back(std::move(info));
}

std::vector<std::string> PolicyRegistry::names(std::optional<PolicyKind> kind) const {
  std::vector<std::string> out;
  for (const auto& p : policies_) {
    if (!kind || p.kind == *kind) out.push_back(p.name);
  }
  return out;
}

const PolicyInfo& PolicyRegistry::get(const std::string& name, std::optional<PolicyKind> kind) const {
  for (const auto& p : policies_) {
    if (p.name != name) continue;
    if (kind && p.kind != *kind) {
      throw simcore::InputError("", "\"" + name + "\" is a " + policy_kind_name(p.kind) + ", not a " +
                                        policy_kind_name(*kind) + " (" + policy_kind_name(*kind) +
                                        "s: " + fmt::format("{}", fmt::join(names(kind), ", ")) + ")");
    }
    return p;
  }
  const auto valid = names(kind);
  throw simcore::InputError("", std::string("unknown ") + (kind ? policy_kind_name(*kind) : "policy") + " \"" + name +
                                    "\"" + simcore::did_you_mean(name, valid) +
                                    " (registered: " + fmt::format("{}", fmt::join(valid, ", ")) + ")");
}

void register_builtin_policies(PolicyRegistry& registry) {
  // Schedulers.
  registry.add(fifo_info());
  registry.add(easy_backfill_info());
  registry.add(conservative_backfill_info());
  registry.add(sjf_info());
  registry.add(priority_info());
  // Placement rules.
  registry.add(first_fit_info());
  registry.add(best_fit_info());
  registry.add(spread_info());
  registry.add(topology_info());
  registry.add(thermal_info());
  registry.add(power_headroom_info());
  // Managers: power states and caps.
  registry.add(idle_off_info());
  registry.add(static_cap_info());
  // Managers: budgets and clocks.
  registry.add(cap_to_budget_info());
  registry.add(dvfs_energy_info());
  // Managers: carbon, price and supply.
  registry.add(renewable_following_info());
  registry.add(carbon_cap_info());
  registry.add(demand_response_info());
  registry.add(carbon_threshold_info());
  registry.add(carbon_forecast_info());
  registry.add(price_forecast_info());
  // Routers between sites.
  registry.add(geo_carbon_info());
  registry.add(follow_the_renewables_info());
}

const PolicyRegistry& builtin_policies() {
  static const PolicyRegistry registry = [] {
    PolicyRegistry r;
    register_builtin_policies(r);
    return r;
  }();
  return registry;
}

namespace {
std::string number_text(double x) { return fmt::format("{:g}", x); }
}  // namespace

Params resolve_params(const PolicyInfo& info, const Params& given, const std::string& where) {
  simcore::DiagnosticSink errors;
  std::vector<std::string> valid;
  for (const auto& spec : info.params) valid.push_back(spec.name);
  for (const auto& [name, value] : given) {
    bool known = false;
    for (const auto& spec : info.params) known = known || spec.name == name;
    if (!known) {
      errors.add(where + "." + name, "unknown parameter of " + std::string(policy_kind_name(info.kind)) + " \"" +
                                         info.name + "\"" + simcore::did_you_mean(name, valid) +
                                         (valid.empty() ? " (it takes none)" : ""));
    }
  }
  Params out;
  for (const auto& spec : info.params) {
    const auto it = given.find(spec.name);
    if (it == given.end()) {
      out[spec.name] = spec.default_value;
      continue;
    }
    const std::string path = where + "." + spec.name;
    ParamValue value = it->second;
    if (spec.dimension && std::holds_alternative<std::string>(value)) {
      try {
        value = simcore::parse_quantity(std::get<std::string>(value), *spec.dimension);
      } catch (const simcore::InputError& e) {
        errors.add(path, e.diagnostics().front().message);
        continue;
      }
    }
    if (value.index() != spec.default_value.index()) {
      static const char* kTypes[] = {"a number", "true or false", "a string"};
      std::string expected = kTypes[spec.default_value.index()];
      if (spec.dimension) {
        expected = "a " + std::string(simcore::dimension_name(*spec.dimension)) + " (a number in " +
                   std::string(simcore::internal_unit(*spec.dimension)) + ", or with one of " +
                   simcore::accepted_units(*spec.dimension) + ")";
      }
      errors.add(path, "expected " + expected + ", found " + kTypes[value.index()]);
      continue;
    }
    if (const double* x = std::get_if<double>(&value)) {
      if (spec.min != spec.max && !(*x >= spec.min && *x <= spec.max)) {
        errors.add(path, "is " + number_text(*x) + "; expected a value in [" + number_text(spec.min) + ", " +
                             number_text(spec.max) + "]" +
                             (spec.dimension ? std::string(" ") + std::string(simcore::internal_unit(*spec.dimension)) : ""));
        continue;
      }
      if (spec.integer && std::floor(*x) != *x) {
        errors.add(path, "is " + number_text(*x) + "; expected a whole number");
        continue;
      }
    }
    if (const std::string* s = std::get_if<std::string>(&value); s != nullptr && !spec.choices.empty()) {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == *s;
      if (!ok) {
        errors.add(path, "is \"" + *s + "\"" + simcore::did_you_mean(*s, spec.choices) + "; expected one of " +
                             fmt::format("{}", fmt::join(spec.choices, ", ")));
        continue;
      }
    }
    out[spec.name] = value;
  }
  errors.throw_if_any();
  return out;
}

double number(const Params& p, const std::string& name) { return std::get<double>(p.at(name)); }
bool flag(const Params& p, const std::string& name) { return std::get<bool>(p.at(name)); }
const std::string& text(const Params& p, const std::string& name) { return std::get<std::string>(p.at(name)); }

std::string PolicyStack::label() const {
  std::string out = scheduler.info->name;
  if (placement.info->name != "first-fit" || !managers.empty()) out += " + " + placement.info->name;
  for (const auto& m : managers) out += " + " + m.info->name;
  return out;
}

bool PolicyStack::powers_nodes_on() const {
  bool on = scheduler.info->powers_nodes_on || placement.info->powers_nodes_on;
  for (const auto& m : managers) on = on || m.info->powers_nodes_on;
  return on;
}

std::vector<std::string> PolicyStack::reads() const {
  std::vector<std::string> out;
  const auto add = [&](const PolicyChoice& c) {
    for (const auto s : c.info->reads) {
      const std::string name = datacenter::signal_name(s);
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  };
  add(scheduler);
  add(placement);
  for (const auto& m : managers) add(m);
  return out;
}

std::vector<std::pair<std::string, std::string>> PolicyStack::requirement_problems(
    const datacenter::WorldConfig& world) const {
  std::vector<std::pair<std::string, std::string>> out;
  const auto check = [&](const PolicyChoice& c, const std::string& where) {
    if (!c.info->requires_) return;
    const std::string problem = c.info->requires_(world, c.params);
    if (!problem.empty()) out.emplace_back(where, c.info->name + " " + problem);
  };
  check(scheduler, "policy.scheduler");
  check(placement, "policy.placement");
  for (std::size_t i = 0; i < managers.size(); ++i) check(managers[i], "policy.managers[" + std::to_string(i) + "]");
  return out;
}

std::unique_ptr<datacenter::Policy> PolicyStack::make() const {
  std::vector<std::unique_ptr<Manager>> made;
  for (const auto& m : managers) made.push_back(m.info->make_manager(m.params));
  return std::make_unique<StackPolicy>(scheduler.info->make_scheduler(scheduler.params),
                                       placement.info->make_placement(placement.params), std::move(made));
}

PolicyStack single_scheduler(const std::string& name, const Params& params) {
  const PolicyRegistry& r = builtin_policies();
  PolicyStack s;
  s.scheduler.info = &r.get(name, PolicyKind::kScheduler);
  s.scheduler.params = resolve_params(*s.scheduler.info, params, "policy.params");
  s.placement.info = &r.get("first-fit", PolicyKind::kPlacement);
  s.placement.params = resolve_params(*s.placement.info, {}, "policy.placement");
  return s;
}

}  // namespace wattsim::policies
