// Binance USD-M answers and pushes (part of protocol_test): refusals classified from the HTTP
// status and the body, the order endpoints' answers, the user data stream's events and their
// decoder into the engine's calls. The texts are
// the shapes Binance documents (USD-M "New Order", "Query Order", "Event: Order Update", "Event:
// Balance and Position Update", "Event: User Data Stream Expired"), with our values.
#include <boost/test/unit_test.hpp>

#include "mmbot/venue/binance/private_stream.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/user_stream.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace binance = mmbot::venue::binance;
using binance::errc;
using mmbot::core::notional;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {
price px(const char* s) { return *price::parse(s); }
quantity qty(const char* s) { return *quantity::parse(s); }

constexpr const char* order_answer = R"({"clientOrderId":"mm-b-000042","cumQty":"0","cumQuote":"0",
  "executedQty":"0","orderId":22542179,"avgPrice":"0.00","origQty":"0.010","price":"64999.90",
  "reduceOnly":false,"side":"BUY","positionSide":"BOTH","status":"NEW","stopPrice":"0",
  "closePosition":false,"symbol":"BTCUSDT","timeInForce":"GTX","type":"LIMIT","origType":"LIMIT",
  "updateTime":1566818724722,"workingType":"CONTRACT_PRICE","priceProtect":false,
  "priceMatch":"NONE","selfTradePreventionMode":"NONE","goodTillDate":0})";

std::string trade_update(const char* fill_fields) {
    return std::string(R"({"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT",)"
                       R"("c":"mm-b-000042","S":"SELL","o":"LIMIT","f":"GTX","q":"0.010","p":"65000.10",)"
                       R"("ap":"65000.10","sp":"0","x":"TRADE","X":"PARTIALLY_FILLED","i":8886774,)"
                       R"("l":"0.004","z":"0.004","L":"65000.10",)") +
           fill_fields +
           R"("T":1568879465650,"t":771,"b":"0","a":"390.00","R":false,"wt":"CONTRACT_PRICE",)"
           R"("ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0","pP":false,"si":0,"ss":0,"V":"NONE",)"
           R"("pm":"NONE","gtd":0}})";
}
}  // namespace

BOOST_AUTO_TEST_CASE(answers_are_accepted_or_refused_by_status_then_code) {
    BOOST_TEST(binance::check_answer(200, order_answer).has_value());
    BOOST_TEST(binance::check_answer(200, R"({"code":200,"msg":"The operation of cancel all open order is done."})")
                   .has_value());

    auto gtx = binance::check_answer(400, R"({"code":-5022,"msg":"Due to the order could not be executed as maker, the Post Only order will be rejected."})");
    BOOST_REQUIRE(!gtx);
    BOOST_TEST((gtx.error().code == errc::post_only_would_take));
    BOOST_TEST(gtx.error().message.starts_with("HTTP 400, code -5022: Due to the order"));

    auto weight = binance::check_answer(429, R"({"code":-1003,"msg":"Too many requests."})");
    BOOST_REQUIRE(!weight);
    BOOST_TEST((weight.error().code == errc::rate_limit));
    auto banned = binance::check_answer(418, "");
    BOOST_REQUIRE(!banned);
    BOOST_TEST((banned.error().code == errc::ip_banned));
    // A proxy's HTML page: the status decides, and the message quotes the start of the body.
    auto gateway = binance::check_answer(502, "<html>Bad Gateway</html>");
    BOOST_REQUIRE(!gateway);
    BOOST_TEST((gateway.error().code == errc::server_error));
    BOOST_TEST(gateway.error().message == "HTTP 502: <html>Bad Gateway</html>");
    // A refusal code inside a 200 is a refusal all the same.
    auto late = binance::check_answer(200, R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})");
    BOOST_REQUIRE(!late);
    BOOST_TEST((late.error().code == errc::timestamp));
    auto unknown = binance::check_answer(400, R"({"code":-2011,"msg":"Unknown order sent."})");
    BOOST_REQUIRE(!unknown);
    BOOST_TEST((unknown.error().code == errc::order_not_found));
    auto odd = binance::check_answer(400, R"({"code":-7777,"msg":"new"})");
    BOOST_REQUIRE(!odd);
    BOOST_TEST((odd.error().code == errc::unclassified));
}

BOOST_AUTO_TEST_CASE(an_order_answer_is_read_exactly) {
    auto o = binance::parse_order(order_answer);
    BOOST_REQUIRE(o.has_value());
    BOOST_TEST(o->symbol == "BTCUSDT");
    BOOST_TEST(o->client_order_id == "mm-b-000042");
    BOOST_TEST(o->order_id == "22542179");
    BOOST_TEST((o->side == mmbot::core::side::buy));
    BOOST_TEST((o->status == binance::order_status::new_));
    BOOST_TEST(binance::is_open(o->status));
    BOOST_TEST((o->price == px("64999.9")));
    BOOST_TEST((o->orig_qty == qty("0.01")));
    BOOST_TEST((o->executed_qty == qty("0")));
    BOOST_TEST(o->updated.count() == 1566818724722LL * 1'000'000);
}

BOOST_AUTO_TEST_CASE(order_answers_name_the_bad_field) {
    std::string no_qty = order_answer;
    no_qty.replace(no_qty.find(R"("executedQty":"0",)"), 18, "");
    auto missing = binance::parse_order(no_qty);
    BOOST_REQUIRE(!missing);
    BOOST_TEST((missing.error().code == errc::missing_field));
    BOOST_TEST(missing.error().message == "executedQty: missing field");

    std::string number_price = order_answer;
    number_price.replace(number_price.find(R"("64999.90")"), 10, "64999.9");
    auto as_number = binance::parse_order(number_price);
    BOOST_REQUIRE(!as_number);
    BOOST_TEST((as_number.error().code == errc::wrong_type));

    std::string odd_status = order_answer;
    odd_status.replace(odd_status.find(R"("NEW")"), 5, R"("PENDING")");
    auto status = binance::parse_order(odd_status);
    BOOST_REQUIRE(!status);
    BOOST_TEST(status.error().message == "status: unknown order status \"PENDING\"");

    std::string overfilled = order_answer;
    overfilled.replace(overfilled.find(R"("executedQty":"0")"), 17, R"("executedQty":"0.011")");
    BOOST_TEST(!binance::parse_order(overfilled));
    BOOST_TEST((binance::parse_order("[1,2").error().code == errc::json_syntax));
    BOOST_TEST((binance::parse_order("[]").error().code == errc::wrong_type));
}

BOOST_AUTO_TEST_CASE(open_orders_are_a_list_of_open_orders) {
    const std::string two = std::string("[") + order_answer + "," + order_answer + "]";
    auto list = binance::parse_open_orders(two);
    BOOST_REQUIRE(list.has_value());
    BOOST_TEST(list->size() == 2U);
    BOOST_TEST(binance::parse_open_orders("[]")->empty());

    std::string filled = order_answer;
    filled.replace(filled.find(R"("NEW")"), 5, R"("FILLED")");
    auto closed = binance::parse_open_orders(std::string("[") + order_answer + "," + filled + "]");
    BOOST_REQUIRE(!closed);
    BOOST_TEST(closed.error().message == "[1].status: an open order's status, got FILLED");
    BOOST_TEST((binance::parse_open_orders(order_answer).error().code == errc::wrong_type));
}

BOOST_AUTO_TEST_CASE(time_cancel_all_and_listen_key) {
    BOOST_TEST(binance::parse_server_time(R"({"serverTime":1499827319559})")->count() == 1499827319559LL);
    BOOST_TEST(!binance::parse_server_time(R"({"serverTime":-1})"));
    BOOST_TEST(binance::parse_cancel_all(R"({"code":200,"msg":"The operation of cancel all open order is done."})")
                   .has_value());
    BOOST_TEST(!binance::parse_cancel_all(R"({"code":400,"msg":"x"})"));
    auto key = binance::parse_listen_key(R"({"listenKey":"pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"})");
    BOOST_REQUIRE(key.has_value());
    BOOST_TEST(key->size() == 64U);
    auto slash = binance::parse_listen_key(R"({"listenKey":"abc/../x"})");
    BOOST_REQUIRE(!slash);
    BOOST_TEST(slash.error().message == "listenKey: has a character outside [A-Za-z0-9]");
    BOOST_TEST(!binance::parse_listen_key(R"({"listenKey":""})"));
}

BOOST_AUTO_TEST_CASE(book_ticker_is_read_exactly_and_needs_both_sides) {
    auto top = binance::parse_book_ticker(
        R"({"symbol":"BTCUSDT","bidPrice":"65000.00","bidQty":"1.5","askPrice":"65000.10","askQty":"2","time":1,"lastUpdateId":7})",
        "BTCUSDT");
    BOOST_REQUIRE(top.has_value());
    BOOST_TEST(top->bid == price::parse("65000.00").value());
    BOOST_TEST(top->ask == price::parse("65000.10").value());
    auto other = binance::parse_book_ticker(R"({"symbol":"ETHUSDT","bidPrice":"1","askPrice":"2"})", "BTCUSDT");
    BOOST_REQUIRE(!other);
    BOOST_TEST(other.error().message == "symbol: expected BTCUSDT, got ETHUSDT");
    auto empty = binance::parse_book_ticker(R"({"symbol":"BTCUSDT","bidPrice":"65000.00","askPrice":"0.00"})", "BTCUSDT");
    BOOST_REQUIRE(!empty);
    BOOST_TEST(empty.error().message == "askPrice: no order resting on this side");
    BOOST_TEST(!binance::parse_book_ticker(R"({"symbol":"BTCUSDT","bidPrice":1,"askPrice":"2"})", "BTCUSDT"));
    binance::rest_request r;
    BOOST_TEST(binance::write_book_ticker("BTCUSDT", r).has_value());
    BOOST_TEST(r.target() == "/fapi/v1/ticker/bookTicker?symbol=BTCUSDT");
    BOOST_TEST(!r.signed_request);
    BOOST_TEST(!binance::write_book_ticker("", r));
    binance::write_public(binance::path_time, r);
    BOOST_TEST(r.target() == "/fapi/v1/time");
}

BOOST_AUTO_TEST_CASE(a_trade_update_carries_one_exact_fill) {
    auto ev = binance::parse_user_event(trade_update(R"("N":"USDT","n":"-0.00520008","m":true,)"));
    BOOST_REQUIRE(ev.has_value());
    const auto* u = std::get_if<binance::order_trade_update>(&*ev);
    BOOST_REQUIRE(u != nullptr);
    BOOST_TEST((u->what == binance::exec_type::trade));
    BOOST_TEST((u->order.status == binance::order_status::partially_filled));
    BOOST_TEST(u->order.order_id == "8886774");
    BOOST_TEST((u->order.executed_qty == qty("0.004")));
    BOOST_REQUIRE(u->fill.has_value());
    BOOST_TEST(u->fill->trade_id == "771");
    BOOST_TEST(u->fill->commission_asset == "USDT");
    BOOST_TEST(u->fill->is_maker);
    const mmbot::venue::execution e = u->execution_of();
    BOOST_TEST(e.client_order_id == "mm-b-000042");
    BOOST_TEST(e.exec_id == "771");
    BOOST_TEST((e.price == px("65000.1")));
    BOOST_TEST((e.qty == qty("0.004")));
    BOOST_TEST((e.fee == *notional::parse("-0.00520008")));
    BOOST_TEST(e.at.count() == 1568879465650LL * 1'000'000);

    // n and N are not pushed when there is no commission: a zero fee, not an error.
    auto free = binance::parse_user_event(trade_update(R"("m":false,)"));
    BOOST_REQUIRE(free.has_value());
    const auto& f = std::get<binance::order_trade_update>(*free);
    BOOST_TEST((f.fill->commission == notional{}));
    BOOST_TEST(f.fill->commission_asset.empty());
    BOOST_TEST(!f.fill->is_maker);
}

BOOST_AUTO_TEST_CASE(order_updates_without_a_fill_and_bad_ones) {
    std::string placed = trade_update(R"("N":"USDT","n":"0","m":false,)");
    placed.replace(placed.find(R"("x":"TRADE","X":"PARTIALLY_FILLED")"), 34, R"("x":"NEW","X":"NEW")");
    auto ev = binance::parse_user_event(placed);
    BOOST_REQUIRE(ev.has_value());
    const auto& u = std::get<binance::order_trade_update>(*ev);
    BOOST_TEST((u.what == binance::exec_type::new_));
    BOOST_TEST(!u.fill.has_value());

    // Wrapped by a combined stream: the same event.
    auto wrapped = binance::parse_user_event(R"({"stream":"pqia91ma","data":)" + placed + "}");
    BOOST_REQUIRE(wrapped.has_value());
    BOOST_TEST(std::get<binance::order_trade_update>(*wrapped).order.client_order_id == "mm-b-000042");

    std::string zero_px = trade_update(R"("m":true,)");
    zero_px.replace(zero_px.find(R"("L":"65000.10")"), 14, R"("L":"0")");
    auto zero = binance::parse_user_event(zero_px);
    BOOST_REQUIRE(!zero);
    BOOST_TEST((zero.error().code == errc::bad_value));
    BOOST_TEST(zero.error().message.starts_with("o: a trade's L and l must be > 0"));

    auto no_maker = binance::parse_user_event(trade_update(""));
    BOOST_REQUIRE(!no_maker);
    BOOST_TEST(no_maker.error().message == "o.m: missing field");

    std::string odd = trade_update(R"("m":true,)");
    odd.replace(odd.find(R"("x":"TRADE")"), 11, R"("x":"FUNDING")");
    auto odd_x = binance::parse_user_event(odd);
    BOOST_REQUIRE(!odd_x);
    BOOST_TEST(odd_x.error().message == "o.x: unknown execution type \"FUNDING\"");
    BOOST_TEST((binance::parse_user_event("not json").error().code == errc::json_syntax));
    BOOST_TEST((binance::parse_user_event(R"({"E":1})").error().code == errc::missing_field));
}

BOOST_AUTO_TEST_CASE(account_updates_expiry_and_other_events) {
    auto acct = binance::parse_user_event(
        R"({"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,"a":{"m":"ORDER",)"
        R"("B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}],)"
        R"("P":[{"s":"BTCUSDT","pa":"-0.004","ep":"65000.10","bep":"0","cr":"200","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}})");
    BOOST_REQUIRE(acct.has_value());
    const auto& a = std::get<binance::account_update>(*acct);
    BOOST_TEST(a.reason == "ORDER");
    BOOST_REQUIRE(a.balances.size() == 1U);
    BOOST_TEST((a.balances[0].wallet == *notional::parse("122624.12345678")));
    BOOST_REQUIRE(a.positions.size() == 1U);
    BOOST_TEST((a.positions[0].amount == qty("-0.004")));
    BOOST_TEST(a.positions[0].side == "BOTH");

    auto bad_wallet = binance::parse_user_event(
        R"({"e":"ACCOUNT_UPDATE","E":1,"a":{"m":"ORDER","B":[{"a":"USDT","wb":1.5}],"P":[]}})");
    BOOST_REQUIRE(!bad_wallet);
    BOOST_TEST(bad_wallet.error().message.starts_with("a.B[0].wb: expected a decimal string"));

    auto expired = binance::parse_user_event(
        R"({"e":"listenKeyExpired","E":"1736996475556","listenKey":"WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv"})");
    BOOST_REQUIRE(expired.has_value());
    BOOST_TEST(std::get<binance::listen_key_expired>(*expired).event_time.count() == 1736996475556LL * 1'000'000);

    auto margin = binance::parse_user_event(R"({"e":"MARGIN_CALL","E":1587727187525,"cw":"3.16812045","p":[]})");
    BOOST_REQUIRE(margin.has_value());
    BOOST_TEST(std::get<binance::other_event>(*margin).name == "MARGIN_CALL");
}

// ------------------------------------------------------------------ the decoder into the engine

namespace {
struct engine_calls {
    std::vector<std::string> calls;
    void on_ack(std::string_view id, std::string_view venue_id, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("ack {} {}", id, venue_id));
    }
    void on_reject(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("reject {} {}", id, why));
    }
    void on_cancel(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("cancel {} {}", id, why));
    }
    void on_fill(const mmbot::venue::execution& e) {
        calls.push_back(fmt::format("fill {} {} {}x{} fee {}", e.client_order_id, e.exec_id, e.qty.to_string(),
                                    e.price.to_string(), e.fee.to_string()));
    }
};

std::string with_exec(std::string text, std::string_view x, std::string_view status) {
    text.replace(text.find(R"("x":"TRADE","X":"PARTIALLY_FILLED")"), 34,
                 fmt::format(R"("x":"{}","X":"{}")", x, status));
    return text;
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_user_stream_drives_the_engine) {
    binance::private_stream stream{"USDT"};
    engine_calls engine;
    const std::string trade = trade_update(R"("N":"USDT","n":"-0.00520008","m":true,)");
    BOOST_TEST((stream.handle(with_exec(trade, "NEW", "NEW"), engine).value() == binance::stream_event::order));
    BOOST_TEST((stream.handle(trade, engine).value() == binance::stream_event::order));
    (void)stream.handle(trade_update(R"("N":"BNB","n":"0.00001","m":true,)"), engine);
    (void)stream.handle(with_exec(trade, "CANCELED", "CANCELED"), engine);
    (void)stream.handle(with_exec(trade, "EXPIRED", "EXPIRED"), engine);
    (void)stream.handle(with_exec(trade, "NEW", "REJECTED"), engine);
    (void)stream.handle(with_exec(trade, "CALCULATED", "FILLED"), engine);
    std::string liquidation = with_exec(trade, "NEW", "NEW");
    liquidation.replace(liquidation.find("mm-b-000042"), 11, "autoclose-1");
    (void)stream.handle(liquidation, engine);
    BOOST_TEST(engine.calls == (std::vector<std::string>{
                                   "ack mm-b-000042 8886774",
                                   "fill mm-b-000042 771 0.004x65000.1 fee -0.00520008",
                                   "fill mm-b-000042 771 0.004x65000.1 fee 0",
                                   "cancel mm-b-000042 CANCELED",
                                   "cancel mm-b-000042 EXPIRED",
                                   "reject mm-b-000042 REJECTED",
                               }),
               boost::test_tools::per_element());
    const auto& st = stream.stats();
    BOOST_TEST(st.fees_in_other_asset == 1);
    BOOST_TEST(st.other_executions == 1);
    BOOST_TEST(st.foreign == 1);

    BOOST_TEST((stream.handle(R"({"e":"ACCOUNT_UPDATE","E":1,"a":{"m":"ORDER","B":[],"P":[]}})", engine).value() ==
                binance::stream_event::account));
    BOOST_TEST((stream.handle(R"({"e":"listenKeyExpired","E":"1736996475556","listenKey":"k"})", engine).value() ==
                binance::stream_event::key_expired));
    BOOST_TEST((stream.handle(R"({"e":"MARGIN_CALL","E":1})", engine).value() == binance::stream_event::ignored));
    // A malformed order update reaches no sink call.
    const auto before = engine.calls.size();
    BOOST_TEST(!stream.handle(trade_update(""), engine));
    BOOST_TEST(engine.calls.size() == before);
}
