#pragma once
// A fresh folder under the system's temporary directory for one test, removed at the end.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace wattsim::test {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name = "test") {
    path = std::filesystem::temp_directory_path() / ("wattsim-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  // Writes `bytes` to a file in the folder and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
    return file(name);
  }
};

}  // namespace wattsim::test
