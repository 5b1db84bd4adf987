// mmbot/risk/checks/max_order_notional.hpp
//
// Blocks a single order whose value (price x qty) exceeds the cap: a fat-finger guard that does
// not depend on the strategy's sizing being right.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct max_order_notional : order_only_check<"max_order_notional"> {
    [[nodiscard]] static verdict check_order(const order_intent& o, const symbol_view& s) {
        return verdict::above(action::block, name, o.price * o.qty, s.limits->max_order_notional);
    }
};

}  // namespace mmbot::risk
