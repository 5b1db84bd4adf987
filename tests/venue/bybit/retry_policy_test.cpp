// tests/venue/bybit/retry_policy_test.cpp
//
// The create resolver: every path from a create attempt to ack, reject, a safe re-send or an
// escalation, and the rule that an unknown outcome is only ever resolved by querying.
#define BOOST_TEST_MODULE bybit_retry_policy
#include "mmbot/venue/bybit/retry_policy.hpp"

#include <boost/test/unit_test.hpp>

namespace bybit = mmbot::venue::bybit;
using namespace std::chrono_literals;
using action = bybit::decision::action;
using bybit::create_result;
using bybit::query_result;

namespace {
const auto t0 = std::chrono::nanoseconds{1'700'000'000'000'000'000};
}

BOOST_AUTO_TEST_CASE(accepted_is_acked) {
    bybit::create_resolver r{{}, t0};
    const auto d = r.on_create(create_result::accepted("1321"), t0 + 5ms);
    BOOST_TEST((d.next == action::acked));
    BOOST_TEST(d.order_id == "1321");
}

BOOST_AUTO_TEST_CASE(a_timeout_is_resolved_by_query_never_by_resending) {
    bybit::create_resolver r{{}, t0};
    auto d = r.on_create(create_result::timeout(), t0 + 300ms);
    BOOST_TEST((d.next == action::query));
    BOOST_TEST(d.after == 100ms);
    BOOST_TEST(d.reason == "create_timeout");
    // Not found while the original could still arrive: query again, with backoff.
    d = r.on_query(query_result::not_found(), t0 + 400ms);
    BOOST_TEST((d.next == action::query));
    BOOST_TEST(d.after == 200ms);
    BOOST_TEST(d.reason == "create_pending");
    d = r.on_query(query_result::found("777"), t0 + 600ms);
    BOOST_TEST((d.next == action::acked));
    BOOST_TEST(d.order_id == "777");
}

BOOST_AUTO_TEST_CASE(not_found_after_expiry_allows_a_resend) {
    bybit::create_resolver r{{}, t0};
    BOOST_TEST((r.on_create(create_result::timeout(), t0 + 2s).next == action::query));
    // The create's 2 s recv_window plus the 1 s skew margin.
    BOOST_TEST(r.expiry() == t0 + 3s);
    auto d = r.on_query(query_result::not_found(), t0 + 3s);  // not yet past expiry
    BOOST_TEST((d.next == action::query));
    BOOST_TEST(d.after == 1ms);  // the settling query goes just after expiry
    d = r.on_query(query_result::not_found(), t0 + 3s + 1ns);
    BOOST_TEST((d.next == action::send));
    BOOST_TEST(d.reason == "create_not_found");
    BOOST_TEST(d.after == 100ms);
    // The re-send carries a fresh timestamp: its own expiry starts again.
    BOOST_TEST(r.expiry() == t0 + 3s + 1ns + 100ms + 3s);
}

// The query that settles a lost create goes right after expiry, not on the backoff grid (which
// would have put it 110 ms later here, and up to max_backoff later in general): a create whose
// answer was lost is unknown for about recv_window + skew_margin, which is what
// risk.max_unanswered_ms has to cover.
BOOST_AUTO_TEST_CASE(the_settling_query_goes_just_after_expiry) {
    bybit::create_resolver r{{}, t0};
    auto d = r.on_create(create_result::timeout(), t0 + 10ms);
    auto at = t0 + 10ms + d.after;
    while (at <= r.expiry()) {
        d = r.on_query(query_result::not_found(), at);
        BOOST_TEST_REQUIRE((d.next == action::query));
        BOOST_TEST(d.after <= 2s);
        at += d.after;
    }
    BOOST_TEST((at == r.expiry() + 1ms));
    BOOST_TEST(r.queries() == 4);  // at 110, 310, 710 and 1510 ms; the fifth settles it
    d = r.on_query(query_result::not_found(), at);
    BOOST_TEST((d.next == action::send));
}

// A window given in the parameters is the one the resolver waits out.
BOOST_AUTO_TEST_CASE(the_expiry_follows_the_configured_window) {
    bybit::create_resolver r{bybit::retry_params{.recv_window = 5s}, t0};
    BOOST_TEST(r.expiry() == t0 + 6s);
}

BOOST_AUTO_TEST_CASE(unknown_venue_outcomes_are_queried) {
    for (const auto code : {bybit::errc::duplicate_order_link_id, bybit::errc::server_timeout,
                            bybit::errc::server_error}) {
        const std::string_view label = error_label(code);
        bybit::create_resolver r{{}, t0};
        const auto d = r.on_create(bybit::venue_error(code), t0 + 1ms);
        BOOST_TEST((d.next == action::query), label);
        BOOST_TEST(d.reason == label);
    }
}

BOOST_AUTO_TEST_CASE(gateway_refusals_are_resent_with_backoff_then_rejected) {
    bybit::create_resolver r{{.max_sends = 3}, t0};
    auto d = r.on_create(bybit::venue_error(bybit::errc::rate_limit), t0);
    BOOST_TEST((d.next == action::send));
    BOOST_TEST(d.after == 100ms);
    d = r.on_create(bybit::venue_error(bybit::errc::timestamp), t0 + 100ms);
    BOOST_TEST((d.next == action::send));
    BOOST_TEST(d.after == 200ms);
    d = r.on_create(create_result::not_sent(), t0 + 300ms);
    BOOST_TEST((d.next == action::rejected));
    BOOST_TEST(d.reason == "create_not_sent");
    BOOST_TEST(r.sends() == 3);
}

BOOST_AUTO_TEST_CASE(definitive_refusals_are_rejected_at_once) {
    for (const auto code : {bybit::errc::params, bybit::errc::insufficient_balance,
                            bybit::errc::signature, bybit::errc::invalid_key,
                            bybit::errc::unclassified}) {
        const std::string_view label = error_label(code);
        bybit::create_resolver r{{}, t0};
        const auto d = r.on_create(bybit::venue_error(code), t0);
        BOOST_TEST((d.next == action::rejected), label);
        BOOST_TEST(d.reason == label);
    }
}

BOOST_AUTO_TEST_CASE(failing_queries_escalate_and_never_resend) {
    bybit::create_resolver r{{.max_queries = 4}, t0};
    auto d = r.on_create(create_result::timeout(), t0);
    std::chrono::nanoseconds now = t0;
    int queries = 0;
    while (d.next == action::query) {
        now += d.after;
        ++queries;
        d = r.on_query(query_result::failed(), now + 10s);  // long past expiry, still never a send
        BOOST_TEST((d.next != action::send));
    }
    BOOST_TEST((d.next == action::escalate));
    BOOST_TEST(d.reason == "query_failed");
    BOOST_TEST(queries == 4);
    BOOST_TEST(r.sends() == 1);
}

BOOST_AUTO_TEST_CASE(backoff_is_capped) {
    bybit::create_resolver r{{.max_queries = 20}, t0};
    auto d = r.on_create(create_result::timeout(), t0);
    std::chrono::nanoseconds last{0};
    for (int i = 0; i < 10; ++i) {
        last = d.after;
        d = r.on_query(query_result::failed(), t0);
    }
    BOOST_TEST(last == 2s);
}

BOOST_AUTO_TEST_CASE(retry_backoff_doubles_per_earlier_attempt_up_to_the_cap) {
    const bybit::retry_params p;  // 100 ms doubling to 2 s
    using std::chrono::milliseconds;
    BOOST_TEST((bybit::retry_backoff(p, 0) == milliseconds(100)));
    BOOST_TEST((bybit::retry_backoff(p, 1) == milliseconds(100)));
    BOOST_TEST((bybit::retry_backoff(p, 2) == milliseconds(200)));
    BOOST_TEST((bybit::retry_backoff(p, 5) == milliseconds(1600)));
    BOOST_TEST((bybit::retry_backoff(p, 6) == milliseconds(2000)));
    BOOST_TEST((bybit::retry_backoff(p, 1000) == milliseconds(2000)));
}
