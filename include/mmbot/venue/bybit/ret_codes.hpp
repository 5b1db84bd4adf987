// mmbot/venue/bybit/ret_codes.hpp
//
// Bybit v5 retCode -> a stable error label and whether trying again can help.
//
// The label becomes `core::error::code` of every failed response, so metrics, logs and the retry
// policy key on "bybit_rate_limit" rather than on magic numbers. `retryable` says whether the
// same request may succeed later *as far as the venue is concerned* (rate limit, timestamp out of
// the recv_window after a clock resync, transient server errors); whether it is *safe* to send a
// create again is the retry policy's decision (retry_policy.hpp), which never re-sends blindly.
//
//   auto info = classify(10006);   // {"bybit_rate_limit", retryable = true}
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mmbot::venue::bybit {

struct ret_code_info {
    std::int64_t ret_code = 0;
    std::string_view label;
    bool retryable = false;
};

namespace detail {
inline constexpr std::array<ret_code_info, 21> ret_code_table{{
    {0, "ok", false},
    {10000, "bybit_server_timeout", true},
    {10001, "bybit_params", false},
    {10002, "bybit_timestamp", true},  // outside recv_window: resync the clock, then retry
    {10003, "bybit_invalid_key", false},
    {10004, "bybit_signature", false},
    {10005, "bybit_permission", false},
    {10006, "bybit_rate_limit", true},
    {10007, "bybit_auth_failed", false},
    {10010, "bybit_ip_not_allowed", false},
    {10016, "bybit_server_error", true},
    {10017, "bybit_path_not_found", false},
    {10018, "bybit_ip_rate_limit", true},
    {110001, "bybit_order_not_found", false},
    {110003, "bybit_price_out_of_range", false},
    {110007, "bybit_insufficient_balance", false},
    {110072, "bybit_duplicate_order_link_id", false},
    {170131, "bybit_insufficient_balance", false},  // spot's code for the same thing
    {170134, "bybit_price_out_of_range", false},    // spot: order price has too many decimals
    {170213, "bybit_order_not_found", false},       // spot: order does not exist
    {170218, "bybit_post_only_would_take", false},  // spot: PostOnly would take liquidity
}};
}  // namespace detail

/// Unknown codes map to "bybit_error", not retryable: an unfamiliar refusal is not retried.
[[nodiscard]] constexpr ret_code_info classify(std::int64_t ret_code) noexcept {
    for (const auto& e : detail::ret_code_table) {
        if (e.ret_code == ret_code) return e;
    }
    return {ret_code, "bybit_error", false};
}

/// Whether an error label (a `core::error::code` from this adapter) is worth retrying.
[[nodiscard]] constexpr bool is_retryable(std::string_view label) noexcept {
    for (const auto& e : detail::ret_code_table) {
        if (e.label == label) return e.retryable;
    }
    return false;
}

}  // namespace mmbot::venue::bybit
