// mmbot/app/endpoint_override.hpp
//
// The rule for --endpoint-override HOST:PORT, per binary (docs/cli.md, "--endpoint-override"):
//
//   mmbot-live      refused: it only ever talks to Bybit mainnet's own hosts.
//   mmbot-testnet   an allow-list, because the override carries testnet credentials: loopback
//                   (the name `localhost`, which must resolve only to loopback addresses through
//                   the local resolver; a literal 127.0.0.0/8 or ::1) or Bybit's testnet hosts
//                   (api-testnet.bybit.com, stream-testnet.bybit.com). Everything else is refused,
//                   so every mainnet host of every venue (api.bybit.com, api.bytick.com,
//                   stream.bybit.com, *.bybit.nl, api.binance.com, ...) and every other IP is.
//   mmbot-shadow    any host: it holds no keys and sends nothing (its default feed is mainnet).
//
// The host is compared after normalising its spelling: ASCII lower case, one trailing dot
// removed, IPv6 brackets removed ("[::1]:9443"). No DNS query is made: an address other than a
// loopback literal is refused without resolving anything, and `localhost` is resolved only to
// check it stays on this machine.
//
//   auto t = check_endpoint_override<env::testnet>("localhost:9443");  // {host, port} or usage
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <string>
#include <string_view>

namespace mmbot::app {

/// Where an accepted --endpoint-override points: the normalised host and the port.
struct override_target {
    std::string host;
    std::string port;
};

/// Bybit's testnet hosts, the only non-loopback names mmbot-testnet may be pointed at.
inline constexpr std::array<std::string_view, 2> testnet_override_hosts{"api-testnet.bybit.com",
                                                                         "stream-testnet.bybit.com"};

namespace endpoint_detail {

[[nodiscard]] inline core::error refuse(std::string_view value, std::string_view why) {
    return core::make_error(errc::usage, fmt::format("--endpoint-override: \"{}\": {}", value, why));
}

/// "HOST:PORT" or "[V6]:PORT" -> normalised {host, port}; errors name the value.
[[nodiscard]] inline core::result<override_target> split(std::string_view value) {
    std::string_view host;
    std::string_view port;
    if (value.starts_with('[')) {
        const auto close = value.find("]:");
        if (close == std::string_view::npos) return refuse(value, "expected [IPV6]:PORT");
        host = value.substr(1, close - 1);
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string_view::npos) return refuse(value, "expected HOST:PORT");
        host = value.substr(0, colon);
        port = value.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return refuse(value, "an IPv6 address needs brackets: [ADDRESS]:PORT");
        }
    }
    unsigned n = 0;
    const auto* end = port.data() + port.size();  // NOLINT(*-pointer-arithmetic)
    const auto [p, ec] = std::from_chars(port.data(), end, n);
    if (port.empty() || ec != std::errc{} || p != end || n == 0 || n > 65535) {
        return refuse(value, "the port must be an integer in [1, 65535]");
    }
    std::string h(host);
    for (char& c : h) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (h.ends_with('.')) h.pop_back();
    if (h.empty() || h.starts_with('.') || h.ends_with('.') || h.find("..") != std::string::npos) {
        return refuse(value, "empty host name or label");
    }
    return override_target{std::move(h), std::to_string(n)};
}

/// True when every address `localhost` resolves to (local resolver, /etc/hosts) is loopback.
[[nodiscard]] inline bool localhost_stays_local() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver{io};
    boost::system::error_code ec;
    const auto results = resolver.resolve("localhost", "", ec);
    if (ec || results.empty()) return false;
    for (const auto& r : results) {
        if (!r.endpoint().address().is_loopback()) return false;
    }
    return true;
}

[[nodiscard]] inline bool allowed_for_testnet(const std::string& host) {
    for (const auto h : testnet_override_hosts) {
        if (host == h) return true;
    }
    if (host == "localhost") return localhost_stays_local();
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address(host, ec);
    return !ec && addr.is_loopback();
}

}  // namespace endpoint_detail

/// Checks --endpoint-override `value` for the binary of Env. Errors (code "usage", exit 2) name
/// the flag, the value and the rule.
template <env::environment Env>
[[nodiscard]] core::result<override_target> check_endpoint_override(std::string_view value) {
    if constexpr (!Env::endpoint_override_allowed) {
        return core::make_error(errc::usage, fmt::format("--endpoint-override: not available in mmbot-{} "
                                                     "(it only talks to mainnet), got \"{}\"",
                                                     Env::name, value));
    } else {
        auto t = endpoint_detail::split(value);
        if (!t || Env::id != env::kind::testnet) return t;
        if (!endpoint_detail::allowed_for_testnet(t->host)) {
            return endpoint_detail::refuse(
                value, fmt::format("mmbot-{} may only be pointed at loopback (localhost, 127.0.0.0/8, "
                                   "[::1]) or Bybit testnet ({}, {}); host \"{}\" is neither",
                                   Env::name, testnet_override_hosts[0], testnet_override_hosts[1],
                                   t->host));
        }
        return t;
    }
}

}  // namespace mmbot::app
