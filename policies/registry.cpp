#include "policies/registry.hpp"

#include <cmath>

#include "policies/easy_backfill.hpp"
#include "policies/fifo.hpp"
#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::policies {

void PolicyRegistry::add(PolicyInfo info) { policies_.push_back(std::move(info)); }

std::vector<std::string> PolicyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& p : policies_) out.push_back(p.name);
  return out;
}

const PolicyInfo& PolicyRegistry::get(const std::string& name) const {
  for (const auto& p : policies_) {
    if (p.name == name) return p;
  }
  std::string all;
  for (const auto& n : names()) all += (all.empty() ? "" : ", ") + n;
  throw simcore::InputError("", "unknown policy \"" + name + "\"" + simcore::did_you_mean(name, names()) +
                                    " (registered: " + all + ")");
}

void register_builtin_policies(PolicyRegistry& registry) {
  registry.add({"fifo",
                "Strict first-in first-out with head-of-line blocking and first-fit placement (BENCH-SPEC.md).",
                {},
                false,
                [](const Params&) { return std::make_unique<FifoPolicy>(); }});
  registry.add({"easy-backfill",
                "EASY backfilling: FIFO with a reservation for the head of the queue; later jobs start early "
                "when they do not delay it (estimates from the trace, else actual runtimes).",
                {{"max_scan", 1000.0, "how many queued jobs behind the head are considered per decision", 1.0, 1e9, true}},
                false,
                [](const Params& p) {
                  return std::make_unique<EasyBackfillPolicy>(static_cast<std::size_t>(std::get<double>(p.at("max_scan"))));
                }});
}

const PolicyRegistry& builtin_policies() {
  static const PolicyRegistry registry = [] {
    PolicyRegistry r;
    register_builtin_policies(r);
    return r;
  }();
  return registry;
}

Params resolve_params(const PolicyInfo& info, const Params& given, const std::string& where) {
  simcore::DiagnosticSink errors;
  std::vector<std::string> valid;
  for (const auto& spec : info.params) valid.push_back(spec.name);
  for (const auto& [name, value] : given) {
    bool known = false;
    for (const auto& spec : info.params) known = known || spec.name == name;
    if (!known) {
      errors.add(where + "." + name, "unknown parameter of policy \"" + info.name + "\"" +
                                         simcore::did_you_mean(name, valid) +
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
    if (it->second.index() != spec.default_value.index()) {
      static const char* kTypes[] = {"a number", "true or false", "a string"};
      errors.add(path, std::string("expected ") + kTypes[spec.default_value.index()] + ", found " +
                           kTypes[it->second.index()]);
      continue;
    }
    if (const double* x = std::get_if<double>(&it->second)) {
      if (spec.min != spec.max && !(*x >= spec.min && *x <= spec.max)) {
        errors.add(path, "is " + std::to_string(*x) + "; expected a value in [" + std::to_string(spec.min) + ", " +
                             std::to_string(spec.max) + "]");
        continue;
      }
      if (spec.integer && std::floor(*x) != *x) {
        errors.add(path, "is " + std::to_string(*x) + "; expected a whole number");
        continue;
      }
    }
    out[spec.name] = it->second;
  }
  errors.throw_if_any();
  return out;
}

}  // namespace wattsim::policies
