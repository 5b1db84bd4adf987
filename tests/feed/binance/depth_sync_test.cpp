// The Binance diff-depth sync: buffering before the snapshot, dropping stale diffs, the first diff
// that must straddle the snapshot, the pu chain (futures) and the U == u + 1 chain (spot), resync
// after a break, and the book it keeps checked against a naive std::map book fed the same levels.
#define BOOST_TEST_MODULE binance_depth_sync
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace mmbot::feed;
using namespace mmbot::feed::binance;
using mmbot::core::price;
using mmbot::core::quantity;

namespace {

using levels = std::vector<std::pair<std::string, std::string>>;

std::string side_json(const levels& ls) {
    std::string out = "[";
    for (const auto& [p, q] : ls) out += fmt::format("{}[\"{}\",\"{}\"]", out.size() > 1 ? "," : "", p, q);
    return out + "]";
}

struct fixture {
    public_codec codec;
    binance_message m;

    binance_message& diff(std::uint64_t first, std::uint64_t last, std::uint64_t prev,
                          const levels& bids = {}, const levels& asks = {},
                          std::string_view sym = "BTCUSDT") {
        const auto text = fmt::format(
            R"({{"e":"depthUpdate","E":1,"T":1,"s":"{}","U":{},"u":{},"pu":{},"b":{},"a":{}}})", sym,
            first, last, prev, side_json(bids), side_json(asks));
        BOOST_TEST_REQUIRE(codec.decode(text, m).has_value(), text);
        return m;
    }
    binance_message& spot_diff(std::uint64_t first, std::uint64_t last, const levels& bids = {}) {
        const auto text = fmt::format(R"({{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":{},"u":{},"b":{},"a":[]}})",
                                      first, last, side_json(bids));
        BOOST_TEST_REQUIRE(codec.decode(text, m).has_value(), text);
        return m;
    }
    binance_message& snapshot(std::uint64_t id, const levels& bids, const levels& asks) {
        const auto text = fmt::format(R"({{"lastUpdateId":{},"bids":{},"asks":{}}})", id,
                                      side_json(bids), side_json(asks));
        BOOST_TEST_REQUIRE(codec.decode(text, m).has_value(), text);
        return m;
    }
};

price px(std::string_view s) { return price::parse(s).value(); }
quantity qty(std::string_view s) { return quantity::parse(s).value(); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(documented_procedure_futures, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::usdm_futures);
    BOOST_TEST(sync.needs_snapshot());
    // Diffs before the snapshot are buffered: 90..95 (older), 96..105 (straddles 100), 106..110.
    BOOST_TEST((sync.on_diff(diff(90, 95, 89, {{"100.0", "9"}})) == sync_status::buffered));
    BOOST_TEST((sync.on_diff(diff(96, 105, 95, {{"100.0", "2"}})) == sync_status::buffered));
    BOOST_TEST((sync.on_diff(diff(106, 110, 105, {}, {{"101.0", "0"}, {"101.5", "4"}})) ==
                sync_status::buffered));
    BOOST_TEST(sync.buffered() == 3U);
    BOOST_TEST((sync.on_snapshot(snapshot(100, {{"100.0", "1"}, {"99.5", "3"}}, {{"101.0", "5"}})) ==
                sync_status::synced));
    BOOST_TEST(sync.synced());
    BOOST_TEST(sync.counters().stale == 1U);    // 90..95: u < lastUpdateId
    BOOST_TEST(sync.counters().applied == 2U);  // 96..105 straddles, 106..110 chains
    BOOST_TEST(sync.last_update_id() == 110U);
    BOOST_TEST(sync.book().best_bid()->qty == qty("2"));
    BOOST_TEST(sync.book().best_ask()->px == px("101.5"));  // 101.0 deleted
    // Live diffs chain on pu.
    BOOST_TEST((sync.on_diff(diff(111, 111, 110, {{"100.5", "1"}})) == sync_status::applied));
    BOOST_TEST(sync.book().best_bid()->px == px("100.5"));
    BOOST_TEST((sync.on_diff(diff(112, 113, 111, {}, {}, "ETHUSDT")) == sync_status::other_symbol));
}

BOOST_FIXTURE_TEST_CASE(broken_pu_chain_asks_for_a_new_snapshot, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::usdm_futures);
    BOOST_TEST((sync.on_snapshot(snapshot(100, {{"100.0", "1"}}, {{"101.0", "1"}})) == sync_status::synced));
    BOOST_TEST(!sync.synced());  // the first diff has not come yet
    BOOST_TEST((sync.on_diff(diff(95, 99, 94)) == sync_status::stale));
    BOOST_TEST((sync.on_diff(diff(99, 102, 98)) == sync_status::applied));
    BOOST_TEST((sync.on_diff(diff(104, 106, 103)) == sync_status::gap));  // pu 103 != 102
    BOOST_TEST(sync.needs_snapshot());
    BOOST_TEST(!sync.book().valid());
    BOOST_TEST(sync.counters().gaps == 1U);
    // Resync: buffer again, a new snapshot, and on.
    BOOST_TEST((sync.on_diff(diff(107, 110, 106, {{"100.0", "7"}})) == sync_status::buffered));
    BOOST_TEST((sync.on_snapshot(snapshot(108, {{"100.0", "5"}}, {{"101.0", "1"}})) == sync_status::synced));
    BOOST_TEST(sync.synced());
    BOOST_TEST(sync.book().best_bid()->qty == qty("7"));
}

BOOST_FIXTURE_TEST_CASE(a_snapshot_older_than_every_buffered_diff_does_not_connect, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::usdm_futures);
    (void)sync.on_diff(diff(120, 125, 119));
    BOOST_TEST((sync.on_snapshot(snapshot(100, {{"100.0", "1"}}, {{"101.0", "1"}})) == sync_status::gap));
    BOOST_TEST(sync.needs_snapshot());
}

BOOST_FIXTURE_TEST_CASE(spot_rules, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::spot);
    (void)sync.on_diff(spot_diff(95, 100));  // u <= lastUpdateId: stale on spot
    (void)sync.on_diff(spot_diff(101, 103, {{"100.0", "4"}}));  // U <= L+1 <= u
    BOOST_TEST((sync.on_snapshot(snapshot(100, {{"100.0", "1"}}, {{"101.0", "1"}})) == sync_status::synced));
    BOOST_TEST(sync.counters().stale == 1U);
    BOOST_TEST(sync.synced());
    BOOST_TEST((sync.on_diff(spot_diff(104, 104)) == sync_status::applied));
    BOOST_TEST((sync.on_diff(spot_diff(106, 107)) == sync_status::gap));  // U != u + 1
}

BOOST_FIXTURE_TEST_CASE(full_buffer_drops_the_oldest, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::usdm_futures, 1000, 2);
    (void)sync.on_diff(diff(1, 1, 0));
    (void)sync.on_diff(diff(2, 2, 1));
    (void)sync.on_diff(diff(3, 3, 2));
    BOOST_TEST(sync.buffered() == 2U);
    BOOST_TEST(sync.counters().buffer_drops == 1U);
    BOOST_TEST((sync.on_snapshot(snapshot(2, {{"1.0", "1"}}, {{"2.0", "1"}})) == sync_status::synced));
    BOOST_TEST(sync.last_update_id() == 3U);
}

// Random walks of diffs against a std::map book: after every applied diff the synced book holds
// exactly the map's levels (the renumbering into l2_book's sequence loses nothing).
BOOST_FIXTURE_TEST_CASE(book_matches_a_naive_map_over_random_diffs, fixture) {
    depth_sync sync("BTCUSDT", sync_rule::usdm_futures);
    std::map<std::int64_t, std::int64_t> bids;  // price ticks -> size units
    std::map<std::int64_t, std::int64_t> asks;
    std::uint64_t seed = 12345;
    const auto next = [&seed](std::uint64_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (seed >> 33U) % n;
    };
    levels sb;
    levels sa;
    for (int i = 0; i < 20; ++i) {
        bids[1000 - i] = 1 + i;
        asks[1001 + i] = 2 + i;
        sb.emplace_back(fmt::format("{}.0", 1000 - i), fmt::format("{}", 1 + i));
        sa.emplace_back(fmt::format("{}.0", 1001 + i), fmt::format("{}", 2 + i));
    }
    (void)sync.on_snapshot(snapshot(1000, sb, sa));
    // The first diff straddles the snapshot's 1000 (U <= 1000 <= u); the rest chain on pu.
    std::uint64_t u = 999;
    for (int step = 0; step < 2000; ++step) {
        levels b;
        levels a;
        for (std::uint64_t k = next(4); k > 0; --k) {
            const auto p = static_cast<std::int64_t>(980 + next(20));
            const auto q = static_cast<std::int64_t>(next(3) == 0 ? 0 : next(50) + 1);
            b.emplace_back(fmt::format("{}.0", p), fmt::format("{}", q));
            if (q == 0) bids.erase(p); else bids[p] = q;
        }
        for (std::uint64_t k = next(4); k > 0; --k) {
            const auto p = static_cast<std::int64_t>(1001 + next(20));
            const auto q = static_cast<std::int64_t>(next(3) == 0 ? 0 : next(50) + 1);
            a.emplace_back(fmt::format("{}.0", p), fmt::format("{}", q));
            if (q == 0) asks.erase(p); else asks[p] = q;
        }
        const std::uint64_t first = u + 1;
        const std::uint64_t last = u + 1 + next(5);
        BOOST_TEST_REQUIRE((sync.on_diff(diff(first, last, u, b, a)) == sync_status::applied));
        u = last;
        BOOST_TEST_REQUIRE(sync.book().levels(book_side::bid) == bids.size());
        BOOST_TEST_REQUIRE(sync.book().levels(book_side::ask) == asks.size());
        std::size_t i = 0;
        for (auto it = bids.rbegin(); it != bids.rend(); ++it, ++i) {
            BOOST_TEST_REQUIRE(sync.book().at(book_side::bid, i).px == px(fmt::format("{}", it->first)));
            BOOST_TEST_REQUIRE(sync.book().at(book_side::bid, i).qty == qty(fmt::format("{}", it->second)));
        }
        i = 0;
        for (auto it = asks.begin(); it != asks.end(); ++it, ++i) {
            BOOST_TEST_REQUIRE(sync.book().at(book_side::ask, i).px == px(fmt::format("{}", it->first)));
        }
    }
    BOOST_TEST(sync.counters().applied == 2000U);
    BOOST_TEST(sync.counters().gaps == 0U);
}
