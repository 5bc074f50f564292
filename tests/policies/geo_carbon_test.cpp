// Tests of the routers geo-carbon and follow-the-renewables (policies/geo_carbon.hpp).
//
// Hardware: sites of one bench node each (test::BenchHardware: 8 GPUs, one p-state, so a job
// runs at full speed), PUE 1: node n is site n. Every job takes a whole node (8 GPUs) for
// 1000 s. FIFO + first-fit schedule; the router is the only manager.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/forecast/forecast.hpp"
#include "policies/geo_carbon.hpp"
#include "tests/policies/carbon_fixture.hpp"

using namespace wattsim;
using namespace wattsim::test::carbon;
using Catch::Matchers::Contains;
using simcore::SimTime;

namespace {

constexpr auto kCarbon = static_cast<std::size_t>(datacenter::Signal::kCarbon);
constexpr auto kMarginal = static_cast<std::size_t>(datacenter::Signal::kCarbonMarginal);
constexpr auto kRenewable = static_cast<std::size_t>(datacenter::Signal::kRenewable);

workloads::Job job(std::uint64_t id, double submit_s, double data_gb, std::uint32_t home) {
  workloads::Job j = test::job(id, submit_s, 8, 1000, 1.0);
  j.data_gb = data_gb;
  j.home_site = home;
  return j;
}

// Where job `id` ran: its site (one node per site in these tests, so also its node).
std::uint32_t node_of(const Run& r, std::uint64_t id) {
  return r.rec.row(id).rec.site;
}

}  // namespace

TEST_CASE("geo-carbon fills the cleanest site first, then the next cleanest, and pays each transfer",
          "[policies][geo]") {
  // Sites 0/1/2 at 400/50/200 g/kWh; every job's 100 GB sit at site 0 (home). Link 10 Gbit/s:
  // a transfer takes 100 x 8 / 10 = 80 s and 100 x 0.004 kWh = 0.4 kWh = 1.44e6 J.
  //   J0 at 0 s: all free -> site 1 (50); in transfer 0-80 s, starts at 80 s.
  //   J1 at 1 s: site 1 is taken by J0 (routed, not started) -> site 2 (200); starts at 81 s.
  //   J2 at 2 s: sites 1, 2 taken -> site 0 (400), its home: no transfer, starts at 2 s.
  //   J3 at 3 s: no site can start it now -> the cleanest large enough: site 1; it arrives at
  //     83 s and waits for J0 (80-1080 s): starts at 1080 s.
  // Three transfers: 3 x 1.44e6 = 4.32e6 J, charged at the leaving site's (0) 400 g/kWh:
  // 3 x 0.4 kWh x 400 g/kWh = 480 g = 0.48 kg.
  test::BenchHardware hw;
  const auto config = sites_with(hw, {hourly({400}), hourly({50}), hourly({200})});
  auto policy = fifo_with("geo-carbon", {{"energy_per_gb", 0.004}});
  const auto r = run(config, {job(0, 0, 100, 0), job(1, 1, 100, 0), job(2, 2, 100, 0), job(3, 3, 100, 0)}, *policy);
  REQUIRE(r.summary.jobs_completed == 4);
  CHECK(node_of(r, 0) == 1);
  CHECK(node_of(r, 1) == 2);
  CHECK(node_of(r, 2) == 0);
  CHECK(node_of(r, 3) == 1);
  CHECK(r.rec.row(0).rec.start == SimTime::seconds(80));  // 100 GB x 8 / 10 Gbit/s
  CHECK(r.rec.row(1).rec.start == SimTime::seconds(81));
  CHECK(r.rec.row(2).rec.start == SimTime::seconds(2));  // home: no transfer
  CHECK(r.rec.row(3).rec.start == SimTime::seconds(1080));
  CHECK(r.summary.transfers == 3);
  CHECK(r.summary.transfer_energy_j == Approx(3 * 100 * 0.004 * 3.6e6).epsilon(1e-12));
  CHECK(r.summary.transfer_kg == Approx(0.48).epsilon(1e-12));
  CHECK(r.figure("geo_jobs_to_0") == 1.0);
  CHECK(r.figure("geo_jobs_to_1") == 2.0);
  CHECK(r.figure("geo_jobs_to_2") == 1.0);
  CHECK(r.figure("geo_transfers") == 3.0);
  CHECK(r.figure("geo_gb_moved") == 300.0);
}

TEST_CASE("geo-carbon: a job whose home is the chosen site moves nothing; the bandwidth sets the delay",
          "[policies][geo]") {
  test::BenchHardware hw;
  const auto config = sites_with(hw, {hourly({400}), hourly({50})});
  SECTION("home is the cleanest site") {
    // 500 GB at site 1, which is the cleanest: routed there with no transfer, starts at 5 s.
    auto policy = fifo_with("geo-carbon", {});
    const auto r = run(config, {job(0, 5, 500, 1)}, *policy);
    CHECK(node_of(r, 0) == 1);
    CHECK(r.rec.row(0).rec.start == SimTime::seconds(5));
    CHECK(r.summary.transfers == 0);
    CHECK(r.summary.transfer_energy_j == 0.0);
    CHECK(r.figure("geo_transfers") == 0.0);
    CHECK(r.figure("geo_jobs_to_1") == 1.0);
  }
  SECTION("home elsewhere, 2.5 Gbit/s and the default energy per GB") {
    // 500 GB from site 0: 500 x 8 / 2.5 = 1600 s; 500 x 0.00375 kWh x 3.6e6 = 6.75e6 J.
    auto policy = fifo_with("geo-carbon", {{"bandwidth_gbps", 2.5}});
    const auto r = run(config, {job(0, 5, 500, 0)}, *policy);
    CHECK(node_of(r, 0) == 1);
    CHECK(r.rec.row(0).rec.start == SimTime::seconds(1605));
    CHECK(r.summary.transfers == 1);
    CHECK(r.summary.transfer_energy_j == Approx(6.75e6).epsilon(1e-12));
  }
  SECTION("no data: no transfer even away from home") {
    auto policy = fifo_with("geo-carbon", {});
    const auto r = run(config, {job(0, 5, 0, 0)}, *policy);
    CHECK(node_of(r, 0) == 1);
    CHECK(r.rec.row(0).rec.start == SimTime::seconds(5));
    CHECK(r.summary.transfers == 0);
  }
}

TEST_CASE("geo-carbon with a lookahead picks by the forecast mean, not the intensity now", "[policies][geo]") {
  // Site 0: 100 g/kWh in the first hour, 600 after; site 1: 300 throughout. Now (t = 0) site 0
  // is cleaner (100 < 300), but over the next 2 h its mean is (100 + 600) / 2 = 350 > 300.
  test::BenchHardware hw;
  const auto config = sites_with(hw, {hourly({100, 600}), hourly({300})});
  SECTION("lookahead 0: the intensity now") {
    auto policy = fifo_with("geo-carbon", {});
    const auto r = run(config, {job(0, 0, 0, 0)}, *policy);
    CHECK(node_of(r, 0) == 0);
  }
  SECTION("lookahead 2 h: the forecast mean") {
    auto policy = fifo_with("geo-carbon", {{"lookahead", std::string("2 h")}});
    const auto r = run(config, {job(0, 0, 0, 0)}, *policy);
    CHECK(node_of(r, 0) == 1);
  }
  SECTION("lookahead 30 min: the mean is still 100") {
    auto policy = fifo_with("geo-carbon", {{"lookahead", std::string("30 min")}});
    const auto r = run(config, {job(0, 0, 0, 0)}, *policy);
    CHECK(node_of(r, 0) == 0);
  }
}

TEST_CASE("geo-carbon on the marginal basis reads the marginal series and needs one at every site", "[policies][geo]") {
  // Average: site 0 100, site 1 300 g/kWh; marginal: site 0 700, site 1 300. The marginal basis
  // picks site 1, the average basis site 0.
  test::BenchHardware hw;
  auto config = sites_with(hw, {hourly({100}), hourly({300})});
  const auto& info = policies::builtin_policies().get("geo-carbon", policies::PolicyKind::kManager);
  const auto marginal = policies::resolve_params(info, {{"basis", std::string("marginal")}}, "m");
  CHECK_THAT(info.requires_(config, marginal), Contains("\"site0\"") && Contains("\"site1\"") && Contains("marginal"));
  CHECK(info.requires_(config, policies::resolve_params(info, {}, "m")).empty());
  for (std::size_t s = 0; s < 2; ++s) {
    const auto m = hourly({s == 0 ? 700.0 : 300.0});
    config.sites[s].other_intensity_g_per_kwh = m;
    config.sites[s].forecasts[kMarginal] = forecast_of(m);
  }
  CHECK(info.requires_(config, marginal).empty());
  auto by_marginal = fifo_with("geo-carbon", {{"basis", std::string("marginal")}});
  CHECK(node_of(run(config, {job(0, 0, 0, 0)}, *by_marginal), 0) == 1);
  auto by_average = fifo_with("geo-carbon", {});
  CHECK(node_of(run(config, {job(0, 0, 0, 0)}, *by_average), 0) == 0);
  CHECK(std::find(info.reads.begin(), info.reads.end(), datacenter::Signal::kCarbon) != info.reads.end());
  CHECK(std::find(info.reads.begin(), info.reads.end(), datacenter::Signal::kCarbonMarginal) != info.reads.end());
}

TEST_CASE("follow-the-renewables sends work where the forecast surplus is largest; ties stay home",
          "[policies][geo][renewables]") {
  // Two sites at the same intensity; site 1 has a renewable forecast of a constant 1 MW, site 0
  // none. Over the default 1 h lookahead: site 0 scores -P0 x 3600 s, site 1 1e6 x 3600 - P1 x
  // 3600 s (P: the facility power now, the same idle load at both) -> site 1.
  test::BenchHardware hw;
  auto config = sites_with(hw, {hourly({300}), hourly({300})});
  config.sites[1].forecasts[kRenewable] = forecast_of(simcore::StepSeries::constant(1e6));
  const auto& info = policies::builtin_policies().get("follow-the-renewables", policies::PolicyKind::kManager);
  CHECK(info.reads == std::vector<datacenter::Signal>{datacenter::Signal::kRenewable});
  SECTION("the forecast surplus") {
    auto policy = fifo_with("follow-the-renewables", {});
    const auto r = run(config, {job(0, 0, 10, 0)}, *policy);
    CHECK(node_of(r, 0) == 1);
    CHECK(r.rec.row(0).rec.start == SimTime::seconds(8));  // 10 GB x 8 / 10 Gbit/s
    CHECK(r.figure("follow_renewables_jobs_to_1") == 1.0);
    CHECK(r.figure("follow_renewables_gb_moved") == 10.0);
  }
  SECTION("lookahead 0: the surplus power now, equal (no renewable output in the supply): home wins") {
    auto policy = fifo_with("follow-the-renewables", {{"lookahead", std::string("0 s")}});
    CHECK(node_of(run(config, {job(0, 0, 10, 0)}, *policy), 0) == 0);
    auto policy1 = fifo_with("follow-the-renewables", {{"lookahead", std::string("0 s")}});
    CHECK(node_of(run(config, {job(0, 0, 10, 1)}, *policy1), 0) == 1);
  }
}

TEST_CASE("a router leaves alone a job too large for every site and routes a multi-node job whole", "[policies][geo]") {
  // Site 0: 2 nodes (16 GPUs) at 400 g/kWh; site 1: 1 node (8 GPUs) at 50. A 16-GPU job can only
  // ever run on site 0: it goes there (site 1 is not large enough, though cleaner).
  test::BenchHardware hw;
  auto config = sites_with(hw, {hourly({400}), hourly({50})});
  config.sites[0].racks[0].count = 2;
  auto policy = fifo_with("geo-carbon", {});
  workloads::Job big = test::job(0, 0, 16, 1000, 1.0);
  big.home_site = 1;
  big.data_gb = 10;
  const auto r = run(config, {big}, *policy);
  REQUIRE(r.summary.jobs_completed == 1);
  CHECK(r.rec.row(0).rec.site == 0);
  CHECK(r.rec.row(0).rec.start == SimTime::seconds(8));  // moved from site 1: 10 x 8 / 10
}
