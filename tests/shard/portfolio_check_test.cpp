// The portfolio across shards (risk/portfolio.hpp) and the check that judges it
// (risk/checks/portfolio_limit.hpp): exposure and loss summed exactly across shards, a limit
// broken only by the sum, and the failure semantics (no view yet, a view older than the grace, the
// lease lost, kill --all), each with the verdict's reason, observed value and limit.
#define BOOST_TEST_MODULE portfolio_check
#include "mmbot/risk/checks/portfolio_limit.hpp"
#include "mmbot/risk/gate.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace risk = mmbot::risk;
namespace core = mmbot::core;
using namespace std::chrono_literals;

namespace {

core::notional n(const char* s) { return core::notional::parse(s).value(); }

risk::shard_state one_shard(const std::string& name, const char* pos, const char* mid, const char* open_buy,
                            const char* realized) {
    risk::shard_symbol_state s;
    s.symbol = "BTCUSDT";
    s.position = core::quantity::parse(pos).value();
    s.mid = core::price::parse(mid).value();
    s.open_buy_notional = n(open_buy);
    s.open_sell_notional = n("0");
    s.realized_pnl = n(realized);
    s.unrealized_pnl = n("0");
    return risk::shard_state{name, "local", 1, {s}};
}

struct fixture {
    risk::portfolio_limit check;
    risk::symbol_limits sl;
    risk::global_limits gl;

    risk::verdict judge(std::chrono::nanoseconds now) const {
        return check.check_state(risk::symbol_view{"BTCUSDT", {}, {}, {}, {}, {}, &sl}, risk::bot_view{now, {}, &gl});
    }
    void see(risk::portfolio_view v, risk::portfolio_limits l) {
        check.on(risk::portfolio_seen{std::make_shared<const risk::portfolio_view>(std::move(v)),
                                      std::make_shared<const risk::portfolio_limits>(std::move(l))});
    }
};

/// The view a shard holding its lease makes of `shards` at `t`.
risk::portfolio_view held(const std::vector<risk::shard_state>& shards, std::chrono::nanoseconds t) {
    auto v = risk::aggregate(shards, t);
    v.lease_held = true;
    return v;
}

risk::portfolio_limits btc_limits(const char* gross) {
    risk::portfolio_limits l;
    l.assets["BTC"].max_gross_exposure = n(gross);
    l.max_total_loss = n("100");
    l.grace = 5s;
    return l;
}

}  // namespace

BOOST_AUTO_TEST_CASE(asset_of_strips_the_quote_currency) {
    BOOST_TEST(risk::asset_of("BTCUSDT") == "BTC");
    BOOST_TEST(risk::asset_of("ETHUSDC") == "ETH");
    BOOST_TEST(risk::asset_of("BTCUSD") == "BTC");
    BOOST_TEST(risk::asset_of("USDT") == "USDT");  // nothing left: its own asset
    BOOST_TEST(risk::asset_of("XYZ") == "XYZ");
}

BOOST_AUTO_TEST_CASE(aggregate_sums_exposure_and_loss_exactly_across_shards) {
    // a: long 0.003 at 65000.1 = 195.0003 held + 100.00000001 resting; b: short 0.001 = 65.0001;
    // c: flat with 130.5 resting. gross = 195.0003 + 100.00000001 + 65.0001 + 130.5; net = |195.0003 - 65.0001|.
    const std::vector<risk::shard_state> all = {one_shard("a", "0.003", "65000.1", "100.00000001", "-1.5"),
                                                one_shard("b", "-0.001", "65000.1", "0", "0.25"),
                                                one_shard("c", "0", "65000.1", "130.5", "-0.0000000000000001")};
    const auto v = risk::aggregate(all, 42ns);
    BOOST_TEST(v.shards == 3);
    BOOST_TEST(v.as_of.count() == 42);
    BOOST_TEST(v.exposure.at("BTC").gross == n("490.50040001"));
    BOOST_TEST(v.exposure.at("BTC").net == n("130.0002"));
    BOOST_TEST(v.total_loss == n("1.2500000000000001"));
}

BOOST_AUTO_TEST_CASE(without_a_view_the_check_passes_everything) {
    const fixture f;  // a bot that is not a shard never gets portfolio_seen
    BOOST_TEST(f.judge(1'000'000'000'000ns).passed());
}

BOOST_AUTO_TEST_CASE(the_sum_breaks_the_limit_where_no_shard_alone_does) {
    const auto t = 1'000s;
    const auto shard = [](const char* name) { return one_shard(name, "0", "65000", "260", "0"); };
    fixture f;
    f.see(held({shard("a"), shard("b")}, t), btc_limits("600"));
    BOOST_TEST(f.judge(t).passed());  // 520 <= 600
    f.see(held({shard("a"), shard("b"), shard("c")}, t), btc_limits("600"));
    const auto v = f.judge(t);
    BOOST_TEST((v.act == risk::action::freeze));
    BOOST_TEST(v.reason == "portfolio_exposure");
    BOOST_TEST(v.observed.view() == "780");
    BOOST_TEST(v.limit.view() == "600");
}

BOOST_AUTO_TEST_CASE(net_exposure_and_total_loss_have_their_own_limits) {
    const auto t = 1'000s;
    fixture f;
    auto l = btc_limits("1000000");
    l.assets["BTC"].max_net_exposure = n("100");
    f.see(held({one_shard("a", "0.002", "65000", "0", "0")}, t), l);  // net 130
    BOOST_TEST(f.judge(t).reason == "portfolio_exposure");
    BOOST_TEST(f.judge(t).observed.view() == "130");
    f.see(held({one_shard("a", "0", "65000", "0", "-60"), one_shard("b", "0", "65000", "0", "-40.01")}, t),
          btc_limits("1000000"));
    const auto v = f.judge(t);
    BOOST_TEST(v.reason == "portfolio_loss");
    BOOST_TEST(v.observed.view() == "100.01");
}

BOOST_AUTO_TEST_CASE(a_view_older_than_the_grace_freezes_and_a_fresh_one_passes_again) {
    const auto t = 1'000s;
    fixture f;
    auto v = risk::aggregate({}, t);
    v.lease_held = true;
    f.see(v, btc_limits("600"));
    BOOST_TEST(f.judge(t + 5s).passed());  // exactly the grace: still seen
    const auto stale = f.judge(t + 5s + 1ms);
    BOOST_TEST(stale.reason == "portfolio_unseen");
    BOOST_TEST(stale.observed.view() == "5001");
    BOOST_TEST(stale.limit.view() == "5000");
    v.as_of = t + 6s;
    f.see(v, btc_limits("600"));
    BOOST_TEST(f.judge(t + 6s).passed());
}

BOOST_AUTO_TEST_CASE(a_lost_lease_and_kill_all_freeze_before_anything_else) {
    const auto t = 1'000s;
    fixture f;
    auto v = risk::aggregate({}, t);
    v.lease_held = false;
    f.see(v, btc_limits("600"));
    BOOST_TEST(f.judge(t).reason == "shard_lease_lost");
    v.lease_held = true;
    v.kill_reason = "incident";
    f.see(v, btc_limits("600"));
    BOOST_TEST(f.judge(t).reason == "portfolio_kill_all");
}

BOOST_AUTO_TEST_CASE(the_gate_forwards_the_view_and_judges_orders_by_it) {
    using gate = risk::gate<risk::portfolio_limit>;
    gate g;
    risk::symbol_limits sl;
    risk::global_limits gl;
    const risk::symbol_view s{"BTCUSDT", {}, {}, {}, {}, {}, &sl};
    const risk::bot_view b{1'000s, {}, &gl};
    const risk::order_intent o{"BTCUSDT", core::side::buy, core::price::parse("65000").value(),
                               core::quantity::parse("0.001").value()};
    BOOST_TEST(g.check_order(o, s, b).passed());
    g.on(risk::portfolio_seen{std::make_shared<const risk::portfolio_view>(risk::aggregate({}, 1ns)),
                              std::make_shared<const risk::portfolio_limits>(btc_limits("600"))});
    BOOST_TEST(g.check_order(o, s, b).reason == "shard_lease_lost");
}
