// tests/local_venue/core_test.cpp
//
// The local venue's handlers without a network: requests built by bybit::requests and signed by
// bybit::signer go through handle_rest, and the answers must parse with bybit::responses (and the
// pushes with bybit::private_stream). Covers authentication (10003 / 10002 / 10004), order entry
// checks, duplicate orderLinkId (110072), PostOnly crossing (EC_PostOnlyWillTakeLiquidity),
// fills from market data, rate limits (10006 + headers), paging, the fault plan, and the test-only
// /admin/orders listing (every accepted order + duplicate orderLinkId refusals).
#define BOOST_TEST_MODULE local_venue_core
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "testing/local_venue/faults.hpp"
#include "testing/local_venue/rest_api.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

using namespace venue_test;  // NOLINT(google-build-using-namespace): the shared harness
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(server_time_and_instruments_parse_with_the_client_parsers) {
    harness h;
    bybit::rest_request req;
    bybit::write_server_time(req);
    auto a = h.send(req);
    BOOST_TEST(a.status == 200U);
    BOOST_TEST(bybit::parse_server_time(a.body).value() == h.now());
    BOOST_TEST_REQUIRE(a.limits.has_value());

    bybit::write_instruments(bybit::category::linear, "BTCUSDT", "", req).value();
    a = h.send(req);
    auto page = bybit::parse_instruments(a.body, bybit::category::linear);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().message));
    BOOST_TEST_REQUIRE(page->instruments.size() == 1U);
    const auto& f = page->instruments[0].filters;
    BOOST_TEST(f.symbol == "BTCUSDT");
    BOOST_TEST(f.tick_size.to_string() == "0.1");
    BOOST_TEST(f.price_digits == 2);
    BOOST_TEST(f.qty_step.to_string() == "0.001");
    BOOST_TEST(f.min_notional.to_string() == "5");
    // The fields every real answer has, which clients' market loaders read (issue 14).
    const auto row = boost::json::parse(a.body).at("result").at("list").at(0).as_object();
    BOOST_TEST(row.at("baseCoin").as_string() == "BTC");
    BOOST_TEST(row.at("quoteCoin").as_string() == "USDT");
    BOOST_TEST(row.at("settleCoin").as_string() == "USDT");
    BOOST_TEST(row.at("priceScale").as_string() == "2");
    BOOST_TEST(row.at("contractType").as_string() == "LinearPerpetual");
    BOOST_TEST(row.at("leverageFilter").at("maxLeverage").as_string() == "100.00");
    BOOST_TEST(row.at("launchTime").as_string() == "1585526400000");
    BOOST_TEST(row.at("fundingInterval").as_int64() == 480);

    bybit::write_instruments(bybit::category::linear, "", "", req).value();
    BOOST_TEST(bybit::parse_instruments(h.send(req).body, bybit::category::linear)
                   .value()
                   .instruments.size() == 2U);
}

// market/tickers: the capture's top of book, readable by the client's parser (preflight's
// order_fits check reads it).
BOOST_AUTO_TEST_CASE(tickers_report_the_capture_top_of_book) {
    harness h;
    bybit::rest_request req;
    bybit::write_tickers(bybit::category::linear, "BTCUSDT", req).value();
    // No book yet: no ticker, which the client reads as "no price".
    auto none = bybit::parse_ticker(h.send(req).body, "BTCUSDT");
    BOOST_TEST_REQUIRE(!none.has_value());
    BOOST_TEST(none.error().message == "result.list: no ticker for BTCUSDT");
    book_fixture b;
    h.on_book(b.book);
    auto t = bybit::parse_ticker(h.send(req).body, "BTCUSDT");
    BOOST_TEST_REQUIRE(t.has_value(), (t ? "" : t.error().message));
    BOOST_TEST(t->bid.to_string() == "65000");
    BOOST_TEST(t->ask.to_string() == "65000.1");
}

BOOST_AUTO_TEST_CASE(authentication_errors) {
    harness h;
    auto req = create(order("a-1", mmbot::core::side::buy, "64000.00"));
    auto other_secret = make_signer(key, "WRONGSECRET");
    auto r = bybit::parse_order_ids(h.send(req, 0, &other_secret).body);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::signature, r.error().message);

    auto other_key = make_signer("OTHERKEY", secret);
    r = bybit::parse_order_ids(h.send(req, 0, &other_key).body);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::invalid_key, r.error().message);

    const std::string stale = h.send(req, t0_ms - 6000).body;  // recv_window 5000
    r = bybit::parse_order_ids(stale);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::timestamp, r.error().message);
    // The client quotes only the start of retMsg; the venue's text names both times.
    BOOST_TEST(stale.find("req_timestamp[1786310394000],server_timestamp[1786310400000],"
                          "recv_window[5000]") != std::string::npos,
               stale);
    r = bybit::parse_order_ids(h.send(req, t0_ms + 1500).body);  // too far ahead
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::timestamp);
    r = bybit::parse_order_ids(h.send(req, t0_ms - 4000).body);  // inside the window
    BOOST_TEST(r.has_value(), (r ? "" : r.error().message));
}

BOOST_AUTO_TEST_CASE(create_query_cancel_round_trip_and_pushes) {
    harness h;
    auto r = bybit::parse_order_ids(h.send(create(order("q-1", mmbot::core::side::buy, "64000.00"))).body);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->order_link_id == "q-1");
    BOOST_TEST(!r->order_id.empty());
    BOOST_TEST(decode_pushes(h.core.ex) == std::vector<std::string>{"ack q-1"});

    bybit::rest_request q;
    bybit::write_open_orders(bybit::category::linear, "BTCUSDT", "", q).value();
    auto page = bybit::parse_open_orders(h.send(q).body);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().message));
    BOOST_TEST_REQUIRE(page->orders.size() == 1U);
    BOOST_TEST(page->orders[0].status_text == "New");
    BOOST_TEST(page->orders[0].price.to_string() == "64000");
    BOOST_TEST(page->orders[0].leaves_qty.to_string() == "0.01");
    BOOST_TEST(page->orders[0].updated_time.count() == t0_ms);

    bybit::rest_request c;
    bybit::write_cancel(bybit::category::linear, "BTCUSDT", "q-1", c).value();
    auto cancelled = bybit::parse_order_ids(h.send(c).body);
    BOOST_TEST_REQUIRE(cancelled.has_value());
    BOOST_TEST(decode_pushes(h.core.ex) == std::vector<std::string>{"cancel q-1 CancelByUser"});
    BOOST_TEST(bybit::parse_open_orders(h.send(q).body).value().orders.empty());
    // A closed order is still found by its orderLinkId.
    bybit::write_order_by_link_id(bybit::category::linear, "BTCUSDT", "q-1", q).value();
    auto one = bybit::parse_open_orders(h.send(q).body).value();
    BOOST_TEST_REQUIRE(one.orders.size() == 1U);
    BOOST_TEST(one.orders[0].status_text == "Cancelled");
    // Cancelling it again: 110001.
    auto again = bybit::parse_order_ids(h.send(c).body);
    BOOST_TEST(again.error().code == mmbot::venue::bybit::errc::order_not_found);
}

BOOST_AUTO_TEST_CASE(duplicate_order_link_id_is_110072) {
    harness h;
    const auto req = create(order("dup-1", mmbot::core::side::buy, "64000.00"));
    BOOST_TEST(bybit::parse_order_ids(h.send(req).body).has_value());
    h.now_ms += 1;
    auto r = bybit::parse_order_ids(h.send(req).body);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::duplicate_order_link_id, r.error().message);
}

BOOST_AUTO_TEST_CASE(admin_orders_lists_every_accepted_order_and_counts_duplicates) {
    harness h;
    auto empty = boost::json::parse(local::handle_admin_orders(h.core, "GET").body).as_object();
    BOOST_TEST(empty.at("orders").as_array().empty());
    BOOST_TEST(empty.at("duplicate_link_rejects").to_number<std::int64_t>() == 0);
    BOOST_TEST(empty.at("duplicate_link_ids").as_array().empty());

    book_fixture b;
    h.core.ex.on_book(b.book, h.now());
    const auto first = create(order("ao-1", mmbot::core::side::buy, "64000.00"));
    BOOST_TEST(bybit::parse_order_ids(h.send(first).body).has_value());
    // Crossing PostOnly: accepted, then closed by the venue (still listed).
    BOOST_TEST(bybit::parse_order_ids(h.send(create(order("ao-2", mmbot::core::side::buy, "65000.10"))).body)
                   .has_value());
    BOOST_TEST(bybit::parse_order_ids(h.send(create(order("ao-3", mmbot::core::side::sell, "66000.00", "0.020"))).body)
                   .has_value());
    bybit::rest_request c;
    bybit::write_cancel(bybit::category::linear, "BTCUSDT", "ao-3", c).value();
    BOOST_TEST(bybit::parse_order_ids(h.send(c).body).has_value());
    // Refused: a duplicate orderLinkId (counted, single and in a batch) and a bad price (not counted).
    h.now_ms += 1;
    BOOST_TEST(!bybit::parse_order_ids(h.send(first).body).has_value());
    std::vector<mmbot::venue::order_request> batch{order("ao-1", mmbot::core::side::buy, "63000.00"),
                                                   order("ao-4", mmbot::core::side::buy, "63000.00")};
    bybit::rest_request req;
    bybit::write_create_batch(bybit::category::linear, batch, req).value();
    BOOST_TEST_REQUIRE(bybit::parse_batch(h.send(req).body).has_value());
    bybit::rest_request off_tick;
    off_tick.reset(bybit::endpoint::order_create);
    off_tick.body = R"({"symbol":"BTCUSDT","side":"Buy","orderType":"Limit","orderLinkId":"ao-5","price":"64000.05","category":"linear","qty":"0.010"})";
    BOOST_TEST(!bybit::parse_order_ids(h.send(off_tick).body).has_value());

    const local::rest_answer a = local::handle_admin_orders(h.core, "GET");
    BOOST_TEST(a.status == 200U);
    const auto j = boost::json::parse(a.body).as_object();
    BOOST_TEST(j.at("duplicate_link_rejects").to_number<std::int64_t>() == 2);
    BOOST_TEST(j.at("duplicate_link_ids") == boost::json::parse(R"(["ao-1","ao-1"])"));
    const auto& list = j.at("orders").as_array();
    BOOST_TEST_REQUIRE(list.size() == 4U);
    std::vector<std::string> rows;
    for (const auto& v : list) {
        const auto& o = v.as_object();
        BOOST_TEST(!o.at("orderId").as_string().empty());
        BOOST_TEST(o.at("category").as_string() == "linear");
        rows.push_back(fmt::format("{} {} {} {}@{} {} {}", o.at("orderLinkId").as_string().c_str(),
                                   o.at("symbol").as_string().c_str(), o.at("side").as_string().c_str(),
                                   o.at("qty").as_string().c_str(), o.at("price").as_string().c_str(),
                                   o.at("status").as_string().c_str(),
                                   o.at("cumExecQty").as_string().c_str()));
    }
    // Acceptance order, open and closed alike.
    BOOST_TEST(rows == (std::vector<std::string>{
                           "ao-1 BTCUSDT Buy 0.010@64000.00 New 0.000",
                           "ao-2 BTCUSDT Buy 0.010@65000.10 Cancelled 0.000",
                           "ao-3 BTCUSDT Sell 0.020@66000.00 Cancelled 0.000",
                           "ao-4 BTCUSDT Buy 0.010@63000.00 New 0.000",
                       }),
               boost::test_tools::per_element());
    // Deterministic: the same state gives the same bytes.
    BOOST_TEST(local::handle_admin_orders(h.core, "GET").body == a.body);
    BOOST_TEST(local::handle_admin_orders(h.core, "POST").status == 405U);
}

BOOST_AUTO_TEST_CASE(order_checks_name_the_field_and_value) {
    harness h;
    bybit::rest_request req;
    req.reset(bybit::endpoint::order_create);
    req.body = R"({"symbol":"BTCUSDT","side":"Buy","orderType":"Limit","timeInForce":"PostOnly","orderLinkId":"x-1","price":"64000.05","category":"linear","qty":"0.010"})";
    const std::string off_tick = h.send(req).body;
    auto r = bybit::parse_order_ids(off_tick);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::params);
    BOOST_TEST(off_tick.find(R"(got \"64000.05\")") != std::string::npos, off_tick);
    req.body = R"({"symbol":"DOGEUSDT","side":"Buy","orderType":"Limit","price":"1","category":"linear","qty":"1"})";
    r = bybit::parse_order_ids(h.send(req).body);
    BOOST_TEST(r.error().message.find("DOGEUSDT") != std::string::npos, r.error().message);
    req.body = R"({"symbol":"BTCUSDT","side":"Buy","orderType":"Limit","price":"100.00","category":"linear","qty":"0.001"})";
    r = bybit::parse_order_ids(h.send(req).body);
    BOOST_TEST(r.error().message.find("minimum order value") != std::string::npos, r.error().message);
    req.body = "{not json";
    r = bybit::parse_order_ids(h.send(req).body);
    BOOST_TEST(r.error().code == mmbot::venue::bybit::errc::params, r.error().message);
}

// A venue that restarts must not hand out an orderId or execId it gave before: the bot's journal
// still names the old ones; its store refuses an orderId that belongs to another order and drops
// a fill whose execId it has seen.
BOOST_AUTO_TEST_CASE(order_and_exec_ids_lead_with_the_venue_epoch_so_a_restart_never_reuses_one) {
    struct ids {
        std::string order;
        std::string pushes;  // the execution push carries the execId
    };
    const auto first_ids = [](std::uint64_t epoch) {
        local::exchange_options o;
        o.id_epoch = epoch;
        harness h{std::move(o)};
        book_fixture b;
        h.core.ex.on_book(b.book, h.now());
        // A GTC buy at the best ask takes at once: one order, one execution.
        auto r = bybit::parse_order_ids(
            h.send(create(order("e-1", mmbot::core::side::buy, "65000.10", "0.100", false))).body);
        BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
        ids out{r->order_id, {}};
        for (const auto& p : h.core.ex.take_pushes()) out.pushes += p.text;
        return out;
    };
    const auto repeatable = first_ids(0);
    BOOST_TEST(repeatable.order == "00000000-0000-4000-8000-000000000001");
    BOOST_TEST(repeatable.pushes.find(R"("execId":"00000000-0000-4000-9000-000000000001")") != std::string::npos,
               repeatable.pushes);
    const auto started = first_ids(1'786'310'400'123);
    BOOST_TEST(started.order == "019fe865-987b-4000-8000-000000000001");
    BOOST_TEST(started.pushes.find(R"("execId":"019fe865-987b-4000-9000-000000000001")") != std::string::npos,
               started.pushes);
    BOOST_TEST(first_ids(1'786'310'400'124).order != started.order);
}

BOOST_AUTO_TEST_CASE(crossing_post_only_is_cancelled_and_fills_come_from_market_data) {
    harness h;
    book_fixture b;
    h.core.ex.on_book(b.book, h.now());
    // Buy PostOnly at the best ask: would take.
    BOOST_TEST(bybit::parse_order_ids(h.send(create(order("po-1", mmbot::core::side::buy, "65000.10"))).body)
                   .has_value());
    BOOST_TEST(decode_pushes(h.core.ex) ==
               (std::vector<std::string>{"ack po-1", "cancel po-1 EC_PostOnlyWillTakeLiquidity"}));
    bybit::rest_request q;
    bybit::write_order_by_link_id(bybit::category::linear, "BTCUSDT", "po-1", q).value();
    BOOST_TEST(h.send(q).body.find(R"("rejectReason":"EC_PostOnlyWillTakeLiquidity")") != std::string::npos);

    // GTC limit crossing: taker fill at the ask level.
    (void)h.send(create(order("gtc-1", mmbot::core::side::buy, "65000.10", "0.200", false)));
    BOOST_TEST(decode_pushes(h.core.ex) ==
               (std::vector<std::string>{"ack gtc-1", "fill gtc-1 0.2@65000.1 taker fee 7.150011"}));

    // A resting sell, then a trade print through it.
    (void)h.send(create(order("s-1", mmbot::core::side::sell, "65000.30", "0.010")));
    (void)decode_pushes(h.core.ex);
    mmbot::feed::trade print;
    (void)print.sym.assign("BTCUSDT");
    print.side = mmbot::feed::taker_side::buy;
    print.px = mmbot::core::price::parse("65000.40").value();
    print.qty = mmbot::core::quantity::parse("1").value();
    h.core.ex.on_trade(print, h.now() + 5ms);
    BOOST_TEST(decode_pushes(h.core.ex) ==
               (std::vector<std::string>{"fill s-1 0.01@65000.3 maker fee 0.1300006"}));
    bybit::write_order_by_link_id(bybit::category::linear, "BTCUSDT", "s-1", q).value();
    auto filled = bybit::parse_open_orders(h.send(q).body).value();
    BOOST_TEST(filled.orders.at(0).status_text == "Filled");
    BOOST_TEST(filled.orders.at(0).cum_exec_qty.to_string() == "0.01");
}

BOOST_AUTO_TEST_CASE(rate_limit_is_10006_with_headers) {
    harness h;
    bybit::rest_request req;
    bybit::write_cancel_all(bybit::category::linear, "BTCUSDT", req).value();
    auto a = h.send(req);  // linear cancel-all: 1 per second
    BOOST_TEST_REQUIRE(bybit::parse_cancel_all(a.body).has_value());
    BOOST_TEST(a.limits->limit == 1);
    BOOST_TEST(a.limits->remaining == 0);
    h.now_ms += 10;
    a = h.send(req);
    BOOST_TEST(a.status == 200U);
    BOOST_TEST(bybit::parse_cancel_all(a.body).error().code == mmbot::venue::bybit::errc::rate_limit);
    BOOST_TEST(a.limits->remaining == 0);
    BOOST_TEST(a.limits->reset_ms == t0_ms + 1000);
    h.now_ms = t0_ms + 1000;
    BOOST_TEST(bybit::parse_cancel_all(h.send(req).body).has_value());
    // Forced by the fault plan even when the budget allows it.
    bybit::write_server_time(req);
    a = h.send(req, 0, nullptr, true);
    BOOST_TEST(a.body.find(R"("retCode":10006)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(batch_and_paging) {
    harness h;
    std::vector<std::string> ids;
    std::vector<mmbot::venue::order_request> orders;
    ids.reserve(5);
    orders.reserve(5);
    for (int i = 0; i < 5; ++i) ids.push_back("b-" + std::to_string(i));
    for (const auto& id : ids) orders.push_back(order(id, mmbot::core::side::buy, "60000.00"));
    orders[3].price = mmbot::core::price::parse("60000.01").value();  // off the tick
    orders[3].price_digits = 2;
    bybit::rest_request req;
    bybit::write_create_batch(bybit::category::linear, orders, req).value();
    auto batch = bybit::parse_batch(h.send(req).body);
    BOOST_TEST_REQUIRE(batch.has_value(), (batch ? "" : batch.error().message));
    BOOST_TEST_REQUIRE(batch->size() == 5U);
    BOOST_TEST((*batch)[0].outcome.ret_code == 0);
    BOOST_TEST((*batch)[3].outcome.ret_code == 10001);
    BOOST_TEST((*batch)[4].ids.order_link_id == "b-4");

    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        bybit::write_open_orders(bybit::category::linear, "BTCUSDT", cursor, req, 2).value();
        auto page = bybit::parse_open_orders(h.send(req).body).value();
        for (const auto& o : page.orders) seen.push_back(o.order_link_id);
        cursor = page.next_cursor;
        ++pages;
    } while (!cursor.empty() && pages < 10);
    BOOST_TEST(pages == 2);
    BOOST_TEST(seen == (std::vector<std::string>{"b-4", "b-2", "b-1", "b-0"}));

    bybit::write_cancel_all(bybit::category::linear, "BTCUSDT", req).value();
    BOOST_TEST(bybit::parse_cancel_all(h.send(req).body).value().size() == 4U);
}

BOOST_AUTO_TEST_CASE(fault_specs_and_plan) {
    BOOST_TEST(!local::parse_fault_spec("explode:1").has_value());
    BOOST_TEST(local::parse_fault_spec("http_5xx:1.5").error().message.find("rate") != std::string::npos);
    BOOST_TEST(!local::parse_fault_spec("http_5xx:0.3e1").has_value());
    auto d = local::parse_fault_spec("delay_ms:250").value();
    BOOST_TEST(d.delay_ms == 250);
    BOOST_TEST(d.rate_ppm == 1'000'000);

    local::fault_plan plan{1};
    plan.add(local::parse_fault_spec("http_5xx:1:2").value());
    plan.add(d);
    auto f = plan.on_request("/v5/market/time");
    BOOST_TEST((f.action == local::rest_fault::http_5xx));
    BOOST_TEST(f.delay_ms == 250);
    BOOST_TEST((plan.on_request("/v5/market/time").action == local::rest_fault::http_5xx));
    BOOST_TEST((plan.on_request("/v5/market/time").action == local::rest_fault::none));
    BOOST_TEST(plan.counts().http_5xx == 2);

    // Seeded draws repeat.
    const auto run = [] {
        local::fault_plan p{42};
        p.add(local::parse_fault_spec("drop_ws:0.5").value());
        std::string s;
        for (int i = 0; i < 64; ++i) s += static_cast<char>('0' + p.private_copies());
        return s;
    };
    BOOST_TEST(run() == run());
    BOOST_TEST(run().find('0') != std::string::npos);
    BOOST_TEST(run().find('1') != std::string::npos);
}

BOOST_AUTO_TEST_CASE(symbol_coins_and_price_scale_as_bybit_names_them) {
    namespace local = mmbot::venue::local;
    BOOST_TEST(local::coins_of("BTCUSDT").base == "BTC");
    BOOST_TEST(local::coins_of("ETHUSDC").quote == "USDC");
    BOOST_TEST(local::coins_of("BTCPERP").base == "BTC");
    BOOST_TEST(local::coins_of("BTCPERP").quote == "USDC");
    BOOST_TEST(local::coins_of("ETHBTC").quote == "BTC");
    BOOST_TEST(local::price_scale_of("0.10") == 2U);
    BOOST_TEST(local::price_scale_of("0.0001") == 4U);
    BOOST_TEST(local::price_scale_of("1") == 0U);
}
