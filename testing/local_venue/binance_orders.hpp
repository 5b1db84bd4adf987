// testing/local_venue/binance_orders.hpp
//
// The venue's orders, fills and account in Binance USD-M's shapes (no I/O): the order object of
// the REST answers (POST/GET/DELETE /fapi/v1/order, openOrders), the user data stream's
// ORDER_TRADE_UPDATE (from the exchange's order events) and ACCOUNT_UPDATE (after a fill).
//
// Ids: Binance's orderId and trade id are integers. The exchange's ids are UUID-shaped (its start
// time in ms, then a counter: exchange.hpp); the Binance number is
//   (start time in seconds) x 1,000,000 + counter
// so it stays below 2^53 (JavaScript clients parse it as a double), keeps increasing across
// restarts with --state (the counter carries on, the start time grows) and is 1, 2, 3... in tests
// (start time 0). Two venues started without --state in the same second would repeat numbers.
//
// Numbers are strings as Binance prints them: prices and quantities at the instrument's decimals,
// amounts (cumQuote, commission, balances, PnL) exact without trailing zeros.
// Status: New -> NEW, PartiallyFilled -> PARTIALLY_FILLED, Filled -> FILLED, cancelled ->
// CANCELED, a post-only order that would have taken once live (after --latency-ms) -> EXPIRED,
// the simulator's own rejection -> EXPIRED.
//
//   boost::json::object o = binance_order_json(ex.orders()[i]);
//   std::string push = order_trade_update(ex, ev, now_ms);
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "testing/local_venue/exchange.hpp"
#include "testing/local_venue/instruments.hpp"
#include "testing/local_venue/market_state.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::venue::local {

/// The Binance integer of an exchange id "eeeeeeee-eeee-4000-kkkk-cccccccccccc" (see the file
/// comment); 0 for text of another shape.
[[nodiscard]] inline std::int64_t binance_number(std::string_view uuid) {
    if (uuid.size() != 36) return 0;
    std::uint64_t epoch_hi = 0;
    std::uint64_t epoch_lo = 0;
    std::uint64_t counter = 0;
    const auto hex = [](std::string_view t, std::uint64_t& out) {
        const auto r = std::from_chars(t.data(), t.data() + t.size(), out, 16);
        return r.ec == std::errc{} && r.ptr == t.data() + t.size();
    };
    if (!hex(uuid.substr(0, 8), epoch_hi) || !hex(uuid.substr(9, 4), epoch_lo) || !hex(uuid.substr(24), counter)) {
        return 0;
    }
    const std::uint64_t epoch_s = ((epoch_hi << 16U) | epoch_lo) / 1000;
    return static_cast<std::int64_t>(epoch_s * 1'000'000 + counter);
}

/// Binance's status of an order as the venue keeps it.
[[nodiscard]] inline std::string_view binance_status(const order_record& o) {
    if (o.status == "Created" || o.status == "New") return "NEW";
    if (o.status == "PartiallyFilled") return "PARTIALLY_FILLED";
    if (o.status == "Filled") return "FILLED";
    if (o.status == "Rejected" || o.reject_reason == "EC_PostOnlyWillTakeLiquidity") return "EXPIRED";
    return "CANCELED";
}

[[nodiscard]] inline std::string_view side_text(core::side s) { return s == core::side::buy ? "BUY" : "SELL"; }

namespace detail {
[[nodiscard]] inline std::string avg_text(const order_record& o) {
    return (o.cum_qty.is_positive() ? average_price(o.cum_value, o.cum_qty) : core::price{}).to_string(o.price_digits);
}
}  // namespace detail

/// The order object of GET /fapi/v1/order (and of the other order answers, which add to it).
[[nodiscard]] inline boost::json::object binance_order_json(const order_record& o) {
    boost::json::object j;
    j["orderId"] = binance_number(o.order_id);
    j["symbol"] = o.symbol;
    j["status"] = binance_status(o);
    j["clientOrderId"] = o.link_id;
    j["price"] = o.price.to_string(o.price_digits);
    j["avgPrice"] = detail::avg_text(o);
    j["origQty"] = o.qty.to_string(o.qty_digits);
    j["executedQty"] = o.cum_qty.to_string(o.qty_digits);
    j["cumQuote"] = o.cum_value.to_string();
    j["timeInForce"] = o.post_only ? "GTX" : "GTC";
    j["type"] = "LIMIT";
    j["reduceOnly"] = false;
    j["closePosition"] = false;
    j["side"] = side_text(o.side);
    j["positionSide"] = "BOTH";
    j["stopPrice"] = "0";
    j["workingType"] = "CONTRACT_PRICE";
    j["priceProtect"] = false;
    j["origType"] = "LIMIT";
    j["priceMatch"] = "NONE";
    j["selfTradePreventionMode"] = "EXPIRE_MAKER";
    j["goodTillDate"] = 0;
    j["time"] = o.created_ms;
    j["updateTime"] = o.updated_ms;
    return j;
}

/// The answer of POST /fapi/v1/order and DELETE /fapi/v1/order: the order with cumQty.
[[nodiscard]] inline boost::json::object binance_order_answer(const order_record& o) {
    boost::json::object j = binance_order_json(o);
    j.erase("time");
    j["cumQty"] = o.cum_qty.to_string(o.qty_digits);
    return j;
}

namespace detail {
/// The notional of the open orders of `symbol` on one side (ORDER_TRADE_UPDATE's b and a).
[[nodiscard]] inline core::notional open_notional(const exchange& ex, std::string_view symbol, core::side s) {
    core::notional sum;
    for (const auto& o : ex.orders()) {
        if (o.open() && o.side == s && o.symbol == symbol) sum += o.price * (o.qty - o.cum_qty);
    }
    return sum;
}
[[nodiscard]] inline std::string_view execution_type(order_event_kind k) {
    switch (k) {
        case order_event_kind::accepted: return "NEW";
        case order_event_kind::trade: return "TRADE";
        case order_event_kind::canceled: return "CANCELED";
        case order_event_kind::post_only_expired:
        case order_event_kind::rejected: return "EXPIRED";
    }
    return "NEW";
}
}  // namespace detail

/// The user data stream's ORDER_TRADE_UPDATE for one order event (the order as the event left it;
/// b and a, the open orders' notional, as they are now).
[[nodiscard]] inline std::string order_trade_update(const exchange& ex, const order_event& ev, std::int64_t now_ms) {
    order_record r = ex.orders().at(ev.index);  // as the event left it
    r.status = ev.status;
    r.reject_reason = ev.reject_reason;
    r.cum_qty = ev.cum_qty;
    r.cum_value = ev.cum_value;
    const bool trade = ev.kind == order_event_kind::trade;
    boost::json::object o;
    o["s"] = r.symbol;
    o["c"] = r.link_id;
    o["S"] = side_text(r.side);
    o["o"] = "LIMIT";
    o["f"] = r.post_only ? "GTX" : "GTC";
    o["q"] = r.qty.to_string(r.qty_digits);
    o["p"] = r.price.to_string(r.price_digits);
    o["ap"] = detail::avg_text(r);
    o["sp"] = "0";
    o["x"] = detail::execution_type(ev.kind);
    o["X"] = binance_status(r);
    o["i"] = binance_number(r.order_id);
    o["l"] = (trade ? ev.qty : core::quantity{}).to_string(r.qty_digits);
    o["z"] = r.cum_qty.to_string(r.qty_digits);
    o["L"] = (trade ? ev.px : core::price{}).to_string(r.price_digits);
    o["N"] = coins_of(r.symbol).quote;
    o["n"] = (trade ? ev.fee : core::notional{}).to_string();
    o["T"] = ev.at_ms;
    o["t"] = trade ? binance_number(fmt::format("{}-{:012x}", std::string_view(r.order_id).substr(0, 23),
                                                ev.exec_seq & 0xFFFFFFFFFFFFULL))
                   : std::int64_t{0};
    o["b"] = detail::open_notional(ex, r.symbol, core::side::buy).to_string();
    o["a"] = detail::open_notional(ex, r.symbol, core::side::sell).to_string();
    o["m"] = trade && ev.maker;
    o["R"] = false;
    o["wt"] = "CONTRACT_PRICE";
    o["ot"] = "LIMIT";
    o["ps"] = "BOTH";
    o["cp"] = false;
    o["rp"] = (trade ? ev.realised : core::notional{}).to_string();
    o["pP"] = false;
    o["si"] = 0;
    o["ss"] = 0;
    o["V"] = "EXPIRE_MAKER";
    o["pm"] = "NONE";
    o["gtd"] = 0;
    boost::json::object msg;
    msg["e"] = "ORDER_TRADE_UPDATE";
    msg["E"] = now_ms;
    msg["T"] = ev.at_ms;
    msg["o"] = std::move(o);
    return boost::json::serialize(msg);
}

/// A position's row as ACCOUNT_UPDATE's P and positionRisk print it: signed amount, entry,
/// unrealised PnL at `mark` (0 without one).
struct binance_position_view {
    std::string amount;  ///< "-0.010" for a short
    std::string entry;
    std::string unrealised;
};
[[nodiscard]] inline binance_position_view position_view(const position_record& p, const std::optional<core::price>& mark) {
    const std::string size = p.size.to_string(p.qty_digits);
    const bool short_pos = !p.flat() && p.side == core::side::sell;
    return {short_pos ? "-" + size : size, (p.flat() ? core::price{} : p.avg).to_string(p.price_digits),
            (p.flat() || !mark ? core::notional{} : p.unrealised(*mark)).to_string()};
}

/// ACCOUNT_UPDATE after a fill of `symbol` (reason ORDER): the settle coin's balance and the
/// symbol's position. `cr` is the position's accumulated realised PnL with fees (the venue does
/// not keep Binance's pre-fee figure apart).
[[nodiscard]] inline std::string account_update(const exchange& ex, const market_state& market, std::string_view symbol,
                                                std::int64_t at_ms, std::int64_t now_ms) {
    const account& acc = ex.holdings();
    const std::string quote = coins_of(symbol).quote;
    boost::json::array balances;
    if (const coin_balance* c = acc.coin(quote)) {
        balances.push_back({{"a", c->coin}, {"wb", c->balance.to_string()}, {"cw", c->balance.to_string()}, {"bc", "0"}});
    }
    boost::json::array positions;
    if (const position_record* p = acc.position(symbol)) {
        const binance_position_view v = position_view(*p, market.mark(symbol));
        positions.push_back({{"s", p->symbol},
                             {"pa", v.amount},
                             {"ep", v.entry},
                             {"bep", v.entry},
                             {"cr", p->cum_realised.to_string()},
                             {"up", v.unrealised},
                             {"mt", "cross"},
                             {"iw", "0"},
                             {"ps", "BOTH"}});
    }
    boost::json::object a;
    a["m"] = "ORDER";
    a["B"] = std::move(balances);
    a["P"] = std::move(positions);
    boost::json::object msg;
    msg["e"] = "ACCOUNT_UPDATE";
    msg["E"] = now_ms;
    msg["T"] = at_ms;
    msg["a"] = std::move(a);
    return boost::json::serialize(msg);
}

/// The user data stream's pushes for a batch of order events: an ORDER_TRADE_UPDATE each, and
/// after each trade an ACCOUNT_UPDATE.
[[nodiscard]] inline std::vector<std::string> user_stream_pushes(const exchange& ex, const market_state& market,
                                                                 const std::vector<order_event>& events,
                                                                 std::int64_t now_ms) {
    std::vector<std::string> out;
    for (const auto& ev : events) {
        out.push_back(order_trade_update(ex, ev, now_ms));
        if (ev.kind == order_event_kind::trade) {
            out.push_back(account_update(ex, market, ex.orders().at(ev.index).symbol, ev.at_ms, now_ms));
        }
    }
    return out;
}

}  // namespace mmbot::venue::local
