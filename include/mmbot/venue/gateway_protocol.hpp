// mmbot/venue/gateway_protocol.hpp
//
// What the order gateway (venue/order_gateway.hpp) needs from a venue's REST protocol: how to
// write each request, how to send it inside the venue's rate budget, and how to read each answer
// into venue-neutral terms. The gateway keeps every safety rule (the create resolver, cancel
// retries, reconcile, fill recovery) once; a venue is one protocol type beside it
// (bybit::gateway_protocol, binance::gateway_protocol).
//
//   writing   write_create(order, recv_window, req), write_cancel(symbol, id, req),
//             write_cancel_all(symbol, req), write_query(symbol, id, req),
//             write_open_orders(symbol, cursor, req),
//             write_executions(symbol, id, venue_order_id, cursor, req)
//   sending   budget_wait(req, now) (> 0: hold the request that long; 0: it may go, its budget is
//             taken), send(transport, req, signer, venue_ms, now) -> result<answer> (reads the
//             venue's limit headers), note_refusal(req, code, now) (a rate-limit refusal holds the
//             budget), path_of(req) and is_query(req) for messages and counters
//   reading   read_create(answer) -> order id, read_cancel(answer), read_cancel_all(answer) ->
//             client ids the venue says it cancelled, read_query(answer, id) -> the order or
//             nullopt (not found), read_open_orders(answer) -> a page of venue_order,
//             read_executions(answer, id) -> a page of fills, oldest first
//   codes     is_refusal(code) (the venue answered and refused, as opposed to a garbled answer),
//             create_refusal(code) (create_resolver.hpp), is_order_not_found, is_rate_limited,
//             is_retryable, sent_nothing (the transport wrote no byte), queue_full (the code of a
//             full command queue)
//   texts     cancel_text (the reason of a cancel we asked for), cancel_all_text
//
// Every read of a refusal returns it as an error whose code is the adapter's label.
#pragma once

#include "mmbot/core/units.hpp"
#include "mmbot/venue/execution.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mmbot::venue {

/// One order as a venue lists or reports it, in the gateway's terms.
struct venue_order {
    enum class state : std::uint8_t { open, filled, cancelled, rejected };
    std::string client_order_id;
    std::string order_id;
    state now = state::open;
    /// The venue's own word for the state ("PartiallyFilledCanceled", "EXPIRED"): event texts.
    std::string status_text;
    core::quantity cum_qty;
};

struct venue_orders_page {
    std::vector<venue_order> orders;
    std::string next_cursor;  ///< empty on the last page
};

struct venue_fills_page {
    std::vector<execution_record> fills;  ///< oldest first
    std::string next_cursor;              ///< empty on the last page
};

}  // namespace mmbot::venue
