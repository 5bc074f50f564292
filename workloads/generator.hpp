#pragma once
// Synthetic jobs: an arrival process, and distributions of size, duration, utilisation and
// compute-bound fraction, each drawn from its own named random stream ("arrivals", "sizes",
// "durations", "utilisation", "beta"), so changing one distribution never changes the draws
// of another (DESIGN.md §2, simcore/random.hpp).
//
// Arrivals: a Poisson process of rate lambda (jobs/s), or a diurnal one with rate
//   lambda(t) = lambda_mean * (1 + a * cos(2 pi (t - t_peak) / 1 d)),  0 <= a <= 1,
// drawn exactly by thinning (Lewis & Shedler 1979): candidates at rate lambda_mean (1 + a),
// each kept with probability lambda(t) / (lambda_mean (1 + a)).
// Sizes: a discrete distribution over accelerator counts with weights.
// Durations (runtime at full speed): lognormal with median m and shape sigma
// (mean m exp(sigma^2 / 2)), clamped to [min, max]; or an empirical distribution: a list of
// values with weights, drawn as is.
// Utilisation and beta: a constant or uniform on [lo, hi].
//
// Worked example: rate 0.01 /s, sizes {8: 1}, lognormal median 3600 s sigma 0 gives a job of
// 8 accelerators x 3600 s (work 28,800 accelerator-seconds) every 100 s on average.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simcore/random.hpp"
#include "simcore/time.hpp"
#include "workloads/job.hpp"

namespace wattsim::workloads {

struct ArrivalSpec {
  double rate_per_s = 0.0;          // mean rate, > 0
  double diurnal_amplitude = 0.0;   // a in [0, 1]; 0: plain Poisson
  simcore::SimTime diurnal_peak;    // time of day of the peak rate (since midnight of day 0)
};

struct SizeSpec {
  std::vector<std::uint32_t> accelerators;  // the values
  std::vector<double> weights;              // same length, > 0 (normalised here)
};

struct DurationSpec {
  enum class Kind { kLognormal, kEmpirical } kind = Kind::kLognormal;
  double median_s = 3600.0, sigma = 1.0;  // lognormal
  double min_s = 1.0, max_s = 7 * 86400.0;
  std::vector<double> values_s, weights;  // empirical
};

struct UniformSpec {
  double lo = 1.0, hi = 1.0;  // lo == hi: a constant
};

struct GeneratorSpec {
  ArrivalSpec arrivals;
  SizeSpec sizes;
  DurationSpec durations;
  UniformSpec utilisation{1.0, 1.0};
  UniformSpec beta{1.0, 1.0};
  std::optional<std::uint64_t> max_jobs;    // stop after this many
  std::optional<simcore::SimTime> until;    // no submissions at or after this time
  std::string queue;                        // copied into every job
  double data_gb = 0.0;                     // copied into every job: its input data, GB
  std::uint32_t home_site = 0;              // copied into every job: where that data is
  // Checkpoint write/read times and interval, copied into every job (workloads/job.hpp).
  Job checkpoint_defaults;
};

class JobGenerator : public JobSource {
 public:
  // Throws simcore::InputError for an invalid spec (rates, weights, ranges). Streams are named
  // stream_prefix + "arrivals" and so on, so that several generators draw independently.
  JobGenerator(GeneratorSpec spec, const simcore::RandomStreams& rng, const std::string& stream_prefix = "");
  std::optional<Job> next() override;
  // The stream prefix without its '/' ("generator[1]"); empty without a prefix.
  std::string location() const override { return location_; }

 private:
  double draw_duration();
  double draw_uniform(const UniformSpec& u, simcore::RandomStream& s);
  std::size_t draw_index(const std::vector<double>& cumulative, simcore::RandomStream& s);

  GeneratorSpec spec_;
  simcore::RandomStream arrivals_, sizes_, durations_, utilisation_, beta_;
  std::vector<double> size_cumulative_, duration_cumulative_;
  double t_s_ = 0.0;  // last candidate arrival, seconds
  std::uint64_t next_id_ = 0;
  std::string location_;
};

}  // namespace wattsim::workloads
