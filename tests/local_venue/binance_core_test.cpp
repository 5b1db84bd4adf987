// The local venue's Binance USD-M front end without a network (part of core_test): requests built
// and signed by mmbot's own Binance client (binance::write_* + binance::signer) through
// handle_binance_rest; exchangeInfo read back by the client's parser; the user data stream's
// pushes; the depth snapshot + diff stream of a replayed capture synced by the client's
// depth_sync.
#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/venue/binance/error_codes.hpp"
#include "mmbot/venue/binance/exchange_info.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/signer.hpp"
#include "testing/local_venue/binance_api.hpp"
#include "testing/local_venue/binance_capture.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace binance = mmbot::venue::binance;
namespace local = mmbot::venue::local;
using mmbot::core::side;
using venue_test::t0_ms;

binance::signer make_bn_signer(std::string_view k = venue_test::key, std::string_view s = venue_test::secret) {
    return binance::signer::make(mmbot::secrets::credentials{mmbot::secrets::secret_string{std::string(k)},
                                                             mmbot::secrets::secret_string{std::string(s)}})
        .value();
}

/// A venue core with the Binance front end, and the client's signer.
struct bn_harness {
    local::venue_core core;
    local::binance_front bn;
    binance::signer client = make_bn_signer();
    std::int64_t now_ms = t0_ms;

    explicit bn_harness(local::exchange_options o = with_binance_ids(), std::chrono::seconds ttl = std::chrono::minutes{60})
        : core{std::move(o), venue_test::make_signer(), true, 7}, bn{local::binance_access{make_bn_signer(), true, ttl}} {}

    static local::exchange_options with_binance_ids() {
        local::exchange_options o;
        o.link_ids_unique_among_open = true;
        return o;
    }
    [[nodiscard]] std::chrono::nanoseconds now() const { return std::chrono::milliseconds{now_ms}; }

    /// Signs `req` (when it is a signed one) with `s` and sends it.
    local::rest_answer send(binance::rest_request req, binance::signer* s = nullptr, bool forced = false,
                            std::string_view api_key = venue_test::key) {
        if (req.signed_request) (void)(s != nullptr ? *s : client).append_signature(req.params).value();
        const auto lookup = [api_key](std::string_view n) -> std::string_view {
            return n == binance::header_api_key ? api_key : std::string_view{};
        };
        return local::handle_binance_rest(core, bn, binance::to_string(req.method), req.target(), lookup, req.body(), now(),
                                          forced);
    }
    local::rest_answer get(std::string_view target) {
        binance::rest_request r;
        r.path = target;
        r.signed_request = false;
        return send(r);
    }
    void on_book(const mmbot::feed::l2_book& book) {
        core.ex.on_book(book, now());
        core.market.on_book(book, {});
    }
};

binance::rest_request create(std::string_view id, side s, std::string_view px, std::int64_t ms, bool post_only = true,
                             std::string_view qty = "0.010") {
    auto o = venue_test::order(id, s, px, qty, post_only);
    binance::rest_request r;
    binance::write_create(o, ms, binance::default_recv_window, r).value();
    return r;
}
/// A signed GET of `path` with `query` between timestamp and recvWindow, as ccxt orders them.
binance::rest_request signed_get(std::string_view path, std::string_view query, std::int64_t ms) {
    binance::rest_request r;
    r.method = binance::http_method::get;
    r.path = path;
    r.params = "timestamp=" + std::to_string(ms) + (query.empty() ? "" : "&") + std::string(query) + "&recvWindow=5000";
    return r;
}

binance::rest_request by_id(bool cancel, std::string_view id, std::int64_t ms) {
    binance::rest_request r;
    if (cancel) {
        binance::write_cancel("BTCUSDT", id, ms, binance::default_recv_window, r).value();
    } else {
        binance::write_query("BTCUSDT", id, ms, binance::default_recv_window, r).value();
    }
    return r;
}

boost::json::value json_of(const local::rest_answer& a) { return boost::json::parse(a.body); }

/// "<http> <code> <msg>" of a refusal, the code classified by the client's table.
std::string refusal(const local::rest_answer& a) {
    const auto o = json_of(a).as_object();
    return std::to_string(a.status) + " " + std::to_string(o.at("code").as_int64()) + " " +
           std::string(o.at("msg").as_string());
}

std::string header(const local::rest_answer& a, std::string_view name) {
    for (const auto& [k, v] : a.headers) {
        if (k == name) return v;
    }
    return "<none>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binance_front)

BOOST_AUTO_TEST_CASE(time_ping_and_exchange_info_parse_with_the_client_parser) {
    bn_harness h;
    auto t = h.get("/fapi/v1/time");
    BOOST_TEST(t.status == 200u);
    BOOST_TEST(json_of(t).at("serverTime").as_int64() == t0_ms);
    BOOST_TEST(header(t, "X-MBX-USED-WEIGHT-1M") == "1");
    BOOST_TEST(h.get("/fapi/v1/ping").body == "{}");
    auto info = h.get("/fapi/v1/exchangeInfo");
    BOOST_TEST_REQUIRE(info.status == 200u);
    auto rules = binance::parse_symbol_rules(json_of(info).as_object(), "BTCUSDT");
    BOOST_TEST_REQUIRE(rules.has_value(), (rules ? "" : rules.error().message));
    BOOST_TEST(rules->trading);
    BOOST_TEST(rules->filters.tick_size.to_string() == "0.1");
    BOOST_TEST(rules->filters.qty_step.to_string() == "0.001");
    BOOST_TEST(rules->filters.min_notional.to_string() == "5");
    BOOST_TEST_REQUIRE(rules->band.has_value());
    BOOST_TEST(rules->band->up.to_string() == "1.05");
    BOOST_TEST(rules->band->down.to_string() == "0.95");
    BOOST_TEST(rules->weight_per_minute == 2400u);
    BOOST_TEST(rules->orders_per_minute == 1200u);
    BOOST_TEST(h.get("/fapi/v1/nothing").status == 404u);
    BOOST_TEST(h.get("/fapi/v1/listenKey").status == 405u);  // GET of a POST/PUT/DELETE path
}

BOOST_AUTO_TEST_CASE(authentication_errors_as_binance_answers_them) {
    bn_harness h;
    auto wrong_secret = make_bn_signer(venue_test::key, "OTHERSECRET");
    BOOST_TEST(refusal(h.send(binance::rest_request(create("a-1", side::buy, "64000.00", t0_ms)), &wrong_secret)) ==
               "400 -1022 Signature for this request is not valid.");
    BOOST_TEST(refusal(h.send(create("a-2", side::buy, "64000.00", t0_ms), nullptr, false, "OTHERKEY")) ==
               "401 -2015 Invalid API-key, IP, or permissions for action.");
    BOOST_TEST(refusal(h.send(create("a-3", side::buy, "64000.00", t0_ms), nullptr, false, "")) ==
               "401 -2014 API-key format invalid.");
    BOOST_TEST(refusal(h.send(create("a-4", side::buy, "64000.00", t0_ms - 5001))) ==
               "400 -1021 Timestamp for this request is outside of the recvWindow.");
    BOOST_TEST(h.send(create("a-5", side::buy, "64000.00", t0_ms - 5000)).status == 200u);  // the edge is inside
    BOOST_TEST(refusal(h.send(create("a-6", side::buy, "64000.00", t0_ms + 1000))).starts_with("400 -1021"));
    // The signature covers the text as sent: a parameter changed after signing is refused.
    auto r = create("a-7", side::buy, "64000.00", t0_ms);
    (void)h.client.append_signature(r.params).value();
    const auto at = r.params.find("price=64000.00");
    r.params.replace(at, 14, "price=64000.10");
    r.signed_request = false;  // already signed
    BOOST_TEST(refusal(h.send(r)) == "400 -1022 Signature for this request is not valid.");
    // The client's classification of what came back.
    BOOST_TEST(binance::classify(400, -1022).error == binance::errc::signature);
    BOOST_TEST(binance::classify(401, -2015).error == binance::errc::invalid_key);
}

BOOST_AUTO_TEST_CASE(create_query_cancel_and_open_orders) {
    bn_harness h;
    venue_test::book_fixture b;
    h.on_book(b.book);
    auto a = h.send(create("q-1", side::buy, "64000.00", t0_ms));
    BOOST_TEST_REQUIRE(a.status == 200u, a.body);
    BOOST_TEST(header(a, "X-MBX-ORDER-COUNT-1M") == "1");
    const auto o = json_of(a).as_object();
    BOOST_TEST(o.at("orderId").as_int64() == 1);
    BOOST_TEST(o.at("clientOrderId").as_string() == "q-1");
    BOOST_TEST(o.at("status").as_string() == "NEW");
    BOOST_TEST(o.at("price").as_string() == "64000.00");
    BOOST_TEST(o.at("origQty").as_string() == "0.010");
    BOOST_TEST(o.at("executedQty").as_string() == "0.000");
    BOOST_TEST(o.at("timeInForce").as_string() == "GTX");
    BOOST_TEST(o.at("side").as_string() == "BUY");
    BOOST_TEST(o.at("positionSide").as_string() == "BOTH");
    BOOST_TEST(o.at("updateTime").as_int64() == t0_ms);

    auto q = h.send(by_id(false, "q-1", t0_ms));
    BOOST_TEST(json_of(q).at("status").as_string() == "NEW");
    auto open = h.send([] {
        binance::rest_request r;
        binance::write_open_orders("BTCUSDT", t0_ms, binance::default_recv_window, r).value();
        return r;
    }());
    BOOST_TEST(json_of(open).as_array().size() == 1u);
    // By orderId too.
    binance::rest_request by_number;
    binance::write_query("BTCUSDT", "q-1", t0_ms, binance::default_recv_window, by_number).value();
    by_number.params.replace(by_number.params.find("origClientOrderId=q-1"), 21, "orderId=1");
    BOOST_TEST(json_of(h.send(by_number)).at("clientOrderId").as_string() == "q-1");

    auto c = h.send(by_id(true, "q-1", t0_ms));
    BOOST_TEST_REQUIRE(c.status == 200u, c.body);
    BOOST_TEST(json_of(c).at("status").as_string() == "CANCELED");
    BOOST_TEST(json_of(h.send(by_id(false, "q-1", t0_ms))).at("status").as_string() == "CANCELED");
    BOOST_TEST(refusal(h.send(by_id(true, "q-1", t0_ms))) == "400 -2011 Unknown order sent.");
    BOOST_TEST(refusal(h.send(by_id(true, "nope", t0_ms))) == "400 -2011 Unknown order sent.");
    BOOST_TEST(refusal(h.send(by_id(false, "nope", t0_ms))) == "400 -2013 Order does not exist.");
    BOOST_TEST(binance::classify(400, -2013).error == binance::errc::order_not_found);
    // A closed order's client id may be used again, as on Binance.
    BOOST_TEST(h.send(create("q-1", side::buy, "64000.00", t0_ms)).status == 200u);
}

BOOST_AUTO_TEST_CASE(duplicate_client_id_post_only_crossing_and_filters) {
    bn_harness h;
    venue_test::book_fixture b;
    h.on_book(b.book);
    BOOST_TEST(h.send(create("d-1", side::buy, "64000.00", t0_ms)).status == 200u);
    const auto dup = h.send(create("d-1", side::buy, "64000.10", t0_ms));
    BOOST_TEST(refusal(dup) == "400 -4116 ClientOrderId is duplicated.");
    BOOST_TEST(binance::classify(400, -4116).error == binance::errc::duplicate_client_order_id);
    // Kept for /admin/orders, so a ledger check can tell a re-send from a second order.
    BOOST_TEST(h.core.ex.duplicate_link_rejects() == std::vector<std::string>{"d-1"});
    // Best ask 65000.10: a post-only buy there would take.
    const auto cross = h.send(create("d-2", side::buy, "65000.10", t0_ms));
    BOOST_TEST(refusal(cross) ==
               "400 -5022 Due to the order could not be executed as maker, the Post Only order will be rejected. "
               "The order will not be recorded in the order history");
    BOOST_TEST(binance::classify(400, -5022).error == binance::errc::post_only_would_take);
    BOOST_TEST(refusal(h.send(by_id(false, "d-2", t0_ms))) == "400 -2013 Order does not exist.");
    BOOST_TEST(h.core.ex.orders().size() == 1u);  // nothing recorded
    // Binance's filter codes.
    auto off_step = create("d-3", side::buy, "64000.00", t0_ms);
    off_step.params.replace(off_step.params.find("quantity=0.010"), 14, "quantity=0.0105");
    BOOST_TEST(refusal(h.send(off_step)) == "400 -4023 Quantity not increased by step size.");
    auto off_tick = create("d-3", side::buy, "64000.00", t0_ms);
    off_tick.params.replace(off_tick.params.find("price=64000.00"), 14, "price=64000.05");
    BOOST_TEST(refusal(h.send(off_tick)) == "400 -4014 Price not increased by tick size.");
    BOOST_TEST(refusal(h.send(create("d-4", side::buy, "1.00", t0_ms, true, "0.001"))) ==
               "400 -4164 Order's notional must be no smaller than 5 (unless you choose reduce only).");
    BOOST_TEST(refusal(h.send(create("d-5", side::buy, "70000.00", t0_ms))).starts_with("400 -4016 Limit price can't be higher"));
}

BOOST_AUTO_TEST_CASE(cancel_all_answers_code_200) {
    bn_harness h;
    venue_test::book_fixture b;
    h.on_book(b.book);
    (void)h.send(create("c-1", side::buy, "64000.00", t0_ms));
    (void)h.send(create("c-2", side::sell, "66000.00", t0_ms));
    binance::rest_request r;
    binance::write_cancel_all("BTCUSDT", t0_ms, binance::default_recv_window, r).value();
    auto a = h.send(r);
    BOOST_TEST(a.body == R"({"code":200,"msg":"The operation of cancel all open order is done."})");
    for (const auto& o : h.core.ex.orders()) BOOST_TEST(!o.open());
}

BOOST_AUTO_TEST_CASE(order_trade_update_on_place_fill_and_cancel) {
    bn_harness h;
    venue_test::book_fixture b;
    h.on_book(b.book);
    (void)h.core.ex.take_events();
    // A GTC buy at the ask takes 0.010 at 65000.10 (taker fee 0.00055).
    auto a = h.send(create("f-1", side::buy, "65000.10", t0_ms, false));
    BOOST_TEST_REQUIRE(a.status == 200u, a.body);
    auto pushes = local::user_stream_pushes(h.core.ex, h.core.market, h.core.ex.take_events(), t0_ms);
    BOOST_TEST_REQUIRE(pushes.size() == 3u);
    const auto neu = boost::json::parse(pushes[0]).as_object();
    BOOST_TEST(neu.at("e").as_string() == "ORDER_TRADE_UPDATE");
    BOOST_TEST(neu.at("o").at("x").as_string() == "NEW");
    BOOST_TEST(neu.at("o").at("X").as_string() == "NEW");
    BOOST_TEST(neu.at("o").at("c").as_string() == "f-1");
    BOOST_TEST(neu.at("o").at("f").as_string() == "GTC");
    const auto trade = boost::json::parse(pushes[1]).as_object().at("o").as_object();
    BOOST_TEST(trade.at("x").as_string() == "TRADE");
    BOOST_TEST(trade.at("X").as_string() == "FILLED");
    BOOST_TEST(trade.at("l").as_string() == "0.010");
    BOOST_TEST(trade.at("L").as_string() == "65000.10");
    BOOST_TEST(trade.at("z").as_string() == "0.010");
    BOOST_TEST(trade.at("ap").as_string() == "65000.10");
    BOOST_TEST(trade.at("n").as_string() == "0.35750055");  // 650.001 x 0.00055
    BOOST_TEST(trade.at("N").as_string() == "USDT");
    BOOST_TEST(trade.at("m").as_bool() == false);
    BOOST_TEST(trade.at("t").as_int64() == 1);
    BOOST_TEST(trade.at("rp").as_string() == "0");
    const auto acct = boost::json::parse(pushes[2]).as_object();
    BOOST_TEST(acct.at("e").as_string() == "ACCOUNT_UPDATE");
    BOOST_TEST(acct.at("a").at("B").at(0).at("wb").as_string() == "99999.64249945");
    BOOST_TEST(acct.at("a").at("P").at(0).at("pa").as_string() == "0.010");
    BOOST_TEST(acct.at("a").at("P").at(0).at("ep").as_string() == "65000.10");
    // The same account over REST: the mark is the mid, 65000.05, so unrealised = -0.05 x 0.010.
    const auto risk = json_of(h.send(signed_get("/fapi/v2/positionRisk", "symbol=BTCUSDT", t0_ms))).as_array();
    BOOST_TEST_REQUIRE(risk.size() == 1u);
    BOOST_TEST(risk[0].at("positionAmt").as_string() == "0.010");
    BOOST_TEST(risk[0].at("entryPrice").as_string() == "65000.10");
    BOOST_TEST(risk[0].at("markPrice").as_string() == "65000.05");
    BOOST_TEST(risk[0].at("unRealizedProfit").as_string() == "-0.0005");
    const auto bal = json_of(h.send(signed_get("/fapi/v2/balance", "", t0_ms))).as_array();
    BOOST_TEST_REQUIRE(bal.size() == 1u);
    BOOST_TEST(bal[0].at("balance").as_string() == "99999.64249945");
    BOOST_TEST(bal[0].at("crossUnPnl").as_string() == "-0.0005");
    const auto account = json_of(h.send(signed_get("/fapi/v2/account", "", t0_ms))).as_object();
    BOOST_TEST(account.at("totalWalletBalance").as_string() == "99999.64249945");
    BOOST_TEST(account.at("totalMarginBalance").as_string() == "99999.64199945");

    (void)h.send(create("f-2", side::sell, "66000.00", t0_ms));
    (void)h.send(by_id(true, "f-2", t0_ms));
    pushes = local::user_stream_pushes(h.core.ex, h.core.market, h.core.ex.take_events(), t0_ms);
    BOOST_TEST_REQUIRE(pushes.size() == 2u);
    const auto cancel = boost::json::parse(pushes[1]).as_object().at("o").as_object();
    BOOST_TEST(cancel.at("x").as_string() == "CANCELED");
    BOOST_TEST(cancel.at("X").as_string() == "CANCELED");
    BOOST_TEST(cancel.at("i").as_int64() == 2);
    BOOST_TEST(cancel.at("a").as_string() == "0");  // nothing open on the ask side any more
}

BOOST_AUTO_TEST_CASE(user_trades_match_the_stream_and_book_ticker_reads_back) {
    bn_harness h;
    // No book yet: both sides of bookTicker are 0, which the client refuses naming the side.
    binance::rest_request tick;
    binance::write_book_ticker("BTCUSDT", tick).value();
    const auto empty = binance::parse_book_ticker(h.send(tick).body, "BTCUSDT");
    BOOST_TEST_REQUIRE(!empty.has_value());
    BOOST_TEST(empty.error().message.find("bidPrice") != std::string::npos, empty.error().message);
    venue_test::book_fixture b;
    h.on_book(b.book);
    (void)h.core.ex.take_events();
    auto top = binance::parse_book_ticker(h.send(tick).body, "BTCUSDT");
    BOOST_TEST_REQUIRE(top.has_value(), (top ? "" : top.error().message));
    BOOST_TEST(top->bid == mmbot::core::price::parse("65000.00").value());
    BOOST_TEST(top->ask == mmbot::core::price::parse("65000.10").value());
    BOOST_TEST(!binance::parse_book_ticker(h.send(tick).body, "ETHUSDT").has_value());  // another symbol's answer

    // A taker fill, then the same fill read back by userTrades: id = the push's t, exact values.
    BOOST_TEST_REQUIRE(h.send(create("u-1", side::buy, "65000.10", t0_ms, false)).status == 200u);
    const auto pushes = local::user_stream_pushes(h.core.ex, h.core.market, h.core.ex.take_events(), t0_ms);
    BOOST_TEST_REQUIRE(pushes.size() >= 2u);
    const auto pushed = boost::json::parse(pushes[1]).as_object().at("o").as_object();
    const auto order_id = std::to_string(pushed.at("i").as_int64());
    binance::rest_request trades;
    binance::write_user_trades("BTCUSDT", order_id, t0_ms, binance::default_recv_window, trades).value();
    const auto answer = h.send(trades);
    BOOST_TEST_REQUIRE(answer.status == 200u, answer.body);
    // This minute: 3 bookTickers of 2, the order 0 (ORDERS counts it), userTrades 5.
    BOOST_TEST(header(answer, "X-MBX-USED-WEIGHT-1M") == "11");
    const auto fills = binance::parse_user_trades(answer.body, "u-1");
    BOOST_TEST_REQUIRE(fills.has_value(), (fills ? "" : fills.error().message));
    BOOST_TEST_REQUIRE(fills->size() == 1u);
    const auto& f = fills->front();
    BOOST_TEST(f.exec_id == std::to_string(pushed.at("t").as_int64()));
    BOOST_TEST(f.order_id == order_id);
    BOOST_TEST(f.price == mmbot::core::price::parse("65000.10").value());
    BOOST_TEST(f.qty == mmbot::core::quantity::parse("0.010").value());
    BOOST_TEST(f.fee == mmbot::core::notional::parse(pushed.at("n").as_string().c_str()).value());
    BOOST_TEST(!f.is_maker);
    // Another order's id lists nothing; a missing symbol is Binance's -1102.
    binance::write_user_trades("BTCUSDT", "999999", t0_ms, binance::default_recv_window, trades).value();
    BOOST_TEST(json_of(h.send(trades)).as_array().empty());
    BOOST_TEST(refusal(h.send(signed_get("/fapi/v1/userTrades", "", t0_ms))).starts_with("400 -1102"));
}

BOOST_AUTO_TEST_CASE(listen_key_lifecycle_and_expiry) {
    bn_harness h{bn_harness::with_binance_ids(), std::chrono::seconds{10}};
    binance::rest_request r;
    binance::write_listen_key(binance::http_method::post, r);
    auto a = h.send(r);
    BOOST_TEST_REQUIRE(a.status == 200u, a.body);
    const std::string key(json_of(a).at("listenKey").as_string());
    BOOST_TEST(key.size() == 64u);
    BOOST_TEST(json_of(h.send(r)).at("listenKey").as_string() == key);  // the live key again
    BOOST_TEST(refusal(h.send(r, nullptr, false, "OTHERKEY")).starts_with("401 -2015"));
    h.now_ms += 9'000;
    binance::write_listen_key(binance::http_method::put, r);
    BOOST_TEST(h.send(r).status == 200u);  // kept alive: 10 s from now
    h.now_ms += 9'000;
    BOOST_TEST(h.bn.access.listen_key_live(key, h.now_ms));
    h.now_ms += 1'000;
    BOOST_TEST(!h.bn.access.listen_key_live(key, h.now_ms));
    BOOST_TEST(h.bn.access.take_expired() == std::vector<std::string>{key});
    BOOST_TEST(refusal(h.send(r)) == "400 -1125 This listenKey does not exist.");
    binance::write_listen_key(binance::http_method::post, r);
    const std::string second(json_of(h.send(r)).at("listenKey").as_string());
    BOOST_TEST(second != key);
    binance::write_listen_key(binance::http_method::del, r);
    BOOST_TEST(h.send(r).body == "{}");
    BOOST_TEST(h.bn.access.take_closed() == std::vector<std::string>{second});
}

BOOST_AUTO_TEST_CASE(weight_limit_is_429_with_retry_after) {
    bn_harness h;
    // exchangeInfo weighs 1, depth at 1000 weighs 20: 2400 per minute.
    for (int i = 0; i < 120; ++i) BOOST_TEST_REQUIRE(h.get("/fapi/v1/depth?symbol=BTCUSDT&limit=1000").status == 200u);
    const auto a = h.get("/fapi/v1/time");
    BOOST_TEST(a.status == 429u);
    BOOST_TEST(json_of(a).at("code").as_int64() == -1003);
    BOOST_TEST(header(a, "Retry-After") == "60");  // t0 is on a minute boundary
    BOOST_TEST(header(a, "X-MBX-USED-WEIGHT-1M") == "2400");
    BOOST_TEST(binance::classify(429, -1003).error == binance::errc::rate_limit);
    h.now_ms += 60'000;
    BOOST_TEST(h.get("/fapi/v1/time").status == 200u);
    // The rate_limit fault: 429 whatever the count.
    binance::rest_request t;
    t.path = "/fapi/v1/time";
    t.signed_request = false;
    const auto forced = h.send(t, nullptr, true);
    BOOST_TEST(forced.status == 429u);
    BOOST_TEST(header(forced, "Retry-After") == "1");
}

BOOST_AUTO_TEST_CASE(depth_snapshot_and_diff_stream_sync_the_client_book) {
    const char* src = std::getenv("TEST_SRCDIR");
    const char* ws = std::getenv("TEST_WORKSPACE");
    BOOST_TEST_REQUIRE((src != nullptr && ws != nullptr));
    const std::string path = std::string(src) + "/" + ws + "/data/sample/binance_btcusdt_sample.txt";
    auto feed = local::binance_capture::open(path, mmbot::core::ratio::parse("1").value()).value();
    bn_harness h;
    mmbot::feed::binance::public_codec codec;
    mmbot::feed::binance::binance_message msg;
    mmbot::feed::binance::depth_sync client("BTCUSDT", mmbot::feed::binance::sync_rule::usdm_futures);
    mmbot::feed::replay_event ev;
    int diffs = 0;
    int snapshots = 0;
    int checked = 0;
    while (feed->next_due() && feed->deliver(ev)) {
        if (ev.book != nullptr) {
            h.on_book(*ev.book);
            h.core.market.set_update_id("BTCUSDT", feed->last_update_id("BTCUSDT"));
        }
        for (const auto& m : feed->public_messages(ev, t0_ms)) {
            if (m.stream != "btcusdt@depth@100ms") continue;
            BOOST_TEST_REQUIRE(codec.decode(m.data, msg).has_value());
            (void)client.on_diff(msg);
            ++diffs;
        }
        // Every 500 diffs the client forgets its book and syncs again by the procedure: buffer the
        // stream, then fetch the snapshot (its lastUpdateId is a diff already sent).
        if (diffs > 0 && diffs % 500 == 0 && client.synced() && ev.book != nullptr) client.reset();
        if (client.needs_snapshot() && client.buffered() > 0 && h.core.market.find("BTCUSDT") != nullptr) {
            auto snap = h.get("/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
            BOOST_TEST_REQUIRE(codec.decode(snap.body, msg).has_value());
            (void)client.on_snapshot(msg);
            ++snapshots;
        }
        if (client.synced() && ev.book != nullptr && ev.book->valid()) {
            BOOST_TEST_REQUIRE(client.last_update_id() == feed->last_update_id("BTCUSDT"), "line " << ev.line << " diffs " << diffs << " snaps " << snapshots);
            BOOST_TEST_REQUIRE(client.book().best_bid()->px == ev.book->best_bid()->px);
            BOOST_TEST_REQUIRE(client.book().best_ask()->qty == ev.book->best_ask()->qty);
            ++checked;
        }
    }
    BOOST_TEST(client.counters().gaps == 0u);
    BOOST_TEST(snapshots >= 5);
    BOOST_TEST(checked > 2000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(binance_front_loop)

BOOST_AUTO_TEST_CASE(loop_shifts_update_and_trade_ids_past_the_earlier_pass) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    BOOST_TEST_REQUIRE(tmp != nullptr);
    const std::string path = std::string(tmp) + "/loop_capture.txt";
    {
        std::ofstream out(path);
        out << R"(1000000000 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":7,"pu":4,"b":[["65000.00","1.000"]],"a":[]}})" "\n"
            << R"(1000000001 {"lastUpdateId":7,"E":1,"T":1,"bids":[["65000.00","1.000"]],"asks":[["65000.10","1.000"]]})" "\n"
            << R"(1001000000 {"stream":"btcusdt@trade","data":{"e":"trade","E":2,"T":2,"s":"BTCUSDT","t":40,"p":"65000.00","q":"0.001","X":"MARKET","m":true}})" "\n"
            << R"(1002000000 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":3,"T":3,"s":"BTCUSDT","U":8,"u":9,"pu":7,"b":[["65000.00","2.000"]],"a":[]}})" "\n";
    }
    auto feed = local::binance_capture::open(path, mmbot::core::ratio::parse("1000").value(), true).value();
    mmbot::feed::replay_event ev;
    std::vector<std::string> seen;
    while (seen.size() < 6 && feed->next_due() && feed->deliver(ev)) {
        for (const auto& m : feed->public_messages(ev, t0_ms)) {
            if (m.stream != "btcusdt@depth@0ms" && m.stream != "btcusdt@trade") continue;
            const auto d = boost::json::parse(m.data).as_object();
            seen.push_back(m.stream == "btcusdt@trade"
                               ? "t " + std::to_string(d.at("t").as_int64())
                               : std::to_string(d.at("U").as_int64()) + ".." + std::to_string(d.at("u").as_int64()) +
                                     " pu " + std::to_string(d.at("pu").as_int64()) + " book " +
                                     std::to_string(feed->last_update_id("BTCUSDT")));
        }
    }
    // Pass 1 adds 10 (the largest u, 9, + 1) to update ids and 41 to trade ids; its first diff's pu
    // names no u the client saw (a gap: it resyncs from a snapshot), and the book starts over from
    // the capture's own snapshot (17 = 7 + 10).
    BOOST_TEST(seen == (std::vector<std::string>{"5..7 pu 4 book 0", "t 40", "8..9 pu 7 book 9", "15..17 pu 14 book 0",
                                                 "t 81", "18..19 pu 17 book 19"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
