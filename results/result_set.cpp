#include "results/result_set.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>

namespace wattsim::results {
namespace {

static_assert(std::endian::native == std::endian::little, "pack_job writes native bytes into a little-endian layout");

enum class FieldKind { kDouble, kUnsigned, kText };

struct Field {
  const char* name;
  std::size_t memory_offset;
  FieldKind kind;
  std::size_t size;
  const char* unit;
  const char* description;
};

// One place lists the fields, in file order, for both types, pack_job and the attributes.
constexpr Field kJobFields[] = {
    {"id", offsetof(JobRow, id), FieldKind::kUnsigned, 8, "1", "the job's id, from the trace or the generator"},
    {"site", offsetof(JobRow, site), FieldKind::kText, kJobTextBytes, "", "the site it ran at (empty: it never started)"},
    {"queue", offsetof(JobRow, queue), FieldKind::kText, kJobTextBytes, "", "its queue, from the trace (empty: none)"},
    {"user", offsetof(JobRow, user), FieldKind::kText, kJobTextBytes, "", "its user, from the trace (empty: none)"},
    {"submit_s", offsetof(JobRow, submit_s), FieldKind::kDouble, 8, "s", "when it was submitted"},
    {"earliest_start_s", offsetof(JobRow, earliest_start_s), FieldKind::kDouble, 8, "s",
     "the earliest time it may start (NaN: none, eligible at submission)"},
    {"start_s", offsetof(JobRow, start_s), FieldKind::kDouble, 8, "s", "when it started (NaN: never started)"},
    {"end_s", offsetof(JobRow, end_s), FieldKind::kDouble, 8, "s", "when it ended (NaN: unfinished at the end of the run)"},
    {"wait_s", offsetof(JobRow, wait_s), FieldKind::kDouble, 8, "s",
     "start minus eligibility, max(submit, earliest start) (NaN: never started)"},
    {"duration_s", offsetof(JobRow, duration_s), FieldKind::kDouble, 8, "s",
     "its runtime at full speed (work / accelerators); capped or throttled jobs run longer"},
    {"estimate_s", offsetof(JobRow, estimate_s), FieldKind::kDouble, 8, "s",
     "the user's runtime estimate, used by backfilling (NaN: none given)"},
    {"deadline_s", offsetof(JobRow, deadline_s), FieldKind::kDouble, 8, "s", "the time it should end by (NaN: none)"},
    {"missed_deadline", offsetof(JobRow, missed_deadline), FieldKind::kUnsigned, 1, "1",
     "1 if it ended after its deadline, or was unfinished when the run ended past it"},
    {"accelerators", offsetof(JobRow, accelerators), FieldKind::kUnsigned, 4, "1", "accelerators it held"},
    {"utilisation", offsetof(JobRow, utilisation), FieldKind::kDouble, 8, "1", "accelerator utilisation while running, 0-1"},
    {"beta", offsetof(JobRow, beta), FieldKind::kDouble, 8, "1",
     "compute-bound fraction: how its speed follows the accelerator clock, 0-1"},
    {"dc_energy_kwh", offsetof(JobRow, dc_energy_kwh), FieldKind::kDouble, 8, "kWh",
     "DC energy: its accelerators plus its share of host power (after the PSUs)"},
    {"it_energy_kwh", offsetof(JobRow, it_energy_kwh), FieldKind::kDouble, 8, "kWh",
     "IT energy at the wall: its DC energy plus its share of PSU losses"},
    {"facility_energy_kwh", offsetof(JobRow, facility_energy_kwh), FieldKind::kDouble, 8, "kWh",
     "facility energy: its share of everything the site drew (PSU and distribution losses, cooling, heat pumps)"},
    {"carbon_location_kg", offsetof(JobRow, carbon_location_kg), FieldKind::kDouble, 8, "kg CO2e",
     "location-based carbon of its facility energy (grid intensity at each instant)"},
    {"carbon_grid_kg", offsetof(JobRow, carbon_grid_kg), FieldKind::kDouble, 8, "kg CO2e",
     "its share of the grid import's carbon (operational, before credits), per settlement interval"},
    {"energy_cost", offsetof(JobRow, energy_cost), FieldKind::kDouble, 8, "currency",
     "its share of the energy cost (import cost - export revenue, before demand charges), per settlement interval"},
    {"suspensions", offsetof(JobRow, suspensions), FieldKind::kUnsigned, 4, "1",
     "times a policy suspended it (each with a checkpoint, resumed later with a restore)"},
    {"failures", offsetof(JobRow, failures), FieldKind::kUnsigned, 4, "1",
     "times a node failure stopped it (it lost the work since its last checkpoint and was requeued)"},
    {"lost_work", offsetof(JobRow, lost_work), FieldKind::kDouble, 8, "accelerator-h",
     "work lost to node failures and redone: accelerator-hours at full speed since its last checkpoint"},
    {"lost_energy_kwh", offsetof(JobRow, lost_energy_kwh), FieldKind::kDouble, 8, "kWh",
     "DC energy of the lost work (part of dc_energy_kwh)"},
};

constexpr std::size_t file_offset(std::size_t index) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < index; ++i) offset += kJobFields[i].size;
  return offset;
}
constexpr std::size_t kFieldCount = std::size(kJobFields);
static_assert(file_offset(kFieldCount) == kJobRecordBytes);

h5::Handle make_job_type(const std::string& file, bool packed) {
  h5::Handle type(H5Tcreate(H5T_COMPOUND, packed ? kJobRecordBytes : sizeof(JobRow)), H5Tclose, file,
                  "create the /jobs row type");
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const Field& f = kJobFields[i];
    const std::size_t offset = packed ? file_offset(i) : f.memory_offset;
    const std::string what = std::string("add field ") + f.name + " to the /jobs row type";
    if (f.kind == FieldKind::kText) {
      h5::Handle text(H5Tcopy(H5T_C_S1), H5Tclose, file, what);
      h5::check(H5Tset_size(text.get(), f.size), file, what);
      h5::check(H5Tset_strpad(text.get(), H5T_STR_NULLPAD), file, what);
      h5::check(H5Tset_cset(text.get(), H5T_CSET_UTF8), file, what);
      h5::check(H5Tinsert(type.get(), f.name, offset, text.get()), file, what);
      continue;
    }
    hid_t member = packed ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    if (f.kind == FieldKind::kUnsigned) {
      if (packed) {
        member = f.size == 8 ? H5T_STD_U64LE : f.size == 4 ? H5T_STD_U32LE : H5T_STD_U8LE;
      } else {
        member = f.size == 8 ? H5T_NATIVE_UINT64 : f.size == 4 ? H5T_NATIVE_UINT32 : H5T_NATIVE_UINT8;
      }
    }
    h5::check(H5Tinsert(type.get(), f.name, offset, member), file, what);
  }
  return type;
}

constexpr auto make_field_infos() {
  std::array<JobFieldInfo, kFieldCount> out{};
  for (std::size_t i = 0; i < kFieldCount; ++i) out[i] = {kJobFields[i].name, kJobFields[i].unit, kJobFields[i].description};
  return out;
}
constexpr auto kFieldInfos = make_field_infos();

}  // namespace

h5::Handle job_file_type(const std::string& file) {
  return make_job_type(file, true);
}

h5::Handle job_memory_type(const std::string& file) {
  return make_job_type(file, false);
}

void pack_job(const JobRow& row, unsigned char* dest) noexcept {
  const auto* src = reinterpret_cast<const unsigned char*>(&row);
  std::size_t offset = 0;
  for (const auto& f : kJobFields) {
    std::memcpy(dest + offset, src + f.memory_offset, f.size);
    offset += f.size;
  }
}

std::span<const JobFieldInfo> job_fields() noexcept { return kFieldInfos; }

bool set_text(char (&field)[kJobTextBytes], std::string_view text) noexcept {
  std::size_t n = text.size();
  const bool cut = n > kJobTextBytes;
  if (cut) {
    n = kJobTextBytes;
    // Not inside a UTF-8 sequence: back off continuation bytes (10xxxxxx) and their lead byte.
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  }
  std::memset(field, 0, kJobTextBytes);
  std::memcpy(field, text.data(), n);
  return !cut;
}

std::string_view text_of(const char (&field)[kJobTextBytes]) noexcept {
  std::size_t n = 0;
  while (n < kJobTextBytes && field[n] != '\0') ++n;
  return {field, n};
}

}  // namespace wattsim::results
