// mmbot/app/venue_filters.hpp
//
// The exchange filters testnet and live trade with come from the venue: at start every configured
// symbol's GET /v5/market/instruments-info gives tick, step, min/max quantity, min notional and
// the price limits, and they are asked again every --filters-refresh-s while running
// (app/venue_clock.hpp's thread). A config may still state a symbol's filters, but only as strict
// as the venue's or stricter, so nothing the bot sends can break the venue's rules:
//
//   tick_size, qty_step   a whole multiple of the venue's (a coarser grid)
//   min_qty, min_notional, min_price   at least the venue's
//   max_qty, max_price                 at most the venue's
//
// A looser value is refused naming the field and both values; where the config states none, the
// venue's are used. Shadow asks no venue: its config states every symbol's filters.
//
//   auto f = effective_filters("BTCUSDT", sc, venue_filters);       // or the field that is looser
//   auto cfg2 = with_venue_filters(cfg, fetched);                   // every symbol, re-validated
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/core/filters.hpp"

#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>

namespace mmbot::app {

/// Instruments-info's filters by symbol.
using venue_filter_map = std::map<std::string, core::instrument_filters, std::less<>>;

namespace detail {

[[nodiscard]] inline core::error looser(std::string_view symbol, std::string_view field, const std::string& mine,
                                        const std::string& venue, std::string_view rule) {
    return core::make_error(errc::preflight_instrument,
                            fmt::format("symbols.{}.filters.{}: {} is looser than the venue's {} ({}; a config "
                                        "filter may only be stricter)",
                                        symbol, field, mine, venue, rule));
}

template <class D>
[[nodiscard]] bool multiple_of(const D& mine, const D& venue) {
    return venue.is_positive() && mine.is_positive() && mine.raw() % venue.raw() == 0;
}

}  // namespace detail

/// The filters `symbol` trades with: the venue's, or the configured ones when the config states
/// them and each is at least as strict (else the first looser field, errc::preflight_instrument).
[[nodiscard]] inline core::result<core::instrument_filters> effective_filters(std::string_view symbol,
                                                                             const symbol_config& sc,
                                                                             const core::instrument_filters& venue) {
    if (!sc.filters_from_config) return venue;
    const auto& c = sc.filters;
    const auto px = [](const core::instrument_filters& f, const core::price& p) { return p.to_string(f.price_digits); };
    const auto qty = [](const core::instrument_filters& f, const core::quantity& q) { return q.to_string(f.qty_digits); };
    if (!detail::multiple_of(c.tick_size, venue.tick_size)) {
        return detail::looser(symbol, "tick_size", px(c, c.tick_size), px(venue, venue.tick_size),
                              "a whole multiple of the venue's tick");
    }
    if (!detail::multiple_of(c.qty_step, venue.qty_step)) {
        return detail::looser(symbol, "qty_step", qty(c, c.qty_step), qty(venue, venue.qty_step),
                              "a whole multiple of the venue's step");
    }
    if (c.min_qty < venue.min_qty) {
        return detail::looser(symbol, "min_qty", qty(c, c.min_qty), qty(venue, venue.min_qty), "at least");
    }
    if (c.max_qty > venue.max_qty) {
        return detail::looser(symbol, "max_qty", qty(c, c.max_qty), qty(venue, venue.max_qty), "at most");
    }
    if (c.min_notional < venue.min_notional) {
        return detail::looser(symbol, "min_notional", c.min_notional.to_string(), venue.min_notional.to_string(),
                              "at least");
    }
    if (c.min_price < venue.min_price) {
        return detail::looser(symbol, "min_price", px(c, c.min_price), px(venue, venue.min_price), "at least");
    }
    if (c.max_price > venue.max_price) {
        return detail::looser(symbol, "max_price", px(c, c.max_price), px(venue, venue.max_price), "at most");
    }
    return c;
}

/// `cfg` with every symbol's effective filters, and each symbol's order checked again against
/// them (an order_qty under the venue's min_qty x pad cannot trade: errc::invalid_config). A
/// symbol the venue did not list is errc::preflight_instrument.
[[nodiscard]] inline core::result<config> with_venue_filters(config cfg, const venue_filter_map& venue) {
    for (auto& [name, sc] : cfg.symbols) {
        const auto it = venue.find(name);
        if (it == venue.end()) {
            return core::make_error(errc::preflight_instrument,
                                    fmt::format("{}: the venue's instruments-info does not list it", name));
        }
        auto f = effective_filters(name, sc, it->second);
        if (!f) return f.error();
        sc.filters = std::move(*f);
        if (auto e = detail::order_cannot_trade(name, sc, cfg.maker)) return *e;
    }
    return cfg;
}

}  // namespace mmbot::app
