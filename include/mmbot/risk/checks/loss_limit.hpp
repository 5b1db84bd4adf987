// mmbot/risk/checks/loss_limit.hpp
//
// Freezes when the loss (realized + unrealized, marked at mid) of a symbol, or of the whole bot,
// exceeds its limit. Evaluated on every tick and before every order.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct loss_limit : state_only_check<loss_limit> {
    static constexpr std::string_view name = "loss_limit";

    [[nodiscard]] static verdict check_state(const symbol_view& s, const bot_view& /*unused*/) {
        const core::notional loss = -(s.realized_pnl + s.unrealized_pnl);
        return verdict::above(action::freeze, name, loss, s.limits->max_loss);
    }
};

struct total_loss_limit : state_only_check<total_loss_limit> {
    static constexpr std::string_view name = "total_loss_limit";

    [[nodiscard]] static verdict check_state(const symbol_view& /*unused*/, const bot_view& b) {
        const core::notional loss = -b.total_pnl;
        return verdict::above(action::freeze, name, loss, b.limits->max_total_loss);
    }
};

}  // namespace mmbot::risk
