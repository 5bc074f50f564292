#!/bin/sh
# The SIMD objects (batch/evaluate_avx2.cpp, evaluate_avx512.cpp) are compiled for an ISA the
# CPU may lack. Each must define, as external symbols, its entry function and otherwise only
# instantiations on its own vector type ("double __vector(N)", used nowhere else): any other
# (an out-of-line copy of an inline function or template shared with the rest of the program)
# could be the copy the linker keeps for code that runs on every CPU.
# Usage: check_simd_symbols.sh OBJECT...
status=0
for object in "$@"; do
  symbols=$(nm --defined-only --extern-only --demangle "$object" | awk '{ $1 = ""; $2 = ""; sub(/^  /, ""); print }')
  entries=$(printf '%s\n' "$symbols" | grep -c '^wattsim::batch::detail::evaluate_lanes_avx')
  others=$(printf '%s\n' "$symbols" | grep -v '^wattsim::batch::detail::evaluate_lanes_avx' | grep -v '__vector(' | grep -v '^$')
  if [ "$entries" -ne 1 ] || [ -n "$others" ]; then
    echo "$object: expected its evaluate_lanes_avx* entry and instantiations on its vector type only; found:"
    printf '%s\n' "$symbols"
    status=1
  else
    echo "$object: $(printf '%s\n' "$symbols" | wc -l) symbols, all its own"
  fi
done
exit $status
