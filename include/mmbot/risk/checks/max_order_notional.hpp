// mmbot/risk/checks/max_order_notional.hpp
//
// Blocks a single order whose value (price x qty) exceeds the cap: a fat-finger guard that does
// not depend on the strategy's sizing being right.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct max_order_notional : order_only_check {
    static constexpr std::string_view name = "max_order_notional";

    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s,
                                             const bot_view& /*unused*/) {
        const core::notional value = o.price * o.qty;
        if (value > s.limits->max_order_notional) {
            return verdict::make(action::block, name, value, s.limits->max_order_notional);
        }
        return verdict::ok();
    }
};

}  // namespace mmbot::risk
