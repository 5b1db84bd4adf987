// mmbot/core/env.hpp
//
// The three environments as compile-time types. Each binary in targets/ picks exactly one, and
// everything that differs between shadow, testnet and live is a constexpr fact here, so the
// compiler (not a runtime flag) decides whether a binary can send orders, which secrets it reads
// and which hosts it can reach.
//
//   template <mmbot::env::environment Env>
//   void run() { if constexpr (Env::sends_orders) { ... } }
#pragma once

#include <concepts>
#include <string_view>

namespace mmbot::env {

enum class kind { shadow, testnet, live };

/// Shadow: public market data (live or recorded), simulated fills, no keys, nothing sent.
struct shadow {
    static constexpr kind id = kind::shadow;
    static constexpr std::string_view name = "shadow";
    /// Orders never leave the process: the binary links no signer and no order client.
    static constexpr bool sends_orders = false;
    /// EXCHANGE_ENV value and the secret namespace it maps to (mm-bot/<namespace>/<venue>).
    static constexpr std::string_view exchange_env = "shadow";
    static constexpr std::string_view secret_namespace = "dev";
    /// Public market data defaults to mainnet: shadow runs against the market it will trade.
    static constexpr std::string_view public_ws_host = "stream.bybit.com";
    static constexpr std::string_view rest_host = "api.bybit.com";
    static constexpr std::string_view rest_failover_host = "api.bytick.com";
    static constexpr std::string_view private_ws_host = "";
    /// Tests and rehearsals may point the feed at a local venue.
    static constexpr bool endpoint_override_allowed = true;
    static constexpr bool requires_canary_caps = false;
    static constexpr bool requires_preflight = false;
};

/// Testnet: real orders with test funds on Bybit testnet.
struct testnet {
    static constexpr kind id = kind::testnet;
    static constexpr std::string_view name = "testnet";
    static constexpr bool sends_orders = true;
    static constexpr std::string_view exchange_env = "testnet";
    static constexpr std::string_view secret_namespace = "testnet";
    static constexpr std::string_view public_ws_host = "stream-testnet.bybit.com";
    static constexpr std::string_view rest_host = "api-testnet.bybit.com";
    static constexpr std::string_view rest_failover_host = "";
    static constexpr std::string_view private_ws_host = "stream-testnet.bybit.com";
    /// The local venue ("exchange in a box") stands in for testnet in tests.
    static constexpr bool endpoint_override_allowed = true;
    static constexpr bool requires_canary_caps = false;
    static constexpr bool requires_preflight = false;
};

/// Live: mainnet, canary caps compiled in, preflight mandatory, no endpoint override at all.
struct live {
    static constexpr kind id = kind::live;
    static constexpr std::string_view name = "live";
    static constexpr bool sends_orders = true;
    static constexpr std::string_view exchange_env = "live";
    static constexpr std::string_view secret_namespace = "prod";
    static constexpr std::string_view public_ws_host = "stream.bybit.com";
    static constexpr std::string_view rest_host = "api.bybit.com";
    /// Bybit serves the same v5 mainnet API on a second domain; used only when the first fails.
    static constexpr std::string_view rest_failover_host = "api.bytick.com";
    static constexpr std::string_view private_ws_host = "stream.bybit.com";
    static constexpr bool endpoint_override_allowed = false;
    static constexpr bool requires_canary_caps = true;
    static constexpr bool requires_preflight = true;
};

/// What an environment type must declare. A static_assert in each consumer names this concept.
template <class E>
concept environment = requires {
    { E::id } -> std::convertible_to<kind>;
    { E::name } -> std::convertible_to<std::string_view>;
    { E::sends_orders } -> std::convertible_to<bool>;
    { E::exchange_env } -> std::convertible_to<std::string_view>;
    { E::secret_namespace } -> std::convertible_to<std::string_view>;
    { E::public_ws_host } -> std::convertible_to<std::string_view>;
    { E::rest_host } -> std::convertible_to<std::string_view>;
    { E::endpoint_override_allowed } -> std::convertible_to<bool>;
    { E::requires_canary_caps } -> std::convertible_to<bool>;
};

static_assert(environment<shadow> && environment<testnet> && environment<live>);

/// `f(Env{})` for the environment type whose id is `k`, or `otherwise` for a value that names
/// none (only a cast makes one): a per-environment fact read from the types, the one source.
///   env::visit(k, [](auto e) { return decltype(e)::secret_namespace; }, std::string_view("?"))
template <class F, class R>
[[nodiscard]] constexpr R visit(kind k, F f, R otherwise) {
    switch (k) {
        case kind::shadow: return f(shadow{});
        case kind::testnet: return f(testnet{});
        case kind::live: return f(live{});
    }
    return otherwise;
}
static_assert(!live::endpoint_override_allowed, "live must never be pointed at another host");
static_assert(!shadow::sends_orders, "shadow must never send orders");

}  // namespace mmbot::env
