// The SIMD lanes for AVX-512: 8 variants per vector (batch/simd_lanes.inc). AVX512DQ for the
// bitwise operations on doubles (the branch-free selections).

#define WATTSIM_SIMD_WIDTH 8
#define WATTSIM_SIMD_ENTRY evaluate_lanes_avx512
#include "batch/simd_lanes.inc"
