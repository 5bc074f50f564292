#pragma once
// Every policy a scenario can name, of three kinds (policies/stack.hpp): schedulers, placement
// rules and managers, each {name, kind, description, parameters, factory}, filled by an
// explicit register_builtin_policies() call (CONVENTIONS.md: self-registering statics vanish
// from static libraries). A new policy is one file plus one line in registry.cpp.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "datacenter/config.hpp"
#include "policies/stack.hpp"
#include "simcore/quantity.hpp"

namespace wattsim::policies {

using ParamValue = std::variant<double, bool, std::string>;
using Params = std::map<std::string, ParamValue>;

struct ParamSpec {
  std::string name;
  ParamValue default_value;
  std::string description;
  double min = 0.0, max = 0.0;  // for numbers: the valid range (min == max: any)
  bool integer = false;
  // A number with a unit: given as a number in the internal unit (W, s, 1) or as a quantity
  // string ("1.2 MW", "15 min", "80 %"), stored as the number. Unset: a plain number.
  std::optional<simcore::Dimension> dimension;
  // For strings: the accepted values (empty: any).
  std::vector<std::string> choices;
  // A string that names a file: a scenario resolves it against the scenario's folder, and
  // `wattsim check` and the output guard count it among the inputs.
  bool path = false;
};

// Parameter specs, for factories' info functions.
inline ParamSpec number_param(std::string name, double default_value, std::string description, double min = 0.0,
                              double max = 0.0, std::optional<simcore::Dimension> dimension = std::nullopt,
                              bool integer = false) {
  ParamSpec p;
  p.name = std::move(name);
  p.default_value = default_value;
  p.description = std::move(description);
  p.min = min;
  p.max = max;
  p.dimension = dimension;
  p.integer = integer;
  return p;
}
inline ParamSpec integer_param(std::string name, double default_value, std::string description, double min, double max) {
  return number_param(std::move(name), default_value, std::move(description), min, max, std::nullopt, true);
}
inline ParamSpec choice_param(std::string name, std::string default_value, std::vector<std::string> choices,
                              std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  p.choices = std::move(choices);
  return p;
}
inline ParamSpec path_param(std::string name, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.default_value = std::string();
  p.description = std::move(description);
  p.path = true;
  return p;
}
inline ParamSpec flag_param(std::string name, bool default_value, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.default_value = default_value;
  p.description = std::move(description);
  return p;
}

enum class PolicyKind { kScheduler, kPlacement, kManager };
const char* policy_kind_name(PolicyKind kind);  // "scheduler", "placement", "manager"

struct PolicyInfo {
  std::string name;
  PolicyKind kind = PolicyKind::kScheduler;
  std::string description;
  std::vector<ParamSpec> params;
  bool powers_nodes_on = false;  // whether it ever powers nodes on (nodes may then start off)
  // The signals its decisions read (carbon, price, renewables and battery, weather): a demand
  // that depends on them cannot be settled offline by `wattsim batch` over other supplies.
  std::vector<datacenter::Signal> reads;
  // What the facility must have for it (a thermal model, PDUs, ...): the problem, or "" when
  // the facility has what it needs. Null: nothing needed.
  std::function<std::string(const datacenter::WorldConfig&, const Params&)> requires_;
  // One factory, of its kind; each takes the parameters with every default filled in.
  std::function<std::unique_ptr<Scheduler>(const Params&)> make_scheduler;
  std::function<std::unique_ptr<PlacementRule>(const Params&)> make_placement;
  std::function<std::unique_ptr<Manager>(const Params&)> make_manager;
};

class PolicyRegistry {
 public:
  void add(PolicyInfo info);
  // Throws simcore::InputError naming the nearest registered names (of `kind`, when given).
  const PolicyInfo& get(const std::string& name, std::optional<PolicyKind> kind = std::nullopt) const;
  const std::vector<PolicyInfo>& all() const { return policies_; }
  std::vector<std::string> names(std::optional<PolicyKind> kind = std::nullopt) const;

 private:
  std::vector<PolicyInfo> policies_;
};

void register_builtin_policies(PolicyRegistry& registry);
// The registry with every built-in policy.
const PolicyRegistry& builtin_policies();

// Checks `given` against the policy's parameters (unknown names with the nearest valid one,
// wrong types, out-of-range numbers, quantities in the wrong unit, strings not among the
// choices; every problem at once, under `where`) and fills in the defaults. Throws
// simcore::InputError.
Params resolve_params(const PolicyInfo& info, const Params& given, const std::string& where);

// Parameter accessors for factories (the parameters are resolved: present and of their type).
double number(const Params& p, const std::string& name);
bool flag(const Params& p, const std::string& name);
const std::string& text(const Params& p, const std::string& name);

// One entry with its resolved parameters.
struct PolicyChoice {
  const PolicyInfo* info = nullptr;
  Params params;
};

// A scenario's policy: scheduler + placement + managers.
struct PolicyStack {
  PolicyChoice scheduler, placement;
  std::vector<PolicyChoice> managers;

  // "easy-backfill + best-fit + idle-off + cap-to-budget"; the placement is left out when it
  // is first-fit and there are no managers ("fifo").
  std::string label() const;
  bool powers_nodes_on() const;
  // The signals any entry reads (PolicyInfo::reads), each once, by name: "carbon", "price", ...
  std::vector<std::string> reads() const;
  // Problems of the facility for the stack's entries ("thermal needs a thermal model"), each
  // with where it was named.
  std::vector<std::pair<std::string, std::string>> requirement_problems(const datacenter::WorldConfig& world) const;
  std::unique_ptr<datacenter::Policy> make() const;
};

// The stack of a scheduler alone with first-fit placement ({"name": "fifo"}).
PolicyStack single_scheduler(const std::string& name, const Params& params = {});

}  // namespace wattsim::policies
