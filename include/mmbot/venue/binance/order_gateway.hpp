// mmbot/venue/binance/order_gateway.hpp
//
// The Binance USD-M order venue of testnet and live: the venue-neutral gateway
// (venue/order_gateway.hpp, where its threading and safety rules are stated) over Binance's REST
// protocol (gateway_protocol.hpp: GTX orders by newClientOrderId, cancels, allOpenOrders,
// openOrders, the order query, userTrades, the request-weight budget).
//
//   order_gateway<rest_transport> gw{std::move(transport), &signer, params, clock, venue_ms};
//   gw.start();                         // sender thread
//   every turn: gw.drain(loop);
//
// Errors (submit_*): binance_request (request builder: field and value), binance_queue_full.
#pragma once

#include "mmbot/venue/binance/gateway_protocol.hpp"
#include "mmbot/venue/order_gateway.hpp"

namespace mmbot::venue::binance {

template <class Transport>
using order_gateway = venue::order_gateway<gateway_protocol, Transport>;

// NOLINTBEGIN(misc-unused-using-decls): the adapter's names for its users
using venue::gateway_event;
using venue::gateway_params;
using venue::gateway_stats;
// NOLINTEND(misc-unused-using-decls)

}  // namespace mmbot::venue::binance
