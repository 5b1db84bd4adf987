// mmbot/risk/checks/venue_latency.hpp
//
// Freezes when the venue's mean acknowledgement latency over the window exceeds the limit: a slow
// venue means our resting quotes are older than we think. Also when an order has waited longer
// than the limit for any answer at all: a venue that went silent (an outage, a lost connection)
// produces no acks to average, and that is the most dangerous case. Values are in microseconds.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct venue_latency {
    static constexpr std::string_view name = "venue_latency";

    [[nodiscard]] static verdict check_state(const symbol_view& /*unused*/, const bot_view& b) {
        using std::chrono::duration_cast;
        using std::chrono::microseconds;
        const auto freeze = [](std::chrono::nanoseconds observed, std::chrono::nanoseconds limit) {
            return verdict::make(action::freeze, name,
                                 std::int64_t{duration_cast<microseconds>(observed).count()},
                                 std::int64_t{duration_cast<microseconds>(limit).count()});
        };
        if (b.oldest_unanswered > b.limits->max_unanswered) {
            return freeze(b.oldest_unanswered, b.limits->max_unanswered);
        }
        if (b.acks_in_window > 0 && b.mean_ack_latency > b.limits->max_ack_latency) {
            return freeze(b.mean_ack_latency, b.limits->max_ack_latency);
        }
        return verdict::ok();
    }
    [[nodiscard]] static verdict check_order(const order_intent& /*unused*/, const symbol_view& s,
                                             const bot_view& b) {
        return check_state(s, b);
    }
};

}  // namespace mmbot::risk
