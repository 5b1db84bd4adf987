// mmbot/venue/binance/errors.hpp
//
// The error codes of the Binance USD-M adapter: parsing, signing, the transport's failures, and one
// per classified Binance error code or HTTP refusal (error_codes.hpp maps the numbers). Labels ("binance_timestamp", ...)
// key metrics, logs and the gateway's events: never rename one.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::venue::binance {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A response that is not JSON.
    json_syntax,
    missing_field,
    wrong_type,
    bad_value,
    /// Credentials unusable: empty, or an api key with a character outside [A-Za-z0-9].
    credentials,
    /// recvWindow outside 1..60000 ms (Binance's bounds).
    recv_window,
    /// OpenSSL could not compute HMAC-SHA256.
    crypto,
    /// A request the builder refuses (an empty symbol, a client order id Binance would refuse).
    request,
    // ---- transport (rest_transport.hpp): what may be assumed about a request that failed
    /// Nothing of the request was written (resolve, connect, the stop's deadline passed).
    not_sent,
    /// The TLS handshake or certificate verification failed (nothing was sent).
    tls,
    /// Written, no complete answer in time: the outcome is unknown.
    timeout,
    /// The kept-alive connection was closed before the write, also on the retry (not sent).
    stale_connection,
    /// The order gateway's command queue is full (venue/order_gateway.hpp).
    queue_full,
    // ---- the venue-time offset (venue/clock_sync.hpp)
    /// No usable GET /fapi/v1/time sample yet.
    clock_unsynced,
    /// The local clock is further from the venue's than allowed.
    clock_skew,
    // ---- classified venue refusals (error_codes.hpp)
    /// -1021: the timestamp is outside recvWindow: resync the clock, then retry.
    timestamp,
    /// -1022: the signature is not valid.
    signature,
    /// -2014 / -2015: the api key is malformed, unknown, or lacks the permission or the IP.
    invalid_key,
    /// -1003 or HTTP 429: too much request weight; back off for Retry-After.
    rate_limit,
    /// HTTP 418: the IP is banned for ignoring 429s; stop until Retry-After.
    ip_banned,
    /// -1015: too many new orders.
    order_rate_limit,
    /// -1000 / -1001 / -1007 / HTTP 5xx: the venue failed or timed out; the outcome is unknown.
    server_error,
    /// -1102 / -1106 / -1111 / -1116 / -1117 / -1121 and other request errors.
    params,
    /// -2011 (cancel) / -2013 (query): no such order (filled, cancelled, or never placed).
    order_not_found,
    /// -5022: a GTX (post-only) order would have taken liquidity and was rejected.
    post_only_would_take,
    /// -2019 / -2018: not enough margin or balance.
    insufficient_balance,
    /// -4164 / -4003 / -4014 / -4023 and PERCENT_PRICE refusals: the order breaks a filter.
    filter_failure,
    /// -4116: the client order id is already in use by an open order.
    duplicate_client_order_id,
    /// Any code this table does not know: not retried.
    unclassified,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    if (e == errc::unclassified) return "binance_error";
    return core::enum_label<"binance_">(e);
}

/// The codes core::json::reader reports a bad field under (core/json_fields.hpp).
inline constexpr core::field_errors json_errors{errc::missing_field, errc::wrong_type,
                                               errc::bad_value};

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::venue::binance
