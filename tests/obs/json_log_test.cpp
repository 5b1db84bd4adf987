// JSON log: sorted keys, exact decimals, levels, escaping, and byte-stable output under a fake clock.
#define BOOST_TEST_MODULE obs_json_log
#include <boost/test/unit_test.hpp>

#include "mmbot/core/units.hpp"
#include "mmbot/obs/json_log.hpp"

#include <chrono>
#include <cstdio>
#include <string>

using namespace mmbot;
using namespace std::chrono_literals;

namespace {
// The same scripted session twice must give the same bytes.
std::string scripted_session() {
    obs::fake_clock clock{std::chrono::seconds(1'764'149'618) + 123456789ns};
    obs::string_sink sink;
    obs::json_logger log(sink, clock, obs::log_level::info);
    const auto px = core::price::parse("65114.20").value();
    const auto qty = core::quantity::parse("0.001").value();
    log.debug("hidden", {{"x", 1}});
    log.info("engine_start", {{"env", "shadow"}, {"symbols", 2}, {"maker_only", true}});
    clock.advance(1500us);
    log.warn("order_blocked", {{"symbol", "BTCUSDT"}, {"reason", "cross_price"}, {"price", px},
                               {"qty", qty}, {"best_ask", core::price::parse("65114.1").value()}});
    clock.advance(2s);
    log.error("venue_error", {{"code", std::int64_t{10006}}, {"attempt", 3U}, {"detail", "rate \"limit\"\n"}});
    return sink.str();
}
}  // namespace

BOOST_AUTO_TEST_CASE(golden_lines_with_fake_clock) {
    const std::string expected =
        "{\"env\":\"shadow\",\"level\":\"INFO\",\"maker_only\":true,\"msg\":\"engine_start\","
        "\"symbols\":2,\"ts\":\"2025-11-26T09:33:38.123456789Z\"}\n"
        "{\"best_ask\":\"65114.1\",\"level\":\"WARN\",\"msg\":\"order_blocked\",\"price\":\"65114.2\","
        "\"qty\":\"0.001\",\"reason\":\"cross_price\",\"symbol\":\"BTCUSDT\","
        "\"ts\":\"2025-11-26T09:33:38.124956789Z\"}\n"
        "{\"attempt\":3,\"code\":10006,\"detail\":\"rate \\\"limit\\\"\\n\",\"level\":\"ERROR\","
        "\"msg\":\"venue_error\",\"ts\":\"2025-11-26T09:33:40.124956789Z\"}\n";
    const std::string first = scripted_session();
    BOOST_TEST(first == expected);
    BOOST_TEST(scripted_session() == first);
}

BOOST_AUTO_TEST_CASE(levels_filter_and_parse) {
    obs::fake_clock clock;
    obs::string_sink sink;
    obs::json_logger log(sink, clock, obs::log_level::warn);
    log.info("no");
    log.warn("yes");
    log.set_min_level(obs::log_level::debug);
    log.debug("dbg");
    BOOST_TEST(sink.str() ==
               "{\"level\":\"WARN\",\"msg\":\"yes\",\"ts\":\"1970-01-01T00:00:00.000000000Z\"}\n"
               "{\"level\":\"DEBUG\",\"msg\":\"dbg\",\"ts\":\"1970-01-01T00:00:00.000000000Z\"}\n");
    BOOST_TEST((obs::parse_log_level("warn").value() == obs::log_level::warn));
    BOOST_TEST((obs::parse_log_level("ERROR").value() == obs::log_level::error));
    auto bad = obs::parse_log_level("verbose");
    BOOST_TEST(!bad);
    BOOST_TEST(bad.error().message.find("\"verbose\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reserved_and_duplicate_keys_are_dropped_and_counted) {
    obs::fake_clock clock;
    obs::string_sink sink;
    obs::json_logger log(sink, clock);
    log.info("m", {{"ts", "fake"}, {"b", 1}, {"a", 2}, {"b", 3}, {"level", "x"}});
    BOOST_TEST(sink.str() ==
               "{\"a\":2,\"b\":1,\"fields_dropped\":3,\"level\":\"INFO\",\"msg\":\"m\","
               "\"ts\":\"1970-01-01T00:00:00.000000000Z\"}\n");
}

BOOST_AUTO_TEST_CASE(strings_are_always_valid_json) {
    obs::fake_clock clock;
    obs::string_sink sink;
    obs::json_logger log(sink, clock);
    // Control byte, valid 2/3/4-byte UTF-8, a stray continuation byte and a truncated sequence.
    const std::string s = std::string("\x01") + "\xc3\xa9" + "\xe2\x82\xac" + "\xf0\x9f\x98\x80" +
                          "\x80" + "\xe2\x82";
    log.info("m", {{"s", s}});
    BOOST_TEST(sink.str() ==
               "{\"level\":\"INFO\",\"msg\":\"m\",\"s\":\"\\u0001\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
               "\\ufffd\\ufffd\\ufffd\",\"ts\":\"1970-01-01T00:00:00.000000000Z\"}\n");
}

BOOST_AUTO_TEST_CASE(timestamps_before_epoch_and_leap_days) {
    std::string out;
    obs::detail::append_rfc3339(out, std::chrono::nanoseconds(-1));
    BOOST_TEST(out == "1969-12-31T23:59:59.999999999Z");
    out.clear();
    // 2024-02-29T12:00:00Z
    obs::detail::append_rfc3339(out, std::chrono::seconds(1'709'208'000));
    BOOST_TEST(out == "2024-02-29T12:00:00.000000000Z");
}

BOOST_AUTO_TEST_CASE(file_sink_and_system_clock) {
    std::FILE* f = std::tmpfile();
    BOOST_REQUIRE(f != nullptr);
    obs::file_sink sink(f);
    obs::system_clock_source clock;
    obs::json_logger log(sink, clock);
    log.info("hello", {{"n", -1}});
    std::rewind(f);
    char buf[256] = {};
    const std::size_t got = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    const std::string line(buf, got);
    BOOST_TEST(line.starts_with("{\"level\":\"INFO\",\"msg\":\"hello\",\"n\":-1,\"ts\":\""));
    BOOST_TEST(line.ends_with("Z\"}\n"));
}
