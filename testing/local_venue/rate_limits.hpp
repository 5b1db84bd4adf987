// testing/local_venue/rate_limits.hpp
//
// The venue side of Bybit's rate limits, as the v5 "Rate Limit Rules" page describes them: a
// rolling one-second window per UID and endpoint (per category), with the per-endpoint defaults
// that the client's own limiter uses (bybit::default_limit: order/create linear 10/s, cancel-all
// linear 1/s, order/realtime 50/s, ...), and the per-IP 600 requests per rolling 5 s for every
// request. Every answer carries the three headers:
//   X-Bapi-Limit                  the endpoint's limit
//   X-Bapi-Limit-Status           what is left in the current window after this request
//   X-Bapi-Limit-Reset-Timestamp  ms: when the window frees a unit if the limit is exhausted,
//                                 otherwise the current server time (as Bybit does)
// Over a per-UID limit the request is refused with HTTP 200 and retCode 10006 "Too many visits!";
// over the IP limit with HTTP 403 "access too frequent". A refused request consumes nothing.
// Market endpoints have no per-UID limit: their headers describe the IP budget. The limits of the
// paths the venue serves beyond the client's endpoints come from routes.hpp.
//
//   server_limits limits;
//   auto a = limits.charge(bybit::endpoint::order_create, bybit::category::linear, 1, now_ms);
//   if (!a.allowed) reply_10006(a);
#pragma once

#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/rate_limiter.hpp"
#include "testing/local_venue/routes.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>

namespace mmbot::venue::local {

struct limit_answer {
    bool allowed = true;
    bool ip_limited = false;  ///< refused by the per-IP budget (HTTP 403)
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::int64_t reset_ms = 0;
};

namespace detail {
/// A rolling window of unit timestamps (ms).
class rolling_window {
public:
    rolling_window() = default;
    rolling_window(std::int64_t limit, std::int64_t window_ms) : limit_(limit), window_ms_(window_ms) {}

    [[nodiscard]] std::int64_t limit() const noexcept { return limit_; }

    /// Units in the window ending at now.
    [[nodiscard]] std::int64_t used(std::int64_t now_ms) {
        while (!stamps_.empty() && stamps_.front() <= now_ms - window_ms_) stamps_.pop_front();
        return static_cast<std::int64_t>(stamps_.size());
    }
    [[nodiscard]] bool fits(std::int64_t cost, std::int64_t now_ms) {
        return limit_ <= 0 || used(now_ms) + cost <= limit_;
    }
    void take(std::int64_t cost, std::int64_t now_ms) {
        if (limit_ <= 0) return;
        for (std::int64_t i = 0; i < cost; ++i) stamps_.push_back(now_ms);
    }
    /// When the oldest unit leaves the window (the next unit frees up).
    [[nodiscard]] std::int64_t frees_at(std::int64_t now_ms) const noexcept {
        return stamps_.empty() ? now_ms : stamps_.front() + window_ms_;
    }

private:
    std::int64_t limit_ = 0;
    std::int64_t window_ms_ = 1000;
    std::deque<std::int64_t> stamps_;
};
}  // namespace detail

class server_limits {
public:
    /// `enabled` false: everything is allowed (the headers are still sent).
    explicit server_limits(bool enabled = true) : enabled_(enabled) {
        for (std::size_t e = 0; e < route_count; ++e) {
            for (std::size_t c = 0; c < categories; ++c) {
                const auto l = limit_of(route_at(e), static_cast<bybit::category>(c));
                windows_[e][c] = detail::rolling_window{l.per_window, window_ms(l)};
            }
        }
    }

    /// Charges `cost` units (1, or the orders of a batch, capped at the limit) to the endpoint's
    /// budget and one to the IP budget, or refuses and charges nothing.
    [[nodiscard]] limit_answer charge(route e, bybit::category c, std::int64_t cost,
                                      std::int64_t now_ms) {
        auto& w = windows_[index_of(e)][static_cast<std::size_t>(c)];
        const bool per_uid = w.limit() > 0;
        detail::rolling_window* shown = per_uid ? &w : &ip_;
        if (per_uid && cost > w.limit()) cost = w.limit();
        if (cost < 1) cost = 1;
        limit_answer a;
        a.limit = shown->limit();
        const bool ip_ok = !enabled_ || ip_.fits(1, now_ms);
        const bool uid_ok = !enabled_ || !per_uid || w.fits(cost, now_ms);
        if (ip_ok && uid_ok) {
            if (enabled_) {
                ip_.take(1, now_ms);
                if (per_uid) w.take(cost, now_ms);
            }
            a.remaining = std::max<std::int64_t>(0, shown->limit() - shown->used(now_ms));
            a.reset_ms = now_ms;
            return a;
        }
        a.allowed = false;
        a.ip_limited = !ip_ok;
        a.remaining = 0;
        a.reset_ms = (ip_ok ? w : ip_).frees_at(now_ms);
        return a;
    }

private:
    static constexpr std::size_t categories = 2;
    [[nodiscard]] static std::int64_t window_ms(const bybit::budget_limit& l) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(l.window).count();
    }

    bool enabled_;
    std::array<std::array<detail::rolling_window, categories>, route_count> windows_{};
    detail::rolling_window ip_{bybit::ip_limit.per_window, window_ms(bybit::ip_limit)};
};

}  // namespace mmbot::venue::local
