// fuzz/example_decimal_parse.cpp
//
// The smallest fuzz target, kept as the worked example of build_support/fuzz.bzl: any text given
// to price::parse either fails with an error or yields a value whose canonical print parses back
// to the same value. Anything else traps.
//
//   bazel test //fuzz:example_decimal_parse_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:example_decimal_parse     # libFuzzer binary
#include "mmbot/core/units.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = mmbot::core::price::parse(text);
    if (!parsed) return 0;
    const auto again = mmbot::core::price::parse(parsed->to_string());
    if (!again || *again != *parsed) __builtin_trap();
    return 0;
}
