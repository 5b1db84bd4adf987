#define BOOST_TEST_MODULE decimal
#include <boost/test/unit_test.hpp>

#include "mmbot/core/units.hpp"

#include <string>

using namespace mmbot::core;

namespace {
std::string code_of(std::string_view text) {
    auto r = price::parse(text);
    return r ? std::string("ok") : std::string(r.error().code.name());
}
}  // namespace

BOOST_AUTO_TEST_CASE(parses_venue_strings_exactly) {
    BOOST_TEST(price::parse("65114.20").value().raw() == 6511420000000);
    BOOST_TEST(quantity::parse("0.00001").value().raw() == 1000);
    BOOST_TEST(price::parse("0.00000001").value().raw() == 1);
    BOOST_TEST(price::parse("-3.5").value().raw() == -350000000);
    BOOST_TEST(price::parse("0").value().raw() == 0);
    BOOST_TEST(quantity::parse("10000000000").value().raw() == 1000000000000000000);
}

BOOST_AUTO_TEST_CASE(prints_without_exponent) {
    BOOST_TEST(quantity::parse("0.00001").value().to_string() == "0.00001");
    BOOST_TEST(price::parse("65114.20").value().to_string() == "65114.2");
    BOOST_TEST(price::parse("65114.20").value().to_string(2) == "65114.20");
    BOOST_TEST(price::parse("-0.5").value().to_string() == "-0.5");
    BOOST_TEST(price::parse("100").value().to_string(1) == "100.0");
    BOOST_TEST(price::from_raw(1).to_string() == "0.00000001");
    BOOST_TEST(price::max().to_string() == "92233720368.54775807");
    BOOST_TEST(price::min().to_string() == "-92233720368.54775808");
    BOOST_TEST(fmt::format("{}", price::parse("1.50").value()) == "1.5");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_with_named_reasons) {
    BOOST_TEST(code_of("1e-5") == "decimal_exponent");
    BOOST_TEST(code_of("1E5") == "decimal_exponent");
    BOOST_TEST(code_of("e5") == "decimal_exponent");
    BOOST_TEST(code_of("") == "decimal_empty");
    BOOST_TEST(code_of(".5") == "decimal_syntax");
    BOOST_TEST(code_of("5.") == "decimal_syntax");
    BOOST_TEST(code_of("-") == "decimal_syntax");
    BOOST_TEST(code_of("+5") == "decimal_syntax");
    BOOST_TEST(code_of("1,5") == "decimal_syntax");
    BOOST_TEST(code_of(" 1") == "decimal_syntax");
    BOOST_TEST(code_of("NaN") == "decimal_syntax");
    BOOST_TEST(code_of("0.000000001") == "decimal_too_precise");
    BOOST_TEST(code_of("0.000000010") == "ok");  // extra digits that are zero lose nothing
    BOOST_TEST(code_of("92233720368.54775808") == "decimal_overflow");
    BOOST_TEST(code_of("99999999999999999999999") == "decimal_overflow");
    auto r = price::parse("1e-5");
    BOOST_TEST(r.error().message.find("\"1e-5\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(range_covers_every_bybit_instrument) {
    BOOST_TEST(quantity::parse("10000000000").has_value());  // 1e10
    auto n = notional::parse("1000000000000").value();         // 1e12
    BOOST_TEST(n.to_string() == "1000000000000");
    auto big = price::parse("1000000").value() * quantity::parse("1000000").value();
    BOOST_TEST(big.to_string() == "1000000000000");
    auto tiny = price::parse("0.00000001").value() * quantity::parse("0.00000001").value();
    BOOST_TEST(tiny.to_string() == "0.0000000000000001");
}

BOOST_AUTO_TEST_CASE(arithmetic_is_checked) {
    BOOST_CHECK_THROW(price::max() + price::from_raw(1), decimal_overflow_error);
    BOOST_CHECK_THROW(price::min() - price::from_raw(1), decimal_overflow_error);
    BOOST_CHECK_THROW(price::max() * 2, decimal_overflow_error);
    BOOST_CHECK_THROW(notional::max() + notional::from_raw(1), decimal_overflow_error);
    BOOST_TEST((price::parse("1.5").value() - price::parse("2").value()).to_string() == "-0.5");
}

BOOST_AUTO_TEST_CASE(rounding_to_steps) {
    auto tick = price::parse("0.5").value();
    BOOST_TEST(price::parse("49992.7").value().round_to(tick, rounding::down).to_string() == "49992.5");
    BOOST_TEST(price::parse("49992.7").value().round_to(tick, rounding::up).to_string() == "49993");
    BOOST_TEST(price::parse("-0.7").value().round_to(tick, rounding::down).to_string() == "-1");
    BOOST_TEST(price::parse("-0.7").value().round_to(tick, rounding::up).to_string() == "-0.5");
    BOOST_TEST(price::parse("2.5").value().round_to(tick, rounding::up).to_string() == "2.5");
}

BOOST_AUTO_TEST_CASE(cross_unit_operations) {
    auto fee = mul(notional::parse("100.0000000000000001").value(), ratio::parse("0.0002").value(),
                   rounding::up);
    BOOST_TEST(fee.to_string() == "0.0200000000000001");
    auto avg = div(notional::parse("100").value(), quantity::parse("3").value(), rounding::down);
    BOOST_TEST(avg.to_string() == "33.33333333");
    auto padded = mul(quantity::parse("0.001").value(), ratio::parse("1.1").value(), rounding::up);
    BOOST_TEST(padded.to_string() == "0.0011");
    BOOST_TEST(price::parse("65114.20").value().fraction_digits() == 1);
    BOOST_TEST(quantity::parse("0.00001").value().fraction_digits() == 5);
}
