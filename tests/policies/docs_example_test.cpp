// The example policy of docs/policies.md, compiled as the document writes it (extracted by
// tests/policies/extract_example.cmake), registered and run.

#include <catch2/catch.hpp>

#include "datacenter/world.hpp"
#include "largest_first.hpp"  // generated from docs/policies.md
#include "policies/placement.hpp"
#include "simcore/error.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

TEST_CASE("the documentation's example scheduler registers, takes its parameter and starts the largest job first",
          "[policies][docs]") {
  policies::PolicyRegistry registry;
  policies::register_builtin_policies(registry);
  registry.add(policies::largest_first_info());  // the one registry line
  const auto& info = registry.get("largest-first", policies::PolicyKind::kScheduler);
  const auto params = policies::resolve_params(info, {{"max_scan", 10.0}}, "policy.scheduler");
  CHECK_THROWS_AS(policies::resolve_params(info, {{"max_scan", 0.0}}, "policy.scheduler"), simcore::InputError);

  // One 8-GPU node, busy until 100 s with job 0. Jobs 1 (2 GPUs), 2 (8 GPUs) and 3 (6 GPUs)
  // queue behind it. At 100 s the largest (job 2) starts; at 200 s job 3 (6) and then job 1 (2)
  // fit together.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::VectorJobSource source({test::job(0, 0, 8, 100, 1.0), test::job(1, 1, 2, 100, 1.0),
                                     test::job(2, 2, 8, 100, 1.0), test::job(3, 3, 6, 100, 1.0)});
  policies::StackPolicy stack(info.make_scheduler(params), std::make_unique<policies::FirstFitPlacement>(), {});
  test::Recorder rec;
  datacenter::World world(config, source, stack, &rec);
  world.run();
  CHECK(rec.row(2).rec.start == SimTime::seconds(100));
  CHECK(rec.row(3).rec.start == SimTime::seconds(200));
  CHECK(rec.row(1).rec.start == SimTime::seconds(200));
}
