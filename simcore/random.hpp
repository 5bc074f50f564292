#pragma once
// Reproducible random streams. One master seed; every random component draws from its own
// named stream (`rng.stream("arrivals")`), seeded from (master seed, name) alone. Adding a
// new component, or drawing more from one stream, never perturbs another stream, and the
// same seed gives the same bytes on every platform: engines and distributions come from
// Boost.Random, whose algorithms are fully specified (std:: distributions are not).

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <string_view>

namespace wattsim::simcore {

// A UniformRandomBitGenerator, usable with any Boost.Random distribution:
//   boost::random::exponential_distribution<double> d(rate); double x = d(stream);
class RandomStream {
 public:
  using result_type = std::uint64_t;
  using engine_type = boost::random::mt19937_64;

  explicit RandomStream(std::uint64_t seed);

  static constexpr result_type min() { return 0; }  // mt19937_64 spans all 64 bits
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() { return engine_(); }

  // Uniform on [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  engine_type& engine() { return engine_; }

 private:
  engine_type engine_;
};

class RandomStreams {
 public:
  explicit RandomStreams(std::uint64_t master_seed) : master_seed_(master_seed) {}
  std::uint64_t master_seed() const { return master_seed_; }
  // A fresh stream for `name`; the same (master seed, name) always gives the same sequence.
  RandomStream stream(std::string_view name) const { return RandomStream(stream_seed(name)); }
  std::uint64_t stream_seed(std::string_view name) const;

 private:
  std::uint64_t master_seed_;
};

}  // namespace wattsim::simcore
