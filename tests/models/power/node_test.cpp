#include "models/power/node.hpp"

#include <catch2/catch.hpp>

#include "models/power/power_tree.hpp"
#include "tests/models/power/test_hardware.hpp"

using namespace wattsim;
using power::Node;
using power::NodeState;
using simcore::SimTime;

TEST_CASE("node DC and wall power at several operating points", "[power][node]") {
  const auto gpu = test::test_gpu();
  const auto spec = test::test_node();
  Node node(spec, &gpu);
  // Idle: 1000 W host + 8 x 40 W idle accelerators; load 0.132 < 0.2, so eta 0.90.
  CHECK(node.state() == NodeState::kIdle);
  CHECK(node.dc_power_w() == 1320.0);
  CHECK(node.wall_power_w() == Approx(1320.0 / 0.90).epsilon(1e-15));

  // Four accelerators at full utilisation, top state (400 W): host at half way to busy.
  for (std::size_t i = 0; i < 4; ++i) node.allocate(i, 1.0);
  CHECK(node.state() == NodeState::kBusy);
  CHECK(node.allocated() == 4);
  CHECK(node.free_accelerators() == 4);
  // 1000 + 0.5 * 2000 + 4 * 400 + 4 * 40 = 3760 W; load 0.376: eta = 0.90 + 0.176/0.4 * 0.04 = 0.9176.
  CHECK(node.dc_power_w() == 3760.0);
  CHECK(node.wall_power_w() == Approx(3760.0 / 0.9176).epsilon(1e-12));

  // A 250 W cap on accelerator 0 drops it to the 1000 MHz state (200 W).
  node.set_power_cap(0, 250.0);
  CHECK(node.pstate(0) == 0);
  CHECK(node.cap_met(0));
  CHECK(node.accelerator_power_w(0) == 200.0);
  CHECK(node.dc_power_w() == 3560.0);
  CHECK(node.relative_speed(0, 1.0) == 0.5);
  CHECK(node.relative_speed(1, 1.0) == 1.0);

  // Lower utilisation on accelerator 1: 0.5 in the top state = 235 W.
  node.set_utilisation(1, 0.5);
  CHECK(node.accelerator_power_w(1) == 235.0);

  // A cap that cannot be met: lowest state, flagged.
  node.set_power_cap(2, 100.0);
  CHECK(node.pstate(2) == 0);
  CHECK_FALSE(node.cap_met(2));
  CHECK(node.accelerator_power_w(2) == 200.0);

  for (std::size_t i = 0; i < 4; ++i) node.release(i);
  CHECK(node.state() == NodeState::kIdle);
  CHECK(node.dc_power_w() == 1320.0);  // released accelerators draw the card's idle again
}

TEST_CASE("node state rules", "[power][node]") {
  const auto gpu = test::test_gpu();
  const auto spec = test::test_node();
  Node node(spec, &gpu);
  node.allocate(3, 0.7);
  CHECK_THROWS_AS(node.allocate(3, 0.7), std::logic_error);  // taken
  CHECK_THROWS_AS(node.power_off(), std::logic_error);       // work placed
  CHECK_THROWS_AS(node.allocate(4, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(node.release(5), std::logic_error);  // free
  node.release(3);
  node.power_off();
  CHECK(node.state() == NodeState::kOff);
  CHECK(node.dc_power_w() == 50.0);  // standby only; accelerators unpowered
  CHECK_THROWS_AS(node.allocate(0, 1.0), std::logic_error);
  CHECK_THROWS_AS(node.boot_complete(), std::logic_error);
  CHECK_THROWS_AS(Node(spec, nullptr), std::invalid_argument);
}

TEST_CASE("a host-only node is busy or idle by request", "[power][node]") {
  power::NodeSpec cpu = test::test_node();
  cpu.accelerator.clear();
  cpu.accelerator_count = 0;
  Node node(cpu, nullptr);
  CHECK(node.dc_power_w() == 1000.0);
  node.set_host_busy(true);
  CHECK(node.state() == NodeState::kBusy);
  CHECK(node.dc_power_w() == 3000.0);
}

TEST_CASE("a boot sequence draws exactly the boot energy", "[power][node]") {
  const auto gpu = test::test_gpu();
  const auto spec = test::test_node();
  Node node(spec, &gpu, NodeState::kOff);
  // The node alone behind a feed; the node element carries the PSU curve.
  power::PowerTreeSpec tree_spec;
  tree_spec.elements.push_back({"feed", power::ElementKind::kFeed, "", 1e6, std::nullopt});
  tree_spec.elements.push_back({"node", power::ElementKind::kNode, "feed", spec.psu_rated_w, spec.psu});
  power::PowerTree tree(tree_spec);
  const auto e = tree.find("node");
  tree.set_load(e, SimTime::zero(), node.dc_power_w());  // off: 50 W

  const SimTime on = SimTime::seconds(100);
  const SimTime ready = node.power_on(on);
  CHECK(ready == SimTime::seconds(400));
  CHECK(node.state() == NodeState::kBooting);
  CHECK(node.dc_power_w() == 1500.0);  // 450 kJ over 300 s
  tree.set_load(e, on, node.dc_power_w());
  const double energy_at_on = tree.output_energy_j(e, on);
  const double energy_at_ready = tree.output_energy_j(e, ready);  // still booting until then
  node.boot_complete();
  CHECK(node.state() == NodeState::kIdle);
  tree.set_load(e, ready, node.dc_power_w());  // idle: 1320 W

  const SimTime end = SimTime::seconds(500);
  CHECK(energy_at_ready - energy_at_on == Approx(450'000.0).epsilon(1e-15));
  // DC: 100 s x 50 W + 450 kJ + 100 s x 1320 W.
  CHECK(tree.output_energy_j(e, end) == Approx(5'000.0 + 450'000.0 + 132'000.0).epsilon(1e-15));
  // Wall: every load here is at or below 20 % of 10 kW, so eta = 0.90 throughout.
  CHECK(tree.input_energy_j(e, end) == Approx((5'000.0 + 450'000.0 + 132'000.0) / 0.90).epsilon(1e-12));
  CHECK(tree.input_energy_j(tree.root(), end) == tree.input_energy_j(e, end));
}

TEST_CASE("a node's speed is relative to its accelerator's nominal maximum frequency", "[power][node]") {
  // TestGPU cut down to its 1000 and 1500 MHz states, nominal maximum still 2000 MHz: a job in
  // the top listed state runs at 1500/2000 when compute-bound, as it would on the full part
  // capped to that state.
  power::AcceleratorSpec cut = test::test_gpu();
  cut.pstates.pop_back();
  cut.nominal_freq_hz = 2.0e9;
  const auto spec = test::test_node();
  Node node(spec, &cut);
  node.allocate(0, 1.0);
  CHECK(node.pstate(0) == 1);
  CHECK(node.accelerator_power_w(0) == 300.0);
  CHECK(node.relative_speed(0, 1.0) == 0.75);
  CHECK(node.relative_speed(0, 0.0) == 1.0);

  const auto full_gpu = test::test_gpu();
  Node full(spec, &full_gpu);
  full.allocate(0, 1.0);
  full.set_power_cap(0, 300.0);
  REQUIRE(full.pstate(0) == 1);
  for (const double beta : {0.0, 0.3, 0.5, 1.0}) {
    INFO(beta);
    CHECK(node.relative_speed(0, beta) == full.relative_speed(0, beta));
    CHECK(node.accelerator_power_w(0) == full.accelerator_power_w(0));
  }
}
