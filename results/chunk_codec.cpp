#include "results/chunk_codec.hpp"

#include <zlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

// HDF5's shuffle: plane b (n bytes at planes + b * n) holds byte b of each of the n elements, in
// element order. Tiles of kTile elements keep the source bytes in L1 while every plane takes its
// share. Within a tile, blocks of 8 elements x 8 bytes are transposed in SSE2 registers, 8 planes
// at a time: the planes lie n bytes apart (a multiple of 4 KiB), so writing to all of them at
// once would keep evicting each other from the cache.
void shuffle_planes(const unsigned char* src, std::size_t n, std::size_t element_size, unsigned char* planes) noexcept {
  constexpr std::size_t kTile = 64;
  const std::size_t es = element_size;
  for (std::size_t first = 0; first < n; first += kTile) {
    const std::size_t last = std::min(first + kTile, n);
    const std::size_t blocked = first + (last - first) / 8 * 8;  // elements [first, blocked) in blocks of 8
    std::size_t b = 0;
#if defined(__SSE2__)
    for (; b + 8 <= es; b += 8) {
      for (std::size_t i = first; i < blocked; i += 8) {
        const unsigned char* rows = src + i * es + b;
        const auto load = [&](std::size_t k) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows + k * es)); };
        // Rows 0-7, bytes b..b+7 -> planes b..b+7, bytes i..i+7: interleave bytes, then pairs, then quads.
        const __m128i t0 = _mm_unpacklo_epi8(load(0), load(1)), t1 = _mm_unpacklo_epi8(load(2), load(3));
        const __m128i t2 = _mm_unpacklo_epi8(load(4), load(5)), t3 = _mm_unpacklo_epi8(load(6), load(7));
        const __m128i u0 = _mm_unpacklo_epi16(t0, t1), u1 = _mm_unpackhi_epi16(t0, t1);
        const __m128i u2 = _mm_unpacklo_epi16(t2, t3), u3 = _mm_unpackhi_epi16(t2, t3);
        const __m128i v[4] = {_mm_unpacklo_epi32(u0, u2), _mm_unpackhi_epi32(u0, u2), _mm_unpacklo_epi32(u1, u3),
                              _mm_unpackhi_epi32(u1, u3)};
        for (std::size_t q = 0; q < 4; ++q) {
          _mm_storel_epi64(reinterpret_cast<__m128i*>(planes + (b + 2 * q) * n + i), v[q]);
          _mm_storel_epi64(reinterpret_cast<__m128i*>(planes + (b + 2 * q + 1) * n + i), _mm_unpackhi_epi64(v[q], v[q]));
        }
      }
      for (std::size_t k = b; k < b + 8; ++k) {  // the tile's last elements, short of a block
        for (std::size_t i = blocked; i < last; ++i) planes[k * n + i] = src[i * es + k];
      }
    }
#endif
    for (; b < es; ++b) {
      unsigned char* plane = planes + b * n;
      for (std::size_t i = first; i < last; ++i) plane[i] = src[i * es + b];
    }
  }
}

}  // namespace

void shuffle_deflate(std::span<const unsigned char> chunk, std::size_t element_size, int level,
                     std::vector<unsigned char>& out) {
  WATTSIM_ASSERT(element_size > 0 && chunk.size() % element_size == 0, chunk.size(), element_size);
  WATTSIM_ASSERT(level >= 1 && level <= 9, level);
  const std::size_t n = chunk.size() / element_size;
  // HDF5's shuffle filter: plane b holds byte b of every element, in element order.
  // Tiles of kTile elements keep the source bytes in L1 while every plane takes its share.
  std::vector<unsigned char> planes(chunk.size());
  shuffle_planes(chunk.data(), n, element_size, planes.data());

  Deflater deflater(level);
  z_stream& z = deflater.stream;
  // Each change between stored and compressed planes ends a deflate block: a few bytes each.
  out.resize(deflateBound(&z, static_cast<uLong>(chunk.size())) + 16 * element_size + 64);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int current_level = level;
  for (std::size_t b = 0; b < element_size; ++b) {
    const std::span<const unsigned char> plane(planes.data() + b * n, n);
    // A constant plane (zero high bytes, NUL padding, NaN patterns) is no noise: skip counting.
    const bool constant = std::all_of(plane.begin(), plane.end(), [&](unsigned char c) { return c == plane[0]; });
    const ByteEntropy entropy = constant ? ByteEntropy{0.0, 0.0} : byte_entropy(plane);
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
