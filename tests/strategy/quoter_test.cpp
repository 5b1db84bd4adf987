#define BOOST_TEST_MODULE strategy
#include <boost/test/unit_test.hpp>

#include "mmbot/strategy/quoter.hpp"

#include <chrono>
#include <string>

using namespace mmbot;
using strategy::quote_action;
using strategy::quote_reason;
using namespace std::chrono_literals;

namespace {
core::price px(const char* t) { return core::price::parse(t).value(); }
core::quantity qty(const char* t) { return core::quantity::parse(t).value(); }
core::bps bp(const char* t) { return core::bps::parse(t).value(); }

strategy::market_top top(const char* bid, const char* bid_qty, const char* ask,
                         const char* ask_qty) {
    return {feed::level{px(bid), qty(bid_qty)}, feed::level{px(ask), qty(ask_qty)}};
}

strategy::quoter_params params() {
    strategy::quoter_params p;
    p.mode = strategy::fair_price_mode::mid;
    p.half_spread = bp("0");
    p.order_qty = qty("0.01");
    p.skew_bps_at_max = bp("20");
    p.max_position = qty("1");
    p.requote_threshold = bp("1");
    p.max_quote_age = 5s;
    return p;
}

strategy::quote_decision run(const strategy::quoter_params& p, const strategy::quoter_input& in) {
    return strategy::quoter::make("BTCUSDT", p).value().decide(in);
}

std::string s(const core::price& p) { return p.to_string(); }
}  // namespace

// ------------------------------------------------------------------------------------ fair price

BOOST_AUTO_TEST_CASE(mid_and_microprice_exact) {
    auto p = params();
    const strategy::quoter_input in{.top = top("100", "3", "101", "1")};
    auto d = run(p, in);
    BOOST_TEST(s(d.fair) == "100.5");
    BOOST_TEST(s(d.bid.intent.ref) == "100.5");
    BOOST_TEST(s(d.ask.intent.ref) == "100.5");
    // The ask is thin: (100 x 1 + 101 x 3) / 4 leans toward it.
    p.mode = strategy::fair_price_mode::microprice;
    d = run(p, in);
    BOOST_TEST(s(d.fair) == "100.75");
}

BOOST_AUTO_TEST_CASE(microprice_rounds_bid_down_and_ask_up) {
    auto p = params();
    p.mode = strategy::fair_price_mode::microprice;
    // (100 x 2 + 100.01 x 1) / 3 = 100.0033333...: not representable at 1e-8.
    auto d = run(p, {.top = top("100", "1", "100.01", "2")});
    BOOST_TEST(s(d.fair) == "100.00333333");
    BOOST_TEST(s(d.bid.intent.ref) == "100.00333333");
    BOOST_TEST(s(d.ask.intent.ref) == "100.00333334");
}

BOOST_AUTO_TEST_CASE(microprice_with_half_spread_on_a_real_book) {
    auto p = params();
    p.mode = strategy::fair_price_mode::microprice;
    p.half_spread = bp("3.3");
    // Thin bid (0.75 against 2.125): fair leans toward the bid, 7488136/115.
    auto d = run(p, {.top = top("65114.2", "0.75", "65114.3", "2.125")});
    BOOST_TEST(s(d.fair) == "65114.22608695");
    BOOST_TEST(s(d.bid.intent.ref) == "65092.73839234");
    BOOST_TEST(s(d.ask.intent.ref) == "65135.71378157");
    BOOST_TEST(d.bid.intent.qty.to_string() == "0.01");
    BOOST_TEST((d.bid.intent.side == core::side::buy));
    BOOST_TEST((d.ask.intent.side == core::side::sell));
}

BOOST_AUTO_TEST_CASE(microprice_with_empty_sizes_falls_back_to_mid) {
    auto p = params();
    p.mode = strategy::fair_price_mode::microprice;
    auto d = run(p, {.top = top("100", "0", "101", "0")});
    BOOST_TEST(s(d.fair) == "100.5");
}

BOOST_AUTO_TEST_CASE(half_spread_is_bps_of_the_fair_price) {
    auto p = params();
    p.half_spread = bp("10");
    auto d = run(p, {.top = top("100", "1", "101", "1")});
    BOOST_TEST(s(d.bid.intent.ref) == "100.3995");  // 100.5 x 0.999
    BOOST_TEST(s(d.ask.intent.ref) == "100.6005");  // 100.5 x 1.001
    BOOST_TEST((d.bid.action == quote_action::place));
    BOOST_TEST((d.bid.reason == quote_reason::new_quote));
}

// ---------------------------------------------------------------------------------------- skew

BOOST_AUTO_TEST_CASE(long_position_moves_quotes_down) {
    auto p = params();
    p.half_spread = bp("10");
    // Half the cap long: -10 bps on the fair price, then the half-spread.
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("0.5")});
    BOOST_TEST(d.skew.to_string() == "-10");
    BOOST_TEST(s(d.bid.intent.ref) == "100.2991005");  // 100.5 x 0.999 x 0.999
    BOOST_TEST(s(d.ask.intent.ref) == "100.4998995");  // 100.5 x 0.999 x 1.001
}

BOOST_AUTO_TEST_CASE(short_position_moves_quotes_up) {
    auto p = params();
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("-0.25")});
    BOOST_TEST(d.skew.to_string() == "5");
    BOOST_TEST(s(d.bid.intent.ref) == "100.55025");  // 100.5 x 1.0005
    BOOST_TEST(s(d.ask.intent.ref) == "100.55025");
}

BOOST_AUTO_TEST_CASE(skew_is_exact_for_a_repeating_ratio) {
    auto p = params();
    p.half_spread = bp("2.5");
    // 20 x 0.33333333 = 6.6666666 bps: the refs are rounded once, passively.
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("0.33333333")});
    BOOST_TEST(d.skew.to_string() == "-6.6666");
    BOOST_TEST(s(d.bid.intent.ref) == "100.40789175");
    BOOST_TEST(s(d.ask.intent.ref) == "100.45810826");
}

BOOST_AUTO_TEST_CASE(skew_clamps_at_max_position) {
    auto p = params();
    p.half_spread = bp("10");
    for (const char* pos : {"1", "2", "1000"}) {
        auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty(pos)});
        BOOST_TEST(d.skew.to_string() == "-20");
        BOOST_TEST(s(d.ask.intent.ref) == "100.399299");  // 100.5 x 0.998 x 1.001
    }
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("-7")});
    BOOST_TEST(d.skew.to_string() == "20");
    BOOST_TEST(s(d.bid.intent.ref) == "100.600299");  // 100.5 x 1.002 x 0.999
}

// ------------------------------------------------------------------------------ touch reference

BOOST_AUTO_TEST_CASE(fair_is_the_default_reference) {
    // Every config written before quote_from keeps quoting around the fair price.
    BOOST_TEST((strategy::quoter_params{}.reference == strategy::quote_reference::fair));
    auto p = params();
    p.half_spread = bp("10");
    auto d = run(p, {.top = top("100", "1", "101", "1")});
    BOOST_TEST(s(d.bid.intent.ref) == "100.3995");  // 100.5 x 0.999, as with no reference set
    BOOST_TEST(s(d.ask.intent.ref) == "100.6005");
}

BOOST_AUTO_TEST_CASE(touch_quotes_each_side_from_its_best_price) {
    auto p = params();
    p.reference = strategy::quote_reference::touch;
    p.half_spread = bp("10");
    auto d = run(p, {.top = top("100", "1", "101", "1")});
    BOOST_TEST(s(d.bid.intent.ref) == "99.9");     // 100 x 0.999
    BOOST_TEST(s(d.ask.intent.ref) == "101.101");  // 101 x 1.001
    // The fair price and the skew are still reported (logs, report), from the fair mode.
    BOOST_TEST(s(d.fair) == "100.5");
    BOOST_TEST(d.skew.is_zero());
    BOOST_TEST((d.bid.action == quote_action::place));
    BOOST_TEST(d.bid.intent.qty.to_string() == "0.01");
    // No half-spread: the references are the touch itself.
    p.half_spread = bp("0");
    d = run(p, {.top = top("100", "1", "101", "1")});
    BOOST_TEST(s(d.bid.intent.ref) == "100");
    BOOST_TEST(s(d.ask.intent.ref) == "101");
}

BOOST_AUTO_TEST_CASE(touch_ignores_the_microprice) {
    // Microprice moves the reported fair price, not a touch reference.
    auto p = params();
    p.reference = strategy::quote_reference::touch;
    p.mode = strategy::fair_price_mode::microprice;
    auto d = run(p, {.top = top("100", "3", "101", "1")});
    BOOST_TEST(s(d.fair) == "100.75");
    BOOST_TEST(s(d.bid.intent.ref) == "100");
    BOOST_TEST(s(d.ask.intent.ref) == "101");
}

BOOST_AUTO_TEST_CASE(touch_on_a_real_book_rounds_passively) {
    auto p = params();
    p.reference = strategy::quote_reference::touch;
    p.half_spread = bp("3.3");
    auto d = run(p, {.top = top("65114.2", "0.75", "65114.3", "2.125")});
    BOOST_TEST(s(d.bid.intent.ref) == "65092.712314");  // 65114.2 x 0.99967, exact
    BOOST_TEST(s(d.ask.intent.ref) == "65135.787719");  // 65114.3 x 1.00033, exact
}

BOOST_AUTO_TEST_CASE(touch_edge_follows_the_market_spread) {
    // The point of the mode: from the touch, the edge against mid is half the market spread plus
    // the half-spread, so a spread collapse takes the edge away (fair mode keeps it).
    auto p = params();
    p.reference = strategy::quote_reference::touch;
    p.half_spread = bp("1");
    auto wide = run(p, {.top = top("99", "1", "101", "1")});   // mid 100, spread 200 bps
    BOOST_TEST(s(wide.bid.intent.ref) == "98.9901");           // ~101 bps under mid
    BOOST_TEST(s(wide.ask.intent.ref) == "101.0101");
    auto tight = run(p, {.top = top("99.99", "1", "100", "1")});  // one tick
    BOOST_TEST(s(tight.bid.intent.ref) == "99.980001");           // ~1.5 bps under mid
    BOOST_TEST(s(tight.ask.intent.ref) == "100.01");
    p.reference = strategy::quote_reference::fair;
    tight = run(p, {.top = top("99.99", "1", "100", "1")});
    BOOST_TEST(s(tight.bid.intent.ref) == "99.9850005");  // 99.995 x 0.9999: 1 bps whatever
    BOOST_TEST(s(tight.ask.intent.ref) == "100.0049995");  // the market spread
}

BOOST_AUTO_TEST_CASE(touch_skew_shifts_the_touch_like_the_fair_price) {
    auto p = params();
    p.reference = strategy::quote_reference::touch;
    p.half_spread = bp("10");
    // Half the cap long: -10 bps on each touch, then the half-spread.
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("0.5")});
    BOOST_TEST(d.skew.to_string() == "-10");
    BOOST_TEST(s(d.bid.intent.ref) == "99.8001");     // 100 x 0.999 x 0.999
    BOOST_TEST(s(d.ask.intent.ref) == "100.999899");  // 101 x 0.999 x 1.001
    // Short past the cap: +20 bps (clamped); the SELL side is capped.
    d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("-7")});
    BOOST_TEST(d.skew.to_string() == "20");
    BOOST_TEST(s(d.bid.intent.ref) == "100.0998");  // 100 x 1.002 x 0.999
    BOOST_TEST((d.ask.action == quote_action::none));
    BOOST_TEST((d.ask.reason == quote_reason::position_cap));
    // A repeating skew (20 x 0.33333333 = 6.6666666 bps): rounded once, passively.
    p.half_spread = bp("2.5");
    d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("0.33333333")});
    BOOST_TEST(s(d.bid.intent.ref) == "99.90835");      // 99.9083500006665 down
    BOOST_TEST(s(d.ask.intent.ref) == "100.95789984");  // 100.9578998340068... up
}

BOOST_AUTO_TEST_CASE(quote_reference_parses_the_config_spelling) {
    BOOST_TEST((strategy::parse_quote_reference("fair").value() ==
                strategy::quote_reference::fair));
    BOOST_TEST((strategy::parse_quote_reference("touch").value() ==
                strategy::quote_reference::touch));
    auto bad = strategy::parse_quote_reference("mid");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().code == mmbot::strategy::errc::invalid_quote_reference);
    BOOST_TEST(bad.error().message ==
               "quote_reference: expected \"fair\" or \"touch\", got \"mid\"");
    BOOST_TEST(to_string(strategy::quote_reference::touch) == "touch");
    BOOST_TEST(to_string(strategy::quote_reference::fair) == "fair");
}

// ------------------------------------------------------------------------------- position cap

BOOST_AUTO_TEST_CASE(long_at_cap_stops_bidding_but_keeps_offering) {
    auto p = params();
    const strategy::live_quote live{px("100"), px("100"), 0ns};
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("1"), .bid = live});
    BOOST_TEST((d.bid.action == quote_action::cancel));
    BOOST_TEST((d.bid.reason == quote_reason::position_cap));
    BOOST_TEST(d.bid.intent.qty.is_zero());
    BOOST_TEST((d.ask.action == quote_action::place));
    BOOST_TEST(d.ask.intent.qty.to_string() == "0.01");
    // Nothing live on the capped side: nothing to do.
    d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("1.5")});
    BOOST_TEST((d.bid.action == quote_action::none));
    // Just below the cap the side still quotes.
    d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("0.99999999")});
    BOOST_TEST((d.bid.action == quote_action::place));
}

BOOST_AUTO_TEST_CASE(short_at_cap_stops_offering) {
    auto p = params();
    const strategy::live_quote live{px("101"), px("101"), 0ns};
    auto d = run(p, {.top = top("100", "1", "101", "1"), .position = qty("-1"), .ask = live});
    BOOST_TEST((d.ask.action == quote_action::cancel));
    BOOST_TEST((d.ask.reason == quote_reason::position_cap));
    BOOST_TEST((d.bid.action == quote_action::place));
}

// ------------------------------------------------------------------------------------- requote

BOOST_AUTO_TEST_CASE(requote_only_past_threshold) {
    auto p = params();  // threshold 1 bps, refs at 100.5
    const auto at = [&](const char* live_ref) {
        const strategy::live_quote live{px(live_ref), px(live_ref), 0ns};
        return run(p, {.top = top("100", "1", "101", "1"), .now = 1s, .bid = live, .ask = live});
    };
    // 100.5 - 100.49 = 0.01 <= 1 bps of 100.49 (0.010049): keep.
    auto d = at("100.49");
    BOOST_TEST((d.bid.action == quote_action::keep));
    BOOST_TEST((d.bid.reason == quote_reason::unchanged));
    // 0.01005 > 1 bps of 100.48995 (0.010048995): replace.
    d = at("100.48995");
    BOOST_TEST((d.bid.action == quote_action::replace));
    BOOST_TEST((d.bid.reason == quote_reason::moved));
    BOOST_TEST(s(d.bid.intent.ref) == "100.5");
    // Either direction.
    d = at("100.51006");
    BOOST_TEST((d.ask.action == quote_action::replace));
    d = at("100.51");
    BOOST_TEST((d.ask.action == quote_action::keep));
}

BOOST_AUTO_TEST_CASE(requote_when_older_than_max_age) {
    auto p = params();  // max age 5 s
    const strategy::live_quote live{px("100.5"), px("100.4"), 1s};
    auto d = run(p, {.top = top("100", "1", "101", "1"), .now = 6s, .bid = live});
    BOOST_TEST((d.bid.action == quote_action::keep));  // exactly 5 s old: not older
    d = run(p, {.top = top("100", "1", "101", "1"), .now = 6s + 1ns, .bid = live});
    BOOST_TEST((d.bid.action == quote_action::replace));
    BOOST_TEST((d.bid.reason == quote_reason::stale));
    // Zero disables the age rule.
    p.max_quote_age = 0ns;
    d = run(p, {.top = top("100", "1", "101", "1"), .now = 1000s, .bid = live});
    BOOST_TEST((d.bid.action == quote_action::keep));
}

// ----------------------------------------------------------------------------------- no market

BOOST_AUTO_TEST_CASE(no_market_cancels_live_quotes) {
    auto p = params();
    const strategy::live_quote live{px("100.5"), px("100.4"), 0ns};
    strategy::quoter_input in{.top = top("101", "1", "100", "1"), .bid = live};  // crossed
    auto d = run(p, in);
    BOOST_TEST((d.bid.action == quote_action::cancel));
    BOOST_TEST((d.bid.reason == quote_reason::no_market));
    BOOST_TEST((d.ask.action == quote_action::none));
    BOOST_TEST(d.fair.is_zero());
    in.top.ask.reset();
    d = run(p, in);
    BOOST_TEST((d.bid.action == quote_action::cancel));
    BOOST_TEST(to_string(d.bid.reason) == "no_market");
}

// ---------------------------------------------------------------------------------- validation

BOOST_AUTO_TEST_CASE(bad_params_name_symbol_field_and_value) {
    auto p = params();
    p.order_qty = qty("0");
    auto q = strategy::quoter::make("BTCUSDT", p);
    BOOST_TEST_REQUIRE(!q.has_value());
    BOOST_TEST(q.error().code == mmbot::strategy::errc::invalid_strategy);
    BOOST_TEST(q.error().message == "BTCUSDT.order_qty: must be > 0, got \"0\"");
    p = params();
    p.half_spread = bp("10000");
    BOOST_TEST(strategy::validate("ETHUSDT", p).error().message ==
               "ETHUSDT.half_spread: must be >= 0 and < 10000 bps, got \"10000\"");
    p = params();
    p.max_quote_age = -1ns;
    BOOST_TEST(strategy::validate("X", p).error().message ==
               "X.max_quote_age: must be >= 0 (0 disables it), got \"-1ns\"");
    p = params();
    p.max_position = qty("-1");
    BOOST_TEST(strategy::validate("X", p).error().message.find("max_position") == 2U);
    BOOST_TEST((strategy::parse_fair_price_mode("microprice").value() ==
                strategy::fair_price_mode::microprice));
    BOOST_TEST(strategy::parse_fair_price_mode("vwap").error().message ==
               "fair_price_mode: expected \"mid\" or \"microprice\", got \"vwap\"");
}
