#pragma once
// "Did you mean": the valid names closest to a misspelt one, for error messages about unknown
// keys and unknown catalog entries.

#include <string>
#include <string_view>
#include <vector>

namespace wattsim::simcore {

// Case-insensitive edit distance (insertions, deletions, substitutions, adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// Up to `limit` candidates within a distance of max(2, |name| / 3), closest first (ties by
// name); a candidate that contains `name` or is contained in it also counts as close.
std::vector<std::string> nearest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

// `; did you mean "a" or "b"?` or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace wattsim::simcore
