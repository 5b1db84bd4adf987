// mmbot/venue/bybit/signer.hpp
//
// Signs Bybit v5 private REST requests and the private WebSocket auth message.
//
// REST: X-BAPI-SIGN = lowercase hex HMAC-SHA256(api_secret,
//           timestamp + api_key + recv_window + (query string for GET | exact JSON body for POST))
// sent with X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms) and X-BAPI-RECV-WINDOW (ms). Bybit v5 HMAC needs
// no X-BAPI-SIGN-TYPE header and ccxt does not send one for v5, so neither do we.
// WebSocket: {"op":"auth","args":[api_key, expires_ms, hex HMAC-SHA256(api_secret,
//           "GET/realtime" + expires_ms)]}.
// Both are checked byte for byte against ccxt (tests/venue/bybit/ccxt_vectors.json).
//
// This is the one reader of clear-text credentials (secrets::signer_access befriends it): the
// secret goes into OpenSSL's HMAC context once, at construction, and the key is revealed only into
// the HMAC input and into the header/message writer the transport passes in. Nothing here formats
// either into an error or a log line; `masked_api_key()` is what diagnostics may show.
//
// Signing reuses one HMAC context: a signer is not thread-safe (one per connection/thread).
//
//   auto s = signer::make(std::move(creds), std::chrono::milliseconds{5000});
//   auto sig = s->sign_rest(now_ms, body);               // result<rest_signature>
//   s->write_headers(*sig, [&](std::string_view name, std::string_view value) {
//       req.set(name, value);                            // the transport's header setter
//   });
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/secret_string.hpp"
#include "mmbot/venue/detail/signing_checks.hpp"
#include "mmbot/venue/detail/hmac_sha256.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

namespace detail {
using venue::detail::hmac_sha256;
using venue::detail::sha256_digest;
using venue::detail::sha256_size;
using venue::detail::to_lower_hex;
}  // namespace detail

inline constexpr std::string_view header_api_key = "X-BAPI-API-KEY";
inline constexpr std::string_view header_timestamp = "X-BAPI-TIMESTAMP";
inline constexpr std::string_view header_recv_window = "X-BAPI-RECV-WINDOW";
inline constexpr std::string_view header_sign = "X-BAPI-SIGN";
/// What the private WebSocket signature covers before the expiry time.
inline constexpr std::string_view ws_auth_prefix = "GET/realtime";

/// Bybit rejects recv_window outside this range (ms); 5000 is its default.
inline constexpr std::chrono::milliseconds max_recv_window = venue::detail::max_recv_window;
inline constexpr std::chrono::milliseconds default_recv_window{5000};

/// A millisecond count as decimal text without allocating (timestamps, recv_window, expires).
class ms_text {
public:
    ms_text() = default;
    explicit ms_text(std::int64_t ms) noexcept {
        const auto r = std::to_chars(buf_.data(), buf_.data() + buf_.size(), ms);
        size_ = static_cast<std::size_t>(r.ptr - buf_.data());
    }
    [[nodiscard]] std::string_view view() const noexcept { return {buf_.data(), size_}; }

private:
    std::array<char, 20> buf_{};  // int64 needs at most 20 characters with the sign
    std::size_t size_ = 0;
};

/// The non-secret half of a signed REST request: the header values other than the api key.
struct rest_signature {
    ms_text timestamp;
    ms_text recv_window;
    std::array<char, 2 * detail::sha256_size> hex{};
    [[nodiscard]] std::string_view sign() const noexcept { return {hex.data(), hex.size()}; }
};

/// What `write_headers` calls once per header.
template <class F>
concept header_setter = std::invocable<F&, std::string_view, std::string_view>;

/// Bybit's accepted range of recv_window; error bybit_recv_window names the value outside it.
[[nodiscard]] inline core::result<void> check_recv_window(std::chrono::milliseconds w) {
    return venue::detail::check_recv_window(w, "recv_window", errc::recv_window);
}

class signer {
public:
    /// Checks the credentials and keys the HMAC. Errors (never quoting key material):
    ///   bybit_credentials  api key or secret empty, or the api key has a character outside
    ///                      [A-Za-z0-9] (Bybit keys are alphanumeric; anything else would need
    ///                      escaping in the WebSocket auth JSON and is a copy-paste accident)
    ///   bybit_recv_window  recv_window not in 1..60000 ms
    ///   bybit_crypto       OpenSSL could not set up HMAC-SHA256
    [[nodiscard]] static core::result<signer> make(
        secrets::credentials creds, std::chrono::milliseconds recv_window = default_recv_window) {
        if (auto ok = check_recv_window(recv_window); !ok) return ok.error();
        auto mac = venue::detail::keyed_hmac(creds.api_key.reveal(secrets::signer_access{}),
                                             creds.api_secret.reveal(secrets::signer_access{}),
                                             errc::credentials, errc::crypto);
        if (!mac) return mac.error();
        return signer{std::move(creds.api_key), std::move(*mac), recv_window};
    }

    /// Signs one REST request. `payload` is exactly what goes on the wire: the query string
    /// (without '?') of a GET, the body of a POST. `recv_window` overrides the signer's for this
    /// request (zero: the signer's). Errors: bybit_crypto if OpenSSL fails, bybit_recv_window
    /// for an override outside 1..60000 ms.
    [[nodiscard]] core::result<rest_signature> sign_rest(std::int64_t timestamp_ms, std::string_view payload,
                                                         std::chrono::milliseconds recv_window = {}) {
        rest_signature out;
        out.timestamp = ms_text{timestamp_ms};
        if (recv_window.count() == 0) {
            out.recv_window = recv_window_text_;
        } else if (auto ok = check_recv_window(recv_window); !ok) {
            return ok.error();
        } else {
            out.recv_window = ms_text{recv_window.count()};
        }
        const std::string_view key = api_key_.reveal(secrets::signer_access{});
        if (!mac(out.hex, {out.timestamp.view(), key, out.recv_window.view(), payload})) {
            return core::make_error(errc::crypto, "HMAC-SHA256 of a REST request failed");
        }
        return out;
    }

    /// Calls `set(name, value)` for X-BAPI-API-KEY, -TIMESTAMP, -RECV-WINDOW and -SIGN, in that
    /// order (ccxt's). The api key's clear text exists only for the duration of that call.
    template <header_setter Set>
    void write_headers(const rest_signature& sig, Set&& set) const {
        set(header_api_key, api_key_.reveal(secrets::signer_access{}));
        set(header_timestamp, sig.timestamp.view());
        set(header_recv_window, sig.recv_window.view());
        set(header_sign, sig.sign());
    }

    /// Appends {"op":"auth","args":["<api key>","<expires>","<signature>"]} to `out` (the frame to
    /// send; it holds the api key, so it must not be logged). `expires_ms` is a future time;
    /// Bybit rejects the auth once it has passed. Error bybit_crypto if OpenSSL fails.
    [[nodiscard]] core::result<void> append_ws_auth(std::int64_t expires_ms, std::string& out) {
        const ms_text expires{expires_ms};
        std::array<char, 2 * detail::sha256_size> hex{};
        if (!mac(hex, {ws_auth_prefix, expires.view(), {}, {}})) {
            return core::make_error(errc::crypto, "HMAC-SHA256 of the WebSocket auth failed");
        }
        out.append(R"({"op":"auth","args":[")");
        out.append(api_key_.reveal(secrets::signer_access{}));
        out.append(R"(",")");
        out.append(expires.view());
        out.append(R"(",")");
        out.append(hex.data(), hex.size());
        out.append(R"("]})");
        return {};
    }

    /// Server side (the local venue, testing/local_venue/): whether `api_key` is this signer's key,
    /// compared in constant time without revealing it.
    [[nodiscard]] bool key_matches(std::string_view api_key) const noexcept {
        return api_key_.matches(api_key);
    }

    /// Server side: recomputes X-BAPI-SIGN over the header texts and payload exactly as received
    /// (never re-formatted numbers) and compares it with `sign` in constant time. False when they
    /// differ or OpenSSL fails.
    [[nodiscard]] bool verify_rest(std::string_view timestamp, std::string_view recv_window,
                                   std::string_view payload, std::string_view sign) {
        const std::string_view key = api_key_.reveal(secrets::signer_access{});
        std::array<char, 2 * detail::sha256_size> hex{};
        return mac(hex, {timestamp, key, recv_window, payload}) && same_hex(hex, sign);
    }

    /// Server side: checks the signature of a WebSocket auth, HMAC("GET/realtime" + expires),
    /// with `expires` as received.
    [[nodiscard]] bool verify_ws_auth(std::string_view expires, std::string_view sign) {
        std::array<char, 2 * detail::sha256_size> hex{};
        return mac(hex, {ws_auth_prefix, expires, {}, {}}) && same_hex(hex, sign);
    }

    /// "1234...cdef": the only form of the key that diagnostics may print.
    [[nodiscard]] std::string masked_api_key() const {
        return api_key_.masked(secrets::secret_kind::api_key);
    }
    [[nodiscard]] std::chrono::milliseconds recv_window() const noexcept { return recv_window_; }

private:
    signer(secrets::secret_string api_key, detail::hmac_sha256 mac,
           std::chrono::milliseconds recv_window)
        : api_key_(std::move(api_key)),
          mac_(std::move(mac)),
          recv_window_(recv_window),
          recv_window_text_(recv_window.count()) {}

    /// HMAC of the concatenation of up to four pieces, as lowercase hex.
    [[nodiscard]] bool mac(std::array<char, 2 * detail::sha256_size>& hex,
                           const std::array<std::string_view, 4>& pieces) {
        if (!mac_.begin()) return false;
        for (const std::string_view p : pieces) {
            if (!p.empty() && !mac_.update(p)) return false;
        }
        detail::sha256_digest digest{};
        if (!mac_.finish(digest)) return false;
        detail::to_lower_hex(digest, hex);
        return true;
    }

    [[nodiscard]] static bool same_hex(const std::array<char, 2 * detail::sha256_size>& hex,
                                       std::string_view sign) noexcept {
        return sign.size() == hex.size() &&
               CRYPTO_memcmp(hex.data(), sign.data(), hex.size()) == 0;
    }

    secrets::secret_string api_key_;
    detail::hmac_sha256 mac_;
    std::chrono::milliseconds recv_window_;
    ms_text recv_window_text_;
};

}  // namespace mmbot::venue::bybit
