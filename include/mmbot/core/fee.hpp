// mmbot/core/fee.hpp
//
// The one fee function: what a fill costs at a fee rate, exact. The engine's positions and the
// simulator (shadow mode and the local venue) both charge through it, so a simulated fill and its
// bookkeeping can never disagree by a rounding.
//
//   auto fee = mmbot::core::fee_for(px, qty, ratio::parse("-0.00025").value());   // maker rebate
#pragma once

#include "mmbot/core/units.hpp"

namespace mmbot::core {

/// price x |qty| x rate, rounded UP to the notional scale: a fee never rounds in our favour, and
/// a negative rate (a rebate) gives a negative fee that rounds toward zero. The sign of `qty` does
/// not matter (a sell costs the same fee as a buy).
[[nodiscard]] inline notional fee_for(const price& px, const quantity& qty, const ratio& rate) {
    return mul(px * qty.abs(), rate, rounding::up);
}

}  // namespace mmbot::core
