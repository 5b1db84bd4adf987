// The simulated venue's market-data path does not touch the heap in steady state: ten resting
// orders, thousands of book updates and prints (queues shrinking, partial and full fills, orders
// re-placed as they fill), every heap allocation in the process counted by a replaced global
// operator new. Only the venue's on_book/on_trade calls are inside the counted windows; building
// the messages and re-placing orders are not (that is order entry, not market data).
#define BOOST_TEST_MODULE venue_sim_no_alloc
#include <boost/test/unit_test.hpp>

#include "market.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mmbot::test {
/// Heap allocations so far, counted by tests/venue/sim/counting_new.cpp (linked in).
std::uint64_t allocations() noexcept;
}  // namespace mmbot::test

using namespace mmbot;
using namespace mmbot::venue::sim;
using namespace mmbot::venue::sim::test;
using core::side;

namespace {

/// Counts events without keeping them, and remembers which orders finished.
struct counting_sink {
    std::uint64_t events = 0;
    std::uint64_t fills = 0;
    std::uint64_t done_mask = 0;  // bit i: order q<i> filled completely

    void on_ack(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_reject(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_cancel(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_fill(const fill& f) {
        ++events;
        ++fills;
        if (f.leaves_qty.is_zero()) done_mask |= std::uint64_t{1} << (f.client_order_id[1] - '0');
    }
};

const char* const bid_px[] = {"99.9", "99.8", "99.7", "99.6", "99.5"};
const char* const ask_px[] = {"100.1", "100.2", "100.3", "100.4", "100.5"};

place_request quote(int i) {
    const bool bid = i < 5;
    return order("q" + std::to_string(i), bid ? side::buy : side::sell, bid ? bid_px[i] : ask_px[i - 5],
                 "0.5");
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_counter_sees_allocations) {
    const std::uint64_t before = mmbot::test::allocations();
    std::vector<int> v(100);
    v[1] = 1;
    BOOST_TEST(mmbot::test::allocations() > before);
}

BOOST_AUTO_TEST_CASE(market_data_path_does_not_allocate) {
    market mkt(50);
    mkt.snapshot({{"99.9", "3"}, {"99.8", "3"}, {"99.7", "3"}, {"99.6", "3"}, {"99.5", "3"}},
                 {{"100.1", "3"}, {"100.2", "3"}, {"100.3", "3"}, {"100.4", "3"}, {"100.5", "3"}});
    simulated_venue venue;
    counting_sink sink;
    venue.on_book(mkt.book, nanoseconds{0}, sink);
    for (int i = 0; i < 10; ++i) venue.place(quote(i), nanoseconds{0});

    // Sizes cycle so queues shrink; prints hit each of our prices in turn.
    const char* const sizes[] = {"3", "1.5", "0.7", "2.2"};
    std::vector<feed::trade> prints;
    for (int i = 0; i < 10; ++i) {
        prints.push_back(print(i < 5 ? feed::taker_side::sell : feed::taker_side::buy,
                               i < 5 ? bid_px[i] : ask_px[i - 5], "0.4"));
    }

    std::uint64_t counted = 0;
    const auto count = [&](auto&& call) {
        const std::uint64_t before = mmbot::test::allocations();
        call();
        counted += mmbot::test::allocations() - before;
    };
    for (std::int64_t step = 1; step <= 20000; ++step) {
        const char* sz = sizes[step % 4];
        const int lvl = static_cast<int>(step % 5);
        mkt.delta({{bid_px[lvl], sz}}, {{ask_px[lvl], sz}});  // builds a message: not counted
        const nanoseconds now{step * 1000};
        count([&] { venue.on_book(mkt.book, now, sink); });
        const auto& p = prints[static_cast<std::size_t>(step % 10)];
        count([&] { venue.on_trade(p, now + nanoseconds{1}, sink); });
        for (int i = 0; i < 10; ++i) {  // re-quote what filled (order entry: not counted)
            if ((sink.done_mask >> i) & 1U) venue.place(quote(i), now);
        }
        sink.done_mask = 0;
    }
    BOOST_TEST(sink.fills > 1000U);  // the path under test really filled orders
    BOOST_TEST(venue.open_order_count("BTCUSDT") <= 10U);
    BOOST_TEST(counted == 0U);
}
