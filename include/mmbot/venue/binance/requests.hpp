// mmbot/venue/binance/requests.hpp
//
// Binance USD-M REST requests as they go on the wire, before signing: method, path and the
// parameter text (a GET/DELETE's query string, a POST/PUT's x-www-form-urlencoded body). The
// parameters are written in ccxt binanceusdm's order: `timestamp` first, the request's own, then
// `recvWindow`; the signer (signer.hpp) appends `signature`. Byte for byte what ccxt sends
// (tests/venue/binance/ccxt_vectors.json).
//
//   POST   /fapi/v1/order          a LIMIT GTX order (post-only: Binance rejects it with -5022
//                                  rather than let it take), newClientOrderId = our id, so a
//                                  re-sent create is refused as a duplicate instead of doubling
//   DELETE /fapi/v1/order          cancel by origClientOrderId
//   DELETE /fapi/v1/allOpenOrders  cancel every open order of a symbol
//   GET    /fapi/v1/openOrders     the open orders of a symbol
//   GET    /fapi/v1/order          one order by origClientOrderId
//   GET    /fapi/v1/userTrades     an order's fills by orderId (the venue's id: these rows do not
//                                  carry the client id), how fills a lost push missed come back
//   POST/PUT/DELETE /fapi/v1/listenKey  user data stream key: create, keep alive (every < 60 min),
//                                  close; api key header only, no signature
//
// Prices and quantities are printed from exact decimals with the instrument's own fraction
// digits; a value off the grid is refused (binance_request), never rounded here. A client order id
// must match Binance's ^[.A-Z:/a-z0-9_-]{1,36}$; ':' and '/' are percent-encoded as ccxt does.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/detail/grid_text.hpp"
#include "mmbot/venue/detail/signing_checks.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue::binance {

enum class http_method : std::uint8_t { get, post, put, del };

[[nodiscard]] constexpr std::string_view to_string(http_method m) noexcept {
    switch (m) {
        case http_method::get: return "GET";
        case http_method::post: return "POST";
        case http_method::put: return "PUT";
        case http_method::del: return "DELETE";
    }
    return "GET";
}

/// One REST request, ready to sign (signed() requests) and send.
struct rest_request {
    http_method method = http_method::get;
    std::string_view path;
    /// The parameters as sent: the query string of a GET/DELETE, the body of a POST/PUT.
    std::string params;
    /// SIGNED endpoints carry timestamp, recvWindow and signature; listenKey ones only the key.
    bool signed_request = true;

    [[nodiscard]] bool params_in_query() const noexcept {
        return method == http_method::get || method == http_method::del;
    }
    /// Request target for the HTTP start line.
    [[nodiscard]] std::string target() const {
        std::string t{path};
        if (params_in_query() && !params.empty()) {
            t += '?';
            t += params;
        }
        return t;
    }
    /// The body (empty for GET/DELETE); sent as application/x-www-form-urlencoded.
    [[nodiscard]] std::string_view body() const noexcept {
        return params_in_query() ? std::string_view{} : std::string_view{params};
    }
};

inline constexpr std::string_view path_order = "/fapi/v1/order";
inline constexpr std::string_view path_all_open_orders = "/fapi/v1/allOpenOrders";
inline constexpr std::string_view path_open_orders = "/fapi/v1/openOrders";
inline constexpr std::string_view path_listen_key = "/fapi/v1/listenKey";
inline constexpr std::string_view path_user_trades = "/fapi/v1/userTrades";
inline constexpr std::string_view path_exchange_info = "/fapi/v1/exchangeInfo";
inline constexpr std::string_view path_depth = "/fapi/v1/depth";
inline constexpr std::string_view path_time = "/fapi/v1/time";
inline constexpr std::string_view path_book_ticker = "/fapi/v1/ticker/bookTicker";

/// Binance's bound on newClientOrderId.
inline constexpr std::size_t max_client_order_id = 36;

namespace detail {

inline void param(std::string& out, std::string_view key, std::string_view value) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
}

[[nodiscard]] inline std::string_view ms_text(std::int64_t ms, std::array<char, 20>& buf) noexcept {
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), ms);
    return {buf.data(), static_cast<std::size_t>(r.ptr - buf.data())};
}

/// "timestamp=<ms>&" opens every signed request.
inline void open_signed(rest_request& r, http_method m, std::string_view path, std::int64_t now_ms) {
    r.method = m;
    r.path = path;
    r.signed_request = true;
    r.params.clear();
    std::array<char, 20> buf{};
    param(r.params, "timestamp", ms_text(now_ms, buf));
}

/// "&recvWindow=<ms>" closes it (ccxt's order); error binance_recv_window outside 1..60000.
[[nodiscard]] inline core::result<void> close_signed(rest_request& r, std::chrono::milliseconds window) {
    if (auto ok = venue::detail::check_recv_window(window, "recvWindow", errc::recv_window); !ok) {
        return ok;
    }
    std::array<char, 20> buf{};
    param(r.params, "recvWindow", ms_text(window.count(), buf));
    return {};
}

[[nodiscard]] inline core::result<void> check_symbol(std::string_view symbol) {
    for (const char c : symbol) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return core::make_error(errc::request,
                                    fmt::format("symbol: \"{}\" is not [A-Z0-9]+", symbol));
        }
    }
    if (symbol.empty()) return core::make_error(errc::request, "symbol: must not be empty");
    return {};
}

/// Checks Binance's pattern and writes the id, with ':' and '/' percent-encoded.
[[nodiscard]] inline core::result<void> client_id_param(std::string& out, std::string_view key,
                                                        std::string_view id) {
    if (id.empty() || id.size() > max_client_order_id) {
        return core::make_error(errc::request, fmt::format("{}: \"{}\" must be 1..{} characters", key,
                                                           id, max_client_order_id));
    }
    std::string encoded;
    for (const char c : id) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '.' || c == '_' || c == '-';
        if (plain) {
            encoded += c;
        } else if (c == ':') {
            encoded += "%3A";
        } else if (c == '/') {
            encoded += "%2F";
        } else {
            return core::make_error(errc::request,
                                    fmt::format("{}: \"{}\" has a character outside [.A-Z:/a-z0-9_-]", key, id));
        }
    }
    param(out, key, encoded);
    return {};
}

}  // namespace detail

/// POST /fapi/v1/order: a LIMIT GTX (post-only) order. Errors: binance_request (symbol, id,
/// price or qty off the grid), binance_recv_window.
[[nodiscard]] inline core::result<void> write_create(const order_request& o, std::int64_t now_ms,
                                                     std::chrono::milliseconds window, rest_request& out) {
    if (auto ok = detail::check_symbol(o.symbol); !ok) return ok;
    std::array<char, core::max_decimal_chars> px_buf{};
    std::array<char, core::max_decimal_chars> qty_buf{};
    auto px = venue::detail::grid_text("price", o.price, o.price_digits, px_buf, errc::request);
    if (!px) return px.error();
    auto qty = venue::detail::grid_text("quantity", o.qty, o.qty_digits, qty_buf, errc::request);
    if (!qty) return qty.error();
    detail::open_signed(out, http_method::post, path_order, now_ms);
    detail::param(out.params, "symbol", o.symbol);
    detail::param(out.params, "side", o.side == core::side::buy ? "BUY" : "SELL");
    if (auto ok = detail::client_id_param(out.params, "newClientOrderId", o.client_order_id); !ok) return ok;
    detail::param(out.params, "newOrderRespType", "RESULT");
    detail::param(out.params, "type", "LIMIT");
    detail::param(out.params, "quantity", *qty);
    detail::param(out.params, "price", *px);
    // GTX is Binance's post-only; a non-post-only order would be GTC.
    detail::param(out.params, "timeInForce", o.post_only ? "GTX" : "GTC");
    return detail::close_signed(out, window);
}

/// DELETE /fapi/v1/order by our client order id.
[[nodiscard]] inline core::result<void> write_cancel(std::string_view symbol, std::string_view client_order_id,
                                                     std::int64_t now_ms, std::chrono::milliseconds window,
                                                     rest_request& out) {
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    detail::open_signed(out, http_method::del, path_order, now_ms);
    detail::param(out.params, "symbol", symbol);
    if (auto ok = detail::client_id_param(out.params, "origClientOrderId", client_order_id); !ok) return ok;
    return detail::close_signed(out, window);
}

/// GET /fapi/v1/order by our client order id (did a create whose answer was lost arrive?).
[[nodiscard]] inline core::result<void> write_query(std::string_view symbol, std::string_view client_order_id,
                                                    std::int64_t now_ms, std::chrono::milliseconds window,
                                                    rest_request& out) {
    if (auto ok = write_cancel(symbol, client_order_id, now_ms, window, out); !ok) return ok;
    out.method = http_method::get;
    return {};
}

/// DELETE /fapi/v1/allOpenOrders of one symbol.
[[nodiscard]] inline core::result<void> write_cancel_all(std::string_view symbol, std::int64_t now_ms,
                                                         std::chrono::milliseconds window, rest_request& out) {
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    detail::open_signed(out, http_method::del, path_all_open_orders, now_ms);
    detail::param(out.params, "symbol", symbol);
    return detail::close_signed(out, window);
}

/// GET /fapi/v1/openOrders of one symbol.
[[nodiscard]] inline core::result<void> write_open_orders(std::string_view symbol, std::int64_t now_ms,
                                                          std::chrono::milliseconds window, rest_request& out) {
    if (auto ok = write_cancel_all(symbol, now_ms, window, out); !ok) return ok;
    out.method = http_method::get;
    out.path = path_open_orders;
    return {};
}

/// GET /fapi/v1/userTrades of one order by its venue id (orderId, digits), oldest first.
[[nodiscard]] inline core::result<void> write_user_trades(std::string_view symbol, std::string_view order_id,
                                                          std::int64_t now_ms, std::chrono::milliseconds window,
                                                          rest_request& out) {
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    const bool digits = !order_id.empty() && order_id.size() <= 19 &&
                        order_id.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
        return core::make_error(errc::request, fmt::format("orderId: \"{}\" is not a venue order id", order_id));
    }
    detail::open_signed(out, http_method::get, path_user_trades, now_ms);
    detail::param(out.params, "symbol", symbol);
    detail::param(out.params, "orderId", order_id);
    return detail::close_signed(out, window);
}

/// Writes a fresh `timestamp` over a signed request's first parameter: a request built earlier
/// (a create re-sent after a refusal, a queued cancel) goes out stamped with the time it is sent.
inline void restamp(rest_request& r, std::int64_t now_ms) {
    constexpr std::string_view key = "timestamp=";
    if (!r.signed_request || !r.params.starts_with(key)) return;
    const auto end = r.params.find('&');
    std::array<char, 20> buf{};
    r.params.replace(key.size(), (end == std::string::npos ? r.params.size() : end) - key.size(),
                     detail::ms_text(now_ms, buf));
}

/// A public GET with no parameters (no key, no signature): /fapi/v1/time, /fapi/v1/exchangeInfo.
inline void write_public(std::string_view path, rest_request& out) {
    out.method = http_method::get;
    out.path = path;
    out.params.clear();
    out.signed_request = false;
}

/// GET /fapi/v1/ticker/bookTicker of one symbol (public, weight 2): its best bid and ask.
[[nodiscard]] inline core::result<void> write_book_ticker(std::string_view symbol, rest_request& out) {
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    write_public(path_book_ticker, out);
    detail::param(out.params, "symbol", symbol);
    return {};
}

/// The user data stream's key: POST creates, PUT keeps alive, DELETE closes. No parameters.
inline void write_listen_key(http_method m, rest_request& out) {
    out.method = m;
    out.path = path_listen_key;
    out.params.clear();
    out.signed_request = false;
}

}  // namespace mmbot::venue::binance
