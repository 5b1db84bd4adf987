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

# The binaries' own translation units (targets/<env>/main.cpp instantiates the whole header-only
# stack; the local venue's server.cpp) are optimised (-O2) in every build that does not set its own
# level (sanitizers, --config=opt: //build_support:own_opt_level). The e2e tests run these
# binaries against each other on the wall clock (the accuracy gate at --speed 1), where an
# unoptimised bot lags the market it quotes; and a binary built without flags should not be a -O0
# trading bot. Tests themselves build unoptimised (half the compile time).
MMBOT_BINARY_COPTS = MMBOT_COPTS + select({
    "//build_support:own_opt_level": [],
    "//conditions:default": ["-O2"],
})
