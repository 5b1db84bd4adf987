// The market-data and reconnect counters of /metrics follow the feeds' own running totals: each
// publish adds only what is new, never goes back, and the exposition shows the totals.
#define BOOST_TEST_MODULE feed_metrics
#include <boost/test/unit_test.hpp>

#include "mmbot/app/feed_metrics.hpp"

#include <string>

using namespace mmbot;

namespace {
bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_CASE(publishes_the_difference_and_never_goes_back) {
    obs::registry reg;
    obs::mm_metrics m(reg);
    app::feed_metrics fm(m);
    feed::replay_stats md;
    feed::ws_feed_stats ws;

    md.messages = 10;
    md.books.gaps = 1;
    fm.market_data(md);
    fm.market_data(md);  // the same totals again: nothing added
    ws.reconnects = 2;
    fm.public_stream(ws);
    fm.private_stream(1);  // the first session is not a reconnect
    std::string text = reg.expose();
    BOOST_TEST(has_line(text, "mm_md_messages_total 10"), text);
    BOOST_TEST(has_line(text, "mm_md_gaps_total 1"), text);
    BOOST_TEST(has_line(text, R"(mm_ws_reconnects_total{stream="public"} 2)"), text);
    BOOST_TEST(has_line(text, R"(mm_ws_reconnects_total{stream="private"} 0)"), text);

    md.messages = 25;
    fm.market_data(md);
    fm.private_stream(3);
    md.messages = 5;  // a smaller total (a new feed object): the counter does not go back
    fm.market_data(md);
    text = reg.expose();
    BOOST_TEST(has_line(text, "mm_md_messages_total 25"), text);
    BOOST_TEST(has_line(text, R"(mm_ws_reconnects_total{stream="private"} 2)"), text);
}
