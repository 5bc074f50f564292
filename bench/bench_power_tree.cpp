// Incremental propagation in the power-distribution tree: random node load changes in a
// tree of 10,000 nodes / 300 racks / 30 PDUs behind one UPS, with efficiency curves on the
// node PSUs, PDUs and UPS (as in a real facility). One item = one node load change pushed
// to the feed (O(depth) = 5 levels).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "models/power/power_tree.hpp"

namespace {

using namespace wattsim;

power::PowerTree make_facility() {
  power::TreeLayout l;
  l.nodes = 10'000;
  l.racks = 300;
  l.pdus = 30;
  l.ups_capacity_w = 150e6;
  l.ups_curve = power::EfficiencyCurve({{0.1, 0.85}, {0.2, 0.88}, {0.3, 0.91}, {0.5, 0.94}, {0.75, 0.95}, {1.0, 0.95}});
  l.pdu_capacity_w = 4.5e6;
  l.pdu_curve = power::EfficiencyCurve({{0.1, 0.946}, {0.2, 0.97}, {0.35, 0.979}, {0.5, 0.982}, {1.0, 0.98}});
  l.rack_capacity_w = 450e3;
  l.node_psu_rated_w = 13.2e3;
  l.node_psu_curve = power::EfficiencyCurve({{0.1, 0.90}, {0.2, 0.94}, {0.5, 0.96}, {1.0, 0.91}});
  return power::PowerTree(power::make_tree_spec(l));
}

void BM_PowerTree_Propagate(benchmark::State& state) {
  power::PowerTree tree = make_facility();
  std::vector<power::ElementId> nodes;
  for (power::ElementId e = 0; e < tree.size(); ++e) {
    if (tree.kind(e) == power::ElementKind::kNode) nodes.push_back(e);
  }
  // 1M precomputed random changes (node, DC load 1-10 kW), replayed in a loop.
  constexpr std::size_t kChanges = 1 << 20;
  std::vector<power::ElementId> which(kChanges);
  std::vector<double> load(kChanges);
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < kChanges; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    which[i] = nodes[x % nodes.size()];
    load[i] = 1000.0 + static_cast<double>((x >> 20) % 9000);
  }
  std::int64_t t = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    tree.set_load(which[i], simcore::SimTime::from_us(++t), load[i]);
    i = (i + 1) & (kChanges - 1);
  }
  benchmark::DoNotOptimize(tree.facility_input_w());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PowerTree_Propagate);

}  // namespace
