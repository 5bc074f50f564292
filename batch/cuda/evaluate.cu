// The batch evaluator's CUDA kernel and its host side (batch/cuda.hpp).

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "batch/cuda.hpp"
#include "batch/evaluate_core.hpp"

namespace wattsim::batch {

namespace {

void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA: ") + call + ": " + cudaGetErrorString(status));
  }
}
#define WATTSIM_CUDA_CHECK(call) check((call), #call)

constexpr int kFlows = sizeof(supply::Flows) / sizeof(double);
constexpr int kLedger = sizeof(carbon::LedgerTotals) / sizeof(double);
constexpr int kBattery = sizeof(supply::BatteryState) / sizeof(double);
constexpr int kFields = kFlows + kLedger + kBattery;

// One thread per variant. `out` is field-major: field f of variant i at out[f * n + i], so that
// the threads of a warp write neighbouring addresses.
__global__ void evaluate_kernel(ColumnsView columns, const VariantParams* variants, std::size_t n, double* out) {
  const std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  ResultLanesT<double> r;
  evaluate_lanes<double>(columns, scalar_lanes(variants[i]), r);
  const double* fields[3] = {reinterpret_cast<const double*>(&r.flows), reinterpret_cast<const double*>(&r.ledger),
                             reinterpret_cast<const double*>(&r.battery)};
  const int counts[3] = {kFlows, kLedger, kBattery};
  int f = 0;
  for (int part = 0; part < 3; ++part) {
    for (int k = 0; k < counts[part]; ++k, ++f) out[static_cast<std::size_t>(f) * n + i] = fields[part][k];
  }
}

template <class T>
struct DeviceArray {
  T* ptr = nullptr;
  explicit DeviceArray(std::size_t count) {
    if (count > 0) WATTSIM_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr), count * sizeof(T)));
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() {
    if (ptr != nullptr) cudaFree(ptr);  // nothing to do about a failure while unwinding
  }
  void upload(const std::vector<T>& host) {
    if (!host.empty()) WATTSIM_CUDA_CHECK(cudaMemcpy(ptr, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
};

}  // namespace

bool cuda_built() { return true; }

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error of a machine without a driver or a GPU
    return 0;
  }
  return count;
}

std::string cuda_device_description() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return std::string("no CUDA device: ") + cudaGetErrorString(status);
  }
  if (count == 0) return "no CUDA device";
  cudaDeviceProp prop{};
  WATTSIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  return std::string(prop.name) + " (compute " + std::to_string(prop.major) + "." + std::to_string(prop.minor) + ")";
}

std::vector<VariantResult> evaluate_cuda(const std::vector<Columns>& groups, const std::vector<VariantParams>& variants) {
  if (cuda_device_count() == 0) throw std::runtime_error("CUDA: " + cuda_device_description());
  WATTSIM_CUDA_CHECK(cudaSetDevice(0));
  std::vector<VariantResult> results(variants.size());
  for (std::uint32_t g = 0; g < groups.size(); ++g) {
    std::vector<VariantParams> mine;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      if (variants[i].group == g) {
        mine.push_back(variants[i]);
        where.push_back(i);
      }
    }
    if (mine.empty()) continue;
    const Columns& c = groups[g];
    DeviceArray<double> dt(c.size()), demand(c.size()), solar(c.size()), wind(c.size()), ppa(c.size()), k(c.size()),
        price(c.size());
    DeviceArray<std::uint8_t> flags(c.size());
    dt.upload(c.dt_s);
    demand.upload(c.demand_w);
    solar.upload(c.solar_cf);
    wind.upload(c.wind_cf);
    ppa.upload(c.ppa_cf);
    k.upload(c.intensity);
    price.upload(c.price);
    flags.upload(c.flags);
    DeviceArray<VariantParams> params(mine.size());
    params.upload(mine);
    DeviceArray<double> out(mine.size() * kFields);
    const ColumnsView view{dt.ptr, demand.ptr, solar.ptr, wind.ptr, ppa.ptr, k.ptr, price.ptr, flags.ptr, c.size()};
    const int threads = 128;
    const int blocks = static_cast<int>((mine.size() + threads - 1) / threads);
    evaluate_kernel<<<blocks, threads>>>(view, params.ptr, mine.size(), out.ptr);
    WATTSIM_CUDA_CHECK(cudaGetLastError());
    WATTSIM_CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<double> host(mine.size() * kFields);
    WATTSIM_CUDA_CHECK(cudaMemcpy(host.data(), out.ptr, host.size() * sizeof(double), cudaMemcpyDeviceToHost));
    for (std::size_t j = 0; j < mine.size(); ++j) {
      auto* flows = reinterpret_cast<double*>(&results[where[j]].flows);
      auto* ledger = reinterpret_cast<double*>(&results[where[j]].ledger);
      auto* battery = reinterpret_cast<double*>(&results[where[j]].battery);
      int f = 0;
      for (int q = 0; q < kFlows; ++q, ++f) flows[q] = host[static_cast<std::size_t>(f) * mine.size() + j];
      for (int q = 0; q < kLedger; ++q, ++f) ledger[q] = host[static_cast<std::size_t>(f) * mine.size() + j];
      for (int q = 0; q < kBattery; ++q, ++f) battery[q] = host[static_cast<std::size_t>(f) * mine.size() + j];
    }
  }
  return results;
}

}  // namespace wattsim::batch
