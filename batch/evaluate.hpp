#pragma once
// Evaluating many variants on the CPU: across all cores (a thread per share of the variants),
// and on each core several variants per vector (4 with AVX2, 8 with AVX-512, side by side
// through the same branch-free code, structure of arrays across variants). Every SIMD path
// computes bit for bit what the scalar path computes (tested). No allocation inside the scans.

#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "batch/columns_view.hpp"
#include "batch/variant.hpp"

namespace wattsim::batch {

// The vector instruction sets of the lanes, in increasing width.
enum class Simd { kNone, kAvx2, kAvx512 };
inline constexpr std::size_t kMaxLanes = 8;
constexpr std::size_t lanes(Simd s) { return s == Simd::kAvx512 ? 8 : s == Simd::kAvx2 ? 4 : 1; }
const char* simd_name(Simd s);  // "scalar", "AVX2", "AVX-512"

// One variant, one lane: the reference.
VariantResult evaluate_scalar(const ColumnsView& columns, const VariantParams& variant);

// The widest lanes this CPU runs (AVX-512 needs AVX512F and AVX512DQ).
Simd simd_support();

// Up to lanes(level) variants of one group through one vector (fewer: the rest are padding).
// Throws std::runtime_error when the CPU lacks `level` (or it is kNone).
void evaluate_simd(const ColumnsView& columns, std::span<const VariantParams> variants, std::span<VariantResult> out,
                   Simd level);

struct CpuOptions {
  unsigned threads = 0;           // 0: one per hardware thread
  Simd simd = Simd::kAvx512;      // the widest lanes to use (kNone: scalar); capped by the CPU
  // Polled by every thread before each block of variants (from several threads at once): when
  // it returns true, the threads stop and evaluate_cpu throws Cancelled (e.g. on Ctrl-C).
  bool (*cancelled)() noexcept = nullptr;
};

// evaluate_cpu stopped because CpuOptions::cancelled returned true.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("the evaluation was cancelled") {}
};

// The lanes evaluate_cpu uses under `options` on this CPU.
Simd effective_simd(const CpuOptions& options);

// Every variant against its group's columns (variants[i].group indexes `groups`); results in
// variant order.
std::vector<VariantResult> evaluate_cpu(const std::vector<Columns>& groups, const std::vector<VariantParams>& variants,
                                        const CpuOptions& options = {});

namespace detail {
// batch/evaluate_avx2.cpp and evaluate_avx512.cpp: n (1 to 4, 1 to 8) variants of one group.
void evaluate_lanes_avx2(const ColumnsView& columns, const VariantParams* params, std::size_t n, VariantResult* out);
void evaluate_lanes_avx512(const ColumnsView& columns, const VariantParams* params, std::size_t n, VariantResult* out);
}  // namespace detail

}  // namespace wattsim::batch
