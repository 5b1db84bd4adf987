// The predecessor's maker-policy cases (offsets 1.5/5/10/50 bps; zero, tiny and large offsets;
// several step sizes; min qty above/equal/below; tight and wide spreads; exact boundaries), with
// every expected value written as the exact decimal the venue would see.
#define BOOST_TEST_MODULE maker_policy
#include <boost/test/unit_test.hpp>

#include "mmbot/policy/maker_policy.hpp"

#include <string>

using namespace mmbot;
using core::side;

namespace {
core::price P(std::string_view s) { return core::price::parse(s).value(); }
core::quantity Q(std::string_view s) { return core::quantity::parse(s).value(); }
core::bps B(std::string_view s) { return core::bps::parse(s).value(); }
core::ratio R(std::string_view s) { return core::ratio::parse(s).value(); }

std::string post_only(side s, std::string_view ref, std::string_view bps, std::string_view tick) {
    auto r = policy::calc_post_only_price(s, P(ref), B(bps), P(tick));
    return r ? r->to_string() : std::string(r.error().code.name());
}
std::string rq(std::string_view qty, std::string_view step) {
    return policy::round_qty(Q(qty), Q(step)).to_string();
}
core::instrument_filters btc_filters() {
    return core::make_filters({.symbol = "BTCUSDT",
                                .tick_size = "0.5",
                                .qty_step = "0.00001",
                                .min_qty = "0.00001",
                                .max_qty = "100",
                                .min_notional = "5",
                                .min_price = "0.5",
                                .max_price = "1999999.5"})
        .value();
}
policy::top_of_book book(std::string_view bid, std::string_view ask) { return {P(bid), P(ask)}; }
}  // namespace

// --------------------------------------------------------------------- the predecessor's examples
BOOST_AUTO_TEST_CASE(example_buy_50000_1_5bps_tick_0_5) {
    auto p = policy::calc_post_only_price(side::buy, P("50000"), B("1.5"), P("0.5")).value();
    BOOST_TEST(p.to_string(2) == "49992.50");
    BOOST_TEST(p == P("49992.50"));
}
BOOST_AUTO_TEST_CASE(example_round_qty_0_123456_step_0_001) { BOOST_TEST(rq("0.123456", "0.001") == "0.123"); }
BOOST_AUTO_TEST_CASE(example_buy_50001_crosses_ask_50000) {
    BOOST_TEST(policy::check_price_crosses_market(side::buy, P("50001"), P("49999"), P("50000")));
}

// ---------------------------------------------------------------------------------- offsets
BOOST_AUTO_TEST_CASE(sell_1_5bps_tick_0_5) { BOOST_TEST(post_only(side::sell, "50000", "1.5", "0.5") == "50007.5"); }
BOOST_AUTO_TEST_CASE(buy_5bps_tick_0_01) { BOOST_TEST(post_only(side::buy, "50000", "5", "0.01") == "49975"); }
BOOST_AUTO_TEST_CASE(sell_5bps_tick_0_01) { BOOST_TEST(post_only(side::sell, "50000", "5", "0.01") == "50025"); }
BOOST_AUTO_TEST_CASE(buy_10bps_tick_0_1) { BOOST_TEST(post_only(side::buy, "50000", "10", "0.1") == "49950"); }
BOOST_AUTO_TEST_CASE(sell_10bps_tick_0_1) { BOOST_TEST(post_only(side::sell, "50000", "10", "0.1") == "50050"); }
BOOST_AUTO_TEST_CASE(buy_50bps_tick_1) { BOOST_TEST(post_only(side::buy, "50000", "50", "1") == "49750"); }
BOOST_AUTO_TEST_CASE(sell_50bps_tick_1) { BOOST_TEST(post_only(side::sell, "50000", "50", "1") == "50250"); }
BOOST_AUTO_TEST_CASE(buy_rounds_down_off_grid) {
    // 50000.3 x 0.99985 = 49992.799955 -> down to 0.5
    BOOST_TEST(post_only(side::buy, "50000.3", "1.5", "0.5") == "49992.5");
}
BOOST_AUTO_TEST_CASE(sell_rounds_up_off_grid) {
    // 50000.3 x 1.00015 = 50007.800045 -> up to 0.5
    BOOST_TEST(post_only(side::sell, "50000.3", "1.5", "0.5") == "50008");
}
BOOST_AUTO_TEST_CASE(eth_5bps_both_sides) {
    BOOST_TEST(post_only(side::buy, "3000.01", "5", "0.01") == "2998.5");    // 2998.509995
    BOOST_TEST(post_only(side::sell, "3000.01", "5", "0.01") == "3001.52");  // 3001.510005
}
BOOST_AUTO_TEST_CASE(sub_cent_price_tick_1e_8) {
    BOOST_TEST(post_only(side::buy, "0.00012345", "1.5", "0.00000001") == "0.00012343");
    BOOST_TEST(post_only(side::sell, "0.00012345", "1.5", "0.00000001") == "0.00012347");
}

// ------------------------------------------------------------------------ zero, tiny, large
BOOST_AUTO_TEST_CASE(zero_offset_on_grid_is_unchanged) {
    BOOST_TEST(post_only(side::buy, "50000", "0", "0.5") == "50000");
    BOOST_TEST(post_only(side::sell, "50000", "0", "0.5") == "50000");
}
BOOST_AUTO_TEST_CASE(zero_offset_off_grid_rounds_away_from_book) {
    BOOST_TEST(post_only(side::buy, "50000.3", "0", "0.5") == "50000");
    BOOST_TEST(post_only(side::sell, "50000.3", "0", "0.5") == "50000.5");
}
BOOST_AUTO_TEST_CASE(tiny_offset_still_moves_one_tick) {
    // 50000 x (1 -+ 1e-8) = 49999.9995 / 50000.0005: never rounds back onto the reference.
    BOOST_TEST(post_only(side::buy, "50000", "0.0001", "0.01") == "49999.99");
    BOOST_TEST(post_only(side::sell, "50000", "0.0001", "0.01") == "50000.01");
}
BOOST_AUTO_TEST_CASE(large_offset_5000bps) {
    BOOST_TEST(post_only(side::buy, "100", "5000", "0.01") == "50");
    BOOST_TEST(post_only(side::sell, "100", "5000", "0.01") == "150");
}
BOOST_AUTO_TEST_CASE(buy_offset_of_100_percent_has_no_valid_price) {
    BOOST_TEST(post_only(side::buy, "100", "10000", "0.01") == "invalid_price");
    BOOST_TEST(post_only(side::sell, "100", "10000", "0.01") == "200");
}
BOOST_AUTO_TEST_CASE(non_positive_inputs_are_errors) {
    BOOST_TEST(post_only(side::buy, "0", "1.5", "0.5") == "invalid_price");
    BOOST_TEST(post_only(side::buy, "100", "-1", "0.5") == "invalid_price");
    BOOST_TEST(post_only(side::buy, "100", "1", "0") == "invalid_price");
}

// -------------------------------------------------------------------------------- step sizes
BOOST_AUTO_TEST_CASE(round_qty_step_0_00001) { BOOST_TEST(rq("0.123456", "0.00001") == "0.12345"); }
BOOST_AUTO_TEST_CASE(round_qty_step_1) { BOOST_TEST(rq("1.99", "1") == "1"); }
BOOST_AUTO_TEST_CASE(round_qty_step_0_1_exact) { BOOST_TEST(rq("0.5", "0.1") == "0.5"); }
BOOST_AUTO_TEST_CASE(round_qty_step_0_01) { BOOST_TEST(rq("12.345", "0.01") == "12.34"); }
BOOST_AUTO_TEST_CASE(round_qty_below_one_step_is_zero) { BOOST_TEST(rq("0.00099", "0.001") == "0"); }
BOOST_AUTO_TEST_CASE(round_qty_large) { BOOST_TEST(rq("9999999999.99999999", "0.001") == "9999999999.999"); }

// ------------------------------------------------------------------------------- min qty pad
BOOST_AUTO_TEST_CASE(min_qty_equal_to_padded_passes) {
    BOOST_TEST(policy::check_min_qty(Q("0.0011"), Q("0.001"), R("1.1")));
}
BOOST_AUTO_TEST_CASE(min_qty_below_padded_fails) {
    BOOST_TEST(!policy::check_min_qty(Q("0.00109999"), Q("0.001"), R("1.1")));
}
BOOST_AUTO_TEST_CASE(min_qty_above_passes) { BOOST_TEST(policy::check_min_qty(Q("0.002"), Q("0.001"), R("1.1"))); }
BOOST_AUTO_TEST_CASE(min_qty_equal_without_pad) {
    BOOST_TEST(policy::check_min_qty(Q("0.001"), Q("0.001"), R("1")));
    BOOST_TEST(!policy::check_min_qty(Q("0.001"), Q("0.001"), R("1.1")));
}

// ----------------------------------------------------------------------------- crossing rule
BOOST_AUTO_TEST_CASE(buy_at_best_ask_crosses) {
    BOOST_TEST(policy::check_price_crosses_market(side::buy, P("50000"), P("49999"), P("50000")));
}
BOOST_AUTO_TEST_CASE(buy_below_best_ask_rests) {
    BOOST_TEST(!policy::check_price_crosses_market(side::buy, P("49999.99"), P("49999"), P("50000")));
}
BOOST_AUTO_TEST_CASE(sell_at_or_below_best_bid_crosses) {
    BOOST_TEST(policy::check_price_crosses_market(side::sell, P("50000"), P("50000"), P("50001")));
    BOOST_TEST(policy::check_price_crosses_market(side::sell, P("49999"), P("50000"), P("50001")));
}
BOOST_AUTO_TEST_CASE(sell_above_best_bid_rests) {
    BOOST_TEST(!policy::check_price_crosses_market(side::sell, P("50000.01"), P("50000"), P("50001")));
}

// ------------------------------------------------------------------ the whole policy (decide)
BOOST_AUTO_TEST_CASE(decide_tight_spread_quotes_both_sides) {
    const auto f = btc_filters();
    const auto top = book("50000", "50000.5");
    auto buy = policy::decide(policy::maker_params{}, f, side::buy, Q("0.01"), top);
    auto sell = policy::decide(policy::maker_params{}, f, side::sell, Q("0.01"), top);
    BOOST_TEST(buy.allowed());
    BOOST_TEST(sell.allowed());
    BOOST_TEST(buy.price.to_string() == "49992.5");
    BOOST_TEST(sell.price.to_string() == "50008.5");  // 50000.5 x 1.00015 = 50008.000075 -> up
    BOOST_TEST(buy.price_adjusted);
}
BOOST_AUTO_TEST_CASE(decide_wide_spread_around_mid) {
    const auto f = btc_filters();
    const auto top = book("49000", "51000");
    auto buy = policy::decide(policy::maker_params{}, f, side::buy, Q("0.01"), P("50000"), top);
    auto sell = policy::decide(policy::maker_params{}, f, side::sell, Q("0.01"), P("50000"), top);
    BOOST_TEST(buy.price.to_string() == "49992.5");
    BOOST_TEST(sell.price.to_string() == "50007.5");
    BOOST_TEST((buy.allowed() && sell.allowed()));
}
BOOST_AUTO_TEST_CASE(decide_blocks_cross_price) {
    // A reference above the ask: 50010 x 0.99985 = 50002.4985 -> 50002 >= ask 50000.
    auto d = policy::decide(policy::maker_params{}, btc_filters(), side::buy, Q("0.01"), P("50010"),
                            book("49999.5", "50000"));
    BOOST_TEST(policy::label(d.reason) == "cross_price");
}
BOOST_AUTO_TEST_CASE(decide_without_maker_only_still_never_crosses) {
    policy::maker_params p;
    p.maker_only = false;
    auto d = policy::decide(p, btc_filters(), side::sell, Q("0.01"), P("49999.5"),
                            book("49999.5", "50000"));
    BOOST_TEST(policy::label(d.reason) == "cross_price");
    auto ok = policy::decide(p, btc_filters(), side::buy, Q("0.01"), book("49999.5", "50000"));
    BOOST_TEST(ok.allowed());
    BOOST_TEST(ok.price.to_string() == "49999.5");
    BOOST_TEST(!ok.price_adjusted);
}
BOOST_AUTO_TEST_CASE(decide_blocks_min_qty_after_rounding) {
    auto f = btc_filters();
    f.min_qty = Q("0.001");
    auto d = policy::decide(policy::maker_params{}, f, side::buy, Q("0.00109"), book("50000", "50001"));
    BOOST_TEST(policy::label(d.reason) == "min_qty");
    auto ok = policy::decide(policy::maker_params{}, f, side::buy, Q("0.0011"), book("50000", "50001"));
    BOOST_TEST(ok.allowed());
}
BOOST_AUTO_TEST_CASE(decide_min_notional_exact_boundary) {
    auto f = btc_filters();
    f.tick_size = P("0.01");
    // 0.0001 x 50000 = 5 exactly: allowed; one tick lower is below 5.
    policy::maker_params p;
    p.post_only_offset_bps = B("0");
    auto at = policy::decide(p, f, side::buy, Q("0.0001"), book("50000", "50001"));
    BOOST_TEST(at.allowed());
    auto below = policy::decide(p, f, side::buy, Q("0.0001"), book("49999.99", "50001"));
    BOOST_TEST(policy::label(below.reason) == "min_notional");
}
BOOST_AUTO_TEST_CASE(decide_blocks_max_qty_and_price_filter_and_no_market) {
    const auto f = btc_filters();
    BOOST_TEST(policy::label(policy::decide(policy::maker_params{}, f, side::buy, Q("100.1"),
                                            book("50000", "50001")).reason) == "max_qty");
    BOOST_TEST(policy::label(policy::decide(policy::maker_params{}, f, side::sell, Q("0.01"),
                                            book("1999999", "1999999.5")).reason) == "price_filter");
    BOOST_TEST(policy::label(policy::decide(policy::maker_params{}, f, side::buy, Q("0.01"),
                                            book("50001", "50000")).reason) == "no_market");
    BOOST_TEST(policy::label(policy::decide(policy::maker_params{}, f, side::buy, Q("0.01"),
                                            book("0", "50000")).reason) == "no_market");
}
BOOST_AUTO_TEST_CASE(decide_prices_always_on_tick_grid) {
    const auto f = btc_filters();
    for (int i = 0; i < 200; ++i) {
        const auto bid = P("49000") + core::price::from_raw(1234567) * i;  // off-grid references
        const auto top = policy::top_of_book{bid, bid + P("100")};
        for (side s : {side::buy, side::sell}) {
            auto d = policy::decide(policy::maker_params{}, f, s, Q("0.01"), top);
            BOOST_TEST_REQUIRE(d.allowed());
            BOOST_TEST(d.price.is_multiple_of(f.tick_size));
            BOOST_TEST(!policy::check_price_crosses_market(s, d.price, top.best_bid, top.best_ask));
        }
    }
}
