// mmbot/core/units.hpp
//
// The money units and the only arithmetic between them that means something.
//
//   price     int64, 8 fraction digits   ticks down to 1e-8, up to 9.2e10
//   quantity  int64, 8 fraction digits   steps down to 1e-8, up to 9.2e10 (>= 1e10 as required)
//   notional  int128, 16 fraction digits price x quantity exactly; up to 1.7e22
//   bps       int64, 4 fraction digits   offsets and thresholds in basis points ("1.5")
//   ratio     int64, 8 fraction digits   multipliers and rates (min-qty pad "1.1", fee "-0.00025")
//
// Allowed:  price - price, quantity + quantity, price * quantity -> notional,
//           notional * ratio -> notional (rounded explicitly), notional / quantity -> price
//           (rounded explicitly). Not allowed (does not compile): price * price, price + quantity.
#pragma once

#include "mmbot/core/decimal.hpp"
#include "mmbot/core/fixed_string.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::core {

/// A decimal unit: its representation, its fraction digits, and the name its errors print. Each
/// unit is a type of its own (price and quantity share a scale, not a type).
template <class Rep, int Scale, fixed_string Name>
struct unit {
    using rep = Rep;
    static constexpr int scale = Scale;
    static constexpr std::string_view name = Name.view();
};

struct price_unit : unit<std::int64_t, 8, "price"> {};
struct quantity_unit : unit<std::int64_t, 8, "quantity"> {};
struct notional_unit : unit<wide_int, 16, "notional"> {};
struct bps_unit : unit<std::int64_t, 4, "bps"> {};
struct ratio_unit : unit<std::int64_t, 8, "ratio"> {};

using price = decimal<price_unit>;
using quantity = decimal<quantity_unit>;
using notional = decimal<notional_unit>;
using bps = decimal<bps_unit>;
using ratio = decimal<ratio_unit>;

static_assert(price_unit::scale + quantity_unit::scale == notional_unit::scale,
              "price x quantity must land exactly on the notional scale");

/// Exact: the raw product of two int64 values always fits in 128 bits.
[[nodiscard]] inline notional operator*(const price& p, const quantity& q) {
    return notional::from_raw(wide_int(p.raw()) * wide_int(q.raw()));
}
[[nodiscard]] inline notional operator*(const quantity& q, const price& p) { return p * q; }

namespace detail {
/// Narrows a wide quotient back to int64, throwing decimal_overflow_error when it does not fit.
template <class To>
[[nodiscard]] To narrow_raw(const wide_int& v, std::string_view what) {
    if (v > std::numeric_limits<typename To::rep>::max() ||
        v < std::numeric_limits<typename To::rep>::min()) {
        throw decimal_overflow_error(fmt::format("{}: result out of range", what));
    }
    return To::from_raw(v.convert_to<typename To::rep>());
}
}  // namespace detail

/// notional x rate, rounded to the notional scale in the given direction (fees round up).
[[nodiscard]] inline notional mul(const notional& n, const ratio& r, rounding dir) {
    const wider_int product = wider_int(n.raw()) * wider_int(r.raw());
    const wider_int den = detail::pow10<wider_int>(ratio::scale);
    const wider_int q = dir == rounding::down ? detail::div_floor(product, den)
                                              : detail::div_ceil(product, den);
    if (q > wider_int(std::numeric_limits<wide_int>::max()) ||
        q < wider_int(std::numeric_limits<wide_int>::min())) {
        throw decimal_overflow_error("notional * ratio: result out of range");
    }
    return notional::from_raw(q.convert_to<wide_int>());
}

/// notional / quantity -> price, rounded in the given direction (average entry prices).
/// `q` must be non-zero.
[[nodiscard]] inline price div(const notional& n, const quantity& q, rounding dir) {
    // n has scale 16, q scale 8: n.raw / q.raw is already at price scale 8.
    const wide_int den(q.raw());
    const wide_int quotient = dir == rounding::down ? detail::div_floor(n.raw(), den)
                                                    : detail::div_ceil(n.raw(), den);
    return detail::narrow_raw<price>(quotient, "notional / quantity");
}

/// quantity x ratio, rounded to the quantity scale (the padded minimum quantity rounds up).
[[nodiscard]] inline quantity mul(const quantity& q, const ratio& r, rounding dir) {
    const wide_int product = wide_int(q.raw()) * wide_int(r.raw());
    const wide_int den(ratio::one());
    const wide_int quotient = dir == rounding::down ? detail::div_floor(product, den)
                                                    : detail::div_ceil(product, den);
    return detail::narrow_raw<quantity>(quotient, "quantity * ratio");
}

/// Converts a quantity of the base asset into the notional unit at a price; alias for readability.
[[nodiscard]] inline notional value_of(const quantity& q, const price& p) { return p * q; }

/// Widens a price-scale value (a PnL per unit, say) into notional units exactly.
[[nodiscard]] inline notional to_notional(const price& p) {
    return notional::from_raw(wide_int(p.raw()) * wide_int(quantity::one()));
}

}  // namespace mmbot::core
