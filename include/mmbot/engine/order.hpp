// mmbot/engine/order.hpp
//
// One order as the engine tracks it, the lifecycle it may move through, and the five events that
// move it (placed, acknowledged, filled, cancelled, rejected).
//
// The lifecycle is Bybit's, reduced to what a maker-only engine sees:
//
//   NEW ──► PARTIALLY_FILLED ──► FILLED
//    │            │   ▲ (more partial fills)
//    │            └───┴──────► CANCELLED
//    ├──────────────────────► FILLED / CANCELLED / REJECTED
//
// FILLED, CANCELLED and REJECTED are terminal. `check_transition` refuses everything else with an
// `illegal_transition` error naming both ends. One exception lives in the order store: a fill of
// a CANCELLED order is applied (counted as a late fill) and the order stays CANCELLED, because a
// venue's cancel answer means "accepted" and a trade can land before the cancel takes effect;
// that fill is real money and must reach the positions.
//
// The events are plain values: the journal writes them before anything is sent, the order store
// applies them, positions consume the fills. Timestamps are std::chrono::nanoseconds from the
// clock the caller injects (real or fake), so a replay produces the same store byte for byte.
//
//   auto s = check_transition(order_status::new_, order_status::partially_filled);  // ok
//   auto t = check_transition(order_status::filled, order_status::cancelled);
//   // t.error().message == "order lifecycle: illegal transition FILLED -> CANCELLED"
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/errors.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace mmbot::engine {

// ------------------------------------------------------------------------------------------ side

/// Order side: the one every layer shares (mmbot/core/side.hpp). Prints as Bybit writes it
/// ("Buy" / "Sell") because that text goes on the wire and into the journal unchanged.
using core::side;
// Re-exported so that qualified calls `engine::to_string(side)` work like the other to_strings.
using core::to_string;  // NOLINT(misc-unused-using-decls): part of this header's interface

/// Parses "Buy" / "Sell" exactly (case matters: that is what the venue sends).
[[nodiscard]] inline core::result<side> parse_side(std::string_view text) {
    if (text == "Buy") return side::buy;
    if (text == "Sell") return side::sell;
    return core::make_error(errc::invalid_side,
                            fmt::format("side: expected \"Buy\" or \"Sell\", got \"{}\"", text));
}

/// +1 for a buy, -1 for a sell: the sign a fill gives to a position.
[[nodiscard]] constexpr std::int64_t sign_of(side s) noexcept { return s == side::buy ? 1 : -1; }

// ------------------------------------------------------------------------------------- lifecycle

/// Where an order is in its life. `new_` carries an underscore only because `new` is a keyword.
enum class order_status : std::uint8_t { new_, partially_filled, filled, cancelled, rejected };

[[nodiscard]] constexpr std::string_view to_string(order_status s) noexcept {
    return core::enum_label<"", core::letter_case::upper>(s);
}

/// True for FILLED, CANCELLED and REJECTED: nothing may follow them.
[[nodiscard]] constexpr bool is_terminal(order_status s) noexcept {
    return s == order_status::filled || s == order_status::cancelled ||
           s == order_status::rejected;
}

/// True when the lifecycle allows `from -> to`. PARTIALLY_FILLED -> PARTIALLY_FILLED is legal (a
/// further partial fill); every other self-transition is not.
[[nodiscard]] constexpr bool is_legal_transition(order_status from, order_status to) noexcept {
    switch (from) {
        case order_status::new_:
            return to != order_status::new_;
        case order_status::partially_filled:
            return to == order_status::partially_filled || to == order_status::filled ||
                   to == order_status::cancelled;
        case order_status::filled:
        case order_status::cancelled:
        case order_status::rejected:
            return false;
    }
    return false;
}

/// Returns `to` when the transition is legal, else `illegal_transition` naming both states.
[[nodiscard]] inline core::result<order_status> check_transition(order_status from,
                                                                 order_status to) {
    if (is_legal_transition(from, to)) return to;
    return core::make_error(errc::illegal_transition,
                            fmt::format("order lifecycle: illegal transition {} -> {}",
                                        to_string(from), to_string(to)));
}

// ---------------------------------------------------------------------------------------- events

/// Timestamps on every event: nanoseconds since the epoch of the injected clock.
using timestamp = std::chrono::nanoseconds;

/// The intent to place a limit order (always post-only for this engine). Journaled before send.
struct new_order {
    std::string client_order_id;
    std::string symbol;
    engine::side side = side::buy;
    core::price price;
    core::quantity qty;
    timestamp at{};
};

/// The venue accepted the order and gave it an id.
struct order_ack {
    std::string client_order_id;
    std::string venue_order_id;
    timestamp at{};
};

/// One execution. `exec_id` is the venue's execution id and makes fills idempotent; symbol and side
/// are repeated from the order so positions can be rebuilt from fills alone. `fee` is what the
/// execution cost in the quote currency: positive is paid, negative is a maker rebate.
struct order_fill {
    std::string client_order_id;
    std::string exec_id;
    std::string symbol;
    engine::side side = side::buy;
    core::price price;
    core::quantity qty;
    core::notional fee;
    timestamp at{};
};

/// The venue confirmed the order is no longer resting (by our request or its own).
struct order_cancel {
    std::string client_order_id;
    std::string reason;
    timestamp at{};
};

/// The venue refused the order (post-only would cross, insufficient balance, ...).
struct order_reject {
    std::string client_order_id;
    std::string reason;
    timestamp at{};
};

/// An operator's action on the running bot (mmbot-ctl freeze, unfreeze, cancel-all, reload, kill):
/// journaled for the audit trail, never applied to the order store or positions on recovery.
struct operator_action {
    std::string action;        ///< "freeze", "cancel_all", ... (app/control/request.hpp)
    std::string operator_uid;  ///< the caller's uid (SO_PEERCRED), or "unknown"
    std::string outcome;       ///< what the bot did, or why it refused
    timestamp at{};
};

/// Any one of the order events above: what the journal stores and the order store applies.
using order_event = std::variant<new_order, order_ack, order_fill, order_cancel, order_reject>;

/// The client order id an event is about.
[[nodiscard]] inline const std::string& client_order_id_of(const order_event& e) {
    return std::visit([](const auto& ev) -> const std::string& { return ev.client_order_id; }, e);
}

/// What applying a well-formed event did (order store, positions).
enum class apply_outcome : std::uint8_t {
    applied,    ///< the state changed
    duplicate,  ///< seen before (same client id, same exec id, ...): counted, nothing changed
};

// ----------------------------------------------------------------------------------------- order

/// The engine's record of one order, built by applying events in order.
struct order {
    std::string client_order_id;
    std::string symbol;
    engine::side side = side::buy;
    core::price price;
    core::quantity qty;
    core::quantity filled_qty;
    /// Sum of price x qty over the fills: exact, so the average below has a single rounding.
    core::notional filled_notional;
    /// Sum of the fills' fees (negative: net rebate).
    core::notional fees;
    order_status status = order_status::new_;
    /// Empty until acknowledged.
    std::string venue_order_id;
    timestamp created_at{};
    timestamp acked_at{};
    timestamp updated_at{};
    /// Set when REJECTED (the venue's words) or CANCELLED (why).
    std::string reason;

    /// Quantity still resting on the book (zero once terminal).
    [[nodiscard]] core::quantity remaining_qty() const {
        return is_terminal(status) ? core::quantity{} : qty - filled_qty;
    }
    /// Volume-weighted fill price, rounded in the direction the caller names; zero when unfilled.
    [[nodiscard]] core::price avg_fill_price(core::rounding dir) const {
        return filled_qty.is_zero() ? core::price{} : core::div(filled_notional, filled_qty, dir);
    }
    [[nodiscard]] bool is_open() const noexcept { return !is_terminal(status); }

    friend bool operator==(const order&, const order&) = default;
};

/// Writes a fresh NEW order from its placement intent over `o`, whatever it held before: a
/// recycled record (the order store's) keeps its strings' capacity, so this does not allocate.
inline void assign_order(order& o, const new_order& n) {
    o.client_order_id.assign(n.client_order_id);
    o.symbol.assign(n.symbol);
    o.side = n.side;
    o.price = n.price;
    o.qty = n.qty;
    o.filled_qty = {};
    o.filled_notional = {};
    o.fees = {};
    o.status = order_status::new_;
    o.venue_order_id.clear();
    o.created_at = n.at;
    o.acked_at = {};
    o.updated_at = n.at;
    o.reason.clear();
}

/// A fresh NEW order from its placement intent.
[[nodiscard]] inline order make_order(const new_order& n) {
    order o;
    assign_order(o, n);
    return o;
}

}  // namespace mmbot::engine
