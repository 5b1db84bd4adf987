// mmbot/risk/limits.hpp
//
// The numbers the risk checks compare against, per symbol and for the whole bot. They come from
// the config file (configs/<env>.json, "risk" section; docs/config.md) and can be replaced at run
// time by a hot reload; a check never caches them.
#pragma once

#include "mmbot/core/units.hpp"

#include <chrono>
#include <cstdint>

namespace mmbot::risk {

struct symbol_limits {
    /// Largest absolute position, in base quantity and in notional at mid.
    core::quantity max_position_qty = core::quantity::max();
    core::notional max_position_notional = core::notional::max();
    /// Largest loss (realized + unrealized, a positive number) before the symbol freezes the bot.
    core::notional max_loss = core::notional::max();
    /// Quoted edge below this freezes (the predecessor's edge_bps_threshold, default 3.0).
    core::bps edge_floor_bps = core::bps::from_raw(30000);
    /// No book update for this long: stop quoting the symbol.
    std::chrono::nanoseconds stale_after = std::chrono::seconds(5);
    /// Largest value of a single order.
    core::notional max_order_notional = core::notional::max();
    /// Largest distance of an order price from mid, in bps.
    core::bps price_band_bps = core::bps::from_raw(std::int64_t{500} * 10000);
    /// Canary cap (live): largest inventory value of the symbol, e.g. 500 USDT during canary.
    core::notional canary_max_inventory_notional = core::notional::max();
};

struct global_limits {
    /// Largest loss across all symbols before the bot freezes.
    core::notional max_total_loss = core::notional::max();
    /// Orders sent per rolling second, across symbols.
    std::int64_t max_orders_per_second = 50;
    /// Venue acknowledgement latency (mean over the window) above this freezes.
    std::chrono::nanoseconds max_ack_latency = std::chrono::seconds(2);
    /// An order left without any answer from the venue for this long freezes (venue_latency):
    /// the venue went silent. Longer than max_ack_latency because a create whose outcome is
    /// unknown is resolved by queries with backoff, which takes seconds under faults.
    std::chrono::nanoseconds max_unanswered = std::chrono::seconds(10);
    /// Number of acknowledgements the latency window holds.
    std::int64_t ack_latency_window = 20;
};

}  // namespace mmbot::risk
