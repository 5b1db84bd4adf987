// tests/app/preflight_test.cpp: every preflight check against a scripted venue that answers with
// Bybit's real response shapes, and the JSON verdict.
#define BOOST_TEST_MODULE preflight
#include "mmbot/app/preflight.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace app = mmbot::app;
namespace pf = mmbot::app::preflight;
namespace bybit = mmbot::venue::bybit;
using namespace std::chrono_literals;

namespace {

struct reply {
    std::string body;
};

/// Answers each request with the next scripted body and remembers what was asked (and signed).
struct scripted_venue {
    std::deque<mmbot::core::result<std::string>> answers;
    std::vector<std::string> targets;
    std::vector<bool> signed_;
    mmbot::core::result<reply> send(const bybit::rest_request& r, bybit::signer* s, std::int64_t /*ms*/) {
        targets.push_back(r.target());
        signed_.push_back(s != nullptr);
        if (answers.empty()) return mmbot::core::make_error(mmbot::venue::bybit::errc::not_sent, "no scripted answer");
        auto a = std::move(answers.front());
        answers.pop_front();
        if (!a) return a.error();
        return reply{*a};
    }
};
static_assert(pf::rest_sender<scripted_venue>);

std::string instruments(std::string_view symbol, std::string_view tick, std::string_view status = "Trading") {
    return fmt::format(R"({{"retCode":0,"retMsg":"OK","result":{{"category":"linear","list":[{{"symbol":"{}",
      "status":"{}","priceFilter":{{"minPrice":"0.10","maxPrice":"1999999.80","tickSize":"{}"}},
      "lotSizeFilter":{{"maxOrderQty":"1190","minOrderQty":"0.001","qtyStep":"0.001",
      "postOnlyMaxOrderQty":"1190","minNotionalValue":"5"}}}}],"nextPageCursor":""}},"retExtInfo":{{}},"time":1}})",
                       symbol, status, tick);
}

std::string open_orders(std::initializer_list<std::string_view> link_ids, std::string_view cursor = "") {
    std::string list;
    for (auto id : link_ids) {
        if (!list.empty()) list += ',';
        list += fmt::format(R"({{"orderId":"oid-{}","orderLinkId":"{}","symbol":"BTCUSDT","price":"65000.10",
          "qty":"0.010","side":"Buy","orderStatus":"New","leavesQty":"0.010","cumExecQty":"0",
          "timeInForce":"PostOnly","orderType":"Limit","createdTime":"1","updatedTime":"1"}})",
                            id, id);
    }
    return fmt::format(R"({{"retCode":0,"retMsg":"OK","result":{{"list":[{}],"nextPageCursor":"{}","category":"linear"}},"retExtInfo":{{}},"time":1}})",
                       list, cursor);
}

app::config btc_config() {
    app::config c;
    c.environment = "testnet";
    app::symbol_config s;
    s.filters = mmbot::core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.10", .qty_step = "0.001",
                                            .min_qty = "0.001", .max_qty = "1190", .min_notional = "5",
                                            .min_price = "0.10", .max_price = "1999999.80"})
                    .value();
    c.symbols.emplace("BTCUSDT", s);
    return c;
}

bybit::signer test_signer() {
    using mmbot::secrets::credentials;
    using mmbot::secrets::secret_string;
    return bybit::signer::make(credentials{secret_string{std::string_view{"TESTKEY1"}}, secret_string{std::string_view{"TESTSECRET"}}}).value();
}

std::string temp_path(const std::string& name) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    return (std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / name).string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(clock_within_half_the_recv_window_passes) {
    scripted_venue v;
    // The venue says 1 000 000 000 ms + 40 ms; the local clock reads 1 000 000 000 ms around it.
    v.answers.emplace_back(R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1000000","timeNano":"1000000040000000"},"retExtInfo":{},"time":1000000040})");
    std::chrono::nanoseconds t = 1'000'000'000ms;
    auto ok = pf::check_venue_clock(v, [&] { return t; }, 5000ms);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(ok->find("off by 40 ms (limit 2500 ms") != std::string::npos, *ok);
    BOOST_TEST(v.targets.at(0) == "/v5/market/time");
    BOOST_TEST(!v.signed_.at(0));
}

BOOST_AUTO_TEST_CASE(clock_skew_beyond_half_the_recv_window_fails) {
    scripted_venue v;
    v.answers.emplace_back(R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1000003","timeNano":"1000003000000000"},"retExtInfo":{},"time":1})");
    std::chrono::nanoseconds t = 1'000'000'000ms;
    auto bad = pf::check_venue_clock(v, [&] { return t; }, 5000ms);
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().code == mmbot::app::errc::preflight_clock_skew);
    BOOST_TEST(bad.error().message.find("off by 3000 ms") != std::string::npos, bad.error().message);
}

BOOST_AUTO_TEST_CASE(unreachable_venue_fails_with_the_transport_error) {
    scripted_venue v;
    v.answers.emplace_back(mmbot::core::make_error(mmbot::venue::bybit::errc::not_sent, "connect 127.0.0.1:1: refused"));
    auto bad = pf::check_venue_clock(v, [] { return std::chrono::nanoseconds{1}; }, 5000ms);
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message == "connect 127.0.0.1:1: refused");
}

// The config's filters may be stricter than the venue's, never looser (app/venue_filters.hpp).
BOOST_AUTO_TEST_CASE(config_filters_must_be_at_least_as_strict_as_the_venues) {
    const auto cfg = btc_config();
    scripted_venue v;
    v.answers.emplace_back(instruments("BTCUSDT", "0.10"));
    auto ok = pf::check_instruments(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(*ok == "BTCUSDT (config filters, at least as strict as the venue's): Trading");
    BOOST_TEST(v.targets.at(0) == "/v5/market/instruments-info?category=linear&symbol=BTCUSDT");

    v.answers.emplace_back(instruments("BTCUSDT", "0.05"));  // the config's 0.10 is a coarser grid: fine
    BOOST_TEST(pf::check_instruments(v, cfg, bybit::category::linear).has_value());

    v.answers.emplace_back(instruments("BTCUSDT", "0.50"));
    auto diff = pf::check_instruments(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(!diff.has_value());
    BOOST_TEST(diff.error().message ==
               "symbols.BTCUSDT.filters.tick_size: 0.10 is looser than the venue's 0.50 (a whole multiple of the "
               "venue's tick; a config filter may only be stricter)");

    v.answers.emplace_back(instruments("BTCUSDT", "0.10", "Settling"));
    auto halted = pf::check_instruments(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(!halted.has_value());
    BOOST_TEST(halted.error().message == "BTCUSDT: status \"Settling\", not Trading");

    v.answers.emplace_back(instruments("ETHUSDT", "0.01"));
    auto absent = pf::check_instruments(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(!absent.has_value());
    BOOST_TEST(absent.error().message == "BTCUSDT: the venue does not list it (linear)");
}

BOOST_AUTO_TEST_CASE(open_orders_are_paged_signed_and_compared_with_the_journal) {
    const auto cfg = btc_config();
    auto s = test_signer();
    scripted_venue v;
    v.answers.emplace_back(open_orders({"mm-1", "mm-2"}, "page2"));
    v.answers.emplace_back(open_orders({"mm-3"}));
    auto ok = pf::check_open_orders(v, s, 1, cfg, bybit::category::linear, {"mm-1", "mm-2", "mm-3"});
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(*ok == "3 open order(s) on the venue, all in the journal");
    BOOST_TEST(v.targets.size() == 2U);
    BOOST_TEST(v.targets.at(1).find("cursor=page2") != std::string::npos, v.targets.at(1));
    BOOST_TEST(v.signed_.at(0));

    v.answers.emplace_back(open_orders({"mm-1", "someone-else"}));
    auto unknown = pf::check_open_orders(v, s, 1, cfg, bybit::category::linear, {"mm-1"});
    BOOST_TEST_REQUIRE(!unknown.has_value());
    BOOST_TEST(unknown.error().message.find("1 order(s) open on the venue that the journal does not know") == 0U,
               unknown.error().message);
    BOOST_TEST(unknown.error().message.find("someone-else") != std::string::npos);

    v.answers.emplace_back(open_orders({}));
    auto missing = pf::check_open_orders(v, s, 1, cfg, bybit::category::linear, {"mm-9"});
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().message.find("mm-9") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(journal_open_orders_come_from_replaying_it) {
    namespace engine = mmbot::engine;
    const auto path = temp_path("preflight-journal.log");
    std::filesystem::remove(path);
    {
        auto j = engine::journal::open(path, "testnet", {}).value();
        const auto px = mmbot::core::price::parse("65000.1").value();
        const auto qty = mmbot::core::quantity::parse("0.01").value();
        BOOST_TEST_REQUIRE(j.log.append(engine::new_order{"mm-1", "BTCUSDT", mmbot::core::side::buy, px, qty, 1ns}).has_value());
        BOOST_TEST_REQUIRE(j.log.append(engine::new_order{"mm-2", "BTCUSDT", mmbot::core::side::sell, px, qty, 2ns}).has_value());
        BOOST_TEST_REQUIRE(j.log.append(engine::order_ack{"mm-1", "v-1", 3ns}).has_value());
        BOOST_TEST_REQUIRE(j.log.append(engine::order_reject{"mm-2", "EC_PostOnlyWillTakeLiquidity", 4ns}).has_value());
    }
    auto s = pf::check_journal(path, "testnet", {});
    BOOST_TEST_REQUIRE(s.has_value(), s.error().message);
    BOOST_TEST(s->open_orders == (std::set<std::string, std::less<>>{"mm-1"}));
    BOOST_TEST(s->detail.find("4 records, 1 open orders") != std::string::npos, s->detail);
}

// A fresh checkout has no var/testnet/ yet; a run would create it, so preflight passes without
// creating anything, and fails naming the parent only when the directory could not be made.
BOOST_AUTO_TEST_CASE(journal_directory_that_a_run_would_create_passes) {
    const auto root = std::filesystem::path(temp_path("preflight-fresh"));
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    const auto path = (root / "var" / "testnet" / "journal.log").string();
    auto s = pf::check_journal(path, "testnet", {});
    BOOST_TEST_REQUIRE(s.has_value(), s.error().message);
    BOOST_TEST(s->open_orders.empty());
    BOOST_TEST(s->detail.find("not created yet") != std::string::npos, s->detail);
    BOOST_TEST(!std::filesystem::exists(root / "var"));  // preflight only looks

    std::filesystem::permissions(root, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto denied = pf::check_journal(path, "testnet", {});
    std::filesystem::permissions(root, std::filesystem::perms::owner_all);
    if (::geteuid() != 0) {  // root writes anywhere: the refusal cannot be shown as root
        BOOST_TEST_REQUIRE(!denied.has_value());
        BOOST_TEST(denied.error().code == mmbot::engine::errc::journal_io);
        BOOST_TEST(denied.error().message.find(root.string() + " is not a writable directory") != std::string::npos,
                   denied.error().message);
    }
}

BOOST_AUTO_TEST_CASE(verdict_json_fails_on_any_fail_or_skip) {
    pf::report r{"testnet"};
    r.record("config", std::string("configs/testnet.json"));
    BOOST_TEST(r.passed());
    r.skip("venue_clock", "config failed");
    BOOST_TEST(!r.passed());
    pf::report f{"live"};
    f.record("secrets", mmbot::core::make_error(mmbot::secrets::errc::secret_not_found, "mm-bot/prod/bybit: not found"));
    BOOST_TEST(!f.passed());
    BOOST_TEST(f.to_json() ==
               "{\n  \"checks\": [\n    {\n      \"detail\": \"mm-bot/prod/bybit: not found\",\n"
               "      \"name\": \"secrets\",\n      \"status\": \"fail\"\n    }\n  ],\n"
               "  \"environment\": \"live\",\n  \"passed\": false\n}\n");
    BOOST_TEST(!pf::report{"shadow"}.passed());  // no check run is not a pass
}

// One order at the venue's mid must fit the caps (the shipped live config could never trade:
// 0.01 BTC at 65000 is 650, above the 500 canary cap).
BOOST_AUTO_TEST_CASE(order_that_cannot_trade_at_the_mid_fails_naming_the_numbers) {
    auto cfg = app::load_config_file("configs/live.json").value();
    auto& sc = cfg.symbols.at("BTCUSDT");
    sc.strategy.order_qty = mmbot::core::quantity::parse("0.01").value();
    const auto mid = mmbot::core::price::parse("65000").value();
    auto r = pf::check_order_fits(cfg, "BTCUSDT", mid);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == mmbot::app::errc::preflight_cannot_trade);
    BOOST_TEST(r.error().message.find("one order of 0.01 at 65000 is 650") != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find("above risk.canary_max_inventory_notional 500") != std::string::npos,
               r.error().message);
    // Too small for min_notional at this price.
    sc.strategy.order_qty = mmbot::core::quantity::parse("0.002").value();
    auto cheap = pf::check_order_fits(cfg, "BTCUSDT", mmbot::core::price::parse("2000").value());
    BOOST_TEST_REQUIRE(!cheap.has_value());
    BOOST_TEST(cheap.error().message.find("below filters.min_notional 5") != std::string::npos, cheap.error().message);
}

BOOST_AUTO_TEST_CASE(shipped_configs_can_trade_at_the_capture_price) {
    const auto mid_of = [](const std::string& s) {
        return mmbot::core::price::parse(s == "BTCUSDT" ? "65000" : "3500").value();
    };
    for (const char* f : {"configs/shadow.json", "configs/testnet.json", "configs/live.json"}) {
        auto cfg = app::load_config_file(f);
        BOOST_TEST_REQUIRE(cfg.has_value(), f);
        for (const auto& [name, sc] : cfg->symbols) {
            auto r = pf::check_order_fits(*cfg, name, mid_of(name));
            BOOST_TEST(r.has_value(), f << " " << name << ": " << (r ? *r : r.error().message));
        }
    }
}

namespace {
std::string tickers(std::string_view symbol, std::string_view bid, std::string_view ask) {
    return fmt::format(R"({{"retCode":0,"retMsg":"OK","result":{{"category":"linear","list":[{{"symbol":"{}",
      "lastPrice":"{}","bid1Price":"{}","bid1Size":"1.5","ask1Price":"{}","ask1Size":"2"}}]}},"retExtInfo":{{}},"time":1}})",
                       symbol, bid, bid, ask);
}
}  // namespace

// Issue 20.10: preflight asks the venue for the current prices (market/tickers) and checks that
// one order of the config fits there; the shipped live config's 0.01 BTC at 65000 did not.
BOOST_AUTO_TEST_CASE(order_fits_is_checked_at_the_venue_tickers) {
    auto cfg = app::load_config_file("configs/live.json").value();
    scripted_venue v;
    v.answers.emplace_back(tickers("BTCUSDT", "64999.90", "65000.00"));
    auto ok = pf::check_order_fits_at_venue(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(ok.has_value(), ok.error().message);
    BOOST_TEST(v.targets.at(0) == "/v5/market/tickers?category=linear&symbol=BTCUSDT");
    BOOST_TEST(v.signed_.at(0) == false);
    BOOST_TEST(ok->find("fits at bid 64999.9 and ask 65000") != std::string::npos, *ok);

    cfg.symbols.at("BTCUSDT").strategy.order_qty = mmbot::core::quantity::parse("0.01").value();
    v.answers.emplace_back(tickers("BTCUSDT", "64999.90", "65000.00"));
    auto too_big = pf::check_order_fits_at_venue(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(!too_big.has_value());
    BOOST_TEST(too_big.error().code == mmbot::app::errc::preflight_cannot_trade);
    BOOST_TEST(too_big.error().message.find("above risk.canary_max_inventory_notional 500") != std::string::npos,
               too_big.error().message);

    // No two-sided book on the venue: the check cannot pass.
    v.answers.emplace_back(tickers("BTCUSDT", "", "65000.00"));
    BOOST_TEST(!pf::check_order_fits_at_venue(v, cfg, bybit::category::linear).has_value());
    v.answers.emplace_back(tickers("ETHUSDT", "3500", "3500.1"));
    auto absent = pf::check_order_fits_at_venue(v, cfg, bybit::category::linear);
    BOOST_TEST_REQUIRE(!absent.has_value());
    BOOST_TEST(absent.error().message == "result.list: no ticker for BTCUSDT");
}
