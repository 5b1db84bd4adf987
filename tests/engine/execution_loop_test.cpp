// Integration tests of the execution loop over a scripted venue and a fake clock: the order path
// (policy -> risk -> journal -> venue), fills into positions, and the predecessor's freeze drill
// (low edge -> freeze -> idempotent cancel-all).
#define BOOST_TEST_MODULE execution_loop
#include <boost/test/unit_test.hpp>

#include "loop_harness.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace mmbot;
using namespace std::chrono_literals;

using namespace mmbot::engine::test;

BOOST_AUTO_TEST_CASE(quotes_both_sides_on_the_grid_journaled_before_send) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    const auto& bid = h.venue.orders[0];
    const auto& ask = h.venue.orders[1];
    // mid 50000.05, half-spread 5 bps -> refs 49975.0475 / 50025.0525; post-only 1.5 bps away,
    // rounded away from the book on the 0.10 grid.
    BOOST_TEST(bid.side == core::side::buy);
    BOOST_TEST(bid.price.to_string(2) == "49967.50");
    BOOST_TEST(ask.price.to_string(2) == "50032.60");
    BOOST_TEST(bid.post_only);
    BOOST_TEST(bid.qty.to_string() == "0.01");
    BOOST_TEST(bid.journal_seq_at_send == 1U);  // its new_order record was already on disk
    BOOST_TEST(ask.journal_seq_at_send == 2U);
    BOOST_TEST(h.loop->stats().orders_placed == 2);
    BOOST_TEST(h.loop->store().open_count() == 2U);

    // A small move keeps the quotes; a large one replaces them.
    h.book("50000.1", "50000.2");
    BOOST_TEST(h.venue.orders.size() == 2U);
    h.book("50100.0", "50100.1");
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(h.venue.orders.size() == 4U);
    BOOST_TEST(h.loop->stats().requotes == 2);
}

BOOST_AUTO_TEST_CASE(fills_update_positions_and_stats) {
    harness h;
    h.book("50000.0", "50000.1");
    const auto bid = h.venue.orders[0];
    h.loop->on_ack(bid.client_order_id, "v-1", h.clock.now() + 5ms);
    // on_fill says whether the fill changed the position: how a read-back fill is told from one
    // the push had already delivered (fills recovered).
    BOOST_TEST(h.loop->on_fill(fill_event{bid.client_order_id, "e-1", bid.price, Q("0.004"),
                                          core::notional::parse("0.04").value(), h.clock.now() + 6ms}));
    BOOST_TEST(!h.loop->on_fill(fill_event{bid.client_order_id, "e-1", bid.price, Q("0.004"),
                                           core::notional::parse("0.04").value(), h.clock.now() + 6ms}));
    BOOST_TEST(h.loop->on_fill(fill_event{bid.client_order_id, "e-2", bid.price, Q("0.006"),
                                          core::notional::parse("0.06").value(), h.clock.now() + 7ms}));
    BOOST_TEST(!h.loop->on_fill(fill_event{"mm-unknown", "e-3", bid.price, Q("0.001"),
                                           core::notional::parse("0.01").value(), h.clock.now() + 8ms}));
    BOOST_TEST(h.loop->stats().fills == 2);
    BOOST_TEST(h.loop->stats().duplicate_events == 1);  // the repeated exec id
    BOOST_TEST(h.loop->stats().fills_for_unknown_orders == 1);
    BOOST_TEST(h.loop->stats().orders_filled == 1);
    BOOST_TEST(h.loop->positions().qty("BTCUSDT").to_string() == "0.01");
    BOOST_TEST(h.loop->positions().find("BTCUSDT")->fees.to_string() == "0.1");
    BOOST_TEST(h.sink.str().find("\"msg\":\"fill\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(blocked_intents_are_counted_and_logged_with_reason) {
    harness h;
    // A crossed book: the policy refuses to quote (no market), every attempt counted.
    h.book("50000.0", "49999.0");
    BOOST_TEST(h.venue.orders.empty());
    // Place directly with a reference above the ask: cross_price.
    h.book("50000.0", "50000.1");
    auto id = h.loop->place("BTCUSDT", core::side::buy, Q("0.01"), P("50010"));
    BOOST_TEST(!id.has_value());
    BOOST_TEST(h.loop->stats().blocked_by_reason.at("cross_price") == 1);
    BOOST_TEST(h.sink.str().find("\"reason\":\"cross_price\"") != std::string::npos);
    // Below min qty after rounding.
    BOOST_TEST(!h.loop->place("BTCUSDT", core::side::buy, Q("0.0009"), P("49990")).has_value());
    BOOST_TEST(h.loop->stats().blocked_by_reason.at("min_qty") == 1);
    // The predecessor's fields: the intent's client order id and the padded minimum (0.001 x 1.1).
    const std::string log = h.sink.str();
    const auto line = log.substr(log.rfind("{", log.find("\"reason\":\"min_qty\"")));
    BOOST_TEST(line.find("\"client_order_id\":\"mm-") != std::string::npos, line);
    BOOST_TEST(line.find("\"min_qty_required\":\"0.0011\"") != std::string::npos, line);
    // Stale data: no book for longer than stale_after (5 s default).
    h.clock.advance(6s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(!h.loop->place("BTCUSDT", core::side::buy, Q("0.01"), P("49990")).has_value());
    BOOST_TEST(h.loop->stats().blocked_by_reason.at("stale_market_data") == 1);
    BOOST_TEST(h.loop->stats().orders_blocked == 3);
}

// The venue changed the tick (instruments-info refresh, app/venue_filters.hpp): the resting
// quotes are pulled and the next ones are priced on the new grid.
BOOST_AUTO_TEST_CASE(new_filters_pull_the_quotes_and_requote_on_the_new_grid) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    auto coarser = core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.50", .qty_step = "0.001",
                                       .min_qty = "0.001", .max_qty = "100", .min_notional = "5",
                                       .min_price = "0.50", .max_price = "1999999.50"})
                       .value();
    h.loop->apply_filters("BTCUSDT", coarser, h.clock.now());
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(h.sink.str().find(R"("msg":"quotes_pulled","reason":"filters_changed")") != std::string::npos);
    for (const auto& o : h.venue.orders) h.loop->on_cancel(o.client_order_id, "requested", h.clock.now());
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 4U);
    for (std::size_t i = 2; i < 4; ++i) {
        BOOST_TEST(h.venue.orders[i].price.raw() % coarser.tick_size.raw() == 0, h.venue.orders[i].price.to_string());
    }
}

BOOST_AUTO_TEST_CASE(a_stale_book_pulls_resting_quotes_once_and_quoting_resumes_with_data) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    for (const auto& o : h.venue.orders) h.loop->on_ack(o.client_order_id, "v-" + o.client_order_id, h.clock.now());
    // 4 s without a book: still fresh (stale_after 5 s), nothing pulled.
    h.clock.advance(4s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.venue.cancels.empty());
    // 6 s: both quotes are cancelled, once, and logged with the book's age.
    h.clock.advance(2s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(h.loop->stats().stale_quote_pulls == 1);
    BOOST_TEST(h.sink.str().find(R"("book_age_ms":6000,"level":"WARN","msg":"quotes_pulled")") != std::string::npos,
               h.sink.str());
    h.clock.advance(500ms);  // (< cancel_retry_after: no re-send of the unconfirmed cancels)
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.venue.cancels.size() == 2U);  // not again while still stale
    BOOST_TEST(h.loop->stats().stale_quote_pulls == 1);
    // Data is back: both sides quoted again.
    h.book("50000.0", "50000.1");
    BOOST_TEST(h.venue.orders.size() == 4U);
}

// A crossed book (bid 1999999.8 over an ask near 50000) is a data fault: the resting quotes are
// pulled at once, the mark keeps the last good mid, nothing is requoted, and quoting resumes when
// the book uncrosses.
BOOST_AUTO_TEST_CASE(a_crossed_book_pulls_quotes_and_keeps_the_last_good_mark) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    for (const auto& o : h.venue.orders) h.loop->on_ack(o.client_order_id, "v-" + o.client_order_id, h.clock.now());
    const auto good_mark = h.loop->marks().at("BTCUSDT");
    BOOST_TEST(good_mark.to_string() == "50000.05");
    h.book("1999999.8", "50000.1");
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(h.venue.orders.size() == 2U);  // nothing new on a crossed book
    BOOST_TEST(h.loop->marks().at("BTCUSDT") == good_mark);
    BOOST_TEST(h.sink.str().find(R"("msg":"quotes_pulled","reason":"book_crossed")") != std::string::npos,
               h.sink.str());
    h.book("50000.1", "50000.1");  // locked: a fault too, nothing more to pull
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(h.loop->marks().at("BTCUSDT") == good_mark);
    h.book("50000.0", "50000.2");
    BOOST_TEST(h.loop->marks().at("BTCUSDT").to_string() == "50000.1");
    BOOST_TEST(h.venue.orders.size() == 4U);  // quoting resumed
}

BOOST_AUTO_TEST_CASE(freeze_drill_low_edge_freezes_and_cancel_all_is_idempotent) {
    // Half-spread 0.5 bps + post-only 1.5 bps = about 2 bps of edge: below the 3 bps floor.
    harness h("0.5");
    h.book("50000.0", "50000.1");
    BOOST_TEST(h.loop->state() == engine::bot_state::freeze);
    BOOST_TEST_REQUIRE(h.loop->monitor().last_freeze().has_value());
    BOOST_TEST(h.loop->monitor().last_freeze()->reason == "edge_below_threshold");
    BOOST_TEST(h.loop->monitor().freeze_count() == 1);
    BOOST_TEST(h.venue.orders.empty());  // the freezing order itself was not sent

    // A resting order placed before the freeze must be cancelled once, not twice.
    harness g;
    g.book("50000.0", "50000.1");
    BOOST_TEST(g.venue.orders.size() == 2U);
    g.loop->freeze("kill_switch", g.clock.now());
    BOOST_TEST(g.loop->state() == engine::bot_state::freeze);
    BOOST_TEST(g.venue.cancel_alls.size() == 1U);
    BOOST_TEST(g.loop->cancel_all("operator", g.clock.now()) == 0);  // both already pending
    BOOST_TEST(g.venue.cancel_alls.size() == 1U);
    BOOST_TEST(g.loop->stats().cancels_already_pending == 2);
    BOOST_TEST(g.loop->stats().duplicate_events == 0);
    // No quoting while frozen.
    g.book("50100.0", "50100.1");
    BOOST_TEST(g.venue.orders.size() == 2U);
    // Venue confirms 30 ms later (each a cancel-all's: its latency is cancel_all's); operator
    // unfreezes; quoting resumes.
    g.clock.advance(30ms);
    for (const auto& o : g.venue.orders) g.loop->on_cancel(o.client_order_id, "cancel_all", g.clock.now());
    BOOST_TEST(g.registry.expose().find("mm_execution_latency_seconds_count{operation=\"cancel_all\"} 2") !=
               std::string::npos);
    BOOST_TEST(g.loop->store().open_count() == 0U);
    BOOST_TEST(g.loop->unfreeze(g.clock.now()));
    g.book("50100.0", "50100.1");
    BOOST_TEST(g.venue.orders.size() == 4U);
    g.loop->shutdown("test_end", g.clock.now());
    BOOST_TEST(g.loop->state() == engine::bot_state::shutdown);
    BOOST_TEST(g.sink.str().find("\"to\":\"SHUTDOWN\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unanswered_cancel_is_sent_again_after_ten_retry_intervals) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    // The market moves: both quotes are replaced, their cancels go out.
    h.book("50100.0", "50100.1");
    BOOST_TEST_REQUIRE(h.venue.cancels.size() == 2U);
    const std::vector<std::string> first = h.venue.cancels;
    const auto sent_for = [&](const std::string& id) {
        return std::count(h.venue.cancels.begin(), h.venue.cancels.end(), id);
    };
    // No answer at all: the adapter reports its own failures, so only after 10 s is the cancel
    // taken for lost and sent again (a fresh book every second keeps the data from going stale).
    for (int i = 0; i < 9; ++i) {
        h.clock.advance(1s);
        h.loop->on_book("BTCUSDT", h.top("50100.0", "50100.1"), h.clock.now());
        h.loop->on_tick(h.clock.now());
    }
    BOOST_TEST(sent_for(first[0]) == 1);
    h.clock.advance(1s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(sent_for(first[0]) == 2);
    BOOST_TEST(sent_for(first[1]) == 2);
    BOOST_TEST(h.loop->stats().cancel_retries == 2);
    // Confirmed: never again; the live quotes themselves are never cancelled by the retry.
    for (const auto& id : first) h.loop->on_cancel(id, "CancelByUser", h.clock.now());
    const auto before = h.venue.cancels.size();
    h.clock.advance(1s);
    h.loop->on_book("BTCUSDT", h.top("50100.0", "50100.1"), h.clock.now());
    h.clock.advance(20s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.loop->stats().cancel_retries == 2);
    BOOST_TEST(h.venue.cancels.size() >= before);
}

BOOST_AUTO_TEST_CASE(a_failed_cancel_is_retried_at_the_next_tick) {
    harness h;
    h.book("50000.0", "50000.1");
    h.book("50100.0", "50100.1");
    BOOST_TEST_REQUIRE(h.venue.cancels.size() == 2U);
    h.loop->on_cancel_failed(h.venue.cancels[0], "bybit_timeout", h.clock.now());
    BOOST_TEST(h.loop->stats().cancel_failures == 1);
    h.clock.advance(100ms);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST_REQUIRE(h.venue.cancels.size() == 3U);
    BOOST_TEST(h.venue.cancels[2] == h.venue.cancels[0]);
    BOOST_TEST(h.sink.str().find(R"("msg":"cancel_failed","reason":"bybit_timeout")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(venue_outage_while_frozen_cancel_all_is_retried_until_confirmed) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    h.loop->freeze("kill_switch", h.clock.now());
    BOOST_TEST(h.venue.cancel_alls.size() == 1U);
    // The venue is down: nothing confirms. Cancel-all again after 1 s, then 2 s, 4 s, 8 s, 8 s:
    // at t = 1, 3, 7, 15, 23 s.
    std::vector<int> sweeps_at;
    for (int t = 1; t <= 24; ++t) {
        const auto before = h.venue.cancel_alls.size();
        h.clock.advance(1s);
        h.loop->on_tick(h.clock.now());
        if (h.venue.cancel_alls.size() > before) sweeps_at.push_back(t);
    }
    const std::vector<int> want{1, 3, 7, 15, 23};
    BOOST_TEST(sweeps_at == want, boost::test_tools::per_element());
    BOOST_TEST(h.loop->stats().cancel_retries == 10);  // 2 orders x 5 sweeps
    BOOST_TEST(h.sink.str().find(R"("cancel_all_symbols":1,"level":"WARN","msg":"cancel_retry","orders":2)") !=
                   std::string::npos,
               h.sink.str());
    // The venue is back and confirms: the sweep stops.
    for (const auto& o : h.venue.orders) h.loop->on_cancel(o.client_order_id, "CancelAll", h.clock.now());
    BOOST_TEST(h.loop->store().open_count() == 0U);
    const auto n = h.venue.cancel_alls.size();
    h.clock.advance(30s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.venue.cancel_alls.size() == n);
}

BOOST_AUTO_TEST_CASE(shutdown_sweeps_until_nothing_is_open) {
    harness h;
    h.book("50000.0", "50000.1");
    h.loop->shutdown("signal", h.clock.now());
    BOOST_TEST(h.venue.cancel_alls.size() == 1U);
    h.clock.advance(1500ms);
    BOOST_TEST(h.loop->retry_unconfirmed_cancels(h.clock.now()) == 2);
    BOOST_TEST(h.venue.cancel_alls.size() == 2U);
    h.clock.advance(1500ms);
    BOOST_TEST(h.loop->retry_unconfirmed_cancels(h.clock.now()) == 0);  // backing off: 2 s now
    h.clock.advance(600ms);
    BOOST_TEST(h.loop->retry_unconfirmed_cancels(h.clock.now()) == 2);
    BOOST_TEST(h.venue.cancel_alls.size() == 3U);
}

BOOST_AUTO_TEST_CASE(a_venue_latency_freeze_lifts_after_its_cool_down_and_judges_new_acks) {
    // Regression: the mean over acks measured before the freeze used to re-freeze the bot on the
    // very tick its cool-down ended (no order is sent while frozen, so no new ack replaced them).
    engine::engine_options options;
    options.freeze_cool_down = 5s;
    options.global.max_ack_latency = 500ms;
    options.global.ack_latency_window = 2;
    basic_harness<risk::gate<risk::venue_latency>> h("5", options);
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    h.clock.advance(900ms);  // both acks 1 s after their create: slower than 500 ms
    for (const auto& o : h.venue.orders) h.loop->on_ack(o.client_order_id, "v-" + o.client_order_id, h.clock.now());
    h.loop->on_tick(h.clock.now());
    BOOST_TEST_REQUIRE(h.loop->state() == engine::bot_state::freeze);
    BOOST_TEST(h.loop->monitor().last_freeze()->reason == "venue_latency");
    // An operator's unfreeze is judged as it would leave the checks: the slow acks from before the
    // pause are reset by it, so they do not hold the unfreeze back (mmbot-ctl unfreeze).
    BOOST_TEST(!h.loop->breaking_condition(h.clock.now()).has_value());
    for (const auto& o : h.venue.orders) h.loop->on_cancel(o.client_order_id, "CancelAll", h.clock.now());

    h.clock.advance(5s);
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.loop->state() == engine::bot_state::running);
    BOOST_TEST(h.loop->monitor().freeze_count() == 1);
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 4U);
    // The venue is fast again: the fresh window stays under the limit.
    h.clock.advance(10ms);
    h.loop->on_ack(h.venue.orders[2].client_order_id, "v-3", h.clock.now());
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.loop->state() == engine::bot_state::running);
    // Still slow instead: the first new slow ack freezes again.
    h.clock.advance(2s);
    h.loop->on_ack(h.venue.orders[3].client_order_id, "v-4", h.clock.now());
    h.loop->on_tick(h.clock.now());
    BOOST_TEST(h.loop->state() == engine::bot_state::freeze);
    BOOST_TEST(h.loop->monitor().freeze_count() == 2);
}

// ---------------------------------------------------------------- a risk check added in a test
// Issue 12: a new check is its own type plus its place in the gate's list; the engine is not
// touched. This one exists only here: it keeps its own state from the gate's hooks (sent,
// filled, book seen) and freezes after a second fill.
namespace {
struct fills_cap_for_test : risk::state_only_check<fills_cap_for_test> {
    static constexpr std::string_view name = "fills_cap_for_test";
    std::int64_t sent = 0;
    std::int64_t fills = 0;
    std::int64_t books = 0;

    void on(const risk::sent_order& /*unused*/) { ++sent; }
    void on(const risk::filled_order& /*unused*/) { ++fills; }
    void on(const risk::book_seen& /*unused*/) { ++books; }
    [[nodiscard]] risk::verdict check_state(const risk::symbol_view& /*unused*/, const risk::bot_view& /*unused*/) const {
        return fills >= 2 ? risk::verdict::make(risk::action::freeze, name, fills, std::int64_t{1}) : risk::verdict::ok();
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_check_defined_in_a_test_gets_the_hooks_and_freezes) {
    using test_gate = risk::gate<risk::stale_market_data, risk::price_band, fills_cap_for_test>;
    basic_harness<test_gate> h;
    h.book("50000.0", "50000.1");
    const auto& check = h.loop->monitor().gate().get<fills_cap_for_test>();
    BOOST_TEST(check.books == 1);
    BOOST_TEST(check.sent == 2);  // both quotes
    const auto bid = h.venue.orders[0];
    h.loop->on_ack(bid.client_order_id, "v-1", h.clock.now() + 5ms);
    h.loop->on_fill(fill_event{bid.client_order_id, "e-1", bid.price, Q("0.004"),
                               core::notional::parse("0.04").value(), h.clock.now() + 6ms});
    h.loop->on_fill(fill_event{bid.client_order_id, "e-1", bid.price, Q("0.004"),  // repeated exec id
                               core::notional::parse("0.04").value(), h.clock.now() + 6ms});
    BOOST_TEST(check.fills == 1);  // the repeat was refused before the hook
    BOOST_TEST((h.loop->state() != engine::bot_state::freeze));
    h.loop->on_fill(fill_event{bid.client_order_id, "e-2", bid.price, Q("0.002"),
                               core::notional::parse("0.02").value(), h.clock.now() + 7ms});
    BOOST_TEST(check.fills == 2);
    BOOST_TEST((h.loop->state() == engine::bot_state::freeze));
    BOOST_TEST_REQUIRE(h.loop->monitor().last_freeze().has_value());
    BOOST_TEST(h.loop->monitor().last_freeze()->reason == "fills_cap_for_test");
}

// The loop's other parts are concepts too: the shipped quoter and maker policy satisfy them, a type
// that lacks the members does not (the loop's static_asserts then name what is missing).
static_assert(engine::quoter_type<strategy::quoter>);
static_assert(engine::maker_policy_type<policy::post_only_maker>);
static_assert(!engine::quoter_type<int>);
static_assert(!engine::maker_policy_type<strategy::quoter>);
