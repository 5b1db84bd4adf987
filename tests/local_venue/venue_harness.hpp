// tests/local_venue/venue_harness.hpp
//
// What the local venue's unit tests share: a venue_core with fixed credentials and a clock the
// test moves, requests built and signed by mmbot's own client (bybit::requests, bybit::signer)
// and sent through handle_rest, a book to trade against (best bid 65000.00, best ask 65000.10),
// and the private pushes decoded by bybit::private_stream.
//
//   venue_test::harness h;
//   venue_test::book_fixture b;
//   h.core.ex.on_book(b.book, h.now());
//   auto a = h.send(venue_test::create(venue_test::order("q-1", side::buy, "64000.00")));
#pragma once

#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "testing/local_venue/rest_api.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace venue_test {

namespace bybit = mmbot::venue::bybit;
namespace local = mmbot::venue::local;

inline constexpr std::string_view key = "LOCALKEY1";
inline constexpr std::string_view secret = "LOCALSECRET1";
inline constexpr std::int64_t t0_ms = 1'786'310'400'000;

inline bybit::signer make_signer(std::string_view k = key, std::string_view s = secret) {
    return bybit::signer::make(mmbot::secrets::credentials{mmbot::secrets::secret_string{std::string(k)},
                                                           mmbot::secrets::secret_string{std::string(s)}})
        .value();
}

struct harness {
    local::venue_core core;
    bybit::signer client = make_signer();
    std::int64_t now_ms = t0_ms;

    explicit harness(local::exchange_options o = {}) : core{std::move(o), make_signer(), true, 7} {}

    [[nodiscard]] std::chrono::nanoseconds now() const { return std::chrono::milliseconds{now_ms}; }

    local::rest_answer send(const bybit::rest_request& req, std::int64_t sign_ms = 0,
                            bybit::signer* s = nullptr, bool forced = false) {
        header_map headers;
        if (bybit::is_signed(req.ep)) {
            sign_into(headers, s != nullptr ? *s : client, sign_ms != 0 ? sign_ms : now_ms, req.payload());
        }
        return call(req.method() == bybit::http_method::get ? "GET" : "POST", req.target(), req.body, headers, forced);
    }

    /// A replayed book: to the matching engine and to what the market answers read.
    void on_book(const mmbot::feed::l2_book& book) {
        core.ex.on_book(book, now());
        core.market.on_book(book, {});
    }

    /// A GET of any path the venue serves, its query as written, signed when `sign`.
    local::rest_answer get(std::string_view target, bool sign = true) {
        header_map headers;
        const auto q = target.find('?');
        if (sign) sign_into(headers, client, now_ms, q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
        return call("GET", target, "", headers, false);
    }

private:
    using header_map = std::map<std::string, std::string, std::less<>>;

    static void sign_into(header_map& headers, bybit::signer& s, std::int64_t ms, std::string_view payload) {
        s.write_headers(s.sign_rest(ms, payload).value(), [&](std::string_view n, std::string_view v) {
            headers[std::string(n)] = std::string(v);
        });
    }

    local::rest_answer call(std::string_view method, std::string_view target, std::string_view body,
                            const header_map& headers, bool forced) {
        const auto lookup = [&](std::string_view n) -> std::string_view {
            const auto it = headers.find(n);
            return it == headers.end() ? std::string_view{} : std::string_view{it->second};
        };
        return local::handle_rest(core, method, target, lookup, body, now(), forced);
    }
};

inline mmbot::venue::order_request order(std::string_view link, mmbot::core::side side,
                                  std::string_view px, std::string_view qty = "0.010",
                                  bool post_only = true) {
    mmbot::venue::order_request o;
    o.symbol = "BTCUSDT";
    o.client_order_id = link;
    o.side = side;
    o.price = mmbot::core::price::parse(px).value();
    o.qty = mmbot::core::quantity::parse(qty).value();
    o.post_only = post_only;
    o.price_digits = 2;
    o.qty_digits = 3;
    return o;
}

inline bybit::rest_request create(const mmbot::venue::order_request& o) {
    bybit::rest_request r;
    bybit::write_create(bybit::category::linear, o, r).value();
    return r;
}

struct events {
    std::vector<std::string> lines;
    void on_ack(std::string_view id, std::string_view, std::chrono::nanoseconds) {
        lines.push_back("ack " + std::string(id));
    }
    void on_reject(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        lines.push_back("reject " + std::string(id) + " " + std::string(why));
    }
    void on_cancel(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        lines.push_back("cancel " + std::string(id) + " " + std::string(why));
    }
    void on_fill(const bybit::execution& e) {
        lines.push_back("fill " + std::string(e.client_order_id) + " " + e.qty.to_string() + "@" +
                        e.price.to_string() + (e.is_maker ? " maker" : " taker") + " fee " +
                        e.fee.to_string());
    }
};

inline std::vector<std::string> decode_pushes(local::exchange& ex) {
    bybit::private_stream stream;
    events ev;
    for (const auto& p : ex.take_pushes()) {
        auto kind = stream.handle(p.text, ev);
        BOOST_TEST_REQUIRE(kind.has_value(), (kind ? "" : kind.error().message));
    }
    return ev.lines;
}

/// A book with best bid 65000.00 and best ask 65000.10.
struct book_fixture {
    mmbot::feed::bybit_public_codec codec;
    mmbot::feed::decoded_message msg;
    mmbot::feed::l2_book book{50};
    book_fixture() {
        auto k = codec.decode(
            R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1786310400000,"data":{"s":"BTCUSDT","b":[["65000.00","1.5"],["64999.90","2"]],"a":[["65000.10","0.5"],["65000.20","3"]],"u":1,"seq":1}})",
            msg);
        BOOST_TEST_REQUIRE(k.has_value());
        (void)book.apply(msg.book);
    }
};

/// The `result` of an answer that must be retCode 0.
inline boost::json::object result_of(const local::rest_answer& a) {
    const auto doc = boost::json::parse(a.body).as_object();
    BOOST_TEST_REQUIRE(doc.at("retCode").as_int64() == 0, a.body);
    return doc.at("result").as_object();
}

/// "<retCode> <retMsg>" of an answer.
inline std::string refusal(const local::rest_answer& a) {
    const auto doc = boost::json::parse(a.body).as_object();
    return std::to_string(doc.at("retCode").as_int64()) + " " + std::string(doc.at("retMsg").as_string());
}

}  // namespace venue_test
