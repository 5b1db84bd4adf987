// mmbot/secrets/secret_string.hpp
//
// A string that cannot be printed by accident.
//
// API keys and secrets travel through loggers, error messages, metrics labels and test output. A
// plain std::string would print its clear text the first time someone logs a struct; this type
// prints only its masked form ("****": not one character) through fmt and operator<<, has no
// implicit conversion to anything readable, and wipes its buffer when it dies. `mask` is the one
// masking rule of the whole program: an api secret shows nothing, an api key of 16 characters or
// more its last 4 ("****cdef"), a shorter key nothing. The clear text comes out only through
// `reveal(signer_access)`, and `signer_access` can be constructed only by the classes it
// befriends: the venues' request signers (Bybit, Binance), which need the secret for
// HMAC-SHA256, and the file backend, which writes it to a 0600 file. Anyone else gets a compile error, so a new reader of
// clear text is a visible change to this header.
//
//   secret_string key{std::string{"1234567890abcdef"}};
//   fmt::print("{}\n", key);               // ****
//   key.masked(secret_kind::api_key);      // ****cdef
//   key.matches("1234567890abcdef");       // true, constant time
//   // key.reveal(...)                     // only mmbot::venue::bybit::signer can call this
#pragma once

#include "mmbot/core/text_formatter.hpp"
#include "mmbot/secrets/detail/wipe.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::bybit {
class signer;  // signs v5 REST requests and the private WebSocket auth message (issue: Bybit venue)
}  // namespace mmbot::venue::bybit
namespace mmbot::venue::binance {
class signer;  // signs USD-M REST requests (HMAC-SHA256 of the parameters, X-MBX-APIKEY)
}  // namespace mmbot::venue::binance

namespace mmbot::secrets {

class file_provider;

/// Passkey for `secret_string::reveal`. Its constructor is private: only the friends below can
/// make one, so only they can read clear text. To add a reader, add a friend here and say why.
class signer_access {
    signer_access() = default;
    /// Computes HMAC-SHA256 over the request with the api secret, and sends the api key as
    /// X-BAPI-API-KEY. It creates `signer_access{}` inside its own member functions.
    friend class mmbot::venue::bybit::signer;
    /// The same for Binance: HMAC-SHA256 of the parameters, the key as X-MBX-APIKEY.
    friend class mmbot::venue::binance::signer;
    /// Writes the clear text back to its 0600 JSON file (`set`).
    friend class file_provider;
};

/// What a value is; it decides how much of the value any output may show.
enum class secret_kind : std::uint8_t {
    api_secret,  ///< not one character, ever (also the kind of any value not known to be a key)
    api_key,     ///< the last `mask_key_tail` characters once it has `mask_key_min_length`
};

/// What stands in for the hidden characters (it says nothing about how many there are).
inline constexpr std::string_view mask_whole = "****";
/// An api key shows its last 4 characters only when those are at most a quarter of it: 4 of 16
/// hex characters are 16 of 64 bits, and Bybit keys are 18 characters.
inline constexpr std::size_t mask_key_tail = 4;
inline constexpr std::size_t mask_key_min_length = 16;

/// The masked form of `clear`: "****" for an api secret and for a key shorter than 16
/// characters; "****" + the last 4 characters for a key of 16 or more. Every output of a secret
/// value (fmt, operator<<, credentials, mmbot-secrets, preflight, logs) goes through here.
[[nodiscard]] inline std::string mask(std::string_view clear, secret_kind kind) {
    std::string out{mask_whole};
    if (kind == secret_kind::api_key && clear.size() >= mask_key_min_length) {
        out.append(clear.substr(clear.size() - mask_key_tail));
    }
    return out;
}

class secret_string {
public:
    secret_string() = default;

    /// Takes the clear text and wipes the caller's string, so the only copy left is ours.
    explicit secret_string(std::string&& clear) : secret_string(std::string_view{clear}) {
        detail::wipe(clear);
    }
    /// Copies the clear text; wiping the source stays the caller's job.
    explicit secret_string(std::string_view clear) : data_(clear.begin(), clear.end()) {}

    // Copy, move and destruction are the vector's: its allocator wipes every buffer it frees, and
    // a move hands the buffer over, so no copy of the clear text is left behind unwiped.

    [[nodiscard]] bool empty() const noexcept { return data_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }

    /// mask(value, kind): "****", or "****cdef" for an api key of 16 characters or more. fmt and
    /// operator<< print masked() with the default, so a value nobody marked as a key shows nothing.
    [[nodiscard]] std::string masked(secret_kind kind = secret_kind::api_secret) const {
        return mask(view(), kind);
    }

    /// Whether the clear text equals `candidate`, without revealing it and in time that does not
    /// depend on where the first difference is (only on the lengths).
    [[nodiscard]] bool matches(std::string_view candidate) const noexcept {
        if (candidate.size() != data_.size()) return false;
        if (data_.empty()) return true;
        return CRYPTO_memcmp(data_.data(), candidate.data(), data_.size()) == 0;
    }

    /// The clear text. Deliberately awkward: it needs a `signer_access`, which only the friends of
    /// that class can construct. The view dies with this object; do not copy it into a std::string.
    [[nodiscard]] std::string_view reveal(signer_access /*key*/) const noexcept { return view(); }

    /// Wipes and frees the clear text now rather than at destruction.
    void clear() noexcept { data_ = buffer{}; }

    friend std::ostream& operator<<(std::ostream& os, const secret_string& s) {
        return os << s.masked();
    }

private:
    using buffer = std::vector<char, detail::wiping_allocator<char>>;

    [[nodiscard]] std::string_view view() const noexcept { return {data_.data(), data_.size()}; }

    buffer data_;
};

/// The masked form with the default kind: what fmt prints.
[[nodiscard]] inline std::string masked_text(const secret_string& s) { return s.masked(); }

}  // namespace mmbot::secrets

/// fmt prints the masked form; format specs (width, alignment) apply to it.
template <>
struct fmt::formatter<mmbot::secrets::secret_string>
    : mmbot::core::text_formatter<mmbot::secrets::secret_string, &mmbot::secrets::masked_text> {};
