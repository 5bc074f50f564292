// The settlement core alone: a year at 1-minute resolution (525,600 intervals) with a 2 MWh
// battery under self-consumption, demand, solar and carbon intensity varying every minute.
// One item = one interval settled (DESIGN.md §5; the batch evaluator runs this loop per variant).

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "models/supply/settlement.hpp"

namespace {

using namespace wattsim::supply;

std::vector<IntervalSignals> year_of_minutes() {
  std::vector<IntervalSignals> v(525'600);
  std::uint64_t x = 0x2545F4914F6CDD1Dull;
  for (std::size_t i = 0; i < v.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double day = 2.0 * 3.14159265358979 * static_cast<double>(i % 1440) / 1440.0;
    v[i].demand_w = 1.0e6 + 2.0e5 * static_cast<double>(x % 1000) / 1000.0;
    v[i].renewable_w = std::max(0.0, -2.0e6 * std::cos(day));  // a daytime bell
    v[i].intensity_g_per_kwh = 250.0 + 100.0 * std::cos(day);
    v[i].price_per_kwh = 0.1;
  }
  return v;
}

void BM_Settlement_YearOfMinutes(benchmark::State& state) {
  static const auto signals = year_of_minutes();
  BatteryParams b;
  b.capacity_j = 2 * 3.6e9;
  b.max_charge_w = b.max_discharge_w = 1e6;
  b.charge_efficiency = b.discharge_efficiency = 0.95;
  b.soc_min = 0.1;
  b.fade_per_cycle = 1e-5;
  // As the simulator's SupplySite holds them: the battery prepared once, the dispatch as lanes.
  const auto battery = prepare(b);
  const auto d = dispatch_lanes<double>(DispatchParams{});
  for (auto _ : state) {
    BatteryState st;
    st.capacity_j = b.capacity_j;
    st.energy_j = 0.5 * b.capacity_j;
    Flows f;
    for (const auto& s : signals) settle_lanes<double>(s, 60.0, battery, d, st, f);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * signals.size()));
}
BENCHMARK(BM_Settlement_YearOfMinutes)->Unit(benchmark::kMillisecond);

}  // namespace
