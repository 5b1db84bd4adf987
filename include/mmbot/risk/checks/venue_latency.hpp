// mmbot/risk/checks/venue_latency.hpp
//
// Freezes when the venue's mean acknowledgement latency over the window exceeds the limit: a slow
// venue means our resting quotes are older than we think. Values are reported in microseconds.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct venue_latency {
    static constexpr std::string_view name = "venue_latency";

    [[nodiscard]] static verdict check_state(const symbol_view& /*unused*/, const bot_view& b) {
        if (b.acks_in_window == 0 || b.mean_ack_latency <= b.limits->max_ack_latency) {
            return verdict::ok();
        }
        using std::chrono::duration_cast;
        using std::chrono::microseconds;
        return verdict::make(action::freeze, name,
                             std::int64_t{duration_cast<microseconds>(b.mean_ack_latency).count()},
                             std::int64_t{duration_cast<microseconds>(b.limits->max_ack_latency).count()});
    }
    [[nodiscard]] static verdict check_order(const order_intent& /*unused*/, const symbol_view& s,
                                             const bot_view& b) {
        return check_state(s, b);
    }
};

}  // namespace mmbot::risk
