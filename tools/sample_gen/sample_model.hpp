// tools/sample_gen/sample_model.hpp
//
// The synthetic market behind data/sample/bybit_btcusdt_sample.jsonl: a small stochastic
// book-and-trade model that writes Bybit v5 *linear* public messages, byte for byte in Bybit's
// shape and key order, so the shipped sample goes through exactly the code a real capture does.
//
// The model, per symbol, on the tick grid (integers only: ticks and lots, never a double):
//   - a 50-level book each side, sizes drawn from a small/medium/large mixture;
//   - events every 60-340 ms (BTCUSDT) / 200-800 ms (ETHUSDT): trades at the touch that consume
//     size and sometimes sweep through several levels (so a resting maker quote can fill), size
//     changes and cancels near the touch, new levels improving the spread, one-tick moves of the
//     touch (the mid's random walk), refills at the far end to keep the depth;
//   - every change goes out as an `orderbook.50.<sym>` delta (u + 1 each time, "0" deletes),
//     trades as `publicTrade.<sym>` with per-print ids and tick directions, a `tickers.<sym>`
//     delta every few seconds, a fresh snapshot every ~150 s, and one service restart (a snapshot
//     with u = 1) on ETHUSDT half-way through.
// Determinism: std::mt19937_64 is fully specified by the standard and draws are mapped to ranges
// by integer rejection sampling (std::uniform_int_distribution is implementation-defined), so
// the same seed gives the same bytes on every compiler.
//
// Scenarios (docs/scenarios.md): `options::event` scripts one market event into BTCUSDT's stream
// at `event_at_ms`, on top of the same model, for the risk scenario suite (tests/scenarios/):
//   flash_crash     sellers sweep the bids and the book gaps down 8 bps a step until it is 5 %
//                   lower: a resting bid fills on the way down and the position loses;
//   feed_stall      no book or trade message for 30 s, only a ticker a second (the stream is up,
//                   the book is not moving): the book's age grows past any stale limit;
//   one_sided_flow  for 120 s every event is a sell sweep 6 bps deep that makers refill at once:
//                   the mid stays put but every bid near it fills, so inventory only grows;
//   spread_collapse before the event a thin market keeps the spread at least 5 bps wide; from
//                   the event on, competing makers keep it at one tick and the book never jumps:
//                   a quote that joins the touch has no edge left.
// With no event the output is byte for byte the shipped sample.
//
//   std::string jsonl = mmbot::tools::sample_gen::generate({.seed = 20260809});
#pragma once

#include "mmbot/core/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::tools::sample_gen {

/// A scripted market event for the risk scenario suite (none: the plain model).
enum class scenario { none, flash_crash, feed_stall, one_sided_flow, spread_collapse };

inline constexpr std::array<std::pair<std::string_view, scenario>, 5> scenario_names{{
    {"none", scenario::none},
    {"flash_crash", scenario::flash_crash},
    {"feed_stall", scenario::feed_stall},
    {"one_sided_flow", scenario::one_sided_flow},
    {"spread_collapse", scenario::spread_collapse},
}};

[[nodiscard]] inline std::optional<scenario> parse_scenario(std::string_view name) {
    for (const auto& [n, s] : scenario_names) {
        if (n == name) return s;
    }
    return std::nullopt;
}

/// Which venue's wire format the capture is written in. The market model is the same; Binance
/// captures hold BTCUSDT only (a REST depth snapshot names no symbol, so a replay can take it for
/// one symbol only), as `<recv_ns> <json>` lines of the combined stream (feed/binance/).
enum class protocol { bybit_v5, binance_usdm };

struct options {
    std::uint64_t seed{20260809};
    std::int64_t start_ms{1786310400000};  ///< first event time (ms since the epoch)
    std::int64_t duration_ms{600'000};     ///< market time covered
    scenario event{scenario::none};        ///< scripted into BTCUSDT's stream
    std::int64_t event_after_ms{120'000};  ///< when, counted from start_ms
    protocol venue{protocol::bybit_v5};
};

namespace detail {

/// Integer-only draws on top of the standard engine.
class rng {
public:
    explicit rng(std::uint64_t seed) : engine_(seed) {}

    /// Uniform in [lo, hi], unbiased (rejection sampling).
    std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
        const auto range = static_cast<std::uint64_t>(hi - lo) + 1U;
        const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % range;
        std::uint64_t x = engine_();
        while (x >= limit) x = engine_();
        return lo + static_cast<std::int64_t>(x % range);
    }
    /// True with probability num/den.
    bool chance(std::int64_t num, std::int64_t den) { return uniform(0, den - 1) < num; }
    std::uint64_t bits() { return engine_(); }

private:
    std::mt19937_64 engine_;
};

struct instrument {
    std::string_view name;
    std::int64_t tick_raw;    ///< price raw units per tick
    std::int64_t lot_raw;     ///< quantity raw units per lot (the qty step)
    int price_digits;         ///< fraction digits Bybit prints for prices
    int qty_digits;           ///< fraction digits Bybit prints for sizes
    std::int64_t start_ticks;  ///< starting best bid, in ticks
    std::int64_t min_gap_ms;  ///< event spacing
    std::int64_t max_gap_ms;
};

inline constexpr std::size_t book_depth = 50;

/// When a scripted event is on, and how long it lasts (spread_collapse lasts to the end).
struct event_window {
    scenario kind{scenario::none};
    std::int64_t from_ms{0};
    std::int64_t to_ms{0};

    [[nodiscard]] bool active(std::int64_t now) const noexcept {
        return kind != scenario::none && now >= from_ms && now < to_ms;
    }
};

[[nodiscard]] inline std::int64_t event_length_ms(scenario s) {
    switch (s) {
        case scenario::flash_crash: return 60'000;
        case scenario::feed_stall: return 30'000;
        case scenario::one_sided_flow: return 120'000;
        case scenario::spread_collapse: return std::int64_t{1} << 50U;
        case scenario::none: break;
    }
    return 0;
}

/// bids/asks: ticks -> lots. Bids iterate worst-first (ascending), asks best-first (ascending).
struct book {
    std::map<std::int64_t, std::int64_t> bids;
    std::map<std::int64_t, std::int64_t> asks;
};

class symbol_model {
public:
    symbol_model(const instrument& ins, rng& r, std::int64_t start_ms, event_window event = {},
                 protocol venue = protocol::bybit_v5)
        : ins_(ins), rng_(r), event_(event), binance_(venue == protocol::binance_usdm), next_ms_(start_ms),
          u_(static_cast<std::uint64_t>(r.uniform(10'000'000, 20'000'000))),
          seq_(static_cast<std::uint64_t>(r.uniform(100'000'000'000, 800'000'000'000))) {
        const std::int64_t bid = ins.start_ticks;
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(book_depth); ++i) {
            book_.bids[bid - i * rng_.uniform(1, 2)] = size();
            book_.asks[bid + 1 + i * rng_.uniform(1, 2)] = size();
        }
        refill();
        last_trade_ticks_ = bid;
    }

    [[nodiscard]] std::int64_t next_ms() const noexcept { return next_ms_; }
    [[nodiscard]] std::string_view name() const noexcept { return ins_.name; }

    /// The opening lines: a tickers snapshot, then the book snapshot.
    void open(std::string& out) {
        if (event_.kind == scenario::spread_collapse) {
            keep_spread_wide();
            refill();
        }
        if (binance_) {
            open_binance(out);
        } else {
            write_ticker(out, next_ms_, true);
            write_snapshot(out, next_ms_);
        }
        next_ms_ += rng_.uniform(ins_.min_gap_ms, ins_.max_gap_ms);
    }

    /// One market event at next_ms(); appends its messages and schedules the next.
    void step(std::string& out, bool restart_now) {
        const std::int64_t now = next_ms_;
        next_ms_ += rng_.uniform(ins_.min_gap_ms, ins_.max_gap_ms);
        if (restart_now) {
            u_ = 0;  // Bybit: after a service restart the snapshot carries u = 1
            write_snapshot(out, now);
            return;
        }
        if (event_.active(now) && scripted_step(out, now)) return;
        if (now >= next_snapshot_ms_) {
            write_snapshot(out, now);
            return;
        }
        const book before = book_;
        const std::int64_t r = rng_.uniform(0, 99);
        if (r < 24) {
            trade(out, now);
        } else if (r < 52) {
            modify();
        } else if (r < 70) {
            improve();
        } else if (r < 90 && event_.kind == scenario::spread_collapse && event_.active(now)) {
            move_touch();  // competing makers: no jumps while the spread is collapsed
        } else if (r < 90) {
            // One touch move in twelve is a jump: the whole book re-prices by 1-6 bps at once,
            // as after news or a large order elsewhere. Without it the sample's mid would wander
            // a few ticks in ten minutes and no quote outside the 3 bps edge floor would fill.
            if (rng_.chance(1, 12)) {
                jump();
            } else {
                move_touch();
            }
        } else {
            modify_deep();
        }
        if (event_.kind != scenario::spread_collapse) {
            tighten();
        } else if (event_.active(now)) {
            collapse_spread();
        } else {
            keep_spread_wide();
        }
        refill();
        write_delta(out, before, now);
        if (now >= next_ticker_ms_) write_ticker(out, now, false);
    }

private:
    /// The scripted event's own step; false when the model's ordinary step should run instead.
    bool scripted_step(std::string& out, std::int64_t now) {
        const std::int64_t ticks_per_bps = std::max<std::int64_t>(1, ins_.start_ticks / 10'000);
        switch (event_.kind) {
            case scenario::flash_crash: {
                if (crash_floor_ticks_ == 0) crash_floor_ticks_ = best_bid() - 500 * ticks_per_bps;
                if (best_bid() <= crash_floor_ticks_) return false;  // the crash is over
                const book before = book_;
                sell_sweep(out, now, best_bid() - 8 * ticks_per_bps);
                shift(-8 * ticks_per_bps);
                refill();
                write_delta(out, before, now);
                return true;
            }
            case scenario::feed_stall:
                // The connection is alive (tickers keep coming), the book is frozen.
                write_ticker(out, now, false);
                next_ms_ = now + 1'000;
                return true;
            case scenario::one_sided_flow: {
                const book before = book_;
                sell_sweep(out, now, best_bid() - 6 * ticks_per_bps);
                refill();
                write_delta(out, before, now);
                // Makers put the same bids back a millisecond later: the mid does not move.
                const book swept = book_;
                book_.bids = before.bids;
                write_delta(out, swept, now + 1);
                return true;
            }
            case scenario::spread_collapse:
            case scenario::none:
                break;
        }
        return false;
    }

    /// A taker sells into every bid down to `floor_ticks` (inclusive), one print per level.
    void sell_sweep(std::string& out, std::int64_t now, std::int64_t floor_ticks) {
        begin_trades(out, now);
        bool first = true;
        while (book_.bids.size() > 1 && best_bid() >= floor_ticks) {
            const auto it = std::prev(book_.bids.end());
            print_trade(out, now, false, it->first, it->second, first);
            book_.bids.erase(it);
            first = false;
        }
        if (best_bid() > floor_ticks) {
            // The 50 visible levels are thinner than the sweep: the rest fills at the floor
            // against liquidity the depth-50 stream does not show.
            print_trade(out, now, false, floor_ticks, size(), first);
        }
        end_trades(out);
        traded_ = true;
    }

    /// The whole book moves by `k` ticks, keeping its shape.
    void shift(std::int64_t k) {
        book shifted;
        for (const auto& [px, lots] : book_.bids) shifted.bids[px + k] = lots;
        for (const auto& [px, lots] : book_.asks) shifted.asks[px + k] = lots;
        book_.bids = std::move(shifted.bids);
        book_.asks = std::move(shifted.asks);
    }

    /// Both sides step in until the spread is one tick.
    /// Before a spread collapse: a thin market whose makers keep the spread at least
    /// `wide_spread_bps` wide (levels inside it are pulled), so that quoting from the touch has
    /// edge to lose when the collapse comes.
    void keep_spread_wide() {
        const std::int64_t ticks_per_bps = std::max<std::int64_t>(1, ins_.start_ticks / 10'000);
        while (best_ask() - best_bid() < wide_spread_bps * ticks_per_bps) {
            if (rng_.chance(1, 2) && book_.bids.size() > 1) {
                book_.bids.erase(std::prev(book_.bids.end()));
            } else if (book_.asks.size() > 1) {
                book_.asks.erase(book_.asks.begin());
            } else {
                break;
            }
        }
    }
    static constexpr std::int64_t wide_spread_bps = 5;

    void collapse_spread() {
        while (best_ask() - best_bid() > 1) {
            if (rng_.chance(1, 2)) {
                book_.bids[best_bid() + 1] = size();
            } else {
                book_.asks[best_ask() - 1] = size();
            }
        }
    }

    std::int64_t size() {
        const std::int64_t r = rng_.uniform(0, 99);
        if (r < 70) return rng_.uniform(1, 50);
        if (r < 95) return rng_.uniform(50, 1000);
        return rng_.uniform(1000, 8000);
    }
    [[nodiscard]] std::int64_t best_bid() const { return book_.bids.rbegin()->first; }
    [[nodiscard]] std::int64_t best_ask() const { return book_.asks.begin()->first; }

    /// A taker order at the touch; one in six sweeps through several levels.
    void trade(std::string& out, std::int64_t now) {
        const bool buy = rng_.chance(1, 2);
        std::int64_t want = size();
        if (rng_.chance(1, 6)) {
            // Sweep: the first 2-4 levels in full plus part of the next one.
            const auto levels = rng_.uniform(2, 4);
            want = 0;
            std::int64_t k = 0;
            const auto add = [&](auto first, auto last) {
                for (; first != last && k < levels; ++first, ++k) want += first->second;
            };
            if (buy) {
                add(book_.asks.begin(), book_.asks.end());
            } else {
                add(book_.bids.rbegin(), book_.bids.rend());
            }
            want += rng_.uniform(1, 20);
        }
        begin_trades(out, now);
        bool first = true;
        for (int prints = 0; want > 0 && prints < 5; ++prints) {
            auto& side = buy ? book_.asks : book_.bids;
            const auto it = buy ? side.begin() : std::prev(side.end());
            const std::int64_t fill = std::min(want, it->second);
            const std::int64_t px = it->first;
            want -= fill;
            it->second -= fill;
            if (it->second == 0) side.erase(it);
            print_trade(out, now, buy, px, fill, first);
            first = false;
            if (side.empty()) break;
        }
        end_trades(out);
        traded_ = true;
    }

    /// One print of a publicTrade message (Bybit's key order), with its tick direction.
    void print_trade(std::string& out, std::int64_t now, bool buy, std::int64_t px, std::int64_t lots,
                     bool first) {
        seq_ += static_cast<std::uint64_t>(rng_.uniform(1, 8));
        const std::string_view tick_dir = px > last_trade_ticks_   ? "PlusTick"
                                          : px < last_trade_ticks_ ? "MinusTick"
                                          : last_dir_up_           ? "ZeroPlusTick"
                                                                   : "ZeroMinusTick";
        if (px != last_trade_ticks_) last_dir_up_ = px > last_trade_ticks_;
        last_trade_ticks_ = px;
        if (binance_) {
            // One message per print; `m` is "the buyer is the maker", i.e. the taker sold.
            stamp(out, now);
            fmt::format_to(std::back_inserter(out),
                           R"({{"stream":"{}@trade","data":{{"e":"trade","E":{},"T":{},"s":"{}","t":{},"p":"{}","q":"{}","X":"MARKET","m":{}}}}})"
                           "\n",
                           lower_name(), now, now, ins_.name, seq_, price_text(px), binance_qty_text(lots),
                           buy ? "false" : "true");
            return;
        }
        fmt::format_to(std::back_inserter(out),
                       R"({}{{"T":{},"s":"{}","S":"{}","v":"{}","p":"{}","L":"{}","i":"{}","BT":false,"RPI":false,"seq":{}}})",
                       first ? "" : ",", now, ins_.name, buy ? "Buy" : "Sell", qty_text(lots),
                       price_text(px), tick_dir, trade_id(), seq_);
    }

    /// Size changes and cancels within the top ten levels.
    void modify() {
        const auto n = rng_.uniform(1, 4);
        for (std::int64_t i = 0; i < n; ++i) {
            const bool bid = rng_.chance(1, 2);
            auto& side = bid ? book_.bids : book_.asks;
            const auto k = rng_.uniform(0, std::min<std::int64_t>(9, static_cast<std::int64_t>(side.size()) - 1));
            auto it = bid ? std::prev(side.end(), k + 1) : std::next(side.begin(), k);
            if (rng_.chance(3, 10) && side.size() > 1) {
                side.erase(it);
            } else {
                it->second = size();
            }
        }
    }

    /// A new level inside the spread, or more size at the touch when the spread is one tick.
    void improve() {
        const bool bid = rng_.chance(1, 2);
        const std::int64_t bb = best_bid();
        const std::int64_t ba = best_ask();
        if (ba - bb > 1) {
            if (bid) {
                book_.bids[bb + 1] = size();
            } else {
                book_.asks[ba - 1] = size();
            }
        } else if (bid) {
            book_.bids[bb] += size();
        } else {
            book_.asks[ba] += size();
        }
    }

    /// The whole book shifts by 1-6 bps (in whole ticks), keeping its shape.
    void jump() {
        const std::int64_t ticks_per_bps = std::max<std::int64_t>(1, ins_.start_ticks / 10'000);
        shift(rng_.uniform(1, 6) * ticks_per_bps * (rng_.chance(1, 2) ? 1 : -1));
    }

    /// The touch moves a tick: one side's best level goes, the other side follows it.
    void move_touch() {
        if (rng_.chance(1, 2)) {
            if (book_.asks.size() > 1) book_.asks.erase(book_.asks.begin());
            const std::int64_t nb = best_bid() + 1;
            if (nb < best_ask()) book_.bids[nb] = size();
        } else {
            if (book_.bids.size() > 1) book_.bids.erase(std::prev(book_.bids.end()));
            const std::int64_t na = best_ask() - 1;
            if (na > best_bid()) book_.asks[na] = size();
        }
    }

    /// Market makers step in after a sweep: a wide spread mostly closes again, a tick at a time.
    void tighten() {
        while (best_ask() - best_bid() > 1 && rng_.chance(3, 4)) {
            if (rng_.chance(1, 2)) {
                book_.bids[best_bid() + 1] = size();
            } else {
                book_.asks[best_ask() - 1] = size();
            }
        }
    }

    /// A size change somewhere in the deeper book.
    void modify_deep() {
        auto& side = rng_.chance(1, 2) ? book_.bids : book_.asks;
        auto it = std::next(side.begin(), rng_.uniform(0, static_cast<std::int64_t>(side.size()) - 1));
        it->second = size();
    }

    /// Keeps exactly book_depth levels a side: refill at the far end, drop beyond the depth.
    void refill() {
        while (book_.bids.size() < book_depth) {
            book_.bids[book_.bids.begin()->first - rng_.uniform(1, 3)] = size();
        }
        while (book_.asks.size() < book_depth) {
            book_.asks[std::prev(book_.asks.end())->first + rng_.uniform(1, 3)] = size();
        }
        while (book_.bids.size() > book_depth) book_.bids.erase(book_.bids.begin());
        while (book_.asks.size() > book_depth) book_.asks.erase(std::prev(book_.asks.end()));
    }

    [[nodiscard]] std::string price_text(std::int64_t ticks) const {
        return core::price::from_raw(ticks * ins_.tick_raw).to_string(ins_.price_digits);
    }
    [[nodiscard]] std::string qty_text(std::int64_t lots) const {
        // Bybit prints a deleted level's size as a bare "0".
        return lots == 0 ? std::string("0")
                         : core::quantity::from_raw(lots * ins_.lot_raw).to_string(ins_.qty_digits);
    }
    std::string trade_id() {
        const std::uint64_t a = rng_.bits();
        const std::uint64_t b = rng_.bits();
        return fmt::format("{:08x}-{:04x}-5{:03x}-{:04x}-{:012x}", a >> 32U, (a >> 16U) & 0xffffU,
                           a & 0xfffU, (b >> 48U) & 0xffffU, b & 0xffffffffffffU);
    }

    /// `"b":[...]` / `"a":[...]` bodies, best first, sizes as the venue prints them.
    template <class It>
    void write_levels(std::string& out, It first, It last) const {
        for (It it = first; it != last; ++it) {
            fmt::format_to(std::back_inserter(out), R"({}["{}","{}"])", it == first ? "" : ",",
                           price_text(it->first), binance_ ? binance_qty_text(it->second) : qty_text(it->second));
        }
    }

    void write_book(std::string& out, std::string_view type, std::int64_t now,
                    const std::map<std::int64_t, std::int64_t>& bids,
                    const std::map<std::int64_t, std::int64_t>& asks) {
        if (binance_) {
            write_binance_diff(out, now, bids, asks);
            return;
        }
        ++u_;
        seq_ += static_cast<std::uint64_t>(rng_.uniform(1, 40));
        fmt::format_to(std::back_inserter(out),
                       R"({{"topic":"orderbook.{}.{}","type":"{}","ts":{},"data":{{"s":"{}","b":[)",
                       book_depth, ins_.name, type, now, ins_.name);
        write_levels(out, bids.rbegin(), bids.rend());
        out += R"(],"a":[)";
        write_levels(out, asks.begin(), asks.end());
        fmt::format_to(std::back_inserter(out), R"(],"u":{},"seq":{}}},"cts":{}}})"
                                                "\n",
                       u_, seq_, now - rng_.uniform(1, 30));
    }

    void write_snapshot(std::string& out, std::int64_t now) {
        write_book(out, "snapshot", now, book_.bids, book_.asks);
        next_snapshot_ms_ = now + rng_.uniform(120'000, 180'000);
    }

    /// The levels whose size changed since `before` (0 for removed ones), as one delta.
    void write_delta(std::string& out, const book& before, std::int64_t now) {
        const auto diff = [](const std::map<std::int64_t, std::int64_t>& old_side,
                             const std::map<std::int64_t, std::int64_t>& new_side) {
            std::map<std::int64_t, std::int64_t> d;
            for (const auto& [px, lots] : old_side) {
                if (!new_side.contains(px)) d[px] = 0;
            }
            for (const auto& [px, lots] : new_side) {
                const auto it = old_side.find(px);
                if (it == old_side.end() || it->second != lots) d[px] = lots;
            }
            return d;
        };
        const auto db = diff(before.bids, book_.bids);
        const auto da = diff(before.asks, book_.asks);
        if (db.empty() && da.empty()) return;
        write_book(out, "delta", now, db, da);
    }

    void write_ticker(std::string& out, std::int64_t now, bool snapshot) {
        next_ticker_ms_ = now + rng_.uniform(2'000, 5'000);
        const auto bb = *book_.bids.rbegin();
        const auto ba = *book_.asks.begin();
        if (binance_) {
            // bookTicker carries the id of the diff that left the book so: u of the last diff.
            stamp(out, now);
            fmt::format_to(std::back_inserter(out),
                           R"({{"stream":"{}@bookTicker","data":{{"e":"bookTicker","u":{},"s":"{}","b":"{}","B":"{}","a":"{}","A":"{}","T":{},"E":{}}}}})"
                           "\n",
                           lower_name(), u_, ins_.name, price_text(bb.first), binance_qty_text(bb.second),
                           price_text(ba.first), binance_qty_text(ba.second), now, now);
            return;
        }
        fmt::format_to(std::back_inserter(out),
                       R"({{"topic":"tickers.{}","type":"{}","data":{{"symbol":"{}",)", ins_.name,
                       snapshot ? "snapshot" : "delta", ins_.name);
        if (snapshot || traded_) {
            fmt::format_to(std::back_inserter(out), R"("lastPrice":"{}",)",
                           price_text(last_trade_ticks_));
        }
        if (snapshot) {
            fmt::format_to(std::back_inserter(out),
                           R"("markPrice":"{}","indexPrice":"{}","fundingRate":"0.0001",)",
                           price_text(bb.first), price_text(ba.first));
        }
        fmt::format_to(std::back_inserter(out),
                       R"("bid1Price":"{}","bid1Size":"{}","ask1Price":"{}","ask1Size":"{}"}},"cs":{},"ts":{}}})"
                       "\n",
                       price_text(bb.first), qty_text(bb.second), price_text(ba.first),
                       qty_text(ba.second), seq_, now);
        traded_ = false;
    }

    // ------------------------------------------------------------------ Binance USD-M wire format
    /// The recorder's opening: one diff that the snapshot already covers (a replay buffers it and
    /// drops it as stale, u < lastUpdateId), the REST depth snapshot, and no periodic snapshots
    /// after it (Binance sends none: every change comes as a diff). The first diff after the
    /// snapshot straddles it (U <= lastUpdateId <= u), as the documented procedure requires.
    void open_binance(std::string& out) {
        const std::int64_t now = next_ms_;
        write_binance_diff(out, now, {{best_bid(), book_.bids.rbegin()->second}}, {});
        stamp(out, now + 40);  // the REST answer arrives after the stream's first diff
        snapshot_id_ = u_ + 2;
        fmt::format_to(std::back_inserter(out), R"({{"lastUpdateId":{},"E":{},"T":{},"bids":[)", snapshot_id_, now,
                       now);
        write_levels(out, book_.bids.rbegin(), book_.bids.rend());
        out += R"(],"asks":[)";
        write_levels(out, book_.asks.begin(), book_.asks.end());
        out += "]}\n";
        next_snapshot_ms_ = std::numeric_limits<std::int64_t>::max();
    }

    /// A depthUpdate: ids U..u chain onto the previous diff's u through pu.
    void write_binance_diff(std::string& out, std::int64_t now, const std::map<std::int64_t, std::int64_t>& bids,
                            const std::map<std::int64_t, std::int64_t>& asks) {
        const std::uint64_t pu = u_;
        const std::uint64_t first = u_ + 1;
        // The first diff after the snapshot must reach it; later ones span 1-6 engine updates.
        u_ = std::max(first + static_cast<std::uint64_t>(rng_.uniform(0, 5)), snapshot_id_);
        stamp(out, now);
        fmt::format_to(std::back_inserter(out),
                       R"({{"stream":"{}@depth@0ms","data":{{"e":"depthUpdate","E":{},"T":{},"s":"{}","U":{},"u":{},"pu":{},"b":[)",
                       lower_name(), now, now - rng_.uniform(1, 5), ins_.name, first, u_, pu);
        write_levels(out, bids.rbegin(), bids.rend());
        out += R"(],"a":[)";
        write_levels(out, asks.begin(), asks.end());
        out += "]}}\n";
    }

    /// `<recv_ns> ` before each line: the event time plus a receive delay, never going back.
    void stamp(std::string& out, std::int64_t now_ms) {
        recv_ns_ = std::max(recv_ns_ + 1'000, now_ms * 1'000'000 + rng_.uniform(200'000, 900'000));
        fmt::format_to(std::back_inserter(out), "{} ", recv_ns_);
    }

    void begin_trades(std::string& out, std::int64_t now) {
        if (binance_) return;  // a message per print
        fmt::format_to(std::back_inserter(out), R"({{"topic":"publicTrade.{}","type":"snapshot","ts":{},"data":[)",
                       ins_.name, now);
    }
    void end_trades(std::string& out) const {
        if (!binance_) out += "]}\n";
    }

    /// Binance prints every size with the step's digits, a deleted level's as "0.000".
    [[nodiscard]] std::string binance_qty_text(std::int64_t lots) const {
        return core::quantity::from_raw(lots * ins_.lot_raw).to_string(ins_.qty_digits);
    }
    /// Stream names are lower case: btcusdt@depth@0ms.
    [[nodiscard]] std::string lower_name() const {
        std::string n(ins_.name);
        for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return n;
    }

    const instrument& ins_;
    rng& rng_;
    event_window event_;
    bool binance_;
    std::uint64_t snapshot_id_{0};
    std::int64_t recv_ns_{0};
    std::int64_t crash_floor_ticks_{0};
    book book_;
    std::int64_t next_ms_;
    std::int64_t next_snapshot_ms_{0};
    std::int64_t next_ticker_ms_{0};
    std::uint64_t u_;
    std::uint64_t seq_;
    std::int64_t last_trade_ticks_{0};
    bool last_dir_up_{true};
    bool traded_{false};
};

inline constexpr std::array<instrument, 2> instruments{{
    // BTCUSDT: tick 0.10, qty step 0.001, starting near 65000.
    {"BTCUSDT", 10'000'000, 100'000, 2, 3, 650'000, 60, 340},
    // ETHUSDT: tick 0.01, qty step 0.01, starting near 1920.
    {"ETHUSDT", 1'000'000, 1'000'000, 2, 2, 192'000, 200, 800},
}};

/// The Binance capture: BTCUSDT only, no venue restart (a Bybit-only event in this model).
[[nodiscard]] inline std::string generate_binance(const options& opt, rng& r, std::string out) {
    const instrument& btc = instruments.front();
    const event_window event{opt.event, opt.start_ms + opt.event_after_ms,
                             opt.start_ms + opt.event_after_ms + event_length_ms(opt.event)};
    symbol_model m(btc, r, opt.start_ms, event, protocol::binance_usdm);
    // The combined stream's answer to the SUBSCRIBE request.
    fmt::format_to(std::back_inserter(out), "{} {{\"result\":null,\"id\":1}}\n", opt.start_ms * 1'000'000 - 5'000'000);
    m.open(out);
    const std::int64_t end_ms = opt.start_ms + opt.duration_ms;
    while (m.next_ms() < end_ms) m.step(out, false);
    return out;
}

}  // namespace detail

/// The whole capture as text: Bybit JSONL, or Binance `<recv_ns> <json>` lines.
[[nodiscard]] inline std::string generate(const options& opt) {
    detail::rng r(opt.seed);
    std::string out;
    out.reserve(std::size_t{2} << 20U);
    if (opt.venue == protocol::binance_usdm) return detail::generate_binance(opt, r, std::move(out));
    // A recorder's connection starts with the venue's subscribe acks.
    for (std::size_t i = 0; i < detail::instruments.size() + 1; ++i) {
        fmt::format_to(std::back_inserter(out),
                       R"({{"success":true,"ret_msg":"","conn_id":"sample-gen-{}","req_id":"","op":"subscribe"}})"
                       "\n",
                       opt.seed);
    }
    std::vector<detail::symbol_model> models;
    models.reserve(detail::instruments.size());
    // The scripted event happens on BTCUSDT; ETHUSDT keeps trading as usual.
    const detail::event_window event{opt.event, opt.start_ms + opt.event_after_ms,
                                     opt.start_ms + opt.event_after_ms + detail::event_length_ms(opt.event)};
    for (const auto& ins : detail::instruments) {
        models.emplace_back(ins, r, opt.start_ms, ins.name == "BTCUSDT" ? event : detail::event_window{});
    }
    for (auto& m : models) m.open(out);

    const std::int64_t end_ms = opt.start_ms + opt.duration_ms;
    const std::int64_t restart_ms = opt.start_ms + opt.duration_ms / 2;
    bool restarted = false;
    for (;;) {
        auto* next = &models.front();
        for (auto& m : models) {
            if (m.next_ms() < next->next_ms()) next = &m;
        }
        if (next->next_ms() >= end_ms) break;
        const bool restart_now = !restarted && next->name() == "ETHUSDT" && next->next_ms() >= restart_ms;
        restarted = restarted || restart_now;
        next->step(out, restart_now);
    }
    return out;
}

}  // namespace mmbot::tools::sample_gen
