// tests/core/backoff_test.cpp
//
// core::backoff and exponential_delay: doubling to the cap, jitter bounded and seeded, the pinned
// sequences of the public feed (jittered, the exact values of the former feed::reconnect_backoff)
// and of the private stream and the Bybit retries (no jitter).
#define BOOST_TEST_MODULE core_backoff
#include <boost/test/unit_test.hpp>

#include "mmbot/core/backoff.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

using namespace std::chrono_literals;
using mmbot::core::backoff;
using mmbot::core::exponential_delay;
using ms = std::chrono::milliseconds;

BOOST_AUTO_TEST_CASE(delay_doubles_to_the_cap) {
    BOOST_TEST(exponential_delay(100ms, 2000ms, 0).count() == 100);
    BOOST_TEST(exponential_delay(100ms, 2000ms, 1).count() == 200);
    BOOST_TEST(exponential_delay(100ms, 2000ms, 4).count() == 1600);
    BOOST_TEST(exponential_delay(100ms, 2000ms, 5).count() == 2000);
    // A huge count neither loops long nor overflows; an initial above the cap is capped.
    BOOST_TEST(exponential_delay(100ms, 2000ms, 4'000'000'000U).count() == 2000);
    BOOST_TEST(exponential_delay(3000ms, 2000ms, 0).count() == 2000);
    BOOST_TEST(exponential_delay(0ms, 2000ms, 7).count() == 0);
}

BOOST_AUTO_TEST_CASE(doubles_to_the_cap_with_bounded_jitter_and_is_deterministic) {
    backoff<ms> a({.initial = 100ms, .cap = 1'000ms, .jitter = true, .seed = 42});
    backoff<ms> b({.initial = 100ms, .cap = 1'000ms, .jitter = true, .seed = 42});
    const std::int64_t base[] = {100, 200, 400, 800, 1000, 1000, 1000};
    for (const auto d : base) {
        const auto x = a.next();
        BOOST_TEST(x == b.next());
        BOOST_TEST(x.count() <= d);
        BOOST_TEST(x.count() >= d - d / 4);
    }
    BOOST_TEST(a.attempts() == 7U);
    a.reset();
    BOOST_TEST(a.attempts() == 0U);
    BOOST_TEST(a.next().count() <= 100);
}

BOOST_AUTO_TEST_CASE(jittered_sequence_is_pinned) {
    // The values feed::reconnect_backoff(100ms, 1000ms, 42) produced before it became this type:
    // a seeded feed must reconnect exactly as it did.
    backoff<ms> b({.initial = 100ms, .cap = 1'000ms, .jitter = true, .seed = 42});
    std::vector<std::int64_t> got;
    for (int i = 0; i < 9; ++i) got.push_back(b.next().count());
    const std::vector<std::int64_t> want{91, 190, 357, 734, 758, 935, 754, 934, 879};
    BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(without_jitter_the_waits_are_exact) {
    // private_ws's defaults: 250 ms doubling to 10 s.
    backoff<ms> b({.initial = 250ms, .cap = 10'000ms});
    std::vector<std::int64_t> got;
    for (int i = 0; i < 8; ++i) got.push_back(b.next().count());
    const std::vector<std::int64_t> want{250, 500, 1000, 2000, 4000, 8000, 10000, 10000};
    BOOST_TEST(got == want, boost::test_tools::per_element());
    b.reset();
    BOOST_TEST(b.next().count() == 250);
}

BOOST_AUTO_TEST_CASE(every_wait_is_positive_and_within_the_cap) {
    // An initial of zero is raised to one tick, a cap below the initial is raised to it.
    backoff<ms> zero({.initial = 0ms, .cap = 0ms, .jitter = true, .seed = 1});
    for (int i = 0; i < 5; ++i) BOOST_TEST(zero.next().count() == 1);
    backoff<ms> inverted({.initial = 500ms, .cap = 100ms});
    BOOST_TEST(inverted.next().count() == 500);
    BOOST_TEST(inverted.next().count() == 500);
}
