// tests/app/cli_test.cpp
//
// The market-data flags: --feed values (replay, live with network and category, wss:// URLs),
// --speed, --ca-file, the errors naming flag and value, and where each live value connects.
#define BOOST_TEST_MODULE app_cli
#include "mmbot/app/cli.hpp"
#include "mmbot/app/cli_rules.hpp"
#include "mmbot/app/endpoint_override.hpp"
#include "mmbot/app/run_shadow.hpp"

#include <boost/test/unit_test.hpp>

#include <string_view>
#include <vector>

namespace app = mmbot::app;
namespace env = mmbot::env;

namespace {

mmbot::core::result<app::cli_options> parse(std::vector<std::string_view> args) {
    return app::parse_cli(args, "configs/shadow.json");
}

}  // namespace

BOOST_AUTO_TEST_CASE(feed_values_accepted) {
    for (const char* v : {"replay:data/x.jsonl", "live", "live:testnet", "live:mainnet", "live:spot",
                          "live:testnet:spot", "live:spot:mainnet", "wss://127.0.0.1:9443/v5/public/linear"}) {
        auto o = parse({"--feed", v});
        BOOST_TEST_REQUIRE(o.has_value(), v);
        BOOST_TEST(o->feed == v);
    }
}

BOOST_AUTO_TEST_CASE(feed_values_refused_name_the_value) {
    for (const char* v : {"replay:", "live:", "live:moon", "live:testnet:testnet", "live:spot:linear",
                          "livex", "ws://127.0.0.1:1/x", "http://x"}) {
        auto o = parse({"--feed", v});
        BOOST_TEST_REQUIRE(!o.has_value(), v);
        BOOST_TEST(o.error().code == mmbot::app::errc::usage);
        BOOST_TEST(o.error().message.find("--feed") != std::string::npos);
        BOOST_TEST(o.error().message.find(v) != std::string::npos, o.error().message);
    }
}

// --speed: an exact decimal > 0; absent means as fast as possible (no pacing at all).
BOOST_AUTO_TEST_CASE(speed_flag) {
    BOOST_TEST(!parse({}).value().speed.has_value());
    BOOST_TEST(parse({"--speed", "1"}).value().speed->to_string() == "1");
    BOOST_TEST(parse({"--speed=0.5"}).value().speed->to_string() == "0.5");
    BOOST_TEST(parse({"--speed", "250"}).value().speed->to_string() == "250");
    for (const char* bad : {"0", "-1", "1e3", "fast", "", "0.000000001"}) {
        const auto r = parse({"--speed", bad});
        BOOST_TEST_REQUIRE(!r.has_value(), bad);
        BOOST_TEST(r.error().message.find("--speed: ") == 0U, r.error().message);
    }
    BOOST_TEST(parse({"--speed", "0"}).error().message == "--speed: must be > 0, got \"0\"");
}

BOOST_AUTO_TEST_CASE(ca_file_flag) {
    auto o = parse({"--feed", "live", "--ca-file", "/tmp/ca.pem"});
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST(o->ca_file == "/tmp/ca.pem");
    auto eq = parse({"--ca-file=/tmp/b.pem"});
    BOOST_TEST_REQUIRE(eq.has_value());
    BOOST_TEST(eq->ca_file == "/tmp/b.pem");
    auto missing = parse({"--ca-file"});
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().message == "--ca-file: missing value");
}

BOOST_AUTO_TEST_CASE(live_spec_parsing) {
    using net = app::live_feed_spec::network;
    BOOST_TEST((app::parse_live_feed("live")->net == net::of_binary));
    BOOST_TEST((app::parse_live_feed("live:testnet")->net == net::testnet));
    BOOST_TEST(app::parse_live_feed("live:testnet:spot")->spot);
    BOOST_TEST(!app::parse_live_feed("live")->spot);
    BOOST_TEST(!app::parse_live_feed("replay:x").has_value());
    BOOST_TEST(app::is_live_feed("wss://h/p"));
    BOOST_TEST(!app::is_live_feed("replay:x"));
}

BOOST_AUTO_TEST_CASE(where_live_feeds_connect) {
    auto main = app::live_endpoint<env::shadow>("live", "");
    BOOST_TEST_REQUIRE(main.has_value());
    BOOST_TEST(main->host == "stream.bybit.com");
    BOOST_TEST(main->port == "443");
    BOOST_TEST(main->path == "/v5/public/linear");
    auto test_spot = app::live_endpoint<env::shadow>("live:testnet:spot", "");
    BOOST_TEST_REQUIRE(test_spot.has_value());
    BOOST_TEST(test_spot->host == "stream-testnet.bybit.com");
    BOOST_TEST(test_spot->path == "/v5/public/spot");
    auto url = app::live_endpoint<env::shadow>("wss://127.0.0.1:9443/v5/public/linear", "");
    BOOST_TEST_REQUIRE(url.has_value());
    BOOST_TEST(url->host == "127.0.0.1");
    BOOST_TEST(url->port == "9443");
    auto moved = app::live_endpoint<env::shadow>("live", "127.0.0.1:9443");
    BOOST_TEST_REQUIRE(moved.has_value());
    BOOST_TEST(moved->host == "127.0.0.1");
    BOOST_TEST(moved->port == "9443");
    BOOST_TEST(moved->path == "/v5/public/linear");
    // mmbot-live: Bybit mainnet only, no other host.
    auto live_main = app::live_endpoint<env::live>("live", "");
    BOOST_TEST_REQUIRE(live_main.has_value());
    BOOST_TEST(live_main->host == "stream.bybit.com");
    auto live_url = app::live_endpoint<env::live>("wss://127.0.0.1:9443/x", "");
    BOOST_TEST_REQUIRE(!live_url.has_value());
    BOOST_TEST(live_url.error().message.find("not available in mmbot-live") != std::string::npos,
               live_url.error().message);
    // The exit code is decided where the failure is understood: a refused endpoint is a usage
    // error (2), a URL that does not parse is the feed's (6).
    BOOST_TEST((live_url.error().code == app::exit_code::usage));
    auto bad_url = app::live_endpoint<env::shadow>("wss://", "");
    BOOST_TEST_REQUIRE(!bad_url.has_value());
    BOOST_TEST((bad_url.error().code == app::exit_code::feed));
}

// --endpoint-override (app/endpoint_override.hpp): mmbot-testnet carries testnet keys, so only
// loopback and Bybit's testnet hosts are allowed, in any spelling; every mainnet host is refused.
BOOST_AUTO_TEST_CASE(testnet_override_refuses_every_mainnet_spelling) {
    for (const char* v :
         {"api.bybit.com:443", "API.BYBIT.COM:443", "Api.Bybit.Com:443", "api.bybit.com.:443",
          "api.bytick.com:443", "API.BYTICK.COM.:443", "stream.bybit.com:443", "stream.bytick.com:443",
          "api2.bybit.com:443", "api.bybit.nl:443", "api.bybit.kz:443", "bybit.com:443",
          "api.binance.com:443", "fapi.binance.com:443", "stream.binance.com:9443", "FAPI.Binance.COM.:443",
          "api-testnet.bybit.com.evil.com:443", "8.8.8.8:443", "[2606:4700::1]:443", "10.0.0.1:443",
          "0.0.0.0:443", "127.1:443", "2130706433:443", "[::ffff:8.8.8.8]:443", "localhost.evil:443"}) {
        auto o = app::check_endpoint_override<env::testnet>(v);
        BOOST_TEST_REQUIRE(!o.has_value(), v);
        BOOST_TEST(o.error().code == mmbot::app::errc::usage);
        BOOST_TEST(o.error().message.find("--endpoint-override") != std::string::npos);
        BOOST_TEST(o.error().message.find(v) != std::string::npos, o.error().message);
    }
}

BOOST_AUTO_TEST_CASE(testnet_override_allows_loopback_and_testnet_hosts) {
    struct allowed {
        const char* value;
        const char* host;
        const char* port;
    };
    for (const auto& a : {allowed{"localhost:9443", "localhost", "9443"},
                          allowed{"LOCALHOST.:9443", "localhost", "9443"},
                          allowed{"127.0.0.1:1", "127.0.0.1", "1"},
                          allowed{"127.5.6.7:65535", "127.5.6.7", "65535"},
                          allowed{"[::1]:9443", "::1", "9443"},
                          allowed{"api-testnet.bybit.com:443", "api-testnet.bybit.com", "443"},
                          allowed{"Stream-Testnet.Bybit.Com.:443", "stream-testnet.bybit.com", "443"}}) {
        auto o = app::check_endpoint_override<env::testnet>(a.value);
        BOOST_TEST_REQUIRE(o.has_value(), a.value << ": " << o.error().message);
        BOOST_TEST(o->host == a.host);
        BOOST_TEST(o->port == a.port);
    }
}

BOOST_AUTO_TEST_CASE(override_syntax_errors_name_the_value) {
    for (const char* v : {"localhost", "localhost:", ":443", "localhost:0", "localhost:65536",
                          "localhost:+1", "localhost:44x", "::1:443", "[::1]443", "a..b:1", ".:1"}) {
        for (auto o : {app::check_endpoint_override<env::testnet>(v),
                       app::check_endpoint_override<env::shadow>(v)}) {
            BOOST_TEST_REQUIRE(!o.has_value(), v);
            BOOST_TEST(o.error().message.find(v) != std::string::npos, o.error().message);
        }
    }
    // Shadow holds no keys: any well-formed host; live: never.
    BOOST_TEST(app::check_endpoint_override<env::shadow>("api.bybit.com:443").has_value());
    auto live = app::check_endpoint_override<env::live>("localhost:9443");
    BOOST_TEST_REQUIRE(!live.has_value());
    BOOST_TEST(live.error().message.find("not available in mmbot-live") != std::string::npos);
}

// A flag a binary does not read is refused, naming the flag and the binary (app/cli_rules.hpp).
namespace {
template <class Env>
std::string refused(std::vector<std::string_view> args) {
    auto o = parse(std::move(args));
    BOOST_TEST_REQUIRE(o.has_value(), o.error().message);
    const auto e = app::refuse_unused_flags<Env>(*o);
    return e ? e->message : std::string();
}
}  // namespace

BOOST_AUTO_TEST_CASE(unused_flags_are_refused_per_binary) {
    for (const char* feed : {"live", "live:testnet", "wss://127.0.0.1:9443/v5/public/linear", "replay:x"}) {
        const auto t = refused<env::testnet>({"--feed", feed});
        BOOST_TEST(t.find("--feed: not used by mmbot-testnet") != std::string::npos, t);
        const auto l = refused<env::live>({"--i-understand-this-is-live", "--feed", feed});
        BOOST_TEST(l.find("--feed: not used by mmbot-live") != std::string::npos, l);
    }
    BOOST_TEST(refused<env::shadow>({"--stop-timeout-s", "5"}).find("--stop-timeout-s: not used by mmbot-shadow") == 0U);
    // --decision-timing: shadow's opt-in; testnet and live always time their decisions.
    BOOST_TEST(parse({"--decision-timing"}).value().decision_timing);
    BOOST_TEST(!parse({}).value().decision_timing);
    BOOST_TEST(refused<env::shadow>({"--decision-timing"}).empty());
    BOOST_TEST(refused<env::testnet>({"--decision-timing"}) ==
               "--decision-timing: not used by mmbot-testnet (it always times its decisions)");
    BOOST_TEST(parse({"--decision-timing=1"}).error().message == "--decision-timing: takes no value, got \"1\"");
    BOOST_TEST(refused<env::shadow>({"--i-understand-this-is-live"}).find("mmbot-shadow") != std::string::npos);
    BOOST_TEST(refused<env::testnet>({"--i-understand-this-is-live"}).find("mmbot-testnet") != std::string::npos);
    BOOST_TEST(refused<env::live>({"--endpoint-override", "127.0.0.1:1"}).find("--endpoint-override") == 0U);
    BOOST_TEST(refused<env::shadow>({"--endpoint-override", "127.0.0.1:1"}).find("--endpoint-override") == 0U);
    BOOST_TEST(refused<env::shadow>({"--feed", "replay:x", "--endpoint-override", "127.0.0.1:1"}).find("with --feed live") != std::string::npos);
    BOOST_TEST(refused<env::testnet>({"--obs-port", "0"}).find("--obs-port: not used") == 0U);
    BOOST_TEST(refused<env::testnet>({"--speed", "1"}).find("--speed: not used by mmbot-testnet") == 0U);
    BOOST_TEST(refused<env::live>({"--i-understand-this-is-live", "--speed", "1"}).find("--speed: not used by mmbot-live") == 0U);
    BOOST_TEST(refused<env::shadow>({"--feed", "live", "--speed", "1"}).find("--speed: not used by mmbot-shadow (a live feed") == 0U);
}

BOOST_AUTO_TEST_CASE(used_flags_pass_per_binary) {
    BOOST_TEST(refused<env::shadow>({"--feed", "live", "--endpoint-override", "127.0.0.1:1", "--obs", "--obs-port=0"}).empty());
    BOOST_TEST(refused<env::shadow>({"--speed", "10"}).empty());
    BOOST_TEST(refused<env::shadow>({"--feed", "replay:x", "--speed", "1"}).empty());
    BOOST_TEST(refused<env::testnet>({"--stop-timeout-s", "5", "--endpoint-override", "localhost:1", "--obs", "--obs-port", "0",
                                      "--ca-file", "c.pem", "--iterations", "3", "--symbols", "BTCUSDT"}).empty());
    BOOST_TEST(refused<env::live>({"--stop-timeout-s", "5", "--i-understand-this-is-live", "--preflight"}).empty());
}

// A 130 KB value is not echoed whole: the first 64 bytes, then its size.
BOOST_AUTO_TEST_CASE(a_huge_flag_value_is_cut_in_the_error) {
    const std::string huge(130'000, '7');
    auto n = parse({"--iterations", huge});
    BOOST_TEST_REQUIRE(!n.has_value());
    BOOST_TEST(n.error().message == "--iterations: expected an integer in [0, 9223372036854775807], got \"" +
                                        std::string(64, '7') + "... (130000 bytes)\"");
    const std::string word(130'000, 'x');
    for (const std::string& flag : {std::string("--") + word, "--feed=" + word, "--symbols=" + word,
                                    "--post-only-offset-bps=" + word, "--log-level=" + word}) {
        auto o = parse({flag});
        BOOST_TEST_REQUIRE(!o.has_value());
        BOOST_TEST(o.error().message.size() < 600U, o.error().message.substr(0, 200));
    }
    // Short values are echoed as they are.
    BOOST_TEST(app::detail::cut_long_values(R"(--x: got "abc")") == R"(--x: got "abc")");
    BOOST_TEST(app::detail::cut_long_values("--x: got \"a\"" + std::string(300, 'y') + "\"") ==
               "--x: got \"a\"" + std::string(256, 'y') + "... (301 bytes)");
}

// A live feed without network is not silent on the terminal: each retry says why, when, and how
// many failures are left before exit 6 (issue 21.5).
BOOST_AUTO_TEST_CASE(live_feed_retries_are_told_on_stderr) {
    using mmbot::feed::ws_notice;
    using mmbot::feed::ws_notice_kind;
    app::detail::feed_retry_notes notes(20);
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::connected, "stream.bybit.com:443"}).empty());  // a normal connect is quiet
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::connect_failed, "resolve stream.bybit.com: Host not found"}).empty());
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::reconnect_scheduled, "", std::chrono::milliseconds(400)}) ==
               "mmbot-shadow: live feed: resolve stream.bybit.com: Host not found; retrying in 400 ms "
               "(1 of 20 failed attempts in a row, then exit 6)");
    (void)notes.line(ws_notice{ws_notice_kind::disconnected, "server closed the connection"});
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::reconnect_scheduled, "", std::chrono::milliseconds(800)}).find(
                   "server closed the connection; retrying in 800 ms (2 of 20") != std::string::npos);
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::connected, "stream.bybit.com:443"}) ==
               "mmbot-shadow: live feed: connected to stream.bybit.com:443 after 2 failed attempt(s)");
    notes.data_arrived();
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::connected, "stream.bybit.com:443"}).empty());
    BOOST_TEST(notes.line(ws_notice{ws_notice_kind::resync_requested, "orderbook.50.BTCUSDT"}).empty());
}
