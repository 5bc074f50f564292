// Fuzzes traces::JobCsvReader (the project's job CSV). Input: one byte picking the default
// beta (byte / 255, in [0, 1]), then the CSV file.
//
// Promises checked for every job read: rows sorted by submit time, submit >= 0, at least one
// accelerator, utilisation and beta in [0, 1], work finite and >= 0.

#include <cmath>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"
#include "traces/job_csv.hpp"

using namespace wattsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const double default_beta = data[0] / 255.0;
  const std::string path =
      fuzz::write_file("jobs.csv", std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  fuzz::expect_input_error([&] {
    traces::JobCsvReader reader(path, {default_beta});
    simcore::SimTime previous = simcore::SimTime::zero();
    while (const auto job = reader.next()) {
      WATTSIM_FUZZ_CHECK(job->submit >= previous);
      WATTSIM_FUZZ_CHECK(job->accelerators >= 1);
      WATTSIM_FUZZ_CHECK(job->utilisation >= 0.0 && job->utilisation <= 1.0);
      WATTSIM_FUZZ_CHECK(job->beta >= 0.0 && job->beta <= 1.0);
      WATTSIM_FUZZ_CHECK(std::isfinite(job->work) && job->work >= 0.0);
      previous = job->submit;
    }
  });
  return 0;
}
