// mmbot/app/report/run_timeline.hpp
//
// The run over time, recorded as it happens (an engine::run_observer): per symbol the touch and
// the mid, our quotes, every fill with its markouts, inventory and PnL; the freezes as intervals
// with their reasons. The HTML run report draws it (app/report/html_report.hpp) and the live
// status page lists its recent fills.
//
// Long series are decimated (report/decimated_series.hpp: lows and highs kept), so memory and the
// report stay bounded for a day-long run. Fills are kept one by one up to `max_fills`, then every
// other one is dropped from the table (the counts and the markout sums keep them all).
//
// Markout: for a fill at price p on side s, the edge against a mid m is s * (m - p) / m in bps
// (positive when the fill was good for us), taken at the fill and at the first book at or after
// 1 s, 10 s and 60 s; exact decimals, rounded down to 1e-4 bps (risk::detail::edge_bps). Every
// report carries their averages per symbol and side (app/report.hpp, `markouts`).
#pragma once
// A classic guard as well: its impl/ header includes this one, so a tool that opens this file as
// its main file (where #pragma once does not apply) would otherwise read it twice.
#ifndef MMBOT_APP_REPORT_RUN_TIMELINE_HPP
#define MMBOT_APP_REPORT_RUN_TIMELINE_HPP

#include "mmbot/app/report/decimated_series.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/positions.hpp"
#include "mmbot/engine/run_observer.hpp"
#include "mmbot/engine/state_machine.hpp"
#include "mmbot/obs/detail/text.hpp"
#include "mmbot/risk/detail/exposure.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app::report {

/// The fixed intervals of event time at whose ends the run's total net PnL is sampled (the
/// report's `performance`, a research sweep's Sharpe-like ratio).
inline constexpr std::chrono::nanoseconds pnl_interval = std::chrono::seconds(60);

/// The horizons of a markout after the fill.
inline constexpr std::array<std::chrono::nanoseconds, 3> markout_horizons{
    std::chrono::seconds(1), std::chrono::seconds(10), std::chrono::seconds(60)};

struct fill_row {
    std::chrono::nanoseconds t{0};
    std::string symbol;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
    core::notional fee;
    /// Edge against the mid at the fill, and at each horizon once a book came that late.
    std::optional<core::bps> edge_at_fill;
    std::array<std::optional<core::bps>, markout_horizons.size()> markout{};
};

/// Sums of one side's edges: the average is sum / count.
struct edge_sums {
    std::int64_t count = 0;
    core::bps sum;
    void add(const core::bps& e) {
        ++count;
        sum += e;
    }
    /// sum / count, rounded down to 1e-4 bps; nothing without a fill.
    [[nodiscard]] std::optional<core::bps> average() const {
        if (count == 0) return std::nullopt;
        return core::bps::from_raw(core::detail::div_floor(sum.raw(), count));
    }
};

/// One side's edges: [0] at the fill, [1 + h] at horizon h.
using side_edges = std::array<edge_sums, 1 + markout_horizons.size()>;

struct freeze_band {
    std::chrono::nanoseconds start{0};
    std::optional<std::chrono::nanoseconds> end;  ///< empty: still frozen at the end of the run
    std::string reason;
};

struct symbol_timeline {
    explicit symbol_timeline(std::size_t cap)
        : bid(cap), ask(cap), mid(cap), our_bid(cap), our_ask(cap), inventory(cap), realized(cap), net(cap) {}
    /// Prices at the price scale (raw 1e-8).
    decimated_series bid, ask, mid, our_bid, our_ask;
    /// Inventory at the quantity scale; PnL at 1e-8 of the quote currency (rounded down).
    decimated_series inventory, realized, net;
    std::optional<core::price> last_mid;
    std::optional<engine::position> position;
    std::chrono::nanoseconds last_pnl_sample{0};
    /// The lowest and highest inventory the run held (the one before the first fill included).
    core::quantity inventory_min, inventory_max;
    /// [0] buys, [1] sells.
    std::array<side_edges, 2> edges{};
};

class run_timeline final : public engine::run_observer {
public:
    /// `cap`: buckets per series; `max_fills`: fills kept one by one.
    explicit run_timeline(std::size_t cap = 2048, std::size_t max_fills = 20'000)
        : cap_(cap), max_fills_(max_fills) {}

    void on_book(std::string_view symbol, const core::price& bid, const core::price& ask,
                 const core::price& mid, timestamp now) override;
    void on_placed(std::string_view symbol, core::side side, const core::price& price,
                   timestamp now) override;
    void on_fill(std::string_view symbol, core::side side, const core::price& price,
                 const core::quantity& qty, const core::notional& fee, const engine::position& after,
                 timestamp now) override;
    void on_freeze(std::string_view reason, timestamp now) override;
    void on_state(engine::bot_state to, timestamp now) override;

    [[nodiscard]] const std::map<std::string, symbol_timeline, std::less<>>& symbols() const noexcept {
        return symbols_;
    }
    [[nodiscard]] const std::deque<fill_row>& fills() const noexcept { return fills_; }
    /// Fills seen (fills().size() unless thinned past max_fills).
    [[nodiscard]] std::uint64_t fill_count() const noexcept { return fill_count_; }
    [[nodiscard]] const std::vector<freeze_band>& freezes() const noexcept { return freezes_; }
    [[nodiscard]] std::chrono::nanoseconds first_time() const noexcept { return first_; }
    /// Seconds from the run's first event to `t`, to the millisecond ("12.345").
    [[nodiscard]] std::string seconds_in(std::chrono::nanoseconds t) const;
    [[nodiscard]] std::chrono::nanoseconds last_time() const noexcept { return last_; }
    /// The total net PnL over every symbol (at each one's last mid) at the end of each complete
    /// pnl_interval since the first event: what the run had made by then, exact.
    [[nodiscard]] const std::vector<core::notional>& net_at_interval_ends() const noexcept { return interval_net_; }

private:
    struct pending_markout {
        std::chrono::nanoseconds due{0};
        std::uint64_t fill = 0;  ///< the fill's number (1-based)
        core::side side = core::side::buy;
        core::price price;
    };

    symbol_timeline& at(std::string_view symbol);
    void seen(timestamp now);
    void sample_pnl(symbol_timeline& s, timestamp now);
    void resolve_markouts(std::string_view symbol, symbol_timeline& s, const core::price& mid, timestamp now);
    fill_row* fill_numbered(std::uint64_t n);
    void thin_fills();
    [[nodiscard]] core::notional total_net() const;

    std::size_t cap_;
    std::size_t max_fills_;
    std::map<std::string, symbol_timeline, std::less<>> symbols_;
    std::deque<fill_row> fills_;
    /// The number (1-based) of each kept fill, parallel to fills_.
    std::deque<std::uint64_t> fill_numbers_;
    std::uint64_t fill_count_ = 0;
    using pending_queues = std::array<std::deque<pending_markout>, markout_horizons.size()>;
    std::map<std::string, pending_queues, std::less<>> pending_;
    std::vector<freeze_band> freezes_;
    std::chrono::nanoseconds first_{0};
    std::chrono::nanoseconds last_{0};
    std::chrono::nanoseconds next_interval_end_{0};
    std::vector<core::notional> interval_net_;
    bool any_ = false;
};

}  // namespace mmbot::app::report

#include "mmbot/app/report/impl/run_timeline.hpp"

#endif  // MMBOT_APP_REPORT_RUN_TIMELINE_HPP
