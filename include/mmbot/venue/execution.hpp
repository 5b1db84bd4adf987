// mmbot/venue/execution.hpp
//
// One fill of one of our orders as every venue adapter hands it to the engine (it models
// engine::venue_fill): the Bybit private `execution` topic and execution/list rows, Binance's
// ORDER_TRADE_UPDATE trades. One record for all venues, so the engine, the journal and the
// exec-id dedup never learn which venue a fill came from.
//
//   venue::execution e{...};               // views into a parsed message
//   engine.on_fill(e);
//   venue::execution_record kept = e.owned();
#pragma once

#include "mmbot/core/units.hpp"

#include <chrono>
#include <concepts>
#include <string>
#include <string_view>

namespace mmbot::venue {

/// `Text` is std::string_view for a fill read straight from a parsed message (`execution`),
/// std::string for one that outlives the message it came from (`execution_record`).
template <class Text>
struct basic_execution {
    Text client_order_id;
    /// The venue's id of this fill (Bybit execId, Binance trade id): the engine's dedup key.
    Text exec_id;
    Text order_id;
    Text symbol;
    core::price price;
    core::quantity qty;
    /// In the instrument's settle coin; negative is a rebate.
    core::notional fee;
    std::chrono::nanoseconds at{0};
    bool is_maker = false;

    /// The same fill with owned strings.
    [[nodiscard]] basic_execution<std::string> owned() const {
        return {std::string(client_order_id), std::string(exec_id), std::string(order_id),
                std::string(symbol), price, qty, fee, at, is_maker};
    }
};

using execution = basic_execution<std::string_view>;
using execution_record = basic_execution<std::string>;

/// Where a venue's private stream hands what it learns (the execution loop): an order acknowledged
/// (client id, venue id, time), rejected or cancelled (client id, reason, time), and fills.
template <class S>
concept event_sink = requires(S& s, std::string_view id, std::chrono::nanoseconds at, const execution& e) {
    s.on_ack(id, id, at);
    s.on_reject(id, id, at);
    s.on_cancel(id, id, at);
    s.on_fill(e);
};

}  // namespace mmbot::venue
