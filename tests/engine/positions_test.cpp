#define BOOST_TEST_MODULE engine_positions
#include <boost/test/unit_test.hpp>

#include "mmbot/core/fee.hpp"
#include "mmbot/engine/positions.hpp"
#include "test_support.hpp"

using namespace mmbot::engine;
using namespace mmbot::engine::test;
using mmbot::core::fee_for;
using mmbot::core::rounding;

namespace {
/// Applies a fill with a unique exec id; returns the realized PnL of that fill as text.
struct trader {
    position_book book;
    int n = 0;
    std::string trade(side s, std::string_view price, std::string_view qty,
                      std::string_view fee = "0", std::string symbol = "BTCUSDT") {
        auto r = book.apply(fill("mm-a-1", "e" + std::to_string(++n), s, price, qty,
                                 std::move(symbol), fee));
        BOOST_REQUIRE(r);
        return r->realized.to_string();
    }
    const position& pos(std::string_view symbol = "BTCUSDT") const { return *book.find(symbol); }
};
}  // namespace

BOOST_AUTO_TEST_CASE(long_open_add_reduce_flip_close) {
    trader t;
    BOOST_TEST(t.trade(side::buy, "100", "2") == "0");
    BOOST_TEST(t.trade(side::buy, "103", "1") == "0");
    BOOST_TEST(t.pos().qty.to_string() == "3");
    BOOST_TEST(t.pos().cost_basis.to_string() == "303");
    BOOST_TEST(t.pos().avg_entry(rounding::down).to_string() == "101");
    BOOST_TEST(t.pos().unrealized_pnl(px("104")).to_string() == "9");
    // Reduce: sell 2 @ 105 -> releases 2/3 of 303 = 202, realized 210 - 202 = 8.
    BOOST_TEST(t.trade(side::sell, "105", "2") == "8");
    BOOST_TEST(t.pos().qty.to_string() == "1");
    BOOST_TEST(t.pos().avg_entry(rounding::down).to_string() == "101");
    BOOST_TEST(t.pos().unrealized_pnl(px("104")).to_string() == "3");
    // Flip: sell 3 @ 102 closes 1 (+1) and opens short 2 @ 102.
    BOOST_TEST(t.trade(side::sell, "102", "3") == "1");
    BOOST_TEST(t.pos().qty.to_string() == "-2");
    BOOST_TEST(t.pos().cost_basis.to_string() == "-204");
    BOOST_TEST(t.pos().avg_entry(rounding::down).to_string() == "102");
    BOOST_TEST(t.pos().unrealized_pnl(px("100")).to_string() == "4");
    BOOST_TEST(t.pos().unrealized_pnl(px("103.5")).to_string() == "-3");
    // Close the short: buy 2 @ 99 -> +6.
    BOOST_TEST(t.trade(side::buy, "99", "2") == "6");
    BOOST_TEST(t.pos().is_flat());
    BOOST_TEST(t.pos().cost_basis.is_zero());
    BOOST_TEST(t.pos().realized_pnl.to_string() == "15");
    BOOST_TEST(t.pos().bought.to_string() == "5");
    BOOST_TEST(t.pos().sold.to_string() == "5");
    BOOST_TEST(t.pos().avg_entry(rounding::down).is_zero());
}

BOOST_AUTO_TEST_CASE(short_open_add_reduce) {
    trader t;
    BOOST_TEST(t.trade(side::sell, "65000.5", "0.01") == "0");
    BOOST_TEST(t.trade(side::sell, "65010.5", "0.03") == "0");
    BOOST_TEST(t.pos().qty.to_string() == "-0.04");
    BOOST_TEST(t.pos().cost_basis.to_string() == "-2600.32");
    BOOST_TEST(t.pos().avg_entry(rounding::down).to_string() == "65008");
    // Buy back 0.01 @ 64990: releases a quarter of the basis (650.08), realized 650.08 - 649.9.
    BOOST_TEST(t.trade(side::buy, "64990", "0.01") == "0.18");
    BOOST_TEST(t.pos().qty.to_string() == "-0.03");
    BOOST_TEST(t.pos().unrealized_pnl(px("65018")).to_string() == "-0.3");
}

BOOST_AUTO_TEST_CASE(partial_reduce_rounds_once_and_round_trip_has_no_drift) {
    trader t;
    t.trade(side::buy, "100", "1");
    t.trade(side::buy, "100.01", "2");
    BOOST_TEST(t.pos().cost_basis.to_string() == "300.02");
    BOOST_TEST(t.pos().avg_entry(rounding::down).to_string() == "100.00666666");
    BOOST_TEST(t.pos().avg_entry(rounding::up).to_string() == "100.00666667");
    // A third of 300.02 is released, rounded up: realized rounds down (never overstated).
    BOOST_TEST(t.trade(side::sell, "101", "1") == "0.9933333333333333");
    BOOST_TEST(t.pos().cost_basis.to_string() == "200.0133333333333333");
    BOOST_TEST(t.trade(side::sell, "101", "2") == "1.9866666666666667");
    // Total exactly sells - buys: 303 - 300.02.
    BOOST_TEST(t.pos().realized_pnl.to_string() == "2.98");
    BOOST_TEST(t.pos().cost_basis.is_zero());
}

BOOST_AUTO_TEST_CASE(fees_and_rebates) {
    // Taker 0.055%: 65000.1 x 0.001 = 65.0001 -> fee 0.0357500550 exactly.
    BOOST_TEST(fee_for(px("65000.1"), qt("0.001"), rt("0.00055")).to_string() == "0.035750055");
    // Maker rebate -0.025% is a negative fee.
    BOOST_TEST(fee_for(px("65000.1"), qt("0.001"), rt("-0.00025")).to_string() == "-0.016250025");
    // Rounded up at the 16th digit: 0.00000001 x 0.00000001 x 0.5 -> 1e-16 (from 0.5e-16).
    BOOST_TEST(fee_for(px("0.00000001"), qt("0.00000001"), rt("0.5")).to_string() ==
               "0.0000000000000001");
    // ... and a rebate rounds up toward zero (the smaller rebate).
    BOOST_TEST(fee_for(px("0.00000001"), qt("0.00000001"), rt("-0.5")).to_string() == "0");

    trader t;
    t.trade(side::buy, "100", "1", fee_for(px("100"), qt("1"), rt("-0.0001")).to_string());
    t.trade(side::sell, "101", "1", fee_for(px("101"), qt("1"), rt("0.0002")).to_string());
    BOOST_TEST(t.pos().fees.to_string() == "0.0102");
    BOOST_TEST(t.pos().realized_pnl.to_string() == "1");
    BOOST_TEST(t.pos().net_pnl(px("101")).to_string() == "0.9898");
}

BOOST_AUTO_TEST_CASE(duplicate_fills_ignored) {
    position_book book;
    const auto f = fill("mm-a-1", "exec-1", side::buy, "100", "1");
    BOOST_TEST((book.apply(f)->outcome == apply_outcome::applied));
    BOOST_TEST((book.apply(f)->outcome == apply_outcome::duplicate));
    BOOST_TEST(book.qty("BTCUSDT").to_string() == "1");
    BOOST_TEST(book.duplicate_fills() == 1U);
    BOOST_TEST(book.find("BTCUSDT")->fills == 1U);
    auto bad = book.apply(fill("mm-a-1", "exec-2", side::buy, "100", "0"));
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().code == mmbot::engine::errc::invalid_fill);
    BOOST_TEST(book.qty("ETHUSDT").is_zero());
}

BOOST_AUTO_TEST_CASE(a_forgotten_exec_id_is_no_longer_known) {
    // The execution loop forgets the exec ids of the orders its store pruned (a fill of a pruned
    // order never reaches the positions): the set follows the orders held, not the run's age.
    position_book book;
    const auto f = fill("mm-a-1", "exec-1", side::buy, "100", "1");
    BOOST_TEST((book.apply(f)->outcome == apply_outcome::applied));
    book.forget_exec_id("exec-1");
    book.forget_exec_id("never-seen");  // nothing to forget: no effect
    BOOST_TEST((book.apply(f)->outcome == apply_outcome::applied));
    BOOST_TEST(book.qty("BTCUSDT").to_string() == "2");
    BOOST_TEST((book.apply(f)->outcome == apply_outcome::duplicate));
}

BOOST_AUTO_TEST_CASE(totals_across_symbols) {
    trader t;
    t.trade(side::buy, "100", "2", "0.02");
    t.trade(side::sell, "110", "1", "-0.011");  // realized 10
    t.trade(side::sell, "2000", "0.5", "0.1", "ETHUSDT");
    t.trade(side::buy, "1990", "0.5", "0", "ETHUSDT");  // realized 5, flat
    t.trade(side::sell, "3", "10", "0", "XRPUSDT");
    const std::map<std::string, mmbot::core::price, std::less<>> marks = {
        {"BTCUSDT", px("105")}, {"XRPUSDT", px("2.9")}};
    auto totals = t.book.totals(marks);
    BOOST_REQUIRE(totals);
    BOOST_TEST(totals->realized.to_string() == "15");
    BOOST_TEST(totals->unrealized.to_string() == "6");  // BTC 105-100 = 5, XRP +1
    BOOST_TEST(totals->fees.to_string() == "0.109");
    BOOST_TEST(totals->net.to_string() == "20.891");
    auto missing = t.book.totals(std::map<std::string, mmbot::core::price, std::less<>>{
        {"BTCUSDT", px("105")}});
    BOOST_REQUIRE(!missing);
    BOOST_TEST(missing.error().code == mmbot::engine::errc::missing_mark);
    BOOST_TEST(missing.error().message.find("XRPUSDT") != std::string::npos);
}
