#include "policies/easy_backfill.hpp"

#include <catch2/catch.hpp>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "policies/registry.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using Catch::Matchers::Contains;

namespace {

// One node of 8. A (6 GPUs, 1000 s) runs; B (8 GPUs) must wait for it: shadow time 1000 s.
// C (2 GPUs, 500 s) ends before the shadow time: EASY starts it at once. E (2 GPUs, 2000 s)
// arrives at 600 s when 2 GPUs are free, but would still hold them at 1000 s, when B needs
// all 8: EASY makes it wait.
std::vector<workloads::Job> jobs() {
  return {test::job(0, 0, 6, 1000, 1.0), test::job(1, 1, 8, 100, 1.0), test::job(2, 2, 2, 500, 1.0),
          test::job(3, 600, 2, 2000, 1.0)};
}

test::Recorder run(datacenter::Policy& policy, std::size_t nodes = 1) {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, nodes));
  workloads::VectorJobSource source(jobs());
  test::Recorder rec;
  datacenter::World world(config, source, policy, &rec);
  world.run();
  return rec;
}

}  // namespace

TEST_CASE("EASY backfills a job that ends before the head's reservation", "[policies][easy]") {
  policies::EasyBackfillPolicy easy;
  const auto rec = run(easy);
  CHECK(rec.row(0).rec.start == SimTime::zero());
  CHECK(rec.row(2).rec.start == SimTime::seconds(2));     // backfilled
  CHECK(rec.row(1).rec.start == SimTime::seconds(1000));  // the head is not delayed
  CHECK(rec.row(3).rec.start == SimTime::seconds(1100));  // would have delayed the head
}

TEST_CASE("FIFO makes every job wait behind the head", "[policies][fifo]") {
  policies::FifoPolicy fifo;
  const auto rec = run(fifo);
  CHECK(rec.row(1).rec.start == SimTime::seconds(1000));
  CHECK(rec.row(2).rec.start == SimTime::seconds(1100));
  CHECK(rec.row(3).rec.start == SimTime::seconds(1100));
}

TEST_CASE("EASY uses the trace's estimates when it has them", "[policies][easy]") {
  // C claims 1500 s: by its estimate it would still run at the shadow time, so it waits.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  auto js = jobs();
  js[2].estimate = SimTime::seconds(1500);
  workloads::VectorJobSource source(js);
  policies::EasyBackfillPolicy easy;
  test::Recorder rec;
  datacenter::World world(config, source, easy, &rec);
  world.run();
  CHECK(rec.row(2).rec.start == SimTime::seconds(1100));
}

TEST_CASE("EASY backfills onto capacity the reservation does not need", "[policies][easy]") {
  // Two nodes: A holds 6 of node 0; B (8) is reserved node 1 at once... B fits node 1 now, so
  // make the head need a whole node while both are partly busy.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2));
  workloads::VectorJobSource source({test::job(0, 0, 6, 1000, 1.0), test::job(1, 0, 4, 3000, 1.0),
                                     test::job(2, 1, 8, 100, 1.0), test::job(3, 2, 2, 5000, 1.0),
                                     test::job(4, 3, 4, 5000, 1.0)});
  policies::EasyBackfillPolicy easy;
  test::Recorder rec;
  datacenter::World world(config, source, easy, &rec);
  world.run();
  // Head (job 2) gets node 0 at 1000 s. Job 3 (2 GPUs, long) fits node 0 now but would hold 2 of
  // the 8 the head needs there: it must not go on node 0; node 1 has 4 free, not needed by the
  // head: it starts there at once. Job 4 (4 GPUs) fits nowhere now (node 1 has 2 left).
  CHECK(rec.row(2).rec.start == SimTime::seconds(1000));
  CHECK(rec.row(3).rec.start == SimTime::seconds(2));
  CHECK(rec.row(4).rec.start > SimTime::seconds(1000));
}

TEST_CASE("the registry names every policy and checks parameters", "[policies][registry]") {
  const auto& reg = policies::builtin_policies();
  CHECK(reg.names(policies::PolicyKind::kScheduler).size() >= 2);
  CHECK(reg.get("fifo").kind == policies::PolicyKind::kScheduler);
  CHECK(reg.get("first-fit").kind == policies::PolicyKind::kPlacement);
  CHECK_THROWS_WITH(reg.get("first-fit", policies::PolicyKind::kScheduler), Contains("is a placement, not a scheduler"));
  CHECK_THROWS_WITH(reg.get("easy-backfil"), Contains("did you mean \"easy-backfill\""));
  const auto& easy = reg.get("easy-backfill");
  const auto filled = policies::resolve_params(easy, {}, "policy.params");
  CHECK(std::get<double>(filled.at("max_scan")) == 1000.0);
  try {
    policies::resolve_params(easy, {{"max_scn", 5.0}, {"max_scan", std::string("many")}}, "policy.params");
    FAIL("expected an error");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].where == "policy.params.max_scn");
    CHECK_THAT(e.diagnostics()[0].message, Contains("did you mean \"max_scan\""));
    CHECK(e.diagnostics()[1].where == "policy.params.max_scan");
    CHECK_THAT(e.diagnostics()[1].message, Contains("expected a number"));
  }
  CHECK_THROWS_WITH(policies::resolve_params(easy, {{"max_scan", 2.5}}, "p"), Contains("whole number"));
  CHECK_THROWS_WITH(policies::resolve_params(reg.get("fifo"), {{"x", 1.0}}, "p"), Contains("takes none"));
  auto scheduler = easy.make_scheduler(filled);
  CHECK(scheduler != nullptr);
  const auto stack = policies::single_scheduler("easy-backfill");
  CHECK(stack.label() == "easy-backfill");
  CHECK(stack.make() != nullptr);
}
