// mmbot/risk/checks/price_band.hpp
//
// Blocks an order priced more than `price_band_bps` away from mid: a corrupted reference price or
// a runaway skew must not place quotes far from the market.
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/exposure.hpp"

namespace mmbot::risk {

struct price_band : order_only_check {
    static constexpr std::string_view name = "price_band";

    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s,
                                             const bot_view& /*unused*/) {
        if (!s.mid.is_positive()) {
            return verdict::make(action::block, name, s.mid, s.limits->price_band_bps);
        }
        const core::bps distance = detail::distance_bps(o.price, s.mid);
        if (distance > s.limits->price_band_bps) {
            return verdict::make(action::block, name, distance, s.limits->price_band_bps);
        }
        return verdict::ok();
    }
};

}  // namespace mmbot::risk
