// mmbot/core/detail/checked_rep.hpp
//
// Overflow-checked integer steps for the two representations decimals use: std::int64_t (prices,
// quantities, rates) and a 128-bit Boost.Multiprecision integer (notionals, wide intermediates).
// Each step reports overflow by returning false instead of wrapping, so a caller can turn it into
// an error naming the value.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <stdexcept>

namespace mmbot::core {

/// 128-bit signed integer whose arithmetic throws std::overflow_error instead of wrapping.
/// Wide enough for price x quantity at full scale (2 x 63 bits) and every notional we carry.
using wide_int = boost::multiprecision::checked_int128_t;

/// Wider still, for the product of a notional and a rate before it is rounded back.
using wider_int = boost::multiprecision::checked_int256_t;

namespace detail {

// The std::int64_t steps use the compiler builtins: a single flag test, no exception machinery.
[[nodiscard]] inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t& out) noexcept {
    return !__builtin_add_overflow(a, b, &out);
}
[[nodiscard]] inline bool checked_sub(std::int64_t a, std::int64_t b, std::int64_t& out) noexcept {
    return !__builtin_sub_overflow(a, b, &out);
}
[[nodiscard]] inline bool checked_mul(std::int64_t a, std::int64_t b, std::int64_t& out) noexcept {
    return !__builtin_mul_overflow(a, b, &out);
}

// The multiprecision steps rely on the checked backend, which throws on overflow: `op` computes,
// the catch turns the throw into the same false the builtins give.
template <class Wide, class Op>
[[nodiscard]] bool checked_wide(Op op, Wide& out) noexcept {
    try {
        out = op();
        return true;
    } catch (const std::overflow_error&) {
        return false;
    }
}
template <class Wide>
    requires boost::multiprecision::is_number<Wide>::value
[[nodiscard]] bool checked_add(const Wide& a, const Wide& b, Wide& out) noexcept {
    return checked_wide([&] { return Wide(a + b); }, out);
}
template <class Wide>
    requires boost::multiprecision::is_number<Wide>::value
[[nodiscard]] bool checked_sub(const Wide& a, const Wide& b, Wide& out) noexcept {
    return checked_wide([&] { return Wide(a - b); }, out);
}
template <class Wide>
    requires boost::multiprecision::is_number<Wide>::value
[[nodiscard]] bool checked_mul(const Wide& a, const Wide& b, Wide& out) noexcept {
    return checked_wide([&] { return Wide(a * b); }, out);
}

/// Converts a small non-negative value (a digit, a count) of either representation to int.
template <class Rep>
[[nodiscard]] int small_to_int(const Rep& v) noexcept {
    if constexpr (boost::multiprecision::is_number<Rep>::value) {
        return v.template convert_to<int>();
    } else {
        return static_cast<int>(v);
    }
}

/// 10^n in the given representation (n is a compile-time scale, at most 38 for wide_int).
template <class Rep>
[[nodiscard]] constexpr Rep pow10(int n) {
    Rep r{1};
    for (int i = 0; i < n; ++i) {
        r *= 10;
    }
    return r;
}

/// Quotient of num / den rounded toward negative infinity (floor) or positive infinity (ceil).
/// `den` must be positive (callers pass tick sizes and scale factors, validated on load).
template <class Int>
[[nodiscard]] Int div_floor(const Int& num, const Int& den) {
    Int q = num / den;  // truncates toward zero
    if ((num % den != 0) && (num < 0)) {
        q -= 1;
    }
    return q;
}
template <class Int>
[[nodiscard]] Int div_ceil(const Int& num, const Int& den) {
    Int q = num / den;
    if ((num % den != 0) && (num > 0)) {
        q += 1;
    }
    return q;
}

}  // namespace detail
}  // namespace mmbot::core
