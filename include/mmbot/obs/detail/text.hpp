// mmbot/obs/detail/text.hpp
//
// Small text helpers shared by the Prometheus exposition and the JSON log: exact printing of a
// scaled integer ("raw 500000, scale 9" -> "0.0005"), parsing such a decimal string back at a
// runtime scale, and name validation. Nothing here touches float or double: metric values that
// carry money or time go out digit for digit as they were stored.
//
//   std::string out;
//   mmbot::obs::detail::append_scaled(out, 500'000, 9);   // "0.0005"
#pragma once

#include "mmbot/core/escape.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::obs::detail {

/// Appends the decimal text of an integer.
template <class Int>
void append_int(std::string& out, Int v) {
    std::array<char, 24> buf{};
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), res.ptr);
}

/// Appends `raw` x 10^-scale exactly, without an exponent and without trailing fraction zeros
/// (the same canonical form mmbot::core::decimal prints). `scale` is 0..18.
inline void append_scaled(std::string& out, std::int64_t raw, int scale) {
    // Digits of |raw| least significant first; through uint64 so INT64_MIN has a magnitude.
    std::array<char, 40> rev{};
    std::uint64_t m = raw < 0 ? 0U - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
    int n = 0;
    do {
        rev[static_cast<std::size_t>(n++)] = static_cast<char>('0' + static_cast<int>(m % 10U));
        m /= 10U;
    } while (m != 0U);
    while (n <= scale) {
        rev[static_cast<std::size_t>(n++)] = '0';
    }
    int drop = 0;
    while (drop < scale && rev[static_cast<std::size_t>(drop)] == '0') {
        ++drop;
    }
    if (raw < 0) {
        out.push_back('-');
    }
    for (int k = n - 1; k >= scale; --k) {
        out.push_back(rev[static_cast<std::size_t>(k)]);
    }
    if (drop < scale) {
        out.push_back('.');
        for (int k = scale - 1; k >= drop; --k) {
            out.push_back(rev[static_cast<std::size_t>(k)]);
        }
    }
}

/// Parses `-?digits(.digits)?` into raw units of 10^-scale. Empty when the text is malformed,
/// has more significant fraction digits than `scale`, or does not fit in int64.
[[nodiscard]] inline std::optional<std::int64_t> parse_scaled(std::string_view text, int scale) {
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) {
        ++i;
    }
    std::int64_t acc = 0;
    const auto push = [&acc](int digit) {
        return !__builtin_mul_overflow(acc, std::int64_t{10}, &acc) &&
               !__builtin_add_overflow(acc, std::int64_t{digit}, &acc);
    };
    std::size_t int_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
        if (!push(text[i] - '0')) return std::nullopt;
    }
    if (int_digits == 0) return std::nullopt;
    int used = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        std::size_t frac_digits = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
            if (used < scale) {
                if (!push(text[i] - '0')) return std::nullopt;
                ++used;
            } else if (text[i] != '0') {
                return std::nullopt;
            }
        }
        if (frac_digits == 0) return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    for (; used < scale; ++used) {
        if (!push(0)) return std::nullopt;
    }
    return negative ? -acc : acc;
}

/// 10^n for 0 <= n <= 18.
[[nodiscard]] constexpr std::int64_t pow10_i64(int n) noexcept {
    std::int64_t v = 1;
    for (int i = 0; i < n; ++i) {
        v *= 10;
    }
    return v;
}

/// Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*.
[[nodiscard]] constexpr bool valid_metric_name(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
}

/// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting "__" are reserved.
[[nodiscard]] constexpr bool valid_label_name(std::string_view s) noexcept {
    if (s.empty() || s.starts_with("__")) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
}

/// Label values in the text format escape backslash, double quote and line feed.
inline void append_label_value(std::string& out, std::string_view v) {
    core::append_escaped(out, v, {.quote = true, .tab = false, .line_feed = true, .carriage_return = false});
}

/// HELP text escapes backslash and line feed only (quotes stay as they are).
inline void append_help_text(std::string& out, std::string_view v) {
    core::append_escaped(out, v, core::escapes{});
}

}  // namespace mmbot::obs::detail
