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
//   std::string jsonl = mmbot::tools::sample_gen::generate({.seed = 20260809});
#pragma once

#include "mmbot/core/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::tools::sample_gen {

struct options {
    std::uint64_t seed{20260809};
    std::int64_t start_ms{1786310400000};  ///< first event time (ms since the epoch)
    std::int64_t duration_ms{600'000};     ///< market time covered
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

/// bids/asks: ticks -> lots. Bids iterate worst-first (ascending), asks best-first (ascending).
struct book {
    std::map<std::int64_t, std::int64_t> bids;
    std::map<std::int64_t, std::int64_t> asks;
};

class symbol_model {
public:
    symbol_model(const instrument& ins, rng& r, std::int64_t start_ms)
        : ins_(ins), rng_(r), next_ms_(start_ms),
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
        write_ticker(out, next_ms_, true);
        write_snapshot(out, next_ms_);
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
        tighten();
        refill();
        write_delta(out, before, now);
        if (now >= next_ticker_ms_) write_ticker(out, now, false);
    }

private:
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
        fmt::format_to(std::back_inserter(out),
                       R"({{"topic":"publicTrade.{}","type":"snapshot","ts":{},"data":[)",
                       ins_.name, now);
        bool first = true;
        for (int prints = 0; want > 0 && prints < 5; ++prints) {
            auto& side = buy ? book_.asks : book_.bids;
            const auto it = buy ? side.begin() : std::prev(side.end());
            const std::int64_t fill = std::min(want, it->second);
            const std::int64_t px = it->first;
            want -= fill;
            it->second -= fill;
            if (it->second == 0) side.erase(it);
            seq_ += static_cast<std::uint64_t>(rng_.uniform(1, 8));
            const std::string_view tick_dir = px > last_trade_ticks_   ? "PlusTick"
                                              : px < last_trade_ticks_ ? "MinusTick"
                                              : last_dir_up_           ? "ZeroPlusTick"
                                                                       : "ZeroMinusTick";
            if (px != last_trade_ticks_) last_dir_up_ = px > last_trade_ticks_;
            last_trade_ticks_ = px;
            fmt::format_to(std::back_inserter(out),
                           R"({}{{"T":{},"s":"{}","S":"{}","v":"{}","p":"{}","L":"{}","i":"{}","BT":false,"RPI":false,"seq":{}}})",
                           first ? "" : ",", now, ins_.name, buy ? "Buy" : "Sell", qty_text(fill),
                           price_text(px), tick_dir, trade_id(), seq_);
            first = false;
            if (side.empty()) break;
        }
        out += "]}\n";
        traded_ = true;
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
        const std::int64_t k = rng_.uniform(1, 6) * ticks_per_bps * (rng_.chance(1, 2) ? 1 : -1);
        book shifted;
        for (const auto& [px, lots] : book_.bids) shifted.bids[px + k] = lots;
        for (const auto& [px, lots] : book_.asks) shifted.asks[px + k] = lots;
        book_.bids = std::move(shifted.bids);
        book_.asks = std::move(shifted.asks);
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

    /// `"b":[...]` / `"a":[...]` bodies, best first as Bybit sends them.
    template <class It>
    void write_levels(std::string& out, It first, It last) const {
        for (It it = first; it != last; ++it) {
            fmt::format_to(std::back_inserter(out), R"({}["{}","{}"])", it == first ? "" : ",",
                           price_text(it->first), qty_text(it->second));
        }
    }

    void write_book(std::string& out, std::string_view type, std::int64_t now,
                    const std::map<std::int64_t, std::int64_t>& bids,
                    const std::map<std::int64_t, std::int64_t>& asks) {
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

    const instrument& ins_;
    rng& rng_;
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

}  // namespace detail

/// The whole capture as JSONL text.
[[nodiscard]] inline std::string generate(const options& opt) {
    detail::rng r(opt.seed);
    std::string out;
    out.reserve(std::size_t{2} << 20U);
    // A recorder's connection starts with the venue's subscribe acks.
    for (std::size_t i = 0; i < detail::instruments.size() + 1; ++i) {
        fmt::format_to(std::back_inserter(out),
                       R"({{"success":true,"ret_msg":"","conn_id":"sample-gen-{}","req_id":"","op":"subscribe"}})"
                       "\n",
                       opt.seed);
    }
    std::vector<detail::symbol_model> models;
    models.reserve(detail::instruments.size());
    for (const auto& ins : detail::instruments) models.emplace_back(ins, r, opt.start_ms);
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
