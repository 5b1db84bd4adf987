// tests/local_venue/market_test.cpp
//
// The local venue's public market answers (market_api.hpp, issue 14): market/orderbook,
// market/tickers and market/recent-trade from the replayed market (market_state.hpp), every
// category Bybit has accepted (ccxt's market loader asks for inverse and option), numbers printed
// at the instrument's scale, the replay pass's numbering, and the refusals naming the parameter.
#define BOOST_TEST_MODULE local_venue_market
#include "testing/local_venue/depth_views.hpp"
#include "testing/local_venue/market_state.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

using namespace venue_test;  // NOLINT(google-build-using-namespace): the shared harness

namespace {

mmbot::feed::trade print(std::string_view id, std::string_view px, std::string_view qty, std::uint64_t seq) {
    mmbot::feed::trade t;
    (void)t.sym.assign("BTCUSDT");
    (void)t.id.assign(id);
    t.side = mmbot::feed::taker_side::sell;
    t.px = mmbot::core::price::parse(px).value();
    t.qty = mmbot::core::quantity::parse(qty).value();
    t.seq = seq;
    return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(orderbook_gives_the_top_levels_at_the_instrument_scale) {
    harness h;
    book_fixture b;
    h.core.market.on_book(b.book, {});
    auto r = result_of(h.get("/v5/market/orderbook?category=linear&symbol=BTCUSDT", false));
    BOOST_TEST(r.at("s").as_string() == "BTCUSDT");
    // "1.5" recorded, printed with the 0.001 step's three decimals; the 0.10 tick's two.
    BOOST_TEST(boost::json::serialize(r.at("b")) == R"([["65000.00","1.500"],["64999.90","2.000"]])");
    BOOST_TEST(boost::json::serialize(r.at("a")) == R"([["65000.10","0.500"],["65000.20","3.000"]])");
    BOOST_TEST(r.at("u").to_number<std::uint64_t>() == 1U);
    BOOST_TEST(r.at("ts").as_int64() == t0_ms);
    r = result_of(h.get("/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=1", false));
    BOOST_TEST(r.at("b").as_array().size() == 1U);

    // A later pass of --loop numbers the book past every earlier pass's ids.
    h.core.market.on_book(b.book, local::replay_pass{.pass = 2, .max_u = 9, .max_seq = 99});
    r = result_of(h.get("/v5/market/orderbook?category=linear&symbol=BTCUSDT", false));
    BOOST_TEST(r.at("u").to_number<std::uint64_t>() == 21U);
    BOOST_TEST(r.at("seq").to_number<std::uint64_t>() == 201U);

    BOOST_TEST(refusal(h.get("/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=1001", false)) ==
               R"(10001 params error: limit: expected an integer in 1..1000, got "1001")");
    BOOST_TEST(refusal(h.get("/v5/market/orderbook?category=linear&symbol=DOGEUSDT", false)) ==
               R"(10001 params error: symbol: "DOGEUSDT" is not listed for linear)");
    BOOST_TEST(refusal(h.get("/v5/market/orderbook?category=inverse&symbol=BTCUSD", false)) ==
               R"(10001 params error: symbol: "BTCUSD" is not listed for inverse)");
    BOOST_TEST(refusal(h.get("/v5/market/orderbook?category=futures&symbol=BTCUSDT", false)) ==
               R"(10001 params error: category: expected spot, linear, inverse or option, got "futures")");
    BOOST_TEST(refusal(h.get("/v5/market/orderbook?category=linear", false)) == "10001 params error: symbol: missing");
}

BOOST_AUTO_TEST_CASE(spot_orderbook_defaults_to_one_level) {
    auto list = local::default_instruments();
    auto spot = list.front();
    spot.category = bybit::category::spot;
    list.push_back(spot);
    local::exchange_options o;
    o.instruments = list;
    harness h{std::move(o)};
    book_fixture b;
    h.core.market.on_book(b.book, {});
    const auto r = result_of(h.get("/v5/market/orderbook?category=spot&symbol=BTCUSDT", false));
    BOOST_TEST(r.at("b").as_array().size() == 1U);
    BOOST_TEST(r.at("a").as_array().size() == 1U);
}

BOOST_AUTO_TEST_CASE(tickers_carry_the_capture_ticker_and_the_last_trade) {
    harness h;
    book_fixture b;
    h.core.market.on_book(b.book, {});
    mmbot::feed::ticker t;
    (void)t.sym.assign("BTCUSDT");
    t.mark_price = mmbot::core::price::parse("65000.05").value();
    t.index_price = mmbot::core::price::parse("65000.1").value();
    t.last_price = mmbot::core::price::parse("64999.9").value();
    t.funding_rate = mmbot::core::ratio::parse("0.0001").value();
    h.core.market.on_ticker(t);
    mmbot::feed::ticker delta;  // a delta changes only what it carries
    (void)delta.sym.assign("BTCUSDT");
    delta.action = mmbot::feed::book_action::delta;
    delta.mark_price = mmbot::core::price::parse("65000.2").value();
    h.core.market.on_ticker(delta);
    h.core.market.on_trade(print("t-1", "65000.1", "0.25", 7), {}, t0_ms);

    const auto r = result_of(h.get("/v5/market/tickers?category=linear&symbol=BTCUSDT", false));
    BOOST_TEST(r.at("category").as_string() == "linear");
    const auto row = r.at("list").at(0).as_object();
    BOOST_TEST(row.at("lastPrice").as_string() == "65000.10");  // the last trade's
    BOOST_TEST(row.at("markPrice").as_string() == "65000.20");
    BOOST_TEST(row.at("indexPrice").as_string() == "65000.10");
    BOOST_TEST(row.at("bid1Price").as_string() == "65000.00");
    BOOST_TEST(row.at("bid1Size").as_string() == "1.500");
    BOOST_TEST(row.at("fundingRate").as_string() == "0.0001");
    BOOST_TEST(row.at("volume24h").as_string() == "");  // what a capture cannot say
    // Another category lists only its own instruments: no spot is listed here.
    BOOST_TEST(result_of(h.get("/v5/market/tickers?category=spot", false)).at("list").as_array().empty());
    BOOST_TEST(refusal(h.get("/v5/market/tickers?category=linear&symbol=NOPE", false)) ==
               R"(10001 params error: symbol: "NOPE" is not listed for linear)");
}

BOOST_AUTO_TEST_CASE(recent_trades_newest_first_stamped_and_numbered_by_the_pass) {
    harness h;
    h.core.market.on_trade(print("t-1", "65000.1", "0.25", 7), {}, t0_ms);
    h.core.market.on_trade(print("t-2", "65000", "1", 8), local::replay_pass{.pass = 1, .max_u = 0, .max_seq = 99},
                           t0_ms + 5);
    const auto r = result_of(h.get("/v5/market/recent-trade?category=linear&symbol=BTCUSDT", false));
    const auto& list = r.at("list").as_array();
    BOOST_TEST_REQUIRE(list.size() == 2U);
    BOOST_TEST(boost::json::serialize(list.at(0)) ==
               R"({"execId":"t-2-1","symbol":"BTCUSDT","price":"65000.00","size":"1.000","side":"Sell","time":"1786310400005","isBlockTrade":false,"isRPITrade":false,"seq":"108"})");
    BOOST_TEST(list.at(1).at("execId").as_string() == "t-1");
    BOOST_TEST(result_of(h.get("/v5/market/recent-trade?category=linear&symbol=BTCUSDT&limit=1", false))
                   .at("list").as_array().size() == 1U);
    BOOST_TEST(refusal(h.get("/v5/market/recent-trade?category=linear&symbol=BTCUSDT&limit=0", false)) ==
               R"(10001 params error: limit: expected an integer in 1..1000, got "0")");
}

// ccxt's market loader asks for every category (and PreLaunch instruments): answered, empty.
BOOST_AUTO_TEST_CASE(instruments_info_answers_every_bybit_category) {
    harness h;
    for (const std::string_view c : {"inverse", "option"}) {
        const auto r = result_of(h.get(std::string("/v5/market/instruments-info?category=") + std::string(c) + "&limit=1000",
                                       false));
        BOOST_TEST(r.at("category").as_string() == c);
        BOOST_TEST(r.at("list").as_array().empty());
    }
    BOOST_TEST(result_of(h.get("/v5/market/instruments-info?category=linear&status=PreLaunch", false))
                   .at("list").as_array().empty());
    BOOST_TEST(result_of(h.get("/v5/market/instruments-info?category=linear&baseCoin=ETH", false))
                   .at("list").as_array().size() == 1U);
    BOOST_TEST(refusal(h.get("/v5/market/instruments-info?category=linear&limit=5000", false)) ==
               R"(10001 params error: limit: expected an integer in 1..1000, got "5000")");
}

// Books the venue builds itself (snapshots for new subscribers, derived depths) print like the
// recorded ones: with the instrument's decimals.
BOOST_AUTO_TEST_CASE(built_book_messages_print_at_the_instrument_scale) {
    book_fixture b;
    local::depth_views views;
    const std::string snap = views.subscribe(b.book, "BTCUSDT", 1, {2, 3}, t0_ms);
    BOOST_TEST(snap.find(R"("b":[["65000.00","1.500"]],"a":[["65000.10","0.500"]])") != std::string::npos, snap);
}
