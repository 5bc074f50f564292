#pragma once
// The layout of a result set (DESIGN.md §7), one HDF5 file:
//   /meta        string attributes (wattsim_version, scenario, command_line, created_utc, ...)
//                and numeric ones (seed, ...)
//   /summary     one float64 attribute per value, plus a string attribute "units" holding a
//                JSON object {"it_energy_kwh": "kWh", ...}; the same shape for any group
//                ("/sites/a/summary")
//   /timeseries, /racks/...   tables: one 1-D float64 dataset per column, equal lengths, each
//                with a string attribute "units"
//   /jobs        one compound dataset, one row per job, fields as in JobRow
// Strings are variable-length UTF-8 and numbers IEEE little-endian, so h5py and pandas read the
// file without custom code:
//   pandas.DataFrame(f["jobs"][:])
//   pandas.DataFrame({k: f["timeseries"][k][:] for k in f["timeseries"]})

#include <cstdint>
#include <string>

#include "results/hdf5.hpp"

namespace wattsim::results {

struct SummaryValue {
  std::string name;
  double value = 0.0;
  std::string unit;

  bool operator==(const SummaryValue&) const = default;
};

struct JobRow {
  std::uint64_t id = 0;
  double submit_s = 0.0;
  double start_s = 0.0;
  double end_s = 0.0;
  std::uint32_t accelerators = 0;
  double it_energy_kwh = 0.0;
  double carbon_kg = 0.0;

  bool operator==(const JobRow&) const = default;
};

inline constexpr const char* kMetaGroup = "/meta";
inline constexpr const char* kJobsDataset = "/jobs";
inline constexpr const char* kUnitsAttribute = "units";

// Size of one /jobs row in the file: the JobRow fields packed, little-endian, no padding.
inline constexpr std::size_t kJobRecordBytes = 8 + 3 * 8 + 4 + 2 * 8;

// The compound type of /jobs rows in the file (packed, kJobRecordBytes).
h5::Handle job_file_type(const std::string& file);
// The compound type matching the JobRow struct in memory; HDF5 converts field by field name.
h5::Handle job_memory_type(const std::string& file);
// Writes a row in the file layout: dest holds kJobRecordBytes.
void pack_job(const JobRow& row, unsigned char* dest) noexcept;

}  // namespace wattsim::results
