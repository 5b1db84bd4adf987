// tests/app/preflight_binance_test.cpp (part of preflight_test): the preflight's venue checks on
// Binance USD-M (app/trading/binance_preflight.hpp) against a scripted venue answering with
// Binance's response shapes: the same verdicts as Bybit's, from Binance's requests.
#include "mmbot/app/trading/binance_preflight.hpp"

#include <boost/test/unit_test.hpp>

#include <deque>
#include <string>
#include <vector>

namespace app = mmbot::app;
namespace bn = mmbot::venue::binance;
namespace checks = mmbot::app::binance_checks;
using namespace std::chrono_literals;

namespace {

struct bn_reply {
    unsigned status = 200;
    std::string body;
    std::string used_weight_1m;
    std::string retry_after;
};

/// Answers each request with the next scripted (status, body) and remembers what was asked.
struct scripted_binance {
    std::deque<mmbot::core::result<bn_reply>> answers;
    std::vector<std::string> targets;
    std::vector<bool> signed_;
    mmbot::core::result<bn_reply> send(const bn::rest_request& r, bn::signer* s) {
        targets.push_back(r.path == bn::path_open_orders ? std::string(r.path) : r.target());
        signed_.push_back(s != nullptr);
        if (answers.empty()) return mmbot::core::make_error(bn::errc::not_sent, "no scripted answer");
        auto a = std::move(answers.front());
        answers.pop_front();
        return a;
    }
    void answer(std::string body, unsigned status = 200) { answers.emplace_back(bn_reply{status, std::move(body), "1", ""}); }
};
static_assert(bn::rest_sender<scripted_binance>);

std::string exchange_info(std::string_view status = "TRADING", std::string_view tick = "0.10") {
    return fmt::format(R"({{"timezone":"UTC","serverTime":1,"rateLimits":[],"symbols":[{{"symbol":"BTCUSDT","status":"{}",
      "filters":[{{"filterType":"PRICE_FILTER","minPrice":"0.10","maxPrice":"1999999.80","tickSize":"{}"}},
                 {{"filterType":"LOT_SIZE","stepSize":"0.001","maxQty":"1190","minQty":"0.001"}},
                 {{"filterType":"MIN_NOTIONAL","notional":"5"}}]}}]}})",
                       status, tick);
}

std::string open_order(std::string_view client_id) {
    return fmt::format(R"([{{"symbol":"BTCUSDT","clientOrderId":"{}","orderId":42,"side":"BUY","status":"NEW",
      "price":"65000.10","origQty":"0.010","executedQty":"0","updateTime":1}}])",
                       client_id);
}

app::config btc_config() {
    app::config c;
    c.environment = "testnet";
    app::symbol_config s;
    s.filters = mmbot::core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.10", .qty_step = "0.001",
                                            .min_qty = "0.001", .max_qty = "1190", .min_notional = "5",
                                            .min_price = "0.10", .max_price = "1999999.80"})
                    .value();
    s.strategy.order_qty = mmbot::core::quantity::parse("0.010").value();
    s.strategy.max_position = mmbot::core::quantity::parse("1").value();
    s.limits.max_position_qty = mmbot::core::quantity::parse("1").value();
    s.limits.canary_max_inventory_notional = mmbot::core::notional::parse("100000").value();
    s.limits.max_order_notional = mmbot::core::notional::parse("100000").value();
    s.limits.max_position_notional = mmbot::core::notional::parse("100000").value();
    c.symbols.emplace("BTCUSDT", s);
    return c;
}

bn::signer test_signer() {
    using mmbot::secrets::credentials;
    using mmbot::secrets::secret_string;
    return bn::signer::make(credentials{secret_string{std::string_view{"TESTKEY1"}}, secret_string{std::string_view{"TESTSECRET"}}})
        .value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binance_preflight)

BOOST_AUTO_TEST_CASE(clock_from_fapi_time_judged_like_bybits) {
    scripted_binance v;
    v.answer(R"({"serverTime":1000000040})");
    std::chrono::nanoseconds t = 1'000'000'000ms;
    auto ok = checks::check_clock(v, [&] { return t; }, 5000ms);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(ok->find("off by 40 ms (limit 2500 ms") != std::string::npos, *ok);
    BOOST_TEST(v.targets.at(0) == "/fapi/v1/time");
    BOOST_TEST(!v.signed_.at(0));
    v.answer(R"({"serverTime":1000003000})");
    auto skew = checks::check_clock(v, [&] { return t; }, 5000ms);
    BOOST_TEST_REQUIRE(!skew.has_value());
    BOOST_TEST(skew.error().code == app::errc::preflight_clock_skew);
    // A refusal is an error, not a time: HTTP 503 in Binance's shape.
    v.answer(R"({"code":-1001,"msg":"Internal error; unable to process your request. Please try again."})", 503);
    BOOST_TEST(!checks::check_clock(v, [&] { return t; }, 5000ms).has_value());
}

BOOST_AUTO_TEST_CASE(instruments_from_one_exchange_info) {
    const auto cfg = btc_config();
    scripted_binance v;
    v.answer(exchange_info());
    auto ok = checks::check_instruments(v, cfg);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(*ok == "BTCUSDT (config filters, at least as strict as the venue's): Trading");
    BOOST_TEST(v.targets.at(0) == "/fapi/v1/exchangeInfo");

    v.answer(exchange_info("TRADING", "0.50"));  // the bot's 0.10 grid is looser than the venue's
    auto looser = checks::check_instruments(v, cfg);
    BOOST_TEST_REQUIRE(!looser.has_value());
    BOOST_TEST(looser.error().message.find("tick_size") != std::string::npos, looser.error().message);

    v.answer(exchange_info("SETTLING"));
    auto halted = checks::fetch_filters(v, {"BTCUSDT"});
    BOOST_TEST_REQUIRE(!halted.has_value());
    BOOST_TEST(halted.error().code == app::errc::preflight_instrument);
    BOOST_TEST(halted.error().message == "BTCUSDT: status is not TRADING");

    v.answer(exchange_info());
    auto absent = checks::fetch_filters(v, {"ETHUSDT"});
    BOOST_TEST_REQUIRE(!absent.has_value());
    BOOST_TEST(absent.error().code == app::errc::preflight_instrument);
    BOOST_TEST(absent.error().message == "ETHUSDT: the venue does not list it (USD-M exchangeInfo)");

    v.answer(R"({"symbols":[{"symbol":"BTCUSDT","status":"TRADING","filters":[]}]})");
    auto malformed = checks::fetch_filters(v, {"BTCUSDT"});
    BOOST_TEST_REQUIRE(!malformed.has_value());
    BOOST_TEST(malformed.error().message.find("no PRICE_FILTER filter") != std::string::npos, malformed.error().message);
}

BOOST_AUTO_TEST_CASE(open_orders_signed_and_compared_with_the_journal) {
    const auto cfg = btc_config();
    auto sig = test_signer();
    scripted_binance v;
    v.answer(open_order("mm-1"));
    auto ok = checks::check_open_orders(v, sig, 1'700'000'000'000, cfg, {"mm-1"});
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(*ok == "1 open order(s) on the venue, all in the journal");
    BOOST_TEST(v.targets.at(0) == "/fapi/v1/openOrders");
    BOOST_TEST(v.signed_.at(0));

    v.answer(open_order("someone-else"));
    auto unknown = checks::check_open_orders(v, sig, 1'700'000'000'000, cfg, {});
    BOOST_TEST_REQUIRE(!unknown.has_value());
    BOOST_TEST(unknown.error().code == app::errc::preflight_open_orders);
    BOOST_TEST(unknown.error().message.find("someone-else") != std::string::npos, unknown.error().message);

    v.answer("[]");
    auto missing = checks::check_open_orders(v, sig, 1'700'000'000'000, cfg, {"mm-9"});
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().message.find("mm-9") != std::string::npos, missing.error().message);

    v.answer(R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})", 401);
    auto refused = checks::check_open_orders(v, sig, 1'700'000'000'000, cfg, {});
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().code == bn::errc::invalid_key);
}

BOOST_AUTO_TEST_CASE(order_fits_at_the_book_ticker) {
    auto cfg = btc_config();
    scripted_binance v;
    v.answer(R"({"symbol":"BTCUSDT","bidPrice":"65000.00","bidQty":"1","askPrice":"65000.10","askQty":"2","time":1})");
    auto ok = checks::check_order_fits(v, cfg);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(*ok == "BTCUSDT: one order of 0.01 fits at bid 65000 and ask 65000.1");
    BOOST_TEST(v.targets.at(0) == "/fapi/v1/ticker/bookTicker?symbol=BTCUSDT");

    cfg.symbols.at("BTCUSDT").limits.max_order_notional = mmbot::core::notional::parse("100").value();
    v.answer(R"({"symbol":"BTCUSDT","bidPrice":"65000.00","bidQty":"1","askPrice":"65000.10","askQty":"2","time":1})");
    auto too_big = checks::check_order_fits(v, cfg);
    BOOST_TEST_REQUIRE(!too_big.has_value());
    BOOST_TEST(too_big.error().code == app::errc::preflight_cannot_trade);
    BOOST_TEST(too_big.error().message.find("max_order_notional") != std::string::npos, too_big.error().message);

    v.answer(R"({"symbol":"BTCUSDT","bidPrice":"0.00","bidQty":"0","askPrice":"65000.10","askQty":"2","time":1})");
    auto one_sided = checks::check_order_fits(v, cfg);
    BOOST_TEST_REQUIRE(!one_sided.has_value());
    BOOST_TEST(one_sided.error().message.find("bidPrice") != std::string::npos, one_sided.error().message);
}

BOOST_AUTO_TEST_SUITE_END()
