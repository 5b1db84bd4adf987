// mmbot/feed/impl/l2_book.hpp: bodies of l2_book.
// Included at the bottom of mmbot/feed/l2_book.hpp; not for direct inclusion.
#pragma once
#ifndef MMBOT_FEED_IMPL_L2_BOOK_HPP
#define MMBOT_FEED_IMPL_L2_BOOK_HPP

#include "mmbot/feed/l2_book.hpp"

#include <functional>
#include <iterator>

namespace mmbot::feed {
namespace detail {

// Each side is sorted worst-first under `Worse` (bids: std::less, asks: std::greater), so the
// touch is at the back where most updates land.

template <class Worse>
[[nodiscard]] level_array::iterator find_slot(level_array& v, const core::price& px, Worse worse) {
    return std::lower_bound(v.begin(), v.end(), px,
                            [&](const level& l, const core::price& p) { return worse(l.px, p); });
}

/// Applies one delta level: zero size deletes, a new price inserts, a known one updates. When the
/// side holds `cap` levels the worst one makes room (it is beyond the stream's depth anyway).
template <class Worse>
void upsert(level_array& v, const level& lv, std::size_t cap, Worse worse) {
    auto it = find_slot(v, lv.px, worse);
    const bool found = it != v.end() && it->px == lv.px;
    if (lv.qty.is_zero()) {
        if (found) v.erase(it);
        return;
    }
    if (found) {
        it->qty = lv.qty;
        return;
    }
    if (v.size() >= cap) {
        if (it == v.begin()) return;  // worse than everything kept: it would be dropped at once
        const auto pos = std::distance(v.begin(), it);
        v.drop_front(1);
        it = v.begin() + (pos - 1);
    }
    v.insert(it, lv);
}

/// Replaces a side with a snapshot's levels. Bybit lists them best first, so walking backwards
/// appends in order. Anything else still works: an unsorted level is inserted in place, and a
/// repeated price keeps its LAST size (met first on this backward walk, so later duplicates are
/// skipped). Zero sizes mean "no level". Never allocates: past the reserved capacity the worst
/// levels are dropped, and they are beyond the depth anyway.
template <class Worse>
void assign_side(level_array& v, const std::vector<level>& src, std::size_t cap, Worse worse) {
    v.clear();
    for (auto it = src.rbegin(); it != src.rend(); ++it) {
        if (it->qty.is_zero()) continue;
        if (v.size() < cap && (v.empty() || worse(v.back().px, it->px))) {
            v.push_back(*it);
            continue;
        }
        const auto slot = find_slot(v, it->px, worse);
        if (slot == v.end() || slot->px != it->px) upsert(v, *it, cap, worse);
    }
}

/// Drops the levels furthest from the touch beyond `depth`.
inline void truncate_side(level_array& v, std::size_t depth) {
    if (v.size() > depth) v.drop_front(v.size() - depth);
}

}  // namespace detail

inline apply_status l2_book::apply(const book_update& up) {
    // Bybit: "u=1 ... is a snapshot data due to the restart of the service", whatever `type` says.
    const bool restart = up.u == 1;
    if (up.action == book_action::snapshot || restart) {
        apply_status status = apply_status::snapshot;
        if (needs_resync_) {
            status = apply_status::resynced;
            ++counters_.resyncs;
        } else if (restart) {
            status = apply_status::reset;
        }
        if (restart) ++counters_.resets;
        ++counters_.snapshots;
        replace(up);
        return status;
    }
    if (!has_snapshot_ || needs_resync_) {
        ++counters_.dropped_deltas;
        return apply_status::awaiting_snapshot;
    }
    if (up.u != last_u_ + 1) {
        ++counters_.gaps;
        ++counters_.dropped_deltas;
        needs_resync_ = true;
        return apply_status::gap;
    }
    for (const level& lv : up.bids) detail::upsert(bids_, lv, capacity(), std::less<>{});
    for (const level& lv : up.asks) detail::upsert(asks_, lv, capacity(), std::greater<>{});
    detail::truncate_side(bids_, max_depth_);
    detail::truncate_side(asks_, max_depth_);
    ++counters_.deltas;
    finish(up);
    return apply_status::applied;
}

inline void l2_book::replace(const book_update& up) {
    detail::assign_side(bids_, up.bids, capacity(), std::less<>{});
    detail::assign_side(asks_, up.asks, capacity(), std::greater<>{});
    detail::truncate_side(bids_, max_depth_);
    detail::truncate_side(asks_, max_depth_);
    sym_ = up.sym;
    has_snapshot_ = true;
    needs_resync_ = false;
    finish(up);
}

inline void l2_book::finish(const book_update& up) {
    last_u_ = up.u;
    last_seq_ = up.seq;
    last_ts_ms_ = up.ts_ms;
    last_cts_ms_ = up.cts_ms;
    const bool was_crossed = crossed_;
    crossed_ = !bids_.empty() && !asks_.empty() && bids_.back().px >= asks_.back().px;
    if (crossed_) ++counters_.crossed;
    if (crossed_ && !was_crossed) ++counters_.crossed_episodes;
}

inline core::quantity l2_book::size_at(book_side s, const core::price& px) const noexcept {
    const auto& v = side(s);
    const auto hit = std::find_if(v.rbegin(), v.rend(), [&](const level& l) { return l.px == px; });
    return hit == v.rend() ? core::quantity{} : hit->qty;
}

}  // namespace mmbot::feed

#endif  // MMBOT_FEED_IMPL_L2_BOOK_HPP
