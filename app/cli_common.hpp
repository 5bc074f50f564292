#pragma once
// What every command writes the same way: the list of input problems on stderr, and the
// creation time stamped into a result set's /meta.

#include <string>
#include <vector>

#include "simcore/error.hpp"

namespace wattsim::app {

// "wattsim: invalid input (N problems):" then one "  where: message" line each, on stderr.
void print_input_errors(const std::vector<simcore::Diagnostic>& diagnostics);
inline void print_input_errors(const simcore::InputError& e) { print_input_errors(e.diagnostics()); }

// Now, in UTC, as "2026-12-07T22:04:34Z".
std::string utc_now();

}  // namespace wattsim::app
