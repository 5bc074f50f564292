# Every external dependency of wattsim, found once here. All come from Debian packages
# (scripts/setup.sh installs them); nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)             # header-only parts: Graph, Random
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(ZLIB REQUIRED)                   # results/ writes deflate chunks itself
find_package(PkgConfig REQUIRED)
# SimGrid ships no CMake package; used by the peer comparison in bench/.
pkg_check_modules(SIMGRID REQUIRED IMPORTED_TARGET simgrid)
if(WATTSIM_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()
if(WATTSIM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# CUDA (batch evaluator): optional.
set(WATTSIM_HAVE_CUDA OFF)
if(NOT WATTSIM_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # Explicit: CUDA 13 dropped the oldest architectures, so the toolkit default may not build.
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    enable_language(CUDA)
    set(WATTSIM_HAVE_CUDA ON)
  elseif(WATTSIM_CUDA STREQUAL "ON")
    message(FATAL_ERROR "WATTSIM_CUDA=ON but no CUDA compiler was found")
  endif()
endif()

# MPI (multi-machine sweeps): optional.
set(WATTSIM_HAVE_MPI OFF)
if(NOT WATTSIM_MPI STREQUAL "OFF")
  find_package(MPI QUIET COMPONENTS CXX)
  if(MPI_CXX_FOUND)
    set(WATTSIM_HAVE_MPI ON)
  elseif(WATTSIM_MPI STREQUAL "ON")
    message(FATAL_ERROR "WATTSIM_MPI=ON but MPI was not found")
  endif()
endif()
