// Bybit v5 public message decoding: hand-written messages in the shapes Bybit documents, in both
// key orders (linear: topic,type,ts,data; spot: topic,ts,type,data), and the errors bad input gets.
#define BOOST_TEST_MODULE feed_codec
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/bybit_public.hpp"

#include <string>
#include <string_view>

using namespace mmbot::feed;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

price px(std::string_view s) { return price::parse(s).value(); }
quantity qty(std::string_view s) { return quantity::parse(s).value(); }

struct fixture {
    bybit_public_codec codec;
    decoded_message msg;

    message_kind ok(std::string_view text) {
        auto r = codec.decode(text, msg);
        BOOST_TEST_REQUIRE(r.has_value(), "unexpected error: " << (r ? "" : r.error().message));
        return *r;
    }
    mmbot::core::error fail(std::string_view text) {
        auto r = codec.decode(text, msg);
        BOOST_TEST_REQUIRE(!r.has_value(), "expected an error for " << text);
        return r.error();
    }
};

constexpr std::string_view linear_snapshot =
    R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1672304484978,"data":{"s":"BTCUSDT",)"
    R"("b":[["16493.50","0.006"],["16493.00","0.100"]],"a":[["16611.00","0.029"],["16612.00","0.213"]],)"
    R"("u":18521288,"seq":7961638724},"cts":1672304484976})";

// Same content, spot's key order, and the data keys shuffled too.
constexpr std::string_view spot_order_snapshot =
    R"({"topic":"orderbook.50.BTCUSDT","ts":1672304484978,"type":"snapshot","cts":1672304484976,)"
    R"("data":{"u":18521288,"a":[["16611.00","0.029"],["16612.00","0.213"]],"seq":7961638724,)"
    R"("b":[["16493.50","0.006"],["16493.00","0.100"]],"s":"BTCUSDT"}})";

}  // namespace


BOOST_AUTO_TEST_CASE(orderbook_snapshot_linear_order) {
    fixture f;
    BOOST_TEST((f.ok(linear_snapshot) == message_kind::book));
    const book_update& b = f.msg.book;
    BOOST_TEST(b.sym.view() == "BTCUSDT");
    BOOST_TEST(b.depth == 50U);
    BOOST_TEST((b.action == book_action::snapshot));
    BOOST_TEST(b.ts_ms == 1672304484978);
    BOOST_TEST(*b.cts_ms == 1672304484976);
    BOOST_TEST(b.u == 18521288U);
    BOOST_TEST(*b.seq == 7961638724U);
    BOOST_TEST_REQUIRE(b.bids.size() == 2U);
    BOOST_TEST_REQUIRE(b.asks.size() == 2U);
    BOOST_TEST((b.bids[0] == level{px("16493.5"), qty("0.006")}));
    BOOST_TEST((b.bids[1] == level{px("16493"), qty("0.1")}));
    BOOST_TEST((b.asks[1] == level{px("16612"), qty("0.213")}));
    BOOST_TEST(b.bids[0].px.raw() == 1649350000000);  // exact, straight from the string
    BOOST_TEST(*f.msg.ts_ms == 1672304484978);
}

BOOST_AUTO_TEST_CASE(key_order_does_not_matter) {
    fixture f;
    BOOST_TEST((f.ok(linear_snapshot) == message_kind::book));
    const book_update first = f.msg.book;
    BOOST_TEST((f.ok(spot_order_snapshot) == message_kind::book));
    BOOST_TEST(f.msg.book.bids == first.bids);
    BOOST_TEST(f.msg.book.asks == first.asks);
    BOOST_TEST(f.msg.book.u == first.u);
    BOOST_TEST(*f.msg.book.seq == *first.seq);
    BOOST_TEST(*f.msg.book.cts_ms == *first.cts_ms);
}

BOOST_AUTO_TEST_CASE(delta_with_deletes_and_any_depth) {
    fixture f;
    f.ok(R"({"topic":"orderbook.500.XRPUSDT","type":"delta","ts":1733011200693,"data":{"s":"XRPUSDT",)"
       R"("b":[["1.9531","6198"],["1.9529","0"]],"a":[],"u":20254870,"seq":130020239261},"cts":1733011200691})");
    BOOST_TEST(f.msg.book.depth == 500U);
    BOOST_TEST((f.msg.book.action == book_action::delta));
    BOOST_TEST(f.msg.book.bids[1].qty.is_zero());
    BOOST_TEST(f.msg.book.asks.empty());
    f.ok(R"({"topic":"orderbook.1.SOLUSDT","type":"snapshot","ts":1,"data":{"s":"SOLUSDT","b":[["77.26","10"]],)"
       R"("a":[["77.27","3.5"]],"u":1,"seq":2},"cts":0})");
    BOOST_TEST(f.msg.book.depth == 1U);
    BOOST_TEST(f.msg.book.u == 1U);
}

BOOST_AUTO_TEST_CASE(seq_and_cts_are_optional) {
    fixture f;
    f.ok(R"({"topic":"orderbook.200.BTCUSDT","type":"delta","ts":5,"data":{"s":"BTCUSDT","b":[],"a":[],"u":9}})");
    BOOST_TEST(!f.msg.book.seq.has_value());
    BOOST_TEST(!f.msg.book.cts_ms.has_value());
}

BOOST_AUTO_TEST_CASE(reused_buffers_hold_only_the_latest_message) {
    fixture f;
    f.ok(linear_snapshot);
    f.ok(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":2,"data":{"s":"BTCUSDT","b":[["1","2"]],"a":[],"u":3,"seq":4},"cts":1})");
    BOOST_TEST(f.msg.book.bids.size() == 1U);
    BOOST_TEST(f.msg.book.asks.empty());
}

BOOST_AUTO_TEST_CASE(public_trade_linear) {
    fixture f;
    BOOST_TEST((f.ok(R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[)"
                   R"({"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick",)"
                   R"("i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"seq":1783284617},)"
                   R"({"T":1672304486866,"s":"BTCUSDT","S":"Sell","v":"2.5","p":"16578.00","L":"MinusTick",)"
                   R"("i":"20f43950-d8dd-5b31-9112-a178eb6023b0","BT":true,"RPI":false}]})") ==
                message_kind::trades));
    BOOST_TEST(f.msg.trades.ts_ms == 1672304486868);
    BOOST_TEST_REQUIRE(f.msg.trades.prints.size() == 2U);
    const trade& t0 = f.msg.trades.prints[0];
    BOOST_TEST(t0.ts_ms == 1672304486865);
    BOOST_TEST((t0.side == taker_side::buy));
    BOOST_TEST((t0.px == px("16578.5")));
    BOOST_TEST((t0.qty == qty("0.001")));
    BOOST_TEST(t0.id.view() == "20f43950-d8dd-5b31-9112-a178eb6023af");
    BOOST_TEST(!t0.block_trade);
    BOOST_TEST(*t0.seq == 1783284617U);
    const trade& t1 = f.msg.trades.prints[1];
    BOOST_TEST((t1.side == taker_side::sell));
    BOOST_TEST(t1.block_trade);
    BOOST_TEST(!t1.seq.has_value());
}

BOOST_AUTO_TEST_CASE(public_trade_spot_order) {
    fixture f;
    f.ok(R"({"topic":"publicTrade.ETHUSDT","ts":1786310821917,"type":"snapshot","data":[{"i":"2280000001739247417",)"
       R"("T":1786310821917,"p":"1923.28","v":"0.04537","S":"Sell","seq":178477362706,"s":"ETHUSDT","BT":false}]})");
    BOOST_TEST_REQUIRE(f.msg.trades.prints.size() == 1U);
    BOOST_TEST((f.msg.trades.prints[0].qty == qty("0.04537")));
    BOOST_TEST(f.msg.trades.prints[0].id.view() == "2280000001739247417");
}

BOOST_AUTO_TEST_CASE(tickers_snapshot_and_delta) {
    fixture f;
    BOOST_TEST((f.ok(R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick",)"
                   R"("lastPrice":"16597.00","markPrice":"16596.00","indexPrice":"16598.54","fundingRate":"-0.00005",)"
                   R"("bid1Price":"16596.00","bid1Size":"1.577","ask1Price":"16597.50","ask1Size":"0.204",)"
                   R"("preOpenPrice":"","openInterest":"373504107"},"cs":24987956059,"ts":1673272861686})") ==
                message_kind::ticker));
    const ticker& t = f.msg.tick;
    BOOST_TEST(t.sym.view() == "BTCUSDT");
    BOOST_TEST((t.action == book_action::snapshot));
    BOOST_TEST(t.ts_ms == 1673272861686);
    BOOST_TEST((*t.last_price == px("16597")));
    BOOST_TEST((*t.mark_price == px("16596")));
    BOOST_TEST((*t.bid1_size == qty("1.577")));
    BOOST_TEST(t.funding_rate->to_string() == "-0.00005");

    f.ok(R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","bid1Price":"16596.50","lastPrice":""},)"
       R"("cs":24987956060,"ts":1673272861700})");
    BOOST_TEST((f.msg.tick.action == book_action::delta));
    BOOST_TEST((*f.msg.tick.bid1_price == px("16596.5")));
    BOOST_TEST(!f.msg.tick.last_price.has_value());  // "" is Bybit's "no value"
    BOOST_TEST(!f.msg.tick.ask1_price.has_value());  // not in this delta
}

BOOST_AUTO_TEST_CASE(tickers_spot_order) {
    fixture f;
    f.ok(R"({"topic":"tickers.ETHUSDT","ts":1786310819415,"type":"snapshot","cs":178477361130,"data":{"symbol":"ETHUSDT",)"
       R"("lastPrice":"1923.27","highPrice24h":"1927.4","usdIndexPrice":"1922.9"}})");
    BOOST_TEST((*f.msg.tick.last_price == px("1923.27")));
    BOOST_TEST(!f.msg.tick.bid1_price.has_value());
}

BOOST_AUTO_TEST_CASE(control_and_other_topics_are_ignored_not_errors) {
    fixture f;
    BOOST_TEST((f.ok(R"({"success":true,"ret_msg":"","conn_id":"abc","req_id":"","op":"subscribe"})") ==
                message_kind::ignored));
    BOOST_TEST((f.msg.ignored_what == ignored_reason::control));
    f.ok(R"({"success":true,"ret_msg":"pong","conn_id":"465772b1","req_id":"100001","op":"ping"})");
    BOOST_TEST((f.msg.ignored_what == ignored_reason::control));
    f.ok(R"({"req_id":"","op":"pong","args":["1675418560633"],"conn_id":"cfcb4ocsvfriu23r3er0-1b"})");
    BOOST_TEST((f.msg.ignored_what == ignored_reason::control));
    BOOST_TEST((f.ok(R"({"topic":"kline.1.BTCUSDT","data":[{"start":1,"open":"65119.9"}],"ts":1786310818440,"type":"snapshot"})") ==
                message_kind::ignored));
    BOOST_TEST((f.msg.ignored_what == ignored_reason::unsupported_topic));
    f.ok(R"({"topic":"allLiquidation.BTCUSDT","type":"snapshot","ts":1,"data":[]})");
    BOOST_TEST((f.msg.ignored_what == ignored_reason::unsupported_topic));
}

BOOST_AUTO_TEST_CASE(errors_name_the_field_and_the_value) {
    fixture f;
    auto e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT",)"
                  R"("b":[["1","1"],["2","1"],["3","1"],["abc","1"]],"a":[],"u":2,"seq":3}})");
    BOOST_TEST(e.code == mmbot::core::errc::decimal_syntax);
    BOOST_TEST(e.message == R"(data.b[3][0]: price "abc": expected digits before the point)");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[["100","1e5"]],"u":2}})");
    BOOST_TEST(e.code == mmbot::core::errc::decimal_exponent);
    BOOST_TEST(e.message.starts_with(R"(data.a[0][1]: quantity "1e5")"));

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[[65000.5,"1"]],"a":[],"u":2}})");
    BOOST_TEST(e.code == mmbot::feed::errc::wrong_type);
    BOOST_TEST(e.message == "data.b[0][0]: expected a decimal string, got number 65000.5");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[]}})");
    BOOST_TEST(e.code == mmbot::feed::errc::missing_field);
    BOOST_TEST(e.message == "data.u: missing field");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":"1","data":{}})");
    BOOST_TEST(e.message == R"(ts: expected an integer, got string "1")");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["1","2","3"]],"a":[],"u":2}})");
    BOOST_TEST(e.message.starts_with("data.b[0]: expected a [price, size] pair of strings"));

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"ETHUSDT","b":[],"a":[],"u":2}})");
    BOOST_TEST(e.code == mmbot::feed::errc::bad_value);
    BOOST_TEST(e.message == R"(data.s: "ETHUSDT" does not match the topic's symbol "BTCUSDT")");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["0","1"]],"a":[],"u":2}})");
    BOOST_TEST(e.message == R"(data.b[0][0]: price must be > 0, got "0")");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["5","-1"]],"a":[],"u":2}})");
    BOOST_TEST(e.message == R"(data.b[0][1]: size must be >= 0, got "-1")");

    e = f.fail(R"({"topic":"orderbook.x.BTCUSDT","type":"delta","ts":1,"data":{}})");
    BOOST_TEST(e.message == R"(topic: "orderbook.x.BTCUSDT" is not orderbook.<depth>.<symbol>)");

    // A corrupt depth must not size the book (fuzz/corpus/feed_replay/regression_huge_depth).
    e = f.fail(R"({"topic":"orderbook.0000392779859.ETHUSDT","type":"delta","ts":1,"data":{}})");
    BOOST_TEST(e.message ==
               R"(topic: "orderbook.0000392779859.ETHUSDT": depth 392779859 is above the largest Bybit depth 1000)");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"partial","ts":1,"data":{}})");
    BOOST_TEST(e.message == R"(type: "partial" is neither "snapshot" nor "delta")");

    e = f.fail(R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Hold","v":"1","p":"1","i":"x"}]})");
    BOOST_TEST(e.message == R"(data[0].S: "Hold" is neither "Buy" nor "Sell")");

    e = f.fail(R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"1","i":"x"}]})");
    BOOST_TEST(e.message == "data[0].p: missing field");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":-3}})");
    BOOST_TEST(e.message == "data.u: -3 is negative");

    e = f.fail(R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot")");
    BOOST_TEST(e.code == mmbot::feed::errc::json_syntax);
    BOOST_TEST(e.message.starts_with("message: invalid JSON at offset"));

    e = f.fail(R"([1,2])");
    BOOST_TEST(e.message == "message: expected a JSON object, got array [1,2]");

    e = f.fail(R"({"data":{}})");
    BOOST_TEST(e.message == "topic: missing field");

    e = f.fail(R"({"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","markPrice":"1.5.5"}})");
    BOOST_TEST(e.message.starts_with(R"(data.markPrice: price "1.5.5")"));
}

BOOST_AUTO_TEST_CASE(over_long_text_is_refused_not_truncated) {
    fixture f;
    const std::string sym(40, 'X');
    auto e = f.fail(R"({"topic":"orderbook.50.)" + sym + R"(","type":"delta","ts":1,"data":{"s":")" + sym +
                  R"(","b":[],"a":[],"u":2}})");
    BOOST_TEST(e.code == mmbot::feed::errc::bad_value);
    BOOST_TEST(e.message.find("longer than 32 characters") != std::string::npos);
}

