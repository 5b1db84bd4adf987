// mmbot/risk/checks/edge_floor.hpp
//
// Freezes when a quote's edge against mid falls below the floor (the predecessor's
// edge_bps_threshold, 3.0 bps by default): quoting inside the floor means the spread no longer
// pays for adverse selection, so the bot stops rather than bleed.
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/exposure.hpp"

namespace mmbot::risk {

struct edge_floor : order_only_check {
    static constexpr std::string_view name = "edge_below_threshold";

    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s,
                                             const bot_view& /*unused*/) {
        if (!s.mid.is_positive()) return verdict::ok();  // no market: the stale check decides
        const core::bps edge = detail::edge_bps(o, s.mid);
        if (edge < s.limits->edge_floor_bps) {
            return verdict::make(action::freeze, name, edge, s.limits->edge_floor_bps);
        }
        return verdict::ok();
    }
};

}  // namespace mmbot::risk
