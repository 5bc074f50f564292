#include "simcore/suggest.hpp"

#include <catch2/catch.hpp>

using namespace wattsim::simcore;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[simcore][suggest]") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("ABC", "abc") == 0);  // case-insensitive
  CHECK(edit_distance("horizon", "hroizon") == 1);  // adjacent swap
}

TEST_CASE("nearest names suggest close valid names only", "[simcore][suggest]") {
  const std::vector<std::string> names = {"H100-SXM", "H200-SXM", "A100-SXM4-40GB", "A100-SXM4-80GB", "L4", "T4"};
  const auto near = nearest_names("H100-SMX", names);
  REQUIRE_FALSE(near.empty());
  CHECK(near.front() == "H100-SXM");
  CHECK(nearest_names("A100", names) == std::vector<std::string>{"A100-SXM4-40GB", "A100-SXM4-80GB"});
  CHECK(nearest_names("completely-different", names).empty());
  CHECK(did_you_mean("h100-sxm", names).find("\"H100-SXM\"") != std::string::npos);
  CHECK(did_you_mean("zzzzzzzzzz", names).empty());
  CHECK(did_you_mean("A100", names) == "; did you mean \"A100-SXM4-40GB\" or \"A100-SXM4-80GB\"?");
}
