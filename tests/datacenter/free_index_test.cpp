#include "datacenter/free_index.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

using wattsim::datacenter::MaxTree;

TEST_CASE("the free index finds the lowest index with enough room", "[datacenter][free_index]") {
  MaxTree t(5);
  for (std::size_t i = 0; i < 5; ++i) t.set(i, 0);
  CHECK(t.first_at_least(1) == MaxTree::kNone);
  t.set(3, 4);
  t.set(1, 2);
  CHECK(t.first_at_least(1) == 1);
  CHECK(t.first_at_least(3) == 3);
  CHECK(t.first_at_least(5) == MaxTree::kNone);
  CHECK(t.first_at_least(1, 2) == 3);
  CHECK(t.first_at_least(1, 4) == MaxTree::kNone);
  CHECK(t.first_at_least(0, 4) == 4);
  CHECK(t.first_at_least(1, 9) == MaxTree::kNone);
  t.set(3, 0);
  CHECK(t.first_at_least(3) == MaxTree::kNone);
  CHECK(t.get(1) == 2);
}

TEST_CASE("the free index agrees with a linear scan over random updates", "[datacenter][free_index]") {
  std::mt19937_64 gen(5);
  for (std::size_t n : {1u, 2u, 7u, 64u, 1000u}) {
    MaxTree t(n);
    std::vector<std::uint32_t> v(n, 0);
    for (int step = 0; step < 20000; ++step) {
      const std::size_t i = gen() % n;
      v[i] = static_cast<std::uint32_t>(gen() % 9);
      t.set(i, v[i]);
      const auto want = static_cast<std::uint32_t>(gen() % 10);
      const std::size_t from = gen() % (n + 1);
      std::size_t expected = MaxTree::kNone;
      for (std::size_t k = from; k < n; ++k) {
        if (v[k] >= want) {
          expected = k;
          break;
        }
      }
      REQUIRE(t.first_at_least(want, from) == expected);
    }
  }
}
