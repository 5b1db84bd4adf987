// mmbot/venue/binance/endpoints.hpp
//
// Where Binance USD-M is for each environment, fixed at compile time like Bybit's hosts in
// core/env.hpp: testnet's binary talks to Binance's futures testnet, live's to mainnet, and only
// environments with `endpoint_override_allowed` (shadow, testnet) may be pointed elsewhere (the
// local venue in tests). For live the override does not compile.
//
//   environment  REST                           WebSocket (public streams, user data stream)
//   shadow       fapi.binance.com               fstream.binance.com      (public data only)
//   testnet      testnet.binancefuture.com      fstream.binancefuture.com
//   live         fapi.binance.com               fstream.binance.com
//
//   auto ep = binance::default_endpoint<env::testnet>();            // testnet.binancefuture.com:443
//   auto local = binance::override_endpoint<env::testnet>("127.0.0.1", "40123");
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/venue/rest_endpoint.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::binance {

template <env::environment Env>
struct hosts {
    static constexpr bool testnet = Env::id == env::kind::testnet;
    static constexpr std::string_view rest = testnet ? "testnet.binancefuture.com" : "fapi.binance.com";
    static constexpr std::string_view stream = testnet ? "fstream.binancefuture.com" : "fstream.binance.com";
};

template <env::environment Env>
[[nodiscard]] rest_endpoint default_endpoint() {
    return rest_endpoint{std::string(hosts<Env>::rest)};
}

/// Another host (the local venue). Only where the environment allows it: not for live.
template <env::environment Env>
    requires(Env::endpoint_override_allowed)
[[nodiscard]] rest_endpoint override_endpoint(std::string host, std::string port) {
    return rest_endpoint{std::move(host), std::move(port)};
}

/// The user data stream's path on the stream host: /ws/<listenKey>.
[[nodiscard]] inline std::string user_stream_target(std::string_view listen_key) {
    std::string t = "/ws/";
    t += listen_key;
    return t;
}

}  // namespace mmbot::venue::binance
