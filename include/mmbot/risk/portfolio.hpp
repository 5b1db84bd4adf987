// mmbot/risk/portfolio.hpp
//
// The portfolio: what every shard (one trading process, docs/deploy.md) holds, summed across
// shards and venues, and the limits it is judged by. Plain data and exact arithmetic, no I/O: the
// shard coordinator (shard/coordinator.hpp) reads the shards' states from Redis and hands the
// trading thread a `portfolio_view`; the `portfolio_limit` check (risk/checks/portfolio_limit.hpp)
// judges it.
//
//   std::vector<shard_state> all = ...;                 // every shard's published state
//   portfolio_view v = aggregate(all, read_at);          // exposure per asset, total loss
//
// Definitions (docs/deploy.md):
//   net exposure of an asset   = | sum over shards and symbols of position x mid |
//   gross exposure of an asset = sum of | position x mid | + open-order notional (both sides):
//                                what the book could hold if every resting order filled
//   total loss                 = -(sum of realized + unrealized PnL), over every shard and symbol
#pragma once

#include "mmbot/core/units.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::risk {

/// One symbol of one shard, as the shard publishes it.
struct shard_symbol_state {
    std::string symbol;
    core::quantity position;           ///< signed, base quantity
    core::price mid;                   ///< the mark the PnL and the exposure use
    core::notional open_buy_notional;  ///< price x remaining qty of the open buy orders
    core::notional open_sell_notional;
    core::notional realized_pnl;
    core::notional unrealized_pnl;
};

/// One shard's published state.
struct shard_state {
    std::string shard;
    std::string venue;
    /// When the shard wrote it (Unix ms of its wall clock).
    std::int64_t updated_ms = 0;
    std::vector<shard_symbol_state> symbols;
};

/// The asset a symbol trades: the symbol without its quote currency ("BTCUSDT" -> "BTC"); a
/// symbol with none of the known quote suffixes is its own asset.
[[nodiscard]] inline std::string asset_of(std::string_view symbol) {
    for (const std::string_view quote : {"USDT", "USDC", "PERP", "USD"}) {
        if (symbol.size() > quote.size() && symbol.ends_with(quote)) {
            return std::string(symbol.substr(0, symbol.size() - quote.size()));
        }
    }
    return std::string(symbol);
}

struct asset_exposure {
    core::notional gross;
    core::notional net;  ///< absolute value of the signed sum
};

/// The portfolio as one shard last saw it.
struct portfolio_view {
    std::map<std::string, asset_exposure, std::less<>> exposure;
    core::notional total_loss;  ///< -(realized + unrealized), summed; negative = a profit
    /// When this shard last read every shard's state from Redis (wall clock, ns since the Unix
    /// epoch); 0 = never. No shard trades on a view older than the grace.
    std::chrono::nanoseconds as_of{0};
    std::int64_t shards = 0;
    /// This shard holds its lease (shard/lease.hpp) as of the last renewal.
    bool lease_held = false;
    /// Non-empty while `mmbot-ctl kill --all` is in force (its reason).
    std::string kill_reason;
};

/// The limits of one asset across shards; max() = no limit.
struct asset_limits {
    core::notional max_gross_exposure = core::notional::max();
    core::notional max_net_exposure = core::notional::max();
};

struct portfolio_limits {
    std::map<std::string, asset_limits, std::less<>> assets;
    core::notional max_total_loss = core::notional::max();
    /// A view older than this freezes the shard (Redis unreachable: it cannot see the portfolio).
    std::chrono::nanoseconds grace = std::chrono::seconds(5);
};

/// The hook event (risk/hooks.hpp) that hands the checks a new view and the limits it is judged
/// by. A bot without a portfolio section never sends one: its portfolio check passes everything.
struct portfolio_seen {
    std::shared_ptr<const portfolio_view> view;
    std::shared_ptr<const portfolio_limits> limits;
};

/// Exposure per asset and total loss over `shards`, stamped `as_of`. Exact (core::notional).
[[nodiscard]] inline portfolio_view aggregate(const std::vector<shard_state>& shards,
                                              std::chrono::nanoseconds as_of) {
    portfolio_view v;
    v.as_of = as_of;
    v.shards = static_cast<std::int64_t>(shards.size());
    std::map<std::string, core::notional, std::less<>> signed_net;
    core::notional pnl;
    for (const auto& s : shards) {
        for (const auto& sym : s.symbols) {
            const std::string asset = asset_of(sym.symbol);
            const core::notional held = sym.mid * sym.position;
            auto& e = v.exposure[asset];
            e.gross += (held.is_negative() ? -held : held) + sym.open_buy_notional + sym.open_sell_notional;
            signed_net[asset] += held;
            pnl += sym.realized_pnl + sym.unrealized_pnl;
        }
    }
    for (auto& [asset, e] : v.exposure) {
        const auto& n = signed_net[asset];
        e.net = n.is_negative() ? -n : n;
    }
    v.total_loss = -pnl;
    return v;
}

}  // namespace mmbot::risk
