// mmbot/core/decimal.hpp
//
// Exact fixed-point decimals for money: an integer count of 10^-scale units, tagged with what it
// measures so that meaningless arithmetic does not compile.
//
// Values come straight from the venue's strings and go back out the same way; nothing passes
// through float or double. Parsing accepts `-?digits(.digits)?` only: an exponent ("1e-5") is
// rejected with `decimal_exponent`, more fraction digits than the scale holds with
// `decimal_too_precise` (unless the extra digits are zeros), a value out of range with
// `decimal_overflow`. Arithmetic on two decimals of the same unit is checked: overflow throws
// `decimal_overflow_error` (it is a bug or an absurd input, never something to wrap).
//
//   auto p = price::parse("65114.20").value();   // raw 6511420000000, scale 8
//   p.to_string();    // "65114.2"  (canonical)
//   p.to_string(2);   // "65114.20" (at least two fraction digits, as the venue printed it)
//
// The units themselves (price, quantity, notional, bps, ratio) and the cross-unit operations
// (price x quantity -> notional, ...) are in mmbot/core/units.hpp.
#pragma once
// A classic guard too, so that linting impl/decimal.hpp on its own (it includes this) works.
#ifndef MMBOT_CORE_DECIMAL_HPP
#define MMBOT_CORE_DECIMAL_HPP

#include "mmbot/core/detail/checked_rep.hpp"
#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mmbot::core {

/// What a unit tag must say about itself for `decimal<Unit>` to exist.
template <class U>
concept decimal_unit = requires {
    typename U::rep;
    { U::scale } -> std::convertible_to<int>;
    { U::name } -> std::convertible_to<std::string_view>;
} && (U::scale >= 0) && (U::scale <= 18);

/// Direction of an explicit rounding step. Prices: bids round down, asks up; quantities down.
enum class rounding : std::uint8_t {
    down,  ///< toward negative infinity (floor)
    up,    ///< toward positive infinity (ceiling)
};

/// Thrown by decimal arithmetic operators on overflow (never wraps). Parsing reports instead.
class decimal_overflow_error : public std::overflow_error {
public:
    using std::overflow_error::overflow_error;
};

/// Longest text any decimal prints to: sign, 39 digits of a 128-bit integer, point, leading zero.
inline constexpr std::size_t max_decimal_chars = 48;

template <class Unit>
class decimal {
    static_assert(decimal_unit<Unit>,
                  "decimal<Unit>: Unit must declare `using rep = <integer>`, "
                  "`static constexpr int scale` (0..18) and `static constexpr std::string_view name`");

public:
    using unit = Unit;
    using rep = typename Unit::rep;
    static constexpr int scale = Unit::scale;

    /// Zero.
    constexpr decimal() = default;

    /// A value of `raw` units of 10^-scale. The representation is public knowledge: it is how
    /// cross-unit operations stay exact.
    [[nodiscard]] static constexpr decimal from_raw(rep raw) noexcept {
        decimal d;
        d.raw_ = raw;
        return d;
    }
    [[nodiscard]] constexpr const rep& raw() const noexcept { return raw_; }

    /// 10^scale: the raw value of 1.
    [[nodiscard]] static rep one() { return detail::pow10<rep>(scale); }

    /// Parses a venue string exactly. Errors: decimal_empty, decimal_syntax, decimal_exponent,
    /// decimal_too_precise, decimal_overflow; each message quotes the text.
    [[nodiscard]] static result<decimal> parse(std::string_view text);

    /// Writes the canonical text (no exponent, no trailing fraction zeros) into `out`, which must
    /// hold max_decimal_chars; returns the number of characters written.
    std::size_t to_chars(char* out) const { return to_chars(out, 0); }
    /// As above with at least `min_fraction_digits` fraction digits (more if needed to stay exact).
    std::size_t to_chars(char* out, int min_fraction_digits) const;

    [[nodiscard]] std::string to_string() const { return to_string(0); }
    [[nodiscard]] std::string to_string(int min_fraction_digits) const {
        std::array<char, max_decimal_chars> buf{};
        return std::string(buf.data(), to_chars(buf.data(), min_fraction_digits));
    }

    [[nodiscard]] bool is_zero() const { return raw_ == 0; }
    [[nodiscard]] bool is_negative() const { return raw_ < 0; }
    [[nodiscard]] bool is_positive() const { return raw_ > 0; }

    /// Number of fraction digits needed to print this value exactly (0 for integers).
    [[nodiscard]] int fraction_digits() const;

    /// Rounds to a multiple of `step` (> 0) in the given direction. Exact; overflow throws.
    [[nodiscard]] decimal round_to(const decimal& step, rounding dir) const;
    /// True when this value is an exact multiple of `step` (> 0).
    [[nodiscard]] bool is_multiple_of(const decimal& step) const { return raw_ % step.raw_ == 0; }

    friend bool operator==(const decimal& a, const decimal& b) { return a.raw_ == b.raw_; }
    friend std::strong_ordering operator<=>(const decimal& a, const decimal& b) {
        if (a.raw_ < b.raw_) return std::strong_ordering::less;
        if (b.raw_ < a.raw_) return std::strong_ordering::greater;
        return std::strong_ordering::equal;
    }

    friend decimal operator+(const decimal& a, const decimal& b) {
        decimal r;
        if (!detail::checked_add(a.raw_, b.raw_, r.raw_)) overflow("+");
        return r;
    }
    friend decimal operator-(const decimal& a, const decimal& b) {
        decimal r;
        if (!detail::checked_sub(a.raw_, b.raw_, r.raw_)) overflow("-");
        return r;
    }
    friend decimal operator-(const decimal& a) { return decimal{} - a; }
    decimal& operator+=(const decimal& b) { return *this = *this + b; }
    decimal& operator-=(const decimal& b) { return *this = *this - b; }

    /// Scaling by a count (levels, children of a split order): same unit, checked.
    friend decimal operator*(const decimal& a, std::int64_t n) {
        decimal r;
        if (!detail::checked_mul(a.raw_, rep{n}, r.raw_)) overflow("*");
        return r;
    }
    friend decimal operator*(std::int64_t n, const decimal& a) { return a * n; }

    /// Streams the canonical text (test frameworks and diagnostics use this).
    friend std::ostream& operator<<(std::ostream& os, const decimal& d) {
        std::array<char, max_decimal_chars> buf{};
        return os.write(buf.data(), static_cast<std::streamsize>(d.to_chars(buf.data())));
    }

    [[nodiscard]] decimal abs() const { return raw_ < 0 ? -*this : *this; }

    /// Largest and smallest representable values.
    [[nodiscard]] static decimal max() { return from_raw(std::numeric_limits<rep>::max()); }
    [[nodiscard]] static decimal min() { return from_raw(std::numeric_limits<rep>::min()); }

private:
    [[noreturn]] static void overflow(const char* op) {
        throw decimal_overflow_error(fmt::format("{}: overflow in operator{}", Unit::name, op));
    }

    rep raw_{0};
};

}  // namespace mmbot::core

#include "mmbot/core/impl/decimal.hpp"

#endif  // MMBOT_CORE_DECIMAL_HPP
