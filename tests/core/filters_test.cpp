#define BOOST_TEST_MODULE filters
#include <boost/test/unit_test.hpp>

#include "mmbot/core/filters.hpp"

using namespace mmbot;

namespace {
core::filter_text good() {
    return {.symbol = "BTCUSDT", .tick_size = "0.10", .qty_step = "0.001", .min_qty = "0.001",
            .max_qty = "1190", .min_notional = "5", .min_price = "0.10", .max_price = "1999999.80"};
}
std::string message_of(core::filter_text t) {
    auto f = core::make_filters(t);
    BOOST_TEST_REQUIRE(!f.has_value());
    BOOST_TEST(f.error().code == mmbot::core::errc::invalid_filter);
    return f.error().message;
}
}  // namespace

BOOST_AUTO_TEST_CASE(loads_a_real_bybit_linear_instrument) {
    auto f = core::make_filters(good()).value();
    BOOST_TEST(f.tick_size.to_string(f.price_digits) == "0.10");
    BOOST_TEST(f.price_digits == 2);
    BOOST_TEST(f.qty_digits == 3);
    BOOST_TEST(f.max_price.to_string(f.price_digits) == "1999999.80");
    BOOST_TEST(f.min_notional.to_string() == "5");
}
BOOST_AUTO_TEST_CASE(zero_tick_is_named) {
    auto t = good();
    t.tick_size = "0";
    BOOST_TEST(message_of(t) == "BTCUSDT.tick_size: must be > 0, got \"0\"");
}
BOOST_AUTO_TEST_CASE(negative_tick_is_named) {
    auto t = good();
    t.tick_size = "-0.1";
    BOOST_TEST(message_of(t) == "BTCUSDT.tick_size: must be > 0, got \"-0.1\"");
}
BOOST_AUTO_TEST_CASE(zero_step_and_min_qty_are_named) {
    auto t = good();
    t.qty_step = "0.000";
    BOOST_TEST(message_of(t).find("qty_step") != std::string::npos);
    t = good();
    t.min_qty = "0";
    BOOST_TEST(message_of(t).find("min_qty") != std::string::npos);
}
BOOST_AUTO_TEST_CASE(bounds_must_be_ordered) {
    auto t = good();
    t.max_qty = "0.0005";
    BOOST_TEST(message_of(t) == "BTCUSDT.max_qty: must be >= min_qty, got \"0.0005\"");
    t = good();
    t.max_price = "0.05";
    BOOST_TEST(message_of(t).find("max_price") != std::string::npos);
    t = good();
    t.min_notional = "-1";
    BOOST_TEST(message_of(t).find("min_notional") != std::string::npos);
}
BOOST_AUTO_TEST_CASE(unparseable_field_names_field_and_value) {
    auto t = good();
    t.qty_step = "1e-3";
    const auto m = message_of(t);
    BOOST_TEST(m.find("BTCUSDT.qty_step") != std::string::npos);
    BOOST_TEST(m.find("\"1e-3\"") != std::string::npos);
    t = good();
    t.symbol = "";
    BOOST_TEST(message_of(t).find("symbol") != std::string::npos);
}
