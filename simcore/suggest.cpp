#include "simcore/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace wattsim::simcore {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}
}  // namespace

std::size_t edit_distance(std::string_view a_in, std::string_view b_in) {
  const std::string a = lowered(a_in), b = lowered(b_in);
  const std::size_t n = a.size(), m = b.size();
  // Optimal string alignment distance over three rolling rows.
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::vector<std::string> nearest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
  const std::size_t threshold = std::max<std::size_t>(2, name.size() / 3);
  const std::string needle = lowered(name);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    // The distance is at least the difference in length: skip the O(n m) table when that
    // alone is over the threshold (a long unknown name against short candidates).
    const std::size_t gap = name.size() > c.size() ? name.size() - c.size() : c.size() - name.size();
    std::size_t d = gap > threshold ? gap : edit_distance(name, c);
    const std::string hay = lowered(c);
    if (d > threshold && !needle.empty() && (hay.find(needle) != std::string::npos || needle.find(hay) != std::string::npos)) {
      d = threshold;
    }
    if (d <= threshold) scored.emplace_back(d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const auto near = nearest_names(name, candidates);
  if (near.empty()) return {};
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i) {
    if (i > 0) text += i + 1 == near.size() ? " or " : ", ";
    text += '"' + near[i] + '"';
  }
  return text + "?";
}

}  // namespace wattsim::simcore
