// Binance USD-M signer and request builders against ccxt's binanceusdm, byte for byte: every vector
// in ccxt_vectors.json (tools/ccxt/make_binance_vectors.js, ccxt 4.5.84, pinned nonce) is rebuilt
// from its inputs and its method, path, query, body and signature compared.
#define BOOST_TEST_MODULE binance_requests
#include <boost/test/unit_test.hpp>

#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/signer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace binance = mmbot::venue::binance;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

boost::json::value load_vectors() {
    std::ifstream in("tests/venue/binance/ccxt_vectors.json");
    if (!in) throw std::runtime_error("cannot open tests/venue/binance/ccxt_vectors.json");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return boost::json::parse(text);
}

std::string str(const boost::json::value& v, std::string_view key) {
    const auto* p = v.as_object().if_contains(key);
    return p != nullptr && p->is_string() ? std::string(p->as_string()) : std::string{};
}

int digits_of(std::string_view text) {
    const auto dot = text.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

binance::signer make_signer(const boost::json::value& doc) {
    mmbot::secrets::credentials creds{mmbot::secrets::secret_string{str(doc, "api_key")},
                                      mmbot::secrets::secret_string{str(doc, "secret")}};
    auto s = binance::signer::make(std::move(creds));
    BOOST_TEST_REQUIRE(s.has_value());
    return std::move(*s);
}

/// Builds the request a vector describes, from its inputs only.
binance::rest_request build(const boost::json::value& v, std::int64_t ts, std::chrono::milliseconds w) {
    const std::string kind = str(v, "kind");
    const auto& in = v.as_object().at("inputs");
    binance::rest_request r;
    mmbot::core::result<void> ok;
    const std::string symbol = str(in, "symbol");
    const std::string id = str(in, "client_order_id");
    if (kind == "create") {
        const std::string px = str(in, "price");
        const std::string q = str(in, "qty");
        const mmbot::venue::order_request o{
            .client_order_id = id, .symbol = symbol,
            .side = str(in, "side") == "BUY" ? mmbot::core::side::buy : mmbot::core::side::sell,
            .price = price::parse(px).value(), .qty = quantity::parse(q).value(), .post_only = true,
            .price_digits = digits_of(px), .qty_digits = digits_of(q)};
        ok = binance::write_create(o, ts, w, r);
    } else if (kind == "cancel") {
        ok = binance::write_cancel(symbol, id, ts, w, r);
    } else if (kind == "query") {
        ok = binance::write_query(symbol, id, ts, w, r);
    } else if (kind == "cancel_all") {
        ok = binance::write_cancel_all(symbol, ts, w, r);
    } else if (kind == "open_orders") {
        ok = binance::write_open_orders(symbol, ts, w, r);
    } else if (kind == "listen_key") {
        const std::string m = str(v, "method");
        binance::write_listen_key(m == "POST" ? binance::http_method::post
                                  : m == "PUT" ? binance::http_method::put
                                               : binance::http_method::del, r);
    } else {
        BOOST_FAIL("unknown vector kind " << kind);
    }
    BOOST_TEST_REQUIRE(ok.has_value(), kind << ": " << (ok ? "" : ok.error().message));
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_request_matches_ccxt_byte_for_byte) {
    const auto doc = load_vectors();
    auto s = make_signer(doc);
    const std::int64_t ts = std::stoll(str(doc, "timestamp"));
    const std::chrono::milliseconds window{std::stoll(str(doc, "recv_window"))};
    int checked = 0;
    for (const auto& v : doc.as_object().at("vectors").as_array()) {
        BOOST_TEST_CONTEXT(str(v, "name")) {
            auto r = build(v, ts, window);
            if (r.signed_request) BOOST_TEST_REQUIRE(s.append_signature(r.params).has_value());
            BOOST_TEST(std::string(to_string(r.method)) == str(v, "method"));
            BOOST_TEST(std::string(r.path) == str(v, "path"));
            const std::string query = r.params_in_query() ? r.params : std::string{};
            BOOST_TEST(query == str(v, "query"));
            BOOST_TEST(std::string(r.body()) == str(v, "body"));
            std::map<std::string, std::string> headers;
            s.write_headers([&](std::string_view k, std::string_view val) { headers[std::string(k)] = val; });
            BOOST_TEST(headers["X-MBX-APIKEY"] == str(v.as_object().at("headers"), "X-MBX-APIKEY"));
            ++checked;
        }
    }
    BOOST_TEST(checked == 11);
}

BOOST_AUTO_TEST_CASE(signature_is_hmac_sha256_of_the_text_as_sent) {
    // Binance's own documented example (USD-M "SIGNED Endpoint Examples for POST /fapi/v1/order").
    mmbot::secrets::credentials creds{
        mmbot::secrets::secret_string{std::string("dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83")},
        mmbot::secrets::secret_string{std::string("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9")}};
    auto s = binance::signer::make(std::move(creds)).value();
    const std::string text =
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&"
        "timestamp=1591702613943";
    auto sig = s.sign(text);
    BOOST_TEST_REQUIRE(sig.has_value());
    BOOST_TEST(std::string(sig->data(), sig->size()) ==
               "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    BOOST_TEST(s.verify(text, std::string(sig->data(), sig->size())));
    BOOST_TEST(!s.verify(text + "&x=1", std::string(sig->data(), sig->size())));
}

BOOST_AUTO_TEST_CASE(bad_requests_name_the_field) {
    binance::rest_request r;
    const std::chrono::milliseconds w{5000};
    mmbot::venue::order_request o{.client_order_id = "mm-1", .symbol = "BTCUSDT",
                                  .price = price::parse("65000.15").value(),
                                  .qty = quantity::parse("0.001").value(), .price_digits = 1,
                                  .qty_digits = 3};
    auto e = binance::write_create(o, 1, w, r);
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message == "price: 65000.15 does not fit the instrument's 1 fraction digits");
    o.price = price::parse("65000.1").value();
    o.client_order_id = "mm 1";
    e = binance::write_create(o, 1, w, r);
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message.find("newClientOrderId: \"mm 1\" has a character outside") == 0U);
    o.client_order_id = "0123456789012345678901234567890123456";  // 37
    BOOST_TEST(!binance::write_create(o, 1, w, r).has_value());
    o.client_order_id = "mm:a/b";
    BOOST_TEST_REQUIRE(binance::write_create(o, 1, w, r).has_value());
    BOOST_TEST(r.params.find("newClientOrderId=mm%3Aa%2Fb&") != std::string::npos);
    e = binance::write_cancel_all("btcusdt", 1, w, r);
    BOOST_TEST((e.error().code == binance::errc::request));
    e = binance::write_cancel_all("BTCUSDT", 1, std::chrono::milliseconds{60001}, r);
    BOOST_TEST((e.error().code == binance::errc::recv_window));
}

BOOST_AUTO_TEST_CASE(credentials_are_checked_and_never_quoted) {
    mmbot::secrets::credentials bad{mmbot::secrets::secret_string{std::string("abc$def")},
                                    mmbot::secrets::secret_string{std::string("s3cr3t")}};
    auto e = binance::signer::make(std::move(bad));
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message == "api_key: character at position 3 is not [A-Za-z0-9]");
    // What a diagnostic may show of a good signer: the key masked, never the secret.
    mmbot::secrets::credentials good{
        mmbot::secrets::secret_string{std::string("vmPUZE6mv9SD5VNHk4HlWFsOr6aKcdef")},
        mmbot::secrets::secret_string{std::string("s3cr3t")}};
    auto s = binance::signer::make(std::move(good), std::chrono::milliseconds{2000}).value();
    BOOST_TEST(s.masked_api_key() == "****cdef");
    BOOST_TEST(s.key_matches("vmPUZE6mv9SD5VNHk4HlWFsOr6aKcdef"));
    BOOST_TEST(!s.key_matches("vmPUZE6mv9SD5VNHk4HlWFsOr6aKcdeX"));
    BOOST_TEST(s.recv_window().count() == 2000);
    mmbot::secrets::credentials empty{};
    BOOST_TEST((binance::signer::make(std::move(empty)).error().code == binance::errc::credentials));
}
