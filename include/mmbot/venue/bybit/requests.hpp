// mmbot/venue/bybit/requests.hpp
//
// Bybit v5 REST requests as bytes: the JSON body of a POST, the query string of a GET.
//
// What is built here is exactly what goes on the wire and exactly what the signer signs, so the
// text is written by hand in a fixed key order: ccxt's (symbol, side, orderType, timeInForce,
// orderLinkId, price, category, qty for order/create), which makes our bodies byte-identical to
// ccxt's for the same order (tests/venue/bybit/requests_test.cpp). Prices and quantities print
// from the exact decimals with the instrument's own fraction digits ("65000.10" for a 0.10 tick);
// a value that needs more digits than that is off the grid and is refused, never rounded here.
// Intended differences from ccxt: ccxt strips trailing zeros ("65000.1"); Bybit accepts both.
//
// Builders write into a caller-owned `rest_request` and keep its buffers' capacity, so the hot
// path (order/create) does not allocate in steady state.
//
//   rest_request req;
//   if (auto ok = write_create(category::linear, order, req); !ok) return ok.error();
//   auto sig = signer.sign_rest(now_ms, req.payload());
//
// Errors (code bybit_request), each naming the field and the value: empty or over-long symbol /
// orderLinkId / cursor, a character outside the allowed set, a non-positive price or qty, a price
// or qty with more fraction digits than the instrument prints, an empty or over-size batch.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/detail/wire_text.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/detail/grid_text.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit {

/// Largest order/create-batch Bybit accepts for linear and spot.
inline constexpr std::size_t max_batch_orders = 10;
/// order/realtime page size: Bybit's maximum.
inline constexpr int max_page_limit = 50;

/// One REST request, ready to sign and send.
struct rest_request {
    endpoint ep = endpoint::market_time;
    std::string query;  ///< GET parameters without '?', as sent and signed
    std::string body;   ///< POST body, as sent and signed
    /// Signed recv_window of this request; zero: the signer's (5 s). The gateway gives creates a
    /// shorter one, so a create whose answer was lost expires at the venue sooner.
    std::chrono::milliseconds recv_window{0};

    [[nodiscard]] http_method method() const noexcept { return method_of(ep); }
    [[nodiscard]] std::string_view path() const noexcept { return path_of(ep); }
    /// What the signer covers: the query string of a GET, the body of a POST.
    [[nodiscard]] std::string_view payload() const noexcept {
        return method() == http_method::get ? std::string_view{query} : std::string_view{body};
    }
    /// Request target for the HTTP start line: path, then '?' and the query if there is one.
    [[nodiscard]] std::string target() const {
        std::string t{path()};
        if (!query.empty()) {
            t += '?';
            t += query;
        }
        return t;
    }
    void reset(endpoint e) {
        ep = e;
        query.clear();
        body.clear();
        recv_window = std::chrono::milliseconds{0};
    }
};

namespace detail {

/// Appends "key":"value" (with a leading comma unless it opens the object).
inline void json_field(std::string& out, std::string_view key, std::string_view value) {
    if (out.back() != '{') out += ',';
    out += '"';
    out += key;
    out += R"(":")";
    out += value;
    out += '"';
}

inline void query_field(std::string& out, std::string_view key, std::string_view value) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
}

/// A positive decimal printed with exactly `digits` fraction digits, or an error naming `field`.
template <class Decimal>
[[nodiscard]] core::result<std::string_view> grid_text(std::string_view field, const Decimal& v,
                                                       int digits,
                                                       std::array<char, core::max_decimal_chars>& buf) {
    return venue::detail::grid_text(field, v, digits, buf, errc::request);
}

/// The fields of one order/create (or one batch item, which has no category), in ccxt's order.
[[nodiscard]] inline core::result<void> write_order_fields(std::string& out,
                                                           const order_request& r,
                                                           const category* cat) {
    if (auto ok = check_symbol(r.symbol); !ok) return ok;
    if (auto ok = check_link_id(r.client_order_id); !ok) return ok;
    std::array<char, core::max_decimal_chars> price_buf{};
    std::array<char, core::max_decimal_chars> qty_buf{};
    auto px = grid_text("price", r.price, r.price_digits, price_buf);
    if (!px) return px.error();
    auto qty = grid_text("qty", r.qty, r.qty_digits, qty_buf);
    if (!qty) return qty.error();
    json_field(out, "symbol", r.symbol);
    json_field(out, "side", core::to_string(r.side));
    json_field(out, "orderType", "Limit");
    json_field(out, "timeInForce", r.post_only ? "PostOnly" : "GTC");
    json_field(out, "orderLinkId", r.client_order_id);
    json_field(out, "price", *px);
    if (cat != nullptr) json_field(out, "category", to_string(*cat));
    json_field(out, "qty", *qty);
    return {};
}

}  // namespace detail

/// POST /v5/order/create: a limit order, PostOnly unless `r.post_only` is false (then GTC).
[[nodiscard]] inline core::result<void> write_create(category cat, const order_request& r,
                                                     rest_request& out) {
    out.reset(endpoint::order_create);
    out.body += '{';
    if (auto ok = detail::write_order_fields(out.body, r, &cat); !ok) return ok;
    out.body += '}';
    return {};
}

/// POST /v5/order/create-batch: 1..10 orders of one category (ccxt's {"category","request":[..]}).
[[nodiscard]] inline core::result<void> write_create_batch(category cat,
                                                           std::span<const order_request> orders,
                                                           rest_request& out) {
    out.reset(endpoint::order_create_batch);
    if (orders.empty() || orders.size() > max_batch_orders) {
        return core::make_error(errc::request,
                                fmt::format("request: a batch holds 1..{} orders, got {}",
                                            max_batch_orders, orders.size()));
    }
    out.body += '{';
    detail::json_field(out.body, "category", to_string(cat));
    out.body += R"(,"request":[)";
    for (std::size_t i = 0; i < orders.size(); ++i) {
        if (i > 0) out.body += ',';
        out.body += '{';
        if (auto ok = detail::write_order_fields(out.body, orders[i], nullptr); !ok) {
            return core::make_error(errc::request,
                                    fmt::format("request[{}].{}", i, ok.error().message));
        }
        out.body += '}';
    }
    out.body += "]}";
    return {};
}

/// POST /v5/order/cancel by orderLinkId. Spot carries "orderFilter":"Order" as ccxt sends it.
[[nodiscard]] inline core::result<void> write_cancel(category cat, std::string_view symbol,
                                                     std::string_view order_link_id,
                                                     rest_request& out) {
    out.reset(endpoint::order_cancel);
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    if (auto ok = detail::check_link_id(order_link_id); !ok) return ok;
    out.body += '{';
    detail::json_field(out.body, "symbol", symbol);
    if (cat == category::spot) detail::json_field(out.body, "orderFilter", "Order");
    detail::json_field(out.body, "category", to_string(cat));
    detail::json_field(out.body, "orderLinkId", order_link_id);
    out.body += '}';
    return {};
}

/// POST /v5/order/cancel-all for one symbol.
[[nodiscard]] inline core::result<void> write_cancel_all(category cat, std::string_view symbol,
                                                         rest_request& out) {
    out.reset(endpoint::order_cancel_all);
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    out.body += '{';
    detail::json_field(out.body, "symbol", symbol);
    detail::json_field(out.body, "category", to_string(cat));
    out.body += '}';
    return {};
}

/// GET /v5/order/realtime: one page of open orders. `cursor` is the previous page's
/// nextPageCursor, sent as Bybit returned it (already percent-encoded); empty for the first page.
[[nodiscard]] inline core::result<void> write_open_orders(category cat, std::string_view symbol,
                                                          std::string_view cursor,
                                                          rest_request& out,
                                                          int limit = max_page_limit) {
    out.reset(endpoint::order_realtime);
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    if (auto ok = detail::check_cursor(cursor); !ok) return ok;
    if (limit < 1 || limit > max_page_limit) {
        return core::make_error(errc::request, fmt::format("limit: must be in 1..{}, got {}",
                                                             max_page_limit, limit));
    }
    std::array<char, 4> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), limit).ptr;
    detail::query_field(out.query, "symbol", symbol);
    detail::query_field(out.query, "category", to_string(cat));
    detail::query_field(out.query, "limit",
                        std::string_view{digits.data(), static_cast<std::size_t>(end - digits.data())});
    if (!cursor.empty()) detail::query_field(out.query, "cursor", cursor);
    return {};
}

namespace detail {
/// Starts a GET about one order by orderLinkId: symbol, category and orderLinkId, each checked.
[[nodiscard]] inline core::result<void> begin_order_query(endpoint e, category cat,
                                                          std::string_view symbol,
                                                          std::string_view order_link_id,
                                                          rest_request& out) {
    out.reset(e);
    if (auto ok = check_symbol(symbol); !ok) return ok;
    if (auto ok = check_link_id(order_link_id); !ok) return ok;
    query_field(out.query, "symbol", symbol);
    query_field(out.query, "category", to_string(cat));
    query_field(out.query, "orderLinkId", order_link_id);
    return {};
}
}  // namespace detail

/// GET /v5/order/realtime for one order by orderLinkId: how a create whose outcome is unknown
/// (timeout) is resolved. Bybit answers for open and recently closed orders alike when an
/// orderLinkId is given.
[[nodiscard]] inline core::result<void> write_order_by_link_id(category cat,
                                                               std::string_view symbol,
                                                               std::string_view order_link_id,
                                                               rest_request& out) {
    return detail::begin_order_query(endpoint::order_realtime, cat, symbol, order_link_id, out);
}

/// GET /v5/execution/list for one order by orderLinkId, `cursor` from the previous page: how
/// fills whose `execution` push was missed (a private WebSocket gap) are recovered.
[[nodiscard]] inline core::result<void> write_executions_of(category cat, std::string_view symbol,
                                                            std::string_view order_link_id,
                                                            std::string_view cursor,
                                                            rest_request& out) {
    if (auto ok = detail::check_cursor(cursor); !ok) {
        out.reset(endpoint::execution_list);
        return ok;
    }
    if (auto ok = detail::begin_order_query(endpoint::execution_list, cat, symbol, order_link_id, out); !ok) {
        return ok;
    }
    detail::query_field(out.query, "limit", "100");
    if (!cursor.empty()) detail::query_field(out.query, "cursor", cursor);
    return {};
}

/// GET /v5/market/time (public, unsigned).
inline void write_server_time(rest_request& out) { out.reset(endpoint::market_time); }

/// GET /v5/market/instruments-info (public): one symbol, or all of the category when `symbol` is
/// empty; `cursor` pages linear results (spot returns everything on one page).
[[nodiscard]] inline core::result<void> write_instruments(category cat, std::string_view symbol,
                                                          std::string_view cursor,
                                                          rest_request& out) {
    out.reset(endpoint::market_instruments);
    if (!symbol.empty()) {
        if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    }
    if (auto ok = detail::check_cursor(cursor); !ok) return ok;
    detail::query_field(out.query, "category", to_string(cat));
    if (!symbol.empty()) detail::query_field(out.query, "symbol", symbol);
    if (!cursor.empty()) detail::query_field(out.query, "cursor", cursor);
    return {};
}

/// GET /v5/market/tickers (public): the best bid and ask (and more) of one symbol.
[[nodiscard]] inline core::result<void> write_tickers(category cat, std::string_view symbol,
                                                      rest_request& out) {
    out.reset(endpoint::market_tickers);
    if (auto ok = detail::check_symbol(symbol); !ok) return ok;
    detail::query_field(out.query, "category", to_string(cat));
    detail::query_field(out.query, "symbol", symbol);
    return {};
}

}  // namespace mmbot::venue::bybit
