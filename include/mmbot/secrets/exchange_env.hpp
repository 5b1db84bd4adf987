// mmbot/secrets/exchange_env.hpp
//
// EXCHANGE_ENV: which environment a process believes it runs in, checked against the one it was
// built for.
//
// Each trading binary is compiled for exactly one mmbot::env type (shadow, testnet, live), and that
// type alone decides its secret namespace (dev, testnet, prod). EXCHANGE_ENV is only a guard rail
// for the operator: unset means "the binary's own environment"; set to the binary's own value it is
// accepted; set to anything else (another environment, or a typo) the binary refuses to start,
// because a live binary launched from a shell prepared for testnet is a mistake to stop, not a
// setting to follow. The CLI mmbot-secrets is the one program whose environment comes from
// EXCHANGE_ENV (default shadow).
//
//   template <mmbot::env::environment Env>
//   int main_for() {
//       if (auto ok = secrets::check_exchange_env<Env>(secrets::read_exchange_env()); !ok)
//           return fail(ok.error());   // exit_code_for(...) == environment_mismatch (3)
//   }
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/secrets/errors.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::secrets {

inline constexpr std::string_view exchange_env_variable = "EXCHANGE_ENV";

/// The environment used when EXCHANGE_ENV is unset and nothing else fixes one (the CLI).
inline constexpr env::kind default_exchange_env = env::kind::shadow;

[[nodiscard]] constexpr std::string_view exchange_env_name(env::kind k) noexcept {
    return env::visit(k, [](auto e) { return decltype(e)::exchange_env; }, std::string_view("?"));
}

/// shadow → dev, testnet → testnet, live → prod (from the env types, the single source).
[[nodiscard]] constexpr std::string_view secret_namespace(env::kind k) noexcept {
    return env::visit(k, [](auto e) { return decltype(e)::secret_namespace; }, std::string_view("?"));
}

namespace detail {
/// A value from the environment, quoted and cut short for an error message: it is operator input,
/// not a secret, but it may be long or contain bytes that would garble a terminal.
[[nodiscard]] inline std::string quote_input(std::string_view value) {
    constexpr std::size_t max_shown = 40;
    std::string out = "\"";
    for (const char c : value.substr(0, max_shown)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20U || u >= 0x7fU) ? '?' : c;
    }
    out += value.size() > max_shown ? "...\"" : "\"";
    return out;
}
}  // namespace detail

/// Parses an EXCHANGE_ENV value. Exact, lower-case match: "Live" or " live" is an error, because a
/// guard rail that guesses is no guard rail.
[[nodiscard]] inline core::result<env::kind> parse_exchange_env(std::string_view value) {
    for (const env::kind k : {env::kind::shadow, env::kind::testnet, env::kind::live}) {
        if (value == exchange_env_name(k)) return k;
    }
    return core::make_error(errc::exchange_env_unknown,
                            fmt::format("{}: unknown value {} (expected shadow, testnet or live)",
                                        exchange_env_variable, detail::quote_input(value)));
}

/// EXCHANGE_ENV from the process environment; nullopt when unset. An empty value counts as set
/// (and is then rejected as unknown), so `EXCHANGE_ENV= ./mm-live` does not silently pass.
[[nodiscard]] inline std::optional<std::string> read_exchange_env() {
    // Read once at start-up, before any thread exists, so getenv's lack of locking is harmless.
    const char* value = std::getenv("EXCHANGE_ENV");  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string{value};
}

/// The environment a program without a compiled-in one (the CLI) runs in: EXCHANGE_ENV, or shadow
/// when unset. An unknown value is an error.
[[nodiscard]] inline core::result<env::kind> resolve_exchange_env(
    const std::optional<std::string>& value) {
    if (!value) return default_exchange_env;
    return parse_exchange_env(*value);
}

/// Checks EXCHANGE_ENV against the environment `Env` the binary was built for: unset or equal is
/// fine; unknown or different is an error naming the variable, the value and the binary's env.
template <env::environment Env>
[[nodiscard]] core::result<void> check_exchange_env(const std::optional<std::string>& value) {
    if (!value) return {};
    auto parsed = parse_exchange_env(*value);
    if (!parsed) return parsed.error();
    if (*parsed != Env::id) {
        return core::make_error(
            errc::exchange_env_mismatch,
            fmt::format("{}: value {} disagrees with this binary, which is built for {} "
                        "(unset {} or set it to {})",
                        exchange_env_variable, detail::quote_input(*value), Env::exchange_env,
                        exchange_env_variable, Env::exchange_env));
    }
    return {};
}

}  // namespace mmbot::secrets
