// The SIMD lanes for AVX2: 4 variants per vector (batch/simd_lanes.inc).

#define WATTSIM_SIMD_WIDTH 4
#define WATTSIM_SIMD_ENTRY evaluate_lanes_avx2
#include "batch/simd_lanes.inc"
