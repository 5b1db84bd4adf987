// mmbot/venue/order_venue.hpp
//
// What the execution loop needs from a venue, whichever it is: the simulated venue of shadow mode
// or the Bybit REST/WS adapter of testnet and live. Requests go out through `place`, `cancel` and
// `cancel_all`; what the venue says back (acks, rejects, fills, cancels) arrives later through the
// engine's sink functions, so both synchronous simulations and asynchronous network venues fit.
//
//   static_assert(mmbot::venue::order_venue<my_venue>, "...");
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"

#include <chrono>
#include <concepts>
#include <string_view>

namespace mmbot::venue {

/// A limit order on the instrument's grid, as the engine hands it to a venue.
struct order_request {
    std::string_view client_order_id;
    std::string_view symbol;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
    /// PostOnly: the venue cancels it rather than let it take liquidity.
    bool post_only = true;
    /// Fraction digits to print the price and quantity with (the tick's and step's own).
    int price_digits = 0;
    int qty_digits = 0;
};

template <class V>
concept order_venue = requires(V& v, const order_request& r, std::string_view symbol,
                               std::string_view client_order_id, std::chrono::nanoseconds now) {
    v.place(r, now);
    v.cancel(symbol, client_order_id, now);
    v.cancel_all(symbol, now);
};

}  // namespace mmbot::venue
