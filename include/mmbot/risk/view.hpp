// mmbot/risk/view.hpp
//
// What a risk check may look at: the order being decided (for order checks) and a read-only view
// of the state the risk monitor keeps for one symbol and for the bot. The monitor fills it; checks
// stay pure functions of it, which is what lets a test drive every check with a fake clock.
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/risk/limits.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mmbot::risk {

/// An order the engine wants to send (after the maker policy put it on the grid).
struct order_intent {
    std::string_view symbol;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
};

/// The state of one symbol as the checks see it.
struct symbol_view {
    std::string_view symbol;
    /// Signed position in base quantity (long > 0).
    core::quantity position;
    core::price mid;
    core::notional realized_pnl;
    core::notional unrealized_pnl;
    /// When the book last changed (engine clock, ns since the Unix epoch); 0 = never.
    std::chrono::nanoseconds last_book_update{0};
    const symbol_limits* limits = nullptr;
};

/// The state of the whole bot.
struct bot_view {
    std::chrono::nanoseconds now{0};
    core::notional total_pnl;
    // What a check counts over time (orders sent, ack latencies, unanswered orders) is not here:
    // the check keeps it itself, from the gate's hooks (risk/hooks.hpp).
    const global_limits* limits = nullptr;
};

}  // namespace mmbot::risk
