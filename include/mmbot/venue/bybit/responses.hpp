// mmbot/venue/bybit/responses.hpp
//
// Parsers for Bybit v5 REST responses, read by key with Boost.JSON.
//
// Every response is an envelope {"retCode", "retMsg", "result", "retExtInfo", "time"}. A non-zero
// retCode becomes an error whose `code` is the label from ret_codes.hpp ("bybit_rate_limit") and
// whose message carries the number and Bybit's retMsg; `is_retryable(error.code)` classifies it.
// Field errors name the full path ("result.list[2].lotSizeFilter.qtyStep: missing field").
//
// Instruments: linear and spot describe their grid differently and both become
// core::instrument_filters through core::make_filters:
//   linear  priceFilter.{tickSize,minPrice,maxPrice}
//           lotSizeFilter.{qtyStep,minOrderQty,maxOrderQty,minNotionalValue}
//   spot    priceFilter.tickSize only            -> min_price = tickSize, max_price = the largest
//                                                   core::price (spot has no price band here)
//           lotSizeFilter.{basePrecision,minOrderQty,maxOrderQty,minOrderAmt}
//                                                -> qty_step = basePrecision, min_notional =
//                                                   minOrderAmt
//
//   auto page = parse_instruments(body, category::linear);
//   if (!page) log.warn(page.error().message);
//   for (const auto& i : page->instruments) use(i.filters);
//
// Errors: bybit_json_syntax, bybit_missing_field, bybit_wrong_type, bybit_bad_value, decimal_*,
// invalid_filter (from make_filters), and every retCode label of ret_codes.hpp.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/filters.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/detail/json_fields.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/execution.hpp"
#include "mmbot/venue/bybit/order_status.hpp"
#include "mmbot/venue/bybit/ret_codes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mmbot::venue::bybit {

/// A parsed response: the document plus its `result` object (valid while the envelope lives).
struct envelope {
    boost::json::value doc;
    const boost::json::object* result = nullptr;
    /// The envelope's "time" (ms), when present.
    std::optional<std::int64_t> time_ms;
};

/// Parses the envelope and turns a non-zero retCode into its labelled error:
/// "retCode 10006: Too many visits!" with code "bybit_rate_limit".
[[nodiscard]] inline core::result<envelope> parse_envelope(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    const auto* root = doc->if_object();
    if (root == nullptr) {
        return detail::fields.wrong_type(detail::field("response"), "an object", *doc);
    }
    auto code = detail::fields.integer_at(*root, detail::field("retCode"));
    if (!code) return code.error();
    if (*code != 0) {
        const auto msg = detail::fields.string_at(*root, detail::field("retMsg"));
        const std::string_view text_msg = msg ? detail::cut(*msg) : "";
        return core::make_error(classify(*code).code,
                                fmt::format("retCode {}: {}", *code, text_msg));
    }
    envelope e;
    e.doc = std::move(*doc);
    const auto& obj = e.doc.as_object();
    auto result = detail::fields.object_at(obj, detail::field("result"));
    if (!result) return result.error();
    e.result = *result;
    if (obj.contains("time")) {
        auto t = detail::fields.integer_at(obj, detail::field("time"));
        if (!t) return t.error();
        e.time_ms = *t;
    }
    return e;
}

// ----------------------------------------------------------------------------- market/time

/// GET /v5/market/time: the server clock, from result.timeNano (ns).
[[nodiscard]] inline core::result<std::chrono::nanoseconds> parse_server_time(std::string_view text) {
    auto e = parse_envelope(text);
    if (!e) return e.error();
    auto ns = detail::fields.integer_at(*e->result, detail::under("result").at("timeNano"));
    if (!ns) return ns.error();
    if (*ns <= 0) {
        return core::make_error(errc::bad_value,
                                fmt::format("result.timeNano: must be > 0, got {}", *ns));
    }
    return std::chrono::nanoseconds{*ns};
}

// ------------------------------------------------------------------- market/instruments-info

struct instrument {
    core::instrument_filters filters;
    std::string status;  ///< "Trading", "PreLaunch", "Settling", ...
};

struct instruments_page {
    std::vector<instrument> instruments;
    std::string next_cursor;  ///< empty on the last page
};

namespace detail {

[[nodiscard]] inline core::result<instrument> parse_instrument(const boost::json::object& o,
                                                               const json_path& path,
                                                               category cat) {
    auto symbol = fields.string_at(o, path.at("symbol"));
    if (!symbol) return symbol.error();
    auto status = fields.string_at(o, path.at("status"));
    if (!status) return status.error();
    // The filters sit one level deeper than a path's head: their heads are formatted here.
    const std::string pf_path = path.at("priceFilter").str();
    const std::string lf_path = path.at("lotSizeFilter").str();
    auto pf = fields.object_at(o, path.at("priceFilter"));
    if (!pf) return pf.error();
    auto lf = fields.object_at(o, path.at("lotSizeFilter"));
    if (!lf) return lf.error();

    // Read every text field first so a missing one is reported by its Bybit name.
    const bool linear = cat == category::linear;
    std::array<std::string_view, 7> t{};
    const std::array<std::pair<const boost::json::object*, std::string_view>, 7> keys{{
        {*pf, "tickSize"},
        {*pf, linear ? "minPrice" : ""},
        {*pf, linear ? "maxPrice" : ""},
        {*lf, linear ? "qtyStep" : "basePrecision"},
        {*lf, "minOrderQty"},
        {*lf, "maxOrderQty"},
        {*lf, linear ? "minNotionalValue" : "minOrderAmt"},
    }};
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].second.empty()) continue;
        const std::string& head = keys[i].first == *pf ? pf_path : lf_path;
        auto s = fields.string_at(*keys[i].first, under(head).at(keys[i].second));
        if (!s) return s.error();
        t[i] = *s;
    }
    // Spot: no price band in instruments-info; the tick is the floor, the type's maximum the cap.
    const std::string max_price_text = core::price::max().to_string();
    if (!linear) {
        t[1] = t[0];
        t[2] = max_price_text;
    }
    auto f = core::make_filters({.symbol = *symbol, .tick_size = t[0], .qty_step = t[3],
                                 .min_qty = t[4], .max_qty = t[5], .min_notional = t[6],
                                 .min_price = t[1], .max_price = t[2]});
    if (!f) {
        return fields.at_path(path, f.error());
    }
    return instrument{std::move(*f), std::string(*status)};
}

/// result.nextPageCursor: absent or "" both mean the last page.
[[nodiscard]] inline core::result<std::string> next_cursor(const boost::json::object& result) {
    if (!result.contains("nextPageCursor")) return std::string();
    auto c = fields.string_at(result, under("result").at("nextPageCursor"));
    if (!c) return c.error();
    return std::string(*c);
}

}  // namespace detail

namespace detail {
/// The one walk every list response shares: the envelope, then each object of result.list handed
/// to `row(object, path)` in order (the first error stops it), then result.nextPageCursor ("" on
/// the last page and where the endpoint has none).
template <class Row>
[[nodiscard]] core::result<std::string> read_list(std::string_view text, Row&& row) {
    auto e = parse_envelope(text);
    if (!e) return e.error();
    auto list = fields.array_at(*e->result, under("result").at("list"));
    if (!list) return list.error();
    auto ok = fields.for_each_object(**list, "result.list", std::forward<Row>(row));
    if (!ok) return ok.error();
    return next_cursor(*e->result);
}

/// A page whose rows all parse into one vector (`Page::*rows`) by `parse(object, path)`, with the
/// next page's cursor.
template <class Page, class T, class Parse>
[[nodiscard]] core::result<Page> read_page(std::string_view text, std::vector<T> Page::*rows,
                                           Parse parse) {
    Page page;
    auto cursor = read_list(text,
        [&](const boost::json::object& o, const json_path& path) -> core::result<void> {
            auto row = parse(o, path);
            if (!row) return row.error();
            (page.*rows).push_back(std::move(*row));
            return {};
        });
    if (!cursor) return cursor.error();
    page.next_cursor = std::move(*cursor);
    return page;
}
}  // namespace detail

/// GET /v5/market/instruments-info for one category (see the file comment for the mapping).
[[nodiscard]] inline core::result<instruments_page> parse_instruments(std::string_view text,
                                                                      category cat) {
    return detail::read_page(text, &instruments_page::instruments,
                             [cat](const boost::json::object& o, const detail::json_path& path) {
                                 return detail::parse_instrument(o, path, cat);
                             });
}

// --------------------------------------------------------------------------- market/tickers

/// The top of one symbol's book as GET /v5/market/tickers reports it.
struct ticker {
    std::string symbol;
    core::price bid;  ///< bid1Price
    core::price ask;  ///< ask1Price
};

/// GET /v5/market/tickers?symbol=S: the entry of `symbol` in result.list. Errors as the other
/// parsers, and bybit_missing_field when the list has no entry for the symbol or a side is empty
/// (Bybit sends "" for a side with no order resting).
[[nodiscard]] inline core::result<ticker> parse_ticker(std::string_view text, std::string_view symbol) {
    std::optional<ticker> found;
    auto ok = detail::read_list(text,
        [&](const boost::json::object& o, const detail::json_path& path) -> core::result<void> {
            auto sym = detail::fields.string_at(o, path.at("symbol"));
            if (!sym) return sym.error();
            if (*sym != symbol || found) return {};
            auto bid = detail::fields.decimal_at<core::price>(o, path.at("bid1Price"));
            if (!bid) return bid.error();
            auto ask = detail::fields.decimal_at<core::price>(o, path.at("ask1Price"));
            if (!ask) return ask.error();
            found = ticker{std::string(*sym), *bid, *ask};
            return {};
        });
    if (!ok) return ok.error();
    if (!found) {
        return core::make_error(errc::missing_field,
                                fmt::format("result.list: no ticker for {}", symbol));
    }
    return std::move(*found);
}

// ------------------------------------------------------------------------- order/realtime

struct open_order {
    std::string order_id;
    std::string order_link_id;
    std::string symbol;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
    core::quantity leaves_qty;
    core::quantity cum_exec_qty;
    order_status status = order_status::new_;
    std::string status_text;
    std::chrono::milliseconds updated_time{0};
};

struct orders_page {
    std::vector<open_order> orders;
    std::string next_cursor;  ///< empty on the last page
};

namespace detail {

[[nodiscard]] inline core::result<core::side> side_field(const boost::json::object& o,
                                                         const json_path& path) {
    auto s = fields.string_at(o, path.at("side"));
    if (!s) return s.error();
    if (*s == "Buy") return core::side::buy;
    if (*s == "Sell") return core::side::sell;
    return fields.bad_value(path.at("side"),
                            fmt::format("expected Buy or Sell, got \"{}\"", cut(*s)));
}

[[nodiscard]] inline core::result<order_status> status_field(const boost::json::object& o,
                                                             const json_path& path) {
    auto s = fields.string_at(o, path.at("orderStatus"));
    if (!s) return s.error();
    if (auto st = parse_order_status(*s)) return *st;
    return fields.bad_value(path.at("orderStatus"),
                            fmt::format("unknown order status \"{}\"", cut(*s)));
}

[[nodiscard]] inline core::result<open_order> parse_open_order(const boost::json::object& o,
                                                               const json_path& path) {
    open_order out;
    for (auto [key, dst] : {std::pair{"orderId", &out.order_id},
                            std::pair{"orderLinkId", &out.order_link_id},
                            std::pair{"symbol", &out.symbol}}) {
        auto s = fields.string_at(o, path.at(key));
        if (!s) return s.error();
        dst->assign(s->data(), s->size());
    }
    auto side = side_field(o, path);
    if (!side) return side.error();
    out.side = *side;
    auto px = fields.decimal_at<core::price>(o, path.at("price"));
    if (!px) return px.error();
    out.price = *px;
    for (auto [key, dst] : {std::pair{"qty", &out.qty}, std::pair{"leavesQty", &out.leaves_qty},
                            std::pair{"cumExecQty", &out.cum_exec_qty}}) {
        auto q = fields.decimal_at<core::quantity>(o, path.at(key));
        if (!q) return q.error();
        *dst = *q;
    }
    auto st = status_field(o, path);
    if (!st) return st.error();
    out.status = *st;
    out.status_text = std::string(*fields.string_at(o, path.at("orderStatus")));
    auto updated = fields.timestamp_ms_at(o, path.at("updatedTime"));
    if (!updated) return updated.error();
    out.updated_time = std::chrono::duration_cast<std::chrono::milliseconds>(*updated);
    return out;
}

}  // namespace detail

/// GET /v5/order/realtime: one page of orders and the cursor of the next page.
[[nodiscard]] inline core::result<orders_page> parse_open_orders(std::string_view text) {
    return detail::read_page(text, &orders_page::orders,
                             [](const boost::json::object& o, const detail::json_path& path) {
                                 return detail::parse_open_order(o, path);
                             });
}

// ------------------------------------------------------------------------- execution/list

/// One page of GET /v5/execution/list: our Trade executions (other execTypes and rows without
/// orderLinkId are skipped and counted), newest first as Bybit lists them.
struct executions_page {
    std::vector<execution_record> executions;
    std::int64_t skipped = 0;
    std::string next_cursor;  ///< empty on the last page
};

[[nodiscard]] inline core::result<executions_page> parse_executions(std::string_view text) {
    executions_page page;
    auto cursor = detail::read_list(text,
        [&](const boost::json::object& o, const detail::json_path& path) -> core::result<void> {
            execution x;
            auto kind = read_execution_row(o, path, x);
            if (!kind) return kind.error();
            if (*kind == execution_row::trade) {
                page.executions.push_back(x.owned());
            } else {
                ++page.skipped;
            }
            return {};
        });
    if (!cursor) return cursor.error();
    page.next_cursor = std::move(*cursor);
    return page;
}

// ------------------------------------------------------- order/create, cancel, batch, all

/// What order/create and order/cancel return: both ids of the order.
struct order_ids {
    std::string order_id;
    std::string order_link_id;
};

namespace detail {
[[nodiscard]] inline core::result<order_ids> parse_ids(const boost::json::object& o,
                                                       const json_path& path) {
    auto id = fields.string_at(o, path.at("orderId"));
    if (!id) return id.error();
    auto link = fields.string_at(o, path.at("orderLinkId"));
    if (!link) return link.error();
    return order_ids{std::string(*id), std::string(*link)};
}
}  // namespace detail

/// POST /v5/order/create and /v5/order/cancel.
[[nodiscard]] inline core::result<order_ids> parse_order_ids(std::string_view text) {
    auto e = parse_envelope(text);
    if (!e) return e.error();
    return detail::parse_ids(*e->result, detail::under("result"));
}

/// One item of a batch: its ids, and its own outcome (Bybit reports per-order codes in
/// retExtInfo.list while the envelope says 0).
struct batch_item {
    order_ids ids;
    ret_code_info outcome;
    std::string message;
};

/// POST /v5/order/create-batch: result.list[i] paired with retExtInfo.list[i].
[[nodiscard]] inline core::result<std::vector<batch_item>> parse_batch(std::string_view text) {
    auto e = parse_envelope(text);
    if (!e) return e.error();
    auto list = detail::fields.array_at(*e->result, detail::under("result").at("list"));
    if (!list) return list.error();
    auto ext = detail::fields.object_at(e->doc.as_object(), detail::field("retExtInfo"));
    if (!ext) return ext.error();
    auto codes = detail::fields.array_at(**ext, detail::under("retExtInfo").at("list"));
    if (!codes) return codes.error();
    if ((*codes)->size() != (*list)->size()) {
        return core::make_error(errc::bad_value,
                                fmt::format("retExtInfo.list: {} outcomes for {} orders",
                                            (*codes)->size(), (*list)->size()));
    }
    std::vector<batch_item> out;
    out.reserve((*list)->size());
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
        const auto path = detail::under("result.list", static_cast<std::ptrdiff_t>(i));
        const auto cpath = detail::under("retExtInfo.list", static_cast<std::ptrdiff_t>(i));
        auto o = detail::fields.as_object((**list)[i], path);
        if (!o) return o.error();
        auto c = detail::fields.as_object((**codes)[i], cpath);
        if (!c) return c.error();
        auto ids = detail::parse_ids(**o, path);
        if (!ids) return ids.error();
        auto code = detail::fields.integer_at(**c, cpath.at("code"));
        if (!code) return code.error();
        auto msg = detail::fields.string_at(**c, cpath.at("msg"));
        if (!msg) return msg.error();
        out.push_back({std::move(*ids), classify(*code), std::string(detail::cut(*msg))});
    }
    return out;
}

/// POST /v5/order/cancel-all: the orders it cancelled.
[[nodiscard]] inline core::result<std::vector<order_ids>> parse_cancel_all(std::string_view text) {
    std::vector<order_ids> out;
    auto ok = detail::read_list(text,
        [&](const boost::json::object& o, const detail::json_path& path) -> core::result<void> {
            auto ids = detail::parse_ids(o, path);
            if (!ids) return ids.error();
            out.push_back(std::move(*ids));
            return {};
        });
    if (!ok) return ok.error();
    return out;
}

// ----------------------------------------------------------------------- rate-limit headers

/// X-Bapi-Limit-Status (remaining), X-Bapi-Limit (limit), X-Bapi-Limit-Reset-Timestamp (ms).
struct rate_limit_status {
    std::int64_t remaining = 0;
    std::int64_t limit = 0;
    std::chrono::milliseconds reset_at{0};
};

/// Parses the three headers' values. Errors (bybit_bad_value) name the header.
[[nodiscard]] inline core::result<rate_limit_status> parse_rate_limit_headers(
    std::string_view status, std::string_view limit, std::string_view reset) {
    rate_limit_status out;
    const std::array<std::pair<std::string_view, std::string_view>, 3> fields{{
        {"X-Bapi-Limit-Status", status},
        {"X-Bapi-Limit", limit},
        {"X-Bapi-Limit-Reset-Timestamp", reset},
    }};
    std::array<std::int64_t, 3> values{};
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto text = fields[i].second;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), values[i]);
        if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() ||
            values[i] < 0 || (i == 2 && values[i] > detail::max_timestamp_ms)) {
            return core::make_error(errc::bad_value,
                                    fmt::format("{}: expected a non-negative integer, got \"{}\"",
                                                fields[i].first, detail::cut(text)));
        }
    }
    out.remaining = values[0];
    out.limit = values[1];
    out.reset_at = std::chrono::milliseconds{values[2]};
    return out;
}

}  // namespace mmbot::venue::bybit
