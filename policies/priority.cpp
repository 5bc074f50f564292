#include "policies/priority.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "simcore/error.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::SlotId;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "name=value" entries separated by commas; calls on_entry(name, value, entry) for each
// well-formed one and reports the rest.
template <typename F>
void each_entry(const std::string& param, const std::string& table, simcore::DiagnosticSink& errors, F&& on_entry) {
  if (trim(table).empty()) return;
  std::size_t from = 0;
  while (from <= table.size()) {
    const std::size_t comma = std::min(table.find(',', from), table.size());
    const std::string entry = trim(table.substr(from, comma - from));
    from = comma + 1;
    const std::size_t eq = entry.find('=');
    if (entry.empty()) {
      errors.add("", param + ": an empty entry; expected QUEUE=VALUE entries separated by commas");
    } else if (eq == std::string::npos || trim(entry.substr(0, eq)).empty()) {
      errors.add("", param + ": entry \"" + entry + "\" is not QUEUE=VALUE");
    } else {
      on_entry(trim(entry.substr(0, eq)), trim(entry.substr(eq + 1)), entry);
    }
  }
}

}  // namespace

std::vector<QueueSpec> parse_queue_table(const std::string& weights, const std::string& quotas) {
  simcore::DiagnosticSink errors;
  std::vector<QueueSpec> out;
  std::vector<std::string> seen_w, seen_q;
  const auto spec_of = [&](const std::string& name) -> QueueSpec& {
    for (auto& q : out) {
      if (q.name == name) return q;
    }
    out.push_back(QueueSpec{name, 1.0, std::nullopt});
    return out.back();
  };
  each_entry("weights", weights, errors,
             [&](const std::string& name, const std::string& value, const std::string& entry) {
               if (std::find(seen_w.begin(), seen_w.end(), name) != seen_w.end()) {
                 errors.add("", "weights: queue \"" + name + "\" is given twice");
                 return;
               }
               seen_w.push_back(name);
               char* end = nullptr;
               const double w = value.empty() ? 0.0 : std::strtod(value.c_str(), &end);
               if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(w) || !(w > 0.0)) {
                 errors.add("", "weights: entry \"" + entry + "\": the weight must be a positive number");
                 return;
               }
               spec_of(name).weight = w;
             });
  each_entry(
      "quotas", quotas, errors, [&](const std::string& name, const std::string& value, const std::string& entry) {
        if (std::find(seen_q.begin(), seen_q.end(), name) != seen_q.end()) {
          errors.add("", "quotas: queue \"" + name + "\" is given twice");
          return;
        }
        seen_q.push_back(name);
        std::uint64_t q = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
        if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) {
          errors.add("",
                     "quotas: entry \"" + entry + "\": the quota must be a whole number of accelerators (0 or more)");
          return;
        }
        spec_of(name).quota = q;
      });
  errors.throw_if_any();
  return out;
}

PriorityScheduler::PriorityScheduler(std::vector<QueueSpec> queues, bool preempt, std::size_t max_scan)
    : preempt_(preempt), max_scan_(max_scan) {
  for (auto& spec : queues) {
    index_.emplace(spec.name, queues_.size());
    queues_.push_back(Queue{std::move(spec), 0, {}, 0, false});
  }
}

std::size_t PriorityScheduler::queue_index(const std::string& name) {
  const auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  index_.emplace(name, queues_.size());
  queues_.push_back(Queue{QueueSpec{name, 1.0, std::nullopt}, 0, {}, 0, false});
  return queues_.size() - 1;
}

std::size_t PriorityScheduler::next_queue() const {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  for (std::size_t i = 0; i < queues_.size(); ++i) {
    const Queue& q = queues_[i];
    if (q.passed || q.next >= q.jobs.size()) continue;
    if (best == std::numeric_limits<std::size_t>::max()) {
      best = i;
      continue;
    }
    const Queue& b = queues_[best];
    // in_use / weight, compared without dividing (exact for whole numbers).
    const double lhs = static_cast<double>(q.in_use) * b.spec.weight;
    const double rhs = static_cast<double>(b.in_use) * q.spec.weight;
    if (lhs < rhs || (lhs == rhs && q.spec.name < b.spec.name)) best = i;
  }
  return best;
}

bool PriorityScheduler::preempt_for(const ClusterView& view, datacenter::Actions& actions, PlacementRule& placement,
                                    std::size_t q, std::uint32_t accelerators, std::uint32_t site) {
  const Queue& mine = queues_[q];
  // Accelerators already on their way back (checkpoints being written) count as free.
  future_ = view.capacity();
  for (SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (!r.active || r.phase != datacenter::JobPhase::kCheckpointing) continue;
    for (const auto& a : r.accels) future_.add_free(a.node, 1);
  }
  if (placement.place(view, future_, accelerators, site, placement_)) return true;
  // Candidates: running jobs of lighter queues, lightest queue first, latest start first.
  victims_.clear();
  for (SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (!r.active || r.phase != datacenter::JobPhase::kRunning) continue;
    if (queues_[index_.at(r.job.queue)].spec.weight < mine.spec.weight) victims_.push_back(s);
  }
  std::sort(victims_.begin(), victims_.end(), [&](SlotId a, SlotId b) {
    const auto& ra = view.running(a);
    const auto& rb = view.running(b);
    const QueueSpec& qa = queues_[index_.at(ra.job.queue)].spec;
    const QueueSpec& qb = queues_[index_.at(rb.job.queue)].spec;
    if (qa.weight != qb.weight) return qa.weight < qb.weight;
    if (qa.name != qb.name) return qa.name < qb.name;
    if (ra.start != rb.start) return ra.start > rb.start;
    return a > b;
  });
  std::vector<std::uint64_t> left(queues_.size());
  for (std::size_t i = 0; i < queues_.size(); ++i) left[i] = queues_[i].in_use;
  std::size_t taken = 0;
  for (const SlotId s : victims_) {
    const auto& r = view.running(s);
    const std::size_t v = index_.at(r.job.queue);
    const std::uint64_t a = r.accels.size();
    // The victim's queue keeps at least the preempting queue's share: (left - a) / w_v >= in_use / w_q.
    if (static_cast<double>(left[v] - a) * mine.spec.weight <
        static_cast<double>(mine.in_use) * queues_[v].spec.weight) {
      continue;
    }
    left[v] -= a;
    for (const auto& acc : r.accels) future_.add_free(acc.node, 1);
    victims_[taken++] = s;
    if (!placement.place(view, future_, accelerators, site, placement_)) continue;
    for (std::size_t i = 0; i < taken; ++i) {
      suspended_.push_back(view.running(victims_[i]).seq);
      actions.suspend(victims_[i]);
    }
    return true;
  }
  return false;
}

void PriorityScheduler::schedule(const ClusterView& view, datacenter::Actions& actions, PlacementRule& placement) {
  // Jobs this scheduler suspended whose checkpoint is written queue again.
  for (std::size_t i = 0; i < view.suspended_count() && !suspended_.empty();) {
    const std::uint64_t seq = view.suspended(i).seq;
    const auto it = std::find(suspended_.begin(), suspended_.end(), seq);
    if (it == suspended_.end()) {
      ++i;
      continue;
    }
    suspended_.erase(it);
    actions.resume(seq);  // leaves the suspended list: i now names the next one
  }
  if (view.queue_length() == 0) return;

  for (auto& q : queues_) {
    q.in_use = 0;
    q.jobs.clear();
    q.next = 0;
    q.passed = false;
  }
  for (SlotId s = 0; s < view.running_slots(); ++s) {
    const auto& r = view.running(s);
    if (r.active) queues_[queue_index(r.job.queue)].in_use += r.accels.size();
  }
  const std::size_t scan = std::min(view.queue_length(), max_scan_);
  std::optional<std::tuple<std::size_t, std::uint32_t, std::uint32_t>> preemptor;  // its queue, size and site
  for (std::size_t pos = 0; pos < scan; ++pos) {
    const auto& j = view.queued(pos);
    const std::size_t q = queue_index(j.job.queue);
    if (preemptor_ && j.seq == *preemptor_) {
      preemptor = std::make_tuple(q, j.job.accelerators, view.required_site(j));
    } else {
      queues_[q].jobs.emplace_back(j.seq, j.job.accelerators, view.required_site(j));
    }
  }

  // The job for which others were suspended goes first; while their checkpoints are being
  // written, nothing else starts.
  if (preemptor_ && !preemptor) preemptor_.reset();  // it left the queue (or the scan)
  if (preemptor_) {
    const auto [q, accelerators, site] = *preemptor;
    Queue& own = queues_[q];
    const bool within_quota = !own.spec.quota || own.in_use + accelerators <= *own.spec.quota;
    if (within_quota && placement.place(view, view.capacity(), accelerators, site, placement_)) {
      actions.start(*preemptor_, placement_);
      own.in_use += accelerators;
    } else {
      bool coming = false;
      for (SlotId s = 0; s < view.running_slots() && !coming; ++s) {
        coming = view.running(s).active && view.running(s).phase == datacenter::JobPhase::kCheckpointing;
      }
      if (within_quota && coming) return;
      // Nothing on its way for it (or its queue is at its quota): it takes its turn again.
      own.jobs.emplace_back(*preemptor_, accelerators, site);
      std::sort(own.jobs.begin(), own.jobs.end());
    }
    preemptor_.reset();
  }

  for (std::size_t q = next_queue(); q != std::numeric_limits<std::size_t>::max(); q = next_queue()) {
    Queue& queue = queues_[q];
    const auto [seq, accelerators, site] = queue.jobs[queue.next];
    if (queue.spec.quota && queue.in_use + accelerators > *queue.spec.quota) {
      queue.passed = true;
      continue;
    }
    if (placement.place(view, view.capacity(), accelerators, site, placement_)) {
      actions.start(seq, placement_);
      queue.in_use += accelerators;
      ++queue.next;
      continue;
    }
    if (preempt_ && preempt_for(view, actions, placement, q, accelerators, site)) preemptor_ = seq;
    return;
  }
}

PolicyInfo priority_info() {
  PolicyInfo info;
  info.name = "priority";
  info.kind = PolicyKind::kScheduler;
  info.description =
      "Queues with weights and accelerator quotas: the queue with the fewest accelerators in use per unit of weight "
      "goes next, oldest job first; a queue at its quota is passed over; optionally preempts lighter queues.";
  info.params = {
      choice_param("weights", "", {}, "each queue's weight, \"QUEUE=W,...\" (W > 0; a queue not named has weight 1)"),
      choice_param("quotas", "", {},
                   "the most accelerators each queue's jobs may hold at once, \"QUEUE=N,...\" (a queue not named has "
                   "none)"),
      flag_param(
          "preempt", false,
          "suspend jobs of lighter queues (checkpointed, resumed later) when a heavier queue's job does not fit"),
      integer_param("max_scan", 1000.0, "how many queued jobs (in arrival order) are considered per decision", 1.0,
                    1e9)};
  info.make_scheduler = [](const Params& p) {
    return std::make_unique<PriorityScheduler>(parse_queue_table(text(p, "weights"), text(p, "quotas")),
                                               flag(p, "preempt"), static_cast<std::size_t>(number(p, "max_scan")));
  };
  return info;
}

}  // namespace wattsim::policies
