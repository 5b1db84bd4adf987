// mmbot/venue/sim/types.hpp
//
// The values that go in and out of the simulated venue: an order request, a fill, the venue's
// configuration, its counters and a read-only view of a resting order.
//
// Text the venue hands out in events (client and venue order ids, exec ids, symbols, reasons) is a
// std::string_view into the venue's own storage, valid for the duration of the callback only:
// copy it if you keep it. That is what lets the venue run a market-data message without touching
// the heap.
//
//   mmbot::venue::sim::venue_config cfg;
//   cfg.place_latency = std::chrono::milliseconds(5);
//   cfg.maker_fee_rate = mmbot::core::ratio::parse("-0.00025").value();   // a rebate
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue::sim {

using std::chrono::nanoseconds;

/// Bybit's orderLinkId: at most 36 characters. Stored inline, so orders never allocate ids.
using order_link_id = feed::bounded_string<36>;
/// "sim-o<n>" / "sim-e<n>" with a 64-bit n: at most 25 characters.
using sim_id = feed::bounded_string<26>;

/// Reason texts, spelled as Bybit spells them where Bybit has one.
namespace reason {
/// PostOnly that would take liquidity: Bybit acks the order, then cancels it with this reason.
inline constexpr std::string_view post_only_would_take = "EC_PostOnlyWillTakeLiquidity";
/// A cancel (or cancel-all) the venue carried out: Bybit's cancelType.
inline constexpr std::string_view cancel_by_user = "CancelByUser";
/// Cancel of an order that is not open (never was, already filled or cancelled): Bybit 110001.
inline constexpr std::string_view cancel_unknown = "order not exists or too late to cancel";
/// A create sent during the configured outage: it never reached the book.
inline constexpr std::string_view lost_in_outage = "lost_in_outage";
}  // namespace reason

/// One order, as the engine sends it (Bybit: POST /v5/order/create, orderType Limit).
struct place_request {
    std::string client_order_id;  ///< orderLinkId: 1..36 characters, unique among open orders
    std::string symbol;
    core::side side{core::side::buy};
    core::price price{};
    core::quantity qty{};
    bool post_only{true};  ///< timeInForce PostOnly; false is a GTC limit that may take
};

/// One execution. The views point into the venue and are valid during the callback only.
struct fill {
    std::string_view client_order_id;
    std::string_view venue_order_id;
    std::string_view exec_id;  ///< "sim-e<n>", n counting from 1 across the venue
    std::string_view symbol;
    core::side side{core::side::buy};
    core::price price{};        ///< our limit price when maker; the level's price when taker
    core::quantity qty{};
    core::quantity leaves_qty{};  ///< what is still open after this fill (0: order filled)
    core::notional fee{};       ///< qty x price x fee rate rounded UP; negative is a rebate
    bool is_maker{true};
    nanoseconds at{0};
};

struct venue_config {
    /// From place() to the order being live on the book (and its ack / reject delivered).
    nanoseconds place_latency{0};
    /// From cancel() / cancel_all() to the order leaving the book.
    nanoseconds cancel_latency{0};
    /// Bybit's base derivatives rates (non-VIP): maker 0.02 %, taker 0.055 %. Negative = rebate.
    core::ratio maker_fee_rate = core::ratio::from_raw(20000);
    core::ratio taker_fee_rate = core::ratio::from_raw(55000);
    /// Open orders and in-flight requests reserved up front, so the steady state never grows.
    std::size_t reserve_orders = 64;
    /// An order-entry outage: from `outage_after` past the first time the venue sees until
    /// `outage_for` later, every place, cancel and cancel-all is lost (as when the venue's
    /// gateway is down): cancels get no answer at all, a create is rejected (lost_in_outage)
    /// only when the outage ends. Resting orders stay on the book and keep matching. Zero
    /// `outage_for`: no outage.
    nanoseconds outage_after{0};
    nanoseconds outage_for{0};
};

/// Running totals since construction.
struct venue_stats {
    std::uint64_t placed{0};            ///< place() calls
    std::uint64_t acked{0};             ///< orders that reached the book (incl. PostOnly cancels)
    std::uint64_t rejected{0};          ///< place requests refused (validation, duplicate id)
    std::uint64_t cancelled{0};         ///< orders removed unfilled or part-filled, any reason
    std::uint64_t post_only_cancelled{0};  ///< of which EC_PostOnlyWillTakeLiquidity
    std::uint64_t cancel_rejected{0};   ///< cancels of an order that was not open
    std::uint64_t cancel_all_requests{0};
    std::uint64_t lost_in_outage{0};    ///< requests dropped by the configured outage
    std::uint64_t fills{0};             ///< executions (a partial fill counts once)
    std::uint64_t maker_fills{0};
    core::quantity filled_qty{};
    core::notional filled_notional{};
    core::notional fees{};              ///< sum of fill fees (negative: net rebate)
};

/// A resting order as queries show it. Views are valid until the venue is next modified.
struct order_view {
    std::string_view client_order_id;
    std::string_view venue_order_id;
    std::string_view symbol;
    core::side side{core::side::buy};
    core::price price{};
    core::quantity qty{};
    core::quantity leaves_qty{};
    /// Estimated displayed volume ahead of us at our price (meaningful when queue_known).
    core::quantity queue_ahead{};
    /// False while our price is outside the displayed depth: at-price trades then do not fill.
    bool queue_known{false};
    nanoseconds live_since{0};
};

}  // namespace mmbot::venue::sim
