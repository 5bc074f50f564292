#include "policies/demand_response.hpp"

#include <algorithm>
#include <memory>

#include "simcore/error.hpp"
#include "simcore/quantity.hpp"
#include "traces/csv_text.hpp"
#include "traces/series_csv.hpp"

namespace wattsim::policies {

using datacenter::Actions;
using datacenter::ClusterView;
using datacenter::JobPhase;
using datacenter::NodeId;
using datacenter::QueuedJob;
using datacenter::SlotId;
using simcore::SimTime;

namespace {

constexpr double kTolerance = 1e-9;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<GridEvent> read_grid_events(const std::string& path, double default_price) {
  simcore::DiagnosticSink errors;
  traces::LineReader reader(path);
  std::string_view line;
  std::vector<std::string_view> fields;
  if (!reader.next(line)) throw simcore::InputError(path, "is empty; expected a header: start,duration,shed_kw[,price]");
  traces::split_fields(line, ',', fields);
  const std::size_t columns = fields.size();
  std::size_t c_start = columns, c_duration = columns, c_shed = columns, c_price = columns;
  for (std::size_t i = 0; i < columns; ++i) {
    const std::string_view name = trim(fields[i]);
    if (name == "start") c_start = i;
    else if (name == "duration") c_duration = i;
    else if (name == "shed_kw") c_shed = i;
    else if (name == "price") c_price = i;
    else errors.add(reader.where(traces::column_of(line, fields[i].data())),
                    "unknown column " + traces::quoted(name) + "; expected start, duration, shed_kw, price");
  }
  for (const auto& [c, name] : {std::pair{c_start, "start"}, std::pair{c_duration, "duration"}, std::pair{c_shed, "shed_kw"}}) {
    if (c == columns) errors.add(reader.where(1), std::string("the header has no column \"") + name + "\"");
  }
  errors.throw_if_any();

  std::vector<GridEvent> events;
  bool kind_known = false, kind_absolute = false;
  while (reader.next(line)) {
    if (trim(line).empty()) continue;
    traces::split_fields(line, ',', fields);
    if (fields.size() != columns) {
      errors.add(reader.where(1), "has " + traces::field_count_text(fields.size()) + "; expected " +
                                      traces::field_count_text(columns) + " as in the header");
      continue;
    }
    const auto where = [&](std::size_t c) { return reader.where(traces::column_of(line, fields[c].data())); };
    GridEvent e;
    bool ok = true;
    double x = 0.0;
    const std::string_view start = trim(fields[c_start]);
    if (traces::parse_number(start, x)) {
      e.start = SimTime::from_seconds(x);
    } else {
      try {
        e.start = traces::parse_utc_time(start);
        e.absolute = true;
      } catch (const simcore::InputError&) {
        errors.add(where(c_start), "start is " + traces::quoted(start) +
                                       "; expected an ISO-8601 UTC time or seconds from the run's start");
        ok = false;
      }
    }
    if (ok) {
      if (kind_known && kind_absolute != e.absolute) {
        errors.add(where(c_start), "mixes UTC times and seconds from the run's start; use one kind per file");
        ok = false;
      }
      kind_known = true;
      kind_absolute = e.absolute;
    }
    const std::string_view duration = trim(fields[c_duration]);
    if (traces::parse_number(duration, x)) {
      e.duration = SimTime::from_seconds(x);
    } else {
      try {
        e.duration = simcore::parse_duration(duration);
      } catch (const simcore::InputError&) {
        e.duration = SimTime::zero();
      }
    }
    if (!(e.duration > SimTime::zero())) {
      errors.add(where(c_duration), "duration is " + traces::quoted(duration) +
                                        "; expected a positive number of seconds or a time (\"2 h\")");
      ok = false;
    }
    const std::string_view shed = trim(fields[c_shed]);
    if (!traces::parse_number(shed, x) || !(x > 0.0)) {
      errors.add(where(c_shed), "shed_kw is " + traces::quoted(shed) + "; expected a number of kW > 0");
      ok = false;
    } else {
      e.shed_w = x * 1e3;
    }
    e.price_per_kwh = default_price;
    if (c_price != columns && !trim(fields[c_price]).empty()) {
      const std::string_view price = trim(fields[c_price]);
      if (!traces::parse_number(price, x) || !(x >= 0.0)) {
        errors.add(where(c_price), "price is " + traces::quoted(price) + "; expected a number >= 0 (per kWh shed)");
        ok = false;
      } else {
        e.price_per_kwh = x;
      }
    }
    if (!ok) continue;
    if (!events.empty() && e.start < events.back().start + events.back().duration) {
      errors.add(where(c_start), "starts before the previous event ends; events must be in order, without overlap");
      continue;
    }
    events.push_back(e);
  }
  errors.throw_if_any();
  return events;
}

void DemandResponse::init(const ClusterView& view) {
  if (initialised_) return;
  initialised_ = true;
  std::vector<GridEvent> kept;
  for (GridEvent e : config_.events) {
    if (e.absolute) {
      e.start = e.start - view.calendar_origin();
      e.absolute = false;
    }
    if (e.start + e.duration > view.now()) kept.push_back(e);
  }
  config_.events = std::move(kept);
  last_t_ = view.now();
  last_w_ = before_w_ = total_power_w(view);
}

double DemandResponse::total_power_w(const ClusterView& view) const {
  double w = 0.0;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) w += view.facility_power_w(s);
  return w;
}

double DemandResponse::predicted_w(const ClusterView& view) {
  double w = total_power_w(view);
  for (std::size_t i = 0; i < suspending_.size();) {
    const auto [slot, seq] = suspending_[i];
    const bool alive = slot < view.running_slots() && view.running(slot).active && view.running(slot).seq == seq &&
                       view.running(slot).phase == JobPhase::kCheckpointing;
    if (!alive) {
      suspending_[i] = suspending_.back();
      suspending_.pop_back();
      continue;
    }
    w -= view.running(slot).power_w * facility_ratio(view, view.running(slot).site);
    ++i;
  }
  return w;
}

void DemandResponse::begin(double baseline_w) {
  active_ = true;
  current_ = next_++;
  ++events_;
  baseline_w_ = baseline_w;
  target_w_ = baseline_w - config_.events[current_].shed_w;
  violated_ = false;
  shed_j_ = facility_j_ = 0.0;
}

void DemandResponse::finish(const ClusterView& view, Actions& actions) {
  active_ = false;
  const GridEvent& e = config_.events[current_];
  const double span_s = e.duration.to_seconds();
  const bool mean_ok = facility_j_ <= target_w_ * span_s * (1.0 + kTolerance) + 1e-6;
  if (!violated_ && mean_ok) {
    ++met_;
  } else {
    ++missed_;
  }
  const double shed_kwh = std::max(0.0, shed_j_ / 3.6e6);
  shed_kwh_ += shed_kwh;
  revenue_ += shed_kwh * e.price_per_kwh;
  for (const auto& [key, limit] : limits_) {
    if (view.node(key.first).pstate_limit(key.second) == limit.mine) {
      actions.set_pstate_limit(key.first, key.second, limit.original);
    }
  }
  limits_.clear();
  for (const std::uint64_t seq : suspended_) {
    for (std::size_t i = 0; i < view.suspended_count(); ++i) {
      if (view.suspended(i).seq == seq) {
        actions.resume(seq);
        break;
      }
    }
  }
  suspended_.clear();
  suspending_.clear();
}

bool DemandResponse::cap_step(const ClusterView& view, Actions& actions) {
  SlotId best = datacenter::kNoSlot;
  double best_w = -1.0;
  std::size_t best_top = 0;
  for (SlotId slot = 0; slot < view.running_slots(); ++slot) {
    const auto& r = view.running(slot);
    if (!r.active || r.phase == JobPhase::kCheckpointing || r.power_w <= best_w) continue;
    std::size_t top = 0;
    for (const auto& a : r.accels) {
      if (view.accelerator_spec(a.node) != nullptr) top = std::max(top, view.node(a.node).pstate(a.index));
    }
    if (top == 0) continue;
    best = slot;
    best_w = r.power_w;
    best_top = top;
  }
  if (best == datacenter::kNoSlot) return false;
  for (const auto& a : view.running(best).accels) {
    if (view.accelerator_spec(a.node) == nullptr) continue;
    const auto key = std::make_pair(a.node, a.index);
    auto it = limits_.find(key);
    if (it == limits_.end()) it = limits_.emplace(key, Limit{view.node(a.node).pstate_limit(a.index), 0}).first;
    it->second.mine = best_top - 1;
    actions.set_pstate_limit(a.node, a.index, best_top - 1);
  }
  ++clock_steps_;
  return true;
}

void DemandResponse::suspend_until_target(const ClusterView& view, Actions& actions) {
  double p = predicted_w(view);
  if (p <= target_w_) return;
  candidates_.clear();
  for (SlotId slot = 0; slot < view.running_slots(); ++slot) {
    const auto& r = view.running(slot);
    if (r.active && r.phase == JobPhase::kRunning && r.job.preemptible &&
        can_suspend(view, r, slowest_.get(view), config_.margin)) {
      candidates_.emplace_back(r.power_w, slot);
    }
  }
  std::sort(candidates_.begin(), candidates_.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return view.running(a.second).seq > view.running(b.second).seq;
  });
  for (const auto& [power_w, slot] : candidates_) {
    if (p <= target_w_) break;
    const std::uint64_t seq = view.running(slot).seq;
    const double ratio = facility_ratio(view, view.running(slot).site);
    actions.suspend(slot);
    suspending_.emplace_back(slot, seq);
    suspended_.push_back(seq);
    p -= power_w * ratio;
    ++suspensions_;
  }
}

void DemandResponse::shed(const ClusterView& view, Actions& actions) {
  if (config_.cap_first) {
    while (predicted_w(view) > target_w_ && cap_step(view, actions)) {
    }
    suspend_until_target(view, actions);
  } else {
    suspend_until_target(view, actions);
    while (predicted_w(view) > target_w_ && cap_step(view, actions)) {
    }
  }
}

void DemandResponse::schedule_wake(const ClusterView& view, Actions& actions) {
  SimTime next = SimTime::max();
  if (active_) {
    const GridEvent& e = config_.events[current_];
    next = view.now() < e.start ? e.start : e.start + e.duration;  // the instant checks begin at start
  } else if (next_ < config_.events.size()) {
    next = std::max(view.now(), begin_time(config_.events[next_]));
  }
  if (next == SimTime::max() || (wake_ > view.now() && wake_ <= next)) return;
  wake_ = next;
  actions.wake_at(next);
}

void DemandResponse::step(const ClusterView& view, Actions& actions) {
  init(view);
  const SimTime now = view.now();
  const double before_w = now > last_t_ ? last_w_ : before_w_;
  if (active_) {
    const GridEvent& e = config_.events[current_];
    const SimTime from = std::max(last_t_, e.start), to = std::min(now, e.start + e.duration);
    if (from < to) {
      const double dt = (to - from).to_seconds();
      shed_j_ += (baseline_w_ - last_w_) * dt;
      facility_j_ += last_w_ * dt;
    }
    if (now >= e.start + e.duration) finish(view, actions);
  }
  while (!active_ && next_ < config_.events.size() && begin_time(config_.events[next_]) <= now) {
    begin(before_w);
    const GridEvent& e = config_.events[current_];
    if (e.start + e.duration <= now) finish(view, actions);  // passed while nothing called
  }
  if (active_) {
    shed(view, actions);
    if (now >= config_.events[current_].start && total_power_w(view) > target_w_ * (1.0 + kTolerance) + 1e-6) {
      violated_ = true;
    }
  }
  schedule_wake(view, actions);
  if (now > last_t_) {
    before_w_ = last_w_;
    last_t_ = now;
  }
  last_w_ = total_power_w(view);
}

void DemandResponse::after_schedule(const ClusterView& view, Actions& actions) { step(view, actions); }

void DemandResponse::on_arrival(const ClusterView& view, Actions& actions, const QueuedJob& job) {
  step(view, actions);
  if (!active_ || !is_flexible(job.job)) return;
  const GridEvent& e = config_.events[current_];
  const SimTime until = std::min(e.start + e.duration, latest_start(job, slowest_.get(view), config_.margin));
  if (until > view.now()) {
    actions.defer(job.seq, until);
    ++holds_;
  }
}

void DemandResponse::on_start(const ClusterView& view, Actions& actions, SlotId) { step(view, actions); }

void DemandResponse::on_completion(const ClusterView& view, Actions& actions, const datacenter::RunningJob&) {
  step(view, actions);
}

void DemandResponse::on_timer(const ClusterView& view, Actions& actions) {
  if (view.now() >= wake_) wake_ = SimTime::max();
  step(view, actions);
}

void DemandResponse::on_signal(const ClusterView& view, Actions& actions, std::uint32_t) { step(view, actions); }

void DemandResponse::report(datacenter::PolicyFigures& out) const {
  out.emplace_back("demand_response_events", static_cast<double>(events_));
  out.emplace_back("demand_response_events_met", static_cast<double>(met_));
  out.emplace_back("demand_response_events_missed", static_cast<double>(missed_));
  out.emplace_back("demand_response_shed_kwh", shed_kwh_);
  out.emplace_back("demand_response_revenue", revenue_);
  out.emplace_back("demand_response_suspensions", static_cast<double>(suspensions_));
  out.emplace_back("demand_response_clock_steps", static_cast<double>(clock_steps_));
  out.emplace_back("demand_response_holds", static_cast<double>(holds_));
}

PolicyInfo demand_response_info() {
  PolicyInfo info;
  info.name = "demand-response";
  info.kind = PolicyKind::kManager;
  info.description =
      "Answers grid events from a CSV (start, duration, shed_kw, price) by lowering running jobs' clocks and "
      "suspending preemptible jobs, in a chosen order, until the facility power is the baseline less the shed; "
      "holds flexible arrivals to the event's end; reports events met and missed, shed energy and revenue.";
  info.params = {
      path_param("events", "the grid-event CSV: start, duration, shed_kw[, price]"),
      choice_param("order", "cap-first", {"cap-first", "suspend-first"},
                   "lower clocks before suspending preemptible jobs, or the reverse"),
      number_param("price", 0.0, "revenue per kWh shed (currency) for events whose row gives no price", 0.0, 1e9),
      number_param("notice", 0.0, "how long before an event's start the answer (and the baseline) begins", 0.0, 1e9,
                   simcore::Dimension::kTime),
      number_param("margin", 900.0, "slack kept before a held flexible job's latest start", 0.0, 1e9,
                   simcore::Dimension::kTime),
  };
  info.requires_ = [](const datacenter::WorldConfig&, const Params& p) -> std::string {
    const std::string& path = text(p, "events");
    if (path.empty()) return "needs an events file (its parameter \"events\")";
    try {
      read_grid_events(path, number(p, "price"));
    } catch (const simcore::InputError& e) {
      std::string out = "cannot read its events:";
      for (const auto& d : e.diagnostics()) out += " " + d.where + ": " + d.message + ";";
      out.pop_back();
      return out;
    }
    return "";
  };
  info.make_manager = [](const Params& p) {
    DemandResponseConfig c;
    c.events = read_grid_events(text(p, "events"), number(p, "price"));
    c.cap_first = text(p, "order") == "cap-first";
    c.notice = SimTime::from_seconds(number(p, "notice"));
    c.margin = SimTime::from_seconds(number(p, "margin"));
    return std::make_unique<DemandResponse>(c);
  };
  return info;
}

}  // namespace wattsim::policies
