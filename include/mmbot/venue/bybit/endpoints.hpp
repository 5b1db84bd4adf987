// mmbot/venue/bybit/endpoints.hpp
//
// The Bybit v5 endpoints this adapter uses, as one enum: path, HTTP method, whether it is signed,
// whether it is order entry (the transport gives those a short reply deadline), and the rate-limit
// class it is counted in. Requests, the rate limiter and the retry policy all
// key on `endpoint`, so adding one is a single edit here.
//
//   static_assert(path_of(endpoint::order_create) == "/v5/order/create");
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mmbot::venue::bybit {

/// Product line; the adapter trades USDT linear perpetuals and spot.
enum class category : std::uint8_t { linear, spot };

[[nodiscard]] constexpr std::string_view to_string(category c) noexcept {
    return c == category::linear ? "linear" : "spot";
}

enum class http_method : std::uint8_t { get, post };

enum class endpoint : std::uint8_t {
    order_create,
    order_create_batch,
    order_cancel,
    order_cancel_all,
    order_realtime,
    execution_list,
    market_time,
    market_instruments,
    market_tickers,
};
inline constexpr std::size_t endpoint_count = 9;

namespace detail {
struct endpoint_info {
    std::string_view path;
    http_method method;
    bool signed_request;
    bool order_entry;
};
inline constexpr std::array<endpoint_info, endpoint_count> endpoint_table{{
    {"/v5/order/create", http_method::post, true, true},
    {"/v5/order/create-batch", http_method::post, true, true},
    {"/v5/order/cancel", http_method::post, true, true},
    {"/v5/order/cancel-all", http_method::post, true, true},
    {"/v5/order/realtime", http_method::get, true, true},
    {"/v5/execution/list", http_method::get, true, false},
    {"/v5/market/time", http_method::get, false, false},
    {"/v5/market/instruments-info", http_method::get, false, false},
    {"/v5/market/tickers", http_method::get, false, false},
}};
}  // namespace detail

[[nodiscard]] constexpr std::size_t index_of(endpoint e) noexcept {
    return static_cast<std::size_t>(e);
}
[[nodiscard]] constexpr std::string_view path_of(endpoint e) noexcept {
    return detail::endpoint_table[index_of(e)].path;
}
[[nodiscard]] constexpr http_method method_of(endpoint e) noexcept {
    return detail::endpoint_table[index_of(e)].method;
}
/// Private endpoints carry the X-BAPI-* headers; market endpoints are public.
[[nodiscard]] constexpr bool is_signed(endpoint e) noexcept {
    return detail::endpoint_table[index_of(e)].signed_request;
}

/// Order entry: creates, cancels and the order query that resolves them. Small, fast answers on
/// the trading path, so a reply that has not come within rest_endpoint::order_timeout is treated
/// as lost (the outcome is resolved by query) rather than holding the sender for read_timeout.
[[nodiscard]] constexpr bool is_order_entry(endpoint e) noexcept {
    return detail::endpoint_table[index_of(e)].order_entry;
}

static_assert(path_of(endpoint::market_tickers) == "/v5/market/tickers",
              "endpoint_table must list the endpoints in enum order");

}  // namespace mmbot::venue::bybit
