// This build has no CUDA (WATTSIM_CUDA=OFF or no nvcc): there is never a device.

#include <stdexcept>

#include "batch/cuda.hpp"

namespace wattsim::batch {

bool cuda_built() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_device_description() { return "this build has no CUDA (WATTSIM_CUDA=OFF or no nvcc at build time)"; }

std::vector<VariantResult> evaluate_cuda(const std::vector<Columns>&, const std::vector<VariantParams>&) {
  throw std::runtime_error("CUDA: " + cuda_device_description());
}

}  // namespace wattsim::batch
