// mmbot/policy/block_reason.hpp
//
// Why an order was not sent. Each reason has one stable label: the `reason` label of
// mm_orders_blocked_total, the `reason` field of the order_blocked log line and the key in the
// report's blocked-by-reason table. Risk checks add their own labels (their check names); these
// are the maker policy's.
#pragma once

#include "mmbot/core/enum_label.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::policy {

enum class block_reason : std::uint8_t {
    none,           ///< not blocked
    min_qty,        ///< quantity, rounded down to the step, is below min_qty x pad
    max_qty,        ///< quantity above the venue's max (config refuses an order_qty above it)
    cross_price,    ///< BUY at or above best ask, SELL at or below best bid
    min_notional,   ///< price x quantity below the venue's minimum order value
    price_filter,   ///< price outside the instrument's [min_price, max_price]
    invalid_price,  ///< no positive price on the tick grid exists (offset too large)
    no_market,      ///< the reference side of the book is empty or crossed
};

[[nodiscard]] constexpr std::string_view label(block_reason r) noexcept {
    return core::enum_label(r);
}

}  // namespace mmbot::policy
