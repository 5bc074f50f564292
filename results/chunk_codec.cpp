#include "results/chunk_codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "simcore/assert.hpp"

namespace wattsim::results {
namespace {

// Ends the stream on every path, including exceptions.
struct Deflater {
  z_stream stream{};
  explicit Deflater(int level) {
    if (deflateInit(&stream, level) != Z_OK) throw std::runtime_error("cannot start zlib compression");
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  ~Deflater() { deflateEnd(&stream); }
};

}  // namespace

namespace {

double entropy_bits(const std::array<std::array<std::uint32_t, 256>, 4>& counts, std::size_t total) noexcept {
  if (total == 0) return 0.0;
  double sum_c_log_c = 0.0;
  for (std::size_t b = 0; b < 256; ++b) {
    const double c = static_cast<double>(counts[0][b] + counts[1][b] + counts[2][b] + counts[3][b]);
    if (c > 0) sum_c_log_c += c * std::log2(c);
  }
  const double n = static_cast<double>(total);
  return std::log2(n) - sum_c_log_c / n;  // -sum p log2 p with p = c / n
}

}  // namespace

ByteEntropy byte_entropy(std::span<const unsigned char> data) noexcept {
  // Four histograms of each kind break the dependency between consecutive increments of one
  // counter (long runs of one byte are common: zero high bytes).
  std::array<std::array<std::uint32_t, 256>, 4> values{};
  std::array<std::array<std::uint32_t, 256>, 4> steps{};
  const std::size_t n = data.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++values[0][data[i]];
    ++values[1][data[i + 1]];
    ++values[2][data[i + 2]];
    ++values[3][data[i + 3]];
    if (i > 0) ++steps[0][static_cast<unsigned char>(data[i] - data[i - 1])];
    ++steps[1][static_cast<unsigned char>(data[i + 1] - data[i])];
    ++steps[2][static_cast<unsigned char>(data[i + 2] - data[i + 1])];
    ++steps[3][static_cast<unsigned char>(data[i + 3] - data[i + 2])];
  }
  for (; i < n; ++i) {
    ++values[0][data[i]];
    if (i > 0) ++steps[0][static_cast<unsigned char>(data[i] - data[i - 1])];
  }
  return {entropy_bits(values, n), entropy_bits(steps, n > 0 ? n - 1 : 0)};
}

void shuffle_deflate(std::span<const unsigned char> chunk, std::size_t element_size, int level,
                     std::vector<unsigned char>& out) {
  WATTSIM_ASSERT(element_size > 0 && chunk.size() % element_size == 0, chunk.size(), element_size);
  WATTSIM_ASSERT(level >= 1 && level <= 9, level);
  const std::size_t n = chunk.size() / element_size;
  // HDF5's shuffle filter: plane b holds byte b of every element, in element order.
  // Tiles of kTile elements keep the source bytes in L1 while every plane takes its share.
  std::vector<unsigned char> planes(chunk.size());
  constexpr std::size_t kTile = 64;
  for (std::size_t first = 0; first < n; first += kTile) {
    const std::size_t last = std::min(first + kTile, n);
    for (std::size_t b = 0; b < element_size; ++b) {
      unsigned char* plane = planes.data() + b * n;
      for (std::size_t i = first; i < last; ++i) plane[i] = chunk[i * element_size + b];
    }
  }

  Deflater deflater(level);
  z_stream& z = deflater.stream;
  // Each change between stored and compressed planes ends a deflate block: a few bytes each.
  out.resize(deflateBound(&z, static_cast<uLong>(chunk.size())) + 16 * element_size + 64);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int current_level = level;
  for (std::size_t b = 0; b < element_size; ++b) {
    const std::span<const unsigned char> plane(planes.data() + b * n, n);
    const ByteEntropy entropy = byte_entropy(plane);
    const bool noise = entropy.of_values > kNoiseValueEntropyBits && entropy.of_steps > kNoiseStepEntropyBits;
    const int plane_level = noise ? 0 : level;
    if (plane_level != current_level) {
      // Compresses what came before at the old level, then switches.
      if (deflateParams(&z, plane_level, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("cannot change the zlib compression level");
      }
      current_level = plane_level;
    }
    z.next_in = const_cast<Bytef*>(plane.data());  // zlib's API is not const-correct
    z.avail_in = static_cast<uInt>(plane.size());
    const bool last = b + 1 == element_size;
    const int status = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
    if (last ? status != Z_STREAM_END : (status != Z_OK || z.avail_in != 0)) {
      throw std::runtime_error("zlib compression failed (status " + std::to_string(status) + ")");
    }
  }
  out.resize(z.total_out);
}

std::vector<std::vector<unsigned char>> shuffle_deflate_all(std::span<const std::span<const unsigned char>> chunks,
                                                            std::size_t element_size, int level, unsigned max_threads) {
  std::vector<std::vector<unsigned char>> encoded(chunks.size());
  if (max_threads == 0) max_threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  const std::size_t thread_count = std::min<std::size_t>(max_threads, chunks.size());
  std::vector<std::exception_ptr> errors(chunks.size());
  std::atomic<std::size_t> next{0};
  // Each thread takes the next chunk not yet taken; every chunk is encoded independently.
  const auto work = [&] {
    for (std::size_t i = next++; i < chunks.size(); i = next++) {
      try {
        shuffle_deflate(chunks[i], element_size, level, encoded[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < thread_count; ++t) helpers.emplace_back(work);
    work();
  }
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return encoded;
}

}  // namespace wattsim::results
