// tests/venue/bybit/requests_test.cpp
//
// Request bodies and query strings against ccxt's for the same inputs (byte for byte), signed
// end to end, plus every refusal of the builders.
#define BOOST_TEST_MODULE bybit_requests
#include "mmbot/venue/bybit/requests.hpp"

#include "mmbot/core/filters.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include "vectors.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

namespace bybit = mmbot::venue::bybit;
using bybit::test::str;
using mmbot::core::price;
using mmbot::core::quantity;
using mmbot::venue::order_request;

namespace {

bybit::category category_of(const boost::json::value& in) {
    return str(in, "category") == "spot" ? bybit::category::spot : bybit::category::linear;
}

/// Strings the order_request views point into live here.
struct order_inputs {
    std::deque<std::string> text;
    order_request from(const boost::json::value& in) {
        order_request r;
        r.symbol = text.emplace_back(str(in, "symbol"));
        r.client_order_id = text.emplace_back(str(in, "order_link_id"));
        r.side = str(in, "side") == "Buy" ? mmbot::core::side::buy : mmbot::core::side::sell;
        const std::string px = str(in, "price");
        const std::string qty = str(in, "qty");
        r.price = price::parse(px).value();
        r.qty = quantity::parse(qty).value();
        r.price_digits = mmbot::core::detail::written_fraction_digits(px);
        r.qty_digits = mmbot::core::detail::written_fraction_digits(qty);
        return r;
    }
};

bybit::rest_request build(const boost::json::value& v, order_inputs& keep) {
    const auto& in = v.at("inputs");
    const std::string kind = str(v, "kind");
    bybit::rest_request req;
    mmbot::core::result<void> ok;
    if (kind == "create") {
        ok = bybit::write_create(category_of(in), keep.from(in), req);
    } else if (kind == "create_batch") {
        std::vector<order_request> orders;
        for (const auto& o : in.at("orders").as_array()) orders.push_back(keep.from(o));
        ok = bybit::write_create_batch(category_of(in), orders, req);
    } else if (kind == "cancel") {
        ok = bybit::write_cancel(category_of(in), str(in, "symbol"), str(in, "order_link_id"), req);
    } else if (kind == "cancel_all") {
        ok = bybit::write_cancel_all(category_of(in), str(in, "symbol"), req);
    } else if (kind == "realtime") {
        ok = bybit::write_open_orders(category_of(in), str(in, "symbol"), str(in, "cursor"), req,
                                      std::stoi(str(in, "limit")));
    } else if (kind == "realtime_link") {
        ok = bybit::write_order_by_link_id(category_of(in), str(in, "symbol"),
                                           str(in, "order_link_id"), req);
    } else {
        BOOST_FAIL("unknown vector kind " << kind);
    }
    BOOST_TEST_REQUIRE(ok.has_value(), (ok ? std::string() : ok.error().message));
    return req;
}

order_request linear_order() {
    order_request r;
    r.symbol = "BTCUSDT";
    r.client_order_id = "mm-1";
    r.side = mmbot::core::side::buy;
    r.price = price::parse("65000.1").value();
    r.qty = quantity::parse("0.001").value();
    r.price_digits = 2;
    r.qty_digits = 3;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bodies_queries_and_signatures_equal_ccxt) {
    const auto doc = bybit::test::load_vectors();
    auto signer = bybit::signer::make(
                      mmbot::secrets::credentials{
                          mmbot::secrets::secret_string{str(doc, "api_key")},
                          mmbot::secrets::secret_string{str(doc, "secret")}},
                      std::chrono::milliseconds{5000})
                      .value();
    const std::int64_t ts = std::stoll(str(doc, "timestamp"));
    int checked = 0;
    for (const auto& v : doc.at("vectors").as_array()) {
        if (str(v, "kind") == "ws_auth") continue;
        order_inputs keep;
        const auto req = build(v, keep);
        BOOST_TEST_CONTEXT(str(v, "name")) {
            BOOST_TEST(req.path() == str(v, "path"));
            BOOST_TEST((req.method() == bybit::http_method::get ? "GET" : "POST") ==
                       str(v, "method"));
            BOOST_TEST(req.body == str(v, "body"));
            BOOST_TEST(req.query == str(v, "query"));
            BOOST_TEST(signer.sign_rest(ts, req.payload()).value().sign() ==
                       str(v.at("headers"), "X-BAPI-SIGN"));
        }
        ++checked;
    }
    BOOST_TEST(checked == 12);
}

BOOST_AUTO_TEST_CASE(prices_print_with_the_instruments_digits) {
    // Intended difference from ccxt (which prints "65000.1"): the tick's own digits.
    bybit::rest_request req;
    BOOST_TEST_REQUIRE(bybit::write_create(bybit::category::linear, linear_order(), req).has_value());
    BOOST_TEST(req.body ==
               R"({"symbol":"BTCUSDT","side":"Buy","orderType":"Limit","timeInForce":"PostOnly",)"
               R"("orderLinkId":"mm-1","price":"65000.10","category":"linear","qty":"0.001"})");
    BOOST_TEST(req.target() == "/v5/order/create");

    auto gtc = linear_order();
    gtc.post_only = false;
    BOOST_TEST_REQUIRE(bybit::write_create(bybit::category::linear, gtc, req).has_value());
    BOOST_TEST(req.body.find(R"("timeInForce":"GTC")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(builders_reuse_their_buffers) {
    bybit::rest_request req;
    BOOST_TEST_REQUIRE(bybit::write_create(bybit::category::linear, linear_order(), req).has_value());
    const auto* data = req.body.data();
    BOOST_TEST_REQUIRE(bybit::write_create(bybit::category::linear, linear_order(), req).has_value());
    BOOST_TEST(static_cast<const void*>(req.body.data()) == static_cast<const void*>(data));
}

BOOST_AUTO_TEST_CASE(off_grid_and_bad_identifiers_are_refused) {
    bybit::rest_request req;
    auto r = linear_order();
    r.price = price::parse("65000.125").value();
    auto e = bybit::write_create(bybit::category::linear, r, req);
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().code == mmbot::venue::bybit::errc::request);
    BOOST_TEST(e.error().message == "price: 65000.125 does not fit the instrument's 2 fraction digits");

    r = linear_order();
    r.qty = quantity{};
    e = bybit::write_create(bybit::category::linear, r, req);
    BOOST_TEST(e.error().message == "qty: must be > 0, got 0");

    r = linear_order();
    r.client_order_id = "has space";
    e = bybit::write_create(bybit::category::linear, r, req);
    BOOST_TEST(e.error().message == "orderLinkId: character 3 not allowed, got \"has space\"");

    r.client_order_id = "0123456789012345678901234567890123456";  // 37
    e = bybit::write_create(bybit::category::linear, r, req);
    BOOST_TEST(e.error().message.starts_with("orderLinkId: longer than 36 characters"));

    r = linear_order();
    r.symbol = "";
    BOOST_TEST(bybit::write_create(bybit::category::linear, r, req).error().message ==
               "symbol: must not be empty");
    BOOST_TEST(bybit::write_cancel(bybit::category::linear, "BTC\"USDT", "x", req).error().message ==
               "symbol: character 3 not allowed, got \"BTC\"USDT\"");
    BOOST_TEST(bybit::write_open_orders(bybit::category::linear, "BTCUSDT", "a&b", req)
                   .error()
                   .message == "cursor: character 1 not allowed, got \"a&b\"");
    BOOST_TEST(bybit::write_open_orders(bybit::category::linear, "BTCUSDT", "", req, 51)
                   .error()
                   .message == "limit: must be in 1..50, got 51");
}

BOOST_AUTO_TEST_CASE(batches_hold_one_to_ten_orders_and_name_the_bad_item) {
    bybit::rest_request req;
    std::vector<order_request> orders;
    BOOST_TEST(bybit::write_create_batch(bybit::category::linear, orders, req).error().message ==
               "request: a batch holds 1..10 orders, got 0");
    orders.assign(11, linear_order());
    BOOST_TEST(bybit::write_create_batch(bybit::category::linear, orders, req).error().message ==
               "request: a batch holds 1..10 orders, got 11");
    orders.assign(3, linear_order());
    orders[2].price_digits = 0;
    BOOST_TEST(bybit::write_create_batch(bybit::category::linear, orders, req).error().message ==
               "request[2].price: 65000.1 does not fit the instrument's 0 fraction digits");
}

BOOST_AUTO_TEST_CASE(public_market_requests) {
    bybit::rest_request req;
    bybit::write_server_time(req);
    BOOST_TEST(req.target() == "/v5/market/time");
    BOOST_TEST(!bybit::is_signed(req.ep));
    BOOST_TEST_REQUIRE(
        bybit::write_instruments(bybit::category::linear, "BTCUSDT", "", req).has_value());
    BOOST_TEST(req.target() == "/v5/market/instruments-info?category=linear&symbol=BTCUSDT");
    BOOST_TEST_REQUIRE(bybit::write_instruments(bybit::category::spot, "", "abc%3D", req).has_value());
    BOOST_TEST(req.target() == "/v5/market/instruments-info?category=spot&cursor=abc%3D");
    BOOST_TEST(bybit::is_signed(bybit::endpoint::order_realtime));
}
