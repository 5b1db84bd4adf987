// mmbot/venue/binance/error_codes.hpp
//
// Binance's refusals -> a typed error code (errors.hpp) and whether trying again can help. A
// refusal arrives as an HTTP status and, usually, a body {"code":-2011,"msg":"Unknown order sent."}.
// The HTTP status decides first for the two that are about us rather than the request: 429 (weight
// over the limit: back off) and 418 (IP banned for ignoring 429s: stop); both carry Retry-After.
// Otherwise the body's code decides; a 5xx without a known code is a venue failure whose outcome is
// unknown (the order may exist: reconcile by client id before re-sending, retry_policy's rule).
//
// `retryable` is the venue's view only (the same request may succeed later); whether a create
// may be re-sent is the caller's decision, which never re-sends blindly.
//
//   auto info = classify(400, -5022);   // {-5022, errc::post_only_would_take, retryable false}
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/errors.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace mmbot::venue::binance {

struct code_info {
    std::int64_t code = 0;
    errc error = errc::unclassified;
    bool retryable = false;
};

namespace detail {
inline constexpr std::array<code_info, 31> code_table{{
    {-1000, errc::server_error, true},  // UNKNOWN: an unknown error occurred
    {-1001, errc::server_error, true},  // DISCONNECTED: internal error
    {-1003, errc::rate_limit, true},    // TOO_MANY_REQUESTS
    {-1007, errc::server_error, true},  // TIMEOUT: execution status unknown
    {-1008, errc::server_error, true},  // SERVER_BUSY
    {-1015, errc::order_rate_limit, true},
    {-1021, errc::timestamp, true},     // INVALID_TIMESTAMP: outside recvWindow
    {-1022, errc::signature, false},    // INVALID_SIGNATURE
    {-1102, errc::params, false},       // MANDATORY_PARAM_EMPTY_OR_MALFORMED
    {-1106, errc::params, false},       // PARAM_NOT_REQUIRED
    {-1111, errc::params, false},       // BAD_PRECISION
    {-1116, errc::params, false},       // INVALID_ORDER_TYPE
    {-1117, errc::params, false},       // INVALID_SIDE
    {-1121, errc::params, false},       // BAD_SYMBOL
    {-2010, errc::params, false},       // NEW_ORDER_REJECTED
    {-2011, errc::order_not_found, false},  // CANCEL_REJECTED: unknown order sent
    {-2013, errc::order_not_found, false},  // NO_SUCH_ORDER
    {-2014, errc::invalid_key, false},  // BAD_API_KEY_FMT
    {-2015, errc::invalid_key, false},  // REJECTED_MBX_KEY: invalid key, IP or permissions
    {-2018, errc::insufficient_balance, false},
    {-2019, errc::insufficient_balance, false},  // MARGIN_NOT_SUFFICIEN
    {-4003, errc::filter_failure, false},  // QTY_LESS_THAN_ZERO
    {-4014, errc::filter_failure, false},  // PRICE_NOT_INCREASED_BY_TICK_SIZE
    {-4015, errc::params, false},  // CLIENT_ORDER_ID_INVALID: "Client order id is not valid."
    {-4016, errc::filter_failure, false},  // PRICE_HIGHTER_THAN_MULTIPLIER_UP (PERCENT_PRICE)
    {-4023, errc::filter_failure, false},  // QTY_NOT_INCREASED_BY_STEP_SIZE
    {-4024, errc::filter_failure, false},  // PRICE_LOWER_THAN_MULTIPLIER_DOWN (PERCENT_PRICE)
    {-4116, errc::duplicate_client_order_id, false},  // DUPLICATED_CLIENT_ORDER_ID: "ClientOrderId is duplicated."
    {-4164, errc::filter_failure, false},  // MIN_NOTIONAL
    {-5022, errc::post_only_would_take, false},  // GTX order would immediately match
    {-5028, errc::timestamp, true},     // timestamp for this request is outside the recvWindow
}};
}  // namespace detail

/// A Binance error code alone. Unknown codes are errc::unclassified ("binance_error"), not
/// retryable: an unfamiliar refusal is not retried.
[[nodiscard]] constexpr code_info classify_code(std::int64_t code) noexcept {
    for (const auto& e : detail::code_table) {
        if (e.code == code) return e;
    }
    return {code, errc::unclassified, false};
}

/// A refused response: its HTTP status and the body's code when it had one.
[[nodiscard]] constexpr code_info classify(int http_status, std::optional<std::int64_t> code) noexcept {
    if (http_status == 429) return {code.value_or(0), errc::rate_limit, true};
    if (http_status == 418) return {code.value_or(0), errc::ip_banned, false};
    if (code) {
        const code_info known = classify_code(*code);
        if (known.error != errc::unclassified || http_status < 500) return known;
    }
    if (http_status >= 500) return {code.value_or(0), errc::server_error, true};
    return {code.value_or(0), errc::unclassified, false};
}

}  // namespace mmbot::venue::binance
