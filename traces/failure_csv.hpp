#pragma once
// A failure trace: node failures at given instants (datacenter/config.hpp, WorldConfig::failures).
//
//   node,time_s
//   12,3600
//   12,90000.5
//
// `node` is the node's index over the whole facility (sites in order, rack groups in order,
// racks in order, nodes within a rack in order: the order of /racks and of the power tree's
// node names), a whole number >= 0; `time_s` the seconds from simulated time 0, >= 0. Rows may
// come in any order. Every bad row is reported at once, at file:line:column.

#include <cstdint>
#include <string>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::traces {

struct FailureRow {
  std::uint32_t node = 0;
  simcore::SimTime at;
  std::size_t line = 0;  // in the file, for messages
};

// Throws simcore::InputError listing every problem (a missing file, a wrong header, bad cells).
std::vector<FailureRow> read_failure_csv(const std::string& path);

}  // namespace wattsim::traces
