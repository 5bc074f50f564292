#pragma once
// WATTSIM_HD marks functions that run both on the CPU and, compiled by nvcc, on a CUDA GPU
// (the batch evaluator). Such functions take plain values and arrays: no virtual calls, no
// allocation, no exceptions.

#if defined(__CUDACC__)
#define WATTSIM_HD __host__ __device__
#else
#define WATTSIM_HD
#endif
