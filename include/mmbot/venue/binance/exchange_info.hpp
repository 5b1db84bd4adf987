// mmbot/venue/binance/exchange_info.hpp
//
// One symbol's trading rules from GET /fapi/v1/exchangeInfo, into the same validated filter type
// Bybit's instruments-info fills (core::instrument_filters), so the maker policy and the quote
// checks do not know which venue they serve:
//   PRICE_FILTER  tickSize, minPrice, maxPrice   -> tick_size, min_price, max_price
//   LOT_SIZE      stepSize, minQty, maxQty       -> qty_step, min_qty, max_qty
//   MIN_NOTIONAL  notional                       -> min_notional
// PERCENT_PRICE (multiplierUp/Down around the mark price) has no Bybit counterpart; it is kept
// beside the filters (percent_band) for the pre-send check. Also read: the request-weight and
// order limits per minute from `rateLimits`, and the symbol's `status` (only TRADING may quote).
// Every error names the field path: "symbols[0].filters[2].tickSize: missing field".
//
//   auto rules = parse_symbol_rules(exchange_info_json_object, "BTCUSDT");
//   if (!rules) return rules.error();
//   policy.use(rules->filters);
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/filters.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/binance/errors.hpp"

#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue::binance {

/// PERCENT_PRICE: a limit price must lie within [mark x down, mark x up].
struct percent_band {
    core::ratio up;
    core::ratio down;
};

struct symbol_rules {
    core::instrument_filters filters;
    std::optional<percent_band> band;
    bool trading = false;                ///< status == "TRADING"
    std::uint32_t weight_per_minute = 0; ///< rateLimits REQUEST_WEIGHT per 1 MINUTE (0: not listed)
    std::uint32_t orders_per_minute = 0; ///< rateLimits ORDERS per 1 MINUTE (0: not listed)
};

namespace detail {
inline constexpr core::json::reader info_fields{json_errors};

/// The `rateLimits` entry of a type per one minute, 0 when absent.
[[nodiscard]] inline core::result<std::uint32_t> per_minute_limit(const boost::json::object& info,
                                                                  std::string_view type) {
    const auto* list = info.if_contains("rateLimits");
    if (list == nullptr) return std::uint32_t{0};
    auto arr = info_fields.as_array(*list, core::json::field("rateLimits"));
    if (!arr) return arr.error();
    std::uint32_t found = 0;
    auto ok = info_fields.for_each_object(**arr, "rateLimits",
        [&](const boost::json::object& o, const core::json::path& p) -> core::result<void> {
            auto t = info_fields.string_at(o, p.at("rateLimitType"));
            if (!t) return t.error();
            auto interval = info_fields.string_at(o, p.at("interval"));
            if (!interval) return interval.error();
            auto num = info_fields.integer_at(o, p.at("intervalNum"));
            if (!num) return num.error();
            if (*t != type || *interval != "MINUTE" || *num != 1) return {};
            auto limit = info_fields.integer_at(o, p.at("limit"));
            if (!limit) return limit.error();
            if (*limit <= 0 || *limit > 1'000'000) {
                return info_fields.bad_value(p.at("limit"), fmt::format("must be in 1..1000000, got {}", *limit));
            }
            found = static_cast<std::uint32_t>(*limit);
            return {};
        });
    if (!ok) return ok.error();
    return found;
}
}  // namespace detail

namespace detail {

/// Which of the three mandatory filters a symbol listed.
struct filters_seen {
    bool price = false;
    bool lot = false;
    bool notional = false;
};

/// A string field into `dst` (a view into the document).
[[nodiscard]] inline core::result<void> read_text(const boost::json::object& o, const core::json::path& p,
                                                  std::string_view& dst) {
    auto v = info_fields.string_at(o, p);
    if (!v) return v.error();
    dst = *v;
    return {};
}

/// One entry of a symbol's `filters`: the three that fill core::filter_text, PERCENT_PRICE into
/// out.band; other types (MARKET_LOT_SIZE, MAX_NUM_ORDERS, ...) are not ours to check.
[[nodiscard]] inline core::result<void> read_filter(const boost::json::object& o,
                                                    const core::json::path& p, core::filter_text& text,
                                                    filters_seen& seen, symbol_rules& out) {
    const auto& f = info_fields;
    auto type = f.string_at(o, p.at("filterType"));
    if (!type) return type.error();
    const auto read = [&o, &p](std::string_view key, std::string_view& dst) {
        return read_text(o, p.at(key), dst);
    };
    if (*type == "PRICE_FILTER") {
        seen.price = true;
        if (auto r = read("tickSize", text.tick_size); !r) return r;
        if (auto r = read("minPrice", text.min_price); !r) return r;
        return read("maxPrice", text.max_price);
    }
    if (*type == "LOT_SIZE") {
        seen.lot = true;
        if (auto r = read("stepSize", text.qty_step); !r) return r;
        if (auto r = read("minQty", text.min_qty); !r) return r;
        return read("maxQty", text.max_qty);
    }
    if (*type == "MIN_NOTIONAL") {
        seen.notional = true;
        return read("notional", text.min_notional);
    }
    if (*type == "PERCENT_PRICE") {
        auto up = f.decimal_at<core::ratio>(o, p.at("multiplierUp"));
        if (!up) return up.error();
        auto down = f.decimal_at<core::ratio>(o, p.at("multiplierDown"));
        if (!down) return down.error();
        if (!down->is_positive() || *down > *up) {
            return f.bad_value(p.at("multiplierDown"),
                               fmt::format("must be > 0 and <= multiplierUp {}, got {}", *up, *down));
        }
        out.band = percent_band{*up, *down};
    }
    return {};
}

/// The rules of the symbol at `symbols[index]` (object `so`).
[[nodiscard]] inline core::result<symbol_rules> read_symbol_rules(const boost::json::object& info,
                                                                  const boost::json::object& so,
                                                                  std::size_t index) {
    const auto& f = info_fields;
    const core::json::path sp = core::json::under("symbols", static_cast<std::ptrdiff_t>(index));
    symbol_rules out;
    auto status = f.string_at(so, sp.at("status"));
    if (!status) return status.error();
    out.trading = *status == "TRADING";
    core::filter_text text{};
    auto name = f.string_at(so, sp.at("symbol"));
    if (!name) return name.error();
    text.symbol = *name;
    auto filters = f.array_at(so, sp.at("filters"));
    if (!filters) return filters.error();
    filters_seen seen;
    const std::string head = fmt::format("symbols[{}].filters", index);
    auto ok = f.for_each_object(**filters, head,
        [&](const boost::json::object& o, const core::json::path& p) {
            return read_filter(o, p, text, seen, out);
        });
    if (!ok) return ok.error();
    const char* missing = !seen.price ? "PRICE_FILTER" : !seen.lot ? "LOT_SIZE"
                          : !seen.notional ? "MIN_NOTIONAL" : nullptr;
    if (missing != nullptr) return f.bad_value(sp.at("filters"), fmt::format("no {} filter", missing));
    auto validated = core::make_filters(text);
    if (!validated) return validated.error();
    out.filters = std::move(*validated);
    auto weight = per_minute_limit(info, "REQUEST_WEIGHT");
    if (!weight) return weight.error();
    out.weight_per_minute = *weight;
    auto orders = per_minute_limit(info, "ORDERS");
    if (!orders) return orders.error();
    out.orders_per_minute = *orders;
    return out;
}

}  // namespace detail

/// The rules of `symbol` from an exchangeInfo answer. Errors: binance_missing_field /
/// binance_wrong_type / binance_bad_value with the path (a symbol not listed, a filter missing),
/// and core's invalid_filter when the values themselves are inconsistent (make_filters).
[[nodiscard]] inline core::result<symbol_rules> parse_symbol_rules(const boost::json::object& info,
                                                                   std::string_view symbol) {
    const auto& f = detail::info_fields;
    auto symbols = f.array_at(info, core::json::field("symbols"));
    if (!symbols) return symbols.error();
    for (std::size_t i = 0; i < (*symbols)->size(); ++i) {
        const auto* so = (**symbols)[i].if_object();
        if (so == nullptr) {
            return f.wrong_type(core::json::under("symbols", static_cast<std::ptrdiff_t>(i)),
                                "an object", (**symbols)[i]);
        }
        auto name = f.string_at(*so, core::json::under("symbols", static_cast<std::ptrdiff_t>(i)).at("symbol"));
        if (!name) return name.error();
        if (*name == symbol) return detail::read_symbol_rules(info, *so, i);
    }
    return f.bad_value(core::json::field("symbols"), fmt::format("no symbol \"{}\"", symbol));
}

/// Whether an exchangeInfo answer lists `symbol` at all (a malformed list lists nothing).
[[nodiscard]] inline bool lists_symbol(const boost::json::object& info, std::string_view symbol) {
    const auto* symbols = info.if_contains("symbols");
    if (symbols == nullptr || !symbols->is_array()) return false;
    for (const auto& v : symbols->get_array()) {
        const auto* so = v.if_object();
        const auto* name = so != nullptr ? so->if_contains("symbol") : nullptr;
        if (name != nullptr && name->is_string() && name->get_string() == symbol) return true;
    }
    return false;
}

/// Whether `px` is inside the PERCENT_PRICE band around `mark`: mark x down <= px <= mark x up,
/// compared exactly (both sides scaled to price x ratio, no rounding).
[[nodiscard]] inline bool within_band(const percent_band& b, const core::price& px,
                                      const core::price& mark) {
    const core::wide_int lhs = core::wide_int(px.raw()) * core::wide_int(core::ratio::one());
    const core::wide_int mark_raw(mark.raw());
    return lhs <= mark_raw * core::wide_int(b.up.raw()) && lhs >= mark_raw * core::wide_int(b.down.raw());
}

}  // namespace mmbot::venue::binance
