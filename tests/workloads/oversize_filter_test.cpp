#include "workloads/oversize_filter.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "workloads/generator.hpp"
#include "workloads/merged_source.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using workloads::Job;
using workloads::OversizeFilter;

namespace {

// A stream of jobs of the given sizes, one per second, that says where each came from.
class LocatedSource final : public workloads::JobSource {
 public:
  explicit LocatedSource(std::vector<std::uint32_t> sizes) : sizes_(std::move(sizes)) {}
  std::optional<Job> next() override {
    if (i_ == sizes_.size()) return std::nullopt;
    Job j;
    j.id = i_;
    j.submit = SimTime::seconds(static_cast<std::int64_t>(i_));
    j.accelerators = sizes_[i_++];
    return j;
  }
  std::string location() const override { return "jobs.csv:" + std::to_string(i_ + 1); }

 private:
  std::vector<std::uint32_t> sizes_;
  std::size_t i_ = 0;
};

std::string read_file(std::FILE* f) {
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text.push_back(static_cast<char>(c));
  return text;
}

}  // namespace

TEST_CASE("oversize jobs stop the stream at their location by default", "[workloads][oversize]") {
  OversizeFilter filter(std::make_unique<LocatedSource>(std::vector<std::uint32_t>{8, 1024, 4096, 8}), 1024,
                        OversizeFilter::Mode::kError, nullptr);
  CHECK(filter.next()->accelerators == 8);
  CHECK(filter.next()->accelerators == 1024);  // exactly the largest site fits
  try {
    filter.next();
    FAIL("no error for a job larger than the largest site");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == "jobs.csv:4");
    CHECK(e.diagnostics()[0].message ==
          "job 2 needs 4096 accelerators; the largest site has 1024; set workload.oversize to \"skip\" to drop such "
          "jobs");
  }
  // The stream goes on after the error (wattsim check lists every bad row).
  CHECK(filter.next()->id == 3);
  CHECK_FALSE(filter.next());
  CHECK(filter.skipped() == 0);
}

TEST_CASE("skipped oversize jobs are counted, with one warning at the first", "[workloads][oversize]") {
  std::FILE* warnings = std::tmpfile();
  REQUIRE(warnings != nullptr);
  OversizeFilter filter(std::make_unique<LocatedSource>(std::vector<std::uint32_t>{2000, 8, 4096, 1025, 16}), 1024,
                        OversizeFilter::Mode::kSkip, warnings);
  std::vector<std::uint64_t> ids;
  while (auto j = filter.next()) ids.push_back(j->id);
  CHECK(ids == std::vector<std::uint64_t>{1, 4});
  CHECK(filter.skipped() == 3);
  const std::string text = read_file(warnings);
  std::fclose(warnings);
  CHECK(text ==
        "wattsim: warning: jobs.csv:2: job 0 needs 2000 accelerators; the largest site has 1024: skipped "
        "(workload.oversize is \"skip\"); later such jobs are skipped without a warning and counted in the summary "
        "(jobs_skipped_oversize)\n");
}

TEST_CASE("merged generators say which generator a job came from", "[workloads][oversize][merged]") {
  workloads::GeneratorSpec small;
  small.arrivals.rate_per_s = 1.0;
  small.sizes = {{8}, {1.0}};
  small.max_jobs = 50;
  workloads::GeneratorSpec big = small;
  big.sizes = {{4096}, {1.0}};
  const simcore::RandomStreams rng(7);
  std::vector<std::unique_ptr<workloads::JobSource>> sources;
  sources.push_back(std::make_unique<workloads::JobGenerator>(small, rng, "generator[0]/"));
  sources.push_back(std::make_unique<workloads::JobGenerator>(big, rng, "generator[1]/"));
  workloads::MergedJobSource merged(std::move(sources));
  std::size_t checked = 0;
  while (auto j = merged.next()) {
    REQUIRE(merged.location() == (j->accelerators == 8 ? "generator[0]" : "generator[1]"));
    ++checked;
  }
  CHECK(checked == 100);
  CHECK(workloads::VectorJobSource({}).location().empty());  // nothing to say by default
}
