#include "policies/stack.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "policies/fifo.hpp"
#include "policies/placement.hpp"
#include "policies/registry.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

// Writes what it is told into a shared log.
struct Logging : policies::Manager {
  std::vector<std::string>* log;
  std::string name;
  Logging(std::vector<std::string>* l, std::string n) : log(l), name(std::move(n)) {}
  void after_schedule(const datacenter::ClusterView&, datacenter::Actions&) override { log->push_back(name + ":decide"); }
  void on_start(const datacenter::ClusterView& v, datacenter::Actions&, datacenter::SlotId slot) override {
    log->push_back(name + ":start " + std::to_string(v.running(slot).job.id));
  }
  void on_completion(const datacenter::ClusterView&, datacenter::Actions&, const datacenter::RunningJob& r) override {
    log->push_back(name + ":done " + std::to_string(r.job.id));
  }
};

}  // namespace

TEST_CASE("a policy stack runs the scheduler, then each manager in order, and tells every part of each event",
          "[policies][stack]") {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 1));
  workloads::VectorJobSource source({test::job(0, 0, 8, 100, 1.0), test::job(1, 0, 8, 100, 1.0)});
  std::vector<std::string> log;
  std::vector<std::unique_ptr<policies::Manager>> managers;
  managers.push_back(std::make_unique<Logging>(&log, "a"));
  managers.push_back(std::make_unique<Logging>(&log, "b"));
  policies::StackPolicy stack(std::make_unique<policies::FifoScheduler>(), std::make_unique<policies::FirstFitPlacement>(),
                              std::move(managers));
  datacenter::World world(config, source, stack, nullptr);
  const auto sum = world.run();
  CHECK(sum.jobs_completed == 2);
  // Both arrive at 0: one decision starts job 0 (the node is full, job 1 waits); job 0 ends at
  // 100 s and job 1 starts at the decision that follows.
  const std::vector<std::string> expected{"a:start 0", "b:start 0", "a:decide", "b:decide", "a:done 0", "b:done 0",
                                          "a:start 1", "b:start 1", "a:decide", "b:decide", "a:done 1", "b:done 1",
                                          "a:decide", "b:decide"};
  CHECK(log == expected);
}

TEST_CASE("a stack's label names its parts; first-fit alone is left out", "[policies][stack]") {
  CHECK(policies::single_scheduler("fifo").label() == "fifo");
  auto s = policies::single_scheduler("easy-backfill");
  CHECK(s.label() == "easy-backfill");
  CHECK_FALSE(s.powers_nodes_on());
}
