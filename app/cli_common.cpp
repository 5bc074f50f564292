#include "app/cli_common.hpp"

#include <cstdio>
#include <ctime>

namespace wattsim::app {

void print_input_errors(const std::vector<simcore::Diagnostic>& diagnostics) {
  std::fprintf(stderr, "wattsim: invalid input (%zu problem%s):\n", diagnostics.size(),
               diagnostics.size() == 1 ? "" : "s");
  for (const auto& d : diagnostics) {
    std::fprintf(stderr, "  %s%s%s\n", d.where.c_str(), d.where.empty() ? "" : ": ", d.message.c_str());
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace wattsim::app
