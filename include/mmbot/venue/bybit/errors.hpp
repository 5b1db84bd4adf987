// mmbot/venue/bybit/errors.hpp
//
// The error codes of the Bybit adapter: parsing, signing, transport, private stream, and one per
// classified retCode (ret_codes.hpp maps the numbers). Labels key metrics, logs and the gateway's
// events: never rename one.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::venue::bybit {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// retCode 0: only in a batch's per-order outcomes (ret_code_info), never in a failed result.
    ok,
    /// A response that is not JSON.
    json_syntax,
    missing_field,
    wrong_type,
    bad_value,
    /// A request field we refuse to send (empty, too long, bad characters, too many digits).
    request,
    /// api_key / api_secret unset or malformed.
    credentials,
    recv_window,
    /// OpenSSL's HMAC failed.
    crypto,
    /// No usable market/time sample (yet).
    clock_unsynced,
    /// The local clock is further from the venue's than allowed.
    clock_skew,
    /// Failed before any byte of the request was written (resolve, connect).
    not_sent,
    /// The TLS handshake with the venue failed (nothing was sent).
    tls,
    /// Sent, but no complete answer in time: the outcome is unknown.
    timeout,
    /// The server closed the kept-alive connection before the write.
    stale_connection,
    /// The gateway's request queue is full.
    queue_full,
    /// The private stream refused the auth.
    ws_auth,
    /// The private stream refused the subscription.
    ws_subscribe,
    /// retCode 10000.
    server_timeout,
    /// retCode 10001.
    params,
    /// retCode 10002: outside recv_window.
    timestamp,
    /// retCode 10003.
    invalid_key,
    /// retCode 10004.
    signature,
    /// retCode 10005.
    permission,
    /// retCode 10006.
    rate_limit,
    /// retCode 10007.
    auth_failed,
    /// retCode 10010.
    ip_not_allowed,
    /// retCode 10016.
    server_error,
    /// retCode 10017.
    path_not_found,
    /// retCode 10018.
    ip_rate_limit,
    /// retCode 110001 / spot 170213.
    order_not_found,
    /// retCode 110003 / spot 170134.
    price_out_of_range,
    /// retCode 110007 / spot 170131.
    insufficient_balance,
    /// retCode 110072.
    duplicate_order_link_id,
    /// spot retCode 170218.
    post_only_would_take,
    /// A non-zero retCode not in ret_codes.hpp's table: not retried.
    unclassified,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    // ok is the venue's own word in a batch outcome; unclassified keeps its published label.
    if (e == errc::ok) return "ok";
    if (e == errc::unclassified) return "bybit_error";
    return core::enum_label<"bybit_">(e);
}

/// The codes core::json::reader reports a bad field under (core/json_fields.hpp).
inline constexpr core::field_errors json_errors{errc::missing_field, errc::wrong_type,
                                               errc::bad_value};

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::venue::bybit
