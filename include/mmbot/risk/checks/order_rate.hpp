// mmbot/risk/checks/order_rate.hpp
//
// Blocks an order when the bot already sent `max_orders_per_second` in the last rolling second:
// the venue's limits are shared by every strategy on the account, and a runaway requote loop must
// not burn them. The check counts the sends itself (its hook on sent_order, risk/hooks.hpp).
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/send_window.hpp"
#include "mmbot/risk/hooks.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mmbot::risk {

struct order_rate_cap : order_only_check<"order_rate"> {
    void on(const sent_order& e) { sent_.record(e.at); }

    /// Orders sent in the rolling second before `now`.
    [[nodiscard]] std::int64_t last_second(std::chrono::nanoseconds now) const { return sent_.count(now); }

    [[nodiscard]] verdict check_order(const order_intent& /*unused*/, const symbol_view& /*unused*/,
                                      const bot_view& b) const {
        const std::int64_t sent = last_second(b.now);
        if (sent >= b.limits->max_orders_per_second) {
            return verdict::make(action::block, name, sent, b.limits->max_orders_per_second);
        }
        return verdict::ok();
    }

private:
    detail::send_window<4096> sent_{std::chrono::seconds(1)};
};

}  // namespace mmbot::risk
