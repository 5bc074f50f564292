#include "batch/evaluate.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>

#include "batch/columns.hpp"
#include "batch/cuda.hpp"
#include "models/supply/supply_site.hpp"
#include "simcore/calendar.hpp"

using namespace wattsim;
using simcore::SimTime;

namespace {

// Three days: a demand that changes every 7-93 minutes, hourly intensity and price, a
// 15-minute solar profile, an hourly wind profile, a flat PPA profile.
struct Inputs {
  simcore::StepSeries intensity, price, solar, wind, ppa;
  std::vector<SimTime> demand_times;
  std::vector<double> demand_w;
  SimTime end = SimTime::days(3);
  SimTime origin = SimTime::days(simcore::days_from_civil(2023, 1, 30));  // crosses into February
  Inputs() {
    std::mt19937_64 gen(9);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<SimTime> th, tq;
    std::vector<double> k, p, w, s;
    for (int h = 0; h < 72; ++h) {
      th.push_back(SimTime::hours(h));
      k.push_back(100 + 400 * u(gen));
      p.push_back(0.02 + 0.2 * u(gen));
      w.push_back(u(gen));
    }
    for (int q = 0; q < 72 * 4; ++q) {
      tq.push_back(SimTime::minutes(15 * q));
      const double hour = std::fmod(q / 4.0, 24.0);
      s.push_back(hour > 6 && hour < 18 ? std::sin((hour - 6) / 12 * 3.14159265) * (0.7 + 0.3 * u(gen)) : 0.0);
    }
    intensity = simcore::StepSeries(th, k, end, "k");
    price = simcore::StepSeries(th, p, end, "p");
    wind = simcore::StepSeries(th, w, end, "wind");
    solar = simcore::StepSeries(tq, s, end, "solar");
    ppa = simcore::StepSeries::constant(0.4, SimTime::zero(), end);
    SimTime t = SimTime::zero();
    while (t < end) {
      demand_times.push_back(t);
      demand_w.push_back(0.5e6 + 1.5e6 * u(gen));
      t += SimTime::minutes(7 + static_cast<int>(86 * u(gen)));
    }
  }
  batch::ColumnInputs columns(bool solar_on, bool wind_on, bool ppa_on) const {
    batch::ColumnInputs c;
    c.demand_times = demand_times;
    c.demand_w = demand_w;
    c.end = end;
    c.intensity = {&intensity, false};
    c.price = {&price, false};
    if (solar_on) c.solar = {&solar, false};
    if (wind_on) c.wind = {&wind, false};
    if (ppa_on) c.ppa = {&ppa, false};
    c.calendar_origin = origin;
    return c;
  }
};

batch::VariantParams random_variant(std::mt19937_64& gen) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  batch::VariantParams v;
  v.solar_w = 3e6 * u(gen);
  v.wind_w = 2e6 * u(gen);
  v.ppa_w = 1e6 * u(gen);
  v.intensity_scale = 0.3 + 0.7 * u(gen);
  if (u(gen) < 0.8) {
    v.battery.capacity_j = 8e9 * u(gen);
    v.battery.max_charge_w = 2e6 * u(gen);
    v.battery.max_discharge_w = 2e6 * u(gen);
    v.battery.charge_efficiency = 0.85 + 0.15 * u(gen);
    v.battery.discharge_efficiency = 0.85 + 0.15 * u(gen);
    v.battery.soc_min = 0.2 * u(gen);
    v.battery.soc_max = 0.8 + 0.2 * u(gen);
    v.battery.fade_per_cycle = 1e-4 * u(gen);
    v.battery.fade_per_year = 0.03 * u(gen);
  }
  v.dispatch.strategy = static_cast<supply::Dispatch>(static_cast<int>(4 * u(gen)));
  v.dispatch.grid_limit_w = 0.5e6 + 1e6 * u(gen);
  v.dispatch.allow_export = u(gen) < 0.5;
  v.dispatch.export_limit_w = 2e6 * u(gen);
  v.charge_below_g_per_kwh = 150 + 100 * u(gen);
  v.discharge_above_g_per_kwh = 300 + 100 * u(gen);
  v.initial_soc = u(gen);
  v.credits.kind = static_cast<carbon::CreditKind>(static_cast<int>(3 * u(gen)));
  v.credits.period = u(gen) < 0.5 ? carbon::CreditPeriod::kMonth : carbon::CreditPeriod::kYear;
  v.credits.retire_kg = 500 * u(gen);
  v.credits.obligation_kg = 100 * u(gen);
  v.credits.budget = u(gen) < 0.3 ? 50.0 : 1e300;
  v.credit_price_per_t = 80 * u(gen);
  v.costs.export_price_factor = u(gen);
  v.costs.demand_charge_per_kw_month = 20 * u(gen);
  return v;
}

bool same_bits(const batch::VariantResult& a, const batch::VariantResult& b) {
  return std::memcmp(&a.flows, &b.flows, sizeof a.flows) == 0 && std::memcmp(&a.ledger, &b.ledger, sizeof a.ledger) == 0 &&
         std::memcmp(&a.battery, &b.battery, sizeof a.battery) == 0;
}

}  // namespace

TEST_CASE("the SIMD paths (AVX2, AVX-512) equal the scalar path, bit for bit, for 1,000 random variants", "[batch]") {
  const Inputs in;
  std::vector<batch::Columns> groups = {batch::build_columns(in.columns(true, true, true))};
  std::mt19937_64 gen(77);
  std::vector<batch::VariantParams> variants;
  for (int i = 0; i < 1000; ++i) variants.push_back(random_variant(gen));
  const auto scalar = batch::evaluate_cpu(groups, variants, {1, batch::Simd::kNone});
  REQUIRE(scalar.size() == 1000);
  // Not trivially equal: the variants do differ.
  CHECK(scalar[0].ledger.grid_kg != scalar[1].ledger.grid_kg);
  for (const auto level : {batch::Simd::kAvx2, batch::Simd::kAvx512}) {
    if (level > batch::simd_support()) {
      WARN(std::string("this CPU has no ") + batch::simd_name(level) + ": those lanes are not tested here");
      continue;
    }
    INFO(batch::simd_name(level));
    REQUIRE(batch::effective_simd({2, level}) == level);
    const auto simd = batch::evaluate_cpu(groups, variants, {2, level});
    REQUIRE(simd.size() == 1000);
    int differ = 0;
    for (std::size_t i = 0; i < variants.size(); ++i) differ += same_bits(simd[i], scalar[i]) ? 0 : 1;
    CHECK(differ == 0);
    // A short block (fewer variants than lanes) pads its lanes and still agrees.
    std::vector<batch::VariantResult> few(3);
    batch::evaluate_simd(batch::view(groups[0]), std::span(variants).subspan(5, 3), few, level);
    for (std::size_t i = 0; i < 3; ++i) CHECK(same_bits(few[i], scalar[5 + i]));
  }
}

namespace {
std::atomic<int> g_polls{0};
bool cancel_after_three() noexcept { return ++g_polls > 3; }
bool never_cancel() noexcept { return false; }
}  // namespace

TEST_CASE("a cancelled evaluation stops its threads at the next block and throws", "[batch]") {
  const Inputs in;
  std::vector<batch::Columns> groups = {batch::build_columns(in.columns(true, true, true))};
  std::mt19937_64 gen(5);
  std::vector<batch::VariantParams> variants;
  for (int i = 0; i < 200; ++i) variants.push_back(random_variant(gen));
  const auto plain = batch::evaluate_cpu(groups, variants, {2, batch::Simd::kNone});
  const auto polled = batch::evaluate_cpu(groups, variants, {2, batch::Simd::kNone, never_cancel});
  for (std::size_t i = 0; i < variants.size(); ++i) CHECK(same_bits(polled[i], plain[i]));
  g_polls = 0;
  CHECK_THROWS_AS(batch::evaluate_cpu(groups, variants, {2, batch::Simd::kNone, cancel_after_three}), batch::Cancelled);
  // Each of the 2 threads polls once more after the third block, then stops: 200 blocks not run.
  CHECK(g_polls <= 5);
}

TEST_CASE("a variant evaluates exactly as the simulator's online settlement", "[batch]") {
  const Inputs in;
  std::mt19937_64 gen(5);
  for (int trial = 0; trial < 20; ++trial) {
    auto v = random_variant(gen);
    v.intensity_scale = 1.0;  // the simulator has no scaling
    const bool solar = trial % 2 == 0, wind = trial % 3 == 0, ppa = trial % 5 != 0;
    if (!solar) v.solar_w = 0;
    if (!wind) v.wind_w = 0;
    if (!ppa) v.ppa_w = 0;
    const auto columns = batch::build_columns(in.columns(solar, wind, ppa));
    const auto r = batch::evaluate_scalar(batch::view(columns), v);
    // The same configuration through SupplySite.
    auto cfg = std::make_shared<supply::SupplyConfig>();
    if (solar) cfg->renewables.push_back({v.solar_w, in.solar, false});
    if (wind) cfg->renewables.push_back({v.wind_w, in.wind, false});
    if (ppa) cfg->ppas.push_back({v.ppa_w, in.ppa, false});
    cfg->battery = v.battery;
    cfg->initial_soc = v.initial_soc;
    cfg->dispatch = v.dispatch;
    cfg->charge_below_g_per_kwh = v.charge_below_g_per_kwh;
    cfg->discharge_above_g_per_kwh = v.discharge_above_g_per_kwh;
    cfg->price = supply::ScaledSeries{1.0, in.price, false};
    cfg->credit_price = supply::ScaledSeries{1.0, simcore::StepSeries::constant(v.credit_price_per_t), false};
    cfg->credits = v.credits;
    cfg->costs = v.costs;
    cfg->calendar_origin = in.origin;
    supply::SupplySite site(cfg, in.intensity, false);
    for (std::size_t i = 0; i < in.demand_times.size(); ++i) site.set_demand(in.demand_times[i], in.demand_w[i]);
    site.finish(in.end);
    const batch::VariantResult online{site.flows(), site.ledger(), site.battery()};
    INFO("trial " << trial);
    CHECK(same_bits(r, online));
  }
}

TEST_CASE("properties over random variants", "[batch]") {
  const Inputs in;
  std::vector<batch::Columns> groups = {batch::build_columns(in.columns(true, true, true))};
  std::mt19937_64 gen(2024);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<batch::VariantParams> variants;
  for (int i = 0; i < 200; ++i) {
    auto base = random_variant(gen);
    // Without a battery, more solar never raises grid emissions.
    auto a = base;
    a.battery.capacity_j = 0;
    auto b = a;
    b.solar_w = a.solar_w + 1e6 * u(gen);
    // A larger lossless battery never raises grid emissions under self-consumption.
    auto c = base;
    c.battery.capacity_j = 2e9 + 2e9 * u(gen);
    c.battery.charge_efficiency = c.battery.discharge_efficiency = 1.0;
    c.battery.fade_per_cycle = c.battery.fade_per_year = 0;
    c.battery.soc_min = 0;
    c.battery.soc_max = 1;
    c.initial_soc = 0;
    c.dispatch.strategy = supply::Dispatch::kSelfConsumption;
    auto d = c;
    d.battery.capacity_j = c.battery.capacity_j * (1 + u(gen));
    // Net zero: operational carbon after credits is zero (no budget limit).
    auto e = base;
    e.credits = {carbon::CreditKind::kNetZero, carbon::CreditPeriod::kMonth, 0, 0, 1e300};
    e.credit_price_per_t = 50;
    for (const auto& v : {a, b, c, d, e}) variants.push_back(v);
  }
  const auto r = batch::evaluate_cpu(groups, variants, {2});
  const double location = r[0].ledger.location_kg;
  for (std::size_t i = 0; i < variants.size(); i += 5) {
    CHECK(r[i + 1].ledger.grid_kg <= r[i].ledger.grid_kg * (1 + 1e-12));
    CHECK(r[i + 3].ledger.grid_kg <= r[i + 2].ledger.grid_kg * (1 + 1e-12));
    CHECK(std::fabs(r[i + 4].ledger.operational_kg()) <= 1e-9 * r[i + 4].ledger.grid_kg + 1e-12);
    // Location-based carbon does not depend on supply at all (for the same intensity scale).
    for (std::size_t k = i; k < i + 5; ++k) {
      if (variants[k].intensity_scale == 1.0) CHECK(r[k].ledger.location_kg == location);
    }
  }
}

TEST_CASE("CUDA results equal CPU results when a GPU is present", "[.][batch][cuda]") {
  if (batch::cuda_device_count() == 0) {
    WARN("skipped: " << batch::cuda_device_description());
    return;
  }
  const Inputs in;
  std::vector<batch::Columns> groups = {batch::build_columns(in.columns(true, true, true))};
  std::mt19937_64 gen(13);
  std::vector<batch::VariantParams> variants;
  for (int i = 0; i < 300; ++i) variants.push_back(random_variant(gen));
  const auto gpu = batch::evaluate_cuda(groups, variants);
  const auto cpu = batch::evaluate_cpu(groups, variants, {2, batch::Simd::kNone});
  for (std::size_t i = 0; i < variants.size(); ++i) {
    CHECK(gpu[i].ledger.grid_kg == Approx(cpu[i].ledger.grid_kg).epsilon(1e-12));
    CHECK(gpu[i].flows.import_j == Approx(cpu[i].flows.import_j).epsilon(1e-12));
    CHECK(gpu[i].ledger.energy_cost == Approx(cpu[i].ledger.energy_cost).epsilon(1e-12));
  }
}

TEST_CASE("without a GPU the CUDA evaluator says why and refuses", "[batch][cuda]") {
  if (batch::cuda_device_count() > 0) return;
  CHECK_FALSE(batch::cuda_device_description().empty());
  const Inputs in;
  std::vector<batch::Columns> groups = {batch::build_columns(in.columns(true, false, false))};
  CHECK_THROWS_WITH(batch::evaluate_cuda(groups, {batch::VariantParams{}}), Catch::Matchers::Contains("CUDA"));
}
