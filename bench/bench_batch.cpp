// The batch evaluator: variants of one demand profile over a year at 1-minute resolution
// (525,600 intervals: demand, solar, wind, intensity and price all change every minute),
// each with a battery. One item = one variant-interval. Targets: >= 250 M per second per core.

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "batch/columns.hpp"
#include "batch/cuda.hpp"
#include "batch/evaluate.hpp"

namespace {

using namespace wattsim;
using simcore::SimTime;

struct Year {
  simcore::StepSeries k, price, solar, wind;
  std::vector<SimTime> times;
  std::vector<double> demand;
  batch::Columns columns;
  Year() {
    const std::size_t n = 525'600;
    std::vector<double> kv(n), pv(n), sv(n), wv(n);
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const double r = static_cast<double>(x % 10000) / 10000.0;
      const double day = 2.0 * 3.14159265358979 * static_cast<double>(i % 1440) / 1440.0;
      times.push_back(SimTime::minutes(static_cast<std::int64_t>(i)));
      demand.push_back(1.0e6 + 3.0e5 * r);
      kv[i] = 250.0 + 100.0 * std::cos(day) + 10 * r;
      pv[i] = 0.08 + 0.04 * std::cos(day) + 0.001 * r;
      sv[i] = std::max(0.0, -std::cos(day)) * (0.9 + 0.1 * r);
      wv[i] = 0.3 + 0.2 * r;
    }
    const SimTime end = SimTime::days(365);
    k = simcore::StepSeries(times, kv, end, "k");
    price = simcore::StepSeries(times, pv, end, "p");
    solar = simcore::StepSeries(times, sv, end, "solar");
    wind = simcore::StepSeries(times, wv, end, "wind");
    batch::ColumnInputs in;
    in.demand_times = times;
    in.demand_w = demand;
    in.end = end;
    in.intensity = {&k, false};
    in.price = {&price, false};
    in.solar = {&solar, false};
    in.wind = {&wind, false};
    in.calendar_origin = SimTime::days(19358);  // 2023-01-01
    columns = batch::build_columns(in);
  }
};

std::vector<batch::VariantParams> variants(std::size_t count) {
  std::vector<batch::VariantParams> out;
  for (std::size_t i = 0; i < count; ++i) {
    batch::VariantParams v;
    v.solar_w = 0.5e6 * static_cast<double>(i % 7);
    v.wind_w = 0.3e6 * static_cast<double>(i % 5);
    v.battery.capacity_j = 3.6e9 * static_cast<double>(1 + i % 4);
    v.battery.max_charge_w = v.battery.max_discharge_w = 1e6;
    v.battery.charge_efficiency = v.battery.discharge_efficiency = 0.92;
    v.battery.soc_min = 0.1;
    v.dispatch.strategy = static_cast<supply::Dispatch>(1 + i % 3);
    v.dispatch.grid_limit_w = 1.1e6;
    v.charge_below_g_per_kwh = 180;
    v.discharge_above_g_per_kwh = 320;
    v.credits.kind = carbon::CreditKind::kNetZero;
    v.credit_price_per_t = 60;
    out.push_back(v);
  }
  return out;
}

void run(benchmark::State& state, batch::Simd simd, unsigned threads) {
  if (batch::effective_simd({threads, simd}) != simd) {
    state.SkipWithError((std::string("this CPU has no ") + batch::simd_name(simd)).c_str());
    return;
  }
  static const Year year;
  const std::vector<batch::Columns> groups = {year.columns};
  const auto vs = variants(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = batch::evaluate_cpu(groups, vs, {threads, simd});
    benchmark::DoNotOptimize(r.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * vs.size() * year.columns.size()));
}

void BM_Batch_Scalar_1Thread(benchmark::State& state) { run(state, batch::Simd::kNone, 1); }
void BM_Batch_Avx2_1Thread(benchmark::State& state) { run(state, batch::Simd::kAvx2, 1); }
void BM_Batch_Avx512_1Thread(benchmark::State& state) { run(state, batch::Simd::kAvx512, 1); }
void BM_Batch_Best_AllThreads(benchmark::State& state) { run(state, batch::simd_support(), 0); }

// One thread per variant on the GPU, when there is one (reported as an error otherwise).
void BM_Batch_Cuda(benchmark::State& state) {
  if (batch::cuda_device_count() == 0) {
    state.SkipWithError(("no GPU: " + batch::cuda_device_description()).c_str());
    return;
  }
  static const Year year;
  const std::vector<batch::Columns> groups = {year.columns};
  const auto vs = variants(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = batch::evaluate_cuda(groups, vs);
    benchmark::DoNotOptimize(r.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * vs.size() * year.columns.size()));
}

BENCHMARK(BM_Batch_Scalar_1Thread)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_Avx2_1Thread)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_Avx512_1Thread)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Batch_Best_AllThreads)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();
// The size: 10,000 variants x 525,600 intervals (5.3e9 variant-intervals, ~20 s per
// iteration on 2 cores).
BENCHMARK(BM_Batch_Best_AllThreads)->Arg(10000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_Batch_Cuda)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
