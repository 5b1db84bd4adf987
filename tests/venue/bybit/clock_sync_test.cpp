// tests/venue/bybit/clock_sync_test.cpp
//
// Server-time sync: offset from the round-trip midpoint, the shortest round trip wins, slow
// samples are discarded, and a broken clock refuses to sign.
#define BOOST_TEST_MODULE bybit_clock_sync
#include "mmbot/venue/bybit/clock_sync.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

namespace bybit = mmbot::venue::bybit;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(unsynced_until_a_sample_arrives) {
    bybit::clock_sync s;
    BOOST_TEST(!s.offset().has_value());
    BOOST_TEST(s.venue_time_ms(1s).error().code == mmbot::venue::bybit::errc::clock_unsynced);
}

BOOST_AUTO_TEST_CASE(offset_from_the_midpoint) {
    bybit::clock_sync s;
    // Sent at 1000 ms, answered at 1100 ms local; the server said 1300 ms: we are 250 ms behind.
    BOOST_TEST(s.add_sample(1000ms, 1100ms, 1300ms));
    BOOST_TEST(s.offset().value() == 250ms);
    BOOST_TEST(s.venue_time_ms(2000ms).value() == 2250);
}

BOOST_AUTO_TEST_CASE(shortest_round_trip_wins_and_slow_samples_are_dropped) {
    bybit::clock_sync s{{.max_rtt = 500ms, .max_skew = 30s}};
    BOOST_TEST(s.add_sample(0ms, 400ms, 1200ms));  // rtt 400: offset 1000
    BOOST_TEST(s.add_sample(0ms, 100ms, 1100ms));  // rtt 100: offset 1050, better
    BOOST_TEST(s.offset().value() == 1050ms);
    BOOST_TEST(s.add_sample(0ms, 300ms, 0ms));     // rtt 300: worse, ignored
    BOOST_TEST(s.offset().value() == 1050ms);
    BOOST_TEST(!s.add_sample(0ms, 900ms, 0ms));    // rtt beyond max_rtt
    BOOST_TEST(!s.add_sample(100ms, 0ms, 0ms));    // negative rtt: a clock step
    s.start_window();
    BOOST_TEST(s.add_sample(0ms, 400ms, 400ms));   // a new window takes the next sample
    BOOST_TEST(s.offset().value() == 200ms);
}

BOOST_AUTO_TEST_CASE(a_broken_clock_refuses_to_sign) {
    bybit::clock_sync s{{.max_rtt = 1s, .max_skew = 30s}};
    BOOST_TEST(s.add_sample(0ms, 0ms, -45s));
    auto t = s.venue_time_ms(100s);
    BOOST_TEST_REQUIRE(!t.has_value());
    BOOST_TEST(t.error().code == mmbot::venue::bybit::errc::clock_skew);
    BOOST_TEST(t.error().message ==
               "server time: local clock off by -45000 ms, more than the 30000 ms allowed");
}

namespace {
/// A transport whose every call fails like a certificate mismatch, or answers with `body`.
struct scripted_transport {
    std::optional<std::string> body;
    int calls = 0;
    struct answer {
        std::string body;
    };
    mmbot::core::result<answer> send(const bybit::rest_request& r, const void* /*signer*/, std::int64_t /*ms*/) {
        ++calls;
        BOOST_TEST(r.path() == "/v5/market/time");
        if (!body) {
            return mmbot::core::make_error(mmbot::venue::bybit::errc::tls, "localhost:9443: certificate verification failed: "
                                                        "Hostname mismatch");
        }
        return answer{*body};
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(sync_failure_names_the_last_transport_error) {
    bybit::clock_sync s;
    scripted_transport t;
    std::chrono::nanoseconds now{0};
    auto r = bybit::sync_clock(s, t, [&] { return now += 1ms; }, 3);
    BOOST_TEST(t.calls == 3);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::tls);
    BOOST_TEST(r.error().message.find("no usable sample") != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find("certificate verification failed: Hostname mismatch") != std::string::npos,
               r.error().message);

    scripted_transport garbled{std::string("<html>502</html>")};
    auto g = bybit::sync_clock(s, garbled, [&] { return now += 1ms; }, 2);
    BOOST_TEST_REQUIRE(!g.has_value());
    BOOST_TEST(g.error().message.find("market/time answer") != std::string::npos, g.error().message);
}

BOOST_AUTO_TEST_CASE(sync_success_returns_the_offset) {
    bybit::clock_sync s;
    scripted_transport t{std::string(
        R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1","timeNano":"1000000000"},"retExtInfo":{},"time":1000})")};
    std::chrono::nanoseconds now{0};
    auto r = bybit::sync_clock(s, t, [&] { return now += 10ms; }, 1);
    BOOST_TEST_REQUIRE(r.has_value(), r.error().message);
    // sent 10 ms, received 20 ms: midpoint 15 ms, server 1000 ms.
    BOOST_TEST((*r == 1000ms - 15ms));
}

// The periodic resync's judgement (app/venue_clock.hpp): a jump above 500 ms freezes
// (clock_skew), small drift does not; failures count up and the third in a row freezes
// (clock_unsynced); a success resets the count.
BOOST_AUTO_TEST_CASE(resync_assessment) {
    using namespace std::chrono_literals;
    using mmbot::venue::bybit::assess_resync;
    const auto ok = [](std::chrono::nanoseconds o) { return mmbot::core::result<std::chrono::nanoseconds>(o); };
    auto r = assess_resync(100ms, ok(130ms), 0);
    BOOST_TEST(!r.freeze_reason.has_value());
    BOOST_TEST((r.offset == std::optional<std::chrono::nanoseconds>(130ms)));
    BOOST_TEST(r.failures_in_a_row == 0);
    r = assess_resync(100ms, ok(601ms), 2);
    BOOST_TEST((r.freeze_reason == std::optional<std::string_view>("clock_skew")));
    r = assess_resync(100ms, ok(-401ms), 0);
    BOOST_TEST((r.freeze_reason == std::optional<std::string_view>("clock_skew")));
    BOOST_TEST(!assess_resync(100ms, ok(600ms), 0).freeze_reason.has_value());  // exactly 500 ms: kept

    const mmbot::core::result<std::chrono::nanoseconds> failed =
        mmbot::core::make_error(mmbot::venue::bybit::errc::timeout, "no answer");
    r = assess_resync(100ms, failed, 0);
    BOOST_TEST(r.failures_in_a_row == 1);
    BOOST_TEST(!r.offset.has_value());
    BOOST_TEST(r.error == "no answer");
    BOOST_TEST(!r.freeze_reason.has_value());
    r = assess_resync(100ms, failed, 2);
    BOOST_TEST((r.freeze_reason == std::optional<std::string_view>("clock_unsynced")));
}
