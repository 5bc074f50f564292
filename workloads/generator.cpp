#include "workloads/generator.hpp"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <cmath>
#include <numbers>

#include "simcore/error.hpp"

namespace wattsim::workloads {

namespace {
std::vector<double> cumulative_of(const std::vector<double>& weights, const char* what) {
  std::vector<double> c;
  double sum = 0.0;
  for (double w : weights) {
    if (!(w > 0.0) || !std::isfinite(w)) {
      throw simcore::InputError(what, "weights must be positive numbers, found " + std::to_string(w));
    }
    sum += w;
    c.push_back(sum);
  }
  for (double& x : c) x /= sum;
  if (!c.empty()) c.back() = 1.0;
  return c;
}
}  // namespace

JobGenerator::JobGenerator(GeneratorSpec spec, const simcore::RandomStreams& rng, const std::string& stream_prefix)
    : spec_(std::move(spec)),
      arrivals_(rng.stream(stream_prefix + "arrivals")),
      sizes_(rng.stream(stream_prefix + "sizes")),
      durations_(rng.stream(stream_prefix + "durations")),
      utilisation_(rng.stream(stream_prefix + "utilisation")),
      beta_(rng.stream(stream_prefix + "beta")),
      location_(stream_prefix.ends_with('/') ? stream_prefix.substr(0, stream_prefix.size() - 1) : stream_prefix) {
  const auto& a = spec_.arrivals;
  if (!(a.rate_per_s > 0.0) || !std::isfinite(a.rate_per_s)) {
    throw simcore::InputError("generator.arrivals", "rate must be positive");
  }
  if (!(a.diurnal_amplitude >= 0.0 && a.diurnal_amplitude <= 1.0)) {
    throw simcore::InputError("generator.arrivals", "diurnal amplitude must be in [0, 1]");
  }
  if (spec_.sizes.accelerators.empty() || spec_.sizes.accelerators.size() != spec_.sizes.weights.size()) {
    throw simcore::InputError("generator.sizes", "needs one weight per size and at least one size");
  }
  for (auto n : spec_.sizes.accelerators) {
    if (n == 0) throw simcore::InputError("generator.sizes", "sizes must be at least 1 accelerator");
  }
  size_cumulative_ = cumulative_of(spec_.sizes.weights, "generator.sizes");
  const auto& d = spec_.durations;
  if (d.kind == DurationSpec::Kind::kLognormal) {
    if (!(d.median_s > 0.0) || !(d.sigma >= 0.0) || !(d.min_s >= 0.0) || !(d.max_s >= d.min_s)) {
      throw simcore::InputError("generator.durations", "needs median > 0, sigma >= 0 and 0 <= min <= max");
    }
  } else {
    if (d.values_s.empty() || d.values_s.size() != d.weights.size()) {
      throw simcore::InputError("generator.durations", "needs one weight per value and at least one value");
    }
    for (double v : d.values_s) {
      if (!(v >= 0.0) || !std::isfinite(v)) throw simcore::InputError("generator.durations", "values must be >= 0");
    }
    duration_cumulative_ = cumulative_of(d.weights, "generator.durations");
  }
  for (const UniformSpec* u : {&spec_.utilisation, &spec_.beta}) {
    if (!(u->lo >= 0.0 && u->lo <= u->hi && u->hi <= 1.0)) {
      throw simcore::InputError(u == &spec_.utilisation ? "generator.utilisation" : "generator.beta",
                                "needs 0 <= lo <= hi <= 1");
    }
  }
}

double JobGenerator::draw_uniform(const UniformSpec& u, simcore::RandomStream& s) {
  if (u.lo == u.hi) return u.lo;
  return u.lo + (u.hi - u.lo) * s.uniform01();
}

std::size_t JobGenerator::draw_index(const std::vector<double>& cumulative, simcore::RandomStream& s) {
  const double x = s.uniform01();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

double JobGenerator::draw_duration() {
  const auto& d = spec_.durations;
  if (d.kind == DurationSpec::Kind::kEmpirical) return d.values_s[draw_index(duration_cumulative_, durations_)];
  if (d.sigma == 0.0) return std::clamp(d.median_s, d.min_s, d.max_s);
  boost::random::lognormal_distribution<double> dist(std::log(d.median_s), d.sigma);
  return std::clamp(dist(durations_), d.min_s, d.max_s);
}

std::optional<Job> JobGenerator::next() {
  if (spec_.max_jobs && next_id_ >= *spec_.max_jobs) return std::nullopt;
  const auto& a = spec_.arrivals;
  const double peak_rate = a.rate_per_s * (1.0 + a.diurnal_amplitude);
  boost::random::exponential_distribution<double> gap(peak_rate);
  for (;;) {
    t_s_ += gap(arrivals_);
    if (a.diurnal_amplitude == 0.0) break;
    const double phase = 2.0 * std::numbers::pi * (t_s_ - a.diurnal_peak.to_seconds()) / 86400.0;
    const double keep = (1.0 + a.diurnal_amplitude * std::cos(phase)) / (1.0 + a.diurnal_amplitude);
    if (arrivals_.uniform01() < keep) break;
  }
  const simcore::SimTime submit = simcore::SimTime::from_seconds(t_s_);
  if (spec_.until && submit >= *spec_.until) return std::nullopt;
  Job j;
  j.id = next_id_++;
  j.submit = submit;
  j.accelerators = spec_.sizes.accelerators[draw_index(size_cumulative_, sizes_)];
  j.work = draw_duration() * static_cast<double>(j.accelerators);
  j.utilisation = draw_uniform(spec_.utilisation, utilisation_);
  j.beta = draw_uniform(spec_.beta, beta_);
  j.data_gb = spec_.data_gb;
  j.home_site = spec_.home_site;
  j.queue = spec_.queue;
  j.checkpoint_time = spec_.checkpoint_defaults.checkpoint_time;
  j.restore_time = spec_.checkpoint_defaults.restore_time;
  j.checkpoint_interval = spec_.checkpoint_defaults.checkpoint_interval;
  return j;
}

}  // namespace wattsim::workloads
