#include "policies/cap_to_budget.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wattsim::policies {

using datacenter::Actions;
using datacenter::ClusterView;
using datacenter::NodeId;
using datacenter::RunningJob;
using datacenter::SlotId;
using power::ElementId;

namespace {

// Sets a flag for the duration of a scope.
class Flag {
 public:
  explicit Flag(bool& flag) : flag_(flag), was_(flag) { flag_ = true; }
  ~Flag() { flag_ = was_; }
  Flag(const Flag&) = delete;
  Flag& operator=(const Flag&) = delete;

 private:
  bool& flag_;
  bool was_;
};

power::ElementKind scope_kind(BudgetScope scope) {
  return scope == BudgetScope::kUps ? power::ElementKind::kUps : power::ElementKind::kPdu;
}

// The highest p-state index an accelerator with limit `limit` may reach (kNoLimit: its top).
std::size_t reach(std::size_t limit, std::size_t top) {
  return limit == power::Node::kNoLimit ? top : std::min(limit, top);
}

}  // namespace

void CapToBudget::init(const ClusterView& view) {
  if (initialised_) return;
  initialised_ = true;
  accel_offset_.resize(view.node_count() + 1);
  std::size_t total = 0;
  for (NodeId n = 0; n < view.node_count(); ++n) {
    accel_offset_[n] = total;
    total += view.accelerators(n);
  }
  accel_offset_[view.node_count()] = total;
  accel_orig_.assign(total, power::Node::kNoLimit);
  accel_mine_.assign(total, kNotMine);
  sites_.resize(view.site_count());
  // Every element above the nodes with a finite capacity is watched from the start, so that a
  // start that would overload one is answered at once (on_start), before the violation is
  // reported; nodes' own PSU ratings are watched once they report a violation.
  for (std::uint32_t s = 0; s < view.site_count(); ++s) {
    const power::PowerTree& tree = view.power_tree(s);
    for (ElementId e = 0; e < tree.size(); ++e) {
      if (tree.kind(e) != power::ElementKind::kNode && std::isfinite(tree.capacity_w(e))) sites_[s].limited.push_back(e);
    }
  }
  if (config_.budget_w > 0.0 && config_.scope != BudgetScope::kFacility) {
    const power::ElementKind kind = scope_kind(config_.scope);
    for (std::uint32_t s = 0; s < view.site_count(); ++s) {
      const power::PowerTree& tree = view.power_tree(s);
      for (ElementId e = 0; e < tree.size(); ++e) {
        if (tree.kind(e) == kind) sites_[s].scope_elements.push_back(e);
      }
    }
  }
}

bool CapToBudget::alive(const ClusterView& view, SlotId slot) const {
  if (slot >= jobs_.size() || !jobs_[slot].tracked || slot >= view.running_slots()) return false;
  const RunningJob& r = view.running(slot);
  return r.active && r.seq == jobs_[slot].seq;
}

void CapToBudget::track(const ClusterView& view, Actions& actions, SlotId slot) {
  if (slot >= jobs_.size()) jobs_.resize(slot + 1);
  if (jobs_[slot].tracked) forget(slot);  // its previous job left without a completion
  const RunningJob& r = view.running(slot);
  Tracked& t = jobs_[slot];
  t.seq = r.seq;
  t.site = r.site;
  t.tracked = true;
  t.lowered = false;
  t.ceiling = 0;
  for (const auto& a : r.accels) {
    const power::AcceleratorSpec* spec = view.accelerator_spec(a.node);
    if (spec == nullptr) continue;
    const std::size_t k = accel_index(a.node, a.index);
    std::size_t limit = view.node(a.node).pstate_limit(a.index);
    if (accel_mine_[k] != kNotMine && limit == accel_mine_[k]) {
      // Our limit, left behind by a job that was suspended or failed: the accelerator's own
      // limit comes back before the new job is judged.
      limit = accel_orig_[k];
      accel_mine_[k] = kNotMine;
      actions.set_pstate_limit(a.node, a.index, limit);
    }
    accel_orig_[k] = limit;
    accel_mine_[k] = kNotMine;
    t.ceiling = std::max(t.ceiling, reach(limit, spec->top_pstate()));
  }
  t.level = t.ceiling;
  Site& s = sites_[r.site];
  t.pos = s.jobs.size();
  s.jobs.push_back(slot);
}

void CapToBudget::forget(SlotId slot) {
  Tracked& t = jobs_[slot];
  if (!t.tracked) return;
  Site& s = sites_[t.site];
  const SlotId last = s.jobs.back();
  s.jobs[t.pos] = last;
  jobs_[last].pos = t.pos;
  s.jobs.pop_back();
  if (t.lowered) {
    const SlotId last_lowered = s.lowered.back();
    s.lowered[t.lowered_pos] = last_lowered;
    jobs_[last_lowered].lowered_pos = t.lowered_pos;
    s.lowered.pop_back();
  }
  t.tracked = false;
  t.lowered = false;
}

void CapToBudget::restore(const ClusterView& view, Actions& actions, const RunningJob& job) {
  for (const auto& a : job.accels) {
    if (view.accelerator_spec(a.node) == nullptr) continue;
    const std::size_t k = accel_index(a.node, a.index);
    if (accel_mine_[k] == kNotMine) continue;
    // Another manager may have set its own limit since: then it is not ours to undo.
    if (view.node(a.node).pstate_limit(a.index) == accel_mine_[k])
      actions.set_pstate_limit(a.node, a.index, accel_orig_[k]);
    accel_mine_[k] = kNotMine;
  }
}

double CapToBudget::element_limit_w(const power::PowerTree& tree, ElementId e) const {
  double limit = tree.capacity_w(e);
  if (config_.budget_w > 0.0 && config_.scope != BudgetScope::kFacility && tree.kind(e) == scope_kind(config_.scope)) {
    limit = std::min(limit, config_.budget_w);
  }
  return limit;
}

bool CapToBudget::exceeded(const ClusterView& view, std::uint32_t site, std::uint32_t limit) const {
  if (limit == kFacility) {
    return config_.budget_w > 0.0 && config_.scope == BudgetScope::kFacility &&
           view.facility_power_w(site) > config_.budget_w;
  }
  const power::PowerTree& tree = view.power_tree(site);
  return tree.output_w(limit) > element_limit_w(tree, limit);
}

bool CapToBudget::under(const ClusterView& view, const RunningJob& job, std::uint32_t limit) const {
  if (limit == kFacility) return true;
  const power::PowerTree& tree = view.power_tree(job.site);
  NodeId last = static_cast<NodeId>(-1);
  for (const auto& a : job.accels) {
    if (a.node == last) continue;
    last = a.node;
    for (ElementId e = view.node_element(a.node); e != power::kNoElement; e = tree.parent(e)) {
      if (e == limit) return true;
    }
  }
  return false;
}

double CapToBudget::key(const RunningJob& job) const {
  switch (config_.order) {
    case LoweringOrder::kLowestBeta:
      return -job.job.beta;
    case LoweringOrder::kHighestPower:
      return job.power_w;
    case LoweringOrder::kNewest:
      return static_cast<double>(job.start.us());
  }
  return 0.0;
}

bool CapToBudget::lowerable(const ClusterView& view, const RunningJob& job) const {
  for (const auto& a : job.accels) {
    if (view.accelerator_spec(a.node) != nullptr && view.node(a.node).pstate(a.index) > 0) return true;
  }
  return false;
}

void CapToBudget::apply(const ClusterView& view, Actions& actions, SlotId slot, std::size_t level) {
  const RunningJob& r = view.running(slot);
  jobs_[slot].level = level;
  for (const auto& a : r.accels) {
    const power::AcceleratorSpec* spec = view.accelerator_spec(a.node);
    if (spec == nullptr) continue;
    const std::size_t k = accel_index(a.node, a.index);
    const std::size_t orig = accel_orig_[k];
    const std::size_t target = level >= reach(orig, spec->top_pstate()) ? orig : level;
    accel_mine_[k] = target == orig ? kNotMine : target;
    if (view.node(a.node).pstate_limit(a.index) != target) actions.set_pstate_limit(a.node, a.index, target);
  }
  Tracked& t = jobs_[slot];
  Site& s = sites_[t.site];
  const bool lowered = level < t.ceiling;
  if (lowered && !t.lowered) {
    t.lowered = true;
    t.lowered_pos = s.lowered.size();
    s.lowered.push_back(slot);
  } else if (!lowered && t.lowered) {
    const SlotId last = s.lowered.back();
    s.lowered[t.lowered_pos] = last;
    jobs_[last].lowered_pos = t.lowered_pos;
    s.lowered.pop_back();
    t.lowered = false;
  }
}

void CapToBudget::lower_step(const ClusterView& view, Actions& actions, SlotId slot) {
  const RunningJob& r = view.running(slot);
  std::size_t highest = 0;
  for (const auto& a : r.accels) {
    if (view.accelerator_spec(a.node) != nullptr) highest = std::max(highest, view.node(a.node).pstate(a.index));
  }
  // One state below the highest in force (a cap may hold it below our own limit).
  apply(view, actions, slot, highest - 1);
  ++steps_down_;
}

void CapToBudget::lower(const ClusterView& view, Actions& actions, std::uint32_t site) {
  Site& s = sites_[site];
  const power::PowerTree& tree = view.power_tree(site);
  std::erase_if(s.watch, [&](ElementId e) { return !(tree.output_w(e) > element_limit_w(tree, e)); });
  limits_.assign(s.watch.begin(), s.watch.end());
  for (ElementId e : s.scope_elements) {
    if (exceeded(view, site, e) && std::find(limits_.begin(), limits_.end(), e) == limits_.end()) limits_.push_back(e);
  }
  for (ElementId e : s.limited) {
    if (tree.output_w(e) > element_limit_w(tree, e) && std::find(limits_.begin(), limits_.end(), e) == limits_.end()) {
      limits_.push_back(e);
    }
  }
  // The most local limits first: lowering under them also lowers every limit above.
  std::sort(limits_.begin(), limits_.end(), [&](ElementId a, ElementId b) {
    return tree.depth(a) != tree.depth(b) ? tree.depth(a) > tree.depth(b) : a < b;
  });
  for (std::size_t i = 0; i < limits_.size(); ++i) lower_under(view, actions, site, limits_[i]);
  lower_under(view, actions, site, kFacility);
}

void CapToBudget::lower_under(const ClusterView& view, Actions& actions, std::uint32_t site, std::uint32_t limit) {
  if (!exceeded(view, site, limit)) return;
  const auto after = [](const Candidate& a, const Candidate& b) {
    return a.key != b.key ? a.key < b.key : a.seq < b.seq;
  };
  heap_.clear();
  Site& s = sites_[site];
  for (std::size_t j = 0; j < s.jobs.size();) {
    const SlotId slot = s.jobs[j];
    if (!alive(view, slot)) {
      forget(slot);  // moves the last job into position j
      continue;
    }
    const RunningJob& r = view.running(slot);
    // A job lowered to state 0 has every accelerator there: no need to look (O(1) instead of
    // O(accelerators) for each job at the floor while a budget binds).
    const bool at_floor = jobs_[slot].lowered && jobs_[slot].level == 0;
    if (!at_floor && lowerable(view, r) && under(view, r, limit)) heap_.push_back({key(r), r.seq, slot});
    ++j;
  }
  std::make_heap(heap_.begin(), heap_.end(), after);
  while (exceeded(view, site, limit)) {
    if (heap_.empty()) {
      if (view.now() != last_unmet_) {
        ++unmet_instants_;
        last_unmet_ = view.now();
      }
      return;
    }
    std::pop_heap(heap_.begin(), heap_.end(), after);
    Candidate c = heap_.back();
    heap_.pop_back();
    lower_step(view, actions, c.slot);
    const RunningJob& r = view.running(c.slot);
    if (lowerable(view, r)) {
      c.key = key(r);  // changes only for highest-power
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), after);
    }
  }
}

void CapToBudget::predict(const ClusterView& view, const RunningJob& job, std::size_t level) {
  deltas_.clear();
  const auto add = [&](std::uint32_t element, double watts) {
    for (auto& d : deltas_) {
      if (d.element == element) {
        d.watts += watts;
        return;
      }
    }
    deltas_.push_back({element, watts});
  };
  const power::PowerTree& tree = view.power_tree(job.site);
  const bool facility = config_.budget_w > 0.0 && config_.scope == BudgetScope::kFacility;
  for (std::size_t a0 = 0; a0 < job.accels.size();) {
    const NodeId n = job.accels[a0].node;
    const power::Node& node = view.node(n);
    const power::AcceleratorSpec* spec = view.accelerator_spec(n);
    double dc_delta_w = 0.0;
    std::size_t a1 = a0;
    for (; a1 < job.accels.size() && job.accels[a1].node == n; ++a1) {
      if (spec == nullptr) continue;
      const std::uint32_t i = job.accels[a1].index;
      const std::size_t orig = accel_orig_[accel_index(n, i)];
      const std::size_t target = level >= reach(orig, spec->top_pstate()) ? orig : level;
      const double u = node.utilisation(i);
      // The state in force is the lower of the clock limit and the cap's choice.
      const std::size_t next =
          std::min(reach(target, spec->top_pstate()), power::select_pstate(*spec, u, node.power_cap_w(i)).index);
      dc_delta_w += power::accelerator_power_w(spec->pstates[next], u) -
                    power::accelerator_power_w(spec->pstates[node.pstate(i)], u);
    }
    a0 = a1;
    if (dc_delta_w == 0.0) continue;
    const ElementId ne = view.node_element(n);
    if (std::isfinite(element_limit_w(tree, ne))) add(ne, dc_delta_w);
    // The change of the node's wall power, exact; above it, scaled by each element's present
    // input/output ratio.
    double delta_w = power::node_wall_power_w(node.spec(), node.dc_power_w() + dc_delta_w) - node.wall_power_w();
    for (ElementId e = tree.parent(ne); e != power::kNoElement; e = tree.parent(e)) {
      if (std::isfinite(element_limit_w(tree, e))) add(e, delta_w);
      const double out_w = tree.output_w(e);
      if (out_w > 0.0) delta_w *= tree.input_w(e) / out_w;
    }
    if (facility) {
      const double feed_w = tree.facility_input_w();
      add(kFacility, feed_w > 0.0 ? delta_w * view.facility_power_w(job.site) / feed_w : delta_w);
    }
  }
}

void CapToBudget::raise(const ClusterView& view, Actions& actions, std::uint32_t site) {
  Site& s = sites_[site];
  if (s.lowered.empty() || view.now() == no_raise_at_) return;
  heap_.clear();
  for (std::size_t j = 0; j < s.lowered.size();) {
    const SlotId slot = s.lowered[j];
    if (!alive(view, slot)) {
      forget(slot);
      continue;
    }
    const RunningJob& r = view.running(slot);
    heap_.push_back({key(r), r.seq, slot});
    ++j;
  }
  // The reverse of the lowering order: the job that would be lowered last is raised first. Only
  // the first is found at once (O(lowered)): while a budget binds, it usually cannot go up, and
  // the rest need no sorting.
  const auto first = [](const Candidate& a, const Candidate& b) { return a.key != b.key ? a.key < b.key : a.seq < b.seq; };
  std::iter_swap(heap_.begin(), std::min_element(heap_.begin(), heap_.end(), first));
  const power::PowerTree& tree = view.power_tree(site);
  const double keep = 1.0 - config_.raise_margin;
  for (std::size_t i = 0; i < heap_.size(); ++i) {
    if (i == 1) std::sort(heap_.begin() + 1, heap_.end(), first);
    const Candidate& c = heap_[i];
    while (jobs_[c.slot].lowered) {
      const std::size_t previous = jobs_[c.slot].level;
      predict(view, view.running(c.slot), previous + 1);
      for (const Delta& d : deltas_) {
        const bool facility = d.element == kFacility;
        const double now_w = facility ? view.facility_power_w(site) : tree.output_w(d.element);
        const double limit_w = facility ? config_.budget_w : element_limit_w(tree, d.element);
        if (d.watts > 0.0 && now_w + d.watts > limit_w * keep) return;  // strict order: stop here
      }
      apply(view, actions, c.slot, previous + 1);
      ++steps_up_;
      for (const Delta& d : deltas_) {
        if (exceeded(view, site, d.element)) {
          // The prediction was off by more than the margin: undo, and raise no more now.
          apply(view, actions, c.slot, previous);
          ++steps_down_;
          no_raise_at_ = view.now();
          return;
        }
      }
    }
  }
}

void CapToBudget::balance(const ClusterView& view, Actions& actions, std::uint32_t site, bool raise_too) {
  Flag busy(balancing_);
  lower(view, actions, site);
  if (raise_too) raise(view, actions, site);
}

void CapToBudget::after_schedule(const ClusterView& view, Actions& actions) {
  init(view);
  for (std::uint32_t s = 0; s < sites_.size(); ++s) balance(view, actions, s, true);
}

void CapToBudget::on_start(const ClusterView& view, Actions& actions, SlotId slot) {
  init(view);
  Flag busy(balancing_);
  track(view, actions, slot);
  lower(view, actions, view.running(slot).site);
}

void CapToBudget::on_completion(const ClusterView& view, Actions& actions, const RunningJob& job) {
  init(view);
  // The job's slot: its place in the world's slot array, which it still occupies.
  const SlotId slot = view.running_slots() > 0 ? static_cast<SlotId>(&job - &view.running(0)) : datacenter::kNoSlot;
  Flag busy(balancing_);
  if (slot < view.running_slots() && &view.running(slot) == &job && slot < jobs_.size() && jobs_[slot].tracked &&
      jobs_[slot].seq == job.seq) {
    restore(view, actions, job);
    forget(slot);
  }
  balance(view, actions, job.site, true);
}

void CapToBudget::on_signal(const ClusterView& view, Actions& actions, std::uint32_t site) {
  init(view);
  balance(view, actions, site, true);
}

void CapToBudget::on_capacity_violation(const ClusterView& view, Actions& actions, std::uint32_t site,
                                        const power::CapacityViolation& violation) {
  // The world reports violations after the event that caused them, when every model is
  // consistent: watch the element and lower at once.
  init(view);
  auto& watch = sites_[site].watch;
  if (std::find(watch.begin(), watch.end(), violation.element) == watch.end()) watch.push_back(violation.element);
  if (!balancing_) balance(view, actions, site, false);
}

PolicyInfo cap_to_budget_info() {
  PolicyInfo info;
  info.name = "cap-to-budget";
  info.kind = PolicyKind::kManager;
  info.description =
      "Keeps each site's facility power, or every UPS or PDU, under a budget and the power tree under its "
      "capacities by lowering running jobs' p-states one step at a time in a chosen order; raises them again "
      "when headroom returns.";
  info.params = {
      number_param("budget", 0.0, "the power limit (0: none; only the power tree's capacities are enforced)", 0.0, 1e15,
                   simcore::Dimension::kPower),
      choice_param("scope", "facility", {"facility", "ups", "pdu"},
                   "what the budget limits: each site's facility power, or every UPS, or every PDU (each under the "
                   "lower of the budget and its capacity)"),
      choice_param("order", "lowest-beta", {"lowest-beta", "highest-power", "newest"},
                   "which running job loses a clock step first: lowest compute-bound fraction, most power, latest "
                   "start"),
      number_param("raise_margin", 0.05,
                   "a job is raised one step only if the predicted power stays under limit x (1 - margin)", 0.0, 0.5,
                   simcore::Dimension::kFraction),
  };
  info.requires_ = [](const datacenter::WorldConfig& world, const Params& p) -> std::string {
    const std::string& scope = text(p, "scope");
    if (scope == "facility") return "";
    for (const auto& site : world.sites) {
      if (scope == "ups" && !site.distribution.ups) {
        return "with scope \"ups\" needs a UPS (facility.power.ups); site \"" + site.name + "\" has none";
      }
      if (scope == "pdu" && site.distribution.pdus == 0) {
        return "with scope \"pdu\" needs PDUs (facility.power.pdus); site \"" + site.name + "\" has none";
      }
    }
    return "";
  };
  info.make_manager = [](const Params& p) {
    CapToBudgetConfig c;
    c.budget_w = number(p, "budget");
    const std::string& scope = text(p, "scope");
    c.scope = scope == "ups" ? BudgetScope::kUps : scope == "pdu" ? BudgetScope::kPdu : BudgetScope::kFacility;
    const std::string& order = text(p, "order");
    c.order = order == "highest-power" ? LoweringOrder::kHighestPower
              : order == "newest"      ? LoweringOrder::kNewest
                                       : LoweringOrder::kLowestBeta;
    c.raise_margin = number(p, "raise_margin");
    return std::make_unique<CapToBudget>(c);
  };
  return info;
}

}  // namespace wattsim::policies
