#pragma once
// Every policy a scenario can name: {name, description, parameters, factory}, filled by an
// explicit register_builtin_policies() call (CONVENTIONS.md: self-registering statics vanish
// from static libraries). A new policy is one file plus one line in registry.cpp.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "datacenter/policy.hpp"

namespace wattsim::policies {

using ParamValue = std::variant<double, bool, std::string>;
using Params = std::map<std::string, ParamValue>;

struct ParamSpec {
  std::string name;
  ParamValue default_value;
  std::string description;
  double min = 0.0, max = 0.0;  // for numbers: the valid range (min == max: any)
  bool integer = false;
};

struct PolicyInfo {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  bool powers_nodes_on = false;  // whether it ever powers nodes on (nodes may then start off)
  // Takes the parameters with every default filled in (see resolve_params).
  std::function<std::unique_ptr<datacenter::Policy>(const Params&)> make;
};

class PolicyRegistry {
 public:
  void add(PolicyInfo info);
  // Throws simcore::InputError naming the nearest registered names.
  const PolicyInfo& get(const std::string& name) const;
  const std::vector<PolicyInfo>& all() const { return policies_; }
  std::vector<std::string> names() const;

 private:
  std::vector<PolicyInfo> policies_;
};

void register_builtin_policies(PolicyRegistry& registry);
// The registry with every built-in policy.
const PolicyRegistry& builtin_policies();

// Checks `given` against the policy's parameters (unknown names with the nearest valid one,
// wrong types, out-of-range numbers; every problem at once, under `where`) and fills in the
// defaults. Throws simcore::InputError.
Params resolve_params(const PolicyInfo& info, const Params& given, const std::string& where);

}  // namespace wattsim::policies
