#pragma once
// Internal invariants. WATTSIM_ASSERT(cond, values...) checks `cond` in Debug and sanitizer
// builds (WATTSIM_ENABLE_ASSERTS) and, when it fails, prints the condition, where it is and the
// values given, then aborts. Input errors never use it: they throw simcore::InputError.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace wattsim::simcore::detail {

template <class... Values>
[[noreturn]] void assertion_failed(const char* condition, const char* file, int line, const char* names,
                                   const Values&... values) {
  std::ostringstream out;
  ((out << values << ' '), ...);
  std::fprintf(stderr, "%s:%d: internal invariant violated: %s\n  values (%s): %s\n", file, line, condition, names,
               out.str().c_str());
  std::abort();
}

}  // namespace wattsim::simcore::detail

#if defined(WATTSIM_ENABLE_ASSERTS)
#define WATTSIM_ASSERT(cond, ...)                                                                          \
  do {                                                                                                     \
    if (!(cond)) ::wattsim::simcore::detail::assertion_failed(#cond, __FILE__, __LINE__, #__VA_ARGS__,     \
                                                              __VA_ARGS__);                                \
  } while (false)
#else
#define WATTSIM_ASSERT(cond, ...) \
  do {                            \
  } while (false)
#endif
