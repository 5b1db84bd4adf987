// tests/venue/bybit/private_stream_test.cpp
//
// Private WebSocket frames (Bybit's documented shapes) into sink calls: acks, rejects, cancels with
// EC_PostOnlyWillTakeLiquidity, exact fees, foreign orders, non-trade executions, control frames,
// and all-or-nothing handling of a malformed message.
#define BOOST_TEST_MODULE bybit_private_stream
#include "mmbot/venue/bybit/private_stream.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace bybit = mmbot::venue::bybit;
using mmbot::core::notional;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

struct recorder {
    std::vector<std::string> calls;
    std::vector<bybit::execution> fills;
    std::vector<std::string> fill_ids;  // the views die with the message; keep copies
    void on_ack(std::string_view id, std::string_view venue_id, std::chrono::nanoseconds at) {
        calls.push_back(fmt::format("ack {} {} {}", id, venue_id, at.count()));
    }
    void on_reject(std::string_view id, std::string_view why, std::chrono::nanoseconds at) {
        calls.push_back(fmt::format("reject {} {} {}", id, why, at.count()));
    }
    void on_cancel(std::string_view id, std::string_view why, std::chrono::nanoseconds at) {
        calls.push_back(fmt::format("cancel {} {} {}", id, why, at.count()));
    }
    void on_fill(const bybit::execution& e) {
        fills.push_back(e);
        fill_ids.push_back(fmt::format("{} {}", e.client_order_id, e.exec_id));
        calls.push_back("fill");
    }
};

std::string order_msg(std::string_view status, std::string_view link,
                      std::string_view reject = "EC_NoError",
                      std::string_view cancel_type = "UNKNOWN") {
    return fmt::format(
        R"({{"id":"5923240c6880ab-c59f-420b-9adb-3639adc9dd90","topic":"order","creationTime":1672364262474,"data":[{{"symbol":"BTCUSDT","orderId":"oid-{}","side":"Buy","orderType":"Limit","cancelType":"{}","price":"65000.10","qty":"0.010","timeInForce":"PostOnly","orderStatus":"{}","orderLinkId":"{}","leavesQty":"0.010","cumExecQty":"0","cumExecFee":"0","createdTime":"1672364262444","updatedTime":"1672364262457","rejectReason":"{}","category":"linear"}}]}})",
        link, cancel_type, status, link, reject);
}

constexpr std::string_view execution_msg = R"({"topic":"execution","id":"386825804_BTCUSDT_140612148849382",
  "creationTime":1746270400355,"data":[
  {"category":"linear","symbol":"BTCUSDT","execFee":"0.00000012345678","execId":"e-1","execPrice":"65000.10",
   "execQty":"0.004","execType":"Trade","execValue":"260.0004","isMaker":true,"feeRate":"0.0002",
   "orderId":"oid-mm-1","orderLinkId":"mm-1","orderPrice":"65000.10","orderQty":"0.010",
   "orderType":"Limit","side":"Buy","execTime":"1746270400353","seq":1},
  {"category":"linear","symbol":"BTCUSDT","execFee":"-0.0052","execId":"e-2","execPrice":"65000.10",
   "execQty":"0.006","execType":"Trade","isMaker":true,"orderId":"oid-mm-1","orderLinkId":"mm-1",
   "side":"Buy","execTime":"1746270400360","seq":2},
  {"category":"linear","symbol":"BTCUSDT","execFee":"0.1","execId":"f-1","execPrice":"65000",
   "execQty":"0.01","execType":"Funding","orderId":"","orderLinkId":"","side":"Buy",
   "execTime":"1746270400361","seq":3},
  {"category":"linear","symbol":"BTCUSDT","execFee":"0.1","execId":"m-1","execPrice":"65000",
   "execQty":"0.01","execType":"Trade","orderId":"manual","orderLinkId":"","side":"Buy",
   "execTime":"1746270400362","seq":4}]})";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out(text);
    out.replace(out.find(from), from.size(), to);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(order_statuses_map_to_sink_calls) {
    bybit::private_stream s;
    recorder r;
    BOOST_TEST((s.handle(order_msg("New", "mm-1"), r).value() == bybit::stream_event::orders));
    BOOST_TEST_REQUIRE(s.handle(order_msg("PartiallyFilled", "mm-1"), r).has_value());
    BOOST_TEST_REQUIRE(s.handle(order_msg("Filled", "mm-1"), r).has_value());
    BOOST_TEST_REQUIRE(s.handle(order_msg("Cancelled", "mm-2", "EC_PostOnlyWillTakeLiquidity"), r)
                           .has_value());
    BOOST_TEST_REQUIRE(
        s.handle(order_msg("Cancelled", "mm-3", "EC_NoError", "CancelByUser"), r).has_value());
    BOOST_TEST_REQUIRE(s.handle(order_msg("PartiallyFilledCanceled", "mm-4", "", "CancelAllBeforeLiq"), r)
                           .has_value());
    BOOST_TEST_REQUIRE(s.handle(order_msg("Rejected", "mm-5", "EC_InsufficientBalance"), r)
                           .has_value());
    BOOST_TEST_REQUIRE(s.handle(order_msg("New", ""), r).has_value());  // a manual order
    const std::vector<std::string> expected{
        "ack mm-1 oid-mm-1 1672364262457000000",
        "cancel mm-2 EC_PostOnlyWillTakeLiquidity 1672364262457000000",
        "cancel mm-3 CancelByUser 1672364262457000000",
        "cancel mm-4 CancelAllBeforeLiq 1672364262457000000",
        "reject mm-5 EC_InsufficientBalance 1672364262457000000",
    };
    BOOST_TEST(r.calls == expected, boost::test_tools::per_element());
    BOOST_TEST(s.stats().acks == 1);
    BOOST_TEST(s.stats().cancels == 3);
    BOOST_TEST(s.stats().rejects == 1);
    BOOST_TEST(s.stats().foreign == 1);
}

BOOST_AUTO_TEST_CASE(executions_are_fills_with_exact_fees) {
    bybit::private_stream s;
    recorder r;
    auto k = s.handle(execution_msg, r);
    BOOST_TEST_REQUIRE(k.has_value(), (k ? "" : k.error().message));
    BOOST_TEST((*k == bybit::stream_event::executions));
    BOOST_TEST_REQUIRE(r.fills.size() == 2U);
    BOOST_TEST(r.fill_ids[0] == "mm-1 e-1");
    BOOST_TEST(r.fills[0].price == price::parse("65000.1").value());
    BOOST_TEST(r.fills[0].qty == quantity::parse("0.004").value());
    BOOST_TEST(r.fills[0].fee == notional::parse("0.00000012345678").value());
    BOOST_TEST(r.fills[0].at.count() == 1746270400353000000LL);
    BOOST_TEST(r.fills[0].is_maker);
    BOOST_TEST(r.fills[1].fee == notional::parse("-0.0052").value());  // a maker rebate
    BOOST_TEST(s.stats().other_executions == 1);
    BOOST_TEST(s.stats().foreign == 1);
}

BOOST_AUTO_TEST_CASE(a_malformed_item_applies_nothing) {
    bybit::private_stream s;
    recorder r;
    const auto bad = replaced(execution_msg, R"("execFee":"-0.0052")", R"("execFee":"1e-3")");
    auto k = s.handle(bad, r);
    BOOST_TEST_REQUIRE(!k.has_value());
    BOOST_TEST(k.error().code == mmbot::core::errc::decimal_exponent);
    BOOST_TEST(k.error().message.starts_with("data[1].execFee: "));
    BOOST_TEST(r.calls.empty());  // data[0] was fine but is not applied either

    const auto no_id = replaced(execution_msg, R"("execId":"e-1")", R"("execId":"")");
    BOOST_TEST(s.handle(no_id, r).error().message == "data[0].execId: must not be empty");

    // Found by fuzzing: a millisecond time whose nanosecond count overflows int64.
    const auto far = replaced(execution_msg, R"("execTime":"1746270400353")",
                              R"("execTime":"16723642624557")");
    BOOST_TEST(s.handle(far, r).error().message ==
               "data[0].execTime: timestamp out of range, got 16723642624557");

    BOOST_TEST(s.handle(order_msg("Sleeping", "mm-1"), r).error().message ==
               R"(data[0].orderStatus: unknown order status "Sleeping")");
    BOOST_TEST(s.handle(R"({"topic":"order","data":{}})", r).error().message ==
               "data: expected an array, got object {}");
    BOOST_TEST(s.handle("{", r).error().code == mmbot::venue::bybit::errc::json_syntax);
}

BOOST_AUTO_TEST_CASE(control_frames) {
    bybit::private_stream s;
    recorder r;
    BOOST_TEST((s.handle(R"({"success":true,"ret_msg":"","op":"auth","conn_id":"c1"})", r).value() ==
                bybit::stream_event::auth_ok));
    BOOST_TEST((s.handle(R"({"success":true,"ret_msg":"","op":"subscribe","conn_id":"c1"})", r)
                    .value() == bybit::stream_event::subscribed));
    BOOST_TEST((s.handle(R"({"req_id":"","op":"pong","args":["1675418560633"],"conn_id":"c1"})", r)
                    .value() == bybit::stream_event::pong));
    BOOST_TEST((s.handle(R"({"topic":"wallet","data":[]})", r).value() ==
                bybit::stream_event::ignored));
    auto refused = s.handle(
        R"({"success":false,"ret_msg":"Request not authorized","op":"auth","conn_id":"c1"})", r);
    BOOST_TEST(refused.error().code == mmbot::venue::bybit::errc::ws_auth);
    BOOST_TEST(refused.error().message == "auth: refused: Request not authorized");
    BOOST_TEST(r.calls.empty());
}
