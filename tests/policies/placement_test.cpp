// Placement rules (policies/best_fit, spread, topology, thermal, power_headroom): hand-built
// cases whose right node is known, and a property run of each under EASY backfilling.
#define CATCH_CONFIG_ENABLE_PAIR_STRINGMAKER  // prints placements as {node, accelerators}
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datacenter/world.hpp"
#include "models/thermal/recirculation.hpp"
#include "policies/best_fit.hpp"
#include "policies/easy_backfill.hpp"
#include "policies/fifo.hpp"
#include "policies/placement.hpp"
#include "policies/power_headroom.hpp"
#include "policies/registry.hpp"
#include "policies/spread.hpp"
#include "policies/thermal.hpp"
#include "policies/topology.hpp"
#include "tests/datacenter/world_fixture.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using datacenter::FreeCapacity;
using datacenter::NodeId;
using datacenter::Placement;

namespace {

// One site of bench nodes (8 GPUs, 980 W idle: 500 W host + 8 x 60 W), `racks` racks of
// `per_rack` nodes, behind `pdus` PDUs (rack r under PDU floor(r x pdus / racks)). The world is
// run once with no jobs, so every node is up and idle and the power tree and the inlets hold
// the idle loads; tests then ask the rules directly, on capacities they fill by hand.
struct Bench {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  workloads::VectorJobSource source{{}};
  policies::FifoPolicy fifo;
  std::unique_ptr<datacenter::World> world;

  Bench(std::size_t racks, std::size_t per_rack, std::size_t pdus = 0) {
    datacenter::SiteConfig site = test::bench_site(hw, 1);
    site.racks[0].count = racks;
    site.racks[0].nodes_per_rack = per_rack;
    site.distribution.pdus = pdus;
    config.sites.push_back(site);
  }
  void build() {
    world = std::make_unique<datacenter::World>(config, source, fifo, nullptr);
    world->run();
  }
  datacenter::ClusterView view() const { return world->view(); }
  FreeCapacity capacity(const std::vector<std::uint32_t>& free) const {
    FreeCapacity c = world->view().capacity();
    REQUIRE(c.size() == free.size());
    for (std::size_t n = 0; n < free.size(); ++n) c.set_free(n, free[n]);
    return c;
  }
};

// (node, accelerators) pairs, sorted by node.
std::vector<std::pair<NodeId, std::uint32_t>> parts(const Placement& p) {
  std::vector<std::pair<NodeId, std::uint32_t>> out;
  for (const auto& part : p.parts) out.emplace_back(part.node, part.accelerators);
  std::sort(out.begin(), out.end());
  return out;
}

using Parts = std::vector<std::pair<NodeId, std::uint32_t>>;

// Where each job started: its nodes, from the running job the world reports.
struct WhereStarted : policies::Manager {
  std::map<std::uint64_t, std::set<NodeId>>* nodes;
  explicit WhereStarted(std::map<std::uint64_t, std::set<NodeId>>* n) : nodes(n) {}
  void on_start(const datacenter::ClusterView& v, datacenter::Actions&, datacenter::SlotId slot) override {
    const auto& r = v.running(slot);
    for (const auto& a : r.accels) (*nodes)[r.job.id].insert(a.node);
  }
};

// Runs FIFO with `rule` over `jobs` on `config`; returns each job's nodes.
std::map<std::uint64_t, std::set<NodeId>> run_fifo(const datacenter::WorldConfig& config,
                                                   std::unique_ptr<policies::PlacementRule> rule,
                                                   std::vector<workloads::Job> jobs) {
  std::map<std::uint64_t, std::set<NodeId>> nodes;
  std::vector<std::unique_ptr<policies::Manager>> managers;
  managers.push_back(std::make_unique<WhereStarted>(&nodes));
  policies::StackPolicy stack(std::make_unique<policies::FifoScheduler>(), std::move(rule), std::move(managers));
  workloads::VectorJobSource source(std::move(jobs));
  datacenter::World world(config, source, stack, nullptr);
  const auto sum = world.run();
  CHECK(sum.jobs_completed == nodes.size());
  return nodes;
}

}  // namespace

TEST_CASE("best-fit packs two 4-GPU jobs on one node where first-fit does not", "[policies][placement][best-fit]") {
  // Two nodes of 8. At 0: J0 (2 GPUs, 1000 s) -> node 0 (both empty: lowest index); J1 (6 GPUs,
  // 100 s) -> node 0 (6 free there, 8 on node 1); J2 (4 GPUs, 1000 s) -> node 1 (node 0 full).
  // At 200 s J1 has ended: node 0 has 6 free, node 1 has 4. J3 (4 GPUs): best-fit -> node 1
  // (the fewest free that fits: J2 and J3 share it, node 0 keeps 6 free), first-fit -> node 0.
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  config.sites.push_back(test::bench_site(hw, 2));
  const std::vector<workloads::Job> jobs{test::job(0, 0, 2, 1000, 1.0), test::job(1, 0, 6, 100, 1.0),
                                         test::job(2, 0, 4, 1000, 1.0), test::job(3, 200, 4, 1000, 1.0)};
  const auto best = run_fifo(config, std::make_unique<policies::BestFitPlacement>(), jobs);
  CHECK(best.at(0) == std::set<NodeId>{0});
  CHECK(best.at(1) == std::set<NodeId>{0});
  CHECK(best.at(2) == std::set<NodeId>{1});
  CHECK(best.at(3) == std::set<NodeId>{1});
  const auto first = run_fifo(config, std::make_unique<policies::FirstFitPlacement>(), jobs);
  CHECK(first.at(2) == std::set<NodeId>{1});
  CHECK(first.at(3) == std::set<NodeId>{0});
}

TEST_CASE("best-fit and spread pick the fullest and the emptiest node that fits", "[policies][placement]") {
  Bench b(4, 1);
  b.build();
  const auto view = b.view();
  policies::BestFitPlacement best;
  policies::SpreadPlacement spread;
  policies::FirstFitPlacement first;
  Placement p;
  // Free {6, 4, 4, 8}.
  auto c = b.capacity({6, 4, 4, 8});
  // 4 GPUs: best-fit node 1 (4 free, tied with node 2: lowest index); spread node 3 (8 free);
  // first-fit node 0.
  REQUIRE(best.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{1, 4}});
  REQUIRE(spread.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{3, 4}});
  REQUIRE(first.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{0, 4}});
  // 5 GPUs: best-fit node 0 (6 free: the fewest of {6, 8}).
  REQUIRE(best.place(view, c, 5, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{0, 5}});
  // Free {6, 4, 7, 7}: spread's most free, 7, tied: node 2.
  c = b.capacity({6, 4, 7, 7});
  REQUIRE(spread.place(view, c, 1, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{2, 1}});
  // Nothing with 8 free: both refuse, and leave `out` empty.
  CHECK_FALSE(best.place(view, c, 8, datacenter::kAnySite, p));
  CHECK(p.empty());
  CHECK_FALSE(spread.place(view, c, 8, datacenter::kAnySite, p));
  CHECK(p.empty());
  // A 12-GPU job: whole free nodes, lowest first, as first-fit (free {8, 3, 8, 8}: nodes 0, 2).
  c = b.capacity({8, 3, 8, 8});
  for (policies::PlacementRule* rule : std::vector<policies::PlacementRule*>{&best, &spread}) {
    REQUIRE(rule->place(view, c, 12, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{0, 8}, {2, 4}});
  }
  CHECK_FALSE(best.place(view, c, 32, datacenter::kAnySite, p));  // only 24 whole
}

TEST_CASE("topology takes the fewest racks, then one PDU", "[policies][placement][topology]") {
  // 4 racks of 3 eight-GPU nodes (rack r: nodes 3r..3r+2), 2 PDUs (racks 0-1, racks 2-3).
  Bench b(4, 3, 2);
  b.build();
  const auto view = b.view();
  policies::TopologyPlacement topo;
  policies::FirstFitPlacement first;
  Placement p;
  // Whole free nodes: 0 (rack 0, W 8), 3 4 5 (rack 1, W 24), 6 7 (rack 2, W 16), none in rack 3.
  auto c = b.capacity({8, 0, 0, 8, 8, 8, 8, 8, 0, 0, 0, 0});
  // 16 GPUs: racks 1 (24) and 2 (16) each hold it; the tightest is rack 2: nodes 6, 7.
  // First-fit spans racks 0 and 1 (nodes 0, 3).
  REQUIRE(topo.place(view, c, 16, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{6, 8}, {7, 8}});
  REQUIRE(first.place(view, c, 16, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{0, 8}, {3, 8}});
  // 20 GPUs: only rack 1 holds it: nodes 3, 4 whole and 4 of node 5.
  REQUIRE(topo.place(view, c, 20, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{3, 8}, {4, 8}, {5, 4}});

  // W: rack 0 8 (node 0), rack 1 16 (3, 4), rack 2 16 (6, 7), rack 3 16 (9, 10); PDU 0 holds
  // 24, PDU 1 32.
  c = b.capacity({8, 0, 0, 8, 8, 0, 8, 8, 0, 8, 8, 0});
  // 32 GPUs: no rack holds it; the fewest racks m = 2 (16 + 16). PDU 0 cannot (24); PDU 1 can
  // in its 2 racks: racks 2 and 3 (nodes 6, 7, 9, 10), not racks 1 and 2 (two PDUs).
  REQUIRE(topo.place(view, c, 32, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{6, 8}, {7, 8}, {9, 8}, {10, 8}});
  // 36 GPUs: m = 3 (16 + 16 + 16 = 48); no PDU holds 36. The 2 largest racks (1 and 2, lowest
  // index among the 16s) give 32, then the tightest rack that holds the last 4: rack 0 (8),
  // 4 of node 0.
  REQUIRE(topo.place(view, c, 36, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{0, 4}, {3, 8}, {4, 8}, {6, 8}, {7, 8}});
  // 64 GPUs: only 56 whole.
  CHECK_FALSE(topo.place(view, c, 64, datacenter::kAnySite, p));
  CHECK(p.empty());
  // A job on one node: best-fit (free {8, 3, ...}: 3 GPUs go to node 1, 4 GPUs to node 0).
  c = b.capacity({8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8});
  REQUIRE(topo.place(view, c, 3, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{1, 3}});
  REQUIRE(topo.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{0, 4}});
}

TEST_CASE("thermal places in the rack with the coolest inlet, best-fit within it", "[policies][placement][thermal]") {
  // 3 racks of 2 nodes (rack r: nodes 2r, 2r+1), supply 22 C. Recirculation D (K/kW): every
  // rack's heat raises rack 0 by 0.5, rack 1 by 0.2, rack 2 by 0.1 per kW. Idle racks draw
  // 2 x 980 W = 1.96 kW each: inlets 22 + 3 x 1.96 x {0.5, 0.2, 0.1} = {24.94, 23.176, 22.588} C.
  Bench b(3, 2);
  auto& t = b.config.sites[0].thermal;
  t.enabled = true;
  t.recirculation_k_per_kw = Eigen::MatrixXd(3, 3);
  t.recirculation_k_per_kw << 0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1;
  b.build();
  const auto view = b.view();
  CHECK(view.rack_inlet_c(0, 0) == Approx(24.94));
  CHECK(view.rack_inlet_c(0, 1) == Approx(23.176));
  CHECK(view.rack_inlet_c(0, 2) == Approx(22.588));
  policies::ThermalPlacement thermal;
  Placement p;
  // Free {8, 8, 8, 8, 8, 3}: 2 GPUs go to rack 2 (coolest), node 5 (3 free: best-fit).
  auto c = b.capacity({8, 8, 8, 8, 8, 3});
  REQUIRE(thermal.place(view, c, 2, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{5, 2}});
  // 4 GPUs: node 4 (rack 2; node 5 has 3).
  REQUIRE(thermal.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{4, 4}});
  // Rack 2 without room for 4 (free {.., 2, 3}): rack 1, best-fit there (free 8, 5): node 3.
  c = b.capacity({8, 8, 8, 5, 2, 3});
  REQUIRE(thermal.place(view, c, 4, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{3, 4}});
  // 24 GPUs, all free: rack 2 (nodes 4, 5), then rack 1 (node 2); rack 0 last.
  c = b.capacity({8, 8, 8, 8, 8, 8});
  REQUIRE(thermal.place(view, c, 24, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{2, 8}, {4, 8}, {5, 8}});
  // 20 GPUs with node 5 busy: rack 2 gives node 4, rack 1 nodes 2 and 4 GPUs of 3.
  c = b.capacity({8, 8, 8, 8, 8, 0});
  REQUIRE(thermal.place(view, c, 20, datacenter::kAnySite, p));
  CHECK(parts(p) == Parts{{2, 8}, {3, 4}, {4, 8}});

  // In a run: a 1-GPU job at 0 goes to node 4 (rack 2) under thermal, node 0 under first-fit.
  const auto placed =
      run_fifo(b.config, std::make_unique<policies::ThermalPlacement>(), {test::job(0, 0, 1, 100, 1.0)});
  CHECK(placed.at(0) == std::set<NodeId>{4});
}

TEST_CASE("thermal needs a thermal model at every site", "[policies][placement][thermal]") {
  test::BenchHardware hw;
  datacenter::WorldConfig world;
  world.sites.push_back(test::bench_site(hw, 2));
  world.sites.push_back(test::bench_site(hw, 2));
  world.sites[0].name = "north";
  world.sites[1].name = "south";
  world.sites[0].thermal.enabled = true;

  const auto& reg = policies::builtin_policies();
  policies::PolicyStack stack = policies::single_scheduler("fifo");
  stack.placement.info = &reg.get("thermal", policies::PolicyKind::kPlacement);
  stack.placement.params = policies::resolve_params(*stack.placement.info, {}, "policy.placement");
  const auto problems = stack.requirement_problems(world);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].first == "policy.placement");
  CHECK_THAT(problems[0].second, Contains("thermal needs a thermal model (facility.thermal) at every site"));
  CHECK_THAT(problems[0].second, Contains("\"south\""));
  CHECK_THAT(problems[0].second, !Contains("\"north\""));

  world.sites[1].thermal.enabled = true;
  CHECK(stack.requirement_problems(world).empty());
  // The other placement rules need nothing.
  for (const char* name : {"best-fit", "spread", "topology", "power-headroom"}) {
    CHECK_FALSE(reg.get(name, policies::PolicyKind::kPlacement).requires_);
  }
}

TEST_CASE("power-headroom places under the PDU with the most headroom", "[policies][placement][headroom]") {
  SECTION("PDUs of unlimited capacity: the lowest load") {
    // 4 racks of one node, 2 PDUs (nodes 0-1, nodes 2-3); each idle node draws 980 W.
    // J0 (8 GPUs, util 1) at 0: both PDUs at 1960 W, tied: PDU 0, best-fit there: node 0; PDU 0
    // then draws 1960 + 8 x 340 = 4680 W. J1 (1 GPU) at 1 s: PDU 1 (1960 W), node 2 (best-fit
    // would take node 1). J2 (8 GPUs) at 2 s: PDU 1 (1960 + 340 = 2300 W < 4680 W), node 3
    // (node 2 has only 7 free).
    Bench b(4, 1, 2);
    const auto placed =
        run_fifo(b.config, std::make_unique<policies::PowerHeadroomPlacement>(),
                 {test::job(0, 0, 8, 1000, 1.0), test::job(1, 1, 1, 1000, 1.0), test::job(2, 2, 8, 1000, 1.0)});
    CHECK(placed.at(0) == std::set<NodeId>{0});
    CHECK(placed.at(1) == std::set<NodeId>{2});
    CHECK(placed.at(2) == std::set<NodeId>{3});
    const auto best = run_fifo(b.config, std::make_unique<policies::BestFitPlacement>(),
                               {test::job(0, 0, 8, 1000, 1.0), test::job(1, 1, 1, 1000, 1.0)});
    CHECK(best.at(1) == std::set<NodeId>{1});
  }
  SECTION("no PDUs: racks of finite capacity, the most headroom") {
    // 3 racks of one node, no PDUs, racks of 3 kW. J0 (4 GPUs) at 0: all racks 980 W, tied:
    // rack 0 (headroom 3000 - 980 - 4 x 340 = 660 W after). J1 (1 GPU) at 1 s: racks 1, 2 have
    // 2020 W of headroom: rack 1, node 1 (best-fit would put it on node 0, 4 free).
    Bench b(3, 1);
    b.config.sites[0].racks[0].rack_capacity_w = 3000.0;
    const auto placed = run_fifo(b.config, std::make_unique<policies::PowerHeadroomPlacement>(),
                                 {test::job(0, 0, 4, 1000, 1.0), test::job(1, 1, 1, 1000, 1.0)});
    CHECK(placed.at(0) == std::set<NodeId>{0});
    CHECK(placed.at(1) == std::set<NodeId>{1});
  }
  SECTION("finite PDUs and a job larger than a node") {
    // 3 racks of 2 nodes, 2 PDUs of 10 kW: racks 0-1 (nodes 0-3) under PDU 0, rack 2 (nodes
    // 4-5) under PDU 1. Idle: PDU 0 draws 3920 W (headroom 6080 W), PDU 1 1960 W (8040 W).
    Bench b(3, 2, 2);
    b.config.sites[0].distribution.pdu_capacity_w = 10e3;
    b.build();
    const auto view = b.view();
    const auto& tree = view.power_tree(0);
    REQUIRE(tree.output_w(tree.find("pdu-0")) == Approx(3920.0));
    REQUIRE(tree.output_w(tree.find("pdu-1")) == Approx(1960.0));
    policies::PowerHeadroomPlacement rule;
    Placement p;
    // 2 GPUs, free {8, 2, 8, 8, 8, 5}: PDU 1, best-fit there: node 5.
    auto c = b.capacity({8, 2, 8, 8, 8, 5});
    REQUIRE(rule.place(view, c, 2, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{5, 2}});
    // 6 GPUs: PDU 1 has node 4 (8 free).
    REQUIRE(rule.place(view, c, 6, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{4, 6}});
    // 8 GPUs with PDU 1 full: PDU 0, node 0.
    c = b.capacity({8, 2, 8, 8, 0, 0});
    REQUIRE(rule.place(view, c, 8, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{0, 8}});
    // 28 GPUs, all free: PDU 1's nodes 4, 5, then PDU 0's lowest: node 0 and 4 of node 1.
    c = b.capacity({8, 8, 8, 8, 8, 8});
    REQUIRE(rule.place(view, c, 28, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{0, 8}, {1, 4}, {4, 8}, {5, 8}});
  }
}

TEST_CASE("the placement rules are registered, without parameters", "[policies][placement][registry]") {
  const auto& reg = policies::builtin_policies();
  for (const char* name : {"first-fit", "best-fit", "spread", "topology", "thermal", "power-headroom"}) {
    const auto& info = reg.get(name, policies::PolicyKind::kPlacement);
    CHECK(info.params.empty());
    CHECK_FALSE(info.description.empty());
    CHECK(info.make_placement({}) != nullptr);
  }
}

namespace {

// Checks every answer of the rule it wraps against the capacity it was given: the right total,
// distinct nodes of one site with that much free, one node for a job that fits on one, whole
// free nodes for a larger one (the last possibly partly).
struct Checked : policies::PlacementRule {
  std::unique_ptr<policies::PlacementRule> rule;
  std::size_t calls = 0, placed = 0, wrong = 0;
  explicit Checked(std::unique_ptr<policies::PlacementRule> r) : rule(std::move(r)) {}
  bool place(const datacenter::ClusterView& view, const FreeCapacity& capacity, std::uint32_t g, std::uint32_t site,
             Placement& out) override {
    ++calls;
    const bool ok = rule->place(view, capacity, g, site, out);
    if (!ok) {
      if (!out.empty()) ++wrong;
      return false;
    }
    ++placed;
    std::uint32_t sum = 0, partial = 0;
    std::set<NodeId> seen;
    for (const auto& part : out.parts) {
      sum += part.accelerators;
      if (part.accelerators == 0 || part.accelerators > capacity.free(part.node)) ++wrong;
      if (!seen.insert(part.node).second) ++wrong;
      if (view.site_of(part.node) != view.site_of(out.parts[0].node)) ++wrong;
      if (site != datacenter::kAnySite && view.site_of(part.node) != site) ++wrong;
      if (out.parts.size() > 1) {
        if (capacity.free(part.node) != capacity.total(part.node)) ++wrong;
        if (part.accelerators < capacity.total(part.node)) ++partial;
      }
    }
    if (sum != g || partial > 1) ++wrong;
    if (g <= view.max_node_accelerators() && out.parts.size() != 1) ++wrong;
    return true;
  }
};

}  // namespace

TEST_CASE("every placement rule under EASY backfilling places only what is free and finishes every job",
          "[policies][placement][property]") {
  // Two sites with thermal models: the lossy site (6 racks of 2 eight-GPU nodes, 4 racks of 3
  // four-GPU nodes, 3 PDUs of 150 kW) and 6 bench nodes in racks of one, no PDUs. 200 jobs of
  // 1-16 GPUs, arriving faster than they finish.
  test::LossyHardware lossy;
  test::BenchHardware bench;
  datacenter::WorldConfig config;
  config.sites.push_back(lossy.site());
  config.sites.back().carbon_intensity_g_per_kwh = simcore::StepSeries::constant(300.0);
  config.sites.push_back(test::bench_site(bench, 6));
  for (auto& site : config.sites) {
    std::size_t racks = 0;
    for (const auto& g : site.racks) racks += g.count;
    site.thermal.enabled = true;
    site.thermal.recirculation_k_per_kw =
        thermal::layout_matrix(thermal::RoomLayout{4, thermal::Containment::kNone}, racks);
  }
  const auto jobs = test::random_jobs(12, 200, 120.0);
  for (const char* name : {"first-fit", "best-fit", "spread", "topology", "thermal", "power-headroom"}) {
    INFO(name);
    const auto& info = policies::builtin_policies().get(name, policies::PolicyKind::kPlacement);
    auto checked = std::make_unique<Checked>(info.make_placement({}));
    Checked* check = checked.get();
    policies::StackPolicy stack(std::make_unique<policies::EasyBackfillScheduler>(), std::move(checked), {});
    workloads::VectorJobSource source(jobs);
    datacenter::World world(config, source, stack, nullptr);
    const auto sum = world.run();
    CHECK(sum.jobs_completed == jobs.size());
    CHECK(check->wrong == 0);
    CHECK(check->placed >= jobs.size());
    CHECK(check->calls > check->placed);  // some jobs waited: the rules were asked what-ifs too
  }
}

namespace {

// Two sites of 4 bench nodes each (2 racks of 2 nodes, each rack under its own PDU): nodes 0-3
// are site 0, nodes 4-7 site 1. Built and run once empty, as Bench.
struct TwoSites {
  test::BenchHardware hw;
  datacenter::WorldConfig config;
  workloads::VectorJobSource source{{}};
  policies::FifoPolicy fifo;
  std::unique_ptr<datacenter::World> world;
  TwoSites() {
    for (const char* name : {"west", "east"}) {
      datacenter::SiteConfig site = test::bench_site(hw, 1);
      site.name = name;
      site.racks[0].count = 2;
      site.racks[0].nodes_per_rack = 2;
      site.distribution.pdus = 2;
      config.sites.push_back(site);
    }
    world = std::make_unique<datacenter::World>(config, source, fifo, nullptr);
    world->run();
  }
  FreeCapacity capacity(const std::vector<std::uint32_t>& free) const {
    FreeCapacity c = world->view().capacity();
    REQUIRE(c.size() == free.size());
    for (std::size_t n = 0; n < free.size(); ++n) c.set_free(n, free[n]);
    return c;
  }
};

}  // namespace

TEST_CASE("every placement rule places on the site it is given, although another has room",
          "[policies][placement][site]") {
  TwoSites b;
  const auto view = b.world->view();
  REQUIRE(view.site_count() == 2);
  REQUIRE(view.site_first_node(1) == 4);
  Placement p;
  // Free {8, 4, 8, 8 | 8, 5, 8, 8}. Racks: (0, 1), (2, 3) | (4, 5), (6, 7); no thermal model
  // (every inlet ties) and equal idle loads under every PDU (every headroom ties), so the ranked
  // rules take the first rack / PDU in index order.
  auto c = b.capacity({8, 4, 8, 8, 8, 5, 8, 8});
  struct Expect {
    std::unique_ptr<policies::PlacementRule> rule;
    NodeId any4, site1_4;  // a 4-GPU job: anywhere, and on site 1
    Parts site1_16;        // a 16-GPU job on site 1
  };
  std::vector<Expect> rules;
  // first-fit: the lowest index with 4 free: node 0; on site 1 node 4. 16 GPUs on site 1: its
  // whole free nodes 4, 6, 7, lowest first: 4 and 6.
  rules.push_back({std::make_unique<policies::FirstFitPlacement>(), 0, 4, {{4, 8}, {6, 8}}});
  // best-fit: the fewest free that fits: node 1 (4 free); on site 1 node 5 (5 free), although
  // node 1 fits tighter.
  rules.push_back({std::make_unique<policies::BestFitPlacement>(), 1, 5, {{4, 8}, {6, 8}}});
  // spread: the most free, lowest index: node 0; on site 1 node 4.
  rules.push_back({std::make_unique<policies::SpreadPlacement>(), 0, 4, {{4, 8}, {6, 8}}});
  // topology: best-fit for one node; 16 GPUs: rack (6, 7) holds all 16 (rack (4, 5) only 8).
  rules.push_back({std::make_unique<policies::TopologyPlacement>(), 1, 5, {{6, 8}, {7, 8}}});
  // thermal and power-headroom: the first rack / PDU of the allowed nodes with room, best-fit in
  // it: rack (0, 1) -> node 1; on site 1 rack (4, 5) -> node 5. 16 GPUs: racks in index order,
  // node 4, then node 6.
  rules.push_back({std::make_unique<policies::ThermalPlacement>(), 1, 5, {{4, 8}, {6, 8}}});
  rules.push_back({std::make_unique<policies::PowerHeadroomPlacement>(), 1, 5, {{4, 8}, {6, 8}}});
  for (auto& e : rules) {
    INFO("rule " << rules.size() << " at " << &e - rules.data());
    REQUIRE(e.rule->place(view, c, 4, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{e.any4, 4}});
    REQUIRE(e.rule->place(view, c, 4, 1, p));
    CHECK(parts(p) == Parts{{e.site1_4, 4}});
    REQUIRE(e.rule->place(view, c, 16, 1, p));
    CHECK(parts(p) == e.site1_16);
    // 6 GPUs on site 0 fit only on nodes 0, 2, 3 (node 1 has 4): never site 1.
    REQUIRE(e.rule->place(view, c, 6, 0, p));
    REQUIRE(p.parts.size() == 1);
    CHECK(view.site_of(p.parts[0].node) == 0);
    CHECK(p.parts[0].node != 1);
  }
  // Free {8, 8, 8, 8 | 8, 5, 8, 8}: 32 GPUs fit only on site 0 (site 1 has 24 whole free): on
  // site 1 every rule refuses, with `out` empty; anywhere, they take site 0's four nodes.
  c = b.capacity({8, 8, 8, 8, 8, 5, 8, 8});
  for (auto& e : rules) {
    INFO("rule at " << &e - rules.data());
    CHECK_FALSE(e.rule->place(view, c, 32, 1, p));
    CHECK(p.empty());
    REQUIRE(e.rule->place(view, c, 32, datacenter::kAnySite, p));
    CHECK(parts(p) == Parts{{0, 8}, {1, 8}, {2, 8}, {3, 8}});
    // And 6 GPUs on site 1 with every site-1 node too full: refused, though site 0 is empty.
    const auto full1 = b.capacity({8, 8, 8, 8, 5, 5, 0, 2});
    CHECK_FALSE(e.rule->place(view, full1, 6, 1, p));
    CHECK(p.empty());
  }
}

namespace {

// Suspends job 1 at 50 s and resumes it at 200 s.
struct SuspendJob1 : policies::Manager {
  bool armed = false;
  void on_start(const datacenter::ClusterView&, datacenter::Actions& a, datacenter::SlotId) override {
    if (armed) return;
    armed = true;
    a.wake_at(simcore::SimTime::seconds(50));
    a.wake_at(simcore::SimTime::seconds(200));
  }
  void on_timer(const datacenter::ClusterView& v, datacenter::Actions& a) override {
    if (v.now() == simcore::SimTime::seconds(50)) {
      for (datacenter::SlotId s = 0; s < v.running_slots(); ++s) {
        if (v.running(s).active && v.running(s).job.id == 1) a.suspend(s);
      }
    } else if (v.now() == simcore::SimTime::seconds(200)) {
      while (v.suspended_count() > 0) a.resume(v.suspended(0).seq);
    }
  }
};

}  // namespace

TEST_CASE("a job suspended on site 1 restarts on site 1 although site 0 is empty", "[policies][placement][site]") {
  // Two sites of one 8-GPU node: node 0 is site 0, node 1 site 1. FIFO + first-fit: J0 (8 GPUs,
  // 100 s) at 0 -> node 0; J1 (8 GPUs, 1000 s) at 0 -> node 1. J1 is suspended at 50 s (50 s
  // done), writes its checkpoint until 110 s, and is resumed at 200 s, when both nodes are free
  // (J0 ended at 100 s). First-fit alone would pick node 0 (site 0), where J1's checkpoint is
  // not (the world refuses such a start); told site 1, it picks node 1. J1 reads its checkpoint
  // 200-230 s, and its 950 s left end at 1180 s.
  for (const auto& make : std::vector<std::function<std::unique_ptr<policies::PlacementRule>()>>{
           [] { return std::make_unique<policies::FirstFitPlacement>(); },
           [] { return std::make_unique<policies::BestFitPlacement>(); },
           [] { return std::make_unique<policies::SpreadPlacement>(); },
           [] { return std::make_unique<policies::TopologyPlacement>(); },
           [] { return std::make_unique<policies::ThermalPlacement>(); },
           [] { return std::make_unique<policies::PowerHeadroomPlacement>(); }}) {
    test::BenchHardware hw;
    datacenter::WorldConfig config;
    config.sites.push_back(test::bench_site(hw, 1));
    config.sites.push_back(test::bench_site(hw, 1));
    config.sites[0].name = "west";
    config.sites[1].name = "east";
    workloads::Job j0 = test::job(0, 0, 8, 100, 1.0);
    workloads::Job j1 = test::job(1, 0, 8, 1000, 1.0);
    j1.checkpoint_time = simcore::SimTime::seconds(60);
    j1.restore_time = simcore::SimTime::seconds(30);
    std::map<std::uint64_t, std::set<NodeId>> nodes;
    std::vector<std::unique_ptr<policies::Manager>> managers;
    managers.push_back(std::make_unique<WhereStarted>(&nodes));
    managers.push_back(std::make_unique<SuspendJob1>());
    policies::StackPolicy stack(std::make_unique<policies::FifoScheduler>(), make(), std::move(managers));
    workloads::VectorJobSource source({j0, j1});
    test::Recorder rec;
    datacenter::World world(config, source, stack, &rec);
    datacenter::RunSummary sum;
    REQUIRE_NOTHROW(sum = world.run());
    CHECK(sum.jobs_completed == 2);
    CHECK(sum.suspensions == 1);
    CHECK(nodes.at(0) == std::set<NodeId>{0});
    CHECK(nodes.at(1) == std::set<NodeId>{1});  // both of its starts
    CHECK(rec.row(1).rec.end == simcore::SimTime::seconds(1180));
  }
}
