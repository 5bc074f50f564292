#pragma once
// Encodes dataset chunks exactly as HDF5's shuffle + deflate filters store them, so that
// ResultWriter can compress chunks on several threads and write them with H5Dwrite_chunk; any
// HDF5 reader (h5py, h5dump, the C library) decodes them with its own filters.
//
// Shuffle puts byte k of every element into plane k. In simulator output the planes holding
// exponents, small integers and counters compress well, while the low mantissa bytes of
// computed doubles are noise that deflate spends most of its time failing to compress. A plane
// whose bytes have an entropy above kNoiseValueEntropyBits and whose steps between consecutive
// bytes have one above kNoiseStepEntropyBits is therefore written as stored (uncompressed)
// deflate blocks, the others at the requested level: the result is still one standard zlib
// stream. (The steps catch counters and slowly rising times: the low byte of 60 * i takes every
// value equally often, yet repeats with period 64.)
//
// On 1M /jobs rows (52 MB: Poisson arrivals, exponential waits, lognormal durations), one
// thread, level 1: 0.18 s for 31.0 MB; zlib level 1 over every shuffled plane (what HDF5's
// filters do) takes 0.74 s for 31.2 MB, and 0.88 s for 34.6 MB without shuffle.

#include <cstddef>
#include <span>
#include <vector>

namespace wattsim::results {

// Planes above both entropies (bits per byte, of 8) are stored, not compressed: on /jobs
// planes, deflate level 1 saved less than 1% of planes with entropies (7.99, 5.4) or
// (7.98, 6.5), and 36% of one with (7.98, 2.7), where it took twice as long as on noise.
inline constexpr double kNoiseValueEntropyBits = 7.0;
inline constexpr double kNoiseStepEntropyBits = 4.0;

// Encodes one chunk (a whole number of elements of element_size bytes) as shuffle then deflate
// at level 1-9 would, into out (resized to the encoded length).
void shuffle_deflate(std::span<const unsigned char> chunk, std::size_t element_size, int level,
                     std::vector<unsigned char>& out);

// Encodes every chunk, on up to max_threads threads (0: one per hardware thread, at most 8);
// encoded[i] holds chunk i. The bytes do not depend on the number of threads.
std::vector<std::vector<unsigned char>> shuffle_deflate_all(std::span<const std::span<const unsigned char>> chunks,
                                                            std::size_t element_size, int level,
                                                            unsigned max_threads = 0);

// Order-0 entropy in bits per byte (0-8) of the bytes of data and of the steps between
// consecutive bytes (data[i] - data[i - 1] modulo 256).
struct ByteEntropy {
  double of_values;
  double of_steps;
};
ByteEntropy byte_entropy(std::span<const unsigned char> data) noexcept;

}  // namespace wattsim::results
