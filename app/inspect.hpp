#pragma once
// `wattsim inspect`, `wattsim catalog`, `wattsim policies`: read-only commands.

#include <string>

namespace wattsim::app {

// Prints the result set's meta data and summary; with json, one JSON object
// {"meta": {...}, "summary": {...}} (numbers as numbers). Exit status as for run.
int inspect_command(const std::string& path, bool json);
int catalog_command(const std::string& name);
int policies_command();

}  // namespace wattsim::app
