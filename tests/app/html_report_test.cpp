// The run's pictures without a browser: the decimated series keeps every extreme within its cap,
// the timeline's markouts are exact, and the HTML report's summary cells are the JSON report's
// own values, with one marker per fill, freeze bands with their reasons, and venue text escaped.
// (The browser test, tests/e2e/browser_test.sh, opens the same page in chromium.)
#define BOOST_TEST_MODULE html_report
#include <boost/test/unit_test.hpp>

#include "mmbot/app/report.hpp"
#include "mmbot/app/report/decimated_series.hpp"
#include "mmbot/app/report/html_report.hpp"
#include "mmbot/app/report/run_timeline.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace report = mmbot::app::report;
namespace core = mmbot::core;
using namespace std::chrono_literals;

namespace {
core::price P(const char* s) { return core::price::parse(s).value(); }
core::quantity Q(const char* s) { return core::quantity::parse(s).value(); }

std::size_t count_of(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

/// A book with its mid, as the execution loop reports it ((bid + ask) / 2, rounded down).
void book(report::run_timeline& t, std::string_view sym, const char* bid, const char* ask, std::chrono::nanoseconds at) {
    const core::price b = P(bid);
    const core::price a = P(ask);
    t.on_book(sym, b, a, core::price::from_raw(core::detail::div_floor(b.raw() + a.raw(), std::int64_t{2})), at);
}

mmbot::engine::position long_position(const char* qty) {
    mmbot::engine::position p;
    p.symbol = "BTCUSDT";
    p.qty = Q(qty);
    return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(decimation_keeps_every_extreme_within_the_cap) {
    report::decimated_series s(64);
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    for (std::int64_t i = 0; i < 100'000; ++i) {
        // A slow wave with one spike up and one down far apart.
        std::int64_t v = (i % 1000) - 500;
        if (i == 12'345) v = 1'000'000;
        if (i == 87'654) v = -2'000'000;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        s.add(std::chrono::nanoseconds(i), v);
    }
    BOOST_TEST(s.points() == 100'000U);
    BOOST_TEST(s.buckets().size() <= 64U);
    BOOST_TEST(s.buckets().size() > 32U);
    std::int64_t seen_lo = 0;
    std::int64_t seen_hi = 0;
    for (const auto& b : s.buckets()) {
        seen_lo = std::min(seen_lo, b.lo);
        seen_hi = std::max(seen_hi, b.hi);
    }
    BOOST_TEST(seen_lo == lo);
    BOOST_TEST(seen_hi == hi);
    BOOST_TEST(std::is_sorted(s.buckets().begin(), s.buckets().end(),
                              [](const auto& a, const auto& b) { return a.t < b.t; }));
}

BOOST_AUTO_TEST_CASE(a_short_series_is_kept_point_for_point) {
    report::decimated_series s(64);
    for (int i = 0; i < 10; ++i) s.add(std::chrono::nanoseconds(i), i * 3);
    BOOST_REQUIRE(s.buckets().size() == 10U);
    BOOST_TEST(s.buckets()[4].lo == 12);
    BOOST_TEST(s.buckets()[4].hi == 12);
}

// A buy at 99 with mid 100 gained 100 bps at the fill; the mid then falls to 98 (1 s later:
// -102.0409 bps, rounded down) and rises to 101 (10 s: +198.0198 bps).
BOOST_AUTO_TEST_CASE(markouts_are_exact_at_the_fill_and_each_horizon) {
    report::run_timeline t;
    book(t, "BTCUSDT", "99.5", "100.5", 0s);
    t.on_fill("BTCUSDT", core::side::buy, P("99"), Q("1"), core::notional{}, long_position("1"), 0s);
    book(t, "BTCUSDT", "97.5", "98.5", 500ms);  // before 1 s: not yet
    book(t, "BTCUSDT", "97.5", "98.5", 1s);
    book(t, "BTCUSDT", "100.5", "101.5", 10s);
    BOOST_REQUIRE(t.fills().size() == 1U);
    const auto& f = t.fills().front();
    BOOST_TEST(f.edge_at_fill->to_string() == "100");
    BOOST_TEST(f.markout[0]->to_string() == "-102.0409");
    BOOST_TEST(f.markout[1]->to_string() == "198.0198");
    const auto& s = t.symbols().at("BTCUSDT");
    BOOST_TEST(s.edges[0][0].count == 1);
    BOOST_TEST(s.edges[0][2].sum.to_string() == "198.0198");
    BOOST_TEST(s.edges[1][0].count == 0);  // no sells
}

// The JSON report's markouts: averages per side and horizon, null where no fill reached it.
BOOST_AUTO_TEST_CASE(the_json_report_carries_the_markouts) {
    report::run_timeline t;
    book(t, "BTCUSDT", "99.5", "100.5", 0s);
    t.on_fill("BTCUSDT", core::side::buy, P("99"), Q("1"), core::notional{}, long_position("1"), 0s);
    t.on_fill("BTCUSDT", core::side::buy, P("99.5"), Q("1"), core::notional{}, long_position("2"), 0s);
    book(t, "BTCUSDT", "97.5", "98.5", 1s);
    const auto m = mmbot::app::detail::report_markouts(&t.symbols().at("BTCUSDT"));
    const auto& buy = m.at("Buy").as_object();
    BOOST_TEST(buy.at("fills").as_int64() == 2);
    BOOST_TEST(buy.at("edge_at_fill_bps").as_string() == "75");  // (100 + 50) / 2
    BOOST_TEST(buy.at("after_1s_fills").as_int64() == 2);
    BOOST_TEST(buy.at("after_1s_bps").as_string() == "-127.5511");  // (-102.0409 + -153.0613) / 2
    BOOST_TEST(buy.at("after_60s_bps").is_null());
    BOOST_TEST(m.at("Sell").as_object().at("fills").as_int64() == 0);
    BOOST_TEST(mmbot::app::detail::report_markouts(nullptr).at("Sell").as_object().at("after_10s_fills").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(a_freeze_is_a_band_until_the_bot_leaves_it) {
    report::run_timeline t;
    book(t, "BTCUSDT", "99.5", "100.5", 0s);
    t.on_freeze("loss_limit", 2s);
    t.on_freeze("edge_below_threshold", 3s);  // same freeze: the first reason names it
    t.on_state(mmbot::engine::bot_state::freeze, 2s);
    t.on_state(mmbot::engine::bot_state::running, 5s);
    t.on_freeze("stale_market_data", 7s);
    BOOST_REQUIRE(t.freezes().size() == 2U);
    BOOST_TEST(t.freezes()[0].reason == "loss_limit");
    BOOST_TEST((t.freezes()[0].end == std::optional(std::chrono::nanoseconds(5s))));
    BOOST_TEST(!t.freezes()[1].end.has_value());
}

BOOST_AUTO_TEST_CASE(the_page_shows_the_json_reports_numbers_and_every_fill) {
    report::run_timeline t;
    book(t, "BTC<USDT>", "99.5", "100.5", 0s);
    t.on_placed("BTC<USDT>", core::side::buy, P("99"), 0s);
    t.on_placed("BTC<USDT>", core::side::sell, P("101"), 0s);
    t.on_fill("BTC<USDT>", core::side::buy, P("99"), Q("1"), core::notional::parse("-0.0025").value(),
              long_position("1"), 1s);
    t.on_fill("BTC<USDT>", core::side::sell, P("101"), Q("1"), core::notional{}, long_position("0"), 2s);
    t.on_freeze("loss_limit", 3s);
    book(t, "BTC<USDT>", "99.5", "100.5", 4s);
    const boost::json::value json = boost::json::parse(R"({
        "execution_params": {"environment": "shadow", "feed": "replay:x"},
        "stats": {"orders_placed": 2, "fills": 2, "orders_cancelled": 0, "orders_blocked": 1},
        "pnl": {"realized": "2", "unrealized": "0", "fees": "-0.0025", "net": "2.0025"},
        "risk": {"freeze_events": 1, "last_freeze_reason": "loss_limit", "final_state": "SHUTDOWN"},
        "blocked_orders": {"min_qty": 1},
        "symbols": {"BTC<USDT>": {"orders_placed": 2, "fills": 2, "fill_rate": "1", "inventory": "0",
                                  "pnl": {"fees": "-0.0025", "net": "2.0025"}}}})");
    const std::string html = report::html_report(json, t);
    BOOST_TEST(html.find(R"(<td data-key="pnl.net">2.0025</td>)") != std::string::npos);
    BOOST_TEST(html.find(R"(<td data-key="pnl.fees">-0.0025</td>)") != std::string::npos);
    BOOST_TEST(html.find(R"(<td data-key="stats.fills">2</td>)") != std::string::npos);
    BOOST_TEST(html.find(R"(<td data-key="risk.last_freeze_reason">loss_limit</td>)") != std::string::npos);
    BOOST_TEST(html.find(R"(<td data-key="symbols.BTC&lt;USDT&gt;.fill_rate">1</td>)") != std::string::npos);
    BOOST_TEST(html.find(R"(<td data-key="blocked_orders.min_qty">1</td>)") != std::string::npos);
    BOOST_TEST(count_of(html, R"(<circle class="fill buy")") == 1U);
    BOOST_TEST(count_of(html, R"(<circle class="fill sell")") == 1U);
    BOOST_TEST(html.find(R"(<g class="quote buy" data-buckets="1" data-raw="1">)") != std::string::npos);
    // The freeze is a band on each of the symbol's three charts.
    BOOST_TEST(count_of(html, "<title>freeze: loss_limit</title>") == 3U);
    // Venue text never becomes markup; no script, nothing fetched.
    BOOST_TEST(html.find("BTC<USDT>") == std::string::npos);
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("http") == std::string::npos);
}
