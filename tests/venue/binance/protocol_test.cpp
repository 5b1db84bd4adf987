// Binance USD-M protocol pieces without I/O: error-code classification (HTTP 429/418 first, then
// the body's code), exchangeInfo filters into core::instrument_filters with PERCENT_PRICE beside
// them, and the request-weight budget from X-MBX-USED-WEIGHT-1M and Retry-After.
#define BOOST_TEST_MODULE binance_protocol
#include <boost/test/unit_test.hpp>

#include "mmbot/venue/binance/error_codes.hpp"
#include "mmbot/venue/binance/exchange_info.hpp"
#include "mmbot/venue/binance/request_weight.hpp"
#include "mmbot/venue/clock_sync.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace binance = mmbot::venue::binance;
using binance::errc;
using mmbot::core::price;

BOOST_AUTO_TEST_CASE(refusals_are_classified) {
    BOOST_TEST((binance::classify(400, -1021).error == errc::timestamp));
    BOOST_TEST(binance::classify(400, -1021).retryable);
    BOOST_TEST((binance::classify(400, -2011).error == errc::order_not_found));
    BOOST_TEST((binance::classify(400, -5022).error == errc::post_only_would_take));
    BOOST_TEST(!binance::classify(400, -5022).retryable);
    BOOST_TEST((binance::classify(429, -1003).error == errc::rate_limit));
    BOOST_TEST((binance::classify(418, std::nullopt).error == errc::ip_banned));
    BOOST_TEST((binance::classify(503, std::nullopt).error == errc::server_error));
    BOOST_TEST((binance::classify(502, -9999).error == errc::server_error));
    BOOST_TEST((binance::classify(400, -9999).error == errc::unclassified));
    BOOST_TEST(!binance::classify(400, -9999).retryable);
    BOOST_TEST(binance::error_label(errc::unclassified) == "binance_error");
    BOOST_TEST(binance::error_label(errc::post_only_would_take) == "binance_post_only_would_take");
}

namespace {
// Trimmed from the shape Binance documents for GET /fapi/v1/exchangeInfo.
constexpr const char* exchange_info = R"({
  "timezone":"UTC","serverTime":1565246363776,
  "rateLimits":[
    {"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"},
    {"interval":"MINUTE","intervalNum":1,"limit":1200,"rateLimitType":"ORDERS"},
    {"interval":"SECOND","intervalNum":10,"limit":300,"rateLimitType":"ORDERS"}],
  "symbols":[
    {"symbol":"ETHUSDT","status":"TRADING","filters":[]},
    {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING",
     "pricePrecision":2,"quantityPrecision":3,
     "filters":[
       {"filterType":"PRICE_FILTER","minPrice":"556.80","maxPrice":"4529764","tickSize":"0.10"},
       {"filterType":"LOT_SIZE","stepSize":"0.001","maxQty":"1000","minQty":"0.001"},
       {"filterType":"MARKET_LOT_SIZE","stepSize":"0.001","maxQty":"120","minQty":"0.001"},
       {"filterType":"MAX_NUM_ORDERS","limit":200},
       {"filterType":"MIN_NOTIONAL","notional":"100"},
       {"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":"4"}],
     "orderTypes":["LIMIT","MARKET"],"timeInForce":["GTC","IOC","FOK","GTX","GTD"]}]})";
}  // namespace

BOOST_AUTO_TEST_CASE(exchange_info_fills_the_common_filters) {
    const auto doc = boost::json::parse(exchange_info);
    auto rules = binance::parse_symbol_rules(doc.as_object(), "BTCUSDT");
    BOOST_TEST_REQUIRE(rules.has_value(), (rules ? "" : rules.error().message));
    BOOST_TEST(rules->trading);
    BOOST_TEST(rules->filters.tick_size == price::parse("0.1").value());
    BOOST_TEST(rules->filters.price_digits == 2);  // "0.10": prices print with two digits
    BOOST_TEST(rules->filters.qty_digits == 3);
    BOOST_TEST(rules->filters.min_notional.to_string() == "100");
    BOOST_TEST(rules->weight_per_minute == 2400U);
    BOOST_TEST(rules->orders_per_minute == 1200U);
    BOOST_TEST_REQUIRE(rules->band.has_value());
    const auto mark = price::parse("60000").value();
    BOOST_TEST(binance::within_band(*rules->band, price::parse("63000").value(), mark));
    BOOST_TEST(!binance::within_band(*rules->band, price::parse("63000.1").value(), mark));
    BOOST_TEST(binance::within_band(*rules->band, price::parse("57000").value(), mark));
    BOOST_TEST(!binance::within_band(*rules->band, price::parse("56999.9").value(), mark));
}

BOOST_AUTO_TEST_CASE(exchange_info_errors_name_the_path) {
    const auto doc = boost::json::parse(exchange_info);
    auto e = binance::parse_symbol_rules(doc.as_object(), "ETHUSDT");
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message == "symbols[0].filters: no PRICE_FILTER filter");
    e = binance::parse_symbol_rules(doc.as_object(), "SOLUSDT");
    BOOST_TEST(e.error().message == "symbols: no symbol \"SOLUSDT\"");
    const auto broken = boost::json::parse(
        R"({"symbols":[{"symbol":"BTCUSDT","status":"TRADING","filters":[{"filterType":"PRICE_FILTER","minPrice":"1","maxPrice":"2"}]}]})");
    e = binance::parse_symbol_rules(broken.as_object(), "BTCUSDT");
    BOOST_TEST(e.error().message == "symbols[0].filters[0].tickSize: missing field");
    BOOST_TEST((e.error().code == errc::missing_field));
    // Listed or not, whatever the row holds; a malformed list lists nothing.
    BOOST_TEST(binance::lists_symbol(doc.as_object(), "ETHUSDT"));
    BOOST_TEST(!binance::lists_symbol(doc.as_object(), "SOLUSDT"));
    BOOST_TEST(!binance::lists_symbol(boost::json::parse(R"({"symbols":{}})").as_object(), "BTCUSDT"));
    BOOST_TEST(!binance::lists_symbol(boost::json::parse(R"({"symbols":[1,{"symbol":2}]})").as_object(), "BTCUSDT"));
}

BOOST_AUTO_TEST_CASE(the_clock_sync_speaks_binance_codes) {
    using namespace std::chrono_literals;
    mmbot::venue::basic_clock_sync<errc> sync;
    auto none = sync.venue_time_ms(1s);
    BOOST_TEST_REQUIRE(!none.has_value());
    BOOST_TEST((none.error().code == errc::clock_unsynced));
    BOOST_TEST(error_label(errc::clock_unsynced) == "binance_clock_unsynced");
    // Three samples, one too slow (2 s round trip): the shortest round trip's midpoint wins.
    std::vector<std::chrono::nanoseconds> clock{0ms, 10ms, 20ms, 2020ms, 3000ms, 3004ms, 4000ms};
    std::size_t i = 0;
    const auto now = [&] { return clock.at(i++); };
    std::vector<mmbot::core::result<std::chrono::nanoseconds>> server{std::chrono::nanoseconds{1005ms}, std::chrono::nanoseconds{1500ms}, std::chrono::nanoseconds{4002ms}};
    std::size_t k = 0;
    auto offset = mmbot::venue::sample_clock(sync, [&] { return server.at(k++); }, now, 3, "/fapi/v1/time");
    BOOST_TEST_REQUIRE(offset.has_value(), offset.error().message);
    BOOST_TEST(offset->count() == std::chrono::nanoseconds(1000ms).count());  // 4002 - (3000 + 3004) / 2
    mmbot::venue::basic_clock_sync<errc> far{{.max_rtt = 1s, .max_skew = 30s}};
    BOOST_TEST(far.add_sample(0ms, 10ms, 60s));
    auto skew = far.venue_time_ms(20ms);
    BOOST_TEST_REQUIRE(!skew.has_value());
    BOOST_TEST((skew.error().code == errc::clock_skew));
}

BOOST_AUTO_TEST_CASE(weight_budget_follows_the_venue) {
    using namespace std::chrono;
    binance::request_weight w(2400, 200);
    const nanoseconds t0 = minutes{1000};
    BOOST_TEST(w.may_send(t0, 1));
    BOOST_TEST_REQUIRE(w.on_response(t0, 200, "2199", "").has_value());
    BOOST_TEST(w.may_send(t0, 1));    // 2199 + 1 + 200 reserve = 2400
    BOOST_TEST(!w.may_send(t0, 2));
    BOOST_TEST(w.may_send(t0 + minutes{1}, 5));  // a new minute: the venue's count restarts
    BOOST_TEST_REQUIRE(w.on_response(t0 + seconds{10}, 429, "2400", "7").has_value());
    BOOST_TEST(!w.may_send(t0 + seconds{16}, 1));
    BOOST_TEST(w.may_send(t0 + seconds{17} + minutes{1}, 1));
    BOOST_TEST_REQUIRE(w.on_response(t0, 418, "", "").has_value());  // no Retry-After: 120 s
    BOOST_TEST((w.blocked_until() == t0 + seconds{120}));
    auto e = w.on_response(t0, 200, "12x", "");
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message == "X-MBX-USED-WEIGHT-1M: \"12x\" is not a non-negative integer");
}
