// testing/local_venue/routes.hpp
//
// Every v5 REST path the local venue serves: mmbot's own client's endpoints (bybit::endpoint, with
// their limits bybit::default_limit, the numbers the client's limiter assumes, so both sides agree
// by construction) and the extra paths other clients call, as ccxt's bybit does: its market
// loader and the account questions it asks before trading (user/query-api, account/info,
// asset/coin/query-info), the order book and trades, balances and positions. An extra path's
// method, signing and per-UID limit are Bybit's published ones (v5 "Rate Limit Rules"); a market
// endpoint has only the per-IP limit. Adding a path is one enum entry and one table row.
//
//   const auto r = route_of("/v5/account/wallet-balance");   // extra_endpoint::account_wallet_balance
//   if (is_signed(*r)) ...
#pragma once

#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/rate_limiter.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace mmbot::venue::local {

/// The paths the venue serves besides its client's endpoints.
enum class extra_endpoint : std::uint8_t {
    market_orderbook,
    market_recent_trade,
    account_wallet_balance,
    account_info,
    position_list,
    user_query_api,
    asset_coin_info,
};

namespace detail {
struct extra_route {
    std::string_view path;
    bybit::http_method method;
    bool signed_request;
    std::int64_t per_second;  ///< per-UID limit, both categories; 0: the per-IP limit only
};
inline constexpr std::array<extra_route, 7> extra_routes{{
    {"/v5/market/orderbook", bybit::http_method::get, false, 0},
    {"/v5/market/recent-trade", bybit::http_method::get, false, 0},
    {"/v5/account/wallet-balance", bybit::http_method::get, true, 50},
    {"/v5/account/info", bybit::http_method::get, true, 50},
    {"/v5/position/list", bybit::http_method::get, true, 50},
    {"/v5/user/query-api", bybit::http_method::get, true, 10},
    {"/v5/asset/coin/query-info", bybit::http_method::get, true, 5},
}};
[[nodiscard]] constexpr const extra_route& info_of(extra_endpoint e) noexcept {
    return extra_routes[static_cast<std::size_t>(e)];
}
}  // namespace detail

/// A served path: one of the client's endpoints or an extra one.
using route = std::variant<bybit::endpoint, extra_endpoint>;
inline constexpr std::size_t route_count = bybit::endpoint_count + detail::extra_routes.size();

namespace detail {
/// The extra endpoint of a route that is not a client endpoint (get_if: nothing that can throw).
[[nodiscard]] constexpr const extra_route& extra_info(const route& r) noexcept {
    return info_of(*std::get_if<extra_endpoint>(&r));
}
}  // namespace detail

/// 0..route_count-1: the client's endpoints first, then the extra ones.
[[nodiscard]] constexpr std::size_t index_of(route r) noexcept {
    if (const auto* e = std::get_if<bybit::endpoint>(&r)) return bybit::index_of(*e);
    return bybit::endpoint_count + static_cast<std::size_t>(*std::get_if<extra_endpoint>(&r));
}
[[nodiscard]] constexpr route route_at(std::size_t index) noexcept {
    if (index < bybit::endpoint_count) return static_cast<bybit::endpoint>(index);
    return static_cast<extra_endpoint>(index - bybit::endpoint_count);
}

[[nodiscard]] constexpr std::string_view path_of(route r) noexcept {
    if (const auto* e = std::get_if<bybit::endpoint>(&r)) return bybit::path_of(*e);
    return detail::extra_info(r).path;
}
[[nodiscard]] constexpr bybit::http_method method_of(route r) noexcept {
    if (const auto* e = std::get_if<bybit::endpoint>(&r)) return bybit::method_of(*e);
    return detail::extra_info(r).method;
}
[[nodiscard]] constexpr bool is_signed(route r) noexcept {
    if (const auto* e = std::get_if<bybit::endpoint>(&r)) return bybit::is_signed(*e);
    return detail::extra_info(r).signed_request;
}
/// The per-UID limit of `r` in category `c` (per_window 0: the per-IP limit only).
[[nodiscard]] constexpr bybit::budget_limit limit_of(route r, bybit::category c) noexcept {
    if (const auto* e = std::get_if<bybit::endpoint>(&r)) return bybit::default_limit(*e, c);
    const std::int64_t n = detail::extra_info(r).per_second;
    return bybit::budget_limit{n, std::chrono::seconds{1}, n};
}

/// The route serving `path` (no query string), if any.
[[nodiscard]] constexpr std::optional<route> route_of(std::string_view path) noexcept {
    for (std::size_t i = 0; i < route_count; ++i) {
        if (path_of(route_at(i)) == path) return route_at(i);
    }
    return std::nullopt;
}

static_assert(path_of(route_at(index_of(extra_endpoint::asset_coin_info))) == "/v5/asset/coin/query-info",
              "extra_routes: one row per extra_endpoint, in its order");

}  // namespace mmbot::venue::local
