// results::is_result_set: told from files made with the HDF5 C API, text and nothing, without
// HDF5 printing to stderr.

#include <hdf5.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "results/result_reader.hpp"
#include "tests/support/temp_dir.hpp"

using wattsim::results::is_result_set;
namespace fs = std::filesystem;

namespace {

// An HDF5 file with, optionally, a /meta group holding, optionally, a string attribute `name`;
// `userblock` bytes before the HDF5 data (0, or a power of two >= 512).
void write_hdf5(const std::string& path, bool meta, const char* name, hsize_t userblock = 0) {
  const hid_t create = H5Pcreate(H5P_FILE_CREATE);
  if (userblock > 0) H5Pset_userblock(create, userblock);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, create, H5P_DEFAULT);
  REQUIRE(file >= 0);
  if (meta) {
    const hid_t group = H5Gcreate2(file, "/meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (name != nullptr) {
      const hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, 5);
      const hid_t space = H5Screate(H5S_SCALAR);
      const hid_t attribute = H5Acreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
      H5Awrite(attribute, type, "0.1.0");
      H5Aclose(attribute);
      H5Sclose(space);
      H5Tclose(type);
    }
    H5Gclose(group);
  }
  H5Fclose(file);
  H5Pclose(create);
}

// What `fn` writes to stderr (file descriptor 2).
template <class Fn>
std::string stderr_of(const wattsim::test::TempDir& dir, Fn&& fn) {
  const std::string path = dir.file("stderr.txt");
  std::fflush(stderr);
  const int saved = ::dup(2);
  std::FILE* capture = std::fopen(path.c_str(), "w");
  ::dup2(::fileno(capture), 2);
  fn();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(capture);
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a result set is an HDF5 file whose /meta group has a wattsim_version", "[results]") {
  wattsim::test::TempDir dir("is-result-set");
  write_hdf5(dir.file("result.h5"), true, "wattsim_version");
  write_hdf5(dir.file("userblock.h5"), true, "wattsim_version", 1024);
  write_hdf5(dir.file("no-meta.h5"), false, nullptr);
  write_hdf5(dir.file("no-version.h5"), true, "other");
  CHECK(is_result_set(dir.file("result.h5")));
  CHECK(is_result_set(dir.file("userblock.h5")));
  CHECK_FALSE(is_result_set(dir.file("no-meta.h5")));
  CHECK_FALSE(is_result_set(dir.file("no-version.h5")));
  CHECK_FALSE(is_result_set(dir.write("notes.txt", "my notes\n")));
  CHECK_FALSE(is_result_set(dir.write("empty.h5", "")));
  CHECK_FALSE(is_result_set(dir.file("absent.h5")));
  CHECK_FALSE(is_result_set(dir.path.string()));
  fs::create_symlink(dir.file("result.h5"), dir.path / "link.h5");
  CHECK(is_result_set(dir.file("link.h5")));
  // The signature alone, then garbage: HDF5 is asked and fails, silently.
  const std::string fake = dir.write("fake.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(600, 'x'));
  std::string printed = stderr_of(dir, [&] { CHECK_FALSE(is_result_set(fake)); });
  CHECK(printed.empty());
  printed = stderr_of(dir, [&] { CHECK_FALSE(is_result_set(dir.file("notes.txt"))); });
  CHECK(printed.empty());
}
