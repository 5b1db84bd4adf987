// tests/venue/bybit/order_gateway_test.cpp
//
// The Bybit order gateway against a scripted transport: the bytes of each request, how each
// venue answer becomes an engine event, and the safety rules (an unknown create outcome and a
// duplicate orderLinkId are queried, never re-sent blindly; 10006 backs off; a full queue is an
// error). Most cases drive the sender by hand with pump(now) on a fake clock; one runs the
// sender thread.
#define BOOST_TEST_MODULE bybit_order_gateway
#include "mmbot/venue/bybit/order_gateway.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

namespace bybit = mmbot::venue::bybit;
namespace core = mmbot::core;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {

struct fake_response {
    unsigned status = 200;
    std::string body;
    std::optional<bybit::rate_limit_status> limits;
};

struct sent_request {
    bybit::endpoint ep;
    std::string body;
    std::string query;
    std::chrono::milliseconds recv_window{0};
};

/// Answers each request with the next scripted reply; a missing reply is a timeout.
struct scripted_transport {
    std::vector<sent_request> sent;
    std::deque<core::result<fake_response>> replies;

    core::result<fake_response> send(const bybit::rest_request& r, bybit::signer*, std::int64_t) {
        sent.push_back({r.ep, r.body, r.query, r.recv_window});
        if (replies.empty()) return core::make_error(mmbot::venue::bybit::errc::timeout, "scripted: no reply");
        auto out = std::move(replies.front());
        replies.pop_front();
        return out;
    }
    void ok(std::string body) { replies.emplace_back(fake_response{200, std::move(body), {}}); }
    void fail(bybit::errc code) { replies.emplace_back(core::make_error(code, "scripted")); }
    [[nodiscard]] std::size_t count(bybit::endpoint e) const {
        std::size_t n = 0;
        for (const auto& s : sent) n += s.ep == e ? 1U : 0U;
        return n;
    }
};

struct event {
    std::string kind;
    std::string id;
    std::string text;
};

struct recording_sink {
    std::vector<event> events;
    void on_ack(std::string_view id, std::string_view venue_id, ns) {
        events.push_back({"ack", std::string(id), std::string(venue_id)});
    }
    void on_reject(std::string_view id, std::string_view reason, ns) {
        events.push_back({"reject", std::string(id), std::string(reason)});
    }
    void on_cancel(std::string_view id, std::string_view reason, ns) {
        events.push_back({"cancel", std::string(id), std::string(reason)});
    }
    void on_fill(const bybit::execution_record& f) {
        events.push_back({"fill", f.client_order_id,
                          fmt::format("{} {}x{} fee {}", f.exec_id, f.qty.to_string(), f.price.to_string(),
                                      f.fee.to_string())});
    }
    void on_gateway_notice(const bybit::gateway_event& e) {
        events.push_back({std::string(bybit::to_string(e.what)), e.client_order_id, e.text});
    }
};

const ns t0{1'700'000'000'000'000'000};

std::string ok_ids(std::string_view id, std::string_view link) {
    return fmt::format(
        R"({{"retCode":0,"retMsg":"OK","result":{{"orderId":"{}","orderLinkId":"{}"}},"retExtInfo":{{}},"time":1}})",
        id, link);
}
std::string error_body(int code, std::string_view msg) {
    return fmt::format(R"({{"retCode":{},"retMsg":"{}","result":{{}},"retExtInfo":{{}},"time":1}})",
                       code, msg);
}
std::string order_json(std::string_view id, std::string_view link, std::string_view status) {
    return fmt::format(
        R"({{"orderId":"{}","orderLinkId":"{}","symbol":"BTCUSDT","price":"65000.10","qty":"0.001","side":"Buy","orderStatus":"{}","leavesQty":"0.001","cumExecQty":"0","updatedTime":"1701000000123"}})",
        id, link, status);
}
std::string filled_order_json(std::string_view id, std::string_view link, std::string_view status,
                              std::string_view cum) {
    return fmt::format(
        R"({{"orderId":"{}","orderLinkId":"{}","symbol":"BTCUSDT","price":"65000.10","qty":"0.002","side":"Buy","orderStatus":"{}","leavesQty":"0","cumExecQty":"{}","updatedTime":"1701000000123"}})",
        id, link, status, cum);
}
std::string execution_json(std::string_view link, std::string_view exec_id, std::string_view qty,
                           std::string_view type = "Trade") {
    return fmt::format(
        R"({{"symbol":"BTCUSDT","orderId":"oid","orderLinkId":"{}","side":"Buy","execId":"{}","execPrice":"65000.10","execQty":"{}","execFee":"-0.0130002","execType":"{}","execTime":"1701000000456","isMaker":true}})",
        link, exec_id, qty, type);
}
std::string orders_page(const std::vector<std::string>& items, std::string_view cursor = "") {
    std::string list;
    for (const auto& i : items) {
        if (!list.empty()) list += ',';
        list += i;
    }
    return fmt::format(
        R"({{"retCode":0,"retMsg":"OK","result":{{"list":[{}],"nextPageCursor":"{}","category":"linear"}},"retExtInfo":{{}},"time":1}})",
        list, cursor);
}

mmbot::venue::order_request order(std::string_view id, std::string_view price = "65000.10") {
    mmbot::venue::order_request r;
    r.client_order_id = id;
    r.symbol = "BTCUSDT";
    r.side = core::side::buy;
    r.price = core::price::parse(price).value();
    r.qty = core::quantity::parse("0.001").value();
    r.price_digits = 2;
    r.qty_digits = 3;
    return r;
}

using gateway = bybit::order_gateway<scripted_transport>;

bybit::gateway_params params(std::size_t capacity = 64) {
    bybit::gateway_params p;
    p.queue_capacity = capacity;
    return p;
}

gateway make(std::size_t capacity = 64) {
    return gateway{scripted_transport{}, nullptr, params(capacity), [] { return t0; },
                   [](ns) -> core::result<std::int64_t> { return std::int64_t{1'700'000'000'000}; }};
}


/// Pumps until nothing is due; returns the time reached.
ns pump_all(gateway& gw, ns now, int max_rounds = 20) {
    for (int i = 0; i < max_rounds; ++i) {
        auto next = gw.pump(now);
        if (!next) break;
        now = std::max(now, *next);
    }
    return now;
}

}  // namespace

BOOST_AUTO_TEST_CASE(place_cancel_and_cancel_all_send_the_exact_bodies) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(ok_ids("oid-1", "mm-1"));
    t.ok(ok_ids("oid-1", "mm-1"));
    t.ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[{"orderId":"oid-2","orderLinkId":"mm-2"}],"success":"1"},"retExtInfo":{},"time":1})");
    gw.place(order("mm-1"), t0);
    gw.cancel("BTCUSDT", "mm-1", t0);
    gw.cancel_all("BTCUSDT", t0);
    (void)gw.pump(t0);
    BOOST_REQUIRE_EQUAL(t.sent.size(), 3U);
    BOOST_TEST(t.sent[0].body ==
               R"({"symbol":"BTCUSDT","side":"Buy","orderType":"Limit","timeInForce":"PostOnly","orderLinkId":"mm-1","price":"65000.10","category":"linear","qty":"0.001"})");
    BOOST_TEST((t.sent[1].ep == bybit::endpoint::order_cancel));
    BOOST_TEST(t.sent[1].body == R"({"symbol":"BTCUSDT","category":"linear","orderLinkId":"mm-1"})");
    BOOST_TEST((t.sent[2].ep == bybit::endpoint::order_cancel_all));
    BOOST_TEST(t.sent[2].body == R"({"symbol":"BTCUSDT","category":"linear"})");
    // The create is signed with the resolver's short window; the rest keep the signer's.
    BOOST_TEST(t.sent[0].recv_window == std::chrono::milliseconds{2000});
    BOOST_TEST(t.sent[1].recv_window == std::chrono::milliseconds{0});

    recording_sink sink;
    BOOST_TEST(gw.drain(sink) == 3U);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 3U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[0].id == "mm-1");
    BOOST_TEST(sink.events[0].text == "oid-1");
    BOOST_TEST(sink.events[1].kind == "cancel");
    BOOST_TEST(sink.events[1].text == "CancelByUser");
    BOOST_TEST(sink.events[2].kind == "cancel");
    BOOST_TEST(sink.events[2].id == "mm-2");
    BOOST_TEST(gw.drain(sink) == 0U);  // drained once
}

BOOST_AUTO_TEST_CASE(an_off_grid_order_is_rejected_before_anything_is_sent) {
    auto gw = make();
    auto r = gw.submit_place(order("mm-1", "65000.123"), t0);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::request);
    BOOST_TEST(r.error().message.find("65000.123") != std::string::npos);
    gw.place(order("mm-1", "65000.123"), t0);
    (void)gw.pump(t0);
    BOOST_TEST(gw.transport().sent.empty());
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "reject");
    BOOST_TEST(sink.events[0].text == "bybit_request");
}

BOOST_AUTO_TEST_CASE(venue_refusals_map_to_rejects_named_by_ret_code) {
    struct expect {
        int code;
        std::string_view label;
    };
    for (const auto& e : {expect{110007, "bybit_insufficient_balance"},
                          expect{110003, "bybit_price_out_of_range"},
                          expect{10001, "bybit_params"}, expect{10004, "bybit_signature"},
                          expect{99999, "bybit_error"}}) {
        auto gw = make();
        gw.transport().ok(error_body(e.code, "refused"));
        gw.place(order("mm-1"), t0);
        (void)gw.pump(t0);
        recording_sink sink;
        (void)gw.drain(sink);
        BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
        BOOST_TEST(sink.events[0].kind == "reject");
        BOOST_TEST(sink.events[0].text == e.label);
        BOOST_TEST(gw.transport().sent.size() == 1U);  // a refusal is final: no re-send
    }
}

BOOST_AUTO_TEST_CASE(a_timeout_on_create_is_resolved_by_query_never_by_resending) {
    auto gw = make();
    auto& t = gw.transport();
    t.fail(bybit::errc::timeout);
    t.ok(orders_page({}));                                         // not there yet
    t.ok(orders_page({order_json("oid-9", "mm-1", "New")}));      // there
    gw.place(order("mm-1"), t0);
    auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST((*next == t0 + 100ms));
    recording_sink sink;
    BOOST_TEST(gw.drain(sink) == 0U);  // nothing known yet
    next = gw.pump(*next);
    BOOST_REQUIRE(next.has_value());
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 1U);
    BOOST_TEST(t.count(bybit::endpoint::order_realtime) == 2U);
    BOOST_TEST(t.sent[1].query == "symbol=BTCUSDT&category=linear&orderLinkId=mm-1");
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[0].text == "oid-9");
}

BOOST_AUTO_TEST_CASE(a_garbled_5xx_reply_is_an_unknown_outcome_and_is_queried) {
    auto gw = make();
    auto& t = gw.transport();
    t.replies.emplace_back(fake_response{502, "<html>Bad Gateway</html>", {}});
    t.ok(orders_page({order_json("oid-3", "mm-1", "Cancelled")}));
    gw.place(order("mm-1"), t0);
    auto next = gw.pump(t0);
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 1U);
    recording_sink sink;
    (void)gw.drain(sink);
    // The query found it already cancelled (a PostOnly that would have crossed): ack, then cancel.
    BOOST_REQUIRE_EQUAL(sink.events.size(), 2U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[1].kind == "cancel");
    BOOST_TEST(sink.events[1].text == "Cancelled");
}

BOOST_AUTO_TEST_CASE(duplicate_order_link_id_is_resolved_by_query) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(error_body(110072, "OrderLinkedID is duplicate"));
    t.ok(orders_page({order_json("oid-7", "mm-1", "New")}));
    gw.place(order("mm-1"), t0);
    auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 1U);
    BOOST_TEST(t.count(bybit::endpoint::order_realtime) == 1U);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[0].text == "oid-7");
}

BOOST_AUTO_TEST_CASE(not_found_after_the_request_expired_resends_the_same_body) {
    auto gw = make();
    auto& t = gw.transport();
    t.fail(bybit::errc::timeout);
    t.ok(orders_page({}));  // queried after expiry (recv_window 2 s + margin 1 s): truly absent
    t.ok(ok_ids("oid-2", "mm-1"));
    gw.place(order("mm-1"), t0);
    (void)gw.pump(t0);
    auto next = gw.pump(t0 + 7s);  // the query, past expiry -> re-send after backoff
    BOOST_REQUIRE(next.has_value());
    (void)gw.pump(*next);
    BOOST_REQUIRE_EQUAL(t.count(bybit::endpoint::order_create), 2U);
    BOOST_TEST(t.sent[0].body == t.sent[2].body);  // same orderLinkId: a wrong "absent" is harmless
    BOOST_TEST(gw.stats().resends == 1);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "ack");
}

BOOST_AUTO_TEST_CASE(an_unanswerable_create_escalates_instead_of_resending) {
    auto gw = make();
    auto& t = gw.transport();  // no replies: every request times out
    gw.place(order("mm-1"), t0);
    auto now = t0;
    for (int i = 0; i < 20; ++i) {
        auto next = gw.pump(now);
        if (!next) break;
        now = *next;
    }
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 1U);
    BOOST_TEST(gw.stats().unresolved == 1);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "unresolved");
}

BOOST_AUTO_TEST_CASE(not_sent_is_safe_to_resend) {
    auto gw = make();
    auto& t = gw.transport();
    t.fail(bybit::errc::not_sent);
    t.ok(ok_ids("oid-1", "mm-1"));
    gw.place(order("mm-1"), t0);
    auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 2U);
    BOOST_TEST(t.count(bybit::endpoint::order_realtime) == 0U);
}

BOOST_AUTO_TEST_CASE(rate_limit_10006_backs_off_until_the_venue_reset) {
    auto gw = make();
    auto& t = gw.transport();
    // 10006 with headers: nothing left until venue time 1'700'000'000'800 ms (= t0 + 800 ms).
    t.replies.emplace_back(fake_response{
        200, error_body(10006, "Too many visits!"),
        bybit::rate_limit_status{0, 10, std::chrono::milliseconds{1'700'000'000'800}}});
    t.ok(ok_ids("oid-1", "mm-1"));
    gw.place(order("mm-1"), t0);
    auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST((*next == t0 + 100ms));  // the resolver's backoff ...
    next = gw.pump(*next);              // ... but the limiter holds the budget until the reset
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 1U);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST((*next == t0 + 800ms));
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 2U);
    const auto s = gw.stats();
    BOOST_TEST(s.venue_rate_limited == 1);
    BOOST_TEST(s.throttled == 1);
    BOOST_TEST(s.resends == 1);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "ack");
}

BOOST_AUTO_TEST_CASE(the_client_side_limiter_defers_the_eleventh_create_in_a_second) {
    auto gw = make();
    auto& t = gw.transport();
    std::vector<std::string> ids;
    for (int i = 0; i < 11; ++i) {
        ids.push_back(fmt::format("mm-{}", i));
        t.ok(ok_ids(fmt::format("oid-{}", i), ids.back()));
    }
    for (const auto& id : ids) gw.place(order(id), t0);
    auto next = gw.pump(t0);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 10U);  // linear: 10/s
    BOOST_TEST(gw.stats().throttled == 1);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST((*next > t0));
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_create) == 11U);
}

BOOST_AUTO_TEST_CASE(a_full_queue_is_an_error_never_a_silent_drop) {
    auto gw = make(2);
    BOOST_TEST(gw.submit_place(order("mm-1"), t0).has_value());
    BOOST_TEST(gw.submit_place(order("mm-2"), t0).has_value());
    auto r = gw.submit_place(order("mm-3"), t0);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::queue_full);
    BOOST_TEST(r.error().message.find("mm-3") != std::string::npos);
    BOOST_TEST(r.error().message.find("capacity 2") != std::string::npos);
    gw.place(order("mm-4"), t0);               // the venue interface reports it as a reject
    gw.cancel("BTCUSDT", "mm-1", t0);          // and a cancel as a failed cancel
    BOOST_TEST(gw.stats().queue_full == 3);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 2U);
    BOOST_TEST(sink.events[0].kind == "reject");
    BOOST_TEST(sink.events[0].id == "mm-4");
    BOOST_TEST(sink.events[0].text == "bybit_queue_full");
    BOOST_TEST(sink.events[1].kind == "cancel_failed");
    BOOST_TEST(sink.events[1].text == "bybit_queue_full");
}

BOOST_AUTO_TEST_CASE(cancel_of_an_order_not_found_reports_its_final_state) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(error_body(110001, "order not exists or too late to cancel"));
    t.ok(error_body(110001, "order not exists or too late to cancel"));
    t.ok(orders_page({filled_order_json("oid-1", "mm-1", "Filled", "0.002")}));
    t.ok(orders_page({order_json("oid-2", "mm-2", "Cancelled")}));
    // mm-1 closed with fills: they are read back before its final state is reported.
    t.ok(orders_page({execution_json("mm-1", "e-2", "0.001"), execution_json("mm-1", "e-1", "0.001")}));
    gw.cancel("BTCUSDT", "mm-1", t0);
    gw.cancel("BTCUSDT", "mm-2", t0);
    (void)pump_all(gw, t0);
    BOOST_TEST(t.sent.back().query == "symbol=BTCUSDT&category=linear&orderLinkId=mm-1&limit=100");
    BOOST_TEST((t.sent.back().ep == bybit::endpoint::execution_list));
    recording_sink sink;
    (void)gw.drain(sink);
    std::vector<std::string> got;
    for (const auto& e : sink.events) got.push_back(e.kind + ":" + e.id + ":" + e.text);
    const std::vector<std::string> want{
        "cancel:mm-2:Cancelled",
        "fill:mm-1:e-1 0.001x65000.1 fee -0.0130002",  // oldest first
        "fill:mm-1:e-2 0.001x65000.1 fee -0.0130002",
        "filled:mm-1:Filled"};
    BOOST_TEST(got == want, boost::test_tools::per_element());
    BOOST_TEST(gw.stats().executions_read_back == 2);
}

BOOST_AUTO_TEST_CASE(a_partly_filled_cancel_reports_its_fills_first_and_pages_through_them) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(error_body(110001, "order not exists or too late to cancel"));
    t.ok(orders_page({filled_order_json("oid-1", "mm-1", "PartiallyFilledCanceled", "0.002")}));
    // Page 1: a funding row (skipped) and one fill; page 2: the other fill and another order's.
    t.ok(orders_page({execution_json("mm-1", "f-1", "0.001", "Funding"), execution_json("mm-1", "e-2", "0.001")},
                     "c%3D2"));
    t.ok(error_body(10006, "Too many visits!"));  // page 2 refused once: retried
    t.ok(orders_page({execution_json("mm-1", "e-1", "0.001"), execution_json("mm-9", "e-9", "0.001")}));
    gw.cancel("BTCUSDT", "mm-1", t0);
    (void)pump_all(gw, t0);
    BOOST_TEST(t.count(bybit::endpoint::execution_list) == 3U);
    BOOST_TEST(t.sent[3].query == "symbol=BTCUSDT&category=linear&orderLinkId=mm-1&limit=100&cursor=c%3D2");
    recording_sink sink;
    (void)gw.drain(sink);
    std::vector<std::string> got;
    for (const auto& e : sink.events) got.push_back(e.kind + ":" + e.id);
    const std::vector<std::string> want{"fill:mm-1", "fill:mm-1", "cancel:mm-1"};
    BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fills_that_cannot_be_read_leave_the_order_open_and_say_so) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(error_body(110001, "order not exists or too late to cancel"));
    t.ok(orders_page({filled_order_json("oid-1", "mm-1", "Filled", "0.002")}));
    gw.cancel("BTCUSDT", "mm-1", t0);
    (void)pump_all(gw, t0, 40);  // every execution/list attempt times out
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "fills_unrecovered");  // no "filled", no cancel: still open
}

BOOST_AUTO_TEST_CASE(cancels_are_retried_on_rate_limits_and_timeouts) {
    auto gw = make();
    auto& t = gw.transport();
    t.fail(bybit::errc::timeout);
    t.ok(ok_ids("oid-1", "mm-1"));
    gw.cancel("BTCUSDT", "mm-1", t0);
    auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    (void)gw.pump(*next);
    BOOST_TEST(t.count(bybit::endpoint::order_cancel) == 2U);
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "cancel");
}

BOOST_AUTO_TEST_CASE(a_cancel_waits_for_its_create_to_be_resolved) {
    auto gw = make();
    auto& t = gw.transport();
    t.fail(bybit::errc::timeout);
    gw.place(order("mm-1"), t0);
    (void)gw.pump(t0);
    gw.cancel("BTCUSDT", "mm-1", t0 + 1ms);
    t.ok(orders_page({order_json("oid-1", "mm-1", "New")}));
    t.ok(ok_ids("oid-1", "mm-1"));
    auto now = t0 + 1ms;
    for (int i = 0; i < 5; ++i) {
        auto next = gw.pump(now);
        if (!next) break;
        now = *next;
    }
    BOOST_REQUIRE_EQUAL(t.sent.size(), 3U);
    BOOST_TEST((t.sent[1].ep == bybit::endpoint::order_realtime));  // resolved first
    BOOST_TEST((t.sent[2].ep == bybit::endpoint::order_cancel));    // then cancelled
    recording_sink sink;
    (void)gw.drain(sink);
    BOOST_REQUIRE_EQUAL(sink.events.size(), 2U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[1].kind == "cancel");
}

BOOST_AUTO_TEST_CASE(reconcile_cancels_orphans_and_resolves_missing_orders) {
    auto gw = make();
    auto& t = gw.transport();
    // Page 1: mm-a (known) and mm-x (an orphan); page 2: a manual order (no link) and mm-y.
    t.ok(orders_page({order_json("1", "mm-a", "New"), order_json("2", "mm-x", "New")},
                     "page%3D2"));
    t.ok(ok_ids("2", "mm-x"));                                      // cancel mm-x
    t.ok(orders_page({order_json("3", "", "New"), order_json("4", "mm-y", "PartiallyFilled")}));
    t.ok(ok_ids("4", "mm-y"));                                      // cancel mm-y
    t.ok(orders_page({order_json("5", "mm-b", "Cancelled")}));      // query mm-b
    t.ok(orders_page({order_json("6", "mm-c", "Rejected")}));       // query mm-c
    BOOST_REQUIRE(gw.reconcile("BTCUSDT", {"mm-a", "mm-b", "mm-c"}, t0).has_value());
    auto now = t0;
    for (int i = 0; i < 10; ++i) {
        auto next = gw.pump(now);
        if (!next) break;
        now = *next;
    }
    BOOST_REQUIRE_EQUAL(t.sent.size(), 6U);
    BOOST_TEST(t.sent[0].query == "symbol=BTCUSDT&category=linear&limit=50");
    BOOST_TEST(t.sent[1].body == R"({"symbol":"BTCUSDT","category":"linear","orderLinkId":"mm-x"})");
    BOOST_TEST(t.sent[2].query == "symbol=BTCUSDT&category=linear&limit=50&cursor=page%3D2");
    BOOST_TEST(t.sent[3].body == R"({"symbol":"BTCUSDT","category":"linear","orderLinkId":"mm-y"})");
    BOOST_TEST(t.sent[4].query == "symbol=BTCUSDT&category=linear&orderLinkId=mm-b");
    BOOST_TEST(t.sent[5].query == "symbol=BTCUSDT&category=linear&orderLinkId=mm-c");
    const auto s = gw.stats();
    BOOST_TEST(s.orphans_cancelled == 2);
    BOOST_TEST(s.final_states_applied == 2);
    recording_sink sink;
    (void)gw.drain(sink);
    std::vector<std::string> got;
    for (const auto& e : sink.events) got.push_back(e.kind + ":" + e.id);
    const std::vector<std::string> want{"cancel:mm-x", "cancel:mm-y", "cancel:mm-b",
                                        "reject:mm-c", "reconciled:"};
    BOOST_TEST(got == want, boost::test_tools::per_element());
    BOOST_TEST(sink.events.back().text == "venue_open=3 store_open=3 orphans_cancelled=2 queried=2");
}

BOOST_AUTO_TEST_CASE(the_sender_thread_sends_and_the_loop_drains) {
    bybit::gateway_params p;
    p.retry.base_backoff = 1ms;
    scripted_transport st;
    st.fail(bybit::errc::timeout);
    st.ok(orders_page({order_json("oid-1", "mm-1", "New")}));
    gateway gw{std::move(st), nullptr, p,
               [] { return ns{std::chrono::steady_clock::now().time_since_epoch()}; }};
    gw.start();
    const auto now = ns{std::chrono::steady_clock::now().time_since_epoch()};
    gw.place(order("mm-1"), now);
    recording_sink sink;
    for (int i = 0; i < 2000 && sink.events.empty(); ++i) {
        (void)gw.drain(sink);
        std::this_thread::sleep_for(1ms);
    }
    gw.stop();
    BOOST_REQUIRE_EQUAL(sink.events.size(), 1U);
    BOOST_TEST(sink.events[0].kind == "ack");
    BOOST_TEST(sink.events[0].text == "oid-1");
    BOOST_TEST(gw.pending() == 0U);
}

BOOST_AUTO_TEST_CASE(reconcile_reads_back_fills_of_a_partly_filled_open_order) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(orders_page({filled_order_json("1", "mm-a", "PartiallyFilled", "0.001")}));
    t.ok(orders_page({execution_json("mm-a", "e-1", "0.001")}));
    BOOST_REQUIRE(gw.reconcile("BTCUSDT", {"mm-a"}, t0).has_value());
    (void)pump_all(gw, t0);
    recording_sink sink;
    (void)gw.drain(sink);
    std::vector<std::string> got;
    for (const auto& e : sink.events) got.push_back(e.kind + ":" + e.id);
    const std::vector<std::string> want{"fill:mm-a", "reconciled:"};  // the summary waits for it
    BOOST_TEST(got == want, boost::test_tools::per_element());
}
