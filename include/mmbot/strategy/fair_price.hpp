// mmbot/strategy/fair_price.hpp
//
// The fair price of a top of book, kept as an exact fraction of raw price units, and the exact
// factors the quoter multiplies it by (inventory skew, half-spread).
//
// Nothing is rounded until a price leaves this header: a quote reference is rounded once, in the
// direction that keeps it passive (bid DOWN, ask UP), so rounding can never make a quote more
// aggressive than the exact rule says. The fair price printed for logs rounds DOWN.
//
//   microprice = (bid x ask_size + ask x bid_size) / (bid_size + ask_size)
//   bid 100, size 3; ask 101, size 1  ->  (100x1 + 101x3) / 4 = 100.75  (the ask is thin: the next
//                                          trade is likelier to lift it, so fair leans to it)
//
//   auto f = mmbot::strategy::fair_value(fair_price_mode::microprice, bid, ask);
//   mmbot::core::price shown = mmbot::strategy::to_price(f, mmbot::core::rounding::down);
#pragma once

#include "mmbot/core/decimal.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/strategy/params.hpp"

#include <cstdint>
#include <limits>

namespace mmbot::strategy {

/// An exact non-negative rational num / den in raw price units (den > 0).
///
/// 256-bit checked integers: the largest product formed here is a microprice numerator (< 2^127)
/// times a skew factor (< 2^91) times a spread factor (< 2^28), which stays below 2^255; the
/// bounds that guarantee it are the ones `validate` enforces (offsets below 10000 bps).
struct fraction {
    core::wider_int num{0};
    core::wider_int den{1};
};

/// 10^8: one basis point is 10^-4, and a bps value carries 4 fraction digits.
[[nodiscard]] inline const core::wider_int& bps_denominator() {
    static const core::wider_int d =
        core::detail::pow10<core::wider_int>(4 + core::bps_unit::scale);
    return d;
}

/// The fair price of a valid top of book (both levels present, bid < ask).
///
/// Microprice with both sizes zero has no weights; it falls back to the mid rather than dividing
/// by zero (a venue never shows an empty level, but a hand-built book might).
[[nodiscard]] inline fraction fair_value(fair_price_mode mode, const feed::level& bid,
                                         const feed::level& ask) {
    const core::wider_int b(bid.px.raw());
    const core::wider_int a(ask.px.raw());
    const core::wider_int bq(bid.qty.raw());
    const core::wider_int aq(ask.qty.raw());
    if (mode == fair_price_mode::microprice && bq + aq > 0) {
        return {b * aq + a * bq, bq + aq};
    }
    return {b + a, core::wider_int(2)};
}

/// f x n / d for a factor n/d (d > 0): stays exact.
[[nodiscard]] inline fraction scale(const fraction& f, const core::wider_int& n,
                                    const core::wider_int& d) {
    return {f.num * n, f.den * d};
}

/// The inventory skew as a factor n/d on the fair price: 1 - skew x clamp(position/max, -1, 1)
/// / 10^4 bps. Long positions give a factor below one (quotes move down). `max_position` > 0.
[[nodiscard]] inline fraction skew_factor(const core::bps& skew_at_max,
                                          const core::quantity& position,
                                          const core::quantity& max_position) {
    const core::wider_int& one = bps_denominator();
    const core::wider_int skew(skew_at_max.raw());
    if (position >= max_position) return {one - skew, one};
    if (position <= -max_position) return {one + skew, one};
    const core::wider_int m(max_position.raw());
    return {one * m - skew * core::wider_int(position.raw()), one * m};
}

/// The skew actually applied, in bps (negative when long), rounded toward zero: for display.
[[nodiscard]] inline core::bps applied_skew(const core::bps& skew_at_max,
                                           const core::quantity& position,
                                           const core::quantity& max_position) {
    if (position >= max_position) return -skew_at_max;
    if (position <= -max_position) return skew_at_max;
    // |skew x position / max| < skew < 10^8: the truncating quotient fits the bps raw type.
    const core::wider_int q = core::wider_int(skew_at_max.raw()) *
                              core::wider_int(position.raw()) /
                              core::wider_int(max_position.raw());
    return -core::bps::from_raw(q.convert_to<std::int64_t>());
}

/// The half-spread factor for one side: (1 - h/10^4) for the bid, (1 + h/10^4) for the ask.
[[nodiscard]] inline core::wider_int spread_numerator(const core::bps& half_spread, bool bid) {
    const core::wider_int h(half_spread.raw());
    return bid ? bps_denominator() - h : bps_denominator() + h;
}

/// Rounds the fraction to a raw price in the given direction. Throws decimal_overflow_error when
/// it does not fit a price (only absurd inputs near 9.2e10 can get there).
[[nodiscard]] inline core::price to_price(const fraction& f, core::rounding dir) {
    const core::wider_int q = dir == core::rounding::down ? core::detail::div_floor(f.num, f.den)
                                                          : core::detail::div_ceil(f.num, f.den);
    if (q > core::wider_int(std::numeric_limits<std::int64_t>::max()) ||
        q < core::wider_int(std::numeric_limits<std::int64_t>::min())) {
        throw core::decimal_overflow_error("strategy: quote reference out of the price range");
    }
    return core::price::from_raw(q.convert_to<std::int64_t>());
}

}  // namespace mmbot::strategy
