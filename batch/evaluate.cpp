#include "batch/evaluate.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "batch/evaluate_core.hpp"

namespace wattsim::batch {

VariantResult evaluate_scalar(const ColumnsView& columns, const VariantParams& variant) {
  ResultLanesT<double> r;
  evaluate_lanes<double>(columns, scalar_lanes(variant), r);
  return {r.flows, r.ledger, r.battery};
}

const char* simd_name(Simd s) {
  switch (s) {
    case Simd::kAvx2: return "AVX2";
    case Simd::kAvx512: return "AVX-512";
    case Simd::kNone: break;
  }
  return "scalar";
}

Simd simd_support() {
  static const Simd best = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? Simd::kAvx512
                           : __builtin_cpu_supports("avx2")                                            ? Simd::kAvx2
                                                                                                       : Simd::kNone;
  return best;
}

Simd effective_simd(const CpuOptions& options) { return std::min(options.simd, simd_support()); }

namespace {

void run_lanes(Simd level, const ColumnsView& columns, const VariantParams* params, std::size_t n, VariantResult* out) {
  if (level == Simd::kAvx512) {
    detail::evaluate_lanes_avx512(columns, params, n, out);
  } else {
    detail::evaluate_lanes_avx2(columns, params, n, out);
  }
}

}  // namespace

void evaluate_simd(const ColumnsView& columns, std::span<const VariantParams> variants, std::span<VariantResult> out,
                   Simd level) {
  if (level == Simd::kNone || level > simd_support()) {
    throw std::runtime_error(std::string("evaluate_simd: this CPU does not run ") + simd_name(level) + " lanes");
  }
  if (variants.empty() || variants.size() > lanes(level) || out.size() < variants.size()) {
    throw std::invalid_argument("evaluate_simd: 1 to lanes(level) variants and as many results");
  }
  run_lanes(level, columns, variants.data(), variants.size(), out.data());
}

std::vector<VariantResult> evaluate_cpu(const std::vector<Columns>& groups, const std::vector<VariantParams>& variants,
                                        const CpuOptions& options) {
  for (const auto& v : variants) {
    if (v.group >= groups.size()) throw std::invalid_argument("evaluate_cpu: a variant names a group that does not exist");
  }
  std::vector<ColumnsView> views;
  for (const auto& g : groups) views.push_back(view(g));
  // Variants of one group go through the lanes together: order by group, keep the order within.
  std::vector<std::size_t> order(variants.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // ... and by strategy, so that the lanes of a block share it (the lanes then compute only its
  // candidate power: the same bits, less work).
  const auto key = [&](std::size_t i) { return std::make_pair(variants[i].group, static_cast<int>(variants[i].dispatch.strategy)); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  const Simd simd = effective_simd(options);
  // Work items: blocks of up to lanes(simd) consecutive variants (in that order) of one group.
  std::vector<std::pair<std::size_t, std::size_t>> blocks;  // [first, last) into `order`
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    const std::size_t width = lanes(simd);
    while (j < order.size() && j - i < width && variants[order[j]].group == variants[order[i]].group) ++j;
    blocks.emplace_back(i, j);
    i = j;
  }
  std::vector<VariantResult> results(variants.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  const auto worker = [&] {
    VariantParams lane_params[kMaxLanes];
    VariantResult lane_results[kMaxLanes];
    for (std::size_t b = next++; b < blocks.size(); b = next++) {
      if (options.cancelled != nullptr && options.cancelled()) {
        cancelled = true;
        return;
      }
      const auto [first, last] = blocks[b];
      const ColumnsView& c = views[variants[order[first]].group];
      if (simd == Simd::kNone) {
        for (std::size_t k = first; k < last; ++k) results[order[k]] = evaluate_scalar(c, variants[order[k]]);
        continue;
      }
      for (std::size_t k = first; k < last; ++k) lane_params[k - first] = variants[order[k]];
      run_lanes(simd, c, lane_params, last - first, lane_results);
      for (std::size_t k = first; k < last; ++k) results[order[k]] = lane_results[k - first];
    }
  };
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, blocks.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (cancelled) throw Cancelled();
  return results;
}

}  // namespace wattsim::batch
