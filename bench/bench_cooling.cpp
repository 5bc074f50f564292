// The per-change costs that cooling and rack temperatures add to the simulator: one rack power
// change through the recirculation matrix (O(racks): every inlet moves, and every rack's
// violation state is checked), and one evaluation of a chilled-water plant with a liquid loop
// and heat reuse (the world calls it on every facility power change).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "models/cooling/cooling_plant.hpp"
#include "models/heat/heat_reuse.hpp"
#include "models/thermal/recirculation.hpp"

namespace {

using namespace wattsim;

void BM_RackThermal_SetPower(benchmark::State& state) {
  const auto racks = static_cast<std::size_t>(state.range(0));
  thermal::RackThermal t(thermal::layout_matrix({16, thermal::Containment::kPartial}, racks), 22.0,
                         std::vector<double>(racks, 32.0));
  constexpr std::size_t kChanges = 1 << 16;
  std::mt19937_64 gen(7);
  std::vector<std::uint32_t> which(kChanges);
  std::vector<double> watts(kChanges);
  for (std::size_t i = 0; i < kChanges; ++i) {
    which[i] = static_cast<std::uint32_t>(gen() % racks);
    watts[i] = 5e3 + static_cast<double>(gen() % 40'000);
  }
  std::size_t i = 0;
  std::int64_t us = 0;
  for (auto _ : state) {
    t.set_power(simcore::SimTime::from_us(++us), which[i], watts[i]);
    i = (i + 1) & (kChanges - 1);
  }
  benchmark::DoNotOptimize(t.peak_inlet_c());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RackThermal_SetPower)->Arg(32)->Arg(256)->Arg(1024);

void BM_CoolingPlant_WithHeatReuse(benchmark::State& state) {
  cooling::Plant p;
  p.type = cooling::PlantType::kChilledWater;
  p.air = {30e3, 600e3, 0.3};
  p.chillers.capacity_w = 1e6;
  p.chillers.cop_vs_outside_c = cooling::PiecewiseLinear({{15.0, 8.4}, {35.0, 6.0}, {45.0, 4.8}});
  p.chillers.cop_vs_plr = cooling::PiecewiseLinear({{0.1, 0.7}, {0.25, 1.2}, {0.5, 1.4}, {0.75, 1.25}, {1.0, 1.0}});
  p.chillers.pump_w_per_w = 0.02;
  p.chillers.tower_fan_w_per_w = 0.01;
  p.chillers.tower_water_l_per_kwh = 1.8;
  p.liquid.present = true;
  p.liquid.capture_fraction = 0.75;
  p.liquid.dry_cooler_w_per_w = 0.02;
  p.liquid.pump_w_per_w = 0.02;
  heat::Plant h;
  h.present = true;
  double it = 1.0e6, sum = 0.0;
  for (auto _ : state) {
    it = it < 1.5e6 ? it + 10.0 : 1.0e6;
    cooling::Load load{it, it * 1.05, 21.0, 0.0, 0.0};
    cooling::Power c = cooling::cooling_power(p, load);
    const heat::Flows f = heat::reuse(h, {c.liquid_heat_w, p.liquid.return_c(), c.air_heat_w}, 600e3);
    load.recovered_liquid_w = f.recovered_liquid_w;
    c = cooling::cooling_power(p, load);
    sum += c.total_w + f.heat_pump_w;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoolingPlant_WithHeatReuse);

}  // namespace
