// The simulated venue: PostOnly cancel-on-cross, queue position, fills through prints and through
// the book, latency of places and cancels, cancel-all, fees and rebates, validation, and
// deterministic ids. Each expected event is a full line of the event_log.
#define BOOST_TEST_MODULE venue_sim
#include <boost/test/unit_test.hpp>

#include "market.hpp"
#include "mmbot/venue/sim/event_log.hpp"
#include "mmbot/venue/sim/fill_model.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mmbot;
using namespace mmbot::venue::sim;
using namespace mmbot::venue::sim::test;
using namespace std::chrono_literals;
using core::side;
using feed::taker_side;
using lines = std::vector<std::string>;

namespace {

/// A venue with no latency, maker fee 0.02 %, and a market 100 x 5 / 101 x 4 around it.
struct fixture {
    explicit fixture(venue_config cfg = {}) : venue(cfg) {
        mkt.snapshot({{"100", "5"}, {"99.5", "3"}}, {{"101", "4"}, {"101.5", "2"}});
        venue.on_book(mkt.book, 0ns, log);
    }
    lines events() { return log.take(); }

    market mkt;
    event_log log;
    simulated_venue venue;
};

venue_config with_latency(nanoseconds place, nanoseconds cancel) {
    venue_config c;
    c.place_latency = place;
    c.cancel_latency = cancel;
    return c;
}

}  // namespace

// ------------------------------------------------------------------------------------ PostOnly

BOOST_AUTO_TEST_CASE(post_only_that_would_cross_is_acked_then_cancelled) {
    fixture f;
    f.venue.place(order("b1", side::buy, "101", "1"), 1ns);   // at the best ask
    f.venue.place(order("s1", side::sell, "99", "1"), 1ns);   // below the best bid
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.events() == (lines{"ack b1 sim-o1 @1", "cancel b1 EC_PostOnlyWillTakeLiquidity @1",
                                    "ack s1 sim-o2 @1",
                                    "cancel s1 EC_PostOnlyWillTakeLiquidity @1"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 0U);
    BOOST_TEST(f.venue.stats().post_only_cancelled == 2U);
    BOOST_TEST(f.venue.stats().cancelled == 2U);
}

BOOST_AUTO_TEST_CASE(post_only_inside_the_spread_rests_with_empty_queue) {
    fixture f;
    f.venue.place(order("b1", side::buy, "100.5", "1"), 1ns);
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.events() == lines{"ack b1 sim-o1 @1"}, boost::test_tools::per_element());
    const auto open = f.venue.open_orders("BTCUSDT");
    BOOST_TEST_REQUIRE(open.size() == 1U);
    BOOST_TEST(open[0].queue_known);
    BOOST_TEST(open[0].queue_ahead.is_zero());
    BOOST_TEST(open[0].venue_order_id == "sim-o1");
}

BOOST_AUTO_TEST_CASE(a_placement_in_flight_when_the_feed_ends_rests_without_its_book) {
    // The shadow run's end: the feed (and its books) is destroyed, then the venue carries out what
    // is still queued. It must not read the freed book (ASan saw it in mmbot-shadow --feed live).
    event_log log;
    simulated_venue venue(with_latency(5ms, 5ms));
    {
        market gone;
        gone.snapshot({{"100", "5"}}, {{"101", "4"}});
        venue.on_book(gone.book, 0ns, log);
        venue.place(order("b1", side::buy, "100", "1"), 1ns);
        venue.place(order("b2", side::buy, "101", "1"), 1ns);  // would cross the forgotten book
    }
    venue.forget_books();
    venue.advance(10ms, log);
    BOOST_TEST(log.take() == (lines{"ack b1 sim-o1 @5000001", "ack b2 sim-o2 @5000001"}),
               boost::test_tools::per_element());
    const auto open = venue.open_orders("BTCUSDT");
    BOOST_TEST_REQUIRE(open.size() == 2U);
    BOOST_TEST(!open[0].queue_known);
}

// ------------------------------------------------------------------------------ queue and prints

BOOST_AUTO_TEST_CASE(queue_ahead_is_consumed_before_we_fill) {
    fixture f;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);  // 5 displayed ahead of us
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].queue_ahead.to_string() == "5");
    (void)f.events();

    f.venue.on_trade(print(taker_side::sell, "100", "3"), 2ns, f.log);
    BOOST_TEST(f.events().empty());
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].queue_ahead.to_string() == "2");
    // A buy print never touches our bid.
    f.venue.on_trade(print(taker_side::buy, "100", "10"), 3ns, f.log);
    BOOST_TEST(f.events().empty());
    // 2 still ahead: of 2.5, the excess 0.5 fills us (partial).
    f.venue.on_trade(print(taker_side::sell, "100", "2.5"), 4ns, f.log);
    BOOST_TEST(f.events() ==
                   lines{"fill b1 sim-o1 sim-e1 BTCUSDT Buy 0.5@100 leaves 0.5 fee 0.01 maker @4"},
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].leaves_qty.to_string() == "0.5");
    // Then the rest, and not more than the rest.
    f.venue.on_trade(print(taker_side::sell, "100", "7"), 5ns, f.log);
    BOOST_TEST(f.events() ==
                   lines{"fill b1 sim-o1 sim-e2 BTCUSDT Buy 0.5@100 leaves 0 fee 0.01 maker @5"},
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 0U);
    BOOST_TEST(f.venue.stats().fills == 2U);
    BOOST_TEST(f.venue.stats().filled_qty.to_string() == "1");
}

BOOST_AUTO_TEST_CASE(print_through_our_price_fills_everything) {
    fixture f;
    f.venue.place(order("s1", side::sell, "101.5", "2"), 1ns);  // 2 ahead at 101.5
    f.venue.advance(1ns, f.log);
    (void)f.events();
    // A tiny buy print above our offer: the whole level was lifted.
    f.venue.on_trade(print(taker_side::buy, "101.6", "0.001"), 2ns, f.log);
    BOOST_TEST(f.events() ==
                   lines{"fill s1 sim-o1 sim-e1 BTCUSDT Sell 2@101.5 leaves 0 fee 0.0406 maker @2"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(book_moving_through_fills_at_our_price) {
    fixture f;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);
    f.venue.advance(1ns, f.log);
    (void)f.events();
    // The bid at 100 is gone and an offer appears at 100: our bid would have been taken.
    f.mkt.delta({{"100", "0"}, {"99", "1"}}, {{"100", "3"}});
    f.venue.on_book(f.mkt.book, 2ns, f.log);
    BOOST_TEST(f.events() ==
                   lines{"fill b1 sim-o1 sim-e1 BTCUSDT Buy 1@100 leaves 0 fee 0.02 maker @2"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(smaller_level_shrinks_the_queue_but_never_grows_it) {
    fixture f;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);
    f.venue.advance(1ns, f.log);
    f.mkt.delta({{"100", "2"}}, {});  // 3 cancelled: at least 3 of the 5 ahead are gone
    f.venue.on_book(f.mkt.book, 2ns, f.log);
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].queue_ahead.to_string() == "2");
    f.mkt.delta({{"100", "9"}}, {});  // new volume joins behind us
    f.venue.on_book(f.mkt.book, 3ns, f.log);
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].queue_ahead.to_string() == "2");
    f.venue.on_trade(print(taker_side::sell, "100", "2.25"), 4ns, f.log);
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].leaves_qty.to_string() == "0.75");
}

BOOST_AUTO_TEST_CASE(our_orders_at_one_price_share_a_print_oldest_first) {
    fixture f;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);
    f.venue.place(order("b2", side::buy, "100", "1"), 1ns);
    f.venue.advance(1ns, f.log);
    (void)f.events();
    // 5 ahead of both: a print of 6.5 leaves 1.5 for us, b1 takes 1, b2 the remaining 0.5.
    f.venue.on_trade(print(taker_side::sell, "100", "6.5"), 2ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"fill b1 sim-o1 sim-e1 BTCUSDT Buy 1@100 leaves 0 fee 0.02 maker @2",
                          "fill b2 sim-o2 sim-e2 BTCUSDT Buy 0.5@100 leaves 0.5 fee 0.01 maker @2"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(price_beyond_the_displayed_depth_has_an_unknown_queue) {
    market mkt(2);  // two levels a side: the book shows nothing below 99.5
    mkt.snapshot({{"100", "5"}, {"99.5", "3"}}, {{"101", "4"}, {"101.5", "2"}});
    event_log log;
    simulated_venue venue;
    venue.on_book(mkt.book, 0ns, log);
    venue.place(order("b1", side::buy, "99", "1"), 1ns);
    venue.advance(1ns, log);
    BOOST_TEST(!venue.open_orders("BTCUSDT")[0].queue_known);
    // A print at our price says nothing about the volume ahead: no fill.
    venue.on_trade(print(taker_side::sell, "99", "50"), 2ns, log);
    BOOST_TEST(venue.open_orders("BTCUSDT")[0].leaves_qty.to_string() == "1");
    // Once the level is displayed, its size is the queue.
    mkt.delta({{"100", "0"}, {"99", "4"}}, {});
    venue.on_book(mkt.book, 3ns, log);
    const auto o = venue.open_orders("BTCUSDT")[0];
    BOOST_TEST(o.queue_known);
    BOOST_TEST(o.queue_ahead.to_string() == "4");
}

// -------------------------------------------------------------------------------------- latency

BOOST_AUTO_TEST_CASE(order_is_not_live_before_the_latency_elapses) {
    fixture f(with_latency(5ns, 5ns));
    f.venue.place(order("b1", side::buy, "100.5", "1"), 10ns);
    BOOST_TEST(f.venue.in_flight() == 1U);
    // A print through its price at 14 ns: the order is still on its way.
    f.venue.on_trade(print(taker_side::sell, "100", "1"), 14ns, f.log);
    BOOST_TEST(f.events().empty());
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 0U);
    // At 15 ns it is live (acked at exactly 15), then the print at 16 fills it.
    f.venue.on_trade(print(taker_side::sell, "100", "1"), 16ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"ack b1 sim-o1 @15",
                          "fill b1 sim-o1 sim-e1 BTCUSDT Buy 1@100.5 leaves 0 fee 0.0201 maker @16"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cancel_in_flight_does_not_stop_a_fill_before_it_lands) {
    fixture f(with_latency(0ns, 5ns));
    f.venue.place(order("b1", side::buy, "100.5", "2"), 1ns);
    f.venue.advance(1ns, f.log);
    f.venue.cancel("BTCUSDT", "b1", 2ns);  // effective at 7
    f.venue.on_trade(print(taker_side::sell, "100", "1"), 6ns, f.log);  // through: fills all
    f.venue.advance(7ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"ack b1 sim-o1 @1",
                          "fill b1 sim-o1 sim-e1 BTCUSDT Buy 2@100.5 leaves 0 fee 0.0402 maker @6",
                          "reject b1 order not exists or too late to cancel @7"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.stats().cancel_rejected == 1U);
}

BOOST_AUTO_TEST_CASE(cancel_before_fill_removes_the_order) {
    fixture f(with_latency(0ns, 5ns));
    f.venue.place(order("b1", side::buy, "100.5", "2"), 1ns);
    f.venue.cancel("BTCUSDT", "b1", 2ns);
    f.venue.on_trade(print(taker_side::sell, "100", "1"), 7ns, f.log);  // cancel landed at 7
    BOOST_TEST(f.events() == (lines{"ack b1 sim-o1 @1", "cancel b1 CancelByUser @7"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 0U);
    BOOST_TEST(f.venue.stats().cancelled == 1U);
}

BOOST_AUTO_TEST_CASE(cancel_overtaking_its_place_is_refused) {
    // Place takes 10 ns, cancel 1 ns: the cancel arrives first and finds nothing.
    fixture f(with_latency(10ns, 1ns));
    f.venue.place(order("b1", side::buy, "100", "1"), 0ns);
    f.venue.cancel("BTCUSDT", "b1", 0ns);
    f.venue.advance(20ns, f.log);
    BOOST_TEST(f.events() == (lines{"reject b1 order not exists or too late to cancel @1",
                                    "ack b1 sim-o1 @10"}),
               boost::test_tools::per_element());
}

// ----------------------------------------------------------------------------------- cancel-all

BOOST_AUTO_TEST_CASE(cancel_all_is_idempotent) {
    fixture f;
    f.venue.cancel_all("BTCUSDT", 1ns);
    f.venue.cancel_all("BTCUSDT", 1ns);
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.events() == (lines{"cancel_all BTCUSDT 0 @1", "cancel_all BTCUSDT 0 @1"}),
               boost::test_tools::per_element());
    f.venue.place(order("b1", side::buy, "100", "1"), 2ns);
    f.venue.place(order("s1", side::sell, "101", "1"), 2ns);
    f.venue.place({"e1", "ETHUSDT", side::buy, px("3000"), qty("1"), true}, 2ns);
    f.venue.advance(2ns, f.log);
    (void)f.events();
    f.venue.cancel_all("BTCUSDT", 3ns);
    f.venue.cancel_all("BTCUSDT", 3ns);
    f.venue.advance(3ns, f.log);
    BOOST_TEST(f.events() == (lines{"cancel b1 CancelByUser @3", "cancel s1 CancelByUser @3",
                                    "cancel_all BTCUSDT 2 @3", "cancel_all BTCUSDT 0 @3"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_order_count("ETHUSDT") == 1U);
    BOOST_TEST(f.venue.stats().cancel_all_requests == 4U);
}

BOOST_AUTO_TEST_CASE(cancel_all_works_with_a_sink_without_the_summary) {
    fixture f;
    null_sink quiet;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);
    f.venue.cancel_all("BTCUSDT", 1ns);
    f.venue.advance(1ns, quiet);
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 0U);
}

// ------------------------------------------------------------------------------ fees and rebates

// The fee arithmetic itself: tests/core/fee_test.cpp (core::fee_for).

BOOST_AUTO_TEST_CASE(maker_rebate_on_a_fill) {
    venue_config cfg;
    cfg.maker_fee_rate = rate("-0.00025");
    fixture f(cfg);
    f.venue.place(order("s1", side::sell, "100.7", "0.003"), 1ns);
    f.venue.on_trade(print(taker_side::buy, "100.8", "1"), 2ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"ack s1 sim-o1 @1", "fill s1 sim-o1 sim-e1 BTCUSDT Sell 0.003@100.7 "
                                              "leaves 0 fee -0.000075525 maker @2"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.stats().fees.to_string() == "-0.000075525");
    BOOST_TEST(f.venue.stats().filled_notional.to_string() == "0.3021");
}

BOOST_AUTO_TEST_CASE(plain_limit_that_crosses_takes_at_the_levels_prices) {
    fixture f;  // asks 101 x 4, 101.5 x 2; taker fee 0.055 %
    f.venue.place(order("b1", side::buy, "101.5", "7", false), 1ns);
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"ack b1 sim-o1 @1",
                          "fill b1 sim-o1 sim-e1 BTCUSDT Buy 4@101 leaves 3 fee 0.2222 taker @1",
                          "fill b1 sim-o1 sim-e2 BTCUSDT Buy 2@101.5 leaves 1 fee 0.11165 taker @1"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.open_orders("BTCUSDT")[0].leaves_qty.to_string() == "1");
    BOOST_TEST(f.venue.stats().maker_fills == 0U);
}

// ----------------------------------------------------------------------------------- validation

BOOST_AUTO_TEST_CASE(bad_orders_are_rejected_with_the_field_and_value) {
    venue_config cfg;
    cfg.place_latency = 3ns;
    fixture f(cfg);
    f.venue.place(order("q0", side::buy, "100", "0"), 1ns);
    f.venue.place(order("p0", side::buy, "-1", "1"), 1ns);
    f.venue.place(order("", side::buy, "100", "1"), 1ns);
    f.venue.place(order("ok", side::buy, "100", "1"), 1ns);
    f.venue.place(order("ok", side::buy, "99", "1"), 1ns);  // duplicate of one in flight
    f.venue.place({"x", "", side::buy, px("1"), qty("1"), true}, 1ns);
    f.venue.place(order(std::string(37, 'a'), side::buy, "100", "1"), 1ns);
    f.venue.advance(4ns, f.log);
    f.venue.place(order("ok", side::sell, "102", "1"), 5ns);  // duplicate of an open one
    f.venue.advance(8ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"reject q0 qty: must be > 0, got \"0\" @4",
                          "reject p0 price: must be > 0, got \"-1\" @4",
                          "reject  orderLinkId: must not be empty @4", "ack ok sim-o1 @4",
                          "reject ok duplicate orderLinkId \"ok\" @4",
                          "reject x symbol: must be 1..32 characters, got \"\" @4",
                          "reject " + std::string(36, 'a') + " orderLinkId: at most 36 characters, got \"" +
                              std::string(37, 'a') + "\" @4",
                          "reject ok duplicate orderLinkId \"ok\" @8"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.venue.stats().placed == 8U);
    BOOST_TEST(f.venue.stats().rejected == 7U);
    BOOST_TEST(f.venue.stats().acked == 1U);
}

BOOST_AUTO_TEST_CASE(cancel_of_an_unknown_order_is_refused) {
    fixture f;
    f.venue.cancel("BTCUSDT", "nope", 1ns);
    f.venue.cancel("BTCUSDT", std::string(40, 'z'), 1ns);
    f.venue.advance(1ns, f.log);
    BOOST_TEST(f.events() ==
                   (lines{"reject nope order not exists or too late to cancel @1",
                          "reject " + std::string(36, 'z') +
                              " order not exists or too late to cancel @1"}),
               boost::test_tools::per_element());
}

// ------------------------------------------------------------------------- ids and determinism

namespace {
lines scenario() {
    fixture f(with_latency(2ns, 1ns));
    f.venue.place(order("a", side::buy, "100", "1"), 1ns);
    f.venue.place(order("b", side::sell, "101", "2"), 1ns);
    f.venue.place(order("c", side::buy, "101", "1"), 1ns);  // crosses: PostOnly cancel
    f.venue.on_trade(print(taker_side::sell, "100", "5.5"), 4ns, f.log);
    f.venue.on_trade(print(taker_side::buy, "101", "5"), 5ns, f.log);
    f.venue.cancel("BTCUSDT", "b", 5ns);
    f.mkt.delta({{"100", "0"}}, {{"100", "1"}, {"101", "0"}});
    f.venue.on_book(f.mkt.book, 7ns, f.log);
    return f.events();
}
}  // namespace

BOOST_AUTO_TEST_CASE(ids_are_deterministic) {
    const lines first = scenario();
    BOOST_TEST(first ==
                   (lines{"ack a sim-o1 @3", "ack b sim-o2 @3", "ack c sim-o3 @3",
                          "cancel c EC_PostOnlyWillTakeLiquidity @3",
                          "fill a sim-o1 sim-e1 BTCUSDT Buy 0.5@100 leaves 0.5 fee 0.01 maker @4",
                          "fill b sim-o2 sim-e2 BTCUSDT Sell 1@101 leaves 1 fee 0.0202 maker @5",
                          "cancel b CancelByUser @6",
                          "fill a sim-o1 sim-e3 BTCUSDT Buy 0.5@100 leaves 0 fee 0.01 maker @7"}),
               boost::test_tools::per_element());
    BOOST_TEST(scenario() == first, boost::test_tools::per_element());
}

// ---------------------------------------------------------------------------------- callbacks

namespace {
/// Re-quotes from inside on_fill, as an engine would.
struct requoting_sink : event_log {
    simulated_venue* venue = nullptr;
    void on_fill(const fill& f) {
        event_log::on_fill(f);
        if (f.leaves_qty.is_zero()) venue->place(order("again", side::buy, "99.5", "1"), f.at);
    }
};
struct reentrant_sink : event_log {
    simulated_venue* venue = nullptr;
    void on_ack(std::string_view id, std::string_view vid, nanoseconds at) {
        event_log::on_ack(id, vid, at);
        venue->advance(at, *this);
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_sink_may_place_from_a_callback) {
    fixture f;
    requoting_sink sink;
    sink.venue = &f.venue;
    f.venue.place(order("b1", side::buy, "100.5", "1"), 1ns);
    f.venue.on_trade(print(taker_side::sell, "100", "1"), 2ns, sink);
    f.venue.advance(2ns, sink);
    BOOST_TEST(sink.lines().back() == "ack again sim-o2 @2");
    BOOST_TEST(f.venue.open_order_count("BTCUSDT") == 1U);
}

BOOST_AUTO_TEST_CASE(a_sink_may_not_advance_from_a_callback) {
    fixture f;
    reentrant_sink sink;
    sink.venue = &f.venue;
    f.venue.place(order("b1", side::buy, "100", "1"), 1ns);
    BOOST_CHECK_THROW(f.venue.advance(1ns, sink), std::logic_error);
}

BOOST_AUTO_TEST_CASE(sink_concept_names_what_is_missing) {
    struct no_fill {
        void on_ack(std::string_view, std::string_view, nanoseconds) {}
        void on_reject(std::string_view, std::string_view, nanoseconds) {}
        void on_cancel(std::string_view, std::string_view, nanoseconds) {}
    };
    static_assert(!event_sink<no_fill> && !sink_has_on_fill<no_fill> && sink_has_on_ack<no_fill>);
    static_assert(!reports_cancel_all<null_sink>);
    BOOST_TEST(true);
}
