// feed::binance::replay_reader (linked into the depth_sync_test binary): a capture read into the
// replay_event stream the shadow engine takes, the snapshot taken by the one symbol waiting, a gap
// leaving an invalid book, malformed lines skipped with a warning, the stats, and the bundled
// sample (//data/sample, written by //tools/sample_gen) replayed without a gap.
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/binance/replay.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace mmbot::feed;

namespace {

std::string diff_line(std::int64_t ns, std::string_view sym, std::uint64_t first, std::uint64_t last,
                      std::uint64_t prev, std::string_view bid = R"(["100.0","1.000"])") {
    std::string lower(sym);
    for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
    return fmt::format(R"({} {{"stream":"{}@depth@0ms","data":{{"e":"depthUpdate","E":1,"T":1,"s":"{}","U":{},"u":{},"pu":{},"b":[{}],"a":[["100.5","2.000"]]}}}})"
                       "\n",
                       ns, lower, sym, first, last, prev, bid);
}

std::string snapshot_line(std::int64_t ns, std::uint64_t id) {
    return fmt::format(R"({} {{"lastUpdateId":{},"E":1,"T":1,"bids":[["99.9","3.000"]],"asks":[["100.6","4.000"]]}})"
                       "\n",
                       ns, id);
}

/// What an event showed when it was current (its pointers are valid until the next call only).
struct seen {
    bool has_book{false};
    bool valid{false};  ///< the event's book was valid
    message_kind kind{message_kind::ignored};
    std::string book_sym;
    std::optional<taker_side> side;  ///< of the first print, for trades
    std::int64_t event_time_ns{0};
    std::optional<std::int64_t> recv_ts_ns;
};

struct replayed {
    std::vector<seen> events;
    std::vector<std::string> warnings;
    replay_stats stats;
};

replayed replay_text(const std::string& text) {
    std::istringstream in(text);
    replayed out;
    binance::replay_reader r(in, {.on_warning = [&out](const replay_warning& w) {
                                 out.warnings.push_back(fmt::format("line {}: {}", w.line, w.reason));
                             }});
    replay_event ev;
    while (r.next(ev)) {
        seen e{ev.book != nullptr, ev.book != nullptr && ev.book->valid(), ev.msg->kind,
               std::string(ev.msg->book.sym.view()), std::nullopt, ev.event_time_ns, ev.recv_ts_ns};
        if (ev.msg->kind == message_kind::trades) e.side = ev.msg->trades.prints.front().side;
        out.events.push_back(std::move(e));
    }
    BOOST_TEST(!r.error().has_value());
    out.stats = r.stats();
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(buffer_snapshot_then_chain_at_receive_time) {
    const std::string text = diff_line(1'000, "BTCUSDT", 10, 12, 9)      // buffered, then stale
                             + snapshot_line(2'000, 14)                   // taken by BTCUSDT
                             + diff_line(3'000, "BTCUSDT", 13, 16, 12)    // straddles 14: applied
                             + diff_line(4'000, "BTCUSDT", 17, 17, 16, R"(["100.2","0.500"])");
    const auto r = replay_text(text);
    BOOST_TEST_REQUIRE(r.events.size() == 4U);
    BOOST_TEST(r.warnings.empty());
    BOOST_TEST(!r.events[0].has_book);  // buffered: no book change to show
    BOOST_TEST(r.events[1].valid);                    // the snapshot synced the book
    BOOST_TEST(r.events[1].book_sym == "BTCUSDT");  // filled in for the REST answer
    BOOST_TEST(r.events[2].valid);
    BOOST_TEST(r.events[3].valid);
    BOOST_TEST(r.events[3].event_time_ns == 4'000);
    BOOST_TEST(*r.events[3].recv_ts_ns == 4'000);
    BOOST_TEST((r.events[3].kind == message_kind::book));
    BOOST_TEST(r.stats.book_updates == 4U);
    BOOST_TEST(r.stats.books.snapshots == 1U);
    BOOST_TEST(r.stats.books.deltas == 2U);
    BOOST_TEST(r.stats.books.dropped_deltas == 1U);  // the stale one
    BOOST_TEST(r.stats.books.gaps == 0U);
}

BOOST_AUTO_TEST_CASE(a_break_in_the_chain_leaves_an_invalid_book_until_a_snapshot) {
    const std::string text = snapshot_line(500, 1) /* nobody waits yet: refused */ +
                             diff_line(1'000, "BTCUSDT", 10, 12, 9) + snapshot_line(2'000, 11) +
                             diff_line(3'000, "BTCUSDT", 13, 15, 99)  // pu 99 != 12: gap
                             + diff_line(4'000, "BTCUSDT", 16, 18, 15)  // buffered again
                             + snapshot_line(5'000, 17) + diff_line(6'000, "BTCUSDT", 19, 20, 18);
    const auto r = replay_text(text);
    BOOST_TEST_REQUIRE(r.warnings.size() == 1U);
    BOOST_TEST(r.warnings[0].find("line 1: lastUpdateId: a REST depth snapshot names no symbol, and 0 symbols") == 0U,
               r.warnings[0]);
    BOOST_TEST_REQUIRE(r.events.size() == 6U);
    BOOST_TEST(r.events[1].valid);                       // synced at 11 (the buffered 10..12 straddles it)
    BOOST_TEST(r.events[2].has_book);      // the gap shows, as an invalid book
    BOOST_TEST(!r.events[2].valid);
    BOOST_TEST(!r.events[3].has_book);      // buffered
    BOOST_TEST(r.events[4].valid);                       // resynced
    BOOST_TEST(r.events[5].valid);
    BOOST_TEST(r.stats.books.gaps == 1U);
    BOOST_TEST(r.stats.books.resyncs == 1U);
    BOOST_TEST(r.stats.malformed_lines == 1U);
}

BOOST_AUTO_TEST_CASE(two_symbols_waiting_make_a_snapshot_ambiguous_and_bad_lines_are_skipped) {
    const std::string text = diff_line(1'000, "BTCUSDT", 10, 12, 9) + diff_line(1'100, "ETHUSDT", 5, 6, 4) +
                             snapshot_line(2'000, 11) + "not-a-time {}\n" + "\n" +
                             "3000 {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":3,\"T\":3,"
                             "\"s\":\"BTCUSDT\",\"t\":7,\"p\":\"100.1\",\"q\":\"0.010\",\"m\":true}}\n" +
                             "3100 {\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"e\":\"depthUpdate\"}}\n";
    const auto r = replay_text(text);
    BOOST_TEST_REQUIRE(r.warnings.size() == 3U);
    BOOST_TEST(r.warnings[0].find("2 symbols wait for one") != std::string::npos, r.warnings[0]);
    BOOST_TEST(r.warnings[1].find("line 4: ") == 0U, r.warnings[1]);
    BOOST_TEST(r.warnings[2].find("line 7: ") == 0U, r.warnings[2]);
    BOOST_TEST_REQUIRE(r.events.size() == 3U);  // two diffs and the trade
    BOOST_TEST((r.events[2].kind == message_kind::trades));
    BOOST_TEST((r.events[2].side == taker_side::sell));
    BOOST_TEST(r.stats.lines == 7U);
    BOOST_TEST(r.stats.trades == 1U);
    BOOST_TEST(r.stats.malformed_lines == 3U);
}

BOOST_AUTO_TEST_CASE(the_bundled_sample_replays_in_sync) {
    capture_file f;
    BOOST_TEST_REQUIRE(f.open("data/sample/binance_btcusdt_sample.txt").has_value());
    binance::replay_reader r(f);
    replay_event ev;
    std::uint64_t valid_books = 0;
    std::int64_t last_ns = 0;
    bool ordered = true;
    while (r.next(ev)) {
        if (ev.book != nullptr && ev.book->valid()) ++valid_books;
        ordered = ordered && ev.event_time_ns >= last_ns;
        last_ns = ev.event_time_ns;
    }
    BOOST_TEST(!r.error().has_value());
    const auto s = r.stats();
    BOOST_TEST(s.malformed_lines == 0U);
    BOOST_TEST(s.books.gaps == 0U);
    BOOST_TEST(s.books.snapshots == 1U);
    BOOST_TEST(s.books.dropped_deltas == 1U);  // the diff the snapshot already holds
    BOOST_TEST(valid_books == s.books.deltas + 1);
    BOOST_TEST(s.books.deltas > 2000U);
    BOOST_TEST(s.trades > 1000U);
    BOOST_TEST(s.tickers > 100U);
    BOOST_TEST(ordered);
    BOOST_TEST(r.sync_of("BTCUSDT")->synced());
}
