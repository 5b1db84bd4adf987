// mmbot/risk/checks/edge_floor.hpp
//
// Freezes when a quote's edge against mid falls below the floor (the predecessor's
// edge_bps_threshold, 3.0 bps by default): quoting inside the floor means the spread no longer
// pays for adverse selection, so the bot stops rather than bleed.
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/exposure.hpp"

namespace mmbot::risk {

struct edge_floor : order_only_check<"edge_below_threshold"> {
    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s) {
        if (!s.mid.is_positive()) return verdict::ok();  // no market: the stale check decides
        return verdict::below(action::freeze, name, detail::edge_bps(o, s.mid),
                              s.limits->edge_floor_bps);
    }
};

}  // namespace mmbot::risk
