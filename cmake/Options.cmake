# Build options. Optional parts have AUTO defaults: the build and all tests pass without them.
option(WATTSIM_BUILD_TESTS "Build the Catch2 test suite" ON)
option(WATTSIM_BUILD_BENCH "Build the Google Benchmark micro-benchmarks" ON)
option(WATTSIM_WERROR "Treat compiler warnings as errors (CI builds)" OFF)
set(WATTSIM_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. 'address,undefined' (empty: none)")
set(WATTSIM_CUDA AUTO CACHE STRING "Build the CUDA parts: AUTO (when nvcc is found), ON, OFF")
set_property(CACHE WATTSIM_CUDA PROPERTY STRINGS AUTO ON OFF)
set(WATTSIM_MPI AUTO CACHE STRING "Build the MPI sweep runner: AUTO (when MPI is found), ON, OFF")
set_property(CACHE WATTSIM_MPI PROPERTY STRINGS AUTO ON OFF)
# libFuzzer executables of tests/fuzz/ (`make fuzz`); needs clang (CC=clang-14 CXX=clang++-14).
option(WATTSIM_FUZZ "Build the libFuzzer harnesses (clang): every library gets -fsanitize=fuzzer-no-link,address,undefined" OFF)
