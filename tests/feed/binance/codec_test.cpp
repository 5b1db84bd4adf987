// Binance public message decoding: hand-written messages in the shapes Binance documents for USD-M
// futures (and spot, whose captures we also replay), bare and in the combined-stream wrapper, and
// the errors bad input gets.
#define BOOST_TEST_MODULE binance_public_codec
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/binance/capture_line.hpp"
#include "mmbot/feed/binance/public_codec.hpp"

#include <string>
#include <string_view>

using namespace mmbot::feed;
using namespace mmbot::feed::binance;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

price px(std::string_view s) { return price::parse(s).value(); }
quantity qty(std::string_view s) { return quantity::parse(s).value(); }

struct fixture {
    public_codec codec;
    binance_message m;

    event_kind ok(std::string_view text) {
        auto r = codec.decode(text, m);
        BOOST_TEST_REQUIRE(r.has_value(), "unexpected error: " << (r ? "" : r.error().message));
        return *r;
    }
    mmbot::core::error fail(std::string_view text) {
        auto r = codec.decode(text, m);
        BOOST_TEST_REQUIRE(!r.has_value(), "expected an error for " << text);
        return r.error();
    }
};

constexpr std::string_view futures_diff =
    R"({"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,)"
    R"("s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["61800.20","2.507"],["61739.00","0.000"]],)"
    R"("a":[["61800.30","3.330"]]}})";

}  // namespace

BOOST_FIXTURE_TEST_CASE(futures_depth_diff_in_the_combined_wrapper, fixture) {
    BOOST_TEST((ok(futures_diff) == event_kind::depth_diff));
    BOOST_TEST((m.msg.kind == message_kind::book));
    BOOST_TEST(m.msg.book.sym.view() == "BTCUSDT");
    BOOST_TEST((m.msg.book.action == book_action::delta));
    BOOST_TEST(m.ids.first == 157U);
    BOOST_TEST(m.ids.last == 160U);
    BOOST_TEST(m.ids.prev_last.value() == 149U);
    BOOST_TEST(m.msg.book.ts_ms == 1723161256298);  // T, the transaction time
    BOOST_TEST(m.event_ms.value() == 1723161256299);
    BOOST_TEST_REQUIRE(m.msg.book.bids.size() == 2U);
    BOOST_TEST((m.msg.book.bids[0] == level{px("61800.20"), qty("2.507")}));
    BOOST_TEST(m.msg.book.bids[1].qty.is_zero());  // "0.000" deletes the level
    BOOST_TEST((m.msg.book.asks.at(0) == level{px("61800.30"), qty("3.330")}));
}

BOOST_FIXTURE_TEST_CASE(spot_diff_bare_without_pu, fixture) {
    BOOST_TEST((ok(R"({"e":"depthUpdate","E":1,"s":"BTCUSDT","U":10,"u":12,)"
                   R"("b":[["61737.63000000","0.00000000"]],"a":[]})") == event_kind::depth_diff));
    BOOST_TEST(!m.ids.prev_last.has_value());
    BOOST_TEST(m.msg.book.ts_ms == 1);  // no T: the event time
    BOOST_TEST(m.msg.book.asks.empty());
}

BOOST_FIXTURE_TEST_CASE(rest_snapshot_names_no_symbol, fixture) {
    BOOST_TEST((ok(R"({"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,)"
                   R"("bids":[["61800.20","2.909"],["61800.10","0.696"]],"asks":[["61800.30","1.000"]]})") ==
                event_kind::depth_snapshot));
    BOOST_TEST(m.ids.last == 5123107852948U);
    BOOST_TEST((m.msg.book.action == book_action::snapshot));
    BOOST_TEST(m.msg.book.sym.empty());
    BOOST_TEST(m.msg.book.bids.size() == 2U);
    BOOST_TEST(m.msg.book.ts_ms == 1723161256493);
}

BOOST_FIXTURE_TEST_CASE(book_ticker_futures_and_spot, fixture) {
    BOOST_TEST((ok(R"({"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":400900217,)"
                   R"("s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000",)"
                   R"("A":"40.66000000","T":1568014460891,"E":1568014460893}})") ==
                event_kind::book_ticker));
    BOOST_TEST(m.ids.last == 400900217U);
    BOOST_TEST(*m.msg.tick.bid1_price == px("25.3519"));
    BOOST_TEST(*m.msg.tick.ask1_size == qty("40.66"));
    // Spot's bookTicker has no "e": recognised bare by its keys.
    BOOST_TEST((ok(R"({"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000",)"
                   R"("a":"61837.64000000","A":"1.54698000"})") == event_kind::book_ticker));
    BOOST_TEST(m.msg.tick.ts_ms == 0);
    BOOST_TEST(!m.event_ms.has_value());
}

BOOST_FIXTURE_TEST_CASE(trade_and_agg_trade_aggressor_side, fixture) {
    BOOST_TEST((ok(R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,)"
                   R"("T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006",)"
                   R"("X":"MARKET","m":false}})") == event_kind::trades));
    BOOST_TEST_REQUIRE(m.msg.trades.prints.size() == 1U);
    const auto& t = m.msg.trades.prints[0];
    BOOST_TEST((t.side == taker_side::buy));  // m false: the buyer took
    BOOST_TEST(t.id.view() == "5266583935");
    BOOST_TEST(t.px == px("61800.30"));
    BOOST_TEST((ok(R"({"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001",)"
                   R"("q":"100","f":100,"l":105,"T":123456785,"m":true})") == event_kind::trades));
    BOOST_TEST((m.msg.trades.prints[0].side == taker_side::sell));  // m true: the seller took
    BOOST_TEST(m.msg.trades.prints[0].id.view() == "5933014");
}

BOOST_FIXTURE_TEST_CASE(subscription_answers_and_other_events_are_ignored, fixture) {
    BOOST_TEST((ok(R"({"result":null,"id":1})") == event_kind::ignored));
    BOOST_TEST((m.msg.ignored_what == ignored_reason::control));
    BOOST_TEST((ok(R"({"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","s":"BTCUSDT"}})") ==
                event_kind::ignored));
    BOOST_TEST((ok(R"({"e":"kline","s":"BTCUSDT"})") == event_kind::ignored));
}

BOOST_FIXTURE_TEST_CASE(errors_name_the_field, fixture) {
    auto e = fail(R"({"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT",)"
                  R"("U":1,"u":2,"pu":"0","b":[],"a":[]}})");
    BOOST_TEST(e.message.find("data.pu: expected") != std::string::npos, e.message);
    e = fail(R"({"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT",)"
             R"("U":1,"u":2,"b":[["abc","1"]],"a":[]}})");
    BOOST_TEST(e.message.find("data.b[0][0]") != std::string::npos, e.message);
    e = fail(R"({"stream":"ethusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT",)"
             R"("U":1,"u":2,"b":[],"a":[]}})");
    BOOST_TEST(e.message.find("does not match the stream") != std::string::npos, e.message);
    e = fail(R"({"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":2,"b":[],"a":[]})");
    BOOST_TEST(e.message.find("U: first update id 5 is above the last (u) 2") != std::string::npos,
               e.message);
    e = fail(R"({"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"1","q":"1"})");
    BOOST_TEST(e.message == "m: missing field");
    e = fail(R"({"s":"BTCUSDT"})");
    BOOST_TEST(e.message == "e: missing field");
    e = fail(R"([1,2])");
    BOOST_TEST((e.code == mmbot::feed::errc::wrong_type));
    e = fail(R"({"e":)");
    BOOST_TEST((e.code == mmbot::feed::errc::json_syntax));
    e = fail(R"({"e":"trade","T":1,"s":"BTCUSDT","t":1,"p":"0","q":"1","m":true})");
    BOOST_TEST(e.message.find("p: price must be > 0") != std::string::npos, e.message);
}

BOOST_AUTO_TEST_CASE(capture_lines_split_into_time_and_message) {
    auto l = split_capture_line("1723161255030314667 {\"a\":1}\r");
    BOOST_TEST_REQUIRE(l.has_value());
    BOOST_TEST(l->recv_ns == 1723161255030314667);
    BOOST_TEST(l->json == "{\"a\":1}");
    auto bad = split_capture_line("12ab {}");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message == "recv_ns: \"12ab\" is not a non-negative integer");
    BOOST_TEST(!split_capture_line("123").has_value());
    BOOST_TEST(!split_capture_line("-5 {}").has_value());
}
