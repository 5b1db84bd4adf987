// mmbot/feed/binance/depth_sync.hpp
//
// Keeps one symbol's L2 book in sync with Binance's diff-depth stream, by the procedure Binance
// documents ("How to manage a local order book correctly"):
//   1. buffer the diffs while the REST depth snapshot is fetched;
//   2. on the snapshot (lastUpdateId = L), drop the diffs that are older than it;
//   3. the first diff applied must straddle it;
//   4. every later diff must chain onto the one before;
//   5. any break invalidates the book: buffer again and fetch a new snapshot (needs_snapshot()).
// The rules of steps 2-4 differ by market (sync_rule):
//   usdm_futures  stale: u < L     first: U <= L <= u       chain: pu == previous u
//   spot          stale: u <= L    first: U <= L+1 <= u     chain: U == previous u + 1
//
// The book itself is the venue-neutral feed::l2_book, which wants a delta's `u` to rise by exactly
// one. Binance's ids jump (U..u covers many engine updates), so once a diff has passed the chain
// check above, the sync renumbers it into the book's own sequence: the book sees snapshot 2 and
// deltas 3, 4, ... (never 1, which l2_book reads as "the venue restarted"). The venue's ids stay
// in last_update_id().
//
// Diffs buffered while no snapshot is applied are kept up to `max_buffered`; beyond that the oldest
// goes (step 3 then tells whether the snapshot still connects). Applying a diff in sync does not
// allocate; buffering copies the diff.
//
//   depth_sync sync("BTCUSDT", sync_rule::usdm_futures);
//   switch (codec.decode(line, m).value()) {                 // (check the result first)
//       case event_kind::depth_diff: sync.on_diff(m); break;
//       case event_kind::depth_snapshot: sync.on_snapshot(m); break;
//       default: break;
//   }
//   if (sync.needs_snapshot()) fetch_snapshot();             // a REST GET /fapi/v1/depth
//   if (sync.synced()) quote(sync.book().best_bid(), ...);
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string_view>

namespace mmbot::feed::binance {

/// Which market's sequencing rules apply (see the table at the top).
enum class sync_rule : std::uint8_t { usdm_futures, spot };

/// What one on_diff / on_snapshot did.
enum class sync_status : std::uint8_t {
    buffered,  ///< no snapshot yet: the diff waits for it
    stale,     ///< the diff is older than the snapshot: dropped, as documented
    applied,   ///< in sequence: applied to the book
    synced,    ///< a snapshot was applied (and the buffered diffs that follow it)
    gap,       ///< the chain broke (or the snapshot does not connect): a new snapshot is needed
    other_symbol,  ///< a diff of another symbol: not this sync's (ignored)
};

[[nodiscard]] constexpr std::string_view to_string(sync_status s) noexcept {
    return core::enum_label(s);
}

/// Running totals of one sync.
struct sync_counters {
    std::uint64_t snapshots{0};      ///< snapshots applied
    std::uint64_t applied{0};        ///< diffs applied
    std::uint64_t stale{0};          ///< diffs dropped as older than the snapshot
    std::uint64_t gaps{0};           ///< chain breaks, or snapshots that did not connect
    std::uint64_t buffer_drops{0};   ///< buffered diffs dropped because the buffer was full
};

class depth_sync {
public:
    /// `max_depth`: levels the book keeps per side (Binance snapshots go to 1000).
    depth_sync(std::string_view sym, sync_rule rule, std::size_t max_depth = 1000,
               std::size_t max_buffered = 4096)
        : rule_(rule), max_buffered_(max_buffered), book_(max_depth) {
        if (!sym_.assign(sym) || sym.empty()) {
            throw std::invalid_argument("depth_sync: symbol must be 1..32 characters");
        }
        if (max_buffered == 0) throw std::invalid_argument("depth_sync: max_buffered must be > 0");
    }

    /// A `depth_diff` of any symbol (others are ignored). `m.msg.book` is renumbered in place
    /// into the book's sequence when it is applied.
    sync_status on_diff(binance_message& m) {
        book_update& up = m.msg.book;
        if (up.sym != sym_.view()) return sync_status::other_symbol;
        if (state_ == state::awaiting_snapshot) {
            if (buffer_.size() == max_buffered_) {
                buffer_.pop_front();
                ++counters_.buffer_drops;
            }
            buffer_.push_back(pending{m.ids, up});
            return sync_status::buffered;
        }
        return apply(m.ids, up);
    }

    /// A `depth_snapshot` (the REST answer, which names no symbol: it is taken as this sync's).
    /// Applies it, then the buffered diffs that follow it.
    sync_status on_snapshot(binance_message& m) {
        book_update& up = m.msg.book;
        (void)up.sym.assign(sym_.view());
        up.depth = static_cast<std::uint32_t>(book_.max_depth());
        book_.invalidate();
        snapshot_id_ = m.ids.last;
        last_id_ = m.ids.last;
        local_u_ = first_local_u;
        up.u = local_u_;
        (void)book_.apply(up);
        ++counters_.snapshots;
        state_ = state::awaiting_first;
        std::deque<pending> waiting;
        waiting.swap(buffer_);
        for (auto& p : waiting) {
            if (apply(p.ids, p.update) == sync_status::gap) return sync_status::gap;
        }
        return sync_status::synced;
    }

    /// Forgets the book (a reconnect): diffs are buffered until the next snapshot.
    void reset() noexcept {
        book_.invalidate();
        buffer_.clear();
        state_ = state::awaiting_snapshot;
    }

    /// A snapshot is applied, the first diff after it connected, and nothing broke since.
    [[nodiscard]] bool synced() const noexcept { return state_ == state::live; }
    /// No usable book: the caller should fetch a REST depth snapshot.
    [[nodiscard]] bool needs_snapshot() const noexcept { return state_ == state::awaiting_snapshot; }
    [[nodiscard]] const l2_book& book() const noexcept { return book_; }
    /// The venue's id of the newest data in the book (lastUpdateId, then each diff's u).
    [[nodiscard]] std::uint64_t last_update_id() const noexcept { return last_id_; }
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size(); }
    [[nodiscard]] const sync_counters& counters() const noexcept { return counters_; }
    [[nodiscard]] std::string_view sym() const noexcept { return sym_.view(); }

private:
    enum class state : std::uint8_t { awaiting_snapshot, awaiting_first, live };
    struct pending {
        update_ids ids;
        book_update update;
    };
    /// The book's sequence starts above 1, which l2_book reads as a venue restart.
    static constexpr std::uint64_t first_local_u = 2;

    [[nodiscard]] bool is_stale(const update_ids& ids) const noexcept {
        return rule_ == sync_rule::usdm_futures ? ids.last < snapshot_id_ : ids.last <= snapshot_id_;
    }
    [[nodiscard]] bool straddles_snapshot(const update_ids& ids) const noexcept {
        const std::uint64_t want = rule_ == sync_rule::usdm_futures ? snapshot_id_ : snapshot_id_ + 1;
        return ids.first <= want && want <= ids.last;
    }
    [[nodiscard]] bool chains(const update_ids& ids) const noexcept {
        if (rule_ == sync_rule::usdm_futures) return ids.prev_last && *ids.prev_last == last_id_;
        return ids.first == last_id_ + 1;
    }

    sync_status apply(const update_ids& ids, book_update& up) {
        if (state_ == state::awaiting_first) {
            if (is_stale(ids)) {
                ++counters_.stale;
                return sync_status::stale;
            }
            if (!straddles_snapshot(ids)) return break_chain();
        } else if (!chains(ids)) {
            return break_chain();
        }
        up.depth = static_cast<std::uint32_t>(book_.max_depth());
        up.u = ++local_u_;
        (void)book_.apply(up);
        last_id_ = ids.last;
        state_ = state::live;
        ++counters_.applied;
        return sync_status::applied;
    }

    sync_status break_chain() {
        ++counters_.gaps;
        reset();
        return sync_status::gap;
    }

    symbol sym_;
    sync_rule rule_;
    std::size_t max_buffered_;
    l2_book book_;
    state state_{state::awaiting_snapshot};
    std::deque<pending> buffer_;
    std::uint64_t snapshot_id_{0};
    std::uint64_t last_id_{0};
    std::uint64_t local_u_{first_local_u};
    sync_counters counters_;
};

}  // namespace mmbot::feed::binance
