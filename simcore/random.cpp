#include "simcore/random.hpp"

#include <boost/random/seed_seq.hpp>

namespace wattsim::simcore {

namespace {

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// FNV-1a over the name's bytes: stable across platforms and runs (std::hash is not).
std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace

RandomStream::RandomStream(std::uint64_t seed) {
  // Spread the 64-bit seed over eight 32-bit words so the Mersenne Twister state is well mixed.
  std::uint32_t words[8];
  std::uint64_t x = seed;
  for (int i = 0; i < 8; i += 2) {
    x = mix64(x);
    words[i] = static_cast<std::uint32_t>(x);
    words[i + 1] = static_cast<std::uint32_t>(x >> 32);
  }
  boost::random::seed_seq seq(words, words + 8);
  engine_.seed(seq);
}

std::uint64_t RandomStreams::stream_seed(std::string_view name) const {
  return mix64(mix64(master_seed_) ^ hash_name(name));
}

}  // namespace wattsim::simcore
