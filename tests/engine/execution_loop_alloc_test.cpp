// The execution loop's market-data path does not touch the heap in steady state: with both quotes
// resting and cancels in flight, book updates that change no order and the periodic tick (which
// looks for cancels to retry) allocate nothing. Every heap allocation in the process is counted by
// the replaced global operator new of //tests/venue/sim:counting_new.
#define BOOST_TEST_MODULE execution_loop_alloc
#include <boost/test/unit_test.hpp>

#include "loop_harness.hpp"

#include "mmbot/feed/types.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

namespace {

/// Records what the loop sends without touching the heap itself (ids in fixed buffers, vectors
/// reserved up front), so the counter sees only the loop's allocations.
struct quiet_venue {
    using id = feed::bounded_string<engine::max_order_link_id_chars>;
    engine::journal* journal = nullptr;
    std::vector<std::pair<id, core::side>> placed;  // since the test last drained it
    std::vector<id> cancelled;
    std::uint64_t unjournaled_sends = 0;  // a place that arrived before its record was written
    std::uint64_t journal_seq = 0;

    quiet_venue() {
        placed.reserve(64);
        cancelled.reserve(64);
    }
    void place(const venue::order_request& r, std::chrono::nanoseconds /*now*/) {
        if (journal->last_sequence() <= journal_seq) ++unjournaled_sends;
        journal_seq = journal->last_sequence();
        id i;
        (void)i.assign(r.client_order_id);
        placed.emplace_back(i, r.side);
    }
    void cancel(std::string_view /*symbol*/, std::string_view client_order_id, std::chrono::nanoseconds) {
        id i;
        (void)i.assign(client_order_id);
        cancelled.push_back(i);
    }
    void cancel_all(std::string_view /*symbol*/, std::chrono::nanoseconds) {}
};

struct quiet_fill {
    std::string_view client_order_id;
    std::string_view exec_id;
    core::price price;
    core::quantity qty;
    core::notional fee;
    std::chrono::nanoseconds at;
};

/// A decimal counter's text in a fixed buffer ("v17", "e17"): venue ids without the heap.
struct counter_text {
    std::array<char, 24> buf{};
    std::size_t size = 0;
    std::string_view next(char prefix, std::uint64_t n) {
        buf[0] = prefix;
        const auto r = std::to_chars(buf.data() + 1, buf.data() + buf.size(), n);
        size = static_cast<std::size_t>(r.ptr - buf.data());
        return {buf.data(), size};
    }
};

/// The venue's side of one cycle of quoting: every new order acknowledged, every cancel
/// confirmed, and on every cycle one resting order filled in full (buys and sells in turn, so
/// the position stays inside its limit). Returns the order actions it and the loop took.
struct venue_script {
    std::uint64_t venue_ids = 0;
    std::uint64_t exec_ids = 0;
    counter_text text;
    std::vector<std::pair<quiet_venue::id, core::side>> resting;  // acked, not cancelled

    venue_script() { resting.reserve(64); }

    template <class H>
    std::uint64_t answer(H& h, core::side fill_side) {
        std::uint64_t actions = h.venue.placed.size() + h.venue.cancelled.size();  // sent by the loop
        const auto now = h.clock.now();
        for (const auto& [i, s] : h.venue.placed) {
            h.loop->on_ack(i.view(), text.next('v', ++venue_ids), now);
            resting.emplace_back(i, s);
            ++actions;
        }
        for (const auto& i : h.venue.cancelled) {
            h.loop->on_cancel(i.view(), "cancelled_by_request", now);
            std::erase_if(resting, [&](const auto& r) { return r.first == i; });
            ++actions;
        }
        h.venue.placed.clear();
        h.venue.cancelled.clear();
        for (auto it = resting.begin(); it != resting.end(); ++it) {
            if (it->second != fill_side) continue;
            const engine::order* o = h.loop->store().find(it->first.view());
            BOOST_TEST_REQUIRE(o != nullptr);
            h.loop->on_fill(quiet_fill{it->first.view(), text.next('e', ++exec_ids), o->price, o->qty,
                                       core::notional::parse("-0.01").value(), now});
            resting.erase(it);
            ++actions;
            break;
        }
        return actions;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(steady_order_actions_do_not_allocate) {
    // Steady quoting with every kind of order action: each cycle the book moves by 20 bps (over
    // the 2 bps requote threshold), so both quotes are cancelled and placed again; the venue acks
    // every order, confirms every cancel and fills one resting order in full (buy and sell in
    // turn), after which that side is placed afresh. Closed orders are dropped after 5 s, so after
    // the warm-up the store recycles as many records as it opens. Logging is at error level, as
    // the shadow bench runs it (a log line is the sink's business, not the order path's).
    engine::engine_options options;
    options.closed_order_retention = 5s;
    // The harness's checks plus venue_latency, which tracks every order until it is answered.
    using gate = risk::gate<risk::stale_market_data, risk::price_band, risk::inventory_limit, risk::edge_floor,
                            risk::loss_limit, risk::order_rate_cap, risk::venue_latency>;
    engine::test::basic_harness<gate, quiet_venue> h("5", options);
    h.log.set_min_level(obs::log_level::error);
    venue_script script;
    const auto cycle = [&](int i) {
        h.clock.advance(1s);  // under the order rate cap (50/s)
        const bool up = i % 2 == 0;
        h.loop->on_book("BTCUSDT", up ? h.top("50100.0", "50100.1") : h.top("50000.0", "50000.1"),
                        h.clock.now());
        const std::uint64_t actions = script.answer(h, up ? core::side::buy : core::side::sell);
        h.loop->on_tick(h.clock.now());
        return actions;
    };
    for (int i = 0; i < 30; ++i) (void)cycle(i);  // warm-up: past the first prunes, buffers sized

    const std::int64_t placed_before = h.loop->stats().orders_placed;
    const std::int64_t fills_before = h.loop->stats().fills;
    std::uint64_t actions = 0;
    const std::uint64_t before = mmbot::test::allocations();
    for (int i = 30; i < 80; ++i) actions += cycle(i);
    const std::uint64_t allocations = mmbot::test::allocations() - before;

    // The window did what it claims: requotes, fills, acks and cancels, all journaled first.
    BOOST_TEST(h.loop->stats().orders_placed - placed_before >= 100);
    BOOST_TEST(h.loop->stats().fills - fills_before == 50);
    BOOST_TEST(h.loop->stats().orders_blocked == 0);
    BOOST_TEST(h.venue.unjournaled_sends == 0U);
    BOOST_TEST(h.loop->store().open_count() == 1U);  // the side filled last is placed on the next book
    BOOST_TEST(allocations == 0U, "allocations in " << actions << " order actions: " << allocations);
}
