// mmbot/venue/detail/signing_checks.hpp
//
// What both venues' signers check before they sign: the receive window (both refuse one above
// 60 s) and the api key. The key rule: a key is [A-Za-z0-9]+
// (Bybit's and Binance's keys are alphanumeric; anything else would need escaping in a header or
// a JSON auth message and is a copy-paste accident). The error names the position, never a
// character of the key.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/detail/hmac_sha256.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <string_view>

namespace mmbot::venue::detail {

/// `key` is the revealed api key (the caller is a signer); `refused` is its venue's
/// credentials code.
[[nodiscard]] inline core::result<void> check_api_key(std::string_view key, core::error_code refused) {
    for (std::size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum) {
            return core::make_error(refused,
                                    fmt::format("api_key: character at position {} is not [A-Za-z0-9]", i));
        }
    }
    return {};
}

/// The HMAC a signer keys with `secret`, after the credential checks both venues share: key and
/// secret set, and the key [A-Za-z0-9]+. `key` and `secret` are revealed views (the caller is a
/// signer); errors carry the venue's `refused` (credentials) or `crypto` code and never key
/// material.
[[nodiscard]] inline core::result<hmac_sha256> keyed_hmac(std::string_view key, std::string_view secret,
                                                          core::error_code refused,
                                                          core::error_code crypto) {
    if (key.empty() || secret.empty()) {
        return core::make_error(refused, "api_key and api_secret must be set");
    }
    if (auto ok = check_api_key(key, refused); !ok) return ok.error();
    return hmac_sha256::make(secret, crypto);
}

/// Both venues refuse a receive window above 60 s; their default is 5 s.
inline constexpr std::chrono::milliseconds max_recv_window{60000};

/// A receive window in 1..60000 ms; the error names the venue's own parameter (`name`).
[[nodiscard]] inline core::result<void> check_recv_window(std::chrono::milliseconds w,
                                                          std::string_view name,
                                                          core::error_code refused) {
    if (w.count() <= 0 || w > max_recv_window) {
        return core::make_error(refused, fmt::format("{}: must be in 1..{} ms, got {}", name,
                                                     max_recv_window.count(), w.count()));
    }
    return {};
}

}  // namespace mmbot::venue::detail
