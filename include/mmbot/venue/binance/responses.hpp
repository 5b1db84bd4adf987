// mmbot/venue/binance/responses.hpp
//
// Binance USD-M REST answers, read by key with Boost.JSON. Unlike Bybit there is no envelope: a
// success is HTTP 200 with the resource itself, a refusal an HTTP 4xx/5xx with
// {"code":-2011,"msg":"Unknown order sent."}. `check_answer` turns a refusal into its classified
// error (error_codes.hpp: the HTTP status first, then the code), so every parser below starts from
// an accepted answer:
//
//   POST/DELETE/GET /fapi/v1/order  -> parse_order        one order's state
//   GET  /fapi/v1/openOrders        -> parse_open_orders   every open order of the symbol
//   DELETE /fapi/v1/allOpenOrders   -> parse_cancel_all    {"code":200,"msg":"The operation ..."}
//   GET  /fapi/v1/time              -> parse_server_time   {"serverTime":1499827319559}
//   POST /fapi/v1/listenKey         -> parse_listen_key    {"listenKey":"pqia91ma19a5s61cv6a8..."}
//   GET  /fapi/v1/userTrades        -> parse_user_trades   an order's fills, oldest first
//
// Binance writes prices and quantities as strings ("0.10") and ids and times as numbers; both are
// read exactly (decimals from the string, never through a double). The order id, a JSON integer,
// is kept as its decimal text: the engine's order ids are text for every venue.
//
//   if (auto ok = check_answer(resp.status, resp.body); !ok) return ok.error();  // binance_<label>
//   auto o = parse_order(resp.body);
//   if (o && o->status == order_status::new_) ...
//
// Errors: binance_json_syntax, binance_missing_field, binance_wrong_type, binance_bad_value with
// the field's path ("[2].executedQty: missing field"), decimal_*, and every label of
// error_codes.hpp for a refusal ("HTTP 400, code -5022: Due to the order could not be executed
// as maker, ...").
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/binance/error_codes.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/execution.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::binance {

namespace detail {
/// Every field read of the adapter reports under its codes.
inline constexpr core::json::reader fields{json_errors};

[[nodiscard]] inline core::result<boost::json::value> parse_document(std::string_view text,
                                                                     std::string_view what = "response") {
    return core::json::parse_document(text, errc::json_syntax, what);
}
}  // namespace detail

// ------------------------------------------------------------------------------ refusals

/// An answer's HTTP status and body: OK for a 2xx whose body is not a Binance error object; else
/// the refusal classified (429 -> binance_rate_limit, 418 -> binance_ip_banned, then the body's
/// code, 5xx -> binance_server_error), its message "HTTP <status>, code <code>: <msg>".
[[nodiscard]] inline core::result<void> check_answer(unsigned http_status, std::string_view body) {
    std::optional<std::int64_t> code;
    std::string msg;
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(body, ec);
    if (const auto* o = ec ? nullptr : doc.if_object(); o != nullptr) {
        const auto* c = o->if_contains("code");
        const auto* m = o->if_contains("msg");
        if (c != nullptr && m != nullptr && m->is_string()) {
            if (auto n = detail::fields.as_integer(*c, core::json::field("code")); n) code = *n;
            msg = std::string(core::json::cut(m->get_string()));
        }
    }
    // A 2xx carries the resource; cancel-all's {"code":200,...} is a success, a negative code
    // in a 2xx (seen on some endpoints) is a refusal all the same.
    const bool ok_status = http_status >= 200 && http_status < 300;
    if (ok_status && (!code || *code >= 0)) return {};
    const code_info info = classify(static_cast<int>(http_status), code);
    if (code) {
        return core::make_error(info.error, fmt::format("HTTP {}, code {}: {}", http_status, *code, msg));
    }
    return core::make_error(info.error, fmt::format("HTTP {}: {}", http_status, core::json::cut(body)));
}

// --------------------------------------------------------------------------------- orders

/// Binance's order `status` words.
enum class order_status : std::uint8_t {
    new_,              ///< "NEW": resting
    partially_filled,  ///< "PARTIALLY_FILLED"
    filled,            ///< "FILLED"
    canceled,          ///< "CANCELED"
    rejected,          ///< "REJECTED"
    expired,           ///< "EXPIRED": e.g. a GTX the venue expired instead of letting it take
    expired_in_match,  ///< "EXPIRED_IN_MATCH": self-trade prevention
};

namespace detail {
inline constexpr std::array<std::pair<std::string_view, order_status>, 7> order_status_names{{
    {"NEW", order_status::new_},
    {"PARTIALLY_FILLED", order_status::partially_filled},
    {"FILLED", order_status::filled},
    {"CANCELED", order_status::canceled},
    {"REJECTED", order_status::rejected},
    {"EXPIRED", order_status::expired},
    {"EXPIRED_IN_MATCH", order_status::expired_in_match},
}};
}  // namespace detail

[[nodiscard]] constexpr std::optional<order_status> parse_order_status(std::string_view s) noexcept {
    for (const auto& [name, value] : detail::order_status_names) {
        if (name == s) return value;
    }
    return std::nullopt;
}

[[nodiscard]] constexpr std::string_view to_string(order_status s) noexcept {
    for (const auto& [name, value] : detail::order_status_names) {
        if (value == s) return name;
    }
    return "UNKNOWN";
}

/// Whether the order can still trade.
[[nodiscard]] constexpr bool is_open(order_status s) noexcept {
    return s == order_status::new_ || s == order_status::partially_filled;
}

/// One order as the order endpoints and the user data stream describe it.
struct order_state {
    std::string symbol;
    std::string client_order_id;
    /// orderId's decimal text.
    std::string order_id;
    core::side side = core::side::buy;
    order_status status = order_status::new_;
    core::price price;
    core::quantity orig_qty;
    core::quantity executed_qty;
    /// updateTime (order endpoints) or the event's T (user data stream).
    std::chrono::nanoseconds updated{0};
};

namespace detail {

[[nodiscard]] inline core::result<core::side> side_at(const boost::json::object& o, const core::json::path& p) {
    auto s = fields.string_at(o, p);
    if (!s) return s.error();
    if (*s == "BUY") return core::side::buy;
    if (*s == "SELL") return core::side::sell;
    return fields.bad_value(p, fmt::format("expected BUY or SELL, got \"{}\"", core::json::cut(*s)));
}

[[nodiscard]] inline core::result<order_status> status_at(const boost::json::object& o, const core::json::path& p) {
    auto s = fields.string_at(o, p);
    if (!s) return s.error();
    if (auto st = parse_order_status(*s)) return *st;
    return fields.bad_value(p, fmt::format("unknown order status \"{}\"", core::json::cut(*s)));
}

/// orderId (a JSON integer) as text.
[[nodiscard]] inline core::result<std::string> id_text_at(const boost::json::object& o, const core::json::path& p) {
    auto v = fields.require(o, p);
    if (!v) return v.error();
    auto id = fields.as_int64(**v, p);
    if (!id) return id.error();
    return fmt::format("{}", *id);
}

/// Field names of one order: the REST ones, or the user data stream's one-letter keys.
struct order_keys {
    std::string_view symbol, client_order_id, order_id, side, status, price, orig_qty, executed_qty, updated;
};
inline constexpr order_keys rest_order_keys{"symbol", "clientOrderId", "orderId", "side", "status",
                                            "price", "origQty", "executedQty", "updateTime"};
inline constexpr order_keys stream_order_keys{"s", "c", "i", "S", "X", "p", "q", "z", "T"};

[[nodiscard]] inline core::result<order_state> read_order(const boost::json::object& o, const core::json::path& p,
                                                          const order_keys& k) {
    order_state out;
    for (auto [key, dst] : {std::pair{k.symbol, &out.symbol}, std::pair{k.client_order_id, &out.client_order_id}}) {
        auto s = fields.string_at(o, p.at(key));
        if (!s) return s.error();
        *dst = *s;
    }
    auto id = id_text_at(o, p.at(k.order_id));
    if (!id) return id.error();
    out.order_id = std::move(*id);
    auto side = side_at(o, p.at(k.side));
    if (!side) return side.error();
    out.side = *side;
    auto status = status_at(o, p.at(k.status));
    if (!status) return status.error();
    out.status = *status;
    auto px = fields.decimal_at<core::price>(o, p.at(k.price));
    if (!px) return px.error();
    out.price = *px;
    auto qty = fields.decimal_at<core::quantity>(o, p.at(k.orig_qty));
    if (!qty) return qty.error();
    out.orig_qty = *qty;
    auto done = fields.decimal_at<core::quantity>(o, p.at(k.executed_qty));
    if (!done) return done.error();
    out.executed_qty = *done;
    auto t = fields.timestamp_ms_at(o, p.at(k.updated));
    if (!t) return t.error();
    out.updated = *t;
    if (out.executed_qty.is_negative() || out.executed_qty > out.orig_qty) {
        return fields.bad_value(p.at(k.executed_qty),
                                fmt::format("must be within 0..{} ({}), got {}", k.orig_qty,
                                            out.orig_qty.to_string(), out.executed_qty.to_string()));
    }
    return out;
}

[[nodiscard]] inline core::result<const boost::json::object*> root_object(const boost::json::value& doc) {
    if (const auto* o = doc.if_object()) return o;
    return fields.wrong_type(core::json::field("response"), "an object", doc);
}

}  // namespace detail

/// POST, DELETE or GET /fapi/v1/order (an accepted answer): the order's state.
[[nodiscard]] inline core::result<order_state> parse_order(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto o = detail::root_object(*doc);
    if (!o) return o.error();
    return detail::read_order(**o, core::json::path{}, detail::rest_order_keys);
}

/// GET /fapi/v1/openOrders: an array of orders, each of them open.
[[nodiscard]] inline core::result<std::vector<order_state>> parse_open_orders(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto list = detail::fields.as_array(*doc, core::json::field("response"));
    if (!list) return list.error();
    std::vector<order_state> out;
    out.reserve((*list)->size());
    auto ok = detail::fields.for_each_object(**list, "", [&](const boost::json::object& o, const core::json::path& p) {
        auto order = detail::read_order(o, p, detail::rest_order_keys);
        if (!order) return core::result<void>(order.error());
        if (!is_open(order->status)) {
            return core::result<void>(detail::fields.bad_value(
                p.at("status"), fmt::format("an open order's status, got {}", to_string(order->status))));
        }
        out.push_back(std::move(*order));
        return core::result<void>{};
    });
    if (!ok) return ok.error();
    return out;
}

/// DELETE /fapi/v1/allOpenOrders: {"code":200,"msg":"The operation of cancel all open order is done."}.
[[nodiscard]] inline core::result<void> parse_cancel_all(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto o = detail::root_object(*doc);
    if (!o) return o.error();
    auto code = detail::fields.integer_at(**o, core::json::field("code"));
    if (!code) return code.error();
    if (*code != 200) {
        return detail::fields.bad_value(core::json::field("code"), fmt::format("expected 200, got {}", *code));
    }
    return {};
}

/// GET /fapi/v1/time: the venue's clock.
[[nodiscard]] inline core::result<std::chrono::milliseconds> parse_server_time(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto o = detail::root_object(*doc);
    if (!o) return o.error();
    auto t = detail::fields.timestamp_ms_at(**o, core::json::field("serverTime"));
    if (!t) return t.error();
    if (t->count() == 0) return detail::fields.bad_value(core::json::field("serverTime"), "must be > 0");
    return std::chrono::duration_cast<std::chrono::milliseconds>(*t);
}

/// The best bid and ask of one symbol.
struct book_top {
    std::string symbol;
    core::price bid;  ///< bidPrice
    core::price ask;  ///< askPrice
};

/// GET /fapi/v1/ticker/bookTicker?symbol=S: {"symbol", "bidPrice", "askPrice", ...}. Errors as
/// the other parsers; binance_bad_value when the answer is another symbol's or a side is empty
/// (a price of 0: no order resting there).
[[nodiscard]] inline core::result<book_top> parse_book_ticker(std::string_view text, std::string_view symbol) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto o = detail::root_object(*doc);
    if (!o) return o.error();
    auto sym = detail::fields.string_at(**o, core::json::field("symbol"));
    if (!sym) return sym.error();
    if (*sym != symbol) {
        return detail::fields.bad_value(core::json::field("symbol"), fmt::format("expected {}, got {}", symbol, *sym));
    }
    book_top out{std::string(*sym), {}, {}};
    for (auto [key, dst] : {std::pair{"bidPrice", &out.bid}, std::pair{"askPrice", &out.ask}}) {
        auto px = detail::fields.decimal_at<core::price>(**o, core::json::field(key));
        if (!px) return px.error();
        if (!px->is_positive()) return detail::fields.bad_value(core::json::field(key), "no order resting on this side");
        *dst = *px;
    }
    return out;
}

/// POST /fapi/v1/listenKey: the user data stream's key (also what a PUT keep-alive answers).
[[nodiscard]] inline core::result<std::string> parse_listen_key(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto o = detail::root_object(*doc);
    if (!o) return o.error();
    auto key = detail::fields.string_at(**o, core::json::field("listenKey"));
    if (!key) return key.error();
    if (key->empty()) return detail::fields.bad_value(core::json::field("listenKey"), "must not be empty");
    for (const char c : *key) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!plain) {
            // It becomes a URL path segment (/ws/<listenKey>): nothing else may be in it.
            return detail::fields.bad_value(core::json::field("listenKey"), "has a character outside [A-Za-z0-9]");
        }
    }
    return std::string(*key);
}

/// GET /fapi/v1/userTrades of one order: its fills as the engine takes them, oldest first (by
/// time, then trade id). The rows carry no client order id: `client_order_id` is the one the
/// caller asked about. Errors name the row ("[0].price: missing field").
[[nodiscard]] inline core::result<std::vector<execution_record>> parse_user_trades(std::string_view text,
                                                                                  std::string_view client_order_id) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    auto list = detail::fields.as_array(*doc, core::json::field("response"));
    if (!list) return list.error();
    std::vector<execution_record> out;
    auto ok = detail::fields.for_each_object(**list, "", [&](const boost::json::object& o, const core::json::path& p) {
        execution_record e;
        e.client_order_id = client_order_id;
        for (auto [key, dst] : {std::pair{"id", &e.exec_id}, std::pair{"orderId", &e.order_id}}) {
            auto id = detail::id_text_at(o, p.at(key));
            if (!id) return core::result<void>(id.error());
            *dst = std::move(*id);
        }
        auto sym = detail::fields.string_at(o, p.at("symbol"));
        if (!sym) return core::result<void>(sym.error());
        e.symbol = *sym;
        auto px = detail::fields.decimal_at<core::price>(o, p.at("price"));
        if (!px) return core::result<void>(px.error());
        auto qty = detail::fields.decimal_at<core::quantity>(o, p.at("qty"));
        if (!qty) return core::result<void>(qty.error());
        if (!px->is_positive() || !qty->is_positive()) {
            return core::result<void>(detail::fields.bad_value(
                p, fmt::format("price and qty must be > 0, got {} x {}", px->to_string(), qty->to_string())));
        }
        e.price = *px;
        e.qty = *qty;
        auto fee = detail::fields.decimal_at<core::notional>(o, p.at("commission"));
        if (!fee) return core::result<void>(fee.error());
        e.fee = *fee;
        auto t = detail::fields.timestamp_ms_at(o, p.at("time"));
        if (!t) return core::result<void>(t.error());
        e.at = *t;
        const auto* maker = o.if_contains("maker");
        if (maker == nullptr) return core::result<void>(detail::fields.missing(p.at("maker")));
        auto is_maker = detail::fields.as_bool(*maker, p.at("maker"));
        if (!is_maker) return core::result<void>(is_maker.error());
        e.is_maker = *is_maker;
        out.push_back(std::move(e));
        return core::result<void>{};
    });
    if (!ok) return ok.error();
    std::stable_sort(out.begin(), out.end(), [](const execution_record& a, const execution_record& b) {
        if (a.at != b.at) return a.at < b.at;
        return a.exec_id.size() != b.exec_id.size() ? a.exec_id.size() < b.exec_id.size() : a.exec_id < b.exec_id;
    });
    return out;
}

}  // namespace mmbot::venue::binance
