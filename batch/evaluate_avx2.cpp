// The SIMD lanes, compiled for AVX2 (without FMA, so every lane rounds as the scalar code
// does). Only this file is built with -mavx2, and it instantiates the lane templates for its
// vector type alone; batch/evaluate.cpp calls it only when the CPU has AVX2.

#include <stdexcept>

#include "batch/evaluate.hpp"
#include "batch/evaluate_core.hpp"

namespace wattsim::batch::detail {

namespace {

// kLanes doubles side by side: GCC's vector extension (AVX where the target has it, else pairs
// of SSE2 operations). Every operation is IEEE per lane, as in the scalar code.
typedef double Vec __attribute__((vector_size(kLanes * sizeof(double))));

Vec gather(std::span<const VariantParams> v, double (*field)(const VariantParams&)) {
  Vec out{};
  for (std::size_t l = 0; l < kLanes; ++l) out[l] = field(v[l < v.size() ? l : 0]);
  return out;
}

#define WATTSIM_GATHER(expr) gather(variants, [](const VariantParams& p) -> double { return (expr); })

VariantLanesT<Vec> simd_lanes(std::span<const VariantParams> variants) {
  VariantLanesT<Vec> v;
  v.solar_w = WATTSIM_GATHER(p.solar_w);
  v.wind_w = WATTSIM_GATHER(p.wind_w);
  v.ppa_w = WATTSIM_GATHER(p.ppa_w);
  v.intensity_scale = WATTSIM_GATHER(p.intensity_scale);
  v.initial_energy_j = WATTSIM_GATHER(initial_energy_j(p));
  v.charge_below = WATTSIM_GATHER(p.charge_below_g_per_kwh);
  v.discharge_above = WATTSIM_GATHER(p.discharge_above_g_per_kwh);
  v.credit_price = WATTSIM_GATHER(p.credit_price_per_t);
  supply::BatteryParamsT<Vec> b;
  b.capacity_j = WATTSIM_GATHER(p.battery.capacity_j);
  b.max_charge_w = WATTSIM_GATHER(p.battery.max_charge_w);
  b.max_discharge_w = WATTSIM_GATHER(p.battery.max_discharge_w);
  b.charge_efficiency = WATTSIM_GATHER(p.battery.charge_efficiency);
  b.discharge_efficiency = WATTSIM_GATHER(p.battery.discharge_efficiency);
  b.soc_min = WATTSIM_GATHER(p.battery.soc_min);
  b.soc_max = WATTSIM_GATHER(p.battery.soc_max);
  b.fade_per_cycle = WATTSIM_GATHER(p.battery.fade_per_cycle);
  b.fade_per_year = WATTSIM_GATHER(p.battery.fade_per_year);
  v.battery = supply::prepare(b);
  v.dispatch.strategy = WATTSIM_GATHER(static_cast<double>(p.dispatch.strategy));
  v.dispatch.grid_limit_w = WATTSIM_GATHER(p.dispatch.grid_limit_w);
  v.dispatch.allow_export = WATTSIM_GATHER(p.dispatch.allow_export ? 1.0 : 0.0);
  v.dispatch.export_limit_w = WATTSIM_GATHER(p.dispatch.export_limit_w);
  v.credits.kind = WATTSIM_GATHER(static_cast<double>(p.credits.kind));
  v.credits.period = WATTSIM_GATHER(static_cast<double>(p.credits.period));
  v.credits.retire_kg = WATTSIM_GATHER(p.credits.retire_kg);
  v.credits.obligation_kg = WATTSIM_GATHER(p.credits.obligation_kg);
  v.credits.budget = WATTSIM_GATHER(p.credits.budget);
  v.costs.export_price_factor = WATTSIM_GATHER(p.costs.export_price_factor);
  v.costs.demand_charge_per_kw_month = WATTSIM_GATHER(p.costs.demand_charge_per_kw_month);
  return v;
}

#undef WATTSIM_GATHER

// Lane l of every field of a lane structure, back into a scalar one.
template <class Scalar, class Lanes, std::size_t N>
void scatter_fields(const Lanes& in, Scalar& out, std::size_t lane) {
  static_assert(sizeof(Lanes) == N * sizeof(Vec) && sizeof(Scalar) == N * sizeof(double));
  const auto* src = reinterpret_cast<const Vec*>(&in);
  auto* dst = reinterpret_cast<double*>(&out);
  for (std::size_t k = 0; k < N; ++k) dst[k] = src[k][lane];
}

}  // namespace

void evaluate_lanes_avx2(const ColumnsView& columns, const VariantParams* params, std::size_t n, VariantResult* out) {
  const std::span<const VariantParams> variants(params, n);
  ResultLanesT<Vec> r;
  const VariantLanesT<Vec> lanes = simd_lanes(variants);
  // One strategy for the whole block (the caller groups them so): only its candidate is computed.
  bool uniform = true;
  for (std::size_t l = 1; l < n; ++l) uniform = uniform && params[l].dispatch.strategy == params[0].dispatch.strategy;
  switch (uniform ? static_cast<int>(params[0].dispatch.strategy) : supply::detail::kAnyStrategy) {
    case 0: evaluate_lanes<Vec, 0>(columns, lanes, r); break;
    case 1: evaluate_lanes<Vec, 1>(columns, lanes, r); break;
    case 2: evaluate_lanes<Vec, 2>(columns, lanes, r); break;
    case 3: evaluate_lanes<Vec, 3>(columns, lanes, r); break;
    default: evaluate_lanes<Vec>(columns, lanes, r); break;
  }
  constexpr std::size_t kFlows = sizeof(supply::Flows) / sizeof(double);
  constexpr std::size_t kLedger = sizeof(carbon::LedgerTotals) / sizeof(double);
  constexpr std::size_t kBattery = sizeof(supply::BatteryState) / sizeof(double);
  for (std::size_t l = 0; l < n; ++l) {
    scatter_fields<supply::Flows, supply::FlowsT<Vec>, kFlows>(r.flows, out[l].flows, l);
    scatter_fields<carbon::LedgerTotals, carbon::LedgerTotalsT<Vec>, kLedger>(r.ledger, out[l].ledger, l);
    scatter_fields<supply::BatteryState, supply::BatteryStateT<Vec>, kBattery>(r.battery, out[l].battery, l);
  }
}

}  // namespace wattsim::batch::detail
