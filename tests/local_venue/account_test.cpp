// tests/local_venue/account_test.cpp
//
// The local venue's account (account.hpp, account_api.hpp; issue 14): fills and fees move linear
// positions and coin balances exactly (average entry rounded against the holder, realised PnL on
// reducing and flipping, fees as realised PnL), spot fills move the coins; wallet-balance and
// position/list report them (unrealised PnL at the mark, else the mid); account/info and
// user/query-api answer what a client's start-up asks; --balance sets the starting coins.
#define BOOST_TEST_MODULE local_venue_account
#include "testing/local_venue/account.hpp"
#include "testing/local_venue/options.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace venue_test;  // NOLINT(google-build-using-namespace): the shared harness

namespace {

using mmbot::core::notional;
using mmbot::core::price;
using mmbot::core::quantity;
using mmbot::core::side;

local::fill_facts fill(bybit::category cat, side s, std::string_view px, std::string_view qty, std::string_view fee) {
    return {cat, "BTCUSDT", s, price::parse(px).value(),
            quantity::parse(qty).value(), notional::parse(fee).value(), t0_ms, 1, {2, 3}};
}

/// A venue where a GTC buy of 0.200 at the ask took 0.200 @ 65000.10 (taker fee 7.150011).
struct filled_long {
    harness h;
    book_fixture b;
    filled_long() {
        h.on_book(b.book);
        (void)h.send(create(order("gtc-1", side::buy, "65000.10", "0.200", false)));
        (void)h.core.ex.take_pushes();
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(linear_fills_move_the_position_and_the_wallet_exactly) {
    local::account acct{{{"USDT", notional::parse("1000").value(), {}}}};
    acct.on_fill(fill(bybit::category::linear, side::buy, "65000.10", "0.010", "0.35750055"));
    const local::position_record* p = acct.position("BTCUSDT");
    BOOST_TEST_REQUIRE(p != nullptr);
    BOOST_TEST(p->size.to_string() == "0.01");
    BOOST_TEST(p->avg.to_string() == "65000.1");
    BOOST_TEST(p->cur_realised.to_string() == "-0.35750055");  // the fee is realised PnL
    BOOST_TEST(acct.coin("USDT")->balance.to_string() == "999.64249945");

    // Adding: (650.001 + 1300) / 0.030 = 65000.0333..., kept at 8 digits, rounded up for a long.
    acct.on_fill(fill(bybit::category::linear, side::buy, "65000.00", "0.020", "0.715"));
    BOOST_TEST(p->avg.to_string() == "65000.03333334");
    BOOST_TEST(p->size.to_string() == "0.03");

    // Selling 0.040: closes 0.030 for (65010 - 65000.03333334) x 0.030, opens 0.010 short at 65010.
    acct.on_fill(fill(bybit::category::linear, side::sell, "65010.00", "0.040", "1.43022"));
    BOOST_TEST((p->side == side::sell));
    BOOST_TEST(p->size.to_string() == "0.01");
    BOOST_TEST(p->avg.to_string() == "65010");
    BOOST_TEST(p->cur_realised.to_string() == "-1.43022");  // a new holding: its own fill's fee
    BOOST_TEST(p->cum_realised.to_string() == "-2.2037205502");
    BOOST_TEST(acct.coin("USDT")->balance.to_string() == "997.7962794498");
    BOOST_TEST(acct.coin("USDT")->cum_realised.to_string() == "-2.2037205502");
    BOOST_TEST(p->unrealised(price::parse("65000").value()).to_string() == "0.1");  // short gains

    // Back to flat: no side, no average.
    acct.on_fill(fill(bybit::category::linear, side::buy, "65010.00", "0.010", "0"));
    BOOST_TEST(p->flat());
    BOOST_TEST(p->avg.is_zero());
    BOOST_TEST(p->opened_ms == 0);
}

BOOST_AUTO_TEST_CASE(spot_fills_move_the_coins) {
    local::account acct{{{"USDT", notional::parse("1000").value(), {}}}};
    acct.on_fill(fill(bybit::category::spot, side::buy, "100.00", "0.500", "0.05"));
    BOOST_TEST(acct.coin("BTC")->balance.to_string() == "0.5");
    BOOST_TEST(acct.coin("USDT")->balance.to_string() == "949.95");
    acct.on_fill(fill(bybit::category::spot, side::sell, "110.00", "0.200", "0.02"));
    BOOST_TEST(acct.coin("BTC")->balance.to_string() == "0.3");
    BOOST_TEST(acct.coin("USDT")->balance.to_string() == "971.93");
    BOOST_TEST(acct.positions().empty());
}

BOOST_AUTO_TEST_CASE(wallet_balance_reports_fills_fees_and_the_mark) {
    filled_long f;
    auto r = result_of(f.h.get("/v5/account/wallet-balance?accountType=UNIFIED"));
    const auto account = r.at("list").at(0).as_object();
    BOOST_TEST(account.at("accountType").as_string() == "UNIFIED");
    const auto usdt = account.at("coin").at(0).as_object();
    BOOST_TEST(usdt.at("coin").as_string() == "USDT");
    BOOST_TEST(usdt.at("walletBalance").as_string() == "99992.849989");  // 100000 - 7.150011
    // No ticker: the mark is the mid, 65000.05: (65000.05 - 65000.10) x 0.2.
    BOOST_TEST(usdt.at("unrealisedPnl").as_string() == "-0.01");
    BOOST_TEST(usdt.at("equity").as_string() == "99992.839989");
    BOOST_TEST(usdt.at("cumRealisedPnl").as_string() == "-7.150011");
    BOOST_TEST(usdt.at("usdValue").as_string() == "99992.839989");
    BOOST_TEST(usdt.at("availableToWithdraw").as_string() == "");
    BOOST_TEST(account.at("totalWalletBalance").as_string() == "99992.849989");
    BOOST_TEST(account.at("totalPerpUPL").as_string() == "-0.01");
    BOOST_TEST(account.at("totalEquity").as_string() == "99992.839989");

    // With the capture's markPrice, positions are valued at it.
    mmbot::feed::ticker t;
    (void)t.sym.assign("BTCUSDT");
    t.mark_price = price::parse("65001.10").value();
    f.h.core.market.on_ticker(t);
    r = result_of(f.h.get("/v5/account/wallet-balance?accountType=UNIFIED&coin=USDT,BTC"));
    BOOST_TEST(r.at("list").at(0).at("coin").at(0).at("unrealisedPnl").as_string() == "0.2");
    BOOST_TEST(r.at("list").at(0).at("coin").as_array().size() == 1U);  // no BTC held

    BOOST_TEST(refusal(f.h.get("/v5/account/wallet-balance?accountType=CONTRACT")) ==
               R"(10001 params error: accountType: only UNIFIED (a unified trading account) here, got "CONTRACT")");
    BOOST_TEST(refusal(f.h.get("/v5/account/wallet-balance")) == "10001 params error: accountType: missing");
    BOOST_TEST(refusal(f.h.get("/v5/account/wallet-balance?accountType=UNIFIED", false)) ==
               "10003 API key is invalid.");
}

BOOST_AUTO_TEST_CASE(position_list_reports_the_position_and_refuses_as_bybit_does) {
    filled_long f;
    auto r = result_of(f.h.get("/v5/position/list?category=linear&settleCoin=USDT&limit=200"));
    BOOST_TEST(r.at("category").as_string() == "linear");
    BOOST_TEST(r.at("nextPageCursor").as_string() == "");
    BOOST_TEST_REQUIRE(r.at("list").as_array().size() == 1U);
    const auto p = r.at("list").at(0).as_object();
    BOOST_TEST(p.at("symbol").as_string() == "BTCUSDT");
    BOOST_TEST(p.at("side").as_string() == "Buy");
    BOOST_TEST(p.at("size").as_string() == "0.200");
    BOOST_TEST(p.at("avgPrice").as_string() == "65000.10");
    BOOST_TEST(p.at("positionValue").as_string() == "13000.02");
    BOOST_TEST(p.at("markPrice").as_string() == "65000.05");
    BOOST_TEST(p.at("unrealisedPnl").as_string() == "-0.01");
    BOOST_TEST(p.at("curRealisedPnl").as_string() == "-7.150011");
    BOOST_TEST(p.at("positionIdx").as_int64() == 0);
    BOOST_TEST(p.at("createdTime").as_string() == std::to_string(t0_ms));

    // By name: the row even without a position.
    r = result_of(f.h.get("/v5/position/list?category=linear&symbol=ETHUSDT"));
    const auto flat = r.at("list").at(0).as_object();
    BOOST_TEST(flat.at("size").as_string() == "0.00");
    BOOST_TEST(flat.at("side").as_string() == "");
    BOOST_TEST(result_of(f.h.get("/v5/position/list?category=inverse")).at("list").as_array().empty());

    BOOST_TEST(refusal(f.h.get("/v5/position/list?category=linear")) ==
               "10001 params error: symbol or settleCoin: one is required for linear");
    BOOST_TEST(refusal(f.h.get("/v5/position/list?category=spot&settleCoin=USDT")) ==
               R"(10001 params error: category: positions exist for linear, inverse and option, got "spot")");
    BOOST_TEST(refusal(f.h.get("/v5/position/list?category=linear&symbol=DOGEUSDT")) ==
               R"(10001 params error: symbol: "DOGEUSDT" is not listed for linear)");
    BOOST_TEST(refusal(f.h.get("/v5/position/list?category=linear&settleCoin=USDT&limit=201")) ==
               R"(10001 params error: limit: expected an integer in 1..200, got "201")");
}

// What ccxt's bybit asks before its first order: the key's permissions and the account's type.
BOOST_AUTO_TEST_CASE(account_info_query_api_and_coins_answer_a_client_start_up) {
    harness h;
    h.core.started_ms = t0_ms;
    auto api_key = result_of(h.get("/v5/user/query-api"));
    BOOST_TEST(api_key.at("apiKey").as_string() == venue_test::key);
    BOOST_TEST(api_key.at("secret").as_string() == "");  // never the secret
    BOOST_TEST(api_key.at("readOnly").as_int64() == 0);
    BOOST_TEST(api_key.at("uta").as_int64() == 1);
    BOOST_TEST(api_key.at("createdAt").as_string() == "2026-08-09T21:20:00Z");
    BOOST_TEST(boost::json::serialize(api_key.at("permissions").at("ContractTrade")) == R"(["Order","Position"])");
    BOOST_TEST(h.get("/v5/user/query-api").body.find(venue_test::secret) == std::string::npos);

    const auto info = result_of(h.get("/v5/account/info"));
    BOOST_TEST(info.at("unifiedMarginStatus").as_int64() == 5);
    BOOST_TEST(info.at("marginMode").as_string() == "REGULAR_MARGIN");

    const auto coins = result_of(h.get("/v5/asset/coin/query-info")).at("rows").as_array();
    std::vector<std::string> names;
    for (const auto& c : coins) names.emplace_back(c.at("coin").as_string());
    BOOST_TEST(names == (std::vector<std::string>{"BTC", "ETH", "USDT"}), boost::test_tools::per_element());
    BOOST_TEST(result_of(h.get("/v5/asset/coin/query-info?coin=ETH")).at("rows").as_array().size() == 1U);
}

BOOST_AUTO_TEST_CASE(balance_flag_sets_the_starting_coins) {
    const std::vector<std::string_view> args{"--credentials-file", "c", "--balance", "USDT:500.5", "--balance", "BTC:2"};
    const auto o = local::parse_options(args).value();
    BOOST_TEST_REQUIRE(o.balances.size() == 2U);
    BOOST_TEST(o.balances[0].coin == "USDT");
    BOOST_TEST(o.balances[0].balance.to_string() == "500.5");
    BOOST_TEST(o.balances[1].balance.to_string() == "2");
    for (const std::string_view bad : {"USDT", "usdt:1", ":1", "USDT:1e3"}) {
        const std::vector<std::string_view> a{"--credentials-file", "c", "--balance", bad};
        const auto r = local::parse_options(a);
        BOOST_TEST_REQUIRE(!r.has_value(), bad);
        BOOST_TEST(r.error().message.starts_with("--balance: "), r.error().message);
    }
    local::exchange_options opts;
    opts.start_balances = o.balances;
    harness h{std::move(opts)};
    const auto r = result_of(h.get("/v5/account/wallet-balance?accountType=UNIFIED"));
    BOOST_TEST(r.at("list").at(0).at("coin").as_array().size() == 2U);
}
