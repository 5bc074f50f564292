#include "models/power/power_tree.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "simcore/error.hpp"

using namespace wattsim;
using power::ElementKind;
using power::PowerTree;
using power::PowerTreeSpec;
using simcore::SimTime;
using Catch::Matchers::Contains;

namespace {

power::EfficiencyCurve ups_curve() { return power::EfficiencyCurve({{0.1, 0.90}, {0.5, 0.95}, {1.0, 0.95}}); }

// feed -> ups (100 kW, curve) -> pdu (50 kW) -> rack1 (20 kW) -> node1, node2
//                                            -> rack2 (20 kW) -> node3
PowerTreeSpec small_tree() {
  PowerTreeSpec s;
  s.elements = {
      {"feed", ElementKind::kFeed, "", 200e3, std::nullopt},
      {"ups", ElementKind::kUps, "feed", 100e3, ups_curve()},
      {"pdu", ElementKind::kPdu, "ups", 50e3, std::nullopt},
      {"rack1", ElementKind::kRack, "pdu", 20e3, std::nullopt},
      {"rack2", ElementKind::kRack, "pdu", 20e3, std::nullopt},
      {"node1", ElementKind::kNode, "rack1", 20e3, std::nullopt},
      {"node2", ElementKind::kNode, "rack1", 20e3, std::nullopt},
      {"node3", ElementKind::kNode, "rack2", 20e3, std::nullopt},
  };
  return s;
}

struct CountingListener : power::PowerTreeListener {
  int started = 0, ended = 0;
  power::CapacityViolation last_start, last_end;
  void on_capacity_exceeded(const PowerTree&, const power::CapacityViolation& v) override {
    ++started;
    last_start = v;
  }
  void on_capacity_restored(const PowerTree&, const power::CapacityViolation& v) override {
    ++ended;
    last_end = v;
  }
};

}  // namespace

TEST_CASE("power flows up the tree with losses where there are curves", "[power][tree]") {
  PowerTree tree(small_tree());
  const auto n1 = tree.find("node1"), n2 = tree.find("node2"), n3 = tree.find("node3");
  tree.set_load(n1, SimTime::zero(), 10e3);
  tree.set_load(n2, SimTime::zero(), 5e3);
  tree.set_load(n3, SimTime::zero(), 15e3);
  CHECK(tree.output_w(tree.find("rack1")) == 15e3);
  CHECK(tree.output_w(tree.find("rack2")) == 15e3);
  CHECK(tree.output_w(tree.find("pdu")) == 30e3);
  // UPS at 30 % load: eta = 0.90 + (0.3 - 0.1) / 0.4 * 0.05 = 0.925.
  const auto ups = tree.find("ups");
  CHECK(tree.output_w(ups) == 30e3);
  CHECK(tree.input_w(ups) == Approx(30e3 / 0.925).epsilon(1e-15));
  CHECK(tree.loss_w(ups) == Approx(30e3 / 0.925 - 30e3).epsilon(1e-12));
  CHECK(tree.facility_input_w() == tree.input_w(ups));
  CHECK(tree.depth(n1) == 4);
  CHECK(tree.parent(n3) == tree.find("rack2"));
  CHECK(tree.children(tree.find("pdu")).size() == 2);

  // An hour later node3 drops to 5 kW: UPS at 20 %, eta 0.9125.
  tree.set_load(n3, SimTime::hours(1), 5e3);
  CHECK(tree.input_w(ups) == Approx(20e3 / 0.9125).epsilon(1e-15));
  const SimTime t2 = SimTime::hours(2);
  CHECK(tree.input_energy_j(tree.root(), t2) == Approx((30e3 / 0.925 + 20e3 / 0.9125) * 3600).epsilon(1e-14));
  CHECK(tree.output_energy_j(n3, t2) == Approx(20e3 * 3600).epsilon(1e-15));
  CHECK(tree.loss_energy_j(ups, t2) ==
        Approx((30e3 / 0.925 - 30e3 + 20e3 / 0.9125 - 20e3) * 3600).epsilon(1e-12));
  CHECK(tree.peak_input_w(tree.root(), t2) == Approx(30e3 / 0.925).epsilon(1e-15));
  CHECK(tree.peak_output_w(n3, t2) == 15e3);
  CHECK(tree.peak_output_w(n1, t2) == 10e3);
}

TEST_CASE("exceeding a capacity is recorded with its start, end and peak", "[power][tree]") {
  PowerTree tree(small_tree());
  CountingListener listener;
  tree.set_listener(&listener);
  const auto n1 = tree.find("node1"), n2 = tree.find("node2"), rack1 = tree.find("rack1");
  tree.set_load(n1, SimTime::zero(), 10e3);
  tree.set_load(n2, SimTime::zero(), 5e3);
  CHECK(listener.started == 0);

  tree.set_load(n1, SimTime::seconds(10), 16e3);  // rack1 at 21 kW > 20 kW
  CHECK(listener.started == 1);
  CHECK(listener.last_start.element == rack1);
  CHECK(listener.last_start.start == SimTime::seconds(10));
  CHECK(tree.in_violation(rack1));
  tree.set_load(n2, SimTime::seconds(15), 7e3);   // 23 kW: the peak
  tree.set_load(n2, SimTime::seconds(20), 6e3);   // 22 kW, still over
  CHECK(listener.started == 1);
  const auto open = tree.violations();
  REQUIRE(open.size() == 1);
  CHECK(open[0].end == SimTime::max());
  CHECK(open[0].duration(SimTime::seconds(30)) == SimTime::seconds(20));

  tree.set_load(n1, SimTime::seconds(40), 10e3);  // 16 kW: back under
  CHECK(listener.ended == 1);
  CHECK_FALSE(tree.in_violation(rack1));
  REQUIRE(tree.finished_violations().size() == 1);
  const auto& v = tree.finished_violations()[0];
  CHECK(v.element == rack1);
  CHECK(v.start == SimTime::seconds(10));
  CHECK(v.end == SimTime::seconds(40));
  CHECK(v.duration(SimTime::hours(9)) == SimTime::seconds(30));
  CHECK(v.capacity_w == 20e3);
  CHECK(v.peak_w == 23e3);
  CHECK(v.peak_excess_w() == 3e3);
  CHECK(listener.last_end.end == SimTime::seconds(40));

  // Exactly at capacity is not a violation.
  tree.set_load(n1, SimTime::seconds(50), 14e3);  // 20 kW
  CHECK_FALSE(tree.in_violation(rack1));
  CHECK(listener.started == 1);
}

TEST_CASE("the sum of leaf loads plus all losses equals the feed, over a long random run", "[power][tree]") {
  power::TreeLayout layout;
  layout.nodes = 200;
  layout.racks = 10;
  layout.pdus = 3;
  layout.ups_capacity_w = 2e6;
  layout.ups_curve = ups_curve();
  layout.pdu_capacity_w = 800e3;
  layout.pdu_curve = power::EfficiencyCurve({{0.1, 0.946}, {0.35, 0.979}, {1.0, 0.98}});
  layout.node_psu_rated_w = 13.2e3;
  layout.node_psu_curve = power::EfficiencyCurve({{0.1, 0.90}, {0.2, 0.94}, {0.5, 0.96}, {1.0, 0.91}});
  layout.rack_capacity_w = 150e3;  // low enough that some racks violate now and then
  PowerTree tree(power::make_tree_spec(layout));
  std::vector<power::ElementId> nodes;
  for (power::ElementId e = 0; e < tree.size(); ++e) {
    if (tree.kind(e) == ElementKind::kNode) nodes.push_back(e);
  }
  REQUIRE(nodes.size() == 200);

  std::mt19937_64 gen(2026);
  std::uniform_real_distribution<double> load(0.0, 11e3);
  SimTime t = SimTime::zero();
  for (int i = 0; i < 300000; ++i) {
    t += SimTime::from_us(static_cast<std::int64_t>(gen() % 2'000'000));
    tree.set_load(nodes[gen() % nodes.size()], t, load(gen));
  }
  t += SimTime::seconds(1);

  double leaves_j = 0.0, losses_j = 0.0, leaves_w = 0.0, losses_w = 0.0;
  for (power::ElementId e = 0; e < tree.size(); ++e) {
    losses_j += tree.loss_energy_j(e, t);
    losses_w += tree.loss_w(e);
    if (tree.is_leaf(e)) {
      leaves_j += tree.output_energy_j(e, t);
      leaves_w += tree.output_w(e);
    }
  }
  CHECK(losses_j > 0.01 * leaves_j);  // the identity is not trivially about a lossless tree
  const double root_j = tree.input_energy_j(tree.root(), t);
  CHECK(std::fabs(root_j - (leaves_j + losses_j)) <= 1e-9 * root_j);
  CHECK(std::fabs(tree.facility_input_w() - (leaves_w + losses_w)) <= 1e-9 * tree.facility_input_w());
  // Each parent's output is the sum of its children's inputs.
  for (power::ElementId e = 0; e < tree.size(); ++e) {
    if (tree.is_leaf(e)) continue;
    double children_w = 0.0;
    for (auto c : tree.children(e)) children_w += tree.input_w(c);
    CHECK(std::fabs(tree.output_w(e) - children_w) <= 1e-9 * std::max(1.0, children_w));
  }
  CHECK_FALSE(tree.violations().empty());
}

TEST_CASE("the layout generator spreads nodes over racks and racks over PDUs in blocks", "[power][tree]") {
  power::TreeLayout layout;
  layout.nodes = 10;
  layout.racks = 3;
  layout.pdus = 2;
  PowerTree tree(power::make_tree_spec(layout));
  CHECK(tree.size() == 1 + 1 + 2 + 3 + 10);
  CHECK(tree.name(tree.root()) == "feed");
  const auto rack_of = [&](int n) { return tree.name(tree.parent(tree.find("node-" + std::to_string(n)))); };
  CHECK(rack_of(0) == "rack-0");
  CHECK(rack_of(3) == "rack-0");
  CHECK(rack_of(4) == "rack-1");
  CHECK(rack_of(6) == "rack-1");
  CHECK(rack_of(7) == "rack-2");
  CHECK(rack_of(9) == "rack-2");
  CHECK(tree.name(tree.parent(tree.find("rack-1"))) == "pdu-0");
  CHECK(tree.name(tree.parent(tree.find("rack-2"))) == "pdu-1");
  CHECK(tree.depth(tree.find("node-9")) == 4);
  layout.pdus = 4;  // more PDUs than racks
  CHECK_THROWS_AS(power::make_tree_spec(layout), simcore::InputError);
}

TEST_CASE("malformed trees are refused with every problem named", "[power][tree]") {
  PowerTreeSpec two_roots;
  two_roots.elements = {{"feed-a", ElementKind::kFeed, "", 1e6, std::nullopt},
                        {"feed-b", ElementKind::kFeed, "", 1e6, std::nullopt}};
  CHECK_THROWS_WITH(PowerTree(two_roots), Contains("2 elements without a parent") && Contains("\"feed-a\", \"feed-b\""));

  PowerTreeSpec typo = small_tree();
  typo.elements[5].parent = "rakc1";
  typo.elements[4].name = "rack1";  // also a duplicate name
  try {
    PowerTree t(typo);
    FAIL("expected an error");
  } catch (const simcore::InputError& e) {
    CHECK(e.diagnostics().size() >= 2);
    CHECK_THAT(e.what(), Contains("the name is used twice") && Contains("parent \"rakc1\" does not exist") &&
                             Contains("did you mean \"rack1\""));
  }

  PowerTreeSpec loop = small_tree();
  loop.elements[3].parent = "node1";  // rack1 -> node1 -> rack1
  CHECK_THROWS_WITH(PowerTree(loop), Contains("\"rack1\"") && Contains("loops"));

  PowerTreeSpec no_capacity = small_tree();
  no_capacity.elements[1].capacity_w = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(PowerTree(no_capacity), Contains("\"ups\"") && Contains("no rated capacity"));

  CHECK_THROWS_WITH(PowerTree(PowerTreeSpec{}), Contains("no elements"));
}
