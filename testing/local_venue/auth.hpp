// testing/local_venue/auth.hpp
//
// The venue side of Bybit v5 authentication, checked against the bytes as received:
//   REST       X-BAPI-API-KEY must be the configured key            else 10003 "API key is invalid."
//              X-BAPI-TIMESTAMP an integer (ms) with
//                server_time - recv_window <= timestamp < server_time + 1000
//                                                                    else 10002, naming both times
//                                                                    and the recv_window
//              X-BAPI-RECV-WINDOW optional (5000), an integer in 1..60000     else 10002
//              X-BAPI-SIGN = hex HMAC-SHA256(secret, timestamp + key + recv_window + payload),
//                over the header texts and the raw query string / raw body   else 10004
//   WebSocket  {"op":"auth","args":[key, expires, sign]}: the key, expires (ms) still in the
//              future, sign = HMAC("GET/realtime" + expires as received)
// The HMAC is bybit::signer's (the one holder of the clear-text secret); no message quotes a key,
// a secret or a signature.
//
//   authenticator auth{signer};
//   if (auto refused = auth.check_rest(key, ts, rw, sign, payload, now_ms)) return *refused;
#pragma once

#include "mmbot/venue/bybit/signer.hpp"
#include "testing/local_venue/reply.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace mmbot::venue::local {

namespace detail {
[[nodiscard]] inline std::optional<std::int64_t> parse_ms(std::string_view text) {
    std::int64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < 0) {
        return std::nullopt;
    }
    return v;
}
}  // namespace detail

/// Bybit accepts a timestamp up to this far ahead of its clock.
inline constexpr std::int64_t max_ahead_ms = 1000;

class authenticator {
public:
    explicit authenticator(bybit::signer s) : signer_(std::move(s)) {}

    /// Nullopt when the request is authentic and fresh; otherwise the refusal to send.
    [[nodiscard]] std::optional<api_reply> check_rest(std::string_view api_key,
                                                      std::string_view timestamp,
                                                      std::string_view recv_window,
                                                      std::string_view sign,
                                                      std::string_view payload,
                                                      std::int64_t now_ms) {
        if (api_key.empty() || !signer_.key_matches(api_key)) {
            return error_reply(ret::invalid_key, "API key is invalid.");
        }
        const auto ts = detail::parse_ms(timestamp);
        const auto rw = recv_window.empty() ? std::optional<std::int64_t>{5000}
                                            : detail::parse_ms(recv_window);
        if (!ts || !rw || *rw < 1 || *rw > bybit::max_recv_window.count()) {
            return error_reply(
                ret::timestamp,
                fmt::format("invalid request, please check your timestamp and recv_window: "
                            "X-BAPI-TIMESTAMP \"{}\", X-BAPI-RECV-WINDOW \"{}\"",
                            timestamp.substr(0, 20), recv_window.substr(0, 20)));
        }
        if (*ts < now_ms - *rw || *ts >= now_ms + max_ahead_ms) {
            return error_reply(
                ret::timestamp,
                fmt::format("invalid request, please check your server timestamp or recv_window "
                            "param. req_timestamp[{}],server_timestamp[{}],recv_window[{}]",
                            *ts, now_ms, *rw));
        }
        // The HMAC covers the texts as sent: an absent recv_window header is signed as "".
        if (sign.empty() || !signer_.verify_rest(timestamp, recv_window, payload, sign)) {
            return error_reply(ret::signature, "error sign! the signature does not match the "
                                               "request as received");
        }
        return std::nullopt;
    }

    /// Nullopt when the WebSocket auth is good; otherwise Bybit-style ret_msg text.
    [[nodiscard]] std::optional<std::string> check_ws(std::string_view api_key,
                                                      std::string_view expires,
                                                      std::string_view sign,
                                                      std::int64_t now_ms) {
        if (!signer_.key_matches(api_key)) return std::string("Invalid apikey");
        const auto e = detail::parse_ms(expires);
        if (!e) return fmt::format("Params Error: expires \"{}\" is not a ms time", expires.substr(0, 20));
        if (*e <= now_ms) {
            return fmt::format("Request expired: expires {} <= server time {}", *e, now_ms);
        }
        if (!signer_.verify_ws_auth(expires, sign)) return std::string("Invalid sign");
        return std::nullopt;
    }

private:
    bybit::signer signer_;
};

}  // namespace mmbot::venue::local
