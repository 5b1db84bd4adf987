// mmbot/app/control/status_text.hpp
//
// `mmbot-ctl status` for a person: the status JSON (status.hpp) as a few aligned lines, the
// predecessor's risk monitor view. Values are printed as the bot sent them (exact decimals).
//
//   mmbot-testnet  state RUNNING  total pnl -0.0213
//   BTCUSDT  position 0.002  mid 65000.05  realized 0.0014  unrealized -0.0227  open orders 2
//     Buy  0.001 @ 64990.2  mm-...   Sell 0.001 @ 65010.1  mm-...
//     limit                          value            max              headroom
//     max_position_qty               0.002            0.01             0.008
#pragma once

#include <boost/json.hpp>
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace mmbot::app::control {

namespace detail {

/// A field as text: strings as they are, numbers and booleans as JSON writes them, "" if absent.
[[nodiscard]] inline std::string text_of(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return {};
    if (v->is_string()) return std::string(v->as_string());
    return boost::json::serialize(*v);
}

[[nodiscard]] inline std::string limit_line(const boost::json::object& row) {
    const bool timed = row.contains("max_ms");
    const std::string value = timed ? text_of(row, "value_ms") + (row.contains("value_ms") ? " ms" : "")
                                    : text_of(row, "value");
    const std::string max = timed ? text_of(row, "max_ms") + " ms" : text_of(row, "max");
    const std::string headroom = timed ? (row.contains("headroom_ms") ? text_of(row, "headroom_ms") + " ms" : "")
                                       : text_of(row, "headroom");
    return fmt::format("    {:<31}{:<17}{:<17}{}\n", text_of(row, "limit"), value.empty() ? "-" : value, max,
                       headroom.empty() ? "-" : headroom);
}

[[nodiscard]] inline std::string symbol_block(const boost::json::object& s) {
    const auto& orders = s.at("open_orders").as_array();
    std::string out = fmt::format("{}  position {}  mid {}  realized {}  unrealized {}  open orders {}\n",
                                  text_of(s, "symbol"), text_of(s, "position"), text_of(s, "mid"),
                                  text_of(s, "realized_pnl"), text_of(s, "unrealized_pnl"), orders.size());
    for (const auto& o : orders) {
        const auto& ob = o.as_object();
        out += fmt::format("    {:<4} {} @ {}  filled {}  {}\n", text_of(ob, "side"), text_of(ob, "qty"),
                           text_of(ob, "price"), text_of(ob, "filled"), text_of(ob, "client_order_id"));
    }
    out += fmt::format("    {:<31}{:<17}{:<17}{}\n", "limit", "value", "max", "headroom");
    for (const auto& row : s.at("limits").as_array()) out += limit_line(row.as_object());
    return out;
}

}  // namespace detail

/// The status reply as text (a reply without the status fields prints what it has).
[[nodiscard]] inline std::string render_status(const boost::json::object& st) {
    using detail::text_of;
    std::string out = fmt::format("mmbot-{}  state {}  total pnl {}\n", text_of(st, "environment"),
                                  text_of(st, "state"), text_of(st, "total_pnl"));
    if (const auto* f = st.if_contains("freeze"); f != nullptr && f->is_object()) {
        const auto& fo = f->as_object();
        out += fmt::format("FROZEN: {} on {} (observed {}, limit {}) for {} ms; ends by {}\n", text_of(fo, "reason"),
                           text_of(fo, "symbol"), text_of(fo, "observed"), text_of(fo, "limit"),
                           text_of(fo, "for_ms"), text_of(fo, "ends"));
    }
    if (const auto* syms = st.if_contains("symbols"); syms != nullptr && syms->is_array()) {
        for (const auto& s : syms->as_array()) out += detail::symbol_block(s.as_object());
    }
    if (const auto* g = st.if_contains("global_limits"); g != nullptr && g->is_array()) {
        out += "global\n";
        for (const auto& row : g->as_array()) out += detail::limit_line(row.as_object());
    }
    return out;
}

}  // namespace mmbot::app::control
