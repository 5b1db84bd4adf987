// mmbot/venue/bybit/ret_codes.hpp
//
// Bybit v5 retCode -> a typed error code (errors.hpp) and whether trying again can help.
//
// The code becomes `core::error::code` of every failed response, so metrics, logs and the retry
// policy key on errc::rate_limit ("bybit_rate_limit") rather than on magic numbers. `retryable` says whether the
// same request may succeed later *as far as the venue is concerned* (rate limit, timestamp out of
// the recv_window after a clock resync, transient server errors); whether it is *safe* to send a
// create again is the retry policy's decision (retry_policy.hpp), which never re-sends blindly.
//
//   auto info = classify(10006);   // {10006, errc::rate_limit, retryable = true}
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace mmbot::venue::bybit {

struct ret_code_info {
    std::int64_t ret_code = 0;
    errc code = errc::ok;
    bool retryable = false;
};

namespace detail {
inline constexpr std::array<ret_code_info, 21> ret_code_table{{
    {0, errc::ok, false},
    {10000, errc::server_timeout, true},
    {10001, errc::params, false},
    {10002, errc::timestamp, true},  // outside recv_window: resync the clock, then retry
    {10003, errc::invalid_key, false},
    {10004, errc::signature, false},
    {10005, errc::permission, false},
    {10006, errc::rate_limit, true},
    {10007, errc::auth_failed, false},
    {10010, errc::ip_not_allowed, false},
    {10016, errc::server_error, true},
    {10017, errc::path_not_found, false},
    {10018, errc::ip_rate_limit, true},
    {110001, errc::order_not_found, false},
    {110003, errc::price_out_of_range, false},
    {110007, errc::insufficient_balance, false},
    {110072, errc::duplicate_order_link_id, false},
    {170131, errc::insufficient_balance, false},  // spot's code for the same thing
    {170134, errc::price_out_of_range, false},    // spot: order price has too many decimals
    {170213, errc::order_not_found, false},       // spot: order does not exist
    {170218, errc::post_only_would_take, false},  // spot: PostOnly would take liquidity
}};
}  // namespace detail

/// Unknown codes map to errc::unclassified ("bybit_error"), not retryable: an unfamiliar refusal is not retried.
[[nodiscard]] constexpr ret_code_info classify(std::int64_t ret_code) noexcept {
    for (const auto& e : detail::ret_code_table) {
        if (e.ret_code == ret_code) return e;
    }
    return {ret_code, errc::unclassified, false};
}

/// Whether an error code (a `core::error::code` from this adapter) is worth retrying.
[[nodiscard]] constexpr bool is_retryable(core::error_code code) noexcept {
    for (const auto& e : detail::ret_code_table) {
        if (code == e.code) return e.retryable;
    }
    return false;
}

}  // namespace mmbot::venue::bybit
