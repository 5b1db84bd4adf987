// mmbot/secrets/secret_name.hpp
//
// Secret names: mm-bot/<namespace>/<venue>, e.g. mm-bot/testnet/bybit.
//
// The namespace is derived from the environment (shadow → dev, testnet → testnet, live → prod), so
// a name says which environment may read it, and a provider can refuse a read from the wrong one
// by comparing two enum values. Venue names are 1-32 characters of [a-z0-9_], starting with a
// letter: that keeps the mapping to environment variable names (MMBOT_SECRET_TESTNET_BYBIT_API_KEY)
// reversible and the names safe to print. A string that fails to parse is never echoed in the
// error: an operator who pastes a key where a name belongs must not see it in a log.
//
//   auto n = secret_name::parse("mm-bot/testnet/bybit");   // {testnet, "bybit"}
//   secret_name::for_env<env::live>("bybit").str();        // "mm-bot/prod/bybit"
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/text_formatter.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/exchange_env.hpp"

#include <fmt/format.h>

#include <compare>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace mmbot::secrets {

inline constexpr std::string_view secret_name_prefix = "mm-bot/";
inline constexpr std::size_t max_venue_length = 32;

/// The environment whose secret namespace is `ns` ("dev" → shadow), or nullopt.
[[nodiscard]] constexpr std::optional<env::kind> env_of_namespace(std::string_view ns) noexcept {
    for (const env::kind k : {env::kind::shadow, env::kind::testnet, env::kind::live}) {
        if (ns == secret_namespace(k)) return k;
    }
    return std::nullopt;
}

/// Whether `venue` is 1-32 characters of [a-z0-9_] starting with a letter.
[[nodiscard]] constexpr bool valid_venue(std::string_view venue) noexcept {
    if (venue.empty() || venue.size() > max_venue_length) return false;
    if (venue.front() < 'a' || venue.front() > 'z') return false;
    for (const char c : venue) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

class secret_name {
public:
    /// Parses "mm-bot/<dev|testnet|prod>/<venue>". Errors say which part is wrong, not the input.
    [[nodiscard]] static core::result<secret_name> parse(std::string_view text) {
        const auto fail = [](std::string_view what) {
            return core::make_error(
                errc::invalid_secret_name,
                fmt::format("secret name: {} (expected mm-bot/<dev|testnet|prod>/<venue>)", what));
        };
        if (!text.starts_with(secret_name_prefix)) return fail("must start with mm-bot/");
        text.remove_prefix(secret_name_prefix.size());
        const std::size_t slash = text.find('/');
        if (slash == std::string_view::npos) return fail("missing /<venue>");
        const auto env = env_of_namespace(text.substr(0, slash));
        if (!env) return fail("namespace must be dev, testnet or prod");
        const std::string_view venue = text.substr(slash + 1);
        if (!valid_venue(venue)) {
            return fail("venue must be 1-32 characters of a-z, 0-9 and _, starting with a letter");
        }
        return secret_name{*env, venue};
    }

    /// The name of `venue`'s secret in the namespace of environment `E`.
    template <env::environment E>
    [[nodiscard]] static core::result<secret_name> for_env(std::string_view venue) {
        return of(E::id, venue);
    }

    [[nodiscard]] static core::result<secret_name> of(env::kind e, std::string_view venue) {
        if (!valid_venue(venue)) {
            return core::make_error(errc::invalid_secret_name,
                                    "secret name: venue must be 1-32 characters of a-z, 0-9 and "
                                    "_, starting with a letter");
        }
        return secret_name{e, venue};
    }

    /// The environment whose namespace this name lives in.
    [[nodiscard]] env::kind environment() const noexcept { return env_; }
    [[nodiscard]] std::string_view name_space() const noexcept { return secret_namespace(env_); }
    [[nodiscard]] const std::string& venue() const noexcept { return venue_; }

    /// "mm-bot/<namespace>/<venue>".
    [[nodiscard]] std::string str() const {
        return fmt::format("{}{}/{}", secret_name_prefix, name_space(), venue_);
    }

    friend bool operator==(const secret_name&, const secret_name&) = default;
    friend auto operator<=>(const secret_name& a, const secret_name& b) { return a.str() <=> b.str(); }
    friend std::ostream& operator<<(std::ostream& os, const secret_name& n) { return os << n.str(); }

private:
    secret_name(env::kind e, std::string_view venue) : env_(e), venue_(venue) {}

    env::kind env_;
    std::string venue_;
};

}  // namespace mmbot::secrets

template <>
struct fmt::formatter<mmbot::secrets::secret_name>
    : mmbot::core::text_formatter<mmbot::secrets::secret_name, &mmbot::secrets::secret_name::str> {};
