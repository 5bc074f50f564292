#include "workloads/generator.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "simcore/error.hpp"
#include "workloads/merged_source.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using workloads::GeneratorSpec;
using workloads::JobGenerator;

namespace {
GeneratorSpec spec() {
  GeneratorSpec g;
  g.arrivals.rate_per_s = 0.01;  // one job per 100 s
  g.sizes.accelerators = {1, 8};
  g.sizes.weights = {3, 1};
  g.durations.median_s = 3600;
  g.durations.sigma = 1.0;
  g.utilisation = {0.5, 1.0};
  g.beta = {0.7, 0.7};
  g.max_jobs = 20000;
  return g;
}
}  // namespace

TEST_CASE("generated jobs follow the distributions asked for", "[workloads][generator]") {
  JobGenerator gen(spec(), simcore::RandomStreams(7));
  std::map<std::uint32_t, int> sizes;
  std::vector<double> durations;
  double last = 0, util_sum = 0;
  std::uint64_t n = 0;
  while (auto j = gen.next()) {
    CHECK(j->id == n);
    CHECK(j->submit.to_seconds() >= last);
    last = j->submit.to_seconds();
    ++sizes[j->accelerators];
    durations.push_back(j->duration_s());
    util_sum += j->utilisation;
    CHECK(j->utilisation >= 0.5);
    CHECK(j->utilisation <= 1.0);
    CHECK(j->beta == 0.7);
    ++n;
  }
  CHECK(n == 20000);
  const double count = static_cast<double>(n);
  CHECK(last / count == Approx(100.0).epsilon(0.03));  // mean gap
  CHECK(sizes[1] / count == Approx(0.75).margin(0.015));
  CHECK(sizes.size() == 2);
  std::sort(durations.begin(), durations.end());
  CHECK(durations[n / 2] == Approx(3600.0).epsilon(0.05));  // the median of a lognormal
  CHECK(util_sum / count == Approx(0.75).margin(0.01));
}

TEST_CASE("the diurnal rate follows the cosine, peaking at the given time of day", "[workloads][generator]") {
  GeneratorSpec g = spec();
  g.arrivals.diurnal_amplitude = 0.8;
  g.arrivals.diurnal_peak = SimTime::hours(14);
  g.max_jobs = 50000;
  JobGenerator gen(g, simcore::RandomStreams(3));
  std::vector<int> by_hour(24, 0);
  while (auto j = gen.next()) ++by_hour[static_cast<std::size_t>(std::fmod(j->submit.to_hours(), 24.0))];
  const auto peak = std::max_element(by_hour.begin(), by_hour.end()) - by_hour.begin();
  CHECK(std::abs(peak - 14) <= 1);
  // Rate ratio peak/trough = (1 + a) / (1 - a) = 9.
  CHECK(static_cast<double>(by_hour[14]) / by_hour[2] == Approx(9.0).epsilon(0.25));
}

TEST_CASE("empirical durations are drawn from the given values", "[workloads][generator]") {
  GeneratorSpec g = spec();
  g.durations.kind = workloads::DurationSpec::Kind::kEmpirical;
  g.durations.values_s = {60, 600};
  g.durations.weights = {1, 1};
  g.max_jobs = 2000;
  JobGenerator gen(g, simcore::RandomStreams(1));
  int short_jobs = 0;
  while (auto j = gen.next()) {
    CHECK((j->duration_s() == Approx(60.0) || j->duration_s() == Approx(600.0)));
    short_jobs += j->duration_s() < 100 ? 1 : 0;
  }
  CHECK(short_jobs == Approx(1000).margin(80));
}

TEST_CASE("the same seed gives the same jobs and other stream names give other jobs", "[workloads][generator]") {
  JobGenerator a(spec(), simcore::RandomStreams(5)), b(spec(), simcore::RandomStreams(5));
  JobGenerator c(spec(), simcore::RandomStreams(5), "batch/");
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next(), y = b.next(), z = c.next();
    CHECK(x->submit == y->submit);
    CHECK(x->work == y->work);
    differs = differs || x->submit != z->submit;
  }
  CHECK(differs);
}

TEST_CASE("a generator stops at its job count or end time", "[workloads][generator]") {
  GeneratorSpec g = spec();
  g.max_jobs.reset();
  g.until = SimTime::hours(10);
  JobGenerator gen(g, simcore::RandomStreams(2));
  std::uint64_t n = 0;
  while (auto j = gen.next()) {
    CHECK(j->submit < SimTime::hours(10));
    ++n;
  }
  CHECK(n == Approx(360).margin(60));
}

TEST_CASE("invalid generator specs are refused", "[workloads][generator]") {
  GeneratorSpec g = spec();
  g.arrivals.rate_per_s = 0;
  CHECK_THROWS_AS(JobGenerator(g, simcore::RandomStreams(1)), simcore::InputError);
  g = spec();
  g.sizes.weights = {1};
  CHECK_THROWS_AS(JobGenerator(g, simcore::RandomStreams(1)), simcore::InputError);
  g = spec();
  g.utilisation = {0.9, 0.5};
  CHECK_THROWS_AS(JobGenerator(g, simcore::RandomStreams(1)), simcore::InputError);
}

TEST_CASE("merged sources interleave by submit time and renumber the jobs", "[workloads][merged]") {
  const auto job = [](std::uint64_t id, double t) {
    workloads::Job j;
    j.id = id;
    j.submit = SimTime::from_seconds(t);
    return j;
  };
  std::vector<std::unique_ptr<workloads::JobSource>> sources;
  sources.push_back(std::make_unique<workloads::VectorJobSource>(std::vector{job(0, 1), job(1, 5), job(2, 9)}));
  sources.push_back(std::make_unique<workloads::VectorJobSource>(std::vector{job(0, 0), job(1, 5), job(2, 6)}));
  workloads::MergedJobSource merged(std::move(sources));
  std::vector<double> times;
  std::vector<std::uint64_t> ids;
  while (auto j = merged.next()) {
    times.push_back(j->submit.to_seconds());
    ids.push_back(j->id);
  }
  CHECK(times == std::vector<double>{0, 1, 5, 5, 6, 9});
  CHECK(ids == std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5});
}
