// mmbot/venue/bybit/rate_limiter.hpp
//
// Client-side rate limiter: one budget per (endpoint, category) plus the shared per-IP budget,
// so the adapter waits on its own side instead of collecting 10006 ("Too many visits!").
//
// Defaults are Bybit's published per-UID limits for a default (non-PRO) account, from the v5
// "Rate Limit Rules" page (https://bybit-exchange.github.io/docs/v5/rate-limit), table "Trade":
//   POST /v5/order/create        linear 10/s   spot 20/s
//   POST /v5/order/cancel        linear 10/s   spot 20/s
//   POST /v5/order/cancel-all    linear  1/s   spot 20/s
//   POST /v5/order/create-batch  linear 10/s   spot 20/s   (charged one unit per order)
//   GET  /v5/order/realtime      50/s
//   GET  /v5/execution/list      50/s
// and the HTTP IP limit of 600 requests per 5 s window for every request (market endpoints have
// no per-UID limit). The venue's own answer wins once it is known: `observe` adopts the limit in
// X-Bapi-Limit and, when X-Bapi-Limit-Status reaches 0 (or a 10006 arrives), holds the budget
// until X-Bapi-Limit-Reset-Timestamp.
//
// Each budget is a GCRA (virtual scheduling) in integer nanoseconds: `rate` per second with a
// burst of `rate` (one second's worth, matching Bybit's rolling one-second window). Time is the
// caller's clock in venue time (the same one the signer's timestamps come from).
//
//   rate_limiter rl;
//   if (auto wait = rl.try_acquire(endpoint::order_create, category::linear, 1, now); wait > 0ns)
//       defer(wait);   // nothing was consumed
#pragma once

#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/responses.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mmbot::venue::bybit {

/// Requests per second (and burst) of one budget.
struct budget_limit {
    std::int64_t per_second = 0;
    /// Window the rate is counted over (1 s for Bybit's per-UID limits, 5 s for the IP limit).
    std::chrono::nanoseconds window{std::chrono::seconds{1}};
    std::int64_t per_window = 0;
};

/// Published defaults; see the file comment for the source.
[[nodiscard]] constexpr budget_limit default_limit(endpoint e, category c) noexcept {
    const bool spot = c == category::spot;
    const auto per_s = [](std::int64_t n) {
        return budget_limit{n, std::chrono::seconds{1}, n};
    };
    switch (e) {
        case endpoint::order_create:
        case endpoint::order_cancel:
        case endpoint::order_create_batch: return per_s(spot ? 20 : 10);
        case endpoint::order_cancel_all: return per_s(spot ? 20 : 1);
        case endpoint::order_realtime:
        case endpoint::execution_list: return per_s(50);
        case endpoint::market_time:
        case endpoint::market_instruments:
        case endpoint::market_tickers: return per_s(0);  // IP limit only
    }
    return per_s(0);
}
/// 600 requests per 5 s per IP, all endpoints together.
inline constexpr budget_limit ip_limit{120, std::chrono::seconds{5}, 600};

namespace detail {
/// Generic cell rate algorithm on integer nanoseconds. A zero limit means "no limit".
class gcra {
public:
    gcra() = default;
    explicit gcra(budget_limit l) { set(l); }

    void set(budget_limit l) {
        limit_ = l;
        interval_ = l.per_window > 0 ? l.window / l.per_window : std::chrono::nanoseconds{0};
    }
    [[nodiscard]] const budget_limit& limit() const noexcept { return limit_; }

    /// Wait needed before `cost` units fit (0 if they fit now). Consumes nothing.
    [[nodiscard]] std::chrono::nanoseconds wait(std::int64_t cost,
                                                std::chrono::nanoseconds now) const {
        if (now < blocked_until_) return blocked_until_ - now;
        if (interval_.count() == 0) return std::chrono::nanoseconds{0};
        const auto new_tat = std::max(tat_, now) + interval_ * cost;
        // Burst = one window's worth, in whole intervals so truncation cannot leak a unit.
        const auto allowed = interval_ * limit_.per_window;
        return new_tat - now > allowed ? new_tat - now - allowed : std::chrono::nanoseconds{0};
    }
    void consume(std::int64_t cost, std::chrono::nanoseconds now) {
        if (interval_.count() == 0) return;
        tat_ = std::max(tat_, now) + interval_ * cost;
    }
    void block_until(std::chrono::nanoseconds t) { blocked_until_ = std::max(blocked_until_, t); }

private:
    budget_limit limit_{};
    std::chrono::nanoseconds interval_{0};
    std::chrono::nanoseconds tat_{0};  // theoretical arrival time of the next unit
    std::chrono::nanoseconds blocked_until_{0};
};
}  // namespace detail

class rate_limiter {
public:
    rate_limiter() : ip_(ip_limit) {
        for (std::size_t e = 0; e < endpoint_count; ++e) {
            for (std::size_t c = 0; c < categories; ++c) {
                budgets_[e][c].set(default_limit(static_cast<endpoint>(e), static_cast<category>(c)));
            }
        }
    }

    /// Takes `cost` units (1, or the number of orders of a batch) from the endpoint's budget and
    /// one from the IP budget if both allow it now and returns 0; otherwise consumes nothing and
    /// returns how long to wait. A cost above the budget's burst is charged as the full burst
    /// (it could otherwise never fit).
    [[nodiscard]] std::chrono::nanoseconds try_acquire(endpoint e, category c, std::int64_t cost,
                                                       std::chrono::nanoseconds now) {
        auto& b = budget(e, c);
        if (b.limit().per_window > 0) cost = std::clamp<std::int64_t>(cost, 1, b.limit().per_window);
        const auto wait = std::max(b.wait(cost, now), ip_.wait(1, now));
        if (wait.count() > 0) return wait;
        b.consume(cost, now);
        ip_.consume(1, now);
        return wait;
    }

    /// Applies the X-Bapi-Limit-* headers of a response: adopts the venue's limit and, when none
    /// is left, holds the budget until the reset time.
    void observe(endpoint e, category c, const rate_limit_status& s) {
        auto& b = budget(e, c);
        if (s.limit > 0 && s.limit != b.limit().per_window) {
            b.set({s.limit, std::chrono::seconds{1}, s.limit});
        }
        if (s.remaining == 0) b.block_until(s.reset_at);
    }

    /// A 10006 arrived: nothing more on this budget until `reset_at` (the header's value), or
    /// for one window when the response carried no headers.
    void on_rate_limited(endpoint e, category c, std::chrono::nanoseconds now,
                         std::chrono::nanoseconds reset_at = std::chrono::nanoseconds{0}) {
        auto& b = budget(e, c);
        b.block_until(reset_at > now ? reset_at : now + b.limit().window);
    }

    [[nodiscard]] budget_limit limit(endpoint e, category c) const {
        return budgets_[index_of(e)][static_cast<std::size_t>(c)].limit();
    }

private:
    static constexpr std::size_t categories = 2;

    detail::gcra& budget(endpoint e, category c) {
        return budgets_[index_of(e)][static_cast<std::size_t>(c)];
    }

    std::array<std::array<detail::gcra, categories>, endpoint_count> budgets_{};
    detail::gcra ip_;
};

}  // namespace mmbot::venue::bybit
