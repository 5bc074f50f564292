#pragma once
// Evaluating many variants on the CPU: across all cores (a thread per share of the variants),
// and on each core several variants per SIMD lane (kLanes variants side by side through the
// same branch-free code, structure of arrays across variants). The SIMD path computes bit for
// bit what the scalar path computes (tested). No allocation inside the scans.

#include <cstddef>
#include <span>
#include <vector>

#include "batch/columns.hpp"
#include "batch/variant.hpp"

namespace wattsim::batch {

inline constexpr std::size_t kLanes = 4;

// One variant, one lane: the reference.
VariantResult evaluate_scalar(const ColumnsView& columns, const VariantParams& variant);

// Whether this CPU runs the SIMD lanes (AVX2); without it every path is scalar.
bool simd_available();

// Up to kLanes variants of one group through the SIMD lanes (fewer: the rest are padding).
// Throws std::runtime_error when simd_available() is false.
void evaluate_simd(const ColumnsView& columns, std::span<const VariantParams> variants, std::span<VariantResult> out);

struct CpuOptions {
  unsigned threads = 0;  // 0: one per hardware thread
  bool simd = true;
};

// Every variant against its group's columns (variants[i].group indexes `groups`); results in
// variant order.
std::vector<VariantResult> evaluate_cpu(const std::vector<Columns>& groups, const std::vector<VariantParams>& variants,
                                        const CpuOptions& options = {});

namespace detail {
// batch/evaluate_avx2.cpp: n (1 to kLanes) variants of one group.
void evaluate_lanes_avx2(const ColumnsView& columns, const VariantParams* params, std::size_t n, VariantResult* out);
}  // namespace detail

}  // namespace wattsim::batch
