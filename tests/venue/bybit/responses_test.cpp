// tests/venue/bybit/responses_test.cpp
//
// REST response parsers on Bybit's documented payloads (linear and spot instruments, order pages
// with cursors, batch outcomes), every retCode label, and errors that name the field.
#define BOOST_TEST_MODULE bybit_responses
#include "mmbot/venue/bybit/responses.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace bybit = mmbot::venue::bybit;
using mmbot::core::notional;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

constexpr std::string_view linear_instruments = R"({"retCode":0,"retMsg":"OK","result":{
  "category":"linear","list":[{"symbol":"BTCUSDT","contractType":"LinearPerpetual",
  "status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","launchTime":"1585526400000",
  "priceScale":"2","leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},
  "priceFilter":{"minPrice":"0.10","maxPrice":"1999999.80","tickSize":"0.10"},
  "lotSizeFilter":{"maxOrderQty":"1190.000","minOrderQty":"0.001","qtyStep":"0.001",
  "postOnlyMaxOrderQty":"1190.000","maxMktOrderQty":"500.000","minNotionalValue":"5"}}],
  "nextPageCursor":"first%3DBTCUSDT"},"retExtInfo":{},"time":1701000000000})";

constexpr std::string_view spot_instruments = R"({"retCode":0,"retMsg":"OK","result":{
  "category":"spot","list":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT",
  "innovation":"0","status":"Trading","marginTrading":"both",
  "lotSizeFilter":{"basePrecision":"0.000001","quotePrecision":"0.00000001",
  "minOrderQty":"0.000048","maxOrderQty":"71.73956243","minOrderAmt":"1","maxOrderAmt":"2000000"},
  "priceFilter":{"tickSize":"0.01"}}]},"retExtInfo":{},"time":1701000000000})";

constexpr std::string_view open_orders = R"({"retCode":0,"retMsg":"OK","result":{"list":[
  {"orderId":"fd4300ae-7847-404e-b947-b46980a4d140","orderLinkId":"mm-0001","symbol":"BTCUSDT",
   "price":"65000.10","qty":"0.010","side":"Buy","orderStatus":"PartiallyFilled",
   "leavesQty":"0.006","cumExecQty":"0.004","timeInForce":"PostOnly","orderType":"Limit",
   "createdTime":"1701000000000","updatedTime":"1701000000123","avgPrice":"65000.1"}],
  "nextPageCursor":"page_args%3Dfd4300ae%26symbol%3D6%26","category":"linear"},
  "retExtInfo":{},"time":1701000000200})";

}  // namespace

BOOST_AUTO_TEST_CASE(server_time) {
    auto t = bybit::parse_server_time(
        R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":"1688639403423213947"},"retExtInfo":{},"time":1688639403423})");
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(t->count() == 1688639403423213947LL);
    auto bad = bybit::parse_server_time(R"({"retCode":0,"retMsg":"OK","result":{"timeNano":"12x"}})");
    BOOST_TEST(bad.error().message == R"(result.timeNano: expected an integer, got "12x")");
}

BOOST_AUTO_TEST_CASE(linear_instrument_filters) {
    auto page = bybit::parse_instruments(linear_instruments, bybit::category::linear);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().message));
    BOOST_TEST_REQUIRE(page->instruments.size() == 1U);
    const auto& f = page->instruments[0].filters;
    BOOST_TEST(f.symbol == "BTCUSDT");
    BOOST_TEST(page->instruments[0].status == "Trading");
    BOOST_TEST(f.tick_size == price::parse("0.1").value());
    BOOST_TEST(f.min_price == price::parse("0.1").value());
    BOOST_TEST(f.max_price == price::parse("1999999.8").value());
    BOOST_TEST(f.qty_step == quantity::parse("0.001").value());
    BOOST_TEST(f.max_qty == quantity::parse("1190").value());
    BOOST_TEST(f.min_notional == notional::parse("5").value());
    BOOST_TEST(f.price_digits == 2);
    BOOST_TEST(f.qty_digits == 3);
    BOOST_TEST(page->next_cursor == "first%3DBTCUSDT");
}

BOOST_AUTO_TEST_CASE(spot_instrument_filters) {
    auto page = bybit::parse_instruments(spot_instruments, bybit::category::spot);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().message));
    const auto& f = page->instruments.at(0).filters;
    BOOST_TEST(f.tick_size == price::parse("0.01").value());
    BOOST_TEST(f.min_price == f.tick_size);       // no minPrice for spot: the tick
    BOOST_TEST(f.max_price == price::max());       // no maxPrice for spot: the type's maximum
    BOOST_TEST(f.qty_step == quantity::parse("0.000001").value());  // basePrecision
    BOOST_TEST(f.min_qty == quantity::parse("0.000048").value());
    BOOST_TEST(f.min_notional == notional::parse("1").value());     // minOrderAmt
    BOOST_TEST(f.qty_digits == 6);
    BOOST_TEST(page->next_cursor.empty());
}

BOOST_AUTO_TEST_CASE(instrument_errors_name_the_field) {
    // Spot fields read as linear: the linear-only key is reported missing by its Bybit path.
    auto wrong = bybit::parse_instruments(spot_instruments, bybit::category::linear);
    BOOST_TEST_REQUIRE(!wrong.has_value());
    BOOST_TEST(wrong.error().code == mmbot::venue::bybit::errc::missing_field);
    BOOST_TEST(wrong.error().message == "result.list[0].priceFilter.minPrice: missing field");

    std::string zero_tick(linear_instruments);
    zero_tick.replace(zero_tick.find(R"("tickSize":"0.10")"), 17, R"("tickSize":"0")");
    auto z = bybit::parse_instruments(zero_tick, bybit::category::linear);
    BOOST_TEST(z.error().code == mmbot::core::errc::invalid_filter);
    BOOST_TEST(z.error().message == R"(result.list[0]: BTCUSDT.tick_size: must be > 0, got "0")");

    std::string exp_step(linear_instruments);
    exp_step.replace(exp_step.find(R"("qtyStep":"0.001")"), 17, R"("qtyStep":"1e-3")");
    auto x = bybit::parse_instruments(exp_step, bybit::category::linear);
    BOOST_TEST(x.error().code == mmbot::core::errc::invalid_filter);
    BOOST_TEST(x.error().message.find("qty_step") != std::string::npos);

    auto number = bybit::parse_instruments(
        R"({"retCode":0,"retMsg":"OK","result":{"list":[{"symbol":"X","status":"Trading","priceFilter":{"tickSize":0.1},"lotSizeFilter":{}}]}})",
        bybit::category::spot);
    BOOST_TEST(number.error().code == mmbot::venue::bybit::errc::wrong_type);
    BOOST_TEST(number.error().message ==
               "result.list[0].priceFilter.tickSize: expected a string, got number 0.1");
}

BOOST_AUTO_TEST_CASE(open_orders_page) {
    auto page = bybit::parse_open_orders(open_orders);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().message));
    BOOST_TEST_REQUIRE(page->orders.size() == 1U);
    const auto& o = page->orders[0];
    BOOST_TEST(o.order_link_id == "mm-0001");
    BOOST_TEST(o.side == mmbot::core::side::buy);
    BOOST_TEST(o.price == price::parse("65000.1").value());
    BOOST_TEST(o.leaves_qty == quantity::parse("0.006").value());
    BOOST_TEST(o.cum_exec_qty == quantity::parse("0.004").value());
    BOOST_TEST((o.status == bybit::order_status::partially_filled));
    BOOST_TEST(bybit::is_open(o.status));
    BOOST_TEST(o.updated_time.count() == 1701000000123LL);
    BOOST_TEST(page->next_cursor == "page_args%3Dfd4300ae%26symbol%3D6%26");

    auto last = bybit::parse_open_orders(
        R"({"retCode":0,"retMsg":"OK","result":{"list":[],"nextPageCursor":"","category":"linear"}})");
    BOOST_TEST_REQUIRE(last.has_value());
    BOOST_TEST(last->orders.empty());
    BOOST_TEST(last->next_cursor.empty());

    std::string bad(open_orders);
    bad.replace(bad.find(R"("PartiallyFilled")"), 17, R"("Sleeping")");
    BOOST_TEST(bybit::parse_open_orders(bad).error().message ==
               R"(result.list[0].orderStatus: unknown order status "Sleeping")");
}

BOOST_AUTO_TEST_CASE(ret_codes_become_labelled_errors) {
    struct expect {
        int code;
        bybit::errc label;
        bool retryable;
    };
    for (const auto& e : {expect{10001, bybit::errc::params, false},
                          expect{10002, bybit::errc::timestamp, true},
                          expect{10003, bybit::errc::invalid_key, false},
                          expect{10004, bybit::errc::signature, false},
                          expect{10006, bybit::errc::rate_limit, true},
                          expect{110007, bybit::errc::insufficient_balance, false},
                          expect{110072, bybit::errc::duplicate_order_link_id, false},
                          expect{170213, bybit::errc::order_not_found, false},
                          expect{10016, bybit::errc::server_error, true},
                          expect{99999, bybit::errc::unclassified, false}}) {
        const std::string text = fmt::format(
            R"({{"retCode":{},"retMsg":"message {}","result":{{}},"retExtInfo":{{}},"time":1}})",
            e.code, e.code);
        auto r = bybit::parse_order_ids(text);
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().code == e.label);
        BOOST_TEST(r.error().message == fmt::format("retCode {}: message {}", e.code, e.code));
        BOOST_TEST(bybit::is_retryable(r.error().code) == e.retryable, e.code);
    }
}

BOOST_AUTO_TEST_CASE(create_cancel_and_cancel_all_acks) {
    auto ids = bybit::parse_order_ids(
        R"({"retCode":0,"retMsg":"OK","result":{"orderId":"1321003749386327552","orderLinkId":"mm-1"},"retExtInfo":{},"time":1})");
    BOOST_TEST_REQUIRE(ids.has_value());
    BOOST_TEST(ids->order_id == "1321003749386327552");
    BOOST_TEST(ids->order_link_id == "mm-1");

    auto all = bybit::parse_cancel_all(
        R"({"retCode":0,"retMsg":"OK","result":{"list":[{"orderId":"a","orderLinkId":"x"},{"orderId":"b","orderLinkId":"y"}],"success":"1"},"retExtInfo":{},"time":1})");
    BOOST_TEST_REQUIRE(all.has_value());
    BOOST_TEST(all->size() == 2U);
    BOOST_TEST(all->at(1).order_link_id == "y");
}

BOOST_AUTO_TEST_CASE(batch_outcomes_per_order) {
    auto b = bybit::parse_batch(R"({"retCode":0,"retMsg":"OK","result":{"list":[
      {"category":"linear","symbol":"BTCUSDT","orderId":"b-1","orderLinkId":"mm-1","createAt":"1"},
      {"category":"linear","symbol":"BTCUSDT","orderId":"","orderLinkId":"mm-2","createAt":""}]},
      "retExtInfo":{"list":[{"code":0,"msg":"OK"},{"code":110072,"msg":"OrderLinkedID is duplicate"}]},
      "time":1})");
    BOOST_TEST_REQUIRE(b.has_value(), (b ? "" : b.error().message));
    BOOST_TEST(b->at(0).outcome.code == bybit::errc::ok);
    BOOST_TEST(b->at(1).outcome.code == bybit::errc::duplicate_order_link_id);
    BOOST_TEST(mmbot::core::error_code(b->at(1).outcome.code).name() == "bybit_duplicate_order_link_id");
    BOOST_TEST(b->at(1).message == "OrderLinkedID is duplicate");

    auto mismatch = bybit::parse_batch(
        R"({"retCode":0,"retMsg":"OK","result":{"list":[]},"retExtInfo":{"list":[{"code":0,"msg":""}]}})");
    BOOST_TEST(mismatch.error().message == "retExtInfo.list: 1 outcomes for 0 orders");
}

BOOST_AUTO_TEST_CASE(envelope_errors) {
    BOOST_TEST(bybit::parse_order_ids("not json").error().code == mmbot::venue::bybit::errc::json_syntax);
    BOOST_TEST(bybit::parse_order_ids("[1]").error().message ==
               "response: expected an object, got array [1]");
    BOOST_TEST(bybit::parse_order_ids(R"({"retMsg":"OK"})").error().message == "retCode: missing field");
    BOOST_TEST(bybit::parse_order_ids(R"({"retCode":0,"result":[]})").error().message ==
               "result: expected an object, got array []");
    BOOST_TEST(bybit::parse_order_ids(R"({"retCode":0,"result":{"orderId":"1"}})").error().message ==
               "result.orderLinkId: missing field");
}

BOOST_AUTO_TEST_CASE(rate_limit_headers) {
    auto r = bybit::parse_rate_limit_headers("99", "100", "1672738134824");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->remaining == 99);
    BOOST_TEST(r->limit == 100);
    BOOST_TEST(r->reset_at.count() == 1672738134824LL);
    BOOST_TEST(bybit::parse_rate_limit_headers("x", "100", "1").error().message ==
               R"(X-Bapi-Limit-Status: expected a non-negative integer, got "x")");
    // A reset time whose nanosecond count would overflow the limiter's clock.
    BOOST_TEST(!bybit::parse_rate_limit_headers("1", "1", "16723642624557000").has_value());
    BOOST_TEST(bybit::parse_rate_limit_headers("1", "", "1").error().message ==
               R"(X-Bapi-Limit: expected a non-negative integer, got "")");
}

BOOST_AUTO_TEST_CASE(ticker_gives_the_top_of_book_exactly) {
    const std::string body =
        R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"ETHUSDT","bid1Price":"3500.01","ask1Price":"3500.02"},)"
        R"({"symbol":"BTCUSDT","lastPrice":"65000.10","bid1Price":"65000.00","bid1Size":"1.5","ask1Price":"65000.10","ask1Size":"0.5"}]},"retExtInfo":{},"time":1})";
    auto t = bybit::parse_ticker(body, "BTCUSDT");
    BOOST_TEST_REQUIRE(t.has_value(), (t ? "" : t.error().message));
    BOOST_TEST(t->symbol == "BTCUSDT");
    BOOST_TEST(t->bid.to_string() == "65000");
    BOOST_TEST(t->ask.to_string() == "65000.1");
    auto missing = bybit::parse_ticker(body, "SOLUSDT");
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().code == mmbot::venue::bybit::errc::missing_field);
    // Bybit sends "" for an empty side: that is no price, named by its path.
    auto empty = bybit::parse_ticker(
        R"({"retCode":0,"retMsg":"OK","result":{"list":[{"symbol":"BTCUSDT","bid1Price":"","ask1Price":"1"}]}})", "BTCUSDT");
    BOOST_TEST_REQUIRE(!empty.has_value());
    BOOST_TEST(empty.error().message.find("result.list[0].bid1Price") != std::string::npos, empty.error().message);
}
