#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include "mmbot/app/config_reload.hpp"
#include "mmbot/app/quote_feasibility.hpp"
#include "mmbot/app/venue_filters.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

using namespace mmbot;

namespace {
std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
/// The shipped shadow config with one field replaced (path like "symbols.BTCUSDT.risk.max_loss").
std::string with(const std::string& path, const boost::json::value& v) {
    auto doc = boost::json::parse(read("configs/shadow.json"));
    boost::json::value* cur = &doc;
    std::string rest = path;
    for (;;) {
        const auto dot = rest.find('.');
        const std::string key = rest.substr(0, dot);
        if (dot == std::string::npos) {
            cur->as_object()[key] = v;
            break;
        }
        cur = &cur->as_object()[key];
        rest = rest.substr(dot + 1);
    }
    return boost::json::serialize(doc);
}
std::string error_of(const std::string& text) {
    auto c = app::parse_config(text, "test.json");
    BOOST_TEST_REQUIRE(!c.has_value());
    return c.error().message;
}

/// A shipped config with every symbol's "filters" object removed.
std::string without_filters(const std::string& path) {
    auto doc = boost::json::parse(read(path));
    for (auto& [name, sym] : doc.as_object()["symbols"].as_object()) sym.as_object().erase("filters");
    return boost::json::serialize(doc);
}

mmbot::core::instrument_filters venue(std::string_view tick = "0.10", std::string_view step = "0.001",
                               std::string_view min_qty = "0.001", std::string_view max_qty = "1190",
                               std::string_view min_notional = "5") {
    return mmbot::core::make_filters({.symbol = "BTCUSDT", .tick_size = tick, .qty_step = step, .min_qty = min_qty,
                               .max_qty = max_qty, .min_notional = min_notional, .min_price = "0.10",
                               .max_price = "1999999.80"})
        .value();
}

app::symbol_config configured(const mmbot::core::instrument_filters& f) {
    app::symbol_config sc;
    sc.filters = f;
    return sc;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shipped_configs_are_valid) {
    for (const char* f : {"configs/shadow.json", "configs/testnet.json", "configs/live.json"}) {
        auto c = app::load_config_file(f);
        BOOST_TEST_INFO(f);
        BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    }
    auto c = app::load_config_file("configs/shadow.json").value();
    BOOST_TEST(c.environment == "shadow");
    BOOST_TEST(c.maker.post_only_offset_bps.to_string() == "1.5");
    BOOST_TEST(c.maker.min_qty_pad.to_string() == "1.1");
    BOOST_TEST(c.symbols.at("BTCUSDT").limits.edge_floor_bps.to_string() == "3");
    BOOST_TEST(c.symbols.at("BTCUSDT").filters.price_digits == 2);
    auto live = app::load_config_file("configs/live.json").value();
    BOOST_TEST(live.symbols.at("BTCUSDT").limits.canary_max_inventory_notional.to_string() == "500");
}

BOOST_AUTO_TEST_CASE(errors_name_field_and_value) {
    BOOST_TEST(error_of(with("symbols.BTCUSDT.risk.max_loss", "-5")) ==
               "test.json: symbols.BTCUSDT.risk.max_loss: must be > 0, got \"-5\"");
    BOOST_TEST(error_of(with("symbols.BTCUSDT.filters.tick_size", "0")) ==
               "test.json: symbols.BTCUSDT.filters: BTCUSDT.tick_size: must be > 0, got \"0\"");
    BOOST_TEST(error_of(with("maker.post_only_offset_bps", 1.5)).find(
                   "maker.post_only_offset_bps: write decimals as strings, e.g. \"1.5\" (") !=
               std::string::npos);
    BOOST_TEST(error_of(with("maker.post_only_offset_bps", "1e-3")).find("exponent") != std::string::npos);
    BOOST_TEST(error_of(with("environment", "prod")) ==
               "test.json: environment: must be one of \"shadow\", \"testnet\", \"live\", got \"prod\"");
    BOOST_TEST(error_of(with("risk.max_orders_per_second", 0)) ==
               "test.json: risk.max_orders_per_second: must be in [1, 10000], got 0");
    BOOST_TEST(error_of(with("risk.max_ordres_per_second", 5)).find(
                   "risk.max_ordres_per_second: unknown key") != std::string::npos);
    BOOST_TEST(error_of(with("journal.fsync", "sometimes")).find("journal.fsync") != std::string::npos);
    BOOST_TEST(error_of(with("maker.min_qty_pad", "0.9")).find("must be >= 1") != std::string::npos);
    BOOST_TEST(error_of("{not json").find("not valid JSON") != std::string::npos);
    BOOST_TEST(error_of("[]").find("top level") != std::string::npos);
}

// boost::json::parse keeps one of two equal keys without a word: a repeated key is refused,
// named with its path and the file.
BOOST_AUTO_TEST_CASE(a_duplicate_key_is_refused_naming_it_and_the_file) {
    const std::string shipped = read("configs/shadow.json");
    std::string dup = shipped;
    dup.insert(dup.find('{') + 1, R"("environment": "live",)");
    BOOST_TEST(error_of(dup) == "test.json: environment: duplicate key (each key may appear once)");
    std::string nested = shipped;
    const auto risk = nested.find("\"max_loss\"");
    BOOST_TEST_REQUIRE(risk != std::string::npos);
    nested.insert(risk, R"("max_loss": "999999", )");
    const std::string e = error_of(nested);
    BOOST_TEST(e.starts_with("test.json: symbols."), e);
    BOOST_TEST(e.ends_with(".risk.max_loss: duplicate key (each key may appear once)"), e);
    // Equal keys in different objects are fine (every symbol has "filters").
    BOOST_TEST(app::parse_config(shipped, "test.json").has_value());
    BOOST_TEST(!app::detail::find_duplicate_key(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":1}]})"));
    BOOST_TEST(*app::detail::find_duplicate_key(R"({"a":[{"x":1,"x":2}]})") == "a.x");
}

BOOST_AUTO_TEST_CASE(unknown_top_level_key_names_the_file) {
    BOOST_TEST(error_of(with("enviroment", "shadow")).starts_with("test.json: enviroment: unknown key"));
}

BOOST_AUTO_TEST_CASE(an_unreadable_config_says_why) {
    auto missing = app::load_config_file("no/such/config.json");
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().message == R"(config: cannot read "no/such/config.json": No such file or directory)");
    auto dir = app::load_config_file("configs");
    BOOST_TEST_REQUIRE(!dir.has_value());
    BOOST_TEST(dir.error().message == R"(config: cannot read "configs": Is a directory)");
}

BOOST_AUTO_TEST_CASE(quote_from_is_optional_fair_or_touch) {
    // Absent (every shipped config): the fair price, as before the key existed.
    auto c = app::load_config_file("configs/shadow.json").value();
    BOOST_TEST(c.symbols.at("BTCUSDT").strategy.quote_from == "fair");
    auto touch = app::parse_config(with("symbols.BTCUSDT.strategy.quote_from", "touch"), "test.json");
    BOOST_TEST_REQUIRE(touch.has_value(), (touch ? "" : touch.error().message));
    BOOST_TEST(touch->symbols.at("BTCUSDT").strategy.quote_from == "touch");
    BOOST_TEST(touch->symbols.at("ETHUSDT").strategy.quote_from == "fair");  // per symbol
    BOOST_TEST(error_of(with("symbols.BTCUSDT.strategy.quote_from", "mid")) ==
               "test.json: symbols.BTCUSDT.strategy.quote_from: must be one of \"fair\", "
               "\"touch\", got \"mid\"");
    BOOST_TEST(error_of(with("symbols.ETHUSDT.strategy.quote_from", true)).find(
                   "symbols.ETHUSDT.strategy.quote_from") != std::string::npos);
    BOOST_TEST(error_of(with("symbols.BTCUSDT.strategy.quote_form", "touch")).find(
                   "symbols.BTCUSDT.strategy.quote_form: unknown key") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_requires_canary_cap) {
    auto doc = boost::json::parse(read("configs/live.json"));
    doc.as_object()["symbols"].as_object()["BTCUSDT"].as_object()["risk"].as_object().erase(
        "canary_max_inventory_notional");
    BOOST_TEST(error_of(boost::json::serialize(doc)).find("canary_max_inventory_notional: required for live") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(hot_reload_accepts_limits_and_rejects_bad_files) {
    const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/reload.json";
    { std::ofstream(path) << read("configs/shadow.json"); }
    app::config_reloader r{path, app::load_config_file(path).value()};
    BOOST_TEST(!r.poll(false).has_value());  // nothing changed

    { std::ofstream(path) << with("symbols.BTCUSDT.risk.max_loss", "50"); }
    auto ok = r.poll(true);
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST_REQUIRE(ok->has_value());
    BOOST_TEST(r.current().symbols.at("BTCUSDT").limits.max_loss.to_string() == "50");

    { std::ofstream(path) << with("symbols.BTCUSDT.risk.max_loss", "nope"); }
    auto bad = r.poll(true);
    BOOST_TEST_REQUIRE(bad.has_value());
    BOOST_TEST(!bad->has_value());
    BOOST_TEST(bad->error().message.find("max_loss") != std::string::npos);
    BOOST_TEST(r.current().symbols.at("BTCUSDT").limits.max_loss.to_string() == "50");  // old stays

    { std::ofstream(path) << with("symbols.BTCUSDT.filters.tick_size", "0.5"); }
    auto refused = r.poll(true);
    BOOST_TEST(refused->error().message.find("symbols.BTCUSDT.filters cannot change") != std::string::npos);
    { std::ofstream(path) << with("environment", "testnet"); }
    BOOST_TEST(r.poll(true)->error().code == mmbot::app::errc::invalid_reload);
}

// A config whose one order can never trade is refused when loaded, naming the numbers.
BOOST_AUTO_TEST_CASE(order_qty_that_cannot_trade_is_refused) {
    // 0.001 < min_qty 0.001 x min_qty_pad 1.1: every order would be blocked for min_qty.
    const auto below = error_of(with("symbols.BTCUSDT.strategy.order_qty", "0.001"));
    BOOST_TEST(below.find("symbols.BTCUSDT.strategy.order_qty: 0.001 cannot trade") != std::string::npos, below);
    BOOST_TEST(below.find("min_qty 0.001 x maker.min_qty_pad 1.1 = 0.0011") != std::string::npos, below);
    const auto big = error_of(with("symbols.BTCUSDT.strategy.order_qty", "0.5"));
    BOOST_TEST(big.find("above risk.max_position_qty 0.1") != std::string::npos, big);
    const auto tiny_cap = error_of(with("symbols.BTCUSDT.risk.max_order_notional", "4"));
    BOOST_TEST(tiny_cap.find("risk.max_order_notional 4 is below filters.min_notional 5") != std::string::npos,
               tiny_cap);
}

// The example in a hint is a decimal the same parser accepts: never "1.5E0" or "2.5E-1" (issue 21).
BOOST_AUTO_TEST_CASE(number_hints_print_plain_decimals) {
    const auto e = error_of(with("symbols.BTCUSDT.risk.edge_floor_bps", 0.25));
    BOOST_TEST(e.find("symbols.BTCUSDT.risk.edge_floor_bps: write decimals as strings, e.g. \"0.25\"") !=
               std::string::npos, e);
    BOOST_TEST(e.find('E') == std::string::npos, e);
    const auto tiny = error_of(R"({"environment": "shadow", "maker": {"post_only_offset_bps": 1e-7}})");
    BOOST_TEST(tiny.find("maker.post_only_offset_bps: write decimals as strings, e.g. \"0.0000001\"") !=
               std::string::npos, tiny);
    const auto integer_field = error_of(with("risk.max_orders_per_second", 5.5));
    BOOST_TEST(integer_field.find("risk.max_orders_per_second: write decimals as strings, e.g. \"5.5\"") !=
               std::string::npos, integer_field);
}

// Issue 21.7: a parameter set that cannot quote is named at start, with its numbers.
BOOST_AUTO_TEST_CASE(parameters_that_cannot_quote_are_named) {
    for (const char* f : {"configs/shadow.json", "configs/testnet.json", "configs/live.json"}) {
        BOOST_TEST_INFO(f);
        BOOST_TEST(app::quoting_warnings(app::load_config_file(f).value()).empty());
    }
    auto no_offset = app::parse_config(with("maker.maker_only", false), "test.json").value();
    auto w = app::quoting_warnings(no_offset);
    BOOST_TEST_REQUIRE(w.size() == 2U);  // both shipped symbols, in symbol order
    BOOST_TEST(w[1].starts_with("ETHUSDT: quotes sit half_spread_bps 2.5 + no post-only offset"));
    BOOST_TEST(w[0] == "BTCUSDT: quotes sit half_spread_bps 2.5 + no post-only offset (maker_only off) = "
                       "2.5 bps from mid, inside edge_floor_bps 3: the first quote freezes the bot "
                       "(edge_below_threshold); widen half_spread_bps or lower edge_floor_bps");

    auto skewed = app::parse_config(with("symbols.BTCUSDT.strategy.skew_bps_at_max", "1.5"), "test.json").value();
    w = app::quoting_warnings(skewed);
    BOOST_TEST_REQUIRE(w.size() == 1U);
    BOOST_TEST(w[0] == "BTCUSDT: near max_position 0.1 the skew (skew_bps_at_max 1.5) would pull one side "
                       "to 2.5 bps from mid, inside edge_floor_bps 3: the bot would freeze there "
                       "(edge_below_threshold)");

    // From the touch the quote's distance from mid is not half_spread: nothing is claimed.
    auto touch = app::parse_config(with("symbols.BTCUSDT.strategy.quote_from", "touch"), "test.json").value();
    touch.maker.maker_only = false;
    w = app::quoting_warnings(touch);
    BOOST_TEST_REQUIRE(w.size() == 1U);
    BOOST_TEST(w[0].starts_with("ETHUSDT: "));  // still quoting from fair price
}

// mmbot-live may tighten a canary cap by reload, never raise it (that needs a restart with the
// ack); other binaries, and other limits, reload freely.
BOOST_AUTO_TEST_CASE(live_reload_refuses_a_looser_canary_cap) {
    const auto live = app::load_config_file("configs/live.json").value();
    const auto with_cap = [&](std::string_view cap) {
        auto next = live;
        next.symbols.at("BTCUSDT").limits.canary_max_inventory_notional = mmbot::core::notional::parse(cap).value();
        return next;
    };
    const auto raised = app::check_reloadable(live, with_cap("1000"), true);
    BOOST_TEST_REQUIRE(!raised.has_value());
    BOOST_TEST(raised.error().code == mmbot::app::errc::invalid_reload);
    BOOST_TEST(raised.error().message.find("symbols.BTCUSDT.risk.canary_max_inventory_notional: 500 -> 1000 loosens a "
                                           "canary cap") != std::string::npos,
               raised.error().message);
    BOOST_TEST(app::check_reloadable(live, with_cap("250"), true).has_value());  // tighter: applied
    BOOST_TEST(app::check_reloadable(live, with_cap("1000"), false).has_value());  // not live
    auto removed = live;
    removed.symbols.at("BTCUSDT").limits.canary_max_inventory_notional = mmbot::core::notional::max();
    BOOST_TEST(app::check_reloadable(live, removed, true).error().message.find("500 -> none") != std::string::npos);
}

// The filters testnet and live trade with (app/venue_filters.hpp): the venue's where the config
// states none, the config's where each is at least as strict, a refusal naming the field and both
// values where one is looser; a missing "filters" object is allowed in testnet and live only.
BOOST_AUTO_TEST_CASE(testnet_and_live_may_leave_filters_to_the_venue_shadow_may_not) {
    for (const char* f : {"configs/testnet.json", "configs/live.json"}) {
        auto c = app::parse_config(without_filters(f), f);
        BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
        BOOST_TEST(!c->symbols.at("BTCUSDT").filters_from_config);
    }
    auto shadow = app::parse_config(without_filters("configs/shadow.json"), "shadow.json");
    BOOST_TEST_REQUIRE(!shadow.has_value());
    BOOST_TEST(shadow.error().message.find("filters") != std::string::npos, shadow.error().message);
}

BOOST_AUTO_TEST_CASE(the_venues_filters_fill_in_and_the_order_is_checked_again) {
    auto cfg = app::parse_config(without_filters("configs/live.json"), "live.json").value();
    auto merged = app::with_venue_filters(cfg, {{"BTCUSDT", venue()}});
    BOOST_TEST_REQUIRE(merged.has_value(), (merged ? "" : merged.error().message));
    BOOST_TEST(merged->symbols.at("BTCUSDT").filters.tick_size.to_string() == "0.1");
    BOOST_TEST(merged->symbols.at("BTCUSDT").filters.price_digits == 2);

    // The venue's min_qty 0.01 x pad 1.1: the configured order_qty 0.002 cannot trade.
    auto cannot = app::with_venue_filters(cfg, {{"BTCUSDT", venue("0.10", "0.001", "0.01")}});
    BOOST_TEST_REQUIRE(!cannot.has_value());
    BOOST_TEST(cannot.error().code == app::errc::invalid_config);
    BOOST_TEST(cannot.error().message.find("order_qty: 0.002 cannot trade") != std::string::npos,
               cannot.error().message);

    auto unlisted = app::with_venue_filters(cfg, {});
    BOOST_TEST_REQUIRE(!unlisted.has_value());
    BOOST_TEST(unlisted.error().code == app::errc::preflight_instrument);
    BOOST_TEST(unlisted.error().message == "BTCUSDT: the venue's instruments-info does not list it");
}

BOOST_AUTO_TEST_CASE(config_filters_may_only_be_stricter) {
    // Stricter in every field: kept as configured.
    const auto strict = venue("0.50", "0.010", "0.010", "100", "10");
    auto kept = app::effective_filters("BTCUSDT", configured(strict), venue());
    BOOST_TEST_REQUIRE(kept.has_value(), (kept ? "" : kept.error().message));
    BOOST_TEST(kept->tick_size.to_string() == "0.5");
    BOOST_TEST(kept->max_qty.to_string() == "100");

    const auto refusal = [](const core::instrument_filters& mine) {
        auto r = app::effective_filters("BTCUSDT", configured(mine), venue());
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().code == app::errc::preflight_instrument);
        return r.error().message;
    };
    BOOST_TEST(refusal(venue("0.05")) == "symbols.BTCUSDT.filters.tick_size: 0.05 is looser than the venue's 0.10 "
                                         "(a whole multiple of the venue's tick; a config filter may only be stricter)");
    BOOST_TEST(refusal(venue("0.15")).find("tick_size: 0.15 is looser") != std::string::npos);  // not a multiple
    BOOST_TEST(refusal(venue("0.10", "0.0015")).find("qty_step: 0.0015 is looser") != std::string::npos);
    BOOST_TEST(refusal(venue("0.10", "0.001", "0.0005")).find("min_qty: 0.0005 is looser than the venue's 0.001") !=
               std::string::npos);
    BOOST_TEST(refusal(venue("0.10", "0.001", "0.001", "2000")).find("max_qty: 2000.000 is looser than the venue's 1190.000") != std::string::npos);
    BOOST_TEST(refusal(venue("0.10", "0.001", "0.001", "1190", "1")).find("min_notional: 1 is looser") !=
               std::string::npos);
}

namespace {
/// configs/testnet.json with a "portfolio" section (docs/config.md) changed by `edit`.
template <class Edit>
std::string testnet_shard(Edit edit) {
    auto doc = boost::json::parse(read("configs/testnet.json"));
    boost::json::object p{{"shard", "a"},
                          {"redis", boost::json::object{{"host", "127.0.0.1"}, {"port", 6379}}},
                          {"max_total_loss", "500"},
                          {"assets", boost::json::object{{"BTC", boost::json::object{{"max_gross_exposure", "3000"}}}}}};
    edit(p);
    doc.as_object()["portfolio"] = p;
    return boost::json::serialize(doc);
}
}  // namespace

// The optional portfolio section: absent, nothing changes; present, every field is read with its
// defaults, and each bad field is named with its value.
BOOST_AUTO_TEST_CASE(the_portfolio_section_is_optional_and_validated_by_field) {
    BOOST_TEST(!app::load_config_file("configs/testnet.json").value().portfolio.has_value());
    auto c = app::parse_config(testnet_shard([](auto&) {}), "test.json");
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    const auto& p = *c->portfolio;
    BOOST_TEST(p.shard == "a");
    BOOST_TEST(p.venue == "bybit-testnet");
    BOOST_TEST(p.redis_namespace == "mmbot");
    BOOST_TEST(p.lease.count() == 10000);
    BOOST_TEST(p.limits.grace.count() == std::chrono::nanoseconds(std::chrono::seconds(5)).count());
    BOOST_TEST(p.publish_interval.count() == 100);
    BOOST_TEST(p.limits.max_total_loss.to_string() == "500");
    BOOST_TEST(p.limits.assets.at("BTC").max_gross_exposure.to_string() == "3000");
    BOOST_TEST((p.limits.assets.at("BTC").max_net_exposure == core::notional::max()));

    const auto bad = [](auto edit) { return error_of(testnet_shard(edit)); };
    BOOST_TEST(bad([](auto& o) { o["shard"] = "Alpha"; }) ==
               "test.json: portfolio.shard: must be 1-6 of [a-z0-9] (it goes into every client order id), got \"Alpha\"");
    BOOST_TEST(bad([](auto& o) { o["shard"] = "toolong"; }).find("got \"toolong\"") != std::string::npos);
    BOOST_TEST(bad([](auto& o) { o["grace_ms"] = 10000; }) ==
               "test.json: portfolio.grace_ms: must be below lease_ms 10000 (a shard that cannot see Redis stops "
               "trading before its lease can pass to another process), got 10000");
    BOOST_TEST(bad([](auto& o) { o["redis"].as_object()["port"] = 0; }) ==
               "test.json: portfolio.redis.port: must be in [1, 65535], got 0");
    BOOST_TEST(bad([](auto& o) { o["redis"].as_object()["hots"] = "x"; }).find("portfolio.redis.hots: unknown key") !=
               std::string::npos);
    BOOST_TEST(bad([](auto& o) { o["max_total_loss"] = "-1"; }) ==
               "test.json: portfolio.max_total_loss: must be > 0, got \"-1\"");
    BOOST_TEST(bad([](auto& o) { o["assets"].as_object()["BTC"].as_object()["max_net_exposure"] = "0"; }) ==
               "test.json: portfolio.assets.BTC.max_net_exposure: must be > 0, got \"0\"");
    BOOST_TEST(bad([](auto& o) { o.erase("redis"); }).find("portfolio.redis") != std::string::npos);
    BOOST_TEST(bad([](auto& o) { o["publish_interval_ms"] = 10; }).find("portfolio.publish_interval_ms") !=
               std::string::npos);
    auto shadow = boost::json::parse(read("configs/shadow.json"));
    shadow.as_object()["portfolio"] = boost::json::parse(testnet_shard([](auto&) {})).as_object()["portfolio"];
    BOOST_TEST(error_of(boost::json::serialize(shadow)) ==
               "test.json: portfolio: shadow trades against a simulated venue and is never a shard (testnet, live)");
}

BOOST_AUTO_TEST_CASE(a_reload_changes_portfolio_limits_but_not_the_shard) {
    const auto cur = app::parse_config(testnet_shard([](auto&) {}), "a.json").value();
    auto looser = app::parse_config(testnet_shard([](auto& o) { o["max_total_loss"] = "900"; }), "a.json").value();
    BOOST_TEST(app::check_reloadable(cur, looser).has_value());
    auto renamed = app::parse_config(testnet_shard([](auto& o) { o["shard"] = "b"; }), "a.json").value();
    const auto r = app::check_reloadable(cur, renamed);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("portfolio.shard, venue, redis") != std::string::npos);
    const auto plain = app::load_config_file("configs/testnet.json").value();
    BOOST_TEST(app::check_reloadable(cur, plain).error().message.find("portfolio (being a shard)") != std::string::npos);
}
