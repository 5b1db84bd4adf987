// mmbot/risk/checks/price_band.hpp
//
// Blocks an order priced more than `price_band_bps` away from mid: a corrupted reference price or
// a runaway skew must not place quotes far from the market.
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/exposure.hpp"

namespace mmbot::risk {

struct price_band : order_only_check<"price_band"> {
    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s) {
        if (!s.mid.is_positive()) {
            return verdict::make(action::block, name, s.mid, s.limits->price_band_bps);
        }
        return verdict::above(action::block, name, detail::distance_bps(o.price, s.mid),
                              s.limits->price_band_bps);
    }
};

}  // namespace mmbot::risk
