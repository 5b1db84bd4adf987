// mmbot/venue/bybit/order_gateway.hpp
//
// The Bybit order venue of testnet and live: the venue-neutral gateway (venue/order_gateway.hpp,
// where its threading and safety rules are stated) over Bybit v5's REST protocol
// (gateway_protocol.hpp: order/create PostOnly by orderLinkId, order/cancel, order/cancel-all,
// order/realtime, execution/list, the client-side rate limiter fed by X-Bapi-Limit-*).
//
//   order_gateway<rest_transport> gw{std::move(transport), &signer, params, clock};
//   gw.start();                         // sender thread
//   loop = execution_loop<order_gateway<rest_transport>, Gate, Logger>{gw, ...};
//   every turn: gw.drain(loop);
//   gw.protocol().rate_limit_remaining(endpoint::order_create);   // any thread
//
// Errors (submit_*): bybit_request (request builder: field and value), bybit_queue_full.
#pragma once

#include "mmbot/venue/bybit/gateway_protocol.hpp"
#include "mmbot/venue/order_gateway.hpp"

namespace mmbot::venue::bybit {

template <class Transport>
using order_gateway = venue::order_gateway<gateway_protocol, Transport>;

// NOLINTBEGIN(misc-unused-using-decls): the adapter's names for its users
using venue::gateway_event;
using venue::gateway_params;
using venue::gateway_stats;
using venue::to_string;
// NOLINTEND(misc-unused-using-decls)

}  // namespace mmbot::venue::bybit
