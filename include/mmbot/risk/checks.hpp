// mmbot/risk/checks.hpp: every built-in risk check, for binaries that compose a gate.
#pragma once

#include "mmbot/risk/checks/edge_floor.hpp"
#include "mmbot/risk/checks/inventory_limit.hpp"
#include "mmbot/risk/checks/loss_limit.hpp"
#include "mmbot/risk/checks/max_order_notional.hpp"
#include "mmbot/risk/checks/order_rate.hpp"
#include "mmbot/risk/checks/portfolio_limit.hpp"
#include "mmbot/risk/checks/price_band.hpp"
#include "mmbot/risk/checks/stale_market_data.hpp"
#include "mmbot/risk/checks/venue_latency.hpp"
