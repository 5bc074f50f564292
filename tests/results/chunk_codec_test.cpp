#include "results/chunk_codec.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "results/hdf5.hpp"

using namespace wattsim::results;

namespace {

// Writes `chunks` encoded by shuffle_deflate into a 1-D dataset that declares the shuffle and
// deflate filters, then reads it back with H5Dread: HDF5's own filters decode every chunk.
std::vector<unsigned char> decode_with_hdf5(const std::vector<std::vector<unsigned char>>& chunks,
                                            const std::vector<unsigned char>& raw, std::size_t element_size,
                                            std::size_t chunk_elements) {
  h5::silence_error_printing();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("wattsim_codec_test_" + std::to_string(::getpid()) + ".h5")).string();
  const std::string what = "run the codec test";
  std::vector<unsigned char> decoded(raw.size());
  {
    const h5::Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, path, what);
    const h5::Handle type(H5Tcreate(H5T_OPAQUE, element_size), H5Tclose, path, what);
    h5::check(H5Tset_tag(type.get(), "bytes"), path, what);
    const hsize_t rows = raw.size() / element_size;
    const h5::Handle space(H5Screate_simple(1, &rows, nullptr), H5Sclose, path, what);
    const h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, path, what);
    const hsize_t chunk = chunk_elements;
    h5::check(H5Pset_chunk(dcpl.get(), 1, &chunk), path, what);
    h5::check(H5Pset_shuffle(dcpl.get()), path, what);
    h5::check(H5Pset_deflate(dcpl.get(), 1), path, what);
    const h5::Handle dataset(
        H5Dcreate2(file.get(), "data", type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose, path,
        what);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const hsize_t offset = i * chunk_elements;
      h5::check(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, &offset, chunks[i].size(), chunks[i].data()), path, what);
    }
    h5::check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, decoded.data()), path, what);
  }
  std::filesystem::remove(path);
  return decoded;
}

// Packed rows of element_size bytes: a counter, a smooth double, noise doubles, a small integer.
std::vector<unsigned char> simulator_like_rows(std::size_t rows, std::size_t element_size, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> noise(0.0, 1e4);
  std::vector<unsigned char> bytes(rows * element_size);
  for (std::size_t i = 0; i < rows; ++i) {
    unsigned char* row = &bytes[i * element_size];
    const std::uint64_t counter = i;
    const double smooth = 4.0e5 + static_cast<double>(i) * 0.5;
    std::memcpy(row, &counter, std::min<std::size_t>(8, element_size));
    for (std::size_t at = 8; at + 8 <= element_size; at += 8) {
      const double value = at == 8 ? smooth : noise(gen);
      std::memcpy(row + at, &value, 8);
    }
    if (element_size % 8 == 4) {
      const std::uint32_t small = static_cast<std::uint32_t>(1 + i % 8);
      std::memcpy(row + element_size - 4, &small, 4);
    }
  }
  return bytes;
}

}  // namespace

TEST_CASE("byte entropy of values and of steps", "[results][codec]") {
  std::vector<unsigned char> data(4096, 7);
  CHECK(byte_entropy(data).of_values == 0.0);
  CHECK(byte_entropy(data).of_steps == 0.0);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i % 2 == 0 ? 3 : 200);
  CHECK(byte_entropy(data).of_values == Approx(1.0).margin(1e-12));
  CHECK(byte_entropy(data).of_steps == Approx(1.0).margin(1e-3));  // +197 and -197, one fewer step
  // A counter: every value equally often, one constant step.
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i % 256);
  CHECK(byte_entropy(data).of_values == Approx(8.0).margin(1e-12));
  CHECK(byte_entropy(data).of_steps == 0.0);
  data.resize(4099);  // a length that is not a multiple of the four histograms
  data[4096] = 100;
  data[4097] = 0;
  data[4098] = 0;
  CHECK(byte_entropy(data).of_values < 8.0);
  CHECK(byte_entropy(data).of_steps > 0.0);
  std::mt19937_64 gen(1);
  for (auto& x : data) x = static_cast<unsigned char>(gen());
  CHECK(byte_entropy(data).of_values > 7.9);
  CHECK(byte_entropy(data).of_steps > 7.9);
  CHECK(byte_entropy({}).of_values == 0.0);
}

TEST_CASE("HDF5's shuffle and deflate filters decode shuffle_deflate's chunks", "[results][codec]") {
  // Widths below, at and above the 8-byte blocks of the shuffle, odd ones (a /jobs row), and
  // chunks whose length is not a multiple of its 8-element blocks or 64-element tiles.
  const std::size_t element_size = GENERATE(std::size_t{5}, std::size_t{8}, std::size_t{52}, std::size_t{213});
  const int level = GENERATE(1, 9);
  const std::size_t kChunkElements = GENERATE(std::size_t{4096}, std::size_t{4099});
  CAPTURE(element_size, level, kChunkElements);
  const auto raw = simulator_like_rows(3 * kChunkElements, element_size, 11);
  std::vector<std::span<const unsigned char>> chunks;
  for (std::size_t c = 0; c < 3; ++c) {
    chunks.emplace_back(&raw[c * kChunkElements * element_size], kChunkElements * element_size);
  }
  const auto encoded = shuffle_deflate_all(chunks, element_size, level);
  REQUIRE(encoded.size() == 3);
  CHECK(decode_with_hdf5(encoded, raw, element_size, kChunkElements) == raw);
}

TEST_CASE("shuffle_deflate compresses regular planes and stores noise", "[results][codec]") {
  constexpr std::size_t kElements = 8192;
  std::vector<double> smooth(kElements);
  for (std::size_t i = 0; i < kElements; ++i) smooth[i] = static_cast<double>(i) * 60.0;
  std::vector<unsigned char> encoded;
  shuffle_deflate({reinterpret_cast<const unsigned char*>(smooth.data()), kElements * 8}, 8, 1, encoded);
  CHECK(encoded.size() < kElements * 8 / 10);  // zlib alone over the shuffled bytes: 5012 bytes

  std::mt19937_64 gen(5);
  std::vector<std::uint64_t> noise(kElements);
  for (auto& x : noise) x = gen();
  shuffle_deflate({reinterpret_cast<const unsigned char*>(noise.data()), kElements * 8}, 8, 1, encoded);
  // Stored blocks: the input plus a few bytes per block and the zlib header and checksum.
  CHECK(encoded.size() >= kElements * 8);
  CHECK(encoded.size() <= kElements * 8 + 8 * 16 + 64);
}

TEST_CASE("shuffle_deflate_all gives the same bytes on any number of threads", "[results][codec]") {
  constexpr std::size_t kChunkElements = 2048;
  const auto raw = simulator_like_rows(7 * kChunkElements, 52, 3);
  std::vector<std::span<const unsigned char>> chunks;
  for (std::size_t c = 0; c < 7; ++c) chunks.emplace_back(&raw[c * kChunkElements * 52], kChunkElements * 52);
  const auto one = shuffle_deflate_all(chunks, 52, 4, 1);
  const auto four = shuffle_deflate_all(chunks, 52, 4, 4);
  CHECK(one == four);
  for (std::size_t c = 0; c < 7; ++c) {
    std::vector<unsigned char> single;
    shuffle_deflate(chunks[c], 52, 4, single);
    CHECK(single == one[c]);
  }
}
