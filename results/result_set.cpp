#include "results/result_set.hpp"

#include <bit>
#include <cstddef>
#include <cstring>

namespace wattsim::results {
namespace {

static_assert(std::endian::native == std::endian::little, "pack_job writes native bytes into a little-endian layout");

struct Field {
  const char* name;
  std::size_t memory_offset;
  std::size_t file_offset;
  bool is_double;  // otherwise the integer of the field's size
  std::size_t size;
};

// One place lists the fields, in JobRow order, for both types and pack_job.
constexpr Field kJobFields[] = {
    {"id", offsetof(JobRow, id), 0, false, 8},
    {"submit_s", offsetof(JobRow, submit_s), 8, true, 8},
    {"start_s", offsetof(JobRow, start_s), 16, true, 8},
    {"end_s", offsetof(JobRow, end_s), 24, true, 8},
    {"accelerators", offsetof(JobRow, accelerators), 32, false, 4},
    {"it_energy_kwh", offsetof(JobRow, it_energy_kwh), 36, true, 8},
    {"carbon_kg", offsetof(JobRow, carbon_kg), 44, true, 8},
};
static_assert(kJobFields[6].file_offset + kJobFields[6].size == kJobRecordBytes);

h5::Handle make_job_type(const std::string& file, bool packed) {
  h5::Handle type(H5Tcreate(H5T_COMPOUND, packed ? kJobRecordBytes : sizeof(JobRow)), H5Tclose, file,
                  "create the /jobs row type");
  for (const auto& f : kJobFields) {
    hid_t member = H5T_IEEE_F64LE;
    if (!f.is_double) {
      if (packed) {
        member = f.size == 8 ? H5T_STD_U64LE : H5T_STD_U32LE;
      } else {
        member = f.size == 8 ? H5T_NATIVE_UINT64 : H5T_NATIVE_UINT32;
      }
    } else if (!packed) {
      member = H5T_NATIVE_DOUBLE;
    }
    h5::check(H5Tinsert(type.get(), f.name, packed ? f.file_offset : f.memory_offset, member), file,
              std::string("add field ") + f.name + " to the /jobs row type");
  }
  return type;
}

}  // namespace

h5::Handle job_file_type(const std::string& file) {
  return make_job_type(file, true);
}

h5::Handle job_memory_type(const std::string& file) {
  return make_job_type(file, false);
}

void pack_job(const JobRow& row, unsigned char* dest) noexcept {
  const auto* src = reinterpret_cast<const unsigned char*>(&row);
  for (const auto& f : kJobFields) std::memcpy(dest + f.file_offset, src + f.memory_offset, f.size);
}

}  // namespace wattsim::results
