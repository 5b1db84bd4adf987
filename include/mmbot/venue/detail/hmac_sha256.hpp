// mmbot/venue/detail/hmac_sha256.hpp
//
// HMAC-SHA256 through OpenSSL 3's EVP_MAC, keyed once and re-initialised per message: what both
// venues' request signers (Bybit's X-BAPI-SIGN, Binance's `signature`) compute.
//
// The signer feeds the pieces of the signed text (timestamp, api key, recv window, payload) one
// after the other instead of concatenating them, so signing allocates nothing. The key goes into
// OpenSSL's context at construction; `EVP_MAC_init` with a null key re-uses it (documented for
// HMAC in OpenSSL 3), and OpenSSL cleanses the key schedule when the context is freed.
//
//   auto mac = hmac_sha256::make(key_bytes, bybit::errc::crypto);  // OpenSSL may fail to allocate
//   mac->begin(); mac->update("abc"); auto digest = mac->finish();
#pragma once

#include "mmbot/core/error.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>

namespace mmbot::venue::detail {

inline constexpr std::size_t sha256_size = 32;
using sha256_digest = std::array<unsigned char, sha256_size>;

class hmac_sha256 {
public:
    /// Fetches HMAC and binds it to SHA-256 and `key`. Error `failure` (the calling venue's
    /// crypto code) when OpenSSL fails (no HMAC provider, allocation failure); the message never
    /// contains key material.
    [[nodiscard]] static core::result<hmac_sha256> make(std::string_view key,
                                                        core::error_code failure) {
        mac_ptr mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
        if (!mac) return core::make_error(failure, "EVP_MAC_fetch(HMAC) failed");
        ctx_ptr ctx{EVP_MAC_CTX_new(mac.get())};
        if (!ctx) return core::make_error(failure, "EVP_MAC_CTX_new failed");
        std::array<char, 7> digest_name{'S', 'H', 'A', '2', '5', '6', '\0'};
        const std::array<OSSL_PARAM, 2> params{
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
            OSSL_PARAM_construct_end()};
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes of the key as octets
        const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
        if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params.data()) != 1) {
            return core::make_error(failure, "EVP_MAC_init(HMAC-SHA256) failed");
        }
        return hmac_sha256{std::move(ctx)};
    }

    /// Starts a new message with the key given to make().
    [[nodiscard]] bool begin() noexcept {
        return EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) == 1;
    }
    [[nodiscard]] bool update(std::string_view bytes) noexcept {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): text as octets
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
        return EVP_MAC_update(ctx_.get(), p, bytes.size()) == 1;
    }
    [[nodiscard]] bool finish(sha256_digest& out) noexcept {
        std::size_t written = 0;
        return EVP_MAC_final(ctx_.get(), out.data(), &written, out.size()) == 1 &&
               written == out.size();
    }

private:
    struct mac_free {
        void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
    };
    struct ctx_free {
        void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
    };
    using mac_ptr = std::unique_ptr<EVP_MAC, mac_free>;
    using ctx_ptr = std::unique_ptr<EVP_MAC_CTX, ctx_free>;

    explicit hmac_sha256(ctx_ptr ctx) noexcept : ctx_(std::move(ctx)) {}

    ctx_ptr ctx_;
};

/// Lowercase hex of a digest, the form both venues expect.
inline void to_lower_hex(const sha256_digest& d, std::array<char, 2 * sha256_size>& out) noexcept {
    constexpr std::string_view digits = "0123456789abcdef";
    for (std::size_t j = 0; j < out.size(); ++j) {
        const unsigned b = d[j / 2];
        out[j] = digits[j % 2 == 0 ? b >> 4U : b & 0x0FU];
    }
}

}  // namespace mmbot::venue::detail
