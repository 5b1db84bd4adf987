// mmbot/core/filters.hpp
//
// A symbol's exchange filters: the grid every order must sit on. Loaded once per instrument
// (from config or from the venue's instruments-info) and validated then, so the hot path can rely
// on tick and step being positive and the bounds being ordered.
//
//   auto f = mmbot::core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.10",
//                                         .qty_step = "0.001", .min_qty = "0.001",
//                                         .max_qty = "1190", .min_notional = "5",
//                                         .min_price = "0.10", .max_price = "1999999.80"});
//   if (!f) return f.error();   // "BTCUSDT.tick_size: must be > 0, got \"0\""
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"

#include <fmt/format.h>

#include <concepts>
#include <optional>
#include <type_traits>
#include <string>
#include <string_view>

namespace mmbot::core {

/// What a filter type must provide for the maker policy to use it.
template <class F>
concept exchange_filters = requires(const F& f) {
    { f.tick_size } -> std::convertible_to<core::price>;
    { f.min_price } -> std::convertible_to<core::price>;
    { f.max_price } -> std::convertible_to<core::price>;
    { f.qty_step } -> std::convertible_to<core::quantity>;
    { f.min_qty } -> std::convertible_to<core::quantity>;
    { f.max_qty } -> std::convertible_to<core::quantity>;
    { f.min_notional } -> std::convertible_to<core::notional>;
};

/// The validated filters of one instrument. Construct through make_filters; the fields are
/// public so that generic code reads them without accessors.
struct instrument_filters {
    std::string symbol;
    core::price tick_size;
    core::price min_price;
    core::price max_price;
    core::quantity qty_step;
    core::quantity min_qty;
    core::quantity max_qty;
    core::notional min_notional;
    /// Fraction digits of the tick ("0.10" -> 2): prices go out printed with exactly this many,
    /// the way the venue writes them.
    int price_digits = 0;
    /// Fraction digits of the quantity step.
    int qty_digits = 0;
};

static_assert(exchange_filters<instrument_filters>);

/// The filters as text, exactly as the venue or the config file wrote them.
struct filter_text {
    std::string_view symbol;
    std::string_view tick_size;
    std::string_view qty_step;
    std::string_view min_qty;
    std::string_view max_qty;
    std::string_view min_notional;
    std::string_view min_price;
    std::string_view max_price;
};

namespace detail {
/// Number of fraction digits in the text as written ("0.10" -> 2), so trailing zeros count.
[[nodiscard]] inline int written_fraction_digits(std::string_view text) {
    const auto dot = text.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

template <class Decimal>
[[nodiscard]] core::result<Decimal> parse_field(std::string_view symbol, std::string_view field,
                                                std::string_view text) {
    auto v = Decimal::parse(text);
    if (!v) {
        return core::make_error(errc::invalid_filter,
                                fmt::format("{}.{}: {}", symbol, field, v.error().message));
    }
    return *v;
}
}  // namespace detail

/// Parses and validates one instrument's filters. Errors (code "invalid_filter") name the symbol,
/// the field and the value: a tick or step that is zero or negative, min above max, a negative
/// minimum notional, or any field that is not a plain decimal.
[[nodiscard]] inline core::result<instrument_filters> make_filters(const filter_text& t) {
    using core::make_error;
    if (t.symbol.empty()) {
        return make_error(errc::invalid_filter, "symbol: must not be empty");
    }
    instrument_filters f;
    f.symbol = std::string(t.symbol);
    const auto bad = [&](std::string_view field, std::string_view rule, std::string_view value) {
        return make_error(errc::invalid_filter,
                          fmt::format("{}.{}: {}, got \"{}\"", t.symbol, field, rule, value));
    };
    // Every field parses the same way; the first failure is the one reported.
    std::optional<core::error> failure;
    const auto read = [&](std::string_view field, std::string_view text, auto& out) {
        if (failure) return;
        auto v = detail::parse_field<std::remove_cvref_t<decltype(out)>>(t.symbol, field, text);
        if (v) {
            out = *v;
        } else {
            failure = v.error();
        }
    };
    read("tick_size", t.tick_size, f.tick_size);
    read("min_price", t.min_price, f.min_price);
    read("max_price", t.max_price, f.max_price);
    read("qty_step", t.qty_step, f.qty_step);
    read("min_qty", t.min_qty, f.min_qty);
    read("max_qty", t.max_qty, f.max_qty);
    read("min_notional", t.min_notional, f.min_notional);
    if (failure) return *failure;

    if (!f.tick_size.is_positive()) return bad("tick_size", "must be > 0", t.tick_size);
    if (!f.qty_step.is_positive()) return bad("qty_step", "must be > 0", t.qty_step);
    if (!f.min_qty.is_positive()) return bad("min_qty", "must be > 0", t.min_qty);
    if (f.max_qty < f.min_qty) return bad("max_qty", "must be >= min_qty", t.max_qty);
    if (f.min_price.is_negative()) return bad("min_price", "must be >= 0", t.min_price);
    if (f.max_price < f.min_price) return bad("max_price", "must be >= min_price", t.max_price);
    if (f.min_notional.is_negative()) {
        return bad("min_notional", "must be >= 0", t.min_notional);
    }
    f.price_digits = detail::written_fraction_digits(t.tick_size);
    f.qty_digits = detail::written_fraction_digits(t.qty_step);
    return f;
}

}  // namespace mmbot::core
