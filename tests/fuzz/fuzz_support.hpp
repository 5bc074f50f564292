#pragma once
// What the fuzz harnesses share (tests/fuzz/README.md): a scratch folder for the input files
// the readers open, the rule that an InputError is the expected outcome of bad input, and a
// check for the promises a reader makes about what it accepts.
//
// Each harness defines LLVMFuzzerTestOneInput. It is built twice: with libFuzzer (clang,
// `make fuzz`) to explore, and with replay_main.cpp (any compiler, `make test`) to replay the
// corpus and the regression inputs deterministically.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "simcore/error.hpp"

namespace wattsim::fuzz {

// A folder of this process, made on first use and removed at exit: under $TMPDIR when set, else
// in /dev/shm when there is one (memory: a disk-backed /tmp can cost milliseconds a file, a
// hundred times the reader's work), else under the system's temporary directory.
class ScratchDir {
 public:
  static const std::filesystem::path& path() {
    static const ScratchDir dir;
    return dir.path_;
  }

 private:
  ScratchDir() {
    std::error_code error;
    const bool shm = std::getenv("TMPDIR") == nullptr && std::filesystem::is_directory("/dev/shm", error) &&
                     ::access("/dev/shm", W_OK) == 0;
    const std::filesystem::path parent =
        shm ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    std::string pattern = (parent / "wattsim-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("fuzz: cannot make a folder " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path path_;
};

// Writes `bytes` to `name` in the scratch folder (replacing it) and returns its path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::filesystem::path file = ScratchDir::path() / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("fuzz: cannot write " + file.string());
  return file.string();
}

// Runs fn(): returning or throwing simcore::InputError is a pass (bad input, reported with
// where and what). Anything else it throws escapes, and libFuzzer (or the replay driver,
// through std::terminate) reports it as a finding.
template <class Fn>
void expect_input_error(Fn&& fn) {
  try {
    fn();
  } catch (const simcore::InputError&) {
  }
}

[[noreturn]] inline void check_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace wattsim::fuzz

// A promise the reader makes about what it accepts (finite values, increasing times, ...):
// a violation aborts, which libFuzzer records as a crash.
#define WATTSIM_FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::wattsim::fuzz::check_failed(#condition, __FILE__, __LINE__))

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
