#define BOOST_TEST_MODULE risk
#include <boost/test/unit_test.hpp>

#include "mmbot/risk/checks.hpp"
#include "mmbot/risk/monitor.hpp"
#include "mmbot/risk/windows.hpp"

#include <string>
#include <vector>

using namespace mmbot;
using namespace std::chrono_literals;
using core::side;

namespace {
core::price P(std::string_view s) { return core::price::parse(s).value(); }
core::quantity Q(std::string_view s) { return core::quantity::parse(s).value(); }
core::notional N(std::string_view s) { return core::notional::parse(s).value(); }

struct fixture {
    risk::symbol_limits limits;
    risk::global_limits global;
    risk::symbol_view sym;
    risk::bot_view bot;
    fixture() {
        sym.symbol = "BTCUSDT";
        sym.mid = P("50000");
        sym.last_book_update = 1'000'000'000ns;
        sym.limits = &limits;
        bot.now = 1'000'000'000ns + 10ms;
        bot.limits = &global;
    }
    risk::order_intent order(side s, std::string_view px, std::string_view qty) const {
        return {"BTCUSDT", s, P(px), Q(qty)};
    }
};

template <class Check>
risk::verdict on_order(const fixture& f, const risk::order_intent& o) {
    return risk::judge_order(Check{}, o, f.sym, f.bot);
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(checks, fixture)

BOOST_AUTO_TEST_CASE(inventory_limit_blocks_growth_not_reduction) {
    limits.max_position_qty = Q("1");
    sym.position = Q("0.95");
    auto v = on_order<risk::inventory_limit>(*this, order(side::buy, "49990", "0.1"));
    BOOST_TEST(risk::to_string(v.act) == "block");
    BOOST_TEST(v.reason == "inventory_limit");
    BOOST_TEST(v.observed.view() == "1.05");
    BOOST_TEST(v.limit.view() == "1");
    BOOST_TEST(on_order<risk::inventory_limit>(*this, order(side::sell, "50010", "0.1")).passed());
    BOOST_TEST(on_order<risk::inventory_limit>(*this, order(side::buy, "49990", "0.05")).passed());
}
BOOST_AUTO_TEST_CASE(inventory_limit_in_notional) {
    limits.max_position_notional = N("10000");
    auto v = on_order<risk::inventory_limit>(*this, order(side::sell, "50010", "0.3"));
    BOOST_TEST(v.reason == "inventory_limit");
    BOOST_TEST(v.observed.view() == "15000");
    BOOST_TEST(on_order<risk::inventory_limit>(*this, order(side::sell, "50010", "0.2")).passed());
}
BOOST_AUTO_TEST_CASE(canary_cap_500) {
    limits.canary_max_inventory_notional = N("500");
    BOOST_TEST(on_order<risk::canary_inventory_cap>(*this, order(side::buy, "49990", "0.01")).passed());
    auto v = on_order<risk::canary_inventory_cap>(*this, order(side::buy, "49990", "0.011"));
    BOOST_TEST(v.reason == "canary_inventory_cap");
    BOOST_TEST(v.observed.view() == "550");
}
BOOST_AUTO_TEST_CASE(loss_limit_freezes_on_realized_plus_unrealized) {
    limits.max_loss = N("100");
    sym.realized_pnl = N("-60");
    sym.unrealized_pnl = N("-40");
    BOOST_TEST(risk::loss_limit::check_state(sym, bot).passed());  // exactly at the limit
    sym.unrealized_pnl = N("-40.01");
    auto v = risk::loss_limit::check_state(sym, bot);
    BOOST_TEST(risk::to_string(v.act) == "freeze");
    BOOST_TEST(v.observed.view() == "100.01");
}
BOOST_AUTO_TEST_CASE(total_loss_limit) {
    global.max_total_loss = N("1000");
    bot.total_pnl = N("-1000.5");
    BOOST_TEST(risk::total_loss_limit::check_state(sym, bot).reason == "total_loss_limit");
}
BOOST_AUTO_TEST_CASE(edge_floor_freezes_below_3bps) {
    // mid 50000: 3 bps = 15. A bid at 49985 has exactly 3 bps; 49985.01 has less.
    BOOST_TEST(on_order<risk::edge_floor>(*this, order(side::buy, "49985", "0.01")).passed());
    auto v = on_order<risk::edge_floor>(*this, order(side::buy, "49985.01", "0.01"));
    BOOST_TEST(risk::to_string(v.act) == "freeze");
    BOOST_TEST(v.reason == "edge_below_threshold");
    BOOST_TEST(v.observed.view() == "2.998");  // 14.99 / 50000 x 10^4
    BOOST_TEST(v.limit.view() == "3");
    BOOST_TEST(on_order<risk::edge_floor>(*this, order(side::sell, "50015", "0.01")).passed());
    BOOST_TEST(!on_order<risk::edge_floor>(*this, order(side::sell, "50014.99", "0.01")).passed());
}
BOOST_AUTO_TEST_CASE(stale_market_data_blocks) {
    limits.stale_after = 500ms;
    BOOST_TEST(on_order<risk::stale_market_data>(*this, order(side::buy, "49900", "0.01")).passed());
    bot.now = sym.last_book_update + 501ms;
    auto v = on_order<risk::stale_market_data>(*this, order(side::buy, "49900", "0.01"));
    BOOST_TEST(v.reason == "stale_market_data");
    BOOST_TEST(v.observed.view() == "501");
    sym.last_book_update = 0ns;  // never had a book
    BOOST_TEST(!on_order<risk::stale_market_data>(*this, order(side::buy, "49900", "0.01")).passed());
}
// The stateful checks keep their own evidence from the gate's hooks (risk/hooks.hpp).
BOOST_AUTO_TEST_CASE(venue_latency_freezes) {
    global.max_ack_latency = 200ms;
    bot.now = 10s;
    risk::venue_latency check;
    for (int i = 0; i < 5; ++i) {
        const std::string id = "o" + std::to_string(i);
        check.on(risk::sent_order{id, "BTCUSDT", 9s});
        check.on(risk::acked_order{id, 200ms, 5, 9s + 200ms});
    }
    BOOST_TEST(check.acks_in_window() == 5);
    BOOST_TEST(check.check_state(sym, bot).passed());
    check.on(risk::acked_order{"late", 450ms, 5, 9s});  // the window holds 5: (4 x 200 + 450) / 5
    BOOST_TEST((check.mean_ack_latency() == 250ms));
    auto v = check.check_state(sym, bot);
    BOOST_TEST(v.reason == "venue_latency");
    BOOST_TEST(v.observed.view() == "250000");
    // Leaving a freeze forgets the latencies that caused it.
    check.on(risk::resumed{10s});
    BOOST_TEST(check.acks_in_window() == 0);
    BOOST_TEST(check.check_state(sym, bot).passed());
}
BOOST_AUTO_TEST_CASE(a_silent_venue_freezes_without_any_ack_to_average) {
    global.max_unanswered = 10s;
    risk::venue_latency check;
    check.on(risk::sent_order{"a", "BTCUSDT", 1s});
    check.on(risk::sent_order{"b", "BTCUSDT", 2s});
    bot.now = 11s;  // "a" has waited exactly the limit
    BOOST_TEST(check.acks_in_window() == 0);
    BOOST_TEST(check.check_state(sym, bot).passed());
    bot.now = 11s + 1ms;
    auto v = check.check_state(sym, bot);
    BOOST_TEST(v.reason == "venue_latency");
    BOOST_TEST(v.observed.view() == "10001000");
    BOOST_TEST(v.limit.view() == "10000000");
    // Any answer clears an order: a reject or cancel (on_answer), a fill.
    check.on(risk::answered_order{"a", 11s});
    BOOST_TEST(check.check_state(sym, bot).passed());
    bot.now = 12s + 1ms;
    BOOST_TEST(!check.check_state(sym, bot).passed());
    check.on(risk::filled_order{"b", "BTCUSDT", 12s});
    BOOST_TEST(check.check_state(sym, bot).passed());
}
// A bot whose data went stale cancels its quotes instead of placing: into a dead network those
// cancels are the requests left unanswered, and a quote whose cancel was never confirmed may still
// rest at a stale price. The wait runs from the first cancel until the order's end is confirmed.
BOOST_AUTO_TEST_CASE(an_unconfirmed_cancel_freezes_like_an_unanswered_order) {
    global.max_unanswered = 10s;
    risk::venue_latency check;
    check.on(risk::sent_order{"a", "BTCUSDT", 1s});
    check.on(risk::acked_order{"a", 5ms, 20});
    check.on(risk::cancel_sent{"a", 3s});
    bot.now = 13s;
    BOOST_TEST(check.check_state(sym, bot).passed());
    bot.now = 13s + 1ms;
    auto v = check.check_state(sym, bot);
    BOOST_TEST(v.reason == "venue_latency");
    BOOST_TEST(v.observed.view() == "10001000");
    check.on(risk::answered_order{"a", 13s});  // the cancel confirmed
    BOOST_TEST(check.check_state(sym, bot).passed());
    // A cancel of an order whose create is still unanswered keeps the earlier start.
    check.on(risk::sent_order{"b", "BTCUSDT", 20s});
    check.on(risk::cancel_sent{"b", 25s});
    bot.now = 30s + 1ms;
    BOOST_TEST(!check.check_state(sym, bot).passed());
}
BOOST_AUTO_TEST_CASE(order_rate_cap_blocks) {
    global.max_orders_per_second = 10;
    risk::order_rate_cap check;
    for (int i = 0; i < 9; ++i) check.on(risk::sent_order{"x", "BTCUSDT", 5s + i * 10ms});
    bot.now = 5s + 500ms;
    BOOST_TEST(check.check_order(order(side::buy, "49900", "0.01"), sym, bot).passed());
    check.on(risk::sent_order{"x", "BTCUSDT", 5s + 400ms});
    BOOST_TEST(check.check_order(order(side::buy, "49900", "0.01"), sym, bot).reason == "order_rate");
    bot.now = 6s + 500ms;  // a second later the window is empty again
    BOOST_TEST(check.last_second(bot.now) == 0);
    BOOST_TEST(check.check_order(order(side::buy, "49900", "0.01"), sym, bot).passed());
}
BOOST_AUTO_TEST_CASE(max_order_notional_blocks) {
    limits.max_order_notional = N("1000");
    BOOST_TEST(on_order<risk::max_order_notional>(*this, order(side::buy, "50000", "0.02")).passed());
    auto v = on_order<risk::max_order_notional>(*this, order(side::buy, "50000", "0.02000001"));
    BOOST_TEST(v.reason == "max_order_notional");
    BOOST_TEST(v.observed.view() == "1000.0005");
}
BOOST_AUTO_TEST_CASE(price_band_blocks_far_orders) {
    limits.price_band_bps = core::bps::parse("100").value();  // 1 % of 50000 = 500
    BOOST_TEST(on_order<risk::price_band>(*this, order(side::buy, "49500", "0.01")).passed());
    auto v = on_order<risk::price_band>(*this, order(side::buy, "49499.99", "0.01"));
    BOOST_TEST(v.reason == "price_band");
    BOOST_TEST(on_order<risk::price_band>(*this, order(side::sell, "50500", "0.01")).passed());
    BOOST_TEST(!on_order<risk::price_band>(*this, order(side::sell, "50500.01", "0.01")).passed());
}

BOOST_AUTO_TEST_SUITE_END()

using test_gate = risk::gate<risk::inventory_limit, risk::price_band, risk::edge_floor,
                             risk::loss_limit, risk::venue_latency>;

BOOST_FIXTURE_TEST_CASE(gate_prefers_freeze_over_earlier_block, fixture) {
    limits.max_position_qty = Q("0.001");
    test_gate g;
    // Blocked by inventory AND freezing on edge (ask 50001 is 0.2 bps from mid): freeze wins.
    auto v = g.check_order(order(side::sell, "50001", "0.01"), sym, bot);
    BOOST_TEST(v.reason == "edge_below_threshold");
    // Only the block.
    v = g.check_order(order(side::sell, "50100", "0.01"), sym, bot);
    BOOST_TEST(v.reason == "inventory_limit");
    BOOST_TEST(test_gate::names.size() == 5U);
    BOOST_TEST(test_gate::names[2] == "edge_below_threshold");
    static_assert(risk::gate_contains_v<test_gate, risk::price_band>);
    static_assert(!risk::gate_contains_v<test_gate, risk::canary_inventory_cap>);
}

BOOST_FIXTURE_TEST_CASE(monitor_freezes_once_and_blocks_until_unfrozen, fixture) {
    risk::monitor<test_gate> m;
    int handler_calls = 0;
    m.on_freeze([&](const risk::freeze_event& e) {
        ++handler_calls;
        BOOST_TEST(e.reason == "edge_below_threshold");
        BOOST_TEST(e.symbol == "BTCUSDT");
        BOOST_TEST(e.observed == "0.2");
        BOOST_TEST(e.limit == "3");
    });
    auto v = m.check_order(order(side::sell, "50001", "0.01"), sym, bot);
    BOOST_TEST(risk::to_string(v.act) == "freeze");
    BOOST_TEST(m.frozen());
    v = m.check_order(order(side::sell, "50000.5", "0.01"), sym, bot);  // inside the floor again
    BOOST_TEST(v.reason == "frozen");
    BOOST_TEST(handler_calls == 1);  // one event per freeze
    BOOST_TEST(m.freeze_count() == 1);
    BOOST_TEST(m.unfreeze());
    BOOST_TEST(m.check_order(order(side::sell, "50100", "0.01"), sym, bot).passed());
}

BOOST_FIXTURE_TEST_CASE(kill_switch_freeze_overrides_and_never_cools_down, fixture) {
    risk::monitor<test_gate> m{test_gate{}, 60s};
    std::vector<std::string> events;
    m.on_freeze([&](const risk::freeze_event& e) { events.push_back(e.reason); });
    limits.max_loss = N("10");
    sym.realized_pnl = N("-11");
    (void)m.on_tick(sym, bot);
    // Already frozen by the loss limit: the kill switch still takes effect (cancel-all again)
    // and becomes the freeze of record.
    m.freeze_manually(risk::freeze_reason{"kill_switch_signal", risk::release::operator_only}, bot.now);
    BOOST_TEST(events == (std::vector<std::string>{"loss_limit", "kill_switch_signal"}),
               boost::test_tools::per_element());
    BOOST_TEST(m.last_freeze()->reason == "kill_switch_signal");
    BOOST_TEST(m.last_freeze()->symbol == "*");
    sym.realized_pnl = N("0");
    bot.now += 3600s;
    (void)m.on_tick(sym, bot);
    BOOST_TEST(m.frozen());  // no cool-down for a kill switch
    BOOST_TEST(m.check_order(order(side::sell, "50100", "0.01"), sym, bot).reason == "frozen");
    BOOST_TEST(m.unfreeze());
    BOOST_TEST(m.check_order(order(side::sell, "50100", "0.01"), sym, bot).passed());
}

// Stickiness is the reason's typed `release`, not its spelling: a cool_down freeze named like a
// kill switch still cools down, and an operator_only one with any label does not.
BOOST_FIXTURE_TEST_CASE(freeze_stickiness_comes_from_the_release_not_the_label, fixture) {
    risk::monitor<test_gate> m{test_gate{}, 60s};
    m.freeze_manually("kill_switch_lookalike", bot.now);  // a plain string: release::cool_down
    BOOST_TEST((m.last_freeze()->how == risk::release::cool_down));
    bot.now += 61s;
    BOOST_TEST(m.cool_down(bot.now));
    BOOST_TEST(!m.frozen());
    m.freeze_manually(risk::freeze_reason{"drill", risk::release::operator_only}, bot.now);
    bot.now += 3600s;
    BOOST_TEST(!m.cool_down(bot.now));
    BOOST_TEST(m.frozen());
}

BOOST_FIXTURE_TEST_CASE(monitor_tick_freezes_on_loss_and_cools_down, fixture) {
    risk::monitor<test_gate> m{test_gate{}, 60s};
    limits.max_loss = N("10");
    sym.realized_pnl = N("-11");
    auto v = m.on_tick(sym, bot);
    BOOST_TEST(v.reason == "loss_limit");
    BOOST_TEST(m.frozen());
    BOOST_TEST(m.last_freeze()->observed == "11");
    bot.now += 59s;
    m.on_tick(sym, bot);
    BOOST_TEST(m.frozen());
    bot.now += 1s;
    sym.realized_pnl = N("0");
    m.on_tick(sym, bot);
    BOOST_TEST(!m.frozen());
    BOOST_TEST(m.freezes_by_reason().at("loss_limit") == 1);
}

BOOST_AUTO_TEST_CASE(rolling_windows) {
    risk::rolling_count<64> rate{1s};
    for (int i = 0; i < 10; ++i) rate.record(std::chrono::milliseconds(i * 200));
    BOOST_TEST(rate.count(1800ms) == 5);  // strictly after 800 ms: 1000, 1200, 1400, 1600, 1800
    risk::latency_window<32> lat;
    lat.record(100ms, 3);
    lat.record(200ms, 3);
    lat.record(300ms, 3);
    lat.record(400ms, 3);
    BOOST_TEST(lat.mean().count() == std::chrono::nanoseconds(300ms).count());
    BOOST_TEST(lat.count() == 3);
}
