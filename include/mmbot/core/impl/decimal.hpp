// mmbot/core/impl/decimal.hpp: bodies of decimal<Unit>'s parsing, printing and rounding.
// Included at the bottom of mmbot/core/decimal.hpp; not for direct inclusion.
#pragma once
#ifndef MMBOT_CORE_IMPL_DECIMAL_HPP
#define MMBOT_CORE_IMPL_DECIMAL_HPP

#include "mmbot/core/decimal.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace mmbot::core {
namespace detail {

/// Error messages quote the input, but never more than this much of it (fuzzers send megabytes).
inline std::string_view quoted_prefix(std::string_view text) {
    constexpr std::size_t limit = 64;
    return text.size() <= limit ? text : text.substr(0, limit);
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Writes the decimal digits of |v| least significant first into `out`; returns how many.
inline int reversed_digits(std::int64_t v, char* out) noexcept {
    // Through uint64 so that the most negative value has a magnitude too.
    std::uint64_t m = v < 0 ? 0U - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    int n = 0;
    do {
        out[n++] = static_cast<char>('0' + static_cast<int>(m % 10U));
        m /= 10U;
    } while (m != 0U);
    return n;
}

template <class Wide>
    requires boost::multiprecision::is_number<Wide>::value
int reversed_digits(const Wide& v, char* out) {
    // Peel 18 digits at a time so most of the work is in 64-bit arithmetic.
    constexpr std::uint64_t chunk = 1'000'000'000'000'000'000ULL;
    Wide m = v < 0 ? Wide(-v) : v;
    int n = 0;
    for (;;) {
        const Wide q = m / chunk;
        auto low = static_cast<std::uint64_t>((m - q * chunk).template convert_to<std::uint64_t>());
        m = q;
        if (m == 0) {
            do {
                out[n++] = static_cast<char>('0' + static_cast<int>(low % 10U));
                low /= 10U;
            } while (low != 0U);
            return n;
        }
        for (int i = 0; i < 18; ++i) {
            out[n++] = static_cast<char>('0' + static_cast<int>(low % 10U));
            low /= 10U;
        }
    }
}

}  // namespace detail

template <class Unit>
result<decimal<Unit>> decimal<Unit>::parse(std::string_view text) {
    const auto fail = [&](errc code, std::string_view why) {
        return make_error(code, fmt::format("{} \"{}\": {}", Unit::name,
                                            detail::quoted_prefix(text), why));
    };
    if (text.empty()) {
        return fail(errc::decimal_empty, "empty string is not a number");
    }
    std::size_t i = 0;
    const bool negative = text[0] == '-';
    if (negative) {
        ++i;
    }
    rep acc{0};
    const rep ten{10};
    std::size_t int_digits = 0;
    for (; i < text.size() && detail::is_digit(text[i]); ++i, ++int_digits) {
        if (!detail::checked_mul(acc, ten, acc) || !detail::checked_add(acc, rep{text[i] - '0'}, acc)) {
            return fail(errc::decimal_overflow, "out of range");
        }
    }
    if (int_digits == 0) {
        if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
            return fail(errc::decimal_exponent, "exponent form is not accepted; expected plain digits");
        }
        return fail(errc::decimal_syntax, "expected digits before the point");
    }
    int used_fraction = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        std::size_t fraction_digits = 0;
        for (; i < text.size() && detail::is_digit(text[i]); ++i, ++fraction_digits) {
            if (used_fraction < scale) {
                if (!detail::checked_mul(acc, ten, acc) ||
                    !detail::checked_add(acc, rep{text[i] - '0'}, acc)) {
                    return fail(errc::decimal_overflow, "out of range");
                }
                ++used_fraction;
            } else if (text[i] != '0') {
                return fail(errc::decimal_too_precise,
                            fmt::format("more than {} fraction digits", scale));
            }
        }
        if (fraction_digits == 0) {
            return fail(errc::decimal_syntax, "expected digits after the point");
        }
    }
    if (i < text.size()) {
        if (text[i] == 'e' || text[i] == 'E') {
            return fail(errc::decimal_exponent, "exponent form is not accepted; expected plain digits");
        }
        return fail(errc::decimal_syntax, fmt::format("unexpected character at offset {}", i));
    }
    for (; used_fraction < scale; ++used_fraction) {
        if (!detail::checked_mul(acc, ten, acc)) {
            return fail(errc::decimal_overflow, "out of range");
        }
    }
    return from_raw(negative ? rep(-acc) : acc);
}

template <class Unit>
std::size_t decimal<Unit>::to_chars(char* out, int min_fraction_digits) const {
    // Callers print at most a venue's precision; cap it so a bad argument cannot overrun `out`.
    min_fraction_digits = std::clamp(min_fraction_digits, 0, scale);
    std::array<char, max_decimal_chars> rev{};
    int n = detail::reversed_digits(raw_, rev.data());
    while (n <= scale) {  // at least one integer digit: 0.00001 has digits "1" then zeros
        rev[static_cast<std::size_t>(n++)] = '0';
    }
    // Trailing fraction zeros are rev[0..]; keep those needed for min_fraction_digits.
    int drop = 0;
    while (drop < scale - min_fraction_digits && rev[static_cast<std::size_t>(drop)] == '0') {
        ++drop;
    }
    std::size_t w = 0;
    if (raw_ < 0) {
        out[w++] = '-';
    }
    for (int k = n - 1; k >= scale; --k) {
        out[w++] = rev[static_cast<std::size_t>(k)];
    }
    if (drop < scale) {
        out[w++] = '.';
        for (int k = scale - 1; k >= drop; --k) {
            out[w++] = rev[static_cast<std::size_t>(k)];
        }
    }
    return w;
}

template <class Unit>
int decimal<Unit>::fraction_digits() const {
    if constexpr (scale == 0) {
        return 0;
    } else {
        rep frac = raw_ % one();
        if (frac == 0) {
            return 0;
        }
        int digits = scale;
        const rep ten{10};
        while (frac % ten == 0) {
            frac /= ten;
            --digits;
        }
        return digits;
    }
}

template <class Unit>
decimal<Unit> decimal<Unit>::round_to(const decimal& step, rounding dir) const {
    const rep q = dir == rounding::down ? detail::div_floor(raw_, step.raw_)
                                        : detail::div_ceil(raw_, step.raw_);
    decimal r;
    if (!detail::checked_mul(q, step.raw_, r.raw_)) {
        overflow("round_to");
    }
    return r;
}

}  // namespace mmbot::core

/// fmt prints decimals in canonical form: `fmt::format("{}", p)` -> "65114.2".
template <class Unit>
struct fmt::formatter<mmbot::core::decimal<Unit>> : fmt::formatter<std::string_view> {
    template <class FormatContext>
    auto format(const mmbot::core::decimal<Unit>& d, FormatContext& ctx) const {
        std::array<char, mmbot::core::max_decimal_chars> buf{};
        const std::size_t n = d.to_chars(buf.data());
        return fmt::formatter<std::string_view>::format(std::string_view(buf.data(), n), ctx);
    }
};

#endif  // MMBOT_CORE_IMPL_DECIMAL_HPP
