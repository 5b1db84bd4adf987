// mmbot/risk/checks/order_rate.hpp
//
// Blocks an order when the bot already sent `max_orders_per_second` in the last rolling second:
// the venue's limits are shared by every strategy on the account, and a runaway requote loop must
// not burn them.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct order_rate_cap : order_only_check {
    static constexpr std::string_view name = "order_rate";

    [[nodiscard]] static verdict check_order(const order_intent& /*unused*/,
                                             const symbol_view& /*unused*/, const bot_view& b) {
        if (b.orders_last_second >= b.limits->max_orders_per_second) {
            return verdict::make(action::block, name, b.orders_last_second,
                                 b.limits->max_orders_per_second);
        }
        return verdict::ok();
    }
};

}  // namespace mmbot::risk
