#include "datacenter/world.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simcore/error.hpp"

namespace wattsim::datacenter {

const char* signal_name(Signal s) {
  switch (s) {
    case Signal::kCarbon: return "carbon";
    case Signal::kCarbonMarginal: return "carbon-marginal";
    case Signal::kPrice: return "price";
    case Signal::kRenewable: return "renewable";
    case Signal::kOutsideTemp: return "outside-temperature";
  }
  return "?";
}

using simcore::Phase;
using simcore::SimTime;

namespace {
std::string node_text(NodeId n) { return "node " + std::to_string(n); }
// Heap order of held jobs: the earliest start first, then arrival order.
bool held_after(const QueuedJob& a, const QueuedJob& b) {
  return a.eligible != b.eligible ? a.eligible > b.eligible : a.seq > b.seq;
}
}  // namespace

World::World(const WorldConfig& config, workloads::JobSource& source, Policy& policy, WorldObserver* observer)
    : config_(config), source_(source), policy_(policy), observer_(observer) {
  if (config_.sites.empty()) throw simcore::InputError("sites", "no sites; expected at least one");
  if (config_.output_interval <= SimTime::zero()) {
    throw simcore::InputError("output.interval", "must be positive");
  }
  std::uint32_t racks = 0;
  if (!config_.sites.empty()) state_.calendar_origin = config_.sites.front().supply.calendar_origin;
  state_.sites.reserve(config_.sites.size());
  for (std::uint32_t i = 0; i < config_.sites.size(); ++i) build_site(config_.sites[i], i, racks);
  std::vector<std::uint32_t> totals;
  for (const auto& e : state_.nodes) totals.push_back(static_cast<std::uint32_t>(e.owner.size()));
  state_.capacity = FreeCapacity(std::move(totals));
  for (std::uint32_t s = 0; s < state_.sites.size(); ++s) {
    max_site_accelerators_ = std::max(max_site_accelerators_, state_.sites[s].accelerators);
  }
  rack_w_.assign(racks, 0.0);
  rack_meters_.resize(racks);
  rack_energy_tick_j_.assign(racks, 0.0);
  rack_throttled_.assign(racks, 0);
  rack_saved_caps_.resize(racks);
  rack_power_avg_w_.assign(racks, 0.0);
  rack_inlet_avg_c_.assign(racks, 0.0);
  snapshots_.resize(state_.sites.size());
  demand_times_.resize(state_.sites.size());
  demand_w_.resize(state_.sites.size());
  demand_pending_.resize(state_.sites.size());
  demand_committed_.assign(state_.sites.size(), false);
  demand_last_w_.assign(state_.sites.size(), 0.0);
  finishing_.resize(state_.sites.size());
  emitted_at_.assign(state_.sites.size(), 0);
  jobs_charged_.resize(state_.sites.size());
}

World::~World() = default;

void World::build_site(const SiteConfig& c, std::uint32_t index, std::uint32_t& rack_counter) {
  const std::string where = "sites[" + std::to_string(index) + "]";
  std::size_t racks = 0;
  for (const auto& g : c.racks) {
    if (g.node == nullptr) throw simcore::InputError(where, "a rack group has no node type");
    if (g.node->accelerator_count > 0 && g.accelerator == nullptr) {
      throw simcore::InputError(where, "node type " + g.node->name + " needs its accelerator spec");
    }
    racks += g.count;
  }
  if (racks == 0) throw simcore::InputError(where, "no racks");
  if (c.pue < 1.0) throw simcore::InputError(where + ".pue", "must be at least 1");
  if (c.carbon_intensity_g_per_kwh.empty()) throw simcore::InputError(where, "no carbon intensity series");
  const bool chilled = c.cooling.type == cooling::PlantType::kChilledWater;
  if (chilled && c.outside_temp_c.empty()) {
    throw simcore::InputError(where + ".weather", "missing; a chilled-water cooling plant needs the outside temperature");
  }
  if (c.heat.plant.present && !chilled) {
    throw simcore::InputError(where + ".heat_reuse", "needs a chilled-water cooling plant (the heat comes from its loop and air)");
  }
  if (c.heat.plant.present && c.heat.demand_w.empty()) throw simcore::InputError(where + ".heat_reuse.demand", "missing");
  if (c.thermal.enabled) thermal::validate_matrix(c.thermal.recirculation_k_per_kw, racks, where + ".thermal.matrix");

  // The power tree: feed -> [ups] -> [pdus] -> racks -> nodes.
  const auto& d = c.distribution;
  power::PowerTreeSpec spec;
  spec.elements.push_back({"feed", power::ElementKind::kFeed, "", d.feed_capacity_w, std::nullopt});
  std::string above_racks = "feed";
  if (d.ups) {
    spec.elements.push_back({"ups", power::ElementKind::kUps, "feed", d.ups_capacity_w, d.ups_curve});
    above_racks = "ups";
  }
  if (d.pdus > racks) throw simcore::InputError(where, "more PDUs than racks");
  for (std::size_t p = 0; p < d.pdus; ++p) {
    spec.elements.push_back({"pdu-" + std::to_string(p), power::ElementKind::kPdu, above_racks, d.pdu_capacity_w, d.pdu_curve});
  }
  std::size_t rack = 0;
  std::vector<std::pair<const RackGroup*, std::string>> node_elements;
  for (const auto& g : c.racks) {
    for (std::size_t r = 0; r < g.count; ++r, ++rack) {
      const std::string rack_name = "rack-" + std::to_string(rack);
      const std::string parent = d.pdus > 0 ? "pdu-" + std::to_string(rack * d.pdus / racks) : above_racks;
      spec.elements.push_back({rack_name, power::ElementKind::kRack, parent, g.rack_capacity_w, std::nullopt});
      for (std::size_t n = 0; n < g.nodes_per_rack; ++n) {
        std::string name = rack_name + "/node-" + std::to_string(n);
        const bool lossy = !g.node->psu.lossless();
        spec.elements.push_back({name, power::ElementKind::kNode, rack_name,
                                 g.node->psu_rated_w,
                                 lossy ? std::optional<power::EfficiencyCurve>(g.node->psu) : std::nullopt});
        node_elements.emplace_back(&g, std::move(name));
      }
    }
  }

  SiteState& site = state_.sites.emplace_back(power::PowerTree(spec));
  site.first_node = static_cast<std::uint32_t>(state_.nodes.size());
  site.pue = c.pue;
  site.intensity = simcore::StepCursor(c.carbon_intensity_g_per_kwh, c.carbon_intensity_repeats);
  site.intensity_g_per_kwh = site.intensity.value_at(SimTime::zero());
  if (!c.other_intensity_g_per_kwh.empty() && c.other_intensity_g_per_kwh.start() <= SimTime::zero()) {
    site.has_other_intensity = true;
    site.other_intensity = simcore::StepCursor(c.other_intensity_g_per_kwh, c.other_intensity_repeats);
    site.other_end = c.other_intensity_repeats ? SimTime::max() : c.other_intensity_g_per_kwh.end();
    site.other_k = site.other_intensity.integral_to(SimTime::zero());
  } else if (!c.other_intensity_g_per_kwh.empty()) {
    site.other_carbon = kNaN;  // it starts after the run does
  }
  for (std::size_t i = 0; i < kSignalCount; ++i) site.forecasts[i] = c.forecasts[i].get();
  site.supply = std::make_unique<supply::SupplySite>(std::make_shared<const supply::SupplyConfig>(c.supply),
                                                     c.carbon_intensity_g_per_kwh, c.carbon_intensity_repeats);
  site.tree.set_listener(this);
  site.shares = std::make_unique<SiteShares>();
  site.supply->set_listener(site.shares.get());
  site.plant = &c.cooling;
  if (!c.outside_temp_c.empty()) {
    site.has_outside = true;
    site.outside = simcore::StepCursor(c.outside_temp_c, c.outside_temp_repeats);
    site.outside_c = site.outside.value_at(SimTime::zero());
  }
  if (c.heat.plant.present) {
    site.heat_plant = &c.heat.plant;
    site.has_heat_demand = true;
    site.heat_demand = simcore::StepCursor(c.heat.demand_w, c.heat.demand_repeats);
    site.heat_demand_w = site.heat_demand.value_at(SimTime::zero());
  }
  site.first_rack = rack_counter;
  site.rack_count = static_cast<std::uint32_t>(racks);
  if (c.thermal.enabled) {
    site.thermal = std::make_unique<thermal::RackThermal>(c.thermal.recirculation_k_per_kw, c.thermal.supply_c,
                                                          std::vector<double>(racks, c.thermal.limit_c));
    site.thermal->set_listener(this);
  }
  rack = 0;
  std::size_t in_rack = 0;
  for (const auto& [group, name] : node_elements) {
    NodeEntry e{power::Node(*group->node, group->accelerator, power::NodeState::kIdle), index,
                rack_counter + static_cast<std::uint32_t>(rack), site.tree.find(name),
                std::vector<SlotId>(group->node->accelerator_count, kNoSlot)};
    if (c.initial_node_state == power::NodeState::kOff) e.node.power_off();
    node_mtbf_.push_back(group->node_mtbf);
    node_repair_.push_back(group->repair_time);
    if (in_rack == 0) {
      rack_first_node_.push_back(static_cast<NodeId>(state_.nodes.size()));
      rack_nodes_.push_back(static_cast<std::uint32_t>(group->nodes_per_rack));
      rack_accel_.push_back(group->accelerator);
    }
    site.accelerators += static_cast<std::uint32_t>(group->node->accelerator_count);
    state_.max_node_accelerators =
        std::max(state_.max_node_accelerators, static_cast<std::uint32_t>(group->node->accelerator_count));
    state_.nodes.push_back(std::move(e));
    if (++in_rack == group->nodes_per_rack) {
      in_rack = 0;
      ++rack;
    }
  }
  rack_counter += static_cast<std::uint32_t>(racks);
  site.node_count = static_cast<std::uint32_t>(state_.nodes.size()) - site.first_node;
}

RunSummary World::run(simcore::ProgressSink* progress) {
  if (ran_) throw std::logic_error("World::run called twice");
  ran_ = true;
  sim_.set_progress(progress);
  state_.now = SimTime::zero();
  for (NodeId n = 0; n < state_.nodes.size(); ++n) update_node(n);
  dispatch_thermal();
  for (std::uint32_t s = 0; s < state_.sites.size(); ++s) {
    schedule_signal(s);
    snapshots_[s].outside_c_s = state_.sites[s].has_outside ? state_.sites[s].outside.integral_to(SimTime::zero()) : 0.0;
    // The time series' first interval starts from the running integrals at 0, which are not 0
    // when the intensity series starts before the run.
    snapshots_[s].k = state_.sites[s].intensity.integral_to(SimTime::zero());
  }
  if (state_.sites.size() == 1) {
    total_snapshot_.k = snapshots_[0].k;
    total_snapshot_.outside_c_s = snapshots_[0].outside_c_s;
  }
  sim_.set_measurement(config_.output_interval, config_.output_interval);
  next_failure_.assign(state_.nodes.size(), SimTime::max());
  if (std::any_of(node_mtbf_.begin(), node_mtbf_.end(), [](SimTime t) { return t > SimTime::zero(); })) {
    failure_rng_.emplace(simcore::RandomStreams(config_.seed).stream("node-failures"));
    for (NodeId n = 0; n < node_mtbf_.size(); ++n) schedule_failure(n);
  }
  for (const auto& f : config_.failures) {
    if (f.node >= state_.nodes.size()) {
      throw simcore::InputError("failures", "names node " + std::to_string(f.node) + "; the facility has " +
                                                std::to_string(state_.nodes.size()) + " (numbered from 0)");
    }
    if (f.at < SimTime::zero()) throw simcore::InputError("failures", "a failure before the start of the run");
    if (!config_.horizon || f.at <= *config_.horizon) sim_.schedule_at(f.at, Phase::kCompletion, kListedFailure, f.node);
  }
  pull_next_job();
  // A decision at the start, so that policies can act before the first job arrives (caps, nodes
  // to power off).
  decision_due_ = decision_pending_ = true;
  sim_.schedule_at(SimTime::zero(), Phase::kDecision, kDecision);
  SimTime end;
  if (config_.horizon) {
    sim_.run_until(*config_.horizon, *this);
    end = *config_.horizon;
  } else {
    if (!nothing_left()) sim_.run(*this);
    end = sim_.now();
  }
  state_.now = end;
  emit_intervals(end);
  for (std::uint32_t s = 0; s < state_.sites.size(); ++s) commit_demand(s);
  return summarise(end);
}

void World::pull_next_job() {
  next_job_ = source_.next();
  if (!next_job_) return;
  if (next_job_->submit < state_.now) {
    throw simcore::InputError("job " + std::to_string(next_job_->id),
                              "submitted at " + simcore::format_time(next_job_->submit) +
                                  ", before the previous job; expected jobs in submit order");
  }
  if (config_.horizon && next_job_->submit > *config_.horizon) {
    next_job_.reset();  // beyond the horizon: never arrives
    return;
  }
  sim_.schedule_at(next_job_->submit, Phase::kArrival, kArrival);
}

void World::settle() {
  // Decisions come after every completion and arrival of the instant (DESIGN.md §2): run the
  // policy inline when nothing at (now, phase <= decision) is still queued, which saves an
  // event per decision, else queue a decision event.
  while (decision_due_ && !decision_pending_) {
    if (sim_.pending_at(state_.now, Phase::kDecision)) {
      decision_pending_ = true;
      sim_.schedule_at(state_.now, Phase::kDecision, kDecision);
      return;
    }
    decision_due_ = false;
    policy_.schedule(view(), *this);
  }
}

void World::on_event(simcore::Simulation& sim, const simcore::Event& e) {
  state_.now = sim.now();
  switch (e.kind) {
    case kArrival: handle_arrival(); break;
    case kCompletion: finish_job(e.target); break;
    case kDecision:
      decision_pending_ = false;
      decision_due_ = false;
      policy_.schedule(view(), *this);
      break;
    case kSignal: {
      SiteState& site = state_.sites[e.target];
      site.intensity_g_per_kwh = site.intensity.value_at(state_.now);
      if (site.has_outside) site.outside_c = site.outside.value_at(state_.now);
      if (site.has_heat_demand) site.heat_demand_w = site.heat_demand.value_at(state_.now);
      // Cooling and heat pumps follow the weather and the heat demand.
      if (site.plant->type != cooling::PlantType::kFixedPue) update_facility(e.target);
      policy_.on_signal(view(), *this, e.target);
      schedule_signal(e.target);
      break;
    }
    case kBootComplete:
      --booting_;
      state_.nodes[e.target].node.boot_complete();
      update_node(e.target);
      request_decision();
      break;
    case kTimer:
      --timers_;
      policy_.on_timer(view(), *this);
      break;
    case kRelease: release_held(); break;
    case kPhaseEnd: end_phase(e.target); break;
    case kFailure:
      // Only the node's latest draw counts (a repair after a listed failure draws anew).
      if (state_.now == next_failure_[e.target]) fail_node(e.target, true);
      break;
    case kListedFailure: fail_node(e.target, false); break;
    case kRepair: repair_node(e.target); break;
    case kHoldEnd:
      --holds_;
      release_holds();
      break;
    case kThrottleRelease: {
      throttle_rack(e.target, false);
      // Still above the limit after the hold: throttled again at once.
      const std::uint32_t site = state_.nodes[rack_first_node_[e.target]].site;
      const SiteState& st = state_.sites[site];
      if (st.thermal->inlet_c(e.target - st.first_rack) > config_.sites[site].thermal.limit_c) throttle_rack(e.target, true);
      break;
    }
    default: throw std::logic_error("unknown event kind " + std::to_string(e.kind));
  }
  settle();
  dispatch_thermal();
  for (std::uint32_t s = 0; s < finishing_.size(); ++s) {
    if (!finishing_[s].empty() && state_.sites[s].shares->settlements() != emitted_at_[s]) emit_settled(s);
  }
  if (!config_.horizon && !decision_due_ && nothing_left()) sim.request_stop();
}

bool World::nothing_left() const {
  // Policies' timers and repairs keep the run going only while jobs wait for them (queued or
  // suspended): a timer set for later (an idle timeout, a daily switch) must not stretch a run
  // whose work is done.
  const bool waiting = !state_.queue.empty() || !state_.suspended.empty() || !state_.deferred.empty();
  return !next_job_ && held_.empty() && state_.running_count == 0 && booting_ == 0 &&
         (!waiting || (timers_ == 0 && repairs_ == 0 && holds_ == 0));
}

void World::schedule_signal(std::uint32_t site) {
  const auto& c = config_.sites[site];
  SiteState& s = state_.sites[site];
  // The next change of any of the site's signals: intensity, outside temperature, heat demand.
  SimTime next = SimTime::max();
  const auto consider = [&](simcore::StepCursor& cursor, const simcore::StepSeries& series, bool repeats) {
    const SimTime t = cursor.next_change_after(state_.now);
    if (t != SimTime::max() && (repeats || t < series.end())) next = std::min(next, t);
  };
  consider(s.intensity, c.carbon_intensity_g_per_kwh, c.carbon_intensity_repeats);
  if (s.has_outside) consider(s.outside, c.outside_temp_c, c.outside_temp_repeats);
  if (s.has_heat_demand) consider(s.heat_demand, c.heat.demand_w, c.heat.demand_repeats);
  if (next == SimTime::max()) return;
  if (config_.horizon && next > *config_.horizon) return;
  sim_.schedule_at(next, Phase::kSignal, kSignal, site);
}

void World::dispatch_thermal() {
  if (dispatching_thermal_) return;
  dispatching_thermal_ = true;
  // Hooks and throttles change power, which may start or end more violations: until none are
  // left. A throttled rack stays throttled for its hold, so this ends.
  while (!thermal_events_.empty() || !capacity_events_.empty()) {
    const std::vector<CapacityEvent> capacity = std::move(capacity_events_);
    capacity_events_.clear();
    for (const CapacityEvent& ev : capacity) policy_.on_capacity_violation(view(), *this, ev.site, ev.violation);
    const std::vector<ThermalEvent> events = std::move(thermal_events_);
    thermal_events_.clear();
    for (const ThermalEvent& ev : events) {
      const std::uint32_t rack = state_.sites[ev.site].first_rack + ev.violation.rack;
      if (ev.started && config_.sites[ev.site].thermal.throttle && !rack_throttled_[rack]) throttle_rack(rack, true);
      policy_.on_thermal_violation(view(), *this, ev.site, ev.violation, ev.started);
    }
    settle();
  }
  dispatching_thermal_ = false;
}

void World::throttle_rack(std::uint32_t rack, bool on) {
  const power::AcceleratorSpec* spec = rack_accel_[rack];
  if (spec == nullptr || spec->pstates.size() < 2) return;  // nothing to step down to
  rack_throttled_[rack] = on ? 1 : 0;
  // The throttle lowers each cap to the second-highest state's power and gives back the cap
  // that was there before (a policy's static cap survives a throttle).
  const double throttle_w = spec->pstates[spec->top_pstate() - 1].max_w;
  std::vector<double>& saved = rack_saved_caps_[rack];
  if (on) saved.clear();
  std::size_t k = 0;
  for (NodeId n = rack_first_node_[rack]; n < rack_first_node_[rack] + rack_nodes_[rack]; ++n) {
    for (std::uint32_t i = 0; i < state_.nodes[n].owner.size(); ++i, ++k) {
      if (on) {
        const double before = state_.nodes[n].node.power_cap_w(i);
        saved.push_back(before);
        set_power_cap(n, i, std::min(before, throttle_w));
      } else {
        set_power_cap(n, i, k < saved.size() ? saved[k] : std::numeric_limits<double>::infinity());
      }
    }
  }
  if (on) {
    const std::uint32_t site = state_.nodes[rack_first_node_[rack]].site;
    sim_.schedule_at(state_.now + config_.sites[site].thermal.throttle_hold, Phase::kSignal, kThrottleRelease, rack);
  }
}

void World::handle_arrival() {
  workloads::Job job = std::move(*next_job_);
  next_job_.reset();
  ++submitted_;
  if (job.accelerators > max_site_accelerators_) {
    ++rejected_;
    if (observer_ != nullptr) {
      JobRecord rec;
      rec.job = &job;
      rec.rejected = true;
      observer_->on_job(rec);
    }
  } else if (job.earliest_start && *job.earliest_start > state_.now) {
    // Not eligible yet: held until its earliest start (a release, phase 1 of DESIGN.md §2).
    const SimTime at = *job.earliest_start;
    held_.push_back(QueuedJob{std::move(job), next_seq_++, at, {}});
    std::push_heap(held_.begin(), held_.end(), held_after);
    if (!config_.horizon || at <= *config_.horizon) sim_.schedule_at(at, Phase::kCompletion, kRelease);
  } else {
    enqueue(std::move(job));
  }
  pull_next_job();
}

void World::enqueue(workloads::Job&& job) {
  queued_.set_power(state_.now, static_cast<double>(state_.queue.size() + 1));
  state_.queue.push_back(QueuedJob{std::move(job), next_seq_++, state_.now, {}});
  // A copy: a part may hold the job back or route it (taking it out of the queue) while the
  // next part still reads it.
  const QueuedJob arrived = state_.queue.back();
  policy_.on_arrival(view(), *this, arrived);
  request_decision();
}

void World::release_held() {
  // Events at one instant run in the order they were scheduled, and the heap's order breaks
  // ties the same way: each release takes the job it was scheduled for.
  std::pop_heap(held_.begin(), held_.end(), held_after);
  workloads::Job job = std::move(held_.back().job);
  held_.pop_back();
  enqueue(std::move(job));
}

void World::start(std::uint64_t seq, const Placement& placement) {
  auto& q = state_.queue;
  const auto it = std::lower_bound(q.begin(), q.end(), seq, [](const QueuedJob& a, std::uint64_t s) { return a.seq < s; });
  if (it == q.end() || it->seq != seq) throw std::logic_error("policy started job #" + std::to_string(seq) + ", which is not queued");
  const workloads::Job& job = it->job;
  // Validate the whole placement before changing anything.
  if (job.earliest_start && *job.earliest_start > state_.now) {
    throw std::logic_error("policy started job " + std::to_string(job.id) + " before its earliest start");
  }
  if (placement.empty()) throw std::logic_error("policy gave job " + std::to_string(job.id) + " an empty placement");
  std::uint64_t total = 0;
  const std::uint32_t site = state_.nodes.at(placement.parts.front().node).site;
  if (it->site != kAnySite && it->site != site) {
    throw std::logic_error("policy started job " + std::to_string(job.id) + " on another site than the one it was routed to");
  }
  if (it->history.ran() && it->history.site != site) {
    throw std::logic_error("policy restarted job " + std::to_string(job.id) + " on another site than the one it ran on");
  }
  for (std::size_t i = 0; i < placement.parts.size(); ++i) {
    const auto& p = placement.parts[i];
    if (p.node >= state_.nodes.size()) throw std::logic_error("policy placed a job on " + node_text(p.node) + ", which does not exist");
    if (state_.nodes[p.node].site != site) throw std::logic_error("policy placed job " + std::to_string(job.id) + " across sites");
    for (std::size_t k = 0; k < i; ++k) {
      if (placement.parts[k].node == p.node) throw std::logic_error("policy named " + node_text(p.node) + " twice in a placement");
    }
    if (p.accelerators == 0 || p.accelerators > state_.capacity.free(p.node)) {
      throw std::logic_error("policy placed " + std::to_string(p.accelerators) + " accelerators of job " +
                             std::to_string(job.id) + " on " + node_text(p.node) + ", which has " +
                             std::to_string(state_.capacity.free(p.node)) + " free");
    }
    total += p.accelerators;
  }
  if (total != job.accelerators) {
    throw std::logic_error("policy placed " + std::to_string(total) + " accelerators for job " + std::to_string(job.id) +
                           ", which needs " + std::to_string(job.accelerators));
  }

  SlotId slot;
  if (!state_.free_slots.empty()) {
    slot = state_.free_slots.back();
    state_.free_slots.pop_back();
  } else {
    slot = static_cast<SlotId>(state_.running.size());
    state_.running.emplace_back();
  }
  RunningJob& r = state_.running[slot];
  r.job = std::move(it->job);
  r.seq = it->seq;
  r.history = it->history;
  r.start = state_.now;
  r.eligible = it->eligible;
  r.site = site;
  r.accels.clear();
  r.active = true;
  q.erase(it);
  queued_.set_power(state_.now, static_cast<double>(q.size()));

  double min_speed = 1.0;
  for (const auto& p : placement.parts) {
    NodeEntry& e = state_.nodes[p.node];
    std::uint32_t placed = 0;
    for (std::uint32_t i = 0; i < e.owner.size() && placed < p.accelerators; ++i) {
      if (e.owner[i] != kNoSlot) continue;
      e.node.allocate(i, r.job.utilisation);
      e.owner[i] = slot;
      r.accels.push_back({p.node, i});
      min_speed = std::min(min_speed, e.node.relative_speed(i, r.job.beta));
      ++placed;
    }
    update_node(p.node);
  }
  SiteState& s = state_.sites[site];
  r.end = SimTime::max();
  const bool first = !r.history.ran();
  if (first) {
    r.history = JobHistory{};
    r.history.first_start = state_.now;
    r.history.site = site;
    r.history.account = s.shares->open(state_.now, k_now(site));
    r.history.remaining = r.job.work;
    ++started_;
    waits_s_.add((state_.now - r.eligible).to_seconds());
    if (r.job.deadline) {
      ++flexible_started_;
      flexible_wait_s_ += (state_.now - r.eligible).to_seconds();
    }
  }
  r.power_w = 0.0;
  r.energy_j = 0.0;
  r.energy_since = state_.now;
  set_job_power(r, job_power_w(r));
  s.busy_accelerators.add_power(state_.now, static_cast<double>(r.accels.size()));
  r.rate = static_cast<double>(r.job.accelerators) * min_speed;
  r.checkpoint_remaining = r.history.remaining;
  r.checkpoint_dc_j = 0.0;
  r.checkpoint_time = state_.now;
  r.has_checkpoint = r.history.restore;
  ++state_.running_count;
  r.phase_start_j = 0.0;
  if (r.history.restore && r.job.restore_time > SimTime::zero()) {
    r.phase = JobPhase::kRestoring;
    r.phase_end = state_.now + r.job.restore_time;
    r.completion = sim_.schedule_at(r.phase_end, Phase::kCompletion, kPhaseEnd, slot);
  } else {
    r.phase = JobPhase::kRunning;
    r.phase_end = SimTime::max();
    r.progress_start = state_.now;
    r.progress = power::WorkProgress(r.history.remaining, state_.now, r.rate);
    r.completion = sim_.schedule_at(r.progress.completion_time(), Phase::kCompletion, kCompletion, slot);
  }
  r.history.restore = false;
  policy_.on_start(view(), *this, slot);
}

void World::set_job_power(RunningJob& r, double p_w) {
  SiteState& s = state_.sites[r.site];
  r.energy_j = job_energy_j(r);
  r.energy_since = state_.now;
  s.jobs.add_power(state_.now, p_w - r.power_w);
  s.shares->set_power(r.history.account, state_.now, k_now(r.site), p_w);
  r.power_w = p_w;
}

void World::advance_checkpoint(RunningJob& r) {
  const SimTime interval = r.job.checkpoint_interval;
  if (r.phase != JobPhase::kRunning || interval <= SimTime::zero()) return;
  const std::int64_t k = (state_.now - r.progress_start).us() / interval.us();
  const SimTime t = r.progress_start + SimTime::from_us(k * interval.us());
  if (t <= r.checkpoint_time) return;
  // The rate and the power have been constant since the last advance, which was at or
  // before t: both are exact at t.
  r.checkpoint_remaining = r.progress.remaining_at(t);
  r.checkpoint_dc_j = job_energy_j(r) - r.power_w * (state_.now - t).to_seconds();
  r.checkpoint_time = t;
  r.has_checkpoint = true;
}

void World::release_job(SlotId slot) {
  RunningJob& r = state_.running[slot];
  SiteState& s = state_.sites[r.site];
  set_job_power(r, 0.0);
  NodeId last = 0xFFFFFFFFu;
  for (const auto& a : r.accels) {
    NodeEntry& e = state_.nodes[a.node];
    e.node.release(a.index);
    e.owner[a.index] = kNoSlot;
    if (a.node != last && last != 0xFFFFFFFFu) update_node(last);
    last = a.node;
  }
  if (last != 0xFFFFFFFFu) update_node(last);
  s.busy_accelerators.add_power(state_.now, -static_cast<double>(r.accels.size()));
  --state_.running_count;
  r.active = false;
}

void World::requeue(QueuedJob&& q) {
  auto& queue = state_.queue;
  const auto at = std::lower_bound(queue.begin(), queue.end(), q.seq,
                                   [](const QueuedJob& a, std::uint64_t s) { return a.seq < s; });
  queue.insert(at, std::move(q));
  queued_.set_power(state_.now, static_cast<double>(queue.size()));
  request_decision();
}

void World::end_phase(SlotId slot) {
  RunningJob& r = state_.running[slot];
  checkpoint_energy_j_ += job_energy_j(r) - r.phase_start_j;
  if (r.phase == JobPhase::kRestoring) {
    r.phase = JobPhase::kRunning;
    r.phase_end = SimTime::max();
    r.progress_start = state_.now;
    r.checkpoint_time = state_.now;
    r.checkpoint_dc_j = job_energy_j(r);
    r.progress = power::WorkProgress(r.checkpoint_remaining, state_.now, r.rate);
    r.completion = sim_.schedule_at(r.progress.completion_time(), Phase::kCompletion, kCompletion, slot);
    return;
  }
  // A suspension's checkpoint is written: off its accelerators, to wait for a resume.
  QueuedJob q{std::move(r.job), r.seq, r.eligible, r.history};
  q.history.restore = true;
  release_job(slot);
  state_.free_slots.push_back(slot);
  state_.suspended.push_back(std::move(q));
  request_decision();
}

void World::suspend(SlotId slot) {
  if (slot >= state_.running.size() || !state_.running[slot].active) {
    throw std::logic_error("policy suspended slot " + std::to_string(slot) + ", which runs nothing");
  }
  RunningJob& r = state_.running[slot];
  if (r.phase != JobPhase::kRunning) {
    throw std::logic_error("policy suspended job " + std::to_string(r.job.id) + " while it " +
                           (r.phase == JobPhase::kRestoring ? "reads" : "writes") + " a checkpoint");
  }
  advance_checkpoint(r);
  sim_.cancel(r.completion);
  r.history.remaining = r.progress.remaining_at(state_.now);
  ++r.history.suspensions;
  ++suspensions_;
  r.phase = JobPhase::kCheckpointing;
  r.phase_start_j = job_energy_j(r);
  r.phase_end = state_.now + r.job.checkpoint_time;
  if (r.job.checkpoint_time > SimTime::zero()) {
    r.completion = sim_.schedule_at(r.phase_end, Phase::kCompletion, kPhaseEnd, slot);
  } else {
    end_phase(slot);
  }
}

void World::resume(std::uint64_t seq) {
  auto& sus = state_.suspended;
  const auto it = std::find_if(sus.begin(), sus.end(), [&](const QueuedJob& q) { return q.seq == seq; });
  if (it == sus.end()) throw std::logic_error("policy resumed job #" + std::to_string(seq) + ", which is not suspended");
  QueuedJob q = std::move(*it);
  sus.erase(it);
  requeue(std::move(q));
}

QueuedJob& World::waiting_job(std::uint64_t seq, const char* what) {
  auto& q = state_.queue;
  const auto it = std::lower_bound(q.begin(), q.end(), seq, [](const QueuedJob& a, std::uint64_t s) { return a.seq < s; });
  if (it != q.end() && it->seq == seq) return *it;
  const auto d = state_.deferred.find(seq);
  if (d != state_.deferred.end()) return d->second;
  throw std::logic_error(std::string("policy ") + what + " job #" + std::to_string(seq) + ", which is neither queued nor deferred");
}

void World::defer(std::uint64_t seq, SimTime until) {
  QueuedJob& job = waiting_job(seq, "deferred");
  if (until == SimTime::max()) throw std::logic_error("policy deferred job " + std::to_string(job.job.id) + " forever");
  auto d = state_.deferred.find(seq);
  if (d == state_.deferred.end()) {  // in the queue: take it out
    auto& q = state_.queue;
    const auto it = std::lower_bound(q.begin(), q.end(), seq, [](const QueuedJob& a, std::uint64_t s) { return a.seq < s; });
    d = state_.deferred.emplace(seq, std::move(*it)).first;
    q.erase(it);
    queued_.set_power(state_.now, static_cast<double>(q.size()));
    request_decision();  // the queue changed: the jobs behind it may start now
  }
  d->second.not_before = until;
  if (until <= state_.now) {
    QueuedJob back = std::move(d->second);
    state_.deferred.erase(d);
    requeue(std::move(back));
    return;
  }
  hold_ends_.emplace_back(until, seq);
  std::push_heap(hold_ends_.begin(), hold_ends_.end(), std::greater<>());
  if (!config_.horizon || until <= *config_.horizon) {
    ++holds_;
    sim_.schedule_at(until, Phase::kDecision, kHoldEnd);
  }
}

void World::release_holds() {
  while (!hold_ends_.empty() && hold_ends_.front().first <= state_.now) {
    const auto [until, seq] = hold_ends_.front();
    std::pop_heap(hold_ends_.begin(), hold_ends_.end(), std::greater<>());
    hold_ends_.pop_back();
    const auto d = state_.deferred.find(seq);
    if (d == state_.deferred.end() || d->second.not_before != until) continue;  // released or held anew
    QueuedJob back = std::move(d->second);
    state_.deferred.erase(d);
    requeue(std::move(back));
  }
}

void World::route(std::uint64_t seq, std::uint32_t site, SimTime transfer_time, double transfer_energy_j) {
  QueuedJob& q = waiting_job(seq, "routed");
  if (site >= state_.sites.size()) {
    throw std::logic_error("policy routed job " + std::to_string(q.job.id) + " to site " + std::to_string(site) + ", which does not exist");
  }
  if (q.history.ran()) {
    throw std::logic_error("policy routed job " + std::to_string(q.job.id) + ", which has run (it resumes where it ran)");
  }
  if (!(transfer_energy_j >= 0.0) || transfer_time < SimTime::zero()) {
    throw std::logic_error("policy routed job " + std::to_string(q.job.id) + " with a negative transfer");
  }
  // The data leaves from where it is: the home site, or the site a router sent it to before.
  const std::uint32_t from = q.site != kAnySite ? q.site : std::min<std::uint32_t>(q.job.home_site, static_cast<std::uint32_t>(state_.sites.size() - 1));
  q.site = site;
  if (transfer_time > SimTime::zero() || transfer_energy_j > 0.0) {
    ++transfers_;
    transfer_energy_j_ += transfer_energy_j;
    transfer_kg_ += transfer_energy_j / 3.6e9 * state_.sites[from].intensity_g_per_kwh;
  }
  defer(seq, std::max(q.not_before, state_.now + transfer_time));
}

void World::advance_other_carbon(SiteState& s) {
  if (!s.has_other_intensity || state_.now <= s.other_since) return;
  // The facility power held since other_since, times the integral of k over the span. A series
  // that ends before the run does: the basis is not reported (NaN).
  if (state_.now > s.other_end) {
    s.has_other_intensity = false;
    s.other_carbon = kNaN;
    return;
  }
  const double k = s.other_intensity.integral_to(state_.now);
  s.other_carbon += s.facility.power_w * (k - s.other_k);
  s.other_k = k;
  s.other_since = state_.now;
}

void World::schedule_failure(NodeId n) {
  next_failure_[n] = SimTime::max();
  if (node_mtbf_[n] <= SimTime::zero()) return;
  // Exponential with the node's mean time between failures: -ln(1 - U) x MTBF.
  const double x = -std::log1p(-failure_rng_->uniform01()) * node_mtbf_[n].to_seconds();
  const double room_s = (SimTime::max() - state_.now).to_seconds();
  if (!(x < room_s)) return;
  const SimTime at = state_.now + SimTime::from_seconds(x);
  if (config_.horizon && at > *config_.horizon) return;
  next_failure_[n] = at;
  sim_.schedule_at(at, Phase::kCompletion, kFailure, n);
}

void World::fail_node(NodeId n, bool drawn) {
  NodeEntry& e = state_.nodes[n];
  const power::NodeState st = e.node.state();
  if (e.failed) return;  // under repair already
  if (st != power::NodeState::kIdle && st != power::NodeState::kBusy) {
    if (drawn) schedule_failure(n);  // off or booting: nothing runs to fail; the clock starts again
    return;
  }
  next_failure_[n] = SimTime::max();  // the repair draws the next
  ++node_failures_;
  // Every job on the node loses the work since its last checkpoint and goes back to the queue.
  for (std::uint32_t i = 0; i < e.owner.size(); ++i) {
    const SlotId slot = e.owner[i];
    if (slot == kNoSlot) continue;
    RunningJob& r = state_.running[slot];
    advance_checkpoint(r);
    double lost = 0.0;
    if (r.phase == JobPhase::kRunning) lost = r.checkpoint_remaining - r.progress.remaining_at(state_.now);
    if (r.phase == JobPhase::kCheckpointing) lost = r.checkpoint_remaining - r.history.remaining;
    const double lost_j = job_energy_j(r) - r.checkpoint_dc_j;
    sim_.cancel(r.completion);
    const bool suspending = r.phase == JobPhase::kCheckpointing;
    QueuedJob q{std::move(r.job), r.seq, r.eligible, r.history};
    q.history.remaining = r.checkpoint_remaining;
    q.history.restore = r.has_checkpoint;
    ++q.history.failures;
    q.history.lost_work += lost;
    q.history.lost_energy_j += lost_j;
    ++job_failures_;
    lost_work_ += lost;
    lost_energy_j_ += lost_j;
    release_job(slot);
    state_.free_slots.push_back(slot);
    if (suspending) {
      state_.suspended.push_back(std::move(q));  // it was being suspended: it stays so
    } else {
      requeue(std::move(q));
    }
  }
  e.node.power_off();
  e.failed = true;
  ++state_.limits_version;
  update_node(n);
  const SimTime repaired = state_.now + node_repair_[n];
  if (!config_.horizon || repaired <= *config_.horizon) {
    ++repairs_;
    sim_.schedule_at(repaired, Phase::kCompletion, kRepair, n);
  }
  policy_.on_node_failure(view(), *this, n, false);
  request_decision();
}

void World::repair_node(NodeId n) {
  --repairs_;
  state_.nodes[n].failed = false;
  ++state_.limits_version;
  power_on(n);
  policy_.on_node_failure(view(), *this, n, true);
  schedule_failure(n);
}

void World::finish_job(SlotId slot) {
  RunningJob& r = state_.running[slot];
  release_job(slot);
  ++completed_;
  work_finished_ += r.job.work;
  makespan_ = state_.now;
  r.end = state_.now;
  policy_.on_completion(view(), *this, r);
  // Its row waits until the settlement has passed its end (its grid carbon and cost).
  finishing_[r.site].push_back(slot);
  emit_settled(r.site);
  request_decision();
}

void World::emit(JobRecord& rec, SimTime end) {
  // Finished: late if it ended after its deadline. Unfinished: late if the run ended past it.
  const workloads::Job& job = *rec.job;
  const SimTime finished = rec.end != SimTime::max() ? rec.end : end;
  if (job.deadline && finished > *job.deadline) {
    rec.missed_deadline = true;
    rec.deadline_miss_s = (finished - *job.deadline).to_seconds();
    ++deadline_misses_;
    deadline_miss_s_ += rec.deadline_miss_s;
  }
  if (observer_ != nullptr) observer_->on_job(rec);
}

void World::charge(JobRecord& rec, const JobHistory& h, SimTime at) {
  SiteShares& shares = *state_.sites[h.site].shares;
  const Attributed a = shares.totals(h.account, at, k_now(h.site));
  shares.close(h.account);
  jobs_charged_[h.site] += a;
  rec.site = h.site;
  rec.start = h.first_start;
  rec.suspensions = h.suspensions;
  rec.failures = h.failures;
  rec.lost_work = h.lost_work;
  rec.lost_energy_j = h.lost_energy_j;
  rec.dc_energy_j = a.dc_j;
  rec.it_energy_j = a.it_j;
  rec.facility_energy_j = a.facility_j;
  rec.carbon_location_kg = a.location_kg;
  rec.carbon_grid_kg = a.grid_kg;
  rec.energy_cost = a.energy_cost;
}

void World::emit_started(SlotId slot) {
  const RunningJob& r = state_.running[slot];
  JobRecord rec;
  rec.job = &r.job;
  charge(rec, r.history, state_.now);
  rec.end = r.end;
  rec.eligible = r.eligible;
  emit(rec, state_.now);
}

void World::emit_settled(std::uint32_t site) {
  auto& queue = finishing_[site];
  const SiteShares& shares = *state_.sites[site].shares;
  emitted_at_[site] = shares.settlements();
  while (!queue.empty() && shares.settled(state_.running[queue.front()].history.account)) {
    emit_started(queue.front());
    state_.free_slots.push_back(queue.front());
    queue.pop_front();
  }
}

double World::job_power_w(const RunningJob& r) const {
  double w = 0.0;
  for (const auto& a : r.accels) {
    const NodeEntry& e = state_.nodes[a.node];
    const power::NodeSpec& spec = e.node.spec();
    w += e.node.accelerator_power_w(a.index) + spec.base_busy_w / static_cast<double>(spec.accelerator_count);
  }
  return w;
}

double World::node_idle_w(const NodeEntry& e) const {
  const power::NodeState st = e.node.state();
  if (st == power::NodeState::kOff || st == power::NodeState::kBooting || e.owner.empty()) return e.dc_w;
  const power::NodeSpec& spec = e.node.spec();
  double w = 0.0;
  for (std::uint32_t i = 0; i < e.owner.size(); ++i) {
    if (e.owner[i] == kNoSlot) w += e.node.accelerator_power_w(i);
  }
  const double free_fraction = 1.0 - static_cast<double>(e.node.allocated()) / static_cast<double>(spec.accelerator_count);
  return w + free_fraction * spec.base_idle_w;
}

void World::update_node(NodeId n) {
  NodeEntry& e = state_.nodes[n];
  SiteState& s = state_.sites[e.site];
  const SimTime now = state_.now;
  const double dc = e.node.dc_power_w();
  s.tree.set_load(e.element, now, dc);
  const double wall = s.tree.input_w(e.element);
  s.dc.add_power(now, dc - e.dc_w);
  s.it_w += wall - e.wall_w;
  s.it.set_power(now, s.it_w);
  if (wall != e.wall_w) {
    double& rack_w = rack_w_[e.rack];
    rack_w += wall - e.wall_w;
    rack_meters_[e.rack].set_power(now, rack_w);
    if (s.thermal) {  // O(racks of the site): every inlet moves
      thermal_site_ = e.site;
      s.thermal->set_power(now, e.rack - s.first_rack, rack_w);
    }
  }
  e.dc_w = dc;
  e.wall_w = wall;
  const double idle = node_idle_w(e);
  s.idle.add_power(now, idle - e.idle_w);
  e.idle_w = idle;
  update_facility(e.site);
  const power::NodeState st = e.node.state();
  const bool up = st == power::NodeState::kIdle || st == power::NodeState::kBusy;
  const auto free = up ? static_cast<std::uint32_t>(e.node.free_accelerators()) : 0u;
  state_.capacity.set_free(n, free);
  if (up && e.node.allocated() == 0) {
    if (e.idle_since == SimTime::max()) e.idle_since = now;
  } else {
    e.idle_since = SimTime::max();
  }
}

void World::note_demand(std::uint32_t site, SimTime t, double watts) {
  DemandPoint& pending = demand_pending_[site];
  if (pending.pending && pending.time == t) {
    pending.watts = watts;  // the last report of an instant holds
    return;
  }
  commit_demand(site);
  pending = {t, watts, true};
}

void World::commit_demand(std::uint32_t site) {
  DemandPoint& pending = demand_pending_[site];
  if (!pending.pending) return;
  pending.pending = false;
  // The same rule as the settlement's: a point only where the demand changes.
  if (demand_committed_[site] && pending.watts == demand_last_w_[site]) return;
  demand_committed_[site] = true;
  demand_last_w_[site] = pending.watts;
  if (observer_ != nullptr) observer_->on_demand(site, pending.time, pending.watts);
  if (config_.record_demand) {
    demand_times_[site].push_back(pending.time);
    demand_w_[site].push_back(pending.watts);
  }
}

void World::update_facility(std::uint32_t site) {
  SiteState& s = state_.sites[site];
  const SimTime now = state_.now;
  double p;
  if (s.plant->type == cooling::PlantType::kFixedPue) {
    const double overhead = (s.pue - 1.0) * s.it_w;
    p = s.tree.facility_input_w() + overhead;
    s.cooling.set_power(now, overhead);
  } else {
    // The plant's heat first; heat pumps take what the network wants of it; the plant rejects
    // the rest (models/cooling, models/heat).
    const double feed = s.tree.facility_input_w();
    cooling::Load load;
    load.it_w = s.it_w;
    load.room_heat_w = feed;
    load.outside_c = s.outside_c;
    cooling::Power c = cooling::cooling_power(*s.plant, load);
    heat::Flows h;
    if (s.heat_plant != nullptr) {
      h = heat::reuse(*s.heat_plant, {c.liquid_heat_w, s.plant->liquid.return_c(), c.air_heat_w}, s.heat_demand_w);
      if (h.recovered_liquid_w > 0.0 || h.recovered_air_w > 0.0) {
        load.recovered_liquid_w = h.recovered_liquid_w;
        load.recovered_air_w = h.recovered_air_w;
        c = cooling::cooling_power(*s.plant, load);
      }
    }
    s.cooling.set_power(now, c.total_w);
    s.heat_pump.set_power(now, h.heat_pump_w);
    s.heat_recovered.set_power(now, h.recovered_liquid_w + h.recovered_air_w);
    s.heat_delivered.set_power(now, h.delivered_w);
    s.water.set_power(now, c.water_l_per_s);
    p = feed + c.total_w + h.heat_pump_w;
  }
  total_facility_w_ += p - s.facility.power_w;
  advance_other_carbon(s);
  s.facility.set_power(state_.now, p);
  s.supply->set_demand(state_.now, p);
  // Settle what is complete, so that the shares' terms resolve as time goes on (it never
  // splits an interval: the same numbers as settling later).
  s.supply->settle_whole_intervals(state_.now);
  s.shares->set_site_powers(state_.now, k_now(site), s.dc.power_w, s.it_w, p, s.idle.power_w);
  note_demand(site, state_.now, p);
  total_facility_.set_power(state_.now, total_facility_w_);
}

void World::refresh_job(SlotId slot) {
  RunningJob& r = state_.running[slot];
  advance_checkpoint(r);
  set_job_power(r, job_power_w(r));
  double min_speed = 1.0;
  for (const auto& a : r.accels) min_speed = std::min(min_speed, state_.nodes[a.node].node.relative_speed(a.index, r.job.beta));
  const double rate = static_cast<double>(r.job.accelerators) * min_speed;
  r.rate = rate;
  if (r.phase == JobPhase::kRunning && rate != r.progress.rate()) {
    r.progress.set_rate(state_.now, rate);
    sim_.cancel(r.completion);
    r.completion = sim_.schedule_at(std::max(state_.now, r.progress.completion_time()), Phase::kCompletion, kCompletion, slot);
  }
}

void World::set_power_cap(NodeId node, std::uint32_t accelerator, double cap_w) {
  NodeEntry& e = state_.nodes.at(node);
  if (accelerator >= e.owner.size()) throw std::logic_error("policy capped accelerator " + std::to_string(accelerator) + " of " + node_text(node) + ", which does not exist");
  e.node.set_power_cap(accelerator, cap_w);
  ++state_.limits_version;
  update_node(node);
  if (e.owner[accelerator] != kNoSlot) refresh_job(e.owner[accelerator]);
}

void World::set_pstate_limit(NodeId node, std::uint32_t accelerator, std::size_t max_pstate) {
  NodeEntry& e = state_.nodes.at(node);
  if (accelerator >= e.owner.size()) throw std::logic_error("policy limited accelerator " + std::to_string(accelerator) + " of " + node_text(node) + ", which does not exist");
  e.node.set_pstate_limit(accelerator, max_pstate);
  ++state_.limits_version;
  update_node(node);
  if (e.owner[accelerator] != kNoSlot) refresh_job(e.owner[accelerator]);
}

void World::power_on(NodeId node) {
  NodeEntry& e = state_.nodes.at(node);
  if (e.failed) throw std::logic_error("policy powered on " + node_text(node) + ", which has failed and is under repair");
  const SimTime ready = e.node.power_on(state_.now);
  update_node(node);
  ++booting_;
  sim_.schedule_at(ready, Phase::kCompletion, kBootComplete, node);
}

void World::power_off(NodeId node) {
  state_.nodes.at(node).node.power_off();
  update_node(node);
}

void World::wake_at(SimTime when) {
  if (when < state_.now) throw std::logic_error("policy asked to wake at " + simcore::format_time(when) + ", in the past");
  ++timers_;
  sim_.schedule_at(when, Phase::kDecision, kTimer);
}

void World::on_capacity_exceeded(const power::PowerTree& tree, const power::CapacityViolation& v) {
  // Called while the tree is still pushing a change up: the hook runs after the event, when
  // every model is consistent again (dispatch_thermal).
  for (std::uint32_t s = 0; s < state_.sites.size(); ++s) {
    if (&state_.sites[s].tree == &tree) capacity_events_.push_back({s, v});
  }
}

void World::on_measure(simcore::Simulation&, SimTime t) {
  state_.now = t;
  emit_intervals(t);
}

void World::emit_intervals(SimTime end) {
  if (end <= last_tick_) return;
  const double span_s = (end - last_tick_).to_seconds();
  const double queued_s = queued_.energy_at(end);
  const auto record = [&](std::uint32_t site, const Snapshot& before, const Snapshot& after) {
    const supply::Flows& a = after.flows;
    const supply::Flows& b = before.flows;
    IntervalRecord rec;
    rec.site = site;
    rec.start = last_tick_;
    rec.end = end;
    rec.dc_power_w = (after.dc_j - before.dc_j) / span_s;
    rec.it_power_w = (after.it_j - before.it_j) / span_s;
    rec.facility_power_w = (after.facility_j - before.facility_j) / span_s;
    rec.busy_accelerators = (after.busy_s - before.busy_s) / span_s;
    rec.queued_jobs = (after.queued_s - before.queued_s) / span_s;
    rec.carbon_location_rate_kg_per_s = (a.carbon_demand - b.carbon_demand) / 3.6e9 / span_s;
    rec.carbon_rate_kg_per_s = (a.carbon_import - b.carbon_import) / 3.6e9 / span_s;
    rec.renewable_w = (a.renewable_j - b.renewable_j) / span_s;
    rec.curtailed_w = (a.curtailed_j - b.curtailed_j) / span_s;
    rec.battery_w = ((a.discharge_j - b.discharge_j) - (a.charge_j - b.charge_j)) / span_s;
    rec.battery_energy_j = (a.soc_time_j_s - b.soc_time_j_s) / span_s;
    rec.grid_import_w = (a.import_j - b.import_j) / span_s;
    rec.grid_export_w = (a.export_j - b.export_j) / span_s;
    rec.carbon_intensity_g_per_kwh = (after.k - before.k) / span_s;
    rec.price_per_kwh = (a.price_time_s - b.price_time_s) / span_s;
    rec.cooling_w = (after.cooling_j - before.cooling_j) / span_s;
    rec.heat_pump_w = (after.heat_pump_j - before.heat_pump_j) / span_s;
    rec.heat_recovered_w = (after.heat_recovered_j - before.heat_recovered_j) / span_s;
    rec.heat_delivered_w = (after.heat_delivered_j - before.heat_delivered_j) / span_s;
    rec.water_l_per_s = (after.water_l - before.water_l) / span_s;
    const bool weather = site == IntervalRecord::kAllSites ? state_.sites.size() == 1 && state_.sites[0].has_outside
                                                           : state_.sites[site].has_outside;
    rec.outside_temp_c = weather ? (after.outside_c_s - before.outside_c_s) / span_s : std::numeric_limits<double>::quiet_NaN();
    if (site == IntervalRecord::kAllSites && state_.sites.size() > 1) {
      const double demand_j = a.demand_j - b.demand_j;
      rec.carbon_intensity_g_per_kwh = demand_j > 0 ? (a.carbon_demand - b.carbon_demand) / demand_j : 0.0;
      const double import_j = a.import_j - b.import_j;
      rec.price_per_kwh = import_j > 0 ? (a.cost_import - b.cost_import) / import_j : 0.0;
    }
    if (observer_ != nullptr) observer_->on_interval(rec);
  };
  Snapshot total;
  total.queued_s = queued_s;
  for (std::uint32_t i = 0; i < state_.sites.size(); ++i) {
    SiteState& s = state_.sites[i];
    Snapshot now_snap;
    now_snap.dc_j = s.dc.energy_at(end);
    now_snap.it_j = s.it.energy_at(end);
    now_snap.facility_j = s.facility.energy_at(end);
    now_snap.busy_s = s.busy_accelerators.energy_at(end);
    now_snap.queued_s = queued_s;
    now_snap.k = s.intensity.integral_to(end);
    now_snap.cooling_j = s.cooling.energy_at(end);
    now_snap.heat_pump_j = s.heat_pump.energy_at(end);
    now_snap.heat_recovered_j = s.heat_recovered.energy_at(end);
    now_snap.heat_delivered_j = s.heat_delivered.energy_at(end);
    now_snap.water_l = s.water.energy_at(end);
    now_snap.outside_c_s = s.has_outside ? s.outside.integral_to(end) : 0.0;
    // A settled copy: ticks do not split the settlement's intervals.
    now_snap.flows = s.supply->peek(end).flows();
    record(i, snapshots_[i], now_snap);
    snapshots_[i] = now_snap;
    total.dc_j += now_snap.dc_j;
    total.it_j += now_snap.it_j;
    total.facility_j += now_snap.facility_j;
    total.busy_s += now_snap.busy_s;
    total.cooling_j += now_snap.cooling_j;
    total.heat_pump_j += now_snap.heat_pump_j;
    total.heat_recovered_j += now_snap.heat_recovered_j;
    total.heat_delivered_j += now_snap.heat_delivered_j;
    total.water_l += now_snap.water_l;
    total.outside_c_s = now_snap.outside_c_s;  // used only with one site
    total.flows.add(now_snap.flows);
    total.k = now_snap.k;  // used only with one site: the time average of its intensity
  }
  record(IntervalRecord::kAllSites, total_snapshot_, total);
  total_snapshot_ = total;
  if (observer_ != nullptr && !rack_w_.empty()) {
    // Average rack power over the interval; the average inlet is T_supply + D x (average
    // power), exact because the inlets are linear in the powers. O(racks^2) per site and tick.
    for (std::size_t r = 0; r < rack_w_.size(); ++r) {
      const double e = rack_meters_[r].energy_at(end);
      rack_power_avg_w_[r] = (e - rack_energy_tick_j_[r]) / span_s;
      rack_energy_tick_j_[r] = e;
    }
    for (const SiteState& st : state_.sites) {
      for (std::uint32_t r = 0; r < st.rack_count; ++r) {
        double inlet = std::numeric_limits<double>::quiet_NaN();
        if (st.thermal) {
          inlet = st.thermal->supply_c();
          const auto& d = st.thermal->matrix();
          for (std::uint32_t j = 0; j < st.rack_count; ++j) inlet += d(r, j) * rack_power_avg_w_[st.first_rack + j] / 1e3;
        }
        rack_inlet_avg_c_[st.first_rack + r] = inlet;
      }
    }
    observer_->on_racks(last_tick_, end, rack_power_avg_w_, rack_inlet_avg_c_);
  }
  last_tick_ = end;
}

namespace {
// The supply settled just past now, whose last interval holds the signals in force at now
// (at the very end of a signal series, the last interval before now).
supply::SupplySite supply_now(const supply::SupplySite& s, SimTime now) {
  try {
    return s.peek(now + SimTime::from_us(1));
  } catch (const std::out_of_range&) {
    return s.peek(now);
  }
}
}  // namespace

double ClusterView::renewable_w(std::uint32_t site) const { return supply_now(*s_.sites[site].supply, s_.now).renewable_w(); }
double ClusterView::price_per_kwh(std::uint32_t site) const {
  return supply_now(*s_.sites[site].supply, s_.now).price_per_kwh();
}
double ClusterView::surplus_w(std::uint32_t site) const {
  const double surplus = renewable_w(site) - s_.sites[site].facility.power_w;
  return surplus > 0.0 ? surplus : 0.0;
}

SiteSummary& SiteSummary::operator+=(const SiteSummary& o) {
  it_energy_j += o.it_energy_j;
  facility_energy_j += o.facility_energy_j;
  dc_energy_j += o.dc_energy_j;
  jobs_energy_j += o.jobs_energy_j;
  idle_energy_j += o.idle_energy_j;
  psu_loss_j += o.psu_loss_j;
  distribution_loss_j += o.distribution_loss_j;
  overhead_j += o.overhead_j;
  cooling_j += o.cooling_j;
  heat_pump_j += o.heat_pump_j;
  heat_recovered_j += o.heat_recovered_j;
  heat_delivered_j += o.heat_delivered_j;
  water_l += o.water_l;
  heat_avoided_kg += o.heat_avoided_kg;
  heat_revenue += o.heat_revenue;
  if (!std::isnan(o.max_inlet_c)) max_inlet_c = std::isnan(max_inlet_c) ? o.max_inlet_c : std::max(max_inlet_c, o.max_inlet_c);
  thermal_violations += o.thermal_violations;
  thermal_violation_s += o.thermal_violation_s;
  carbon_location_kg += o.carbon_location_kg;
  carbon_location_average_kg += o.carbon_location_average_kg;  // NaN where a site lacks the basis
  carbon_location_marginal_kg += o.carbon_location_marginal_kg;
  jobs += o.jobs;
  idle += o.idle;
  supply.add(o.supply);
  const carbon::LedgerTotals& l = o.ledger;
  ledger.location_kg += l.location_kg;
  ledger.grid_kg += l.grid_kg;
  ledger.market_annual_kg += l.market_annual_kg;
  ledger.market_hourly_kg += l.market_hourly_kg;
  ledger.export_avoided_kg += l.export_avoided_kg;
  ledger.credits_kg += l.credits_kg;
  ledger.credits_retired_kg += l.credits_retired_kg;
  ledger.credits_cost += l.credits_cost;
  ledger.energy_cost += l.energy_cost;
  ledger.demand_charges += l.demand_charges;
  ledger.cfe_numerator_j += l.cfe_numerator_j;
  ledger.cfe_denominator_j += l.cfe_denominator_j;
  ledger.ppa_j += l.ppa_j;
  embodied_kg += o.embodied_kg;
  battery_full_cycles += o.battery_full_cycles;
  battery_capacity_j += o.battery_capacity_j;
  accelerator_seconds_busy += o.accelerator_seconds_busy;
  accelerators += o.accelerators;
  capacity_violations += o.capacity_violations;
  capacity_violation_s += o.capacity_violation_s;
  return *this;
}

RunSummary World::summarise(SimTime end) {
  RunSummary sum;
  sum.end = end;
  sum.makespan = makespan_;
  // Jobs still running at the end are charged up to it; then the settlement closes, which
  // resolves every share, and the remaining rows are written: finished jobs, running ones, then
  // the queue and the jobs not yet eligible.
  for (auto& r : state_.running) {
    if (r.active) state_.sites[r.site].shares->set_power(r.history.account, end, k_now(r.site), 0.0);
  }
  for (auto& site : state_.sites) site.supply->finish(end);
  for (std::uint32_t i = 0; i < state_.sites.size(); ++i) {
    emit_settled(i);
    WATTSIM_ASSERT(finishing_[i].empty(), i, finishing_[i].size());
  }
  for (SlotId slot = 0; slot < state_.running.size(); ++slot) {
    if (state_.running[slot].active) emit_started(slot);
  }
  const auto emit_waiting = [&](const QueuedJob& q) {
    JobRecord rec;
    rec.job = &q.job;
    if (q.eligible <= end) rec.eligible = q.eligible;
    const JobHistory& h = q.history;
    if (h.ran()) charge(rec, h, end);  // suspended, or requeued after a failure: its charges so far
    emit(rec, end);
  };
  for (const auto& q : state_.queue) emit_waiting(q);
  for (const auto& q : state_.suspended) emit_waiting(q);
  for (const auto& [seq, q] : state_.deferred) emit_waiting(q);
  std::vector<QueuedJob> held = held_;
  std::sort(held.begin(), held.end(), [](const QueuedJob& a, const QueuedJob& b) { return held_after(b, a); });
  for (const auto& q : held) emit_waiting(q);
  sum.jobs_held = held_.size();
  sum.flexible_jobs_started = flexible_started_;
  sum.flexible_mean_wait_s = flexible_started_ > 0 ? flexible_wait_s_ / static_cast<double>(flexible_started_) : kNaN;
  sum.checkpoint_energy_j = checkpoint_energy_j_;
  for (const auto& r : state_.running) {  // a checkpoint or restore still under way at the end
    if (r.active && r.phase != JobPhase::kRunning) sum.checkpoint_energy_j += job_energy_j(r) - r.phase_start_j;
  }
  sum.transfers = transfers_;
  sum.transfer_energy_j = transfer_energy_j_;
  sum.transfer_kg = transfer_kg_;
  policy_.report(sum.policy_figures);
  sum.deadline_misses = deadline_misses_;
  sum.suspensions = suspensions_;
  sum.job_failures = job_failures_;
  sum.node_failures = node_failures_;
  sum.lost_work = lost_work_;
  sum.lost_energy_j = lost_energy_j_;
  sum.jobs_suspended = state_.suspended.size();
  sum.work_done = work_finished_;
  for (const auto& r : state_.running) {
    if (!r.active) continue;
    const double left = r.phase == JobPhase::kRunning ? r.progress.remaining_at(end)
                        : r.phase == JobPhase::kCheckpointing ? r.history.remaining
                                                              : r.checkpoint_remaining;
    sum.work_done += r.job.work - left;
  }
  for (const auto& q : state_.queue) {
    if (q.history.ran()) sum.work_done += q.job.work - q.history.remaining;
  }
  for (const auto& q : state_.suspended) sum.work_done += q.job.work - q.history.remaining;
  sum.deadline_miss_s = deadline_miss_s_;
  sum.jobs_submitted = submitted_;
  sum.jobs_started = started_;
  sum.jobs_completed = completed_;
  sum.jobs_running = state_.running_count;
  sum.jobs_queued = state_.queue.size() + state_.deferred.size();  // deferred jobs wait too
  sum.jobs_rejected = rejected_;
  sum.mean_wait_s = waits_s_.mean();
  sum.p95_wait_s = waits_s_.quantile(0.95);
  sum.max_wait_s = waits_s_.max();
  sum.events = sim_.events_processed();
  for (std::uint32_t i = 0; i < state_.sites.size(); ++i) {
    SiteState& s = state_.sites[i];
    SiteSummary out;
    out.name = config_.sites[i].name;
    out.it_energy_j = s.it.energy_at(end);
    out.facility_energy_j = s.facility.energy_at(end);
    out.dc_energy_j = s.dc.energy_at(end);
    out.jobs_energy_j = s.jobs.energy_at(end);
    out.idle_energy_j = s.idle.energy_at(end);
    out.psu_loss_j = out.it_energy_j - out.dc_energy_j;
    const double feed_j = s.tree.input_energy_j(s.tree.root(), end);
    out.distribution_loss_j = feed_j - out.it_energy_j;
    out.overhead_j = out.facility_energy_j - feed_j;
    out.peak_facility_power_w = s.facility.peak_at(end);
    out.jobs = jobs_charged_[i];
    out.idle = s.shares->idle(end, k_now(i));
    out.supply = s.supply->flows();
    out.ledger = s.supply->ledger();
    out.carbon_location_kg = out.ledger.location_kg;
    advance_other_carbon(s);
    const double other_kg = s.has_other_intensity ? s.other_carbon / 3.6e9 : kNaN;  // W s g/kWh -> kg
    const bool marginal = config_.sites[i].accounting_marginal;
    out.carbon_location_average_kg = marginal ? other_kg : out.carbon_location_kg;
    out.carbon_location_marginal_kg = marginal ? out.carbon_location_kg : other_kg;
    out.battery_full_cycles = s.supply->full_cycles();
    out.battery_capacity_j = s.supply->battery().capacity_j;
    const double span_s = end.to_seconds();
    for (const auto& g : config_.sites[i].racks) {
      double rack = carbon::amortised_kg(g.rack_embodied_kg, g.rack_lifetime_years, span_s);
      double node = carbon::amortised_kg(g.node->embodied_kg, g.node->lifetime_years, span_s);
      if (g.accelerator != nullptr) {
        node += static_cast<double>(g.node->accelerator_count) *
                carbon::amortised_kg(g.accelerator->embodied_kg, g.accelerator->lifetime_years, span_s);
      }
      out.embodied_kg += static_cast<double>(g.count) * (rack + static_cast<double>(g.nodes_per_rack) * node);
    }
    out.cooling_j = s.cooling.energy_at(end);
    out.heat_pump_j = s.heat_pump.energy_at(end);
    out.heat_recovered_j = s.heat_recovered.energy_at(end);
    out.heat_delivered_j = s.heat_delivered.energy_at(end);
    out.water_l = s.water.energy_at(end);
    const auto& hc = config_.sites[i].heat;
    out.heat_avoided_kg = out.heat_delivered_j / 3.6e6 * hc.displaced_kg_per_kwh;
    out.heat_revenue = out.heat_delivered_j / 3.6e6 * hc.price_per_kwh;
    if (s.thermal) {
      s.thermal->set_listener(nullptr);  // the run is over: no hooks
      s.thermal->finish(end);
      out.max_inlet_c = s.thermal->peak_inlet_c();
      out.thermal_violations = s.thermal->violations().size();
      out.thermal_violation_list = s.thermal->violations();
      out.thermal_violation_s = s.thermal->violation_s(end);
    }
    out.accelerator_seconds_busy = s.busy_accelerators.energy_at(end);
    out.accelerators = s.accelerators;
    for (const auto& v : s.tree.violations()) {
      ++out.capacity_violations;
      out.capacity_violation_s += v.duration(end).to_seconds();
      out.capacity_violation_list.push_back({s.tree.name(v.element), power::element_kind_name(s.tree.kind(v.element)),
                                             v.start, v.end == SimTime::max() ? end : v.end, v.capacity_w, v.peak_w});
    }
    sum.total += out;
    sum.sites.push_back(std::move(out));
  }
  sum.total.name = "all";
  sum.total.peak_facility_power_w = total_facility_.peak_at(end);
  return sum;
}

}  // namespace wattsim::datacenter
