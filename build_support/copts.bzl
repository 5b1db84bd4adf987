"""Compile flags shared by every mmbot target: one constant, never repeated per target."""

MMBOT_COPTS = [
    "-std=c++20",
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wshadow",
    "-Wconversion",
    "-Wsign-conversion",
    "-Werror",
]

# Tests and benchmarks include Boost.Test / benchmark macros that trip -Wconversion in the headers'
# expansions; the library code itself stays under MMBOT_COPTS.
MMBOT_TEST_COPTS = MMBOT_COPTS + [
    "-Wno-sign-conversion",
]
