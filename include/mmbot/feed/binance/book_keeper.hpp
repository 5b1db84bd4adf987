// mmbot/feed/binance/book_keeper.hpp
//
// The books of a Binance public stream, one depth_sync per symbol (feed/binance/depth_sync.hpp,
// Binance's documented procedure), fed with decoded messages: what a capture replay
// (feed/binance/replay.hpp) and a live stream share. A sync is made at its symbol's first diff.
// A REST depth snapshot names no symbol: a replay hands it to the one sync that waits for one
// (`on_message`: exactly one must), a live stream to the symbol it asked for (`on_snapshot_for`).
// `first_waiting()` names a symbol whose book needs a snapshot, for a live stream to fetch.
//
//   book_keeper books{sync_rule::usdm_futures};
//   auto changed = books.on_message(kind, msg);     // the sync whose book changed or broke, or null
//   if (changed && *changed) engine.on_book((*changed)->book());
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/replay.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::feed::binance {

class book_keeper {
public:
    /// At most this many symbols get a book.
    static constexpr std::size_t max_symbols = 64;

    explicit book_keeper(sync_rule rule) : rule_(rule) {}

    /// Counts a decoded message by kind and runs the depth sync. The sync whose book the message
    /// changed (a diff applied, a snapshot synced) or broke (a gap), null when none did, or why the
    /// message cannot be used (a 65th symbol; a snapshot when not exactly one sync waits).
    [[nodiscard]] core::result<const depth_sync*> on_message(event_kind kind, binance_message& msg) {
        switch (kind) {
            case event_kind::depth_diff: return on_diff(msg);
            case event_kind::depth_snapshot: return on_snapshot(msg);
            case event_kind::book_ticker: ++stats_.tickers; break;
            case event_kind::trades:
                ++stats_.trade_messages;
                stats_.trades += msg.msg.trades.prints.size();
                break;
            case event_kind::ignored: ++stats_.ignored_messages; break;
        }
        return nullptr;
    }

    /// A REST depth snapshot fetched for `sym` (a live stream knows whom it asked for). Error when
    /// no diff of `sym` came yet (nothing to sync).
    [[nodiscard]] core::result<const depth_sync*> on_snapshot_for(std::string_view sym, binance_message& snapshot) {
        depth_sync* sync = sync_of(sym);
        if (sync == nullptr) {
            return core::make_error(errc::bad_value, fmt::format("depth snapshot for \"{}\": no diff of it yet", sym));
        }
        return apply_snapshot(*sync, snapshot);
    }

    /// The first symbol whose book waits for a REST snapshot, or empty. Asked after every live
    /// frame: a scan, no allocation.
    [[nodiscard]] std::string_view first_waiting() const noexcept {
        for (const auto& s : syncs_) {
            if (s->needs_snapshot()) return s->sym();
        }
        return {};
    }

    /// Forgets every book (a reconnect): each waits for a new snapshot.
    void reset_all() noexcept {
        for (auto& s : syncs_) s->reset();
    }

    /// The message counters and the books' (replay_stats fields; lines and messages are the
    /// caller's).
    [[nodiscard]] replay_stats stats() const noexcept {
        replay_stats s = stats_;
        for (const auto& sync : syncs_) {
            const book_counters& c = sync->book().counters();
            s.books.snapshots += c.snapshots;
            s.books.deltas += c.deltas;
            s.books.crossed += c.crossed;
            s.books.crossed_episodes += c.crossed_episodes;
            s.books.gaps += sync->counters().gaps;
            s.books.dropped_deltas += sync->counters().stale + sync->counters().buffer_drops;
        }
        s.books.resyncs = resyncs_;
        return s;
    }

    /// The sync of `sym`, or null before its first diff.
    [[nodiscard]] const depth_sync* sync_of(std::string_view sym) const noexcept {
        for (const auto& s : syncs_) {
            if (s->sym() == sym) return s.get();
        }
        return nullptr;
    }
    [[nodiscard]] depth_sync* sync_of(std::string_view sym) noexcept {
        return const_cast<depth_sync*>(std::as_const(*this).sync_of(sym));  // NOLINT(cppcoreguidelines-pro-type-const-cast): our own
    }

private:
    core::result<const depth_sync*> on_diff(binance_message& msg) {
        depth_sync* sync = sync_of(msg.msg.book.sym.view());
        if (sync == nullptr) {
            if (syncs_.size() == max_symbols) {
                return core::make_error(errc::bad_value, fmt::format("data.s: \"{}\": more than {} symbols in one stream",
                                                                     msg.msg.book.sym.view(), max_symbols));
            }
            syncs_.push_back(std::make_unique<depth_sync>(msg.msg.book.sym.view(), rule_));
            sync = syncs_.back().get();
        }
        ++stats_.book_updates;
        const sync_status st = sync->on_diff(msg);
        return st == sync_status::applied || st == sync_status::gap ? sync : nullptr;
    }

    core::result<const depth_sync*> on_snapshot(binance_message& msg) {
        depth_sync* waiting = nullptr;
        std::size_t waiters = 0;
        for (auto& s : syncs_) {
            if (s->needs_snapshot()) {
                waiting = s.get();
                ++waiters;
            }
        }
        if (waiters != 1) {
            return core::make_error(errc::bad_value,
                                    fmt::format("lastUpdateId: a REST depth snapshot names no symbol, and {} symbols "
                                                "wait for one (exactly one must)",
                                                waiters));
        }
        return apply_snapshot(*waiting, msg);
    }

    const depth_sync* apply_snapshot(depth_sync& sync, binance_message& msg) {
        ++stats_.book_updates;
        const bool after_gap = sync.counters().gaps > 0;
        (void)sync.on_snapshot(msg);
        if (after_gap && sync.synced()) ++resyncs_;
        return &sync;
    }

    sync_rule rule_;
    /// One per symbol, in the order of their first diff; pointers stay put (events point at books).
    std::vector<std::unique_ptr<depth_sync>> syncs_;
    replay_stats stats_;
    std::uint64_t resyncs_{0};
};

}  // namespace mmbot::feed::binance
