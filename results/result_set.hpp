#pragma once
// The layout of a result set (DESIGN.md §7), one HDF5 file:
//   /meta        string attributes (wattsim_version, scenario, command_line, created_utc, ...)
//                and numeric ones (seed, ...)
//   /summary     one float64 attribute per value, plus string attributes "units" and
//                "descriptions" holding JSON objects {"it_energy_kwh": "kWh", ...}; the same
//                shape for any group ("/sites/a/summary")
//   /timeseries, /racks/...   tables: one 1-D float64 dataset per column, equal lengths, each
//                with string attributes "units" and "description"
//   /jobs        one compound dataset, one row per job, fields as in JobRow
// Groups written for a table or a summary carry a string attribute "description"; /meta holds
// "format_version" (kFormatVersion).
// Strings are variable-length UTF-8 and numbers IEEE little-endian, so h5py and pandas read the
// file without custom code:
//   pandas.DataFrame(f["jobs"][:])
//   pandas.DataFrame({k: f["timeseries"][k][:] for k in f["timeseries"]})

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "results/hdf5.hpp"

namespace wattsim::results {

struct SummaryValue {
  std::string name;
  double value = 0.0;
  std::string unit;
  std::string description = {};  // one line; required when written, "" when read from a file without it

  bool operator==(const SummaryValue&) const = default;
};

// One /jobs row (docs/results.md, "/jobs"). Times in simulated seconds; NaN where a time does
// not apply (never started, still running, no deadline). Text fields are fixed-width UTF-8,
// NUL-padded; longer text is cut at a character boundary (set_text says when).
inline constexpr std::size_t kJobTextBytes = 24;
struct JobRow {
  std::uint64_t id = 0;
  char site[kJobTextBytes] = {};
  char queue[kJobTextBytes] = {};
  char user[kJobTextBytes] = {};
  double submit_s = 0.0;
  double earliest_start_s = 0.0;
  double start_s = 0.0;
  double end_s = 0.0;
  double wait_s = 0.0;
  double duration_s = 0.0;
  double estimate_s = 0.0;
  double deadline_s = 0.0;
  std::uint8_t missed_deadline = 0;
  std::uint32_t accelerators = 0;
  double utilisation = 0.0;
  double beta = 0.0;
  double dc_energy_kwh = 0.0;
  double it_energy_kwh = 0.0;
  double facility_energy_kwh = 0.0;
  double carbon_location_kg = 0.0;
  double carbon_grid_kg = 0.0;
  double energy_cost = 0.0;
  // Interruptions: times suspended (by a policy), times a node failure hit it, the work it lost
  // to failures and redid (accelerator-hours at full speed) and that work's DC energy.
  std::uint32_t suspensions = 0;
  std::uint32_t failures = 0;
  double lost_work = 0.0;
  double lost_energy_kwh = 0.0;

  bool operator==(const JobRow&) const = default;
};

// Copies text into a JobRow text field; false when it had to be cut.
bool set_text(char (&field)[kJobTextBytes], std::string_view text) noexcept;
std::string_view text_of(const char (&field)[kJobTextBytes]) noexcept;

// The /jobs fields in file order, with their units and one-line descriptions (written as the
// dataset's "units" and "descriptions" attributes).
struct JobFieldInfo {
  const char* name;
  const char* unit;
  const char* description;
};
std::span<const JobFieldInfo> job_fields() noexcept;

inline constexpr const char* kMetaGroup = "/meta";
inline constexpr const char* kJobsDataset = "/jobs";
inline constexpr const char* kUnitsAttribute = "units";
inline constexpr const char* kDescriptionAttribute = "description";
// A summary group's or a records dataset's JSON object {name: one-line description}.
inline constexpr const char* kDescriptionsAttribute = "descriptions";

// The layout's version, in /meta "format_version" (float64). Version 1: files written before
// the attribute existed (no format_version, no descriptions); version 2: every dataset, column,
// summary value and described group carries a one-line description, and keys were renamed
// (docs/results.md, "Format versions"). Raise it whenever a key is renamed or its meaning changes.
inline constexpr int kFormatVersion = 2;
inline constexpr const char* kFormatVersionAttribute = "format_version";

// Size of one /jobs row in the file: the JobRow fields packed, little-endian, no padding.
inline constexpr std::size_t kJobRecordBytes = 8 + 3 * kJobTextBytes + 8 * 8 + 1 + 4 + 8 * 8 + 2 * 4 + 2 * 8;

// The compound type of /jobs rows in the file (packed, kJobRecordBytes).
h5::Handle job_file_type(const std::string& file);
// The compound type matching the JobRow struct in memory; HDF5 converts field by field name.
h5::Handle job_memory_type(const std::string& file);
// Writes a row in the file layout: dest holds kJobRecordBytes.
void pack_job(const JobRow& row, unsigned char* dest) noexcept;

}  // namespace wattsim::results
