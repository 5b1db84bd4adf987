// mmbot/risk/checks/inventory_limit.hpp
//
// Blocks an order that would take the symbol's absolute position past its limit, in base quantity
// or in notional at mid. Orders that reduce exposure always pass, so a bot at its cap can still
// quote the side that unwinds (the one-sided-flow scenario).
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/detail/exposure.hpp"

namespace mmbot::risk {

struct inventory_limit : order_only_check<"inventory_limit"> {
    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s) {
        if (!detail::increases_exposure(o, s)) return verdict::ok();
        const core::quantity after = detail::position_after(o, s).abs();
        return verdict::above(action::block, name, after, s.limits->max_position_qty).or_else([&] {
            return verdict::above(action::block, name, s.mid * after,
                                  s.limits->max_position_notional);
        });
    }
};

/// The live canary cap: the same test against the (small) canary inventory notional. Compiled
/// into the live binary, so a config without the cap cannot remove it.
struct canary_inventory_cap : order_only_check<"canary_inventory_cap"> {
    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s) {
        if (!detail::increases_exposure(o, s)) return verdict::ok();
        return verdict::above(action::block, name, s.mid * detail::position_after(o, s).abs(),
                              s.limits->canary_max_inventory_notional);
    }
};

}  // namespace mmbot::risk
