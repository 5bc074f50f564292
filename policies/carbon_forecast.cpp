#include "policies/carbon_forecast.hpp"

#include <algorithm>
#include <iterator>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "models/forecast/forecast.hpp"

namespace wattsim::policies {

using simcore::SimTime;

namespace {

// Runtime of `work` accelerator-seconds on g accelerators at `speed`, rounded up to the us.
SimTime runtime_of(double work, std::uint32_t g, double speed) {
  const double us = std::ceil(work / (static_cast<double>(g) * speed) * 1e6);
  return SimTime::from_us(static_cast<std::int64_t>(us));
}

bool lower(double candidate, double best) {
  return candidate < best - 1e-12 * std::max(std::abs(candidate), std::abs(best));
}

}  // namespace

bool CarbonForecast::Room::fits(SimTime t0, SimTime t1) const {
  if (fleet != nullptr && !fleet->fits(t0, t1, accelerators, fleet_limit)) return false;
  return site == nullptr || site->fits(t0, t1, accelerators, site_limit);
}

double CarbonForecast::Score::integral(SimTime issued, SimTime t0, SimTime t1) const {
  double v = 0.0;
  if (price != nullptr) v += price->integral(issued, t0, t1);
  if (carbon != nullptr) v += carbon_weight * carbon->integral(issued, t0, t1);
  return v;
}

void CarbonForecast::Score::breakpoints(SimTime issued, SimTime t0, SimTime t1, std::vector<SimTime>& out) const {
  const std::size_t first = out.size();
  if (carbon != nullptr) carbon->breakpoints(issued, t0, t1, out);
  const std::size_t mid = out.size();
  if (price != nullptr) price->breakpoints(issued, t0, t1, out);
  if (mid != first && mid != out.size()) {
    std::inplace_merge(out.begin() + static_cast<std::ptrdiff_t>(first), out.begin() + static_cast<std::ptrdiff_t>(mid),
                       out.end());
  }
  out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()), out.end());
}

CarbonForecast::Score CarbonForecast::score_at(const datacenter::ClusterView& view, std::uint32_t site) const {
  Score s;
  const forecast::Forecast* carbon = view.forecast(site, carbon_signal(o_.basis));
  const forecast::Forecast* price = view.forecast(site, datacenter::Signal::kPrice);
  switch (o_.objective) {
    case ForecastObjective::kCarbon: s.carbon = carbon; break;
    case ForecastObjective::kPrice: s.price = price; break;
    case ForecastObjective::kCarbonPrice:
      if (carbon == nullptr || price == nullptr) return Score{};
      s.carbon = carbon;
      s.price = price;
      s.carbon_weight = o_.carbon_price / 1e6;
      break;
  }
  return s;
}

SimTime CarbonForecast::best_start(const Score& score, SimTime now, SimTime latest, SimTime runtime, double* value,
                                   const Room* room) {
  // Scratch vectors kept between calls (one arrival after another: no allocation per job).
  thread_local std::vector<SimTime> bps, starts, ends, candidates;
  bps.clear();
  score.breakpoints(now, now, latest + runtime, bps);  // ascending
  if (room != nullptr) {
    // The feasible starts are closed intervals bounded by bucket boundaries k w (a run from
    // there leaves bucket k - 1) and k w - R (a run to there stays out of bucket k).
    const std::int64_t w = room->width().us();
    const std::size_t first = bps.size();
    for (std::int64_t k = now.us() / w + 1; k * w < (latest + runtime).us(); ++k) bps.push_back(SimTime::from_us(k * w));
    std::inplace_merge(bps.begin(), bps.begin() + static_cast<std::ptrdiff_t>(first), bps.end());
  }
  // Candidates: now, latest, every breakpoint b and every b - R strictly between them; two
  // ascending runs merged (O(n), no sort).
  starts.clear();
  ends.clear();
  for (const SimTime b : bps) {
    if (b > now && b < latest) starts.push_back(b);
    const SimTime s = b - runtime;
    if (s > now && s < latest) ends.push_back(s);
  }
  candidates.clear();
  candidates.push_back(now);
  std::merge(starts.begin(), starts.end(), ends.begin(), ends.end(), std::back_inserter(candidates));
  if (latest > now) candidates.push_back(latest);
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  SimTime best = now;
  double best_value = std::numeric_limits<double>::infinity();
  bool any = false;
  for (const SimTime s : candidates) {
    if (room != nullptr && !room->fits(s, s + runtime)) continue;
    const double v = score.integral(now, s, s + runtime);
    if (!any || lower(v, best_value)) {
      best = s;
      best_value = v;
      any = true;
    }
  }
  if (value != nullptr) *value = best_value;
  return best;
}

bool CarbonForecast::plan(const Score& score, SimTime issued, SimTime from, SimTime until, SimTime runtime,
                          SimTime overhead, std::vector<Block>& out, double* value, const Room* room) {
  out.clear();
  if (until - from < runtime || !(from < until)) return false;
  std::vector<SimTime> cuts{from};
  score.breakpoints(issued, from, until, cuts);
  if (room != nullptr) {  // cut at bucket boundaries too: each segment lies in one bucket
    const std::int64_t w = room->width().us();
    const std::size_t first = cuts.size();
    for (std::int64_t k = from.us() / w + 1; k * w < until.us(); ++k) cuts.push_back(SimTime::from_us(k * w));
    std::inplace_merge(cuts.begin() + 1, cuts.begin() + static_cast<std::ptrdiff_t>(first), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  }
  cuts.push_back(until);
  const std::size_t n = cuts.size() - 1;
  std::vector<double> mean(n);
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    mean[i] = score.integral(issued, cuts[i], cuts[i + 1]) / (cuts[i + 1] - cuts[i]).to_seconds();
    if (room == nullptr || room->fits(cuts[i], cuts[i + 1])) order.push_back(i);  // a segment without room: never
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return mean[a] < mean[b]; });
  std::vector<char> chosen(n, 0);
  SimTime covered = SimTime::zero();
  std::int64_t blocks = 0;
  for (const std::size_t i : order) {
    chosen[i] = 1;
    covered += cuts[i + 1] - cuts[i];
    const bool left = i > 0 && chosen[i - 1] != 0;
    const bool right = i + 1 < n && chosen[i + 1] != 0;
    blocks += 1 - static_cast<int>(left) - static_cast<int>(right);
    const SimTime need = runtime + SimTime::from_us(overhead.us() * (blocks - 1));
    if (covered < need) continue;
    double total = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (chosen[j] == 0) continue;
      if (value != nullptr) total += score.integral(issued, cuts[j], cuts[j + 1]);
      if (!out.empty() && out.back().end == cuts[j]) {
        out.back().end = cuts[j + 1];
      } else {
        out.push_back(Block{cuts[j], cuts[j + 1]});
      }
    }
    if (value != nullptr) *value = total;
    return true;
  }
  return false;  // without room only: choosing every segment covers [from, until] >= runtime
}

void CarbonForecast::on_arrival(const datacenter::ClusterView& view, datacenter::Actions& actions,
                                const datacenter::QueuedJob& q) {
  if (!is_flexible(q.job) || q.history.ran()) return;
  const SimTime runtime = expected_runtime(q, slowest_.get(view));
  const SimTime end = *q.job.deadline - o_.margin;
  if (end - runtime <= view.now()) {  // it must start now
    book_now(view, q, runtime);
    return;
  }
  if (q.job.preemptible) {
    arrive_preemptible(view, actions, q, runtime, end);
  } else {
    arrive_fixed(view, actions, q, runtime, end);
  }
}

void CarbonForecast::arrive_fixed(const datacenter::ClusterView& view, datacenter::Actions& actions,
                                  const datacenter::QueuedJob& q, SimTime runtime, SimTime end) {
  const SimTime now = view.now();
  const SimTime latest = end - runtime;
  const std::uint32_t required = view.required_site(q);
  const Room room = room_for(view, required, q.job.accelerators);
  SimTime best = now;
  double best_value = std::numeric_limits<double>::infinity();
  bool any = false;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) {
    if (required != datacenter::kAnySite ? s != required : view.site_accelerators(s) < q.job.accelerators) continue;
    const Score score = score_at(view, s);
    if (!score.usable()) continue;
    double v = 0.0;
    const SimTime start = best_start(score, now, latest, runtime, &v, &room);
    if (!std::isfinite(v)) continue;  // no start with room
    if (!any || lower(v, best_value)) {
      best = start;
      best_value = v;
      any = true;
    }
  }
  if (!any || best <= now) {
    book_now(view, q, runtime);
    return;
  }
  book(q.seq, required, q.job.accelerators, {Block{best, best + runtime}}, runtime, true);
  actions.defer(q.seq, best);
  ++deferred_;
  deferral_s_ += (best - now).to_seconds();
}

void CarbonForecast::arrive_preemptible(const datacenter::ClusterView& view, datacenter::Actions& actions,
                                        const datacenter::QueuedJob& q, SimTime runtime, SimTime end) {
  const SimTime now = view.now();
  const SimTime overhead = q.job.checkpoint_time + q.job.restore_time;
  const std::uint32_t required = view.required_site(q);
  const Room room = room_for(view, required, q.job.accelerators);
  Plan best;
  double best_value = std::numeric_limits<double>::infinity();
  bool any = false;
  std::vector<Block> blocks;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) {
    if (required != datacenter::kAnySite ? s != required : view.site_accelerators(s) < q.job.accelerators) continue;
    const Score score = score_at(view, s);
    if (!score.usable()) continue;
    double v = 0.0;
    if (!CarbonForecast::plan(score, now, now, end, runtime, overhead, blocks, &v, &room)) continue;
    if (!any || lower(v, best_value)) {
      best.blocks = blocks;
      best.site = s;
      best_value = v;
      any = true;
    }
  }
  if (!any) {
    book_now(view, q, runtime);
    return;
  }
  const SimTime first = best.blocks.front().start;
  book(q.seq, required, q.job.accelerators, best.blocks, runtime, false);
  plans_[q.seq] = std::move(best);
  if (first > now) {
    actions.defer(q.seq, first);
    ++deferred_;
    deferral_s_ += (first - now).to_seconds();
  }
}

void CarbonForecast::set_timer(datacenter::Actions& actions, std::uint64_t seq, Plan& plan, SimTime at) {
  plan.timer = at;
  timers_.emplace(at, seq);
  actions.wake_at(at);
}

CarbonForecast::Room CarbonForecast::room_for(const datacenter::ClusterView& view, std::uint32_t site,
                                              std::uint32_t accelerators) {
  if (sites_.size() < view.site_count()) sites_.resize(view.site_count(), CapacityProfile(o_.bucket));
  const double keep = 1.0 - o_.headroom;
  Room room;
  room.accelerators = accelerators;
  room.fleet = &fleet_;
  double total = 0.0;
  for (std::uint32_t s = 0; s < view.site_count(); ++s) total += view.site_accelerators(s);
  room.fleet_limit = total * keep;
  if (site != datacenter::kAnySite && view.site_count() > 1) {
    room.site = &sites_[site];
    room.site_limit = view.site_accelerators(site) * keep;
  }
  return room;
}

void CarbonForecast::book(std::uint64_t seq, std::uint32_t site, std::uint32_t accelerators, std::vector<Block> spans,
                          SimTime runtime, bool fixed) {
  unbook(seq);
  if (site != datacenter::kAnySite && sites_.size() <= site) sites_.resize(site + 1, CapacityProfile(o_.bucket));
  for (const Block& b : spans) {
    fleet_.add(b.start, b.end, accelerators);
    if (site != datacenter::kAnySite) sites_[site].add(b.start, b.end, accelerators);
  }
  Booking& booking = bookings_[seq];
  booking.site = site;
  booking.accelerators = accelerators;
  booking.spans = std::move(spans);
  booking.runtime = runtime;
  booking.fixed = fixed;
}

void CarbonForecast::book_now(const datacenter::ClusterView& view, const datacenter::QueuedJob& q, SimTime runtime) {
  const SimTime now = view.now();
  book(q.seq, view.required_site(q), q.job.accelerators, {Block{now, now + runtime}}, runtime, true);
}

void CarbonForecast::book_running(const datacenter::ClusterView& view, const datacenter::RunningJob& r) {
  const SimTime now = view.now();
  // While it reads its checkpoint it makes no progress yet: its work left is its history's.
  const bool restoring = r.phase == datacenter::JobPhase::kRestoring;
  const double work = restoring ? r.history.remaining : r.progress.remaining_at(now);
  SimTime runtime = runtime_of(std::max(work, 0.0), r.job.accelerators, slowest_.get(view));
  if (restoring && r.phase_end > now) runtime += r.phase_end - now;
  book(r.seq, r.site, r.job.accelerators, {Block{now, now + runtime}}, runtime, false);
}

void CarbonForecast::unbook(std::uint64_t seq) {
  const auto it = bookings_.find(seq);
  if (it == bookings_.end()) return;
  const Booking& b = it->second;
  const auto g = static_cast<std::int64_t>(b.accelerators);
  for (const Block& span : b.spans) {
    fleet_.add(span.start, span.end, -g);
    if (b.site != datacenter::kAnySite) sites_[b.site].add(span.start, span.end, -g);
  }
  bookings_.erase(it);
}

void CarbonForecast::on_start(const datacenter::ClusterView& view, datacenter::Actions& actions, datacenter::SlotId slot) {
  const datacenter::RunningJob& r = view.running(slot);
  if (const auto b = bookings_.find(r.seq); b != bookings_.end() && b->second.fixed) {
    // A non-preemptible job runs from now: its booking follows it (to where it runs).
    const SimTime now = view.now();
    const SimTime runtime = b->second.runtime;
    const std::uint32_t site = view.site_count() > 1 ? r.site : datacenter::kAnySite;
    book(r.seq, site, r.job.accelerators, {Block{now, now + runtime}}, runtime, true);
  }
  const auto it = plans_.find(r.seq);
  if (it == plans_.end()) return;
  Plan& plan = it->second;
  plan.slot = slot;
  const SimTime now = view.now();
  std::size_t i = 0;
  while (i < plan.blocks.size() && plan.blocks[i].end <= now) ++i;
  // Past its plan, or in its last block: it runs to completion.
  if (i + 1 >= plan.blocks.size()) {
    plans_.erase(it);
    book_running(view, r);
    return;
  }
  plan.blocks.erase(plan.blocks.begin(), plan.blocks.begin() + static_cast<std::ptrdiff_t>(i));
  set_timer(actions, r.seq, plan, plan.blocks.front().end);
}

void CarbonForecast::on_completion(const datacenter::ClusterView&, datacenter::Actions&, const datacenter::RunningJob& job) {
  plans_.erase(job.seq);
  unbook(job.seq);
}

void CarbonForecast::block_end(const datacenter::ClusterView& view, datacenter::Actions& actions, std::uint64_t seq) {
  const auto it = plans_.find(seq);
  Plan& plan = it->second;
  if (plan.slot == datacenter::kNoSlot || plan.slot >= view.running_slots()) {
    plans_.erase(it);
    return;
  }
  const datacenter::RunningJob& r = view.running(plan.slot);
  if (!r.active || r.seq != seq || r.phase == datacenter::JobPhase::kCheckpointing) {
    plans_.erase(it);
    return;
  }
  const SimTime now = view.now();
  if (r.phase == datacenter::JobPhase::kRestoring) {  // a block shorter than the restore: look again after it
    set_timer(actions, seq, plan, r.phase_end);
    return;
  }
  const double remaining = r.progress.remaining_at(now);
  if (!(remaining > 0.0)) return;
  const SimTime runtime = runtime_of(remaining, r.job.accelerators, slowest_.get(view));
  const SimTime end = *r.job.deadline - o_.margin;
  const SimTime overhead = r.job.checkpoint_time + r.job.restore_time;
  const Score score = score_at(view, r.site);
  unbook(seq);  // it is re-planned: its own plan takes no room
  const Room room = room_for(view, r.site, r.job.accelerators);
  std::vector<Block> blocks;
  // Keep running when the best plan from now begins now.
  if (!score.usable() || !CarbonForecast::plan(score, now, now, end, runtime, overhead, blocks, nullptr, &room)) {
    plans_.erase(it);
    book_running(view, r);
    return;
  }
  if (blocks.front().start == now) {
    plan.blocks = std::move(blocks);
    book(seq, r.site, r.job.accelerators, plan.blocks, runtime, false);
    if (plan.blocks.size() > 1) {
      set_timer(actions, seq, plan, plan.blocks.front().end);
    } else {
      plans_.erase(it);
    }
    return;
  }
  if (!CarbonForecast::plan(score, now, now + r.job.checkpoint_time, end, runtime + r.job.restore_time, overhead, blocks,
                            nullptr, &room)) {
    plans_.erase(it);
    book_running(view, r);
    return;
  }
  book(seq, r.site, r.job.accelerators, blocks, runtime, false);
  const datacenter::SlotId slot = plan.slot;
  plan.blocks = std::move(blocks);
  plan.slot = datacenter::kNoSlot;
  plan.timer = SimTime::max();
  awaiting_resume_.insert(seq);
  ++suspensions_;
  actions.suspend(slot);
  resume_written(view, actions);
}

void CarbonForecast::resume_written(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  if (awaiting_resume_.empty()) return;
  std::vector<std::uint64_t> ready;
  for (std::size_t i = 0; i < view.suspended_count(); ++i) {
    const std::uint64_t seq = view.suspended(i).seq;
    if (awaiting_resume_.count(seq) != 0) ready.push_back(seq);
  }
  for (const std::uint64_t seq : ready) {
    awaiting_resume_.erase(seq);
    actions.resume(seq);
    const auto it = plans_.find(seq);
    if (it == plans_.end()) continue;
    const SimTime first = it->second.blocks.front().start;
    if (first > view.now()) actions.defer(seq, first);
  }
}

void CarbonForecast::on_timer(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  while (!timers_.empty() && timers_.begin()->first <= view.now()) {
    const auto [at, seq] = *timers_.begin();
    timers_.erase(timers_.begin());
    const auto it = plans_.find(seq);
    if (it == plans_.end() || it->second.timer != at) continue;  // stale
    it->second.timer = SimTime::max();
    block_end(view, actions, seq);
  }
  resume_written(view, actions);
}

void CarbonForecast::after_schedule(const datacenter::ClusterView& view, datacenter::Actions& actions) {
  resume_written(view, actions);
}

void CarbonForecast::report(datacenter::PolicyFigures& out) const {
  out.emplace_back(o_.figure_prefix + "_jobs_deferred", static_cast<double>(deferred_));
  out.emplace_back(o_.figure_prefix + "_mean_deferral_s", mean_deferral_s());
  out.emplace_back(o_.figure_prefix + "_suspensions", static_cast<double>(suspensions_));
}

namespace {

PolicyInfo forecast_info(const std::string& name, const std::string& default_signal, std::string description) {
  PolicyInfo info;
  info.name = name;
  info.kind = PolicyKind::kManager;
  info.description = std::move(description);
  info.params = {
      choice_param("signal", default_signal, {"carbon", "price", "carbon+price"},
                   "what to minimise per kWh: carbon intensity, energy price, or price + intensity x carbon_price"),
      number_param("carbon_price", 100.0, "currency per tonne CO2, weighing carbon against price (carbon+price)", 0.0,
                   1e9, simcore::Dimension::kMoney),
      choice_param("basis", "average", {"average", "marginal"}, "which carbon intensity to steer by"),
      number_param("margin", 900.0, "slack kept before each job's deadline", 0.0, 1e9, simcore::Dimension::kTime),
      number_param("bucket", 3600.0, "width of the buckets of the planned-capacity profile", 1.0, 1e7,
                   simcore::Dimension::kTime),
      number_param("headroom", 0.2, "share of the accelerators never planned for flexible jobs", 0.0, 0.95,
                   simcore::Dimension::kFraction),
  };
  info.reads = {datacenter::Signal::kCarbon, datacenter::Signal::kCarbonMarginal, datacenter::Signal::kPrice};
  info.requires_ = [](const datacenter::WorldConfig& world, const Params& p) {
    const std::string& signal = text(p, "signal");
    const auto carbon =
        text(p, "basis") == "marginal" ? datacenter::Signal::kCarbonMarginal : datacenter::Signal::kCarbon;
    if (signal != "price") {
      std::string problem = signal_problem(world, carbon);
      if (!problem.empty()) return problem;
    }
    if (signal != "carbon") return signal_problem(world, datacenter::Signal::kPrice);
    return std::string();
  };
  const std::string prefix = [&] {
    std::string s = name;
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
  }();
  info.make_manager = [prefix](const Params& p) {
    CarbonForecast::Options o;
    const std::string& signal = text(p, "signal");
    o.objective = signal == "price"          ? ForecastObjective::kPrice
                  : signal == "carbon+price" ? ForecastObjective::kCarbonPrice
                                             : ForecastObjective::kCarbon;
    o.carbon_price = number(p, "carbon_price");
    o.basis = text(p, "basis") == "marginal" ? CarbonBasis::kMarginal : CarbonBasis::kAverage;
    o.margin = SimTime::from_seconds(number(p, "margin"));
    o.bucket = SimTime::from_seconds(number(p, "bucket"));
    o.headroom = number(p, "headroom");
    o.figure_prefix = prefix;
    return std::make_unique<CarbonForecast>(o);
  };
  return info;
}

}  // namespace

PolicyInfo carbon_forecast_info() {
  return forecast_info("carbon-forecast", "carbon",
                       "Starts each flexible job (with a deadline) at the time in its window that minimises the "
                       "forecast carbon of its whole run; preemptible jobs run in the lowest-forecast slots before "
                       "their deadline, paying a checkpoint at every suspension.");
}

PolicyInfo price_forecast_info() {
  return forecast_info("price-forecast", "price",
                       "carbon-forecast steering by the forecast energy price: each flexible job starts (or, "
                       "preemptible, runs) where its window's forecast price is lowest.");
}

}  // namespace wattsim::policies
