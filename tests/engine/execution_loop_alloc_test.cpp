// The execution loop's market-data path does not touch the heap in steady state: with both quotes
// resting and cancels in flight, book updates that change no order and the periodic tick (which
// looks for cancels to retry) allocate nothing. Every heap allocation in the process is counted by
// the replaced global operator new of //tests/venue/sim:counting_new.
#define BOOST_TEST_MODULE execution_loop_alloc
#include <boost/test/unit_test.hpp>

#include "loop_harness.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mmbot::test {
/// Heap allocations so far, counted by tests/venue/sim/counting_new.cpp (linked in).
std::uint64_t allocations() noexcept;
}  // namespace mmbot::test

using namespace mmbot;
using namespace std::chrono_literals;
using engine::test::harness;

BOOST_AUTO_TEST_CASE(the_counter_counts) {
    // Positive control: a string beyond the small-string buffer and a vector move the counter.
    const std::uint64_t before = mmbot::test::allocations();
    std::string s(100, 'x');
    std::vector<int> v(10);
    v[1] = static_cast<int>(s.size());
    BOOST_TEST(mmbot::test::allocations() > before);
    BOOST_TEST(v[1] == 100);
}

BOOST_AUTO_TEST_CASE(unchanged_books_and_ticks_with_cancels_in_flight_do_not_allocate) {
    harness h;
    h.book("50000.0", "50000.1");
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 2U);
    h.book("50100.0", "50100.1");  // both quotes replaced: two cancels unanswered, two new quotes
    BOOST_TEST_REQUIRE(h.venue.cancels.size() == 2U);
    BOOST_TEST_REQUIRE(h.venue.orders.size() == 4U);
    // Warm up: the first tick and book after the requote may size buffers.
    h.clock.advance(100ms);
    h.loop->on_book("BTCUSDT", h.top("50100.0", "50100.1"), h.clock.now());
    h.loop->on_tick(h.clock.now());

    const std::uint64_t before = mmbot::test::allocations();
    for (int i = 0; i < 50; ++i) {  // 5 s: below the 10 x retry interval, nothing is resent
        h.clock.advance(100ms);
        h.loop->on_book("BTCUSDT", h.top("50100.0", "50100.1"), h.clock.now());
        h.loop->on_tick(h.clock.now());
    }
    const std::uint64_t allocations = mmbot::test::allocations() - before;
    BOOST_TEST(h.venue.orders.size() == 4U);   // no order activity in the window
    BOOST_TEST(h.venue.cancels.size() == 2U);
    BOOST_TEST(allocations == 0U, "allocations in 50 book updates + ticks: " << allocations);
}
