// mmbot/risk/checks/venue_latency.hpp
//
// Freezes when the venue's mean acknowledgement latency over the window exceeds the limit: a slow
// venue means our resting quotes are older than we think. Also when an order has waited longer
// than the limit for any answer at all: a venue that went silent (an outage, a lost connection)
// produces no acks to average, and that is the most dangerous case. A cancel waits the same way:
// from its first send until the order's end is confirmed, because a quote whose cancel the venue
// never answered may still rest at a stale price (and a bot whose data went stale sends cancels,
// not creates, into a dead network). Values are in microseconds.
//
// The check keeps its own evidence through the gate's hooks (risk/hooks.hpp): the latencies of
// the last acks (acked_order), the orders sent and not yet answered (sent_order, cleared by an
// ack, an answered_order or a filled_order), the cancels not yet confirmed (cancel_sent, cleared
// by the answered_order or filled_order of the order's end), and it forgets the latencies when the bot leaves a
// freeze (resumed),
// or the evidence that froze the bot would freeze it again on the same tick.
#pragma once

#include "mmbot/core/node_pool.hpp"
#include "mmbot/risk/check.hpp"
#include "mmbot/risk/hooks.hpp"
#include "mmbot/risk/windows.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace mmbot::risk {

struct venue_latency : state_only_check<venue_latency> {
    static constexpr std::string_view name = "venue_latency";

    void on(const sent_order& e) { wait_for_answer(e.client_order_id, e.at); }
    /// Waiting since the cancel, unless the order's create is itself still unanswered (earlier).
    void on(const cancel_sent& e) { wait_for_answer(e.client_order_id, e.at); }
    void on(const acked_order& e) {
        if (e.latency) acks_.record(*e.latency, static_cast<std::size_t>(e.latency_window));
        answered(e.client_order_id);
    }
    void on(const answered_order& e) { answered(e.client_order_id); }
    void on(const filled_order& e) { answered(e.client_order_id); }
    void on(const resumed& /*unused*/) { acks_.clear(); }

    /// Mean acknowledgement latency over the window, and how many acks it holds.
    [[nodiscard]] std::chrono::nanoseconds mean_ack_latency() const { return acks_.mean(); }
    [[nodiscard]] std::int64_t acks_in_window() const { return acks_.count(); }
    /// Age at `now` of the oldest order sent and not yet answered; zero when none.
    [[nodiscard]] std::chrono::nanoseconds oldest_unanswered(std::chrono::nanoseconds now) const {
        std::chrono::nanoseconds oldest{0};
        for (const auto& [id, sent_at] : unanswered_) oldest = std::max(oldest, now - sent_at);
        return oldest;
    }

    [[nodiscard]] verdict check_state(const symbol_view& /*unused*/, const bot_view& b) const {
        using std::chrono::duration_cast;
        using std::chrono::microseconds;
        const auto freeze = [](std::chrono::nanoseconds observed, std::chrono::nanoseconds limit) {
            return verdict::make(action::freeze, name,
                                 std::int64_t{duration_cast<microseconds>(observed).count()},
                                 std::int64_t{duration_cast<microseconds>(limit).count()});
        };
        if (const auto waiting = oldest_unanswered(b.now); waiting > b.limits->max_unanswered) {
            return freeze(waiting, b.limits->max_unanswered);
        }
        if (acks_in_window() > 0 && mean_ack_latency() > b.limits->max_ack_latency) {
            return freeze(mean_ack_latency(), b.limits->max_ack_latency);
        }
        return verdict::ok();
    }

private:
    void wait_for_answer(std::string_view client_order_id, std::chrono::nanoseconds at) {
        if (unanswered_.contains(client_order_id)) return;  // as emplace did: the first send counts
        nodes_.emplace(unanswered_, client_order_id, at);
    }
    void answered(std::string_view client_order_id) {
        if (const auto it = unanswered_.find(client_order_id); it != unanswered_.end()) nodes_.erase(unanswered_, it);
    }

    latency_window<1024> acks_;
    using unanswered_map = std::map<std::string, std::chrono::nanoseconds, std::less<>>;
    unanswered_map unanswered_;
    core::node_pool<unanswered_map> nodes_;  // answered orders' nodes, reused: no allocation per order
};

}  // namespace mmbot::risk
