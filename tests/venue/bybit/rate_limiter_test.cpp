// tests/venue/bybit/rate_limiter_test.cpp
//
// The client-side limiter: published defaults, bursts of one window, waits computed exactly,
// the venue's headers adopted, 10006 holding the budget, and the shared IP budget.
#define BOOST_TEST_MODULE bybit_rate_limiter
#include "mmbot/venue/bybit/rate_limiter.hpp"

#include <boost/test/unit_test.hpp>

namespace bybit = mmbot::venue::bybit;
using namespace std::chrono_literals;
using bybit::category;
using bybit::endpoint;

BOOST_AUTO_TEST_CASE(published_defaults) {
    bybit::rate_limiter rl;
    BOOST_TEST(rl.limit(endpoint::order_create, category::linear).per_window == 10);
    BOOST_TEST(rl.limit(endpoint::order_create, category::spot).per_window == 20);
    BOOST_TEST(rl.limit(endpoint::order_cancel_all, category::linear).per_window == 1);
    BOOST_TEST(rl.limit(endpoint::order_realtime, category::linear).per_window == 50);
    BOOST_TEST(rl.limit(endpoint::market_time, category::linear).per_window == 0);
    BOOST_TEST(bybit::ip_limit.per_window == 600);
}

BOOST_AUTO_TEST_CASE(a_burst_of_one_window_then_one_per_interval) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{1'700'000'000'000'000'000};
    for (int i = 0; i < 10; ++i) {
        BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0).count() == 0);
    }
    // The 11th must wait one interval (100 ms); nothing is consumed by the refusal.
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0) == 100ms);
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0 + 40ms) == 60ms);
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0 + 100ms).count() == 0);
    // Other budgets are independent.
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::spot, 1, t0).count() == 0);
    BOOST_TEST(rl.try_acquire(endpoint::order_cancel, category::linear, 1, t0).count() == 0);
}

BOOST_AUTO_TEST_CASE(batches_cost_one_unit_per_order) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{1'000'000'000'000};
    BOOST_TEST(rl.try_acquire(endpoint::order_create_batch, category::linear, 8, t0).count() == 0);
    BOOST_TEST(rl.try_acquire(endpoint::order_create_batch, category::linear, 3, t0) == 100ms);
    BOOST_TEST(rl.try_acquire(endpoint::order_create_batch, category::linear, 2, t0).count() == 0);
    // More than a burst is charged as one burst rather than waiting forever.
    BOOST_TEST(rl.try_acquire(endpoint::order_create_batch, category::spot, 50, t0).count() == 0);
}

BOOST_AUTO_TEST_CASE(cancel_all_is_one_per_second_on_linear) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{5'000'000'000};
    BOOST_TEST(rl.try_acquire(endpoint::order_cancel_all, category::linear, 1, t0).count() == 0);
    BOOST_TEST(rl.try_acquire(endpoint::order_cancel_all, category::linear, 1, t0 + 250ms) == 750ms);
}

BOOST_AUTO_TEST_CASE(venue_headers_win) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{1'672'738'134'000'000'000};
    rl.observe(endpoint::order_create, category::linear,
               {.remaining = 99, .limit = 100, .reset_at = std::chrono::milliseconds{1672738134824}});
    BOOST_TEST(rl.limit(endpoint::order_create, category::linear).per_window == 100);
    rl.observe(endpoint::order_create, category::linear,
               {.remaining = 0, .limit = 100, .reset_at = std::chrono::milliseconds{1672738134824}});
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0) == 824ms);
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0 + 824ms).count() == 0);
}

BOOST_AUTO_TEST_CASE(rate_limited_holds_the_budget) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{9'000'000'000};
    rl.on_rate_limited(endpoint::order_cancel, category::linear, t0);
    BOOST_TEST(rl.try_acquire(endpoint::order_cancel, category::linear, 1, t0 + 300ms) == 700ms);
    rl.on_rate_limited(endpoint::order_create, category::linear, t0, t0 + 2s);
    BOOST_TEST(rl.try_acquire(endpoint::order_create, category::linear, 1, t0) == 2s);
}

BOOST_AUTO_TEST_CASE(the_ip_budget_is_shared) {
    bybit::rate_limiter rl;
    const auto t0 = std::chrono::nanoseconds{100'000'000'000};
    for (int i = 0; i < 600; ++i) {
        BOOST_TEST_REQUIRE(rl.try_acquire(endpoint::market_time, category::linear, 1, t0).count() == 0);
    }
    // 600 per 5 s: the next request of any endpoint waits one IP interval (5 s / 600).
    const auto wait = rl.try_acquire(endpoint::order_create, category::spot, 1, t0);
    BOOST_TEST(wait == std::chrono::nanoseconds{5'000'000'000 / 600});
}
