// Replay of captures: the bundled synthetic sample gives fixed counts and books identical to the
// naive reference after every message; the wrapper and prefix line forms; malformed lines are
// counted and skipped with a warning, never a crash.
#define BOOST_TEST_MODULE feed_replay
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/replay.hpp"
#include "reference_book.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace mmbot::feed;

namespace {

constexpr const char* sample_path = "data/sample/bybit_btcusdt_sample.jsonl";

struct collected {
    std::vector<std::pair<std::uint64_t, std::string>> warnings;
    replay_options options() {
        return {.on_warning = [this](const replay_warning& w) {
            warnings.emplace_back(w.line, std::string(w.reason));
        }};
    }
};

std::string book_line(std::string_view type, std::uint64_t u, std::int64_t ts, std::string_view bids,
                      std::string_view asks) {
    return fmt::format(R"({{"topic":"orderbook.50.BTCUSDT","type":"{}","ts":{},"data":{{"s":"BTCUSDT","b":[{}],"a":[{}],"u":{},"seq":{}}},"cts":{}}})",
                       type, ts, bids, asks, u, u * 3, ts - 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bundled_sample_replays_with_fixed_counts) {
    std::ifstream in(sample_path);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << sample_path);
    collected c;
    replay_reader replay(in, c.options());
    replay_event ev;
    std::int64_t last_time = 0;
    bool monotonic = true;
    while (replay.next(ev)) {
        monotonic = monotonic && ev.event_time_ns >= last_time;
        last_time = ev.event_time_ns;
    }
    const replay_stats s = replay.stats();
    BOOST_TEST(c.warnings.empty());
    BOOST_TEST(monotonic);
    // Fixed by the generator's seed; regenerate the sample and these change together.
    BOOST_TEST(s.lines == 5588U);
    BOOST_TEST(s.messages == 5588U);
    BOOST_TEST(s.book_updates == 4219U);
    BOOST_TEST(s.trade_messages == 1039U);
    BOOST_TEST(s.trades == 2364U);
    BOOST_TEST(s.tickers == 327U);
    BOOST_TEST(s.ignored_messages == 3U);
    BOOST_TEST(s.malformed_lines == 0U);
    BOOST_TEST(s.books.snapshots == 8U);
    BOOST_TEST(s.books.deltas == 4211U);
    BOOST_TEST(s.books.gaps == 0U);
    BOOST_TEST(s.books.resyncs == 0U);
    BOOST_TEST(s.books.resets == 1U);
    BOOST_TEST(s.books.crossed == 0U);
    BOOST_TEST(replay.books().entries().size() == 2U);
    const l2_book* btc = replay.books().find("BTCUSDT");
    BOOST_TEST_REQUIRE(btc != nullptr);
    BOOST_TEST(btc->valid());
    BOOST_TEST(btc->levels(book_side::bid) == 50U);
    // Event time is the message's ts in ns: ~10 minutes of market time.
    BOOST_TEST(last_time / 1'000'000'000 - 1786310400 == 599);
}

BOOST_AUTO_TEST_CASE(sample_books_match_the_reference_after_every_message) {
    std::ifstream in(sample_path);
    BOOST_TEST_REQUIRE(in.good());
    replay_reader replay(in);
    std::map<std::string, testing::reference_book, std::less<>> refs;
    replay_event ev;
    std::uint64_t compared = 0;
    while (replay.next(ev)) {
        if (ev.book == nullptr) continue;
        auto& ref = refs[std::string(ev.msg->book.sym.view())];
        ref.apply(ev.msg->book);
        const std::string diff = testing::compare(*ev.book, ref);
        BOOST_TEST_REQUIRE(diff.empty(), "line " << ev.line << ": " << diff);
        ++compared;
    }
    BOOST_TEST(compared == 4219U);
}

BOOST_AUTO_TEST_CASE(trades_cross_through_levels) {
    // The sample must let a resting maker quote fill: some trade messages print at several prices.
    std::ifstream in(sample_path);
    replay_reader replay(in);
    replay_event ev;
    std::uint64_t sweeps = 0;
    while (replay.next(ev)) {
        if (ev.msg->kind != message_kind::trades) continue;
        const auto& p = ev.msg->trades.prints;
        if (p.size() > 1 && p.front().px != p.back().px) ++sweeps;
    }
    BOOST_TEST(sweeps > 50U);
}

BOOST_AUTO_TEST_CASE(wrapper_and_prefix_forms_set_the_event_time) {
    const std::string raw = book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])");
    std::stringstream in;
    in << raw << "\n"
       << R"({"recv_ts_ns":5000000123,"msg":)" << book_line("delta", 11, 1001, R"(["100","2"])", "") << "}\n"
       << "6000000456 " << book_line("delta", 12, 1002, R"(["100","3"])", "") << "\r\n"
       << "\n"
       << R"({"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"})" << "\n";
    replay_reader replay(in);
    replay_event ev;
    BOOST_TEST_REQUIRE(replay.next(ev));
    BOOST_TEST(ev.event_time_ns == 1'000'000'000);
    BOOST_TEST(!ev.recv_ts_ns.has_value());
    BOOST_TEST((ev.book_status == apply_status::snapshot));
    BOOST_TEST_REQUIRE(replay.next(ev));
    BOOST_TEST(ev.event_time_ns == 5'000'000'123);
    BOOST_TEST(*ev.recv_ts_ns == 5'000'000'123);
    BOOST_TEST((ev.book_status == apply_status::applied));
    BOOST_TEST_REQUIRE(replay.next(ev));
    BOOST_TEST(ev.event_time_ns == 6'000'000'456);
    BOOST_TEST(ev.book->best_bid()->qty.to_string() == "3");
    BOOST_TEST_REQUIRE(replay.next(ev));  // the pong: ignored, keeps the clock
    BOOST_TEST((ev.msg->kind == message_kind::ignored));
    BOOST_TEST(ev.event_time_ns == 6'000'000'456);
    BOOST_TEST(ev.line == 5U);
    BOOST_TEST(!replay.next(ev));
    BOOST_TEST(replay.stats().malformed_lines == 0U);
    BOOST_TEST(replay.stats().lines == 5U);
}

BOOST_AUTO_TEST_CASE(gap_in_a_capture_is_counted_and_resynced_by_the_next_snapshot) {
    std::stringstream in;
    in << book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])") << "\n"
       << book_line("delta", 11, 1001, R"(["100","2"])", "") << "\n"
       << book_line("delta", 13, 1003, R"(["100","3"])", "") << "\n"   // 12 is missing
       << book_line("delta", 14, 1004, R"(["100","4"])", "") << "\n"
       << book_line("snapshot", 20, 1010, R"(["99","1"])", R"(["101","1"])") << "\n"
       << book_line("delta", 21, 1011, R"(["99","2"])", "") << "\n";
    replay_reader replay(in);
    replay_event ev;
    std::vector<apply_status> seen;
    while (replay.next(ev)) seen.push_back(ev.book_status);
    const std::vector<apply_status> want{apply_status::snapshot, apply_status::applied,
                                         apply_status::gap, apply_status::awaiting_snapshot,
                                         apply_status::resynced, apply_status::applied};
    BOOST_TEST((seen == want));
    const auto s = replay.stats();
    BOOST_TEST(s.books.gaps == 1U);
    BOOST_TEST(s.books.resyncs == 1U);
    BOOST_TEST(s.books.dropped_deltas == 2U);
    BOOST_TEST(replay.books().find("BTCUSDT")->valid());
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_counted_and_skipped) {
    const std::string good = book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])");
    std::stringstream in;
    in << good << "\n"                                                     // 1 ok
       << good.substr(0, good.size() / 2) << "\n"                          // 2 truncated JSON
       << book_line("delta", 11, 1001, R"([100,"1"])", "") << "\n"         // 3 number, not string
       << book_line("delta", 11, 1001, R"(["1e5","1"])", "") << "\n"       // 4 exponent
       << R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[]}})" << "\n"  // 5 no u
       << R"({"topic":"publicTrade.BTCUSDT","ts":"x","data":[]})" << "\n"   // 6 ts wrong type
       << "garbage\n"                                                      // 7
       << "12345\n"                                                        // 8 prefix without JSON
       << R"({"recv_ts_ns":"soon","msg":{}})" << "\n"                      // 9 wrapper with bad time
       << R"({"msg":{"op":"pong"}})" << "\n"                               // 10 wrapper without time
       << std::string(1000, '{') << "\n"                                   // 11 deep nesting
       << R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT"},"ts":16723272861700})" << "\n"  // 12 ts overflows ns
       << book_line("delta", 11, 1001, R"(["100","2"])", "") << "\n";      // 13 ok, in sequence
    collected c;
    replay_reader replay(in, c.options());
    replay_event ev;
    std::uint64_t decoded = 0;
    while (replay.next(ev)) ++decoded;
    const auto s = replay.stats();
    BOOST_TEST(decoded == 2U);
    BOOST_TEST(s.malformed_lines == 11U);
    BOOST_TEST(s.books.gaps == 0U);  // the skipped lines did not consume update ids
    BOOST_TEST_REQUIRE(c.warnings.size() == 11U);
    BOOST_TEST(c.warnings[0].first == 2U);
    BOOST_TEST(c.warnings[0].second.starts_with("message: invalid JSON"));
    BOOST_TEST(c.warnings[1].second.starts_with("data.b[0][0]: expected a decimal string, got number 100"));
    BOOST_TEST(c.warnings[2].second.starts_with(R"(data.b[0][0]: price "1e5": exponent)"));
    BOOST_TEST(c.warnings[3].second == "data.u: missing field");
    BOOST_TEST(c.warnings[4].second == R"(ts: expected an integer, got string "x")");
    BOOST_TEST(c.warnings[6].second.starts_with("line: expected `<recv_ns> <json>`"));
    BOOST_TEST(c.warnings[7].second == R"(recv_ts_ns: expected an integer, got string "soon")");
    BOOST_TEST(c.warnings[8].second == "recv_ts_ns: missing field");
    BOOST_TEST(c.warnings[9].first == 11U);
    BOOST_TEST(c.warnings[10].second == "ts: 16723272861700 ms is out of range for a time in ns");
}

BOOST_AUTO_TEST_CASE(warning_excerpt_is_truncated) {
    std::stringstream in;
    in << std::string(5000, 'x') << "\n";
    std::size_t excerpt = 0;
    replay_reader replay(in, {.on_warning = [&](const replay_warning& w) { excerpt = w.excerpt.size(); }});
    replay_event ev;
    BOOST_TEST(!replay.next(ev));
    BOOST_TEST(excerpt == replay_warning::excerpt_chars);
}

// A read that fails is not an end of file, and a line past the maximum stops the replay: both are
// reported by error() with the line number, never skipped in silence.
BOOST_AUTO_TEST_CASE(line_over_the_maximum_is_an_error_naming_the_line) {
    const std::string ok = book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])");
    std::stringstream in;
    in << ok << "\n" << std::string(200, 'x') << "\n" << ok << "\n";
    replay_options opts;
    opts.max_line_bytes = 100 + ok.size();
    replay_reader replay(in, opts);
    replay_event ev;
    BOOST_TEST_REQUIRE(replay.next(ev));
    BOOST_TEST(!replay.error().has_value());
    opts.max_line_bytes = 100;
    std::stringstream in2;
    in2 << ok.substr(0, 50) << "\n" << std::string(101, 'x') << "\n" << ok << "\n";
    replay_reader short_max(in2, opts);
    BOOST_TEST(!short_max.next(ev));  // line 1 is malformed (skipped), line 2 is too long
    BOOST_TEST_REQUIRE(short_max.error().has_value());
    BOOST_TEST(short_max.error()->code == mmbot::feed::errc::line_too_long);
    BOOST_TEST(short_max.error()->message == "line 2: longer than the maximum of 100 bytes");
    BOOST_TEST(!short_max.next(ev));  // stays stopped: the rest is not read
}

BOOST_AUTO_TEST_CASE(exactly_the_maximum_is_accepted_and_a_last_line_needs_no_newline) {
    const std::string ok = book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])");
    std::stringstream in;
    in << ok << "\n" << ok;  // no trailing newline
    replay_reader replay(in, {.on_warning = {}, .max_line_bytes = ok.size()});
    replay_event ev;
    BOOST_TEST(replay.next(ev));
    BOOST_TEST(replay.next(ev));
    BOOST_TEST(!replay.next(ev));
    BOOST_TEST(!replay.error().has_value());
    BOOST_TEST(replay.stats().lines == 2U);
}

// Lines are read in 4 KiB chunks: a line of several chunks decodes whole, and the limit holds to
// the byte across chunk boundaries.
BOOST_AUTO_TEST_CASE(lines_longer_than_a_read_chunk_decode_whole) {
    std::string padded = book_line("snapshot", 10, 1000, R"(["100","1"])", R"(["101","1"])");
    padded.insert(padded.size() - 1, std::string(10'000 - padded.size(), ' '));  // JSON whitespace
    BOOST_TEST_REQUIRE(padded.size() == 10'000U);
    for (const std::size_t limit : {std::size_t{10'000}, std::size_t{9'999}}) {
        std::stringstream in;
        in << padded << "\n" << padded << "\n";
        replay_reader replay(in, {.on_warning = {}, .max_line_bytes = limit});
        replay_event ev;
        int decoded = 0;
        while (replay.next(ev)) ++decoded;
        BOOST_TEST(decoded == (limit == 10'000U ? 2 : 0));
        BOOST_TEST(replay.error().has_value() == (limit < 10'000U));
        BOOST_TEST(replay.stats().malformed_lines == 0U);
    }
}

BOOST_AUTO_TEST_CASE(dev_zero_is_a_line_too_long_not_an_empty_capture) {
    capture_file file;
    BOOST_TEST_REQUIRE(file.open("/dev/zero").has_value());
    replay_reader replay(file, {.on_warning = {}, .max_line_bytes = 1U << 20U});
    replay_event ev;
    BOOST_TEST(!replay.next(ev));
    BOOST_TEST_REQUIRE(replay.error().has_value());
    BOOST_TEST(replay.error()->code == mmbot::feed::errc::line_too_long);
    BOOST_TEST(replay.error()->message.starts_with("line 1: "));
}

BOOST_AUTO_TEST_CASE(a_directory_is_a_read_error_with_the_os_reason) {
    capture_file file;
    BOOST_TEST_REQUIRE(file.open(".").has_value());  // open(2) of a directory succeeds; read fails
    replay_reader replay(file);
    replay_event ev;
    BOOST_TEST(!replay.next(ev));
    BOOST_TEST_REQUIRE(replay.error().has_value());
    BOOST_TEST(replay.error()->code == mmbot::feed::errc::read_error);
    BOOST_TEST(replay.error()->message == "line 1: read failed: Is a directory");
}

BOOST_AUTO_TEST_CASE(a_missing_capture_names_the_path_and_the_os_reason) {
    capture_file file;
    const auto r = file.open("no/such/capture.jsonl");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message == R"(cannot open "no/such/capture.jsonl": No such file or directory)");
}

BOOST_AUTO_TEST_CASE(a_capture_file_replays_like_a_stream) {
    capture_file file;
    BOOST_TEST_REQUIRE(file.open(sample_path).has_value());
    replay_reader replay(file);
    replay_event ev;
    std::uint64_t n = 0;
    while (replay.next(ev)) ++n;
    BOOST_TEST(!replay.error().has_value());
    BOOST_TEST(n == replay.stats().messages);
    BOOST_TEST(replay.stats().malformed_lines == 0U);
}
