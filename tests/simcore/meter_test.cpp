#include "simcore/meter.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace wattsim::simcore;

TEST_CASE("a meter integrates piecewise-constant power exactly", "[simcore][meter]") {
  Meter m;
  m.set_power(SimTime::zero(), 300.0);
  m.set_power(SimTime::seconds(10), 500.0);
  CHECK(m.energy_at(SimTime::seconds(12)) == 4000.0);  // 300*10 + 500*2
  m.set_power(SimTime::seconds(12), 0.0);
  CHECK(m.energy_at(SimTime::hours(1)) == 4000.0);
  CHECK(m.peak_w == 500.0);
  CHECK(m.peak_at(SimTime::hours(1)) == 500.0);
  m.add_power(SimTime::hours(1), 250.0);
  CHECK(m.energy_at(SimTime::hours(2)) == Approx(4000.0 + 250.0 * 3600).epsilon(1e-15));
  // Levels held for no time are not peaks: 900 W set and replaced at the same instant.
  Meter spike;
  spike.set_power(SimTime::zero(), 100.0);
  spike.set_power(SimTime::seconds(1), 900.0);
  spike.set_power(SimTime::seconds(1), 200.0);
  CHECK(spike.peak_at(SimTime::seconds(1)) == 100.0);
  CHECK(spike.peak_at(SimTime::seconds(2)) == 200.0);
  // Sub-second spans: 1 W for 1 us is 1e-6 J.
  Meter tiny;
  tiny.set_power(SimTime::zero(), 1.0);
  CHECK(tiny.energy_at(SimTime::from_us(1)) == Approx(1e-6).epsilon(1e-15));
}

TEST_CASE("meters integrate exactly across many changes", "[simcore][meter]") {
  std::mt19937_64 gen(99);
  Meter m;
  SimTime t = SimTime::zero();
  // Integer watts and integer microsecond spans: the exact energy in W*us is an integer sum,
  // computed on the side in integers.
  std::int64_t exact_w_us = 0;  // < 200000 x 1e4 W x 5e6 us = 1e16: fits
  std::int64_t power = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t span = static_cast<std::int64_t>(gen() % 5'000'000);
    exact_w_us += power * span;
    t += SimTime::from_us(span);
    power = static_cast<std::int64_t>(gen() % 10000);
    m.set_power(t, static_cast<double>(power));
  }
  const double exact_j = static_cast<double>(exact_w_us) * 1e-6;
  CHECK(m.energy_at(t) == Approx(exact_j).epsilon(1e-12));
}

TEST_CASE("a meter tree pushes deltas to every ancestor", "[simcore][meter]") {
  MeterTree tree;
  const auto root = tree.add();
  const auto rack = tree.add(root);
  const auto node_a = tree.add(rack);
  const auto node_b = tree.add(rack);
  const auto other = tree.add(root);
  tree.set_own_power(node_a, SimTime::zero(), 1000.0);
  tree.set_own_power(node_b, SimTime::zero(), 500.0);
  tree.set_own_power(other, SimTime::zero(), 200.0);
  CHECK(tree.power_w(rack) == 1500.0);
  CHECK(tree.power_w(root) == 1700.0);
  tree.set_own_power(node_a, SimTime::seconds(10), 400.0);
  CHECK(tree.power_w(rack) == 900.0);
  CHECK(tree.power_w(root) == 1100.0);
  CHECK(tree.own_power_w(node_a) == 400.0);
  // Energy: rack 1500 W x 10 s + 900 W x 10 s = 24 kJ at t = 20 s; root adds 200 W x 20 s.
  CHECK(tree.energy_j(rack, SimTime::seconds(20)) == 24000.0);
  CHECK(tree.energy_j(root, SimTime::seconds(20)) == 28000.0);
  CHECK(tree.peak_w(root, SimTime::seconds(20)) == 1700.0);
  CHECK(tree.parent(node_b) == rack);
  CHECK_THROWS_AS(tree.add(42), std::invalid_argument);
}

TEST_CASE("a meter tree's root energy equals the sum of its leaves over a long random run", "[simcore][meter]") {
  std::mt19937_64 gen(3);
  MeterTree tree;
  const auto root = tree.add();
  std::vector<MeterTree::Id> leaves;
  for (int r = 0; r < 10; ++r) {
    const auto rack = tree.add(root);
    for (int n = 0; n < 20; ++n) leaves.push_back(tree.add(rack));
  }
  SimTime t = SimTime::zero();
  for (int i = 0; i < 100000; ++i) {
    t += SimTime::from_us(static_cast<std::int64_t>(gen() % 1'000'000));
    tree.set_own_power(leaves[gen() % leaves.size()], t, static_cast<double>(gen() % 10'000) * 0.37);
  }
  double leaf_sum = 0.0, leaf_power = 0.0;
  for (auto id : leaves) {
    leaf_sum += tree.energy_j(id, t);
    leaf_power += tree.power_w(id);
  }
  CHECK(tree.energy_j(root, t) == Approx(leaf_sum).epsilon(1e-12));
  CHECK(tree.power_w(root) == Approx(leaf_power).epsilon(1e-12));
}
