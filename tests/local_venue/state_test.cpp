// tests/local_venue/state_test.cpp
//
// --state (state.hpp): a venue's trading state written and read back is the same exchange to a
// client: every order (open and closed) with its ids, status and cumExecQty, the executions, the
// used orderLinkIds, the account; the open orders rest and fill again; new ids carry on from the
// saved counters. A file that is not a saved state is refused naming the file and the field.
#define BOOST_TEST_MODULE local_venue_state
#include "testing/local_venue/state.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

using namespace venue_test;  // NOLINT(google-build-using-namespace): the shared harness
using mmbot::core::side;

namespace {

/// A venue that traded: a taker fill, a resting post-only buy, a cancelled sell, a 110072, an
/// order without an orderLinkId.
struct traded {
    harness h;
    book_fixture b;
    traded() {
        h.on_book(b.book);
        (void)h.send(create(order("fill-1", side::buy, "65000.10", "0.200", false)));
        (void)h.send(create(order("rest-1", side::buy, "64000.00")));
        (void)h.send(create(order("gone-1", side::sell, "66000.00")));
        bybit::rest_request c;
        bybit::write_cancel(bybit::category::linear, "BTCUSDT", "gone-1", c).value();
        (void)h.send(c);
        (void)h.send(create(order("rest-1", side::buy, "63000.00")));  // 110072
        bybit::rest_request anonymous;  // the venue keys it "lv-1"
        anonymous.reset(bybit::endpoint::order_create);
        anonymous.body = R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit",)"
                         R"("qty":"0.010","price":"63500.00","timeInForce":"PostOnly"})";
        (void)h.send(anonymous);
        (void)h.core.ex.take_pushes();
    }
};

/// A second venue (a restart: another epoch) that read `text`.
struct restarted {
    harness h;
    explicit restarted(const std::string& text) : h{epoch(2)} {
        auto s = local::parse_state(text, "state.json");
        BOOST_TEST_REQUIRE(s.has_value(), (s ? "" : s.error().message));
        h.core.ex.restore(std::move(*s), h.now());
    }
    static local::exchange_options epoch(std::uint64_t e) {
        local::exchange_options o;
        o.id_epoch = e;
        return o;
    }
};

std::string saved(const local::exchange& ex) { return local::state_text(ex.state()); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_restored_venue_keeps_every_order_execution_and_coin) {
    traded t;
    const std::string text = saved(t.h.core.ex);
    restarted r{text};
    // The ledger, the executions and the account answer as before, byte for byte.
    BOOST_TEST(local::handle_admin_orders(r.h.core, "GET").body == local::handle_admin_orders(t.h.core, "GET").body);
    BOOST_TEST(r.h.get("/v5/execution/list?category=linear").body == t.h.get("/v5/execution/list?category=linear").body);
    r.h.core.market.on_book(t.b.book, {});  // market data is the capture's, not state: same book, same mark
    BOOST_TEST(r.h.get("/v5/position/list?category=linear&symbol=BTCUSDT").body ==
               t.h.get("/v5/position/list?category=linear&symbol=BTCUSDT").body);
    BOOST_TEST(saved(r.h.core.ex) == text);  // nothing lost or added in a round trip

    // The open orders are still open and queryable by either id; nothing was pushed for them.
    bybit::rest_request q;
    bybit::write_order_by_link_id(bybit::category::linear, "BTCUSDT", "rest-1", q).value();
    const auto open = bybit::parse_open_orders(r.h.send(q).body).value();
    BOOST_TEST_REQUIRE(open.orders.size() == 1U);
    BOOST_TEST(open.orders[0].status_text == "New");
    BOOST_TEST(r.h.core.ex.take_pushes().empty());
    // The orderLinkId stays used; a new order gets the next counter (and the new epoch).
    BOOST_TEST(refusal(r.h.send(create(order("rest-1", side::buy, "62000.00")))) == "110072 OrderLinkedID is duplicate");
    const auto fresh = bybit::parse_order_ids(r.h.send(create(order("new-1", side::buy, "62000.00"))).body).value();
    BOOST_TEST(fresh.order_id == "00000000-0002-4000-8000-000000000005");
}

BOOST_AUTO_TEST_CASE(restored_open_orders_rest_and_fill_again) {
    traded t;
    restarted r{saved(t.h.core.ex)};
    book_fixture b;
    r.h.core.ex.on_book(b.book, r.h.now());
    mmbot::feed::trade print;
    (void)print.sym.assign("BTCUSDT");
    print.side = mmbot::feed::taker_side::sell;
    print.px = mmbot::core::price::parse("63999.90").value();
    print.qty = mmbot::core::quantity::parse("5").value();
    r.h.core.ex.on_trade(print, r.h.now());
    BOOST_TEST(decode_pushes(r.h.core.ex) ==
               (std::vector<std::string>{"fill rest-1 0.01@64000 maker fee 0.128"}),
               boost::test_tools::per_element());
    // The execution sequence carries on from the saved counter.
    const auto list = result_of(r.h.get("/v5/execution/list?category=linear&limit=1")).at("list").as_array();
    BOOST_TEST(list.at(0).at("execId").as_string() == "00000000-0002-4000-9000-000000000002");
    // The fill moved the restored position: 0.200 + 0.010 long.
    const auto p = result_of(r.h.get("/v5/position/list?category=linear&symbol=BTCUSDT")).at("list").at(0);
    BOOST_TEST(p.at("size").as_string() == "0.210");
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_saved_state_is_refused_naming_the_field) {
    traded t;
    const auto doc = boost::json::parse(saved(t.h.core.ex)).as_object();
    const auto refused = [](const boost::json::object& d) {
        auto s = local::parse_state(boost::json::serialize(d), "/var/venue/state.json");
        BOOST_TEST_REQUIRE(!s.has_value());
        BOOST_TEST((s.error().code == local::errc::state));
        return s.error().message;
    };
    BOOST_TEST(local::parse_state("{not json", "s.json").error().message.starts_with("s.json: not JSON"));
    auto d = doc;
    d["format"] = "something-else";
    BOOST_TEST(refused(d) == R"(/var/venue/state.json: format: expected "mmbot-local-venue-state")");
    d = doc;
    d["version"] = 2;
    BOOST_TEST(refused(d) == "/var/venue/state.json: version: expected 1, got 2");
    d = doc;
    d["orders"].as_array()[1].as_object()["cumExecQty"] = "lots";
    BOOST_TEST(refused(d).starts_with("/var/venue/state.json: orders[1].cumExecQty: "), refused(d));
    d = doc;
    d["orders"].as_array()[0].as_object()["orderStatus"] = "Open";
    BOOST_TEST(refused(d) == R"(/var/venue/state.json: orders[0].orderStatus: unknown value "Open")");
    d = doc;
    d["counters"].as_object().erase("execution");
    BOOST_TEST(refused(d) == "/var/venue/state.json: counters.execution: missing");
    d = doc;
    d["positions"].as_array()[0].as_object()["size"] = 1;
    BOOST_TEST(refused(d) == "/var/venue/state.json: positions[0].size: expected a decimal string");
    d = doc;
    d["coins"] = "none";
    BOOST_TEST(refused(d) == "/var/venue/state.json: coins: expected an array");
}

BOOST_AUTO_TEST_CASE(state_files_are_written_whole_and_a_missing_one_starts_fresh) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const std::filesystem::path dir = tmp != nullptr ? tmp : std::filesystem::temp_directory_path();
    const auto path = dir / "venue-state.json";
    std::filesystem::remove(path);
    harness fresh;
    BOOST_TEST(local::restore_state(path, fresh.core.ex, fresh.now()).value().orders == 0U);

    traded t;
    BOOST_TEST_REQUIRE(local::save_state(path, t.h.core.ex.state()).has_value());
    BOOST_TEST(!std::filesystem::exists(path.string() + ".tmp"));
    harness again;
    const auto counts = local::restore_state(path, again.core.ex, again.now()).value();
    BOOST_TEST(counts.orders == 4U);
    BOOST_TEST(counts.open == 2U);

    std::ofstream(path) << "[]";
    harness bad;
    const auto r = local::restore_state(path, bad.core.ex, bad.now());
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message == path.string() + ": expected a JSON object");
}
