// testing/local_venue/binance_access.hpp
//
// Who may call the local venue's Binance USD-M front end, and how often (no I/O):
//
// Authentication, checked against the bytes as received (Binance's "totalParams"):
//   API key      X-MBX-APIKEY absent or not [A-Za-z0-9]+          -2014 "API-key format invalid."
//                another key                                      -2015 "Invalid API-key, IP, or
//                                                                  permissions for action."
//                (both HTTP 401; the listenKey endpoints stop here: key only, no signature)
//   signature    `signature` (the last parameter, in the query or in the body) = lowercase hex
//                HMAC-SHA256(secret, query string + body, each without the signature pair)
//                absent: -1102 naming it; wrong: -1022 "Signature for this request is not valid."
//   timestamp    an integer (ms), recvWindow 1..60000 (default 5000, else -1131);
//                server - recvWindow <= timestamp < server + 1000, else -1021 "Timestamp for this
//                request is outside of the recvWindow."
// The HMAC is binance::signer's (the one holder of the clear-text secret); no message quotes a
// key, a secret or a signature.
//
// Rate limits, per calendar minute as Binance counts them: REQUEST_WEIGHT 2400 (every request by
// its weight; X-MBX-USED-WEIGHT-1M on every answer) and ORDERS 1200 (new orders;
// X-MBX-ORDER-COUNT-1M on their answers). Past either: HTTP 429 with Retry-After (seconds to the
// next minute) and -1003 (weight) or -1015 (orders). Disabled (--no-rate-limit): counted, never
// refused.
//
// Listen keys (user data stream): POST makes one (the live key again while it lives, as Binance
// does: one per account), PUT keeps it alive, DELETE closes it; a key not kept alive for the TTL
// (Binance: 60 minutes; --listen-key-ttl-s) expires, and its streams get `listenKeyExpired`.
//
//   binance_access acc{std::move(signer), true, std::chrono::minutes{60}};
//   if (auto refused = acc.check_signed(key, query, body, now_ms)) return *refused;
#pragma once

#include "mmbot/venue/binance/signer.hpp"
#include "testing/local_venue/auth.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

/// A Binance error answer: HTTP status and {"code","msg"}.
struct binance_error {
    unsigned http_status = 400;
    std::int64_t code = 0;
    std::string msg;
    /// 429: seconds until the client may send again (the Retry-After header).
    std::int64_t retry_after_s = 0;

    [[nodiscard]] std::string body() const {
        boost::json::object o;
        o["code"] = code;
        o["msg"] = msg;
        return boost::json::serialize(o);
    }
};

/// Binance's codes the venue answers with (docs: "Error Codes", USD-M futures).
namespace bn {
inline constexpr std::int64_t unknown = -1000;
inline constexpr std::int64_t too_many_requests = -1003;
inline constexpr std::int64_t too_many_orders = -1015;
inline constexpr std::int64_t timestamp = -1021;
inline constexpr std::int64_t signature = -1022;
inline constexpr std::int64_t mandatory_param = -1102;
inline constexpr std::int64_t bad_symbol = -1121;
inline constexpr std::int64_t bad_recv_window = -1131;
inline constexpr std::int64_t invalid_listen_key = -1125;
inline constexpr std::int64_t illegal_chars = -1100;
inline constexpr std::int64_t invalid_order_type = -1116;
inline constexpr std::int64_t invalid_side = -1117;
inline constexpr std::int64_t invalid_tif = -1115;
inline constexpr std::int64_t cancel_rejected = -2011;
inline constexpr std::int64_t no_such_order = -2013;
inline constexpr std::int64_t key_format = -2014;
inline constexpr std::int64_t rejected_key = -2015;
inline constexpr std::int64_t price_above_max = -4002;
inline constexpr std::int64_t qty_below_min = -4004;
inline constexpr std::int64_t qty_above_max = -4005;
inline constexpr std::int64_t price_below_min = -4013;
inline constexpr std::int64_t price_tick = -4014;
inline constexpr std::int64_t qty_step = -4023;
inline constexpr std::int64_t client_order_id_invalid = -4015;
inline constexpr std::int64_t price_above_band = -4016;
inline constexpr std::int64_t price_below_band = -4024;
inline constexpr std::int64_t duplicate_client_order_id = -4116;
inline constexpr std::int64_t min_notional = -4164;
inline constexpr std::int64_t post_only_would_take = -5022;
}  // namespace bn

[[nodiscard]] inline binance_error bn_error(std::int64_t code, std::string_view msg, unsigned http = 400) {
    return {http, code, std::string(msg), 0};
}
/// -1102 for a parameter that is absent, empty or malformed, in Binance's words.
[[nodiscard]] inline binance_error bn_missing(std::string_view name) {
    return bn_error(bn::mandatory_param,
                    fmt::format("Mandatory parameter '{}' was not sent, was empty/null, or malformed.",
                                name.substr(0, 40)));
}

/// The query and body as Binance signs them: each without its `signature=<hex>` pair, joined
/// without a separator, and the signature found (in the query or the body; "" when absent).
struct signed_text {
    std::string total_params;
    std::string signature;
};
[[nodiscard]] inline signed_text split_signature(std::string_view query, std::string_view body) {
    signed_text out;
    const auto strip = [&out](std::string_view text) {
        std::string kept;
        while (!text.empty()) {
            const auto amp = text.find('&');
            const std::string_view pair = text.substr(0, amp);
            text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
            if (pair.starts_with("signature=")) {
                out.signature = std::string(pair.substr(10));
                continue;
            }
            if (!kept.empty()) kept += '&';
            kept += pair;
        }
        return kept;
    };
    out.total_params = strip(query);
    out.total_params += strip(body);
    return out;
}

/// Binance's ORDERS and REQUEST_WEIGHT limits per minute (exchangeInfo's rateLimits).
inline constexpr std::int64_t binance_weight_per_minute = 2400;
inline constexpr std::int64_t binance_orders_per_minute = 1200;

/// What the rate limiter says of one request: its counts for the headers, or a refusal.
struct binance_usage {
    std::int64_t used_weight = 0;
    std::int64_t order_count = 0;
    std::optional<binance_error> refused;
};

class binance_access {
public:
    binance_access(binance::signer s, bool rate_limits, std::chrono::seconds listen_key_ttl)
        : signer_(std::move(s)), enabled_(rate_limits), ttl_ms_(listen_key_ttl.count() * 1000) {}

    // ------------------------------------------------------------------ authentication

    /// The listenKey endpoints: the API key only.
    [[nodiscard]] std::optional<binance_error> check_key(std::string_view api_key) const {
        const bool well_formed = !api_key.empty() && api_key.size() <= 128 &&
                                 api_key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
                                     std::string_view::npos;
        if (!well_formed) return bn_error(bn::key_format, "API-key format invalid.", 401);
        if (!signer_.key_matches(api_key)) {
            return bn_error(bn::rejected_key, "Invalid API-key, IP, or permissions for action.", 401);
        }
        return std::nullopt;
    }

    /// A SIGNED request (see the file comment). `params`: the parsed query and body.
    [[nodiscard]] std::optional<binance_error> check_signed(std::string_view api_key, std::string_view query,
                                                            std::string_view body, const boost::json::object& params,
                                                            std::int64_t now_ms) {
        if (auto refused = check_key(api_key)) return refused;
        const auto text = [&params](std::string_view k) -> std::string_view {
            const auto* v = params.if_contains(k);
            return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
        };
        const auto ts = detail::parse_ms(text("timestamp"));
        if (!ts) return bn_missing("timestamp");
        const std::string_view rw_text = text("recvWindow");
        const auto rw = rw_text.empty() ? std::optional<std::int64_t>{5000} : detail::parse_ms(rw_text);
        if (!rw || *rw < 1 || *rw > binance::max_recv_window.count()) {
            return bn_error(bn::bad_recv_window, "recvWindow must be less than 60000");
        }
        const signed_text s = split_signature(query, body);
        if (s.signature.empty()) return bn_missing("signature");
        if (!signer_.verify(s.total_params, s.signature)) {
            return bn_error(bn::signature, "Signature for this request is not valid.");
        }
        if (*ts >= now_ms + max_ahead_ms) {
            return bn_error(bn::timestamp, "Timestamp for this request was 1000ms ahead of the server's time.");
        }
        if (*ts < now_ms - *rw) {
            return bn_error(bn::timestamp, "Timestamp for this request is outside of the recvWindow.");
        }
        return std::nullopt;
    }

    // ------------------------------------------------------------------ rate limits

    /// Charges `weight` (and one order when `order`) to this minute, or refuses and charges
    /// nothing. `forced`: the rate_limit fault fired (429 -1003 whatever the counts).
    [[nodiscard]] binance_usage charge(std::int64_t weight, bool order, std::int64_t now_ms, bool forced) {
        const std::int64_t minute = now_ms / 60'000;
        if (minute != minute_) {
            minute_ = minute;
            weight_ = 0;
            orders_ = 0;
        }
        binance_usage u;
        const std::int64_t retry_after = (minute + 1) * 60 - now_ms / 1000;
        if (forced || (enabled_ && weight_ + weight > binance_weight_per_minute)) {
            u.refused = bn_error(bn::too_many_requests,
                                 fmt::format("Too many requests; current limit of IP(127.0.0.1) is {} requests per "
                                             "minute. Please use the websocket for live updates to avoid using REST API.",
                                             binance_weight_per_minute),
                                 429);
            u.refused->retry_after_s = forced ? 1 : retry_after;
        } else if (enabled_ && order && orders_ + 1 > binance_orders_per_minute) {
            u.refused = bn_error(bn::too_many_orders,
                                 fmt::format("Too many new orders; current limit is {} orders per MINUTE.",
                                             binance_orders_per_minute),
                                 429);
            u.refused->retry_after_s = retry_after;
        } else {
            weight_ += weight;
            if (order) ++orders_;
        }
        u.used_weight = weight_;
        u.order_count = orders_;
        return u;
    }

    // ------------------------------------------------------------------ listen keys

    /// POST /fapi/v1/listenKey: the live key (kept alive again), or a new one.
    [[nodiscard]] std::string open_listen_key(std::int64_t now_ms) {
        expire_listen_keys(now_ms);
        if (!keys_.empty()) {
            const auto live = keys_.begin();
            live->second = now_ms + ttl_ms_;
            return live->first;
        }
        // 64 characters like Binance's; only a handle here, not a secret.
        std::string key = fmt::format("lvbinance{:016x}{:039x}", static_cast<std::uint64_t>(now_ms), ++key_counter_);
        keys_.emplace(key, now_ms + ttl_ms_);
        return key;
    }
    /// PUT: false when the key does not exist (any more).
    [[nodiscard]] bool keep_alive(std::string_view key, std::int64_t now_ms) {
        expire_listen_keys(now_ms);
        const auto it = keys_.find(key);
        if (it == keys_.end()) return false;
        it->second = now_ms + ttl_ms_;
        return true;
    }
    /// DELETE: closes the key (its streams are closed by the server).
    bool close_listen_key(std::string_view key) {
        const auto it = keys_.find(key);
        if (it == keys_.end()) return false;
        keys_.erase(it);
        closed_.emplace_back(key);
        return true;
    }
    /// The one live key, or "" (DELETE without a listenKey parameter closes it).
    [[nodiscard]] std::string live_key() const { return keys_.empty() ? std::string() : keys_.begin()->first; }
    [[nodiscard]] bool listen_key_live(std::string_view key, std::int64_t now_ms) {
        expire_listen_keys(now_ms);
        return keys_.contains(key);
    }
    /// Drops every key past its TTL and remembers it for take_expired().
    void expire_listen_keys(std::int64_t now_ms) {
        for (auto it = keys_.begin(); it != keys_.end();) {
            if (it->second <= now_ms) {
                expired_.push_back(it->first);
                it = keys_.erase(it);
            } else {
                ++it;
            }
        }
    }
    /// Keys expired since the last call (their streams get listenKeyExpired).
    [[nodiscard]] std::vector<std::string> take_expired() { return std::exchange(expired_, {}); }
    /// Keys closed by DELETE since the last call (their streams are closed).
    [[nodiscard]] std::vector<std::string> take_closed() { return std::exchange(closed_, {}); }
    [[nodiscard]] std::int64_t listen_key_ttl_ms() const noexcept { return ttl_ms_; }

private:
    binance::signer signer_;
    bool enabled_;
    std::int64_t ttl_ms_;
    std::int64_t minute_ = -1;
    std::int64_t weight_ = 0;
    std::int64_t orders_ = 0;
    std::map<std::string, std::int64_t, std::less<>> keys_;  ///< key -> expiry (ms)
    std::vector<std::string> expired_;
    std::vector<std::string> closed_;
    std::uint64_t key_counter_ = 0;
};

}  // namespace mmbot::venue::local
