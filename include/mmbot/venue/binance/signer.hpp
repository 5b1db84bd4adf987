// mmbot/venue/binance/signer.hpp
//
// Signs Binance USD-M private REST requests (SIGNED endpoints):
//   signature = lowercase hex HMAC-SHA256(api_secret, the whole parameter text as sent)
// where the text is the query string of a GET/DELETE or the x-www-form-urlencoded body of a
// POST/PUT, including `timestamp` and `recvWindow`; "&signature=<hex>" is appended to the same
// text, and the api key goes in the X-MBX-APIKEY header. The user-data-stream key endpoints
// (listenKey) carry the header only. Checked byte for byte against ccxt's binanceusdm
// (tests/venue/binance/ccxt_vectors.json).
//
// Like the Bybit signer, this is a reader of clear-text credentials (secrets::signer_access
// befriends it): the secret goes into OpenSSL's HMAC context once, at construction; the key is
// revealed only into the header setter. Nothing here formats either into an error or a log line.
// Not thread-safe (one HMAC context): one signer per connection/thread.
//
//   auto s = signer::make(std::move(creds));                 // result<signer>
//   std::string text = "timestamp=...&symbol=BTCUSDT&...&recvWindow=5000";
//   if (auto ok = s->append_signature(text); !ok) ...        // text += "&signature=<hex>"
//   s->write_headers([&](std::string_view name, std::string_view value) { req.set(name, value); });
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/secret_string.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/detail/signing_checks.hpp"
#include "mmbot/venue/detail/hmac_sha256.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::binance {

inline constexpr std::string_view header_api_key = "X-MBX-APIKEY";
/// Binance refuses recvWindow above 60000 ms; 5000 is its default.
inline constexpr std::chrono::milliseconds max_recv_window = venue::detail::max_recv_window;
inline constexpr std::chrono::milliseconds default_recv_window{5000};

/// Binance's accepted range of recvWindow; error binance_recv_window names the value outside it.
[[nodiscard]] inline core::result<void> check_recv_window(std::chrono::milliseconds w) {
    return venue::detail::check_recv_window(w, "recvWindow", errc::recv_window);
}

class signer {
public:
    using hex_signature = std::array<char, 2 * venue::detail::sha256_size>;

    /// Checks the credentials and keys the HMAC. Errors (never quoting key material):
    ///   binance_credentials  api key or secret empty, or a key character outside [A-Za-z0-9]
    ///   binance_recv_window  recv_window not in 1..60000 ms
    ///   binance_crypto       OpenSSL could not set up HMAC-SHA256
    [[nodiscard]] static core::result<signer> make(
        secrets::credentials creds, std::chrono::milliseconds recv_window = default_recv_window) {
        if (auto ok = check_recv_window(recv_window); !ok) return ok.error();
        auto mac = venue::detail::keyed_hmac(creds.api_key.reveal(secrets::signer_access{}),
                                             creds.api_secret.reveal(secrets::signer_access{}),
                                             errc::credentials, errc::crypto);
        if (!mac) return mac.error();
        return signer{std::move(creds.api_key), std::move(*mac), recv_window};
    }

    /// The signature of `text` (the parameters exactly as sent). Error binance_crypto.
    [[nodiscard]] core::result<hex_signature> sign(std::string_view text) {
        hex_signature hex{};
        if (!mac(hex, text)) return core::make_error(errc::crypto, "HMAC-SHA256 of a request failed");
        return hex;
    }

    /// Appends "&signature=<hex>" (or "signature=<hex>" to empty text). Error binance_crypto.
    [[nodiscard]] core::result<void> append_signature(std::string& text) {
        auto hex = sign(text);
        if (!hex) return hex.error();
        if (!text.empty()) text.push_back('&');
        text.append("signature=");
        text.append(hex->data(), hex->size());
        return {};
    }

    /// Calls `set("X-MBX-APIKEY", key)`; the clear text exists only for that call.
    template <class Set>
        requires std::invocable<Set&, std::string_view, std::string_view>
    void write_headers(Set&& set) const {
        set(header_api_key, api_key_.reveal(secrets::signer_access{}));
    }

    /// Server side (the local venue): whether `api_key` is this signer's key, in constant time.
    [[nodiscard]] bool key_matches(std::string_view api_key) const noexcept {
        return api_key_.matches(api_key);
    }

    /// Server side: recomputes the signature over `text` as received and compares it with
    /// `signature` in constant time. False when they differ or OpenSSL fails.
    [[nodiscard]] bool verify(std::string_view text, std::string_view signature) {
        hex_signature hex{};
        return mac(hex, text) && signature.size() == hex.size() &&
               CRYPTO_memcmp(hex.data(), signature.data(), hex.size()) == 0;
    }

    /// The only form of the key that diagnostics may print.
    [[nodiscard]] std::string masked_api_key() const {
        return api_key_.masked(secrets::secret_kind::api_key);
    }
    [[nodiscard]] std::chrono::milliseconds recv_window() const noexcept { return recv_window_; }

private:
    signer(secrets::secret_string api_key, venue::detail::hmac_sha256 mac,
           std::chrono::milliseconds recv_window)
        : api_key_(std::move(api_key)), mac_(std::move(mac)), recv_window_(recv_window) {}

    [[nodiscard]] bool mac(hex_signature& hex, std::string_view text) {
        venue::detail::sha256_digest digest{};
        if (!mac_.begin() || (!text.empty() && !mac_.update(text)) || !mac_.finish(digest)) {
            return false;
        }
        venue::detail::to_lower_hex(digest, hex);
        return true;
    }

    secrets::secret_string api_key_;
    venue::detail::hmac_sha256 mac_;
    std::chrono::milliseconds recv_window_;
};

}  // namespace mmbot::venue::binance
