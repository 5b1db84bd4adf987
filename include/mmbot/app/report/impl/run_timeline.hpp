// mmbot/app/report/impl/run_timeline.hpp: run_timeline's definitions (included at the end of
// app/report/run_timeline.hpp).
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply to it, and the parent header would include it a second time.
#ifndef MMBOT_APP_REPORT_IMPL_RUN_TIMELINE_HPP
#define MMBOT_APP_REPORT_IMPL_RUN_TIMELINE_HPP

#include "mmbot/app/report/run_timeline.hpp"  // self-contained for tools that open this file alone

#include <algorithm>
#include <limits>

namespace mmbot::app::report {

namespace detail {

/// A PnL at the chart's scale (1e-8 of the quote currency, rounded down), clamped to int64.
[[nodiscard]] inline std::int64_t chart_units(const core::notional& n) {
    const core::wide_int per_unit = core::detail::pow10<core::wide_int>(core::notional::scale - core::price::scale);
    const core::wide_int v = core::detail::div_floor(n.raw(), per_unit);
    if (v > core::wide_int(std::numeric_limits<std::int64_t>::max())) return std::numeric_limits<std::int64_t>::max();
    if (v < core::wide_int(std::numeric_limits<std::int64_t>::min())) return std::numeric_limits<std::int64_t>::min();
    return v.convert_to<std::int64_t>();
}

/// The edge of a fill against `mid`: positive when it was good for us.
[[nodiscard]] inline core::bps edge_of(std::string_view symbol, core::side side, const core::price& price,
                                       const core::price& mid) {
    return risk::detail::edge_bps(risk::order_intent{symbol, side, price, core::quantity{}}, mid);
}

[[nodiscard]] inline std::size_t side_index(core::side s) noexcept { return s == core::side::buy ? 0 : 1; }

}  // namespace detail

inline std::string run_timeline::seconds_in(std::chrono::nanoseconds t) const {
    std::string out;
    obs::detail::append_scaled(out, std::chrono::duration_cast<std::chrono::milliseconds>(t - first_).count(), 3);
    return out;
}

inline symbol_timeline& run_timeline::at(std::string_view symbol) {
    auto it = symbols_.find(symbol);
    if (it == symbols_.end()) it = symbols_.emplace(std::string(symbol), symbol_timeline(cap_)).first;
    return it->second;
}

inline void run_timeline::seen(timestamp now) {
    if (!any_) {
        first_ = now;
        next_interval_end_ = now + pnl_interval;
    }
    any_ = true;
    last_ = std::max(last_, now);
    // Before this event changes anything: the state at the interval's end.
    while (now >= next_interval_end_) {
        interval_net_.push_back(total_net());
        next_interval_end_ += pnl_interval;
    }
}

inline core::notional run_timeline::total_net() const {
    core::notional net;
    for (const auto& [name, s] : symbols_) {
        if (!s.position) continue;
        net += s.last_mid ? s.position->net_pnl(*s.last_mid) : s.position->realized_pnl - s.position->fees;
    }
    return net;
}

inline void run_timeline::on_book(std::string_view symbol, const core::price& bid, const core::price& ask,
                                  const core::price& mid, timestamp now) {
    seen(now);
    symbol_timeline& s = at(symbol);
    s.bid.add(now, bid.raw());
    s.ask.add(now, ask.raw());
    s.mid.add(now, mid.raw());
    s.last_mid = mid;
    resolve_markouts(symbol, s, mid, now);
    if (now - s.last_pnl_sample >= std::chrono::seconds(1)) sample_pnl(s, now);
}

inline void run_timeline::on_placed(std::string_view symbol, core::side side, const core::price& price,
                                    timestamp now) {
    seen(now);
    symbol_timeline& s = at(symbol);
    (side == core::side::buy ? s.our_bid : s.our_ask).add(now, price.raw());
}

inline void run_timeline::on_fill(std::string_view symbol, core::side side, const core::price& price,
                                  const core::quantity& qty, const core::notional& fee,
                                  const engine::position& after, timestamp now) {
    seen(now);
    symbol_timeline& s = at(symbol);
    fill_row row{now, std::string(symbol), side, price, qty, fee, std::nullopt, {}};
    if (s.last_mid) {
        row.edge_at_fill = detail::edge_of(symbol, side, price, *s.last_mid);
        s.edges[detail::side_index(side)][0].add(*row.edge_at_fill);
    }
    const std::uint64_t number = ++fill_count_;
    fills_.push_back(std::move(row));
    fill_numbers_.push_back(number);
    if (fills_.size() > max_fills_) thin_fills();
    auto queue_it = pending_.find(symbol);
    if (queue_it == pending_.end()) queue_it = pending_.emplace(std::string(symbol), pending_queues{}).first;
    auto& queues = queue_it->second;
    for (std::size_t h = 0; h < markout_horizons.size(); ++h) {
        queues[h].push_back({now + markout_horizons[h], number, side, price});
    }
    s.inventory.add(now, after.qty.raw());
    if (!s.position) {
        // The inventory before the run's first fill of this symbol (a recovered position, or 0).
        const core::quantity before = side == core::side::buy ? after.qty - qty : after.qty + qty;
        s.inventory_min = std::min(before, after.qty);
        s.inventory_max = std::max(before, after.qty);
    }
    s.inventory_min = std::min(s.inventory_min, after.qty);
    s.inventory_max = std::max(s.inventory_max, after.qty);
    s.position = after;
    sample_pnl(s, now);
}

inline void run_timeline::on_freeze(std::string_view reason, timestamp now) {
    seen(now);
    if (!freezes_.empty() && !freezes_.back().end) return;  // still in the same freeze
    freezes_.push_back({now, std::nullopt, std::string(reason)});
}

inline void run_timeline::on_state(engine::bot_state to, timestamp now) {
    if (to != engine::bot_state::freeze && !freezes_.empty() && !freezes_.back().end) {
        freezes_.back().end = now;
    }
}

inline void run_timeline::sample_pnl(symbol_timeline& s, timestamp now) {
    s.last_pnl_sample = now;
    if (!s.position) return;
    s.realized.add(now, detail::chart_units(s.position->realized_pnl));
    const core::notional net = s.last_mid ? s.position->net_pnl(*s.last_mid) : s.position->realized_pnl - s.position->fees;
    s.net.add(now, detail::chart_units(net));
}

inline void run_timeline::resolve_markouts(std::string_view symbol, symbol_timeline& s, const core::price& mid,
                                           timestamp now) {
    const auto it = pending_.find(symbol);
    if (it == pending_.end()) return;
    for (std::size_t h = 0; h < markout_horizons.size(); ++h) {
        auto& queue = it->second[h];
        while (!queue.empty() && queue.front().due <= now) {
            const pending_markout& p = queue.front();
            const core::bps e = detail::edge_of(symbol, p.side, p.price, mid);
            s.edges[detail::side_index(p.side)][1 + h].add(e);
            if (fill_row* row = fill_numbered(p.fill)) row->markout[h] = e;
            queue.pop_front();
        }
    }
}

inline fill_row* run_timeline::fill_numbered(std::uint64_t n) {
    const auto it = std::lower_bound(fill_numbers_.begin(), fill_numbers_.end(), n);
    if (it == fill_numbers_.end() || *it != n) return nullptr;
    return &fills_[static_cast<std::size_t>(it - fill_numbers_.begin())];
}

/// Keeps every other fill of the table (the first, third, ...): the sums keep them all.
inline void run_timeline::thin_fills() {
    std::size_t out = 0;
    for (std::size_t i = 0; i < fills_.size(); i += 2) {
        fills_[out] = std::move(fills_[i]);
        fill_numbers_[out] = fill_numbers_[i];
        ++out;
    }
    fills_.resize(out);
    fill_numbers_.resize(out);
}

}  // namespace mmbot::app::report

#endif  // MMBOT_APP_REPORT_IMPL_RUN_TIMELINE_HPP
