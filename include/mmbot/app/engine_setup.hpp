// mmbot/app/engine_setup.hpp
//
// From a checked config (and the command line's overrides) to what the engine is built from: one
// symbol_setup per traded symbol (filters, risk limits, quoter parameters) and the engine options.
// Every binary, the benches and the tests build their engine through these, so a config means the
// same thing everywhere.
//
//   auto cfg = app::apply_cli(loaded, opts);          // --symbols, maker flags, --max-inv
//   auto setups = app::to_setups(*cfg);               // error: a strategy block the quoter refuses
//   engine::execution_loop loop{..., app::to_options(*cfg), *setups, ...};
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/strategy/fair_price.hpp"
#include "mmbot/strategy/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mmbot::app {

/// The traded symbols' engine setups, by symbol (the config's order).
using symbol_setups = std::map<std::string, engine::symbol_setup, std::less<>>;

/// The config after the command line has had its say (--symbols, maker flags, --max-inv).
[[nodiscard]] inline core::result<config> apply_cli(config c, const cli_options& o) {
    if (!o.symbols.empty()) {
        std::map<std::string, symbol_config, std::less<>> chosen;
        for (const auto& s : o.symbols) {
            auto it = c.symbols.find(s);
            if (it == c.symbols.end()) {
                return detail::usage_error(fmt::format("--symbols: \"{}\" is not in the config", s));
            }
            chosen.emplace(it->first, it->second);
        }
        c.symbols = std::move(chosen);
    }
    if (o.maker_only) c.maker.maker_only = *o.maker_only;
    if (o.post_only_offset_bps) c.maker.post_only_offset_bps = *o.post_only_offset_bps;
    if (o.min_qty_pad) c.maker.min_qty_pad = *o.min_qty_pad;
    if (o.max_inv) {
        for (auto& [name, s] : c.symbols) {
            if (*o.max_inv < s.limits.max_position_notional) s.limits.max_position_notional = *o.max_inv;
        }
    }
    return c;
}

[[nodiscard]] inline core::result<strategy::quoter_params> to_quoter(const std::string& symbol,
                                                                    const strategy_config& s) {
    strategy::quoter_params q;
    auto mode = strategy::parse_fair_price_mode(s.fair_price);
    if (!mode) return mode.error();
    q.mode = *mode;
    auto reference = strategy::parse_quote_reference(s.quote_from);
    if (!reference) return reference.error();
    q.reference = *reference;
    q.half_spread = s.half_spread_bps;
    q.order_qty = s.order_qty;
    q.skew_bps_at_max = s.skew_bps_at_max;
    q.max_position = s.max_position;
    q.requote_threshold = s.requote_threshold_bps;
    q.max_quote_age = s.max_quote_age;
    if (auto ok = strategy::validate(symbol, q); !ok) return ok.error();
    return q;
}

[[nodiscard]] inline core::result<symbol_setups> to_setups(const config& c) {
    symbol_setups out;
    for (const auto& [name, s] : c.symbols) {
        auto q = to_quoter(name, s.strategy);
        if (!q) return q.error();
        out.emplace(name, engine::symbol_setup{s.filters, s.limits, *q});
    }
    return out;
}

[[nodiscard]] inline engine::engine_options to_options(const config& c) {
    return engine::engine_options{c.maker, c.global_limits,
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(c.freeze_cool_down)};
}

/// The traded symbols' names, in the setups' order (readiness board, book faults, feeds).
[[nodiscard]] inline std::vector<std::string> symbol_names(const symbol_setups& setups) {
    std::vector<std::string> out;
    out.reserve(setups.size());
    for (const auto& [name, s] : setups) out.push_back(name);
    return out;
}

/// How old a book may get before /ready says stale: the strictest symbol's limit, at most 5 s.
[[nodiscard]] inline std::chrono::nanoseconds stale_after_of(const symbol_setups& setups) {
    std::chrono::nanoseconds stale_after{std::chrono::seconds(5)};
    for (const auto& [name, s] : setups) stale_after = std::min(stale_after, s.limits.stale_after);
    return stale_after;
}

}  // namespace mmbot::app
