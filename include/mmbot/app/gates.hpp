// mmbot/app/gates.hpp
//
// The risk gate each environment composes. Every binary checks stale data, price band, inventory,
// order size, edge, losses, venue latency and order rate, and the portfolio across shards (which
// passes everything unless the config's "portfolio" section makes the bot a shard, docs/deploy.md);
// live adds the canary inventory cap. The static_asserts make the live requirements a build
// failure, not a review comment.
#pragma once

#include "mmbot/risk/checks.hpp"
#include "mmbot/risk/gate.hpp"

namespace mmbot::app {

using standard_gate = risk::gate<risk::stale_market_data, risk::price_band, risk::inventory_limit,
                                 risk::max_order_notional, risk::edge_floor, risk::loss_limit,
                                 risk::total_loss_limit, risk::venue_latency, risk::order_rate_cap,
                                 risk::portfolio_limit>;

using live_gate = risk::gate<risk::stale_market_data, risk::price_band, risk::canary_inventory_cap,
                             risk::inventory_limit, risk::max_order_notional, risk::edge_floor,
                             risk::loss_limit, risk::total_loss_limit, risk::venue_latency,
                             risk::order_rate_cap, risk::portfolio_limit>;

static_assert(risk::gate_contains_v<live_gate, risk::canary_inventory_cap>,
              "live must enforce the canary inventory cap");
static_assert(risk::gate_contains_v<live_gate, risk::order_rate_cap>,
              "live must enforce the order-rate cap");
static_assert(risk::gate_contains_v<live_gate, risk::price_band>, "live must enforce the price band");

}  // namespace mmbot::app
