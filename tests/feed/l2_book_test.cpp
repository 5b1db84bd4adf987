// L2 book semantics (snapshot, delta, deletes, depth bound, u tracking, gap -> resync, u = 1
// reset, crossed flag) and a randomized sequence checked against the naive std::map reference.
#define BOOST_TEST_MODULE feed_l2_book
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/book_set.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "reference_book.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <utility>
#include <vector>

using namespace mmbot::feed;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

level lv(std::int64_t px_units, std::int64_t qty_units) {
    return level{price::from_raw(px_units * price::one()), quantity::from_raw(qty_units * quantity::one())};
}

book_update update(book_action action, std::uint64_t u, std::initializer_list<std::pair<int, int>> bids,
                   std::initializer_list<std::pair<int, int>> asks) {
    book_update up;
    (void)up.sym.assign("BTCUSDT");
    up.depth = 50;
    up.action = action;
    up.u = u;
    up.seq = u * 10;
    up.ts_ms = static_cast<std::int64_t>(u) * 100;
    up.cts_ms = static_cast<std::int64_t>(u) * 100 - 1;
    for (auto [p, q] : bids) up.bids.push_back(lv(p, q));
    for (auto [p, q] : asks) up.asks.push_back(lv(p, q));
    return up;
}

book_update snap(std::uint64_t u, std::initializer_list<std::pair<int, int>> b,
                 std::initializer_list<std::pair<int, int>> a) {
    return update(book_action::snapshot, u, b, a);
}
book_update delta(std::uint64_t u, std::initializer_list<std::pair<int, int>> b,
                  std::initializer_list<std::pair<int, int>> a) {
    return update(book_action::delta, u, b, a);
}

}  // namespace

BOOST_AUTO_TEST_CASE(snapshot_then_deltas) {
    l2_book book(10);
    BOOST_TEST(!book.valid());
    BOOST_TEST(!book.best_bid().has_value());
    BOOST_TEST((book.apply(snap(100, {{99, 1}, {98, 2}, {97, 3}}, {{101, 4}, {102, 5}})) == apply_status::snapshot));
    BOOST_TEST(book.valid());
    BOOST_TEST((*book.best_bid() == lv(99, 1)));
    BOOST_TEST((*book.best_ask() == lv(101, 4)));
    BOOST_TEST(book.levels(book_side::bid) == 3U);
    BOOST_TEST((book.at(book_side::bid, 2) == lv(97, 3)));

    // Update 99, delete 98, insert 100 (new best) and 96; delete the best ask.
    BOOST_TEST((book.apply(delta(101, {{100, 7}, {99, 6}, {98, 0}, {96, 9}}, {{101, 0}})) == apply_status::applied));
    BOOST_TEST((*book.best_bid() == lv(100, 7)));
    BOOST_TEST((book.at(book_side::bid, 1) == lv(99, 6)));
    BOOST_TEST((book.at(book_side::bid, 2) == lv(97, 3)));
    BOOST_TEST((book.at(book_side::bid, 3) == lv(96, 9)));
    BOOST_TEST((*book.best_ask() == lv(102, 5)));
    BOOST_TEST((book.size_at(book_side::bid, lv(97, 0).px) == lv(0, 3).qty));
    BOOST_TEST(book.size_at(book_side::ask, lv(101, 0).px).is_zero());
    BOOST_TEST(book.last_u() == 101U);
    BOOST_TEST(*book.last_seq() == 1010U);
    BOOST_TEST(book.last_ts_ms() == 10100);
    BOOST_TEST(*book.last_cts_ms() == 10099);
    BOOST_TEST(book.counters().deltas == 1U);
}

BOOST_AUTO_TEST_CASE(delete_of_unknown_level_is_harmless) {
    l2_book book(10);
    (void)book.apply(snap(5, {{99, 1}}, {{101, 1}}));
    BOOST_TEST((book.apply(delta(6, {{50, 0}}, {})) == apply_status::applied));
    BOOST_TEST(book.levels(book_side::bid) == 1U);
}

BOOST_AUTO_TEST_CASE(snapshot_replaces_everything) {
    l2_book book(10);
    (void)book.apply(snap(5, {{99, 1}, {98, 1}}, {{101, 1}}));
    (void)book.apply(snap(9, {{90, 2}}, {{95, 3}, {96, 1}}));
    BOOST_TEST(book.levels(book_side::bid) == 1U);
    BOOST_TEST((*book.best_ask() == lv(95, 3)));
    BOOST_TEST(book.counters().snapshots == 2U);
}

BOOST_AUTO_TEST_CASE(delta_before_any_snapshot_is_dropped) {
    l2_book book(10);
    BOOST_TEST((book.apply(delta(7, {{99, 1}}, {})) == apply_status::awaiting_snapshot));
    BOOST_TEST(!book.valid());
    BOOST_TEST(book.levels(book_side::bid) == 0U);
    BOOST_TEST(book.counters().dropped_deltas == 1U);
    BOOST_TEST(book.counters().gaps == 0U);
}

BOOST_AUTO_TEST_CASE(gap_marks_the_book_until_the_next_snapshot) {
    l2_book book(10);
    (void)book.apply(snap(10, {{99, 1}}, {{101, 1}}));
    BOOST_TEST((book.apply(delta(11, {{99, 2}}, {})) == apply_status::applied));
    BOOST_TEST((book.apply(delta(13, {{99, 3}}, {})) == apply_status::gap));  // 12 went missing
    BOOST_TEST(!book.valid());
    BOOST_TEST(book.needs_resync());
    BOOST_TEST((book.best_bid()->qty == lv(0, 2).qty));  // the gapped delta was not applied
    BOOST_TEST((book.apply(delta(14, {{99, 4}}, {})) == apply_status::awaiting_snapshot));
    BOOST_TEST(book.counters().gaps == 1U);
    BOOST_TEST(book.counters().dropped_deltas == 2U);
    BOOST_TEST((book.apply(snap(20, {{98, 5}}, {{100, 5}})) == apply_status::resynced));
    BOOST_TEST(book.valid());
    BOOST_TEST(book.counters().resyncs == 1U);
    BOOST_TEST((book.apply(delta(21, {{98, 6}}, {})) == apply_status::applied));
    BOOST_TEST((*book.best_bid() == lv(98, 6)));
}

BOOST_AUTO_TEST_CASE(repeated_or_old_update_id_is_a_gap) {
    l2_book book(10);
    (void)book.apply(snap(10, {{99, 1}}, {{101, 1}}));
    BOOST_TEST((book.apply(delta(10, {{99, 2}}, {})) == apply_status::gap));
}

BOOST_AUTO_TEST_CASE(u_equal_one_resets_the_book) {
    l2_book book(10);
    (void)book.apply(snap(500, {{99, 1}, {98, 1}}, {{101, 1}}));
    (void)book.apply(delta(501, {{97, 1}}, {}));
    // Service restart: a snapshot with u = 1 replaces the book, and deltas continue from 2.
    BOOST_TEST((book.apply(snap(1, {{80, 1}}, {{81, 1}})) == apply_status::reset));
    BOOST_TEST(book.levels(book_side::bid) == 1U);
    BOOST_TEST((book.apply(delta(2, {{79, 1}}, {})) == apply_status::applied));
    // A delta carrying u = 1 is snapshot data too (not a gap).
    BOOST_TEST((book.apply(delta(1, {{70, 1}}, {{72, 1}})) == apply_status::reset));
    BOOST_TEST(book.levels(book_side::bid) == 1U);
    BOOST_TEST((*book.best_bid() == lv(70, 1)));
    BOOST_TEST(book.valid());
    BOOST_TEST(book.counters().resets == 2U);
    BOOST_TEST(book.counters().gaps == 0U);
}

BOOST_AUTO_TEST_CASE(crossed_book_is_flagged) {
    l2_book book(10);
    (void)book.apply(snap(10, {{99, 1}}, {{101, 1}}));
    BOOST_TEST(!book.crossed());
    (void)book.apply(delta(11, {{101, 1}}, {}));
    BOOST_TEST(book.crossed());
    BOOST_TEST(book.valid());
    (void)book.apply(delta(12, {{101, 0}}, {}));
    BOOST_TEST(!book.crossed());
    BOOST_TEST(book.counters().crossed == 1U);
}

// An episode is counted once however many updates it lasts; a locked book (bid == ask) is one.
BOOST_AUTO_TEST_CASE(crossed_episodes_count_entries_not_updates) {
    l2_book book(10);
    (void)book.apply(snap(10, {{99, 1}}, {{101, 1}}));
    (void)book.apply(delta(11, {{101, 1}}, {}));  // locked: 101 / 101
    (void)book.apply(delta(12, {{102, 1}}, {}));  // still crossed
    (void)book.apply(delta(13, {{103, 1}}, {}));
    BOOST_TEST(book.counters().crossed == 3U);
    BOOST_TEST(book.counters().crossed_episodes == 1U);
    (void)book.apply(delta(14, {{101, 0}, {102, 0}, {103, 0}}, {}));
    BOOST_TEST(!book.crossed());
    (void)book.apply(snap(15, {{105, 1}}, {{104, 1}}));  // a crossed snapshot: a second episode
    BOOST_TEST(book.crossed());
    BOOST_TEST(book.counters().crossed_episodes == 2U);
    book_set set;
    (void)set.book_for(snap(1, {}, {})).apply(snap(1, {{105, 1}}, {{104, 1}}));
    BOOST_TEST(set.totals().crossed_episodes == 1U);
}

BOOST_AUTO_TEST_CASE(depth_is_bounded_keeping_the_best_levels) {
    l2_book book(3);
    (void)book.apply(snap(10, {{99, 1}, {98, 1}, {97, 1}, {96, 1}, {95, 1}}, {{101, 1}}));
    BOOST_TEST(book.levels(book_side::bid) == 3U);
    BOOST_TEST((book.at(book_side::bid, 2) == lv(97, 1)));
    (void)book.apply(delta(11, {{100, 2}}, {{102, 1}, {103, 1}, {104, 1}, {105, 1}}));
    BOOST_TEST(book.levels(book_side::bid) == 3U);
    BOOST_TEST((*book.best_bid() == lv(100, 2)));
    BOOST_TEST((book.at(book_side::bid, 2) == lv(98, 1)));
    BOOST_TEST(book.levels(book_side::ask) == 3U);
    BOOST_TEST((book.at(book_side::ask, 2) == lv(103, 1)));
}

BOOST_AUTO_TEST_CASE(snapshot_in_any_order_with_repeats) {
    l2_book book(10);
    (void)book.apply(snap(10, {{97, 1}, {99, 1}, {98, 1}, {99, 4}}, {{103, 1}, {101, 1}}));
    BOOST_TEST((*book.best_bid() == lv(99, 4)));  // the later size wins, as sequential updates would
    BOOST_TEST(book.levels(book_side::bid) == 3U);
    BOOST_TEST((*book.best_ask() == lv(101, 1)));
}

BOOST_AUTO_TEST_CASE(invalidate_waits_for_a_snapshot) {
    l2_book book(10);
    (void)book.apply(snap(10, {{99, 1}}, {{101, 1}}));
    book.invalidate();
    BOOST_TEST(!book.valid());
    BOOST_TEST((book.apply(delta(11, {{99, 2}}, {})) == apply_status::awaiting_snapshot));
    BOOST_TEST(book.counters().gaps == 0U);
}

BOOST_AUTO_TEST_CASE(a_copied_book_keeps_its_depth) {
    // A copy's vectors have no spare capacity; the book must still insert, not drop, levels.
    l2_book original(10);
    (void)original.apply(snap(10, {{99, 1}, {98, 1}, {97, 1}}, {{101, 1}}));
    l2_book copy = original;
    BOOST_TEST((copy.apply(delta(11, {{96, 1}, {100, 1}}, {{102, 1}})) == apply_status::applied));
    BOOST_TEST(copy.levels(book_side::bid) == 5U);
    BOOST_TEST((copy.at(book_side::bid, 4) == lv(96, 1)));
    BOOST_TEST(copy.levels(book_side::ask) == 2U);
    BOOST_TEST(original.levels(book_side::bid) == 3U);
}

BOOST_AUTO_TEST_CASE(zero_depth_is_refused) { BOOST_CHECK_THROW(l2_book(0), std::invalid_argument); }

// Thousands of random deltas (inserts, updates, deletes, unknown deletes, levels far from the
// touch, occasional snapshots) against the naive reference, compared after every message.
BOOST_AUTO_TEST_CASE(randomized_sequence_matches_the_reference) {
    for (const std::size_t depth : {std::size_t{1}, std::size_t{5}, std::size_t{50}, std::size_t{200}}) {
        std::mt19937_64 rng(42 + depth);
        const auto draw = [&](std::uint64_t n) { return static_cast<int>(rng() % n); };
        l2_book book(depth);
        testing::reference_book ref;
        std::uint64_t u = 1000;
        int mid = 10'000;
        for (int step = 0; step < 20'000; ++step) {
            book_update up;
            (void)up.sym.assign("ETHUSDT");
            up.depth = static_cast<std::uint32_t>(depth);
            up.u = ++u;
            up.action = step == 0 || draw(500) == 0 ? book_action::snapshot : book_action::delta;
            mid += draw(3) - 1;
            // A depth-bounded stream keeps every book within its depth after each message, so a
            // delta never inserts more than depth + 1 levels that a later one must clean up.
            const int levels = up.action == book_action::snapshot
                                   ? static_cast<int>(depth)
                                   : draw(std::min<std::uint64_t>(8, depth + 1) + 1);
            for (int i = 0; i < levels; ++i) {
                const bool bid = draw(2) == 0;
                const int offset = 1 + draw(static_cast<std::uint64_t>(depth) + 5);
                const int qty = up.action == book_action::delta && draw(3) == 0 ? 0 : 1 + draw(1000);
                (bid ? up.bids : up.asks).push_back(lv(bid ? mid - offset : mid + offset, qty));
            }
            (void)book.apply(up);
            ref.apply(up);
            // The reference is unbounded; trim it the way the venue would have told us to.
            while (ref.bids.size() > depth) ref.bids.erase(std::prev(ref.bids.end()));
            while (ref.asks.size() > depth) ref.asks.erase(std::prev(ref.asks.end()));
            const std::string diff = testing::compare(book, ref);
            BOOST_TEST_REQUIRE(diff.empty(), "depth " << depth << " step " << step << ": " << diff);
        }
        BOOST_TEST(book.counters().gaps == 0U);
    }
}

// The side container alone against std::vector: inserts, erases and drops at random positions,
// long runs at one end (so the free room at that end runs out and the levels are recentred).
BOOST_AUTO_TEST_CASE(level_array_matches_a_vector) {
    constexpr std::size_t cap = 41;
    std::mt19937_64 rng(7);
    mmbot::feed::detail::level_array side(cap);
    std::vector<level> ref;
    for (int step = 0; step < 200'000; ++step) {
        const auto op = rng() % 10;
        const bool skewed = (step / 5'000) % 2 == 0;  // phases of front-only or back-only edits
        const auto pos = [&](std::size_t n) -> std::size_t {
            if (n == 0) return 0;
            if (rng() % 4 != 0) return skewed ? 0 : n;  // mostly at one end
            return static_cast<std::size_t>(rng() % (n + 1));
        };
        if (op < 5 && ref.size() < cap) {
            const std::size_t i = pos(ref.size());
            const level l = lv(step, static_cast<int>(rng() % 100) + 1);
            side.insert(side.begin() + i, l);
            ref.insert(ref.begin() + static_cast<std::ptrdiff_t>(i), l);
        } else if (op < 8 && !ref.empty()) {
            const std::size_t i = std::min(pos(ref.size()), ref.size() - 1);
            side.erase(side.begin() + i);
            ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
        } else if (op == 8 && !ref.empty()) {
            const std::size_t n = static_cast<std::size_t>(rng() % (ref.size() + 1));
            side.drop_front(n);
            ref.erase(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(n));
        } else if (rng() % 50 == 0) {
            side.clear();
            ref.clear();
            for (int k = 0; k < static_cast<int>(rng() % cap); ++k) {
                side.push_back(lv(k, 1));
                ref.push_back(lv(k, 1));
            }
        }
        BOOST_TEST_REQUIRE(side.size() == ref.size());
        BOOST_TEST_REQUIRE(std::equal(side.begin(), side.end(), ref.begin(), ref.end()), "step " << step);
    }
}
