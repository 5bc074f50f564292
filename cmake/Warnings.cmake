# Warnings and sanitizers, applied to every wattsim target through wattsim_options.
add_library(wattsim_options INTERFACE)
target_compile_options(wattsim_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
  # g++ 12 warns falsely about std::string concatenation ("literal" + std::string) at -O2
  # (GCC bug 105329, fixed in 13): the warning would only force contortions.
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
if(WATTSIM_WERROR)
  target_compile_options(wattsim_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(WATTSIM_SANITIZE)
  target_compile_options(wattsim_options INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${WATTSIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all>)
  target_link_options(wattsim_options INTERFACE -fsanitize=${WATTSIM_SANITIZE})
  # Internal invariants (WATTSIM_ASSERT) are on in sanitizer builds, as in Debug.
  target_compile_definitions(wattsim_options INTERFACE WATTSIM_ENABLE_ASSERTS=1)
endif()
target_compile_definitions(wattsim_options INTERFACE $<$<CONFIG:Debug>:WATTSIM_ENABLE_ASSERTS=1>)
target_include_directories(wattsim_options INTERFACE ${PROJECT_SOURCE_DIR})
# Fuzzing (tests/fuzz/): coverage instrumentation, AddressSanitizer and UndefinedBehaviorSanitizer
# in every library; the fuzz executables add -fsanitize=fuzzer (libFuzzer's main).
if(WATTSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WATTSIM_FUZZ=ON needs clang (libFuzzer): configure with CC=clang-14 CXX=clang++-14")
  endif()
  if(WATTSIM_SANITIZE)
    message(FATAL_ERROR "WATTSIM_FUZZ=ON already builds with address,undefined: leave WATTSIM_SANITIZE empty")
  endif()
  target_compile_options(wattsim_options INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all>)
  target_link_options(wattsim_options INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(wattsim_options INTERFACE WATTSIM_ENABLE_ASSERTS=1)
endif()
