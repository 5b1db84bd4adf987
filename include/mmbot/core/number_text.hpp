// mmbot/core/number_text.hpp
//
// The text of a floating-point number as a plain decimal ("1.5", "0.25", "0.0000001"), for
// quoting a JSON number back to the person who wrote it. A JSON parser turns `1.5` into a double,
// and serialising that double again gives "1.5E0": an example in exponent form, which the decimal
// parser the message points to refuses (decimal_exponent). Never used on money: money is parsed
// from text into core::decimal and printed by decimal::to_string.
//
//   core::plain_number_text(1.5);    // "1.5"
//   core::plain_number_text(2.5e-1); // "0.25"
//   core::plain_number_text(1e21);   // "1000000000000000000000"
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <string>

namespace mmbot::core {

/// The shortest digits that read back as `v`, written without an exponent. Not-a-number and the
/// infinities (which JSON cannot carry) print as "nan", "inf", "-inf".
[[nodiscard]] inline std::string plain_number_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    // Fixed notation of the largest double: 309 integer digits; of the smallest: "0." and 1074
    // fraction digits (the shortest round trip needs far fewer, but the bound must hold all).
    std::array<char, 1100> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
    return std::string(buf.data(), r.ptr);
}

}  // namespace mmbot::core
