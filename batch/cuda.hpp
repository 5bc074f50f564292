#pragma once
// The batch evaluator on a CUDA GPU (batch/cuda/evaluate.cu): one thread per variant running
// the same settlement core and ledger as the CPU (models/supply/settlement.hpp,
// models/carbon/ledger.hpp, batch/evaluate_core.hpp). The columns are read by every thread of
// a warp at the same index (one broadcast per interval); results are written field by field
// across the variants (coalesced). Every CUDA call is checked: a failure throws
// std::runtime_error naming the call and CUDA's message.
//
// Builds without CUDA (WATTSIM_CUDA=OFF, or no nvcc) have the same functions: there is then
// never a device, and evaluate_cuda throws.

#include <string>
#include <vector>

#include "batch/columns_view.hpp"
#include "batch/variant.hpp"

namespace wattsim::batch {

// Whether this build has the CUDA evaluator.
bool cuda_built();
// CUDA devices usable now (0 without a GPU, without a driver, or without CUDA in the build).
int cuda_device_count();
// "NVIDIA H100 80GB HBM3 (compute 9.0)" or why there is none.
std::string cuda_device_description();

// As evaluate_cpu, on the first CUDA device.
std::vector<VariantResult> evaluate_cuda(const std::vector<Columns>& groups, const std::vector<VariantParams>& variants);

}  // namespace wattsim::batch
