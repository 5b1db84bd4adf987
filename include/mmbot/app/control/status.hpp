// mmbot/app/control/status.hpp
//
// What `mmbot-ctl status` shows: the bot's state and freeze, and per symbol its position, mark,
// PnL, open orders and the headroom of every risk limit (the predecessor's risk monitor), as one
// JSON object. Every amount is an exact decimal string.
//
// A limit reads {"limit": name, "value": now, "max": cap, "headroom": cap - now}; "max" is "none"
// for a limit that is not set (and then there is no headroom), and a per-order limit (order
// notional, price band, edge floor) has no "value": it applies to each order as it is priced.
// A negative headroom is a limit already broken.
#pragma once

#include "mmbot/core/units.hpp"
#include "mmbot/engine/order_store.hpp"
#include "mmbot/engine/state_machine.hpp"
#include "mmbot/risk/freeze_reason.hpp"
#include "mmbot/risk/monitor.hpp"
#include "mmbot/risk/limits.hpp"
#include "mmbot/risk/view.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::app::control {

namespace detail {

template <class D>
[[nodiscard]] boost::json::object limit_row(std::string_view name, const D& value, const D& max) {
    boost::json::object row{{"limit", name}, {"value", value.to_string()}};
    if (max == D::max()) {
        row["max"] = "none";
    } else {
        row["max"] = max.to_string();
        row["headroom"] = (max - value).to_string();
    }
    return row;
}

/// A per-order limit: the cap only.
template <class D>
[[nodiscard]] boost::json::object order_limit_row(std::string_view name, const D& max) {
    return {{"limit", name}, {"max", max == D::max() ? std::string("none") : max.to_string()}};
}

[[nodiscard]] inline boost::json::object duration_row(std::string_view name, std::chrono::nanoseconds value,
                                                      std::chrono::nanoseconds max) {
    const auto ms = [](std::chrono::nanoseconds d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    return {{"limit", name}, {"value_ms", ms(value)}, {"max_ms", ms(max)}, {"headroom_ms", ms(max - value)}};
}

[[nodiscard]] inline boost::json::array symbol_limits(const risk::symbol_view& v, std::chrono::nanoseconds now) {
    const risk::symbol_limits& l = *v.limits;
    const core::quantity size = v.position.abs();
    const core::notional exposure = v.mid.is_positive() ? v.mid * size : core::notional{};
    const core::notional loss = -(v.realized_pnl + v.unrealized_pnl);
    boost::json::array rows{
        limit_row("max_position_qty", size, l.max_position_qty),
        limit_row("max_position_notional", exposure, l.max_position_notional),
        limit_row("canary_max_inventory_notional", exposure, l.canary_max_inventory_notional),
        limit_row("max_loss", loss, l.max_loss),
        order_limit_row("max_order_notional", l.max_order_notional),
        order_limit_row("price_band_bps", l.price_band_bps),
        order_limit_row("edge_floor_bps", l.edge_floor_bps),
    };
    if (v.last_book_update.count() != 0) {
        rows.push_back(duration_row("stale_after", now - v.last_book_update, l.stale_after));
    } else {
        rows.push_back({{"limit", "stale_after"}, {"value", "no book yet"}});
    }
    return rows;
}

[[nodiscard]] inline boost::json::array open_orders_of(const engine::order_store& store, std::string_view symbol) {
    boost::json::array out;
    for (const engine::order* o : store.open_orders()) {
        if (o->symbol != symbol) continue;
        out.push_back({{"client_order_id", o->client_order_id},
                       {"side", engine::to_string(o->side)},
                       {"price", o->price.to_string()},
                       {"qty", o->qty.to_string()},
                       {"filled", o->filled_qty.to_string()}});
    }
    return out;
}

}  // namespace detail

/// The status of a running loop at `now` (an engine::execution_loop, or anything with its
/// read-only members).
template <class Loop>
[[nodiscard]] boost::json::object status_of(const Loop& loop, std::string_view environment,
                                            std::chrono::nanoseconds now) {
    boost::json::object st{{"environment", environment}, {"state", engine::to_string(loop.state())}};
    const auto& monitor = loop.monitor();
    st["frozen"] = monitor.frozen();
    if (monitor.frozen() && monitor.last_freeze()) {
        const auto& f = *monitor.last_freeze();
        st["freeze"] = {{"reason", f.reason},
                        {"symbol", f.symbol},
                        {"observed", f.observed},
                        {"limit", f.limit},
                        {"ends", f.how == risk::release::operator_only ? "operator unfreeze" : "cool-down or unfreeze"},
                        {"for_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now - f.time).count()}};
    }
    boost::json::array symbols;
    core::notional total;
    for (const risk::symbol_view& v : loop.risk_views()) {
        total += v.realized_pnl + v.unrealized_pnl;
        symbols.push_back({{"symbol", v.symbol},
                           {"position", v.position.to_string()},
                           {"mid", v.mid.to_string()},
                           {"realized_pnl", v.realized_pnl.to_string()},
                           {"unrealized_pnl", v.unrealized_pnl.to_string()},
                           {"open_orders", detail::open_orders_of(loop.store(), v.symbol)},
                           {"limits", detail::symbol_limits(v, now)}});
    }
    st["symbols"] = std::move(symbols);
    st["total_pnl"] = total.to_string();
    const risk::global_limits& g = *loop.risk_bot_view(now).limits;
    st["global_limits"] = boost::json::array{
        detail::limit_row("max_total_loss", -total, g.max_total_loss),
        {{"limit", "max_orders_per_second"}, {"max", g.max_orders_per_second}},
        {{"limit", "max_ack_latency"},
         {"max_ms", std::chrono::duration_cast<std::chrono::milliseconds>(g.max_ack_latency).count()}},
        {{"limit", "max_unanswered"},
         {"max_ms", std::chrono::duration_cast<std::chrono::milliseconds>(g.max_unanswered).count()}},
    };
    return st;
}

}  // namespace mmbot::app::control
