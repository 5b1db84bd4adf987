// The Binance order gateway (part of protocol_test): the venue-neutral gateway over Binance's
// protocol against a scripted transport. The requests as they go (stamped when sent), how each
// answer becomes an engine event, and the create rule with Binance's codes: -5022 is final, a
// timestamp refusal is re-sent, a lost answer is resolved by querying the client id, a cancel of an
// order that is gone asks what it became and reads its fills back by orderId; the weight budget
// holds requests after a 429.
#include <boost/test/unit_test.hpp>

#include "mmbot/venue/binance/listen_key.hpp"
#include "mmbot/venue/binance/order_gateway.hpp"

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace binance = mmbot::venue::binance;
namespace core = mmbot::core;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {

constexpr std::int64_t venue_ms = 1'700'000'000'000;
const ns t0{std::chrono::milliseconds{venue_ms}};

struct fake_answer {
    unsigned status = 200;
    std::string body;
    std::string used_weight_1m;
    std::string retry_after;
};

struct sent {
    binance::http_method method;
    std::string path;
    std::string params;
};

/// Answers each request with the next scripted answer; none left is a timeout.
struct scripted_transport {
    std::vector<sent> log;
    std::deque<core::result<fake_answer>> answers;

    core::result<fake_answer> send(const binance::rest_request& r, binance::signer*) {
        log.push_back({r.method, std::string(r.path), r.params});
        if (answers.empty()) return core::make_error(binance::errc::timeout, "scripted: no answer");
        auto a = std::move(answers.front());
        answers.pop_front();
        return a;
    }
    void ok(std::string body) { answers.emplace_back(fake_answer{200, std::move(body), "3", ""}); }
    void refuse(unsigned status, int code, std::string_view msg, std::string retry_after = "") {
        answers.emplace_back(fake_answer{status, fmt::format(R"({{"code":{},"msg":"{}"}})", code, msg), "", std::move(retry_after)});
    }
};

struct recording_sink {
    std::vector<std::string> events;
    void on_ack(std::string_view id, std::string_view venue_id, ns) { events.push_back(fmt::format("ack {} {}", id, venue_id)); }
    void on_reject(std::string_view id, std::string_view why, ns) { events.push_back(fmt::format("reject {} {}", id, why)); }
    void on_cancel(std::string_view id, std::string_view why, ns) { events.push_back(fmt::format("cancel {} {}", id, why)); }
    void on_fill(const mmbot::venue::execution_record& f) {
        events.push_back(fmt::format("fill {} {} {}x{} fee {} maker {}", f.client_order_id, f.exec_id, f.qty.to_string(),
                                     f.price.to_string(), f.fee.to_string(), f.is_maker));
    }
    void on_gateway_notice(const binance::gateway_event& e) {
        events.push_back(fmt::format("{} {} {}", mmbot::venue::to_string(e.what), e.client_order_id, e.text));
    }
};

std::string order_json(std::string_view id, std::string_view status, std::string_view executed = "0") {
    return fmt::format(R"({{"orderId":{},"symbol":"BTCUSDT","status":"{}","clientOrderId":"{}","price":"65000.10",)"
                       R"("avgPrice":"0","origQty":"0.002","executedQty":"{}","cumQuote":"0","timeInForce":"GTX",)"
                       R"("type":"LIMIT","reduceOnly":false,"side":"BUY","positionSide":"BOTH","updateTime":1700000000100}})",
                       id == "mm-1" ? 101 : 202, status, id, executed);
}

mmbot::venue::order_request order(std::string_view id) {
    mmbot::venue::order_request r;
    r.client_order_id = id;
    r.symbol = "BTCUSDT";
    r.side = core::side::buy;
    r.price = core::price::parse("65000.1").value();
    r.qty = core::quantity::parse("0.002").value();
    r.price_digits = 1;
    r.qty_digits = 3;
    return r;
}

using gateway = binance::order_gateway<scripted_transport>;

gateway make(std::size_t capacity = 64) {
    binance::gateway_params p;
    p.queue_capacity = capacity;
    return gateway{scripted_transport{}, nullptr, p, [] { return t0; },
                   [](ns now) -> core::result<std::int64_t> {
                       return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
                   }};
}

ns pump_all(gateway& gw, ns now, int rounds = 30) {
    for (int i = 0; i < rounds; ++i) {
        auto next = gw.pump(now);
        if (!next) break;
        now = std::max(now, *next);
    }
    return now;
}

std::vector<std::string> drain(gateway& gw) {
    recording_sink sink;
    (void)gw.drain(sink);
    return sink.events;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gateway_sends_binance_requests_stamped_when_sent) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok(order_json("mm-1", "NEW"));
    t.ok(order_json("mm-1", "CANCELED"));
    t.ok(R"({"code":200,"msg":"The operation of cancel all open order is done."})");
    gw.place(order("mm-1"), t0);
    gw.cancel("BTCUSDT", "mm-1", t0);
    gw.cancel_all("BTCUSDT", t0);
    (void)gw.pump(t0 + 7ms);
    BOOST_REQUIRE_EQUAL(t.log.size(), 3U);
    BOOST_TEST(t.log[0].path == "/fapi/v1/order");
    BOOST_TEST((t.log[0].method == binance::http_method::post));
    BOOST_TEST(t.log[0].params ==
               "timestamp=1700000000007&symbol=BTCUSDT&side=BUY&newClientOrderId=mm-1&newOrderRespType=RESULT"
               "&type=LIMIT&quantity=0.002&price=65000.1&timeInForce=GTX&recvWindow=2000");
    BOOST_TEST((t.log[1].method == binance::http_method::del));
    BOOST_TEST(t.log[1].params ==
               "timestamp=1700000000007&symbol=BTCUSDT&origClientOrderId=mm-1&recvWindow=5000");
    BOOST_TEST(t.log[2].path == "/fapi/v1/allOpenOrders");
    // Cancel-all names no order: its cancels arrive on the user data stream.
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"ack mm-1 101", "cancel mm-1 CANCELED"}));
    // The metric's headroom: the weight limit less the last X-MBX-USED-WEIGHT-1M (3).
    BOOST_TEST((gw.protocol().weight_remaining() == std::optional<std::int64_t>(2400 - 3)));
}

BOOST_AUTO_TEST_CASE(weight_headroom_is_unknown_until_an_answer_says) {
    auto gw = make();
    BOOST_TEST(!gw.protocol().weight_remaining().has_value());
    gw.transport().answers.emplace_back(fake_answer{200, order_json("mm-1", "NEW"), "", ""});  // no header
    gw.place(order("mm-1"), t0);
    (void)gw.pump(t0);
    BOOST_TEST(!gw.protocol().weight_remaining().has_value());
}

BOOST_AUTO_TEST_CASE(a_post_only_that_would_take_is_rejected_once) {
    auto gw = make();
    auto& t = gw.transport();
    t.refuse(400, -5022, "Due to the order could not be executed as maker, the Post Only order will be rejected.");
    gw.place(order("mm-1"), t0);
    (void)pump_all(gw, t0);
    BOOST_TEST(t.log.size() == 1U);
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"reject mm-1 binance_post_only_would_take"}));
    BOOST_TEST(gw.stats().resends == 0);
}

BOOST_AUTO_TEST_CASE(a_timestamp_refusal_is_resent_with_the_same_id_and_a_fresh_stamp) {
    auto gw = make();
    auto& t = gw.transport();
    t.refuse(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    t.ok(order_json("mm-1", "NEW"));
    gw.place(order("mm-1"), t0);
    (void)pump_all(gw, t0);
    BOOST_REQUIRE_EQUAL(t.log.size(), 2U);
    BOOST_TEST(t.log[1].params.starts_with("timestamp=1700000000100&symbol=BTCUSDT&side=BUY&newClientOrderId=mm-1&"));
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"ack mm-1 101"}));
    BOOST_TEST(gw.stats().resends == 1);
}

BOOST_AUTO_TEST_CASE(a_lost_answer_is_resolved_by_querying_the_client_id) {
    auto gw = make();
    auto& t = gw.transport();
    t.answers.emplace_back(core::make_error(binance::errc::timeout, "read timed out"));
    t.refuse(400, -2013, "Order does not exist.");  // not there yet: ask again, do not re-send
    t.ok(order_json("mm-1", "NEW"));
    gw.place(order("mm-1"), t0);
    (void)pump_all(gw, t0);
    BOOST_REQUIRE_EQUAL(t.log.size(), 3U);
    BOOST_TEST((t.log[1].method == binance::http_method::get));
    BOOST_TEST(t.log[1].path == "/fapi/v1/order");
    BOOST_TEST(t.log[1].params.find("origClientOrderId=mm-1") != std::string::npos);
    BOOST_TEST((t.log[2].method == binance::http_method::get));
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"ack mm-1 101"}));
    BOOST_TEST(gw.stats().creates_sent == 1);
}

BOOST_AUTO_TEST_CASE(a_server_error_on_create_is_never_resent_blindly) {
    auto gw = make();
    auto& t = gw.transport();
    t.refuse(503, -1001, "Internal error; unable to process your request. Please try again.");
    t.ok(order_json("mm-1", "NEW"));
    gw.place(order("mm-1"), t0);
    (void)pump_all(gw, t0);
    BOOST_REQUIRE_EQUAL(t.log.size(), 2U);
    BOOST_TEST((t.log[1].method == binance::http_method::get));  // a query, not a second create
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"ack mm-1 101"}));
}

BOOST_AUTO_TEST_CASE(a_cancel_of_a_filled_order_reads_its_fills_back_by_order_id) {
    auto gw = make();
    auto& t = gw.transport();
    t.refuse(400, -2011, "Unknown order sent.");
    t.ok(order_json("mm-1", "FILLED", "0.002"));
    t.ok(R"([{"buyer":true,"commission":"-0.00260000","commissionAsset":"USDT","id":771,"maker":true,"orderId":101,)"
         R"("price":"65000.10","qty":"0.002","quoteQty":"130.0002","realizedPnl":"0","side":"BUY","positionSide":"BOTH",)"
         R"("symbol":"BTCUSDT","time":1700000000200}])");
    gw.cancel("BTCUSDT", "mm-1", t0);
    (void)pump_all(gw, t0);
    BOOST_REQUIRE_EQUAL(t.log.size(), 3U);
    BOOST_TEST(t.log[2].path == "/fapi/v1/userTrades");
    BOOST_TEST(t.log[2].params.find("&orderId=101&") != std::string::npos);
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"fill mm-1 771 0.002x65000.1 fee -0.0026 maker true",
                                                      "filled mm-1 FILLED"}));
}

BOOST_AUTO_TEST_CASE(reconcile_cancels_orphans_and_settles_what_the_venue_closed) {
    auto gw = make();
    auto& t = gw.transport();
    t.ok("[" + order_json("orphan-9", "NEW") + "]");
    t.ok(order_json("orphan-9", "CANCELED"));
    t.ok(order_json("mm-1", "CANCELED"));
    BOOST_REQUIRE(gw.reconcile("BTCUSDT", {"mm-1"}, t0).has_value());
    (void)pump_all(gw, t0);
    BOOST_REQUIRE_EQUAL(t.log.size(), 3U);
    BOOST_TEST(t.log[0].path == "/fapi/v1/openOrders");
    BOOST_TEST((t.log[1].method == binance::http_method::del));
    BOOST_TEST((t.log[2].method == binance::http_method::get));
    const auto events = drain(gw);
    BOOST_REQUIRE_EQUAL(events.size(), 3U);
    BOOST_TEST(events[0] == "cancel orphan-9 CANCELED");
    BOOST_TEST(events[1] == "cancel mm-1 CANCELED");
    BOOST_TEST(events[2] == "reconciled  venue_open=1 store_open=1 orphans_cancelled=1 queried=1");
}

BOOST_AUTO_TEST_CASE(a_429_holds_every_request_for_its_retry_after) {
    auto gw = make();
    auto& t = gw.transport();
    t.refuse(429, -1003, "Too many requests; current limit is 2400 requests per minute.", "30");
    t.ok(order_json("mm-1", "CANCELED"));
    gw.cancel("BTCUSDT", "mm-1", t0);
    const auto next = gw.pump(t0);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST(t.log.size() == 1U);
    BOOST_TEST(gw.stats().venue_rate_limited == 1);
    // The retry's backoff is due long before the venue's 30 s: the budget holds it until then.
    BOOST_TEST((gw.pump(*next).value_or(ns{0}) >= t0 + 30s));
    BOOST_TEST(t.log.size() == 1U);
    (void)gw.pump(t0 + 30s);
    BOOST_TEST(t.log.size() == 2U);
    BOOST_TEST(drain(gw) == (std::vector<std::string>{"cancel mm-1 CANCELED"}));
}

BOOST_AUTO_TEST_CASE(a_full_queue_and_a_bad_order_are_refused_before_sending) {
    auto gw = make(1);
    gw.place(order("mm-1"), t0);
    auto full = gw.submit_place(order("mm-2"), t0);
    BOOST_REQUIRE(!full);
    BOOST_TEST((full.error().code == binance::errc::queue_full));
    auto bad = order("bad id!");
    auto refused = make().submit_place(bad, t0);
    BOOST_REQUIRE(!refused);
    BOOST_TEST((refused.error().code == binance::errc::request));
}

BOOST_AUTO_TEST_CASE(the_listen_key_is_made_kept_alive_and_made_anew) {
    binance::listen_key_keeper keeper{30min, 5s};
    scripted_transport t;
    const auto key = [](char c) { return fmt::format(R"({{"listenKey":"{}"}})", std::string(60, c)); };
    t.ok(key('a'));
    auto made = binance::keep_listen_key(keeper, t, nullptr, t0);
    BOOST_REQUIRE(made.has_value());
    BOOST_REQUIRE(made->has_value());
    BOOST_TEST(**made == std::string(60, 'a'));
    BOOST_TEST((t.log.back().method == binance::http_method::post));
    BOOST_TEST(t.log.back().path == "/fapi/v1/listenKey");
    BOOST_TEST(t.log.back().params.empty());  // the api key header only

    // Nothing due until the keep-alive, which keeps the same key (no new key reported).
    BOOST_TEST(!keeper.due(t0 + 29min).has_value());
    t.ok(key('a'));
    auto kept = binance::keep_listen_key(keeper, t, nullptr, t0 + 30min);
    BOOST_REQUIRE(kept.has_value());
    BOOST_TEST(!kept->has_value());
    BOOST_TEST((t.log.back().method == binance::http_method::put));

    // A keep-alive the venue no longer knows: the key is forgotten, and after the retry pause a new one is made.
    t.refuse(400, -1125, "This listenKey does not exist.");
    auto gone = binance::keep_listen_key(keeper, t, nullptr, t0 + 60min);
    BOOST_REQUIRE(!gone);
    BOOST_TEST(gone.error().message == "HTTP 400, code -1125: This listenKey does not exist.");
    BOOST_TEST(!keeper.due(t0 + 60min + 1s).has_value());
    BOOST_TEST((keeper.due(t0 + 60min + 5s) == binance::http_method::post));
    t.ok(key('b'));
    auto fresh = binance::keep_listen_key(keeper, t, nullptr, t0 + 60min + 5s);
    BOOST_REQUIRE(fresh.has_value() && fresh->has_value());
    BOOST_TEST(**fresh == std::string(60, 'b'));
    BOOST_TEST(keeper.keys_made() == 2U);

    // The stream said listenKeyExpired: the next step makes a new key.
    keeper.expired();
    BOOST_TEST((keeper.due(t0 + 61min) == binance::http_method::post));
}
