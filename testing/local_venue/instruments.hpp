// testing/local_venue/instruments.hpp
//
// The instruments the local venue lists and trades: symbol, category and the exchange filters, as
// text exactly as instruments-info prints them (so "0.10" stays "0.10" and the client derives the
// same price digits) and as validated core::instrument_filters for order checks.
//
// The config file is the mmbot config itself or a file of the same shape: every entry of
// "symbols" with a "filters" object is listed (extra keys are ignored; "category" may be "linear",
// the default, or "spot"):
//   {"symbols": {"BTCUSDT": {"category": "linear", "filters": {"tick_size": "0.10",
//     "qty_step": "0.001", "min_qty": "0.001", "max_qty": "1190", "min_notional": "5",
//     "min_price": "0.10", "max_price": "1999999.80"}}}}
// Without a config the venue lists BTCUSDT and ETHUSDT linear with Bybit's published filters.
//
//   auto list = load_instruments(text, "configs/shadow.json");
//   const instrument_spec* btc = find(*list, bybit::category::linear, "BTCUSDT");
//
// Errors: local_config (JSON syntax, missing or mistyped field: the message names the path),
// invalid_filter (from core::make_filters: symbol, field and value).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/filters.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mmbot::venue::local {

struct instrument_spec {
    bybit::category category = bybit::category::linear;
    core::instrument_filters filters;
    /// The filter texts as configured, printed verbatim by instruments-info.
    std::string tick_size, qty_step, min_qty, max_qty, min_notional, min_price, max_price;
};

/// The coins of a symbol, as Bybit names them: "BTCUSDT" -> BTC / USDT; a USDC perpetual
/// ("BTCPERP") -> BTC / USDC.
struct symbol_coins {
    std::string base, quote;
};
[[nodiscard]] inline symbol_coins coins_of(std::string_view symbol) {
    for (const std::string_view quote : {"USDT", "USDC", "BTC", "ETH", "EUR"}) {
        if (symbol.size() > quote.size() && symbol.ends_with(quote)) {
            return {std::string(symbol.substr(0, symbol.size() - quote.size())), std::string(quote)};
        }
    }
    if (symbol.size() > 4 && symbol.ends_with("PERP")) return {std::string(symbol.substr(0, symbol.size() - 4)), "USDC"};
    return {std::string(symbol), "USDT"};
}

/// Decimal places of a tick ("0.10" -> 2): Bybit's priceScale.
[[nodiscard]] inline std::size_t price_scale_of(std::string_view tick) noexcept {
    const auto dot = tick.find('.');
    return dot == std::string_view::npos ? 0 : tick.size() - dot - 1;
}

namespace detail {
[[nodiscard]] inline core::result<instrument_spec> make_spec(bybit::category cat,
                                                             const core::filter_text& t) {
    auto f = core::make_filters(t);
    if (!f) return f.error();
    return instrument_spec{cat,
                           std::move(*f),
                           std::string(t.tick_size),
                           std::string(t.qty_step),
                           std::string(t.min_qty),
                           std::string(t.max_qty),
                           std::string(t.min_notional),
                           std::string(t.min_price),
                           std::string(t.max_price)};
}
}  // namespace detail

/// BTCUSDT and ETHUSDT linear perpetuals with Bybit's filters (as in configs/shadow.json).
[[nodiscard]] inline std::vector<instrument_spec> default_instruments() {
    std::vector<instrument_spec> out;
    out.push_back(detail::make_spec(bybit::category::linear,
                                    {"BTCUSDT", "0.10", "0.001", "0.001", "1190", "5", "0.10",
                                     "1999999.80"})
                      .value());
    out.push_back(detail::make_spec(bybit::category::linear,
                                    {"ETHUSDT", "0.01", "0.01", "0.01", "7240", "5", "0.01",
                                     "199999.98"})
                      .value());
    return out;
}

/// Reads the instruments of a config text (see the file comment). `origin` names the file in
/// errors.
[[nodiscard]] inline core::result<std::vector<instrument_spec>> load_instruments(
    std::string_view text, std::string_view origin) {
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(text, ec);
    if (ec) return core::make_error(errc::config, fmt::format("{}: {}", origin, ec.message()));
    const auto* root = doc.if_object();
    const auto* symbols = root != nullptr ? root->if_contains("symbols") : nullptr;
    if (symbols == nullptr || !symbols->is_object()) {
        return core::make_error(errc::config,
                                fmt::format("{}: symbols: missing or not an object", origin));
    }
    std::vector<instrument_spec> out;
    for (const auto& [name, entry] : symbols->get_object()) {
        const std::string path = fmt::format("{}: symbols.{}", origin, std::string_view(name));
        const auto* e = entry.if_object();
        if (e == nullptr) return core::make_error(errc::config, path + ": expected an object");
        const auto* filters = e->if_contains("filters");
        if (filters == nullptr) continue;  // a symbol configured for trading only
        if (!filters->is_object()) {
            return core::make_error(errc::config, path + ".filters: expected an object");
        }
        auto cat = bybit::category::linear;
        if (const auto* c = e->if_contains("category")) {
            if (c->is_string() && c->get_string() == "spot") {
                cat = bybit::category::spot;
            } else if (!c->is_string() || c->get_string() != "linear") {
                return core::make_error(errc::config,
                                        path + ".category: expected \"linear\" or \"spot\"");
            }
        }
        std::array<std::string_view, 7> t{};
        constexpr std::array<std::string_view, 7> keys{"tick_size", "qty_step",     "min_qty",
                                                       "max_qty",   "min_notional", "min_price",
                                                       "max_price"};
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto* v = filters->get_object().if_contains(keys[i]);
            if (v == nullptr || !v->is_string()) {
                return core::make_error(
                    errc::config,
                    fmt::format("{}.filters.{}: missing or not a decimal string", path, keys[i]));
            }
            t[i] = v->get_string();
        }
        auto spec = detail::make_spec(cat, {name, t[0], t[1], t[2], t[3], t[4], t[5], t[6]});
        if (!spec) return spec.error();
        out.push_back(std::move(*spec));
    }
    if (out.empty()) {
        return core::make_error(errc::config,
                                fmt::format("{}: no symbol has a \"filters\" object", origin));
    }
    return out;
}

[[nodiscard]] inline const instrument_spec* find_instrument(
    const std::vector<instrument_spec>& list, bybit::category cat, std::string_view symbol) {
    for (const auto& i : list) {
        if (i.category == cat && i.filters.symbol == symbol) return &i;
    }
    return nullptr;
}

/// How the venue prints a symbol's prices and sizes: with the tick's and the step's decimals, as
/// Bybit prints them ("65000.10", "0.500" for a 0.10 tick and a 0.001 step), in every answer.
struct number_format {
    int price_digits = 0;
    int qty_digits = 0;
};

[[nodiscard]] inline number_format format_of(const instrument_spec& i) noexcept {
    return {i.filters.price_digits, i.filters.qty_digits};
}

/// The format of `symbol` where no category is at hand (a public stream's topic is shared by the
/// linear and spot streams): its linear listing, else its spot one, else the shortest text.
[[nodiscard]] inline number_format display_format(const std::vector<instrument_spec>& list,
                                                  std::string_view symbol) {
    for (const auto cat : {bybit::category::linear, bybit::category::spot}) {
        if (const auto* i = find_instrument(list, cat, symbol)) return format_of(*i);
    }
    return {};
}

}  // namespace mmbot::venue::local
