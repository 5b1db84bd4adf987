// Registry and exposition exactness: golden text, escaping, histogram buckets, decimal gauges.
#define BOOST_TEST_MODULE obs_metrics
#include <boost/test/unit_test.hpp>

#include "mmbot/obs/metrics.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mmbot;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(golden_exposition_is_exact_and_sorted) {
    obs::registry reg;
    // Registered out of order on purpose: the output is sorted by name, then label values.
    auto& placed = reg.add_counter("mm_orders_placed_total", "Orders sent to the venue.", {"symbol", "side"});
    auto& healthy = reg.add_gauge("mm_execution_healthy", "1 when the execution loop is healthy.");
    auto& lat = reg.add_histogram("mm_execution_latency_seconds", "Venue round trip.", {"operation"},
                                  {"0.0005", "0.001", "0.01"});
    placed.with({"ETHUSDT", "SELL"}).inc(3);
    placed.with({"BTCUSDT", "SELL"}).inc();
    placed.with({"BTCUSDT", "BUY"}).inc(2);
    healthy.with({}).set(true);
    auto& place = lat.with({"place"});
    place.observe(400us);   // <= 0.0005
    place.observe(500us);   // exactly on a bound: counts in that bucket (le is inclusive)
    place.observe(2ms);     // <= 0.01
    place.observe(1500ms);  // +Inf

    const std::string expected =
        "# HELP mm_execution_healthy 1 when the execution loop is healthy.\n"
        "# TYPE mm_execution_healthy gauge\n"
        "mm_execution_healthy 1\n"
        "# HELP mm_execution_latency_seconds Venue round trip.\n"
        "# TYPE mm_execution_latency_seconds histogram\n"
        "mm_execution_latency_seconds_bucket{operation=\"place\",le=\"0.0005\"} 2\n"
        "mm_execution_latency_seconds_bucket{operation=\"place\",le=\"0.001\"} 2\n"
        "mm_execution_latency_seconds_bucket{operation=\"place\",le=\"0.01\"} 3\n"
        "mm_execution_latency_seconds_bucket{operation=\"place\",le=\"+Inf\"} 4\n"
        "mm_execution_latency_seconds_sum{operation=\"place\"} 1.5029\n"
        "mm_execution_latency_seconds_count{operation=\"place\"} 4\n"
        "# HELP mm_orders_placed_total Orders sent to the venue.\n"
        "# TYPE mm_orders_placed_total counter\n"
        "mm_orders_placed_total{symbol=\"BTCUSDT\",side=\"BUY\"} 2\n"
        "mm_orders_placed_total{symbol=\"BTCUSDT\",side=\"SELL\"} 1\n"
        "mm_orders_placed_total{symbol=\"ETHUSDT\",side=\"SELL\"} 3\n";
    BOOST_TEST(reg.expose() == expected);
}

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
    obs::registry reg;
    auto& c = reg.add_counter("x_total", "Help with \\ backslash,\nnewline and \"quotes\".", {"v"});
    c.with({"a\\b\"c\nd"}).inc();
    const std::string expected =
        "# HELP x_total Help with \\\\ backslash,\\nnewline and \"quotes\".\n"
        "# TYPE x_total counter\n"
        "x_total{v=\"a\\\\b\\\"c\\nd\"} 1\n";
    BOOST_TEST(reg.expose() == expected);
}

BOOST_AUTO_TEST_CASE(same_labels_give_the_same_handle) {
    obs::registry reg;
    auto& c = reg.add_counter("y_total", "y", {"a"});
    auto& h1 = c.with({"1"});
    auto& h2 = c.with({"1"});
    BOOST_TEST(&h1 == &h2);
    auto& h3 = c.with({"2"});
    BOOST_TEST(&h1 != &h3);
    BOOST_TEST(c.size() == 2U);
}

BOOST_AUTO_TEST_CASE(decimal_gauges_print_exactly) {
    obs::registry reg;
    auto& pnl = reg.add_decimal_gauge<core::notional_unit>("mm_pnl_realized", "PnL", {"symbol"});
    auto& inv = reg.add_decimal_gauge<core::quantity_unit>("mm_inventory", "Inventory", {"symbol"});
    auto& age = reg.add_decimal_gauge<obs::seconds_unit>("mm_market_data_age_seconds", "Age", {"symbol"});
    // price x quantity at full scale: 16 fraction digits, far outside what a double holds exactly.
    const auto p = core::price::parse("65114.12345678").value();
    const auto q = core::quantity::parse("0.00000003").value();
    pnl.with({"BTCUSDT"}).set(-(p * q));
    pnl.with({"ETHUSDT"}).set(core::notional::parse("123456789012345.0000000000000001").value());
    inv.with({"BTCUSDT"}).set(core::quantity::parse("-0.001").value());
    age.with({"BTCUSDT"}).set(std::chrono::nanoseconds(1'500'000'001));
    BOOST_TEST(pnl.with({"BTCUSDT"}).value() == -(p * q));
    const std::string expected =
        "# HELP mm_inventory Inventory\n"
        "# TYPE mm_inventory gauge\n"
        "mm_inventory{symbol=\"BTCUSDT\"} -0.001\n"
        "# HELP mm_market_data_age_seconds Age\n"
        "# TYPE mm_market_data_age_seconds gauge\n"
        "mm_market_data_age_seconds{symbol=\"BTCUSDT\"} 1.500000001\n"
        "# HELP mm_pnl_realized PnL\n"
        "# TYPE mm_pnl_realized gauge\n"
        "mm_pnl_realized{symbol=\"BTCUSDT\"} -0.0019534237037034\n"
        "mm_pnl_realized{symbol=\"ETHUSDT\"} 123456789012345.0000000000000001\n";
    BOOST_TEST(reg.expose() == expected);
}

BOOST_AUTO_TEST_CASE(wide_gauge_round_trips_extremes) {
    obs::registry reg;
    auto& g = reg.add_decimal_gauge<core::notional_unit>("w", "w").with({});
    for (const auto& v : {core::notional::max(), core::notional::min(), core::notional{},
                          core::notional::from_raw(-1)}) {
        g.set(v);
        BOOST_TEST(g.value() == v);
    }
}

BOOST_AUTO_TEST_CASE(histogram_bucket_boundaries) {
    obs::registry reg;
    auto& h = reg.add_histogram("h", "h", {}, {"1", "2.5"}, 1).with({});
    h.observe_raw(-5);  // -0.5 falls into le="1"
    h.observe_raw(10);  // 1.0 -> le="1"
    h.observe_raw(11);  // 1.1 -> le="2.5"
    h.observe_raw(25);  // 2.5 -> le="2.5"
    h.observe_raw(26);  // 2.6 -> +Inf
    BOOST_TEST(h.bucket(0) == 2U);
    BOOST_TEST(h.bucket(1) == 2U);
    BOOST_TEST(h.bucket(2) == 1U);
    BOOST_TEST(h.count() == 5U);
    BOOST_TEST(h.sum_raw() == 67);
    const std::string expected =
        "# HELP h h\n# TYPE h histogram\n"
        "h_bucket{le=\"1\"} 2\nh_bucket{le=\"2.5\"} 4\nh_bucket{le=\"+Inf\"} 5\n"
        "h_sum 6.7\nh_count 5\n";
    BOOST_TEST(reg.expose() == expected);
    // A duration on a scale-1 histogram truncates to tenths of a second.
    h.observe(std::chrono::milliseconds(1234));
    BOOST_TEST(h.sum_raw() == 79);
}

BOOST_AUTO_TEST_CASE(registration_errors_are_named) {
    obs::registry reg;
    (void)reg.add_counter("dup_total", "d");
    BOOST_CHECK_THROW((void)reg.add_counter("dup_total", "d"), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_counter("1bad", "d"), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_counter("ok_total", "d", {"__reserved"}), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_counter("ok2_total", "d", {"a", "a"}), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_histogram("h1", "d", {"le"}, {"1"}), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_histogram("h2", "d", {}, {"1", "1"}), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_histogram("h3", "d", {}, {"1e-3"}), std::invalid_argument);
    BOOST_CHECK_THROW((void)reg.add_histogram("h4", "d", {}, {"0.0000000001"}), std::invalid_argument);
    auto& c = reg.add_counter("two_total", "d", {"a", "b"});
    BOOST_CHECK_THROW((void)c.with({"only-one"}), std::invalid_argument);
    try {
        (void)reg.add_histogram("h5", "d", {}, {"abc"});
        BOOST_FAIL("expected a throw");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("\"abc\"") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(concurrent_increments_are_not_lost) {
    obs::registry reg;
    auto& c = reg.add_counter("c_total", "c").with({});
    auto& h = reg.add_histogram("lat_seconds", "l", {}, {"0.001"}).with({});
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100000; ++i) {
                c.inc();
                h.observe(std::chrono::microseconds(i % 2000));
            }
        });
    }
    // Scrapes run while the writers are busy: they must neither block nor tear.
    for (int i = 0; i < 50; ++i) {
        BOOST_TEST(!reg.expose().empty());
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(c.value() == 400000U);
    BOOST_TEST(h.count() == 400000U);
}
