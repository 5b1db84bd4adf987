// mmbot/app/quote_feasibility.hpp
//
// Parameter combinations that cannot quote, found at start instead of by a freeze on the first
// quote. A quote built from fair price sits half_spread_bps from it, plus post_only_offset_bps
// when the maker policy is on; the edge-floor check freezes on any quote closer to mid than
// edge_floor_bps. So:
//   half_spread + offset < edge_floor                 every quote freezes the bot
//   half_spread + offset - skew_bps_at_max < floor    the side the skew pulls in would freeze it
//                                                     if the position neared max_position (other
//                                                     limits may stop it earlier)
// Only for quotes from fair price with fair = mid (quote_from "fair"): a microprice moves away
// from mid and "touch" quotes sit outside the market's own spread, so there the numbers above are
// not the quote's distance from mid and nothing is claimed. Exact: bps are decimals.
//
//   for (const auto& w : app::quoting_warnings(cfg)) fmt::print(stderr, "warning: {}\n", w);
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/strategy/params.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace mmbot::app {

/// One sentence a symbol whose parameters cannot quote (or stop quoting as inventory builds),
/// naming the numbers and the fields to change; empty when every symbol can quote.
[[nodiscard]] inline std::vector<std::string> quoting_warnings(const config& c) {
    std::vector<std::string> out;
    const core::bps offset = c.maker.maker_only ? c.maker.post_only_offset_bps : core::bps{};
    const std::string offset_text =
        c.maker.maker_only ? fmt::format("post_only_offset_bps {}", offset)
                           : std::string("no post-only offset (maker_only off)");
    for (const auto& [symbol, s] : c.symbols) {
        // The config's spellings, read by the strategy's own parsers (a bad one is the config
        // loader's error, already reported).
        const auto mode = strategy::parse_fair_price_mode(s.strategy.fair_price);
        const auto from = strategy::parse_quote_reference(s.strategy.quote_from);
        if (!mode || *mode != strategy::fair_price_mode::mid || !from ||
            *from != strategy::quote_reference::fair) {
            continue;
        }
        const core::bps edge = s.strategy.half_spread_bps + offset;
        const core::bps floor = s.limits.edge_floor_bps;
        if (edge < floor) {
            out.push_back(fmt::format(
                "{}: quotes sit half_spread_bps {} + {} = {} bps from mid, inside edge_floor_bps {}: "
                "the first quote freezes the bot (edge_below_threshold); widen half_spread_bps or "
                "lower edge_floor_bps",
                symbol, s.strategy.half_spread_bps, offset_text, edge, floor));
        } else if (edge - s.strategy.skew_bps_at_max < floor) {
            out.push_back(fmt::format(
                "{}: near max_position {} the skew (skew_bps_at_max {}) would pull one side to {} "
                "bps from mid, inside edge_floor_bps {}: the bot would freeze there "
                "(edge_below_threshold)",
                symbol, s.strategy.max_position, s.strategy.skew_bps_at_max,
                edge - s.strategy.skew_bps_at_max, floor));
        }
    }
    return out;
}

}  // namespace mmbot::app
