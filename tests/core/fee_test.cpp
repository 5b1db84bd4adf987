// tests/core/fee_test.cpp
//
// core::fee_for: exact, rounded up (a fee never rounds in our favour, a rebate toward zero), the
// same for a buy and a sell. The simulator and the engine's positions both charge through it.
#define BOOST_TEST_MODULE core_fee
#include <boost/test/unit_test.hpp>

#include "mmbot/core/fee.hpp"

using namespace mmbot::core;

namespace {
price px(const char* s) { return price::parse(s).value(); }
quantity qty(const char* s) { return quantity::parse(s).value(); }
ratio rate(const char* s) { return ratio::parse(s).value(); }
}  // namespace

BOOST_AUTO_TEST_CASE(fee_and_rebate_are_exact) {
    BOOST_TEST(fee_for(px("65114.2"), qty("1.5"), rate("0.0002")).to_string() == "19.53426");
    BOOST_TEST(fee_for(px("65114.2"), qty("1.5"), rate("-0.00025")).to_string() == "-24.417825");
    BOOST_TEST(fee_for(px("100"), qty("1"), rate("0")).to_string() == "0");
}

BOOST_AUTO_TEST_CASE(fee_rounds_up_and_rebate_toward_zero) {
    // 1e-16 notional x 0.0002 = 2e-20: a fee rounds UP to the notional scale...
    BOOST_TEST(fee_for(px("0.00000001"), qty("0.00000001"), rate("0.0002")).to_string() ==
               "0.0000000000000001");
    // ...and a rebate, negative, rounds up too: toward zero.
    BOOST_TEST(fee_for(px("0.00000001"), qty("0.00000001"), rate("-0.00025")).to_string() == "0");
}

BOOST_AUTO_TEST_CASE(sign_of_quantity_does_not_matter) {
    // Positions pass signed quantities; a sell pays the same fee as a buy.
    BOOST_TEST(fee_for(px("101"), qty("-1"), rate("0.0002")) ==
               fee_for(px("101"), qty("1"), rate("0.0002")));
    BOOST_TEST(fee_for(px("100"), qty("-1"), rate("-0.0001")).to_string() == "-0.01");
}
