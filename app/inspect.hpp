#pragma once
// `wattsim inspect`, `wattsim catalog`, `wattsim policies`: read-only commands.

#include <string>

namespace wattsim::app {

// Prints a run's result set: its meta data and summary, each value in a unit of its size with
// its description; with json, one JSON object {"meta", "summary", "units", "descriptions"}
// (numbers as numbers). A batch's result set (ResultReader::is_batch): its meta data, variant
// count, regions and Pareto front as `wattsim batch` printed them; with json {"kind": "batch",
// "meta", "variants", "front" (one object per variant), "cheapest_net_zero", "units",
// "descriptions"}. A comparison's result set (ResultReader::is_compare): its meta data, its
// variants with their groups and policies, and the table `wattsim compare` printed; with json
// {"kind": "compare", "meta", "variants" (names in order), "runs" (one object per row of
// /compare/summary), "units", "descriptions", "timing" (the rows of /compare/timing)}. A file
// of another format version gets a note on stderr. Exit status as for run.
int inspect_command(const std::string& path, bool json);
// Lists the built-in catalog, or shows the entry called `name`; with json, one JSON document
// (models/catalog/catalog_to_json.hpp): the whole catalog, or the entry with its "name" and
// "section" ("accelerators", "nodes" or "curves"). Exit status 2 for an unknown name.
int catalog_command(const std::string& name, bool json);
int policies_command();

}  // namespace wattsim::app
