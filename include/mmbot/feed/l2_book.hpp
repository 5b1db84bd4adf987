// mmbot/feed/l2_book.hpp
//
// A price-level (L2) order book for one symbol and one Bybit depth stream, kept exactly as the
// venue describes it: a snapshot replaces the book, a delta edits it (size "0" deletes a level,
// an unknown price inserts, a known one updates), and the update id `u` must rise by exactly one
// per delta. A delta that skips or repeats an id is a GAP: the book is marked as needing a resync
// and ignores deltas until the next snapshot. A message with u == 1 (Bybit: "the service
// restarted") replaces the book whatever its type says.
//
// Each side is a sorted flat array with the best level at the BACK: best bid/ask are O(1), and an
// update shifts only the shorter part of the side (detail/level_array.hpp: room at both ends), so
// both the common change near the touch and the churn deep in a 200- or 500-level book move few
// levels. The depth is bounded:
// levels beyond `max_depth` from the touch are dropped, and storage is reserved up front, so
// applying updates never allocates once a snapshot has fitted. A book shallower than its stream
// (depth 50 fed by orderbook.200) is an approximation: levels that fell off cannot come back.
//
//   mmbot::feed::l2_book book(200);
//   switch (book.apply(msg.book)) {
//       case mmbot::feed::apply_status::gap: request_resubscribe(); break;
//       default: break;
//   }
//   if (book.valid() && !book.crossed()) quote(book.best_bid()->px, book.best_ask()->px);
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_FEED_L2_BOOK_HPP
#define MMBOT_FEED_L2_BOOK_HPP

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/detail/level_array.hpp"
#include "mmbot/feed/types.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace mmbot::feed {

/// What one apply() did.
enum class apply_status : std::uint8_t {
    applied,            ///< an in-sequence delta was applied
    snapshot,           ///< a snapshot replaced the book
    reset,              ///< u == 1: the venue restarted its book; replaced from this message
    resynced,           ///< a snapshot replaced a book that was waiting after a gap
    gap,                ///< this delta's u is not last u + 1: the book now needs a resync
    awaiting_snapshot,  ///< delta dropped: no snapshot yet, or still waiting after a gap
};

[[nodiscard]] constexpr std::string_view to_string(apply_status s) noexcept {
    return core::enum_label(s);
}

/// Running totals of what happened to one book.
struct book_counters {
    std::uint64_t snapshots{0};       ///< snapshots applied (including resets and resyncs)
    std::uint64_t deltas{0};          ///< deltas applied in sequence
    std::uint64_t dropped_deltas{0};  ///< deltas ignored while awaiting a snapshot (incl. gaps)
    std::uint64_t gaps{0};            ///< sequence breaks detected
    std::uint64_t resyncs{0};         ///< snapshots that ended a gap
    std::uint64_t resets{0};          ///< u == 1 restarts
    std::uint64_t crossed{0};         ///< updates after which best bid >= best ask
    std::uint64_t crossed_episodes{0};  ///< times the book went from not crossed to crossed
};

class l2_book {
public:
    /// `max_depth`: levels kept per side (> 0). Storage for twice that is reserved now.
    explicit l2_book(std::size_t max_depth)
        : max_depth_(checked_depth(max_depth)), bids_(capacity()), asks_(capacity()) {}

    /// Applies one orderbook message of this book's symbol and stream.
    apply_status apply(const book_update& up);

    /// Forgets the book and waits for a snapshot (a reconnect, say). Not counted as a gap.
    void invalidate() noexcept {
        bids_.clear();
        asks_.clear();
        has_snapshot_ = false;
        needs_resync_ = false;
        crossed_ = false;
    }

    /// A snapshot has been applied and no gap has happened since.
    [[nodiscard]] bool valid() const noexcept { return has_snapshot_ && !needs_resync_; }
    /// A gap was detected and no snapshot has arrived since.
    [[nodiscard]] bool needs_resync() const noexcept { return needs_resync_; }
    /// Best bid >= best ask after the last applied update (flagged, never "repaired").
    [[nodiscard]] bool crossed() const noexcept { return crossed_; }

    [[nodiscard]] std::optional<level> best_bid() const noexcept {
        return bids_.empty() ? std::nullopt : std::optional<level>(bids_.back());
    }
    [[nodiscard]] std::optional<level> best_ask() const noexcept {
        return asks_.empty() ? std::nullopt : std::optional<level>(asks_.back());
    }

    /// Number of levels on a side.
    [[nodiscard]] std::size_t levels(book_side s) const noexcept { return side(s).size(); }
    /// The i-th level from the touch (0 = best). `i` < levels(s).
    [[nodiscard]] const level& at(book_side s, std::size_t i) const noexcept {
        const auto& v = side(s);
        return v[v.size() - 1 - i];
    }
    /// Size resting at exactly `px` on a side (zero when there is no such level).
    [[nodiscard]] core::quantity size_at(book_side s, const core::price& px) const noexcept;

    [[nodiscard]] std::size_t max_depth() const noexcept { return max_depth_; }
    [[nodiscard]] const symbol& sym() const noexcept { return sym_; }
    [[nodiscard]] std::uint64_t last_u() const noexcept { return last_u_; }
    [[nodiscard]] std::optional<std::uint64_t> last_seq() const noexcept { return last_seq_; }
    [[nodiscard]] std::int64_t last_ts_ms() const noexcept { return last_ts_ms_; }
    [[nodiscard]] std::optional<std::int64_t> last_cts_ms() const noexcept { return last_cts_ms_; }
    [[nodiscard]] const book_counters& counters() const noexcept { return counters_; }

private:
    static std::size_t checked_depth(std::size_t max_depth) {
        if (max_depth == 0) throw std::invalid_argument("l2_book: max_depth must be > 0");
        return max_depth;
    }

    [[nodiscard]] const detail::level_array& side(book_side s) const noexcept {
        return s == book_side::bid ? bids_ : asks_;
    }

    /// Levels a side may hold while a message is applied. The slack above max_depth is there
    /// because a delta may insert before it deletes the level that falls off the end.
    [[nodiscard]] std::size_t capacity() const noexcept { return 2 * max_depth_ + 1; }

    void replace(const book_update& up);
    void finish(const book_update& up);

    std::size_t max_depth_;
    detail::level_array bids_;  // ascending price: best bid at the back
    detail::level_array asks_;  // descending price: best ask at the back
    symbol sym_;
    std::uint64_t last_u_{0};
    std::optional<std::uint64_t> last_seq_;
    std::int64_t last_ts_ms_{0};
    std::optional<std::int64_t> last_cts_ms_;
    bool has_snapshot_{false};
    bool needs_resync_{false};
    bool crossed_{false};
    book_counters counters_;
};

}  // namespace mmbot::feed

#include "mmbot/feed/impl/l2_book.hpp"

#endif  // MMBOT_FEED_L2_BOOK_HPP
