// mmbot/venue/bybit/execution.hpp
//
// One execution row, as both the private `execution` topic and GET /v5/execution/list carry it
// (the same fields: execType, orderLinkId, execId, orderId, symbol, execPrice, execQty, execFee,
// execTime, isMaker). One reader for both, so a fill recovered over REST after a WebSocket gap
// is exactly the fill the push would have delivered, and the engine's exec-id dedup makes the
// two paths safe to overlap.
//
//   execution e;                                    // views into `o`
//   auto k = read_execution_row(o, "data[0]", e);
//   if (k && *k == execution_row::trade) engine.on_fill(e);
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/detail/json_fields.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/execution.hpp"

#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit {

/// The venue-neutral fill record (venue/execution.hpp), under the names this adapter used first.
// NOLINTBEGIN(misc-unused-using-decls): the adapter's names for its users
using venue::basic_execution;
using venue::execution;
using venue::execution_record;
// NOLINTEND(misc-unused-using-decls)

/// What a row turned out to be. Only `trade` is a fill to apply; funding, settlement and ADL
/// rows change no order, and a row without orderLinkId was not placed by us.
enum class execution_row : std::uint8_t { trade, other_exec_type, foreign };

/// Reads one row into `e` (views into `o`). Errors name the field path.
[[nodiscard]] inline core::result<execution_row> read_execution_row(const boost::json::object& o,
                                                                    const detail::json_path& path,
                                                                    execution& e) {
    auto type = detail::fields.string_at(o, path.at("execType"));
    if (!type) return type.error();
    auto link = detail::fields.string_at(o, path.at("orderLinkId"));
    if (!link) return link.error();
    if (*type != "Trade") return execution_row::other_exec_type;
    if (link->empty()) return execution_row::foreign;
    e.client_order_id = *link;
    for (auto [key, dst] : {std::pair{"execId", &e.exec_id}, std::pair{"orderId", &e.order_id},
                            std::pair{"symbol", &e.symbol}}) {
        auto s = detail::fields.string_at(o, path.at(key));
        if (!s) return s.error();
        *dst = *s;
    }
    if (e.exec_id.empty()) {
        return detail::fields.bad_value(path.at("execId"), "must not be empty");
    }
    auto px = detail::fields.decimal_at<core::price>(o, path.at("execPrice"));
    if (!px) return px.error();
    auto qty = detail::fields.decimal_at<core::quantity>(o, path.at("execQty"));
    if (!qty) return qty.error();
    auto fee = detail::fields.decimal_at<core::notional>(o, path.at("execFee"));
    if (!fee) return fee.error();
    auto t = detail::fields.timestamp_ms_at(o, path.at("execTime"));
    if (!t) return t.error();
    if (!px->is_positive() || !qty->is_positive()) {
        return detail::fields.bad_value(
            path, fmt::format("execPrice and execQty must be > 0, got {} x {}", px->to_string(),
                              qty->to_string()));
    }
    e.price = *px;
    e.qty = *qty;
    e.fee = *fee;
    e.at = *t;
    const auto* maker = o.if_contains("isMaker");
    e.is_maker = maker != nullptr && maker->is_bool() && maker->get_bool();
    return execution_row::trade;
}

}  // namespace mmbot::venue::bybit
