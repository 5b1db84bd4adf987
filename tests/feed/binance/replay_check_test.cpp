// tools/binance_replay's check: a bookTicker at a diff's final id is compared with the synced book,
// a wrong one is caught (the positive control for the 0-mismatch results in docs/binance.md), and
// tickers whose id falls inside a diff's range are counted as not comparable.
#define BOOST_TEST_MODULE binance_replay_check
#include <boost/test/unit_test.hpp>

#include "tools/binance_replay/replay_check.hpp"

#include <string_view>

using mmbot::tools::binance_replay::replay_checker;

namespace {
constexpr std::string_view snapshot =
    R"(1 {"lastUpdateId":100,"bids":[["100.0","1"],["99.5","3"]],"asks":[["101.0","5"]]})";
constexpr std::string_view diff =
    R"(2 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":99,"u":105,"pu":98,"b":[["100.0","2"]],"a":[]}})";

void feed(replay_checker& c, std::string_view line) {
    auto r = c.feed_line(line);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_ticker_matching_the_book_passes) {
    replay_checker c("BTCUSDT", mmbot::feed::binance::sync_rule::usdm_futures);
    // The ticker comes first (as on the wire), waits, and is compared when the diff reaches 105.
    feed(c, R"(3 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":105,"s":"BTCUSDT","b":"100.0","B":"2","a":"101.0","A":"5","T":1,"E":1}})");
    feed(c, R"(3 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":103,"s":"BTCUSDT","b":"100.0","B":"2","a":"101.0","A":"5","T":1,"E":1}})");
    feed(c, snapshot);
    feed(c, diff);
    c.finish();
    BOOST_TEST(c.top().compared == 1U);
    BOOST_TEST(c.top().mismatched == 0U);
    BOOST_TEST(c.top().unmatched == 1U);  // id 103 is inside 99..105
}

BOOST_AUTO_TEST_CASE(a_ticker_disagreeing_with_the_book_is_caught) {
    replay_checker c("BTCUSDT", mmbot::feed::binance::sync_rule::usdm_futures);
    feed(c, snapshot);
    feed(c, diff);
    feed(c, R"(3 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":105,"s":"BTCUSDT","b":"100.0","B":"1","a":"101.0","A":"5","T":1,"E":1}})");
    c.finish();
    BOOST_TEST(c.top().compared == 1U);
    BOOST_TEST(c.top().mismatched == 1U);
    BOOST_TEST(c.top().first_mismatch == "at update 105: bookTicker 100 x 1 / 101 x 5, book 100 x 2 / 101 x 5");
}

BOOST_AUTO_TEST_CASE(bad_lines_are_errors) {
    replay_checker c("BTCUSDT", mmbot::feed::binance::sync_rule::usdm_futures);
    BOOST_TEST(!c.feed_line("x {}").has_value());
    BOOST_TEST(!c.feed_line("1 {").has_value());
}
