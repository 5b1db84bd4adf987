#define BOOST_TEST_MODULE engine_order_router
#include <boost/test/unit_test.hpp>

#include "mmbot/engine/order_router.hpp"
#include "test_support.hpp"

#include <string>
#include <vector>

using namespace mmbot::engine;
using namespace mmbot::engine::test;

namespace {
const qty_limits btc{qt("0.001"), qt("0.001"), qt("1")};

std::string children_of(const split_plan& p) {
    std::string out;
    for (const auto& c : p.children) out += (out.empty() ? "" : ",") + c.to_string();
    return out;
}

split_plan split(std::string_view total, const qty_limits& f,
                 remainder_policy policy = remainder_policy::rebalance) {
    auto r = split_order(qt(total), f, split_options{policy, 50});
    BOOST_REQUIRE(r);
    return *r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(exact_multiples_and_small_orders) {
    BOOST_TEST(children_of(split("3", btc)) == "1,1,1");
    BOOST_TEST(children_of(split("0.5", btc)) == "0.5");
    BOOST_TEST(children_of(split("1", btc)) == "1");
    const auto p = split("2.5", btc);
    BOOST_TEST(children_of(p) == "1,1,0.5");
    BOOST_TEST((p.action == remainder_action::none));
    BOOST_TEST(p.placed().to_string() == "2.5");
}

BOOST_AUTO_TEST_CASE(sub_step_part_reported) {
    const auto p = split("1.0005", btc);
    BOOST_TEST(children_of(p) == "1");
    BOOST_TEST(p.below_step.to_string() == "0.0005");
    BOOST_TEST(p.dropped.is_zero());
}

BOOST_AUTO_TEST_CASE(remainder_below_min_qty) {
    const qty_limits f{qt("0.01"), qt("0.05"), qt("1")};
    // Dropped and reported.
    auto dropped = split("2.03", f, remainder_policy::drop);
    BOOST_TEST(children_of(dropped) == "1,1");
    BOOST_TEST(dropped.dropped.to_string() == "0.03");
    BOOST_TEST((dropped.action == remainder_action::dropped));
    // Rebalanced: the previous child gives 0.02 so the last reaches min qty.
    auto rebalanced = split("2.03", f, remainder_policy::rebalance);
    BOOST_TEST(children_of(rebalanced) == "1,0.98,0.05");
    BOOST_TEST((rebalanced.action == remainder_action::rebalanced));
    BOOST_TEST(rebalanced.placed().to_string() == "2.03");
    BOOST_TEST(rebalanced.dropped.is_zero());
    // A max qty off the step grid: children are cut at 0.99.
    const qty_limits odd{qt("0.01"), qt("0.05"), qt("0.995")};
    BOOST_TEST(children_of(split("2.01", odd)) == "0.99,0.97,0.05");
    BOOST_TEST(children_of(split("2.04", odd)) == "0.99,0.99,0.06");
    // Rebalancing impossible (the previous child would fall below min qty): dropped, reported.
    const qty_limits tight{qt("0.01"), qt("0.05"), qt("0.06")};
    auto impossible = split("0.13", tight, remainder_policy::rebalance);
    BOOST_TEST(children_of(impossible) == "0.06,0.06");
    BOOST_TEST(impossible.dropped.to_string() == "0.01");
    BOOST_TEST((impossible.action == remainder_action::dropped));
}

BOOST_AUTO_TEST_CASE(whole_order_below_min_qty) {
    const qty_limits f{qt("0.01"), qt("0.05"), qt("1")};
    const auto p = split("0.04", f);
    BOOST_TEST(p.children.empty());
    BOOST_TEST(p.dropped.to_string() == "0.04");
    BOOST_TEST((p.action == remainder_action::dropped));
    const auto tiny = split("0.001", f);
    BOOST_TEST(tiny.children.empty());
    BOOST_TEST(tiny.below_step.to_string() == "0.001");
}

BOOST_AUTO_TEST_CASE(errors_name_field_and_value) {
    auto zero = split_order(qt("0"), btc);
    BOOST_REQUIRE(!zero);
    BOOST_TEST(zero.error().code == mmbot::engine::errc::invalid_quantity);
    auto bad_step = split_order(qt("1"), qty_limits{qt("0"), qt("0"), qt("1")});
    BOOST_REQUIRE(!bad_step);
    BOOST_TEST(bad_step.error().message == "qty_step: must be > 0, got \"0\"");
    auto bad_max = split_order(qt("1"), qty_limits{qt("0.1"), qt("0.5"), qt("0.2")});
    BOOST_REQUIRE(!bad_max);
    BOOST_TEST(bad_max.error().message == "max_qty: must be >= min_qty, got \"0.2\"");
    auto huge = split_order(qt("100"), btc, split_options{remainder_policy::rebalance, 10});
    BOOST_REQUIRE(!huge);
    BOOST_TEST(huge.error().code == mmbot::engine::errc::split_too_large);
}

BOOST_AUTO_TEST_CASE(routes_by_symbol) {
    order_router<qty_limits, std::string> router;
    BOOST_TEST(static_cast<bool>(router.add("BTCUSDT", btc, "linear")));
    BOOST_TEST(static_cast<bool>(router.add("ETHUSDT", qty_limits{qt("0.01"), qt("0.01"), qt("5")},
                                            "linear")));
    auto dup = router.add("BTCUSDT", btc, "spot");
    BOOST_REQUIRE(!dup);
    BOOST_TEST(dup.error().code == mmbot::engine::errc::duplicate_route);
    auto plan = router.plan("ETHUSDT", qt("12"));
    BOOST_REQUIRE(plan);
    BOOST_TEST(plan->target->symbol == "ETHUSDT");
    BOOST_TEST(plan->target->handler == "linear");
    BOOST_TEST(children_of(plan->split) == "5,5,2");
    auto unknown = router.plan("DOGEUSDT", qt("1"));
    BOOST_REQUIRE(!unknown);
    BOOST_TEST(unknown.error().code == mmbot::engine::errc::unknown_symbol);
    BOOST_TEST(unknown.error().message.find("DOGEUSDT") != std::string::npos);
    // Hot reload keeps the route object (pointers stay valid) and changes the limits.
    const auto* before = router.find("ETHUSDT");
    router.replace("ETHUSDT", qty_limits{qt("0.01"), qt("0.01"), qt("10")}, "linear");
    BOOST_TEST(router.find("ETHUSDT") == before);
    BOOST_TEST(children_of(router.plan("ETHUSDT", qt("12")).value().split) == "10,2");
    BOOST_TEST(router.size() == 2U);
}
