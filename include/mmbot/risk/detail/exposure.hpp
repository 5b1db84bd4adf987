// mmbot/risk/detail/exposure.hpp: exact helpers shared by the checks (bps distances, exposure).
#pragma once

#include "mmbot/core/units.hpp"
#include "mmbot/risk/view.hpp"

namespace mmbot::risk::detail {

/// Position after the order fills completely.
[[nodiscard]] inline core::quantity position_after(const order_intent& o, const symbol_view& s) {
    return o.side == core::side::buy ? s.position + o.qty : s.position - o.qty;
}

/// True when the order does not reduce the absolute position (it adds to or flips exposure).
[[nodiscard]] inline bool increases_exposure(const order_intent& o, const symbol_view& s) {
    return position_after(o, s).abs() > s.position.abs();
}

/// |a - b| / b in basis points, rounded down to the bps scale (b > 0). Exact: no division until
/// the final, explicitly rounded one.
[[nodiscard]] inline core::bps distance_bps(const core::price& a, const core::price& b) {
    const core::wide_int diff = core::wide_int((a - b).abs().raw());
    // bps raw = diff/b x 10^4 x 10^scale(bps)
    const core::wide_int scaled = diff * core::detail::pow10<core::wide_int>(4 + core::bps::scale);
    const core::wide_int q = scaled / core::wide_int(b.raw());
    if (q > core::wide_int(std::numeric_limits<std::int64_t>::max())) return core::bps::max();
    return core::bps::from_raw(q.convert_to<std::int64_t>());
}

/// Signed edge of a quote against mid in bps: positive when the quote is on the passive side
/// (BUY below mid, SELL above), rounded toward negative infinity so a floor is never flattered.
[[nodiscard]] inline core::bps edge_bps(const order_intent& o, const core::price& mid) {
    const core::price gain = o.side == core::side::buy ? mid - o.price : o.price - mid;
    const core::wide_int scaled =
        core::wide_int(gain.raw()) * core::detail::pow10<core::wide_int>(4 + core::bps::scale);
    const core::wide_int q = core::detail::div_floor(scaled, core::wide_int(mid.raw()));
    if (q > core::wide_int(std::numeric_limits<std::int64_t>::max())) return core::bps::max();
    if (q < core::wide_int(std::numeric_limits<std::int64_t>::min())) return core::bps::min();
    return core::bps::from_raw(q.convert_to<std::int64_t>());
}

}  // namespace mmbot::risk::detail
