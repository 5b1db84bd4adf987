// mmbot/strategy/params.hpp
//
// The per-symbol tunables of the quoting strategy and their validation.
//
// A symbol's quotes are built from a fair price (the mid, or the size-weighted microprice), or
// from the touch (each side's best price), moved against the inventory (skew), then widened by a
// half-spread on each side. Live quotes are
// replaced only when the reference moved by more than a threshold or the quote got too old, so
// the engine does not churn orders on every book update. docs/strategy.md has worked examples.
//
// Everything is exact decimal; the config loader builds a `quoter_params` from text and calls
// `validate` once, so the hot path never re-checks a bound.
//
//   mmbot::strategy::quoter_params p;
//   p.mode = mmbot::strategy::fair_price_mode::microprice;
//   p.half_spread = mmbot::core::bps::parse("2.5").value();
//   p.order_qty = mmbot::core::quantity::parse("0.01").value();
//   if (auto ok = mmbot::strategy::validate("BTCUSDT", p); !ok) return ok.error();
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/enum_parse.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/strategy/errors.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mmbot::strategy {

/// How the fair price is taken from the top of the book.
enum class fair_price_mode : std::uint8_t {
    mid,         ///< (bid + ask) / 2
    microprice,  ///< (bid x ask_size + ask x bid_size) / (bid_size + ask_size)
};

[[nodiscard]] constexpr std::string_view to_string(fair_price_mode m) noexcept {
    return core::enum_label(m);
}

/// Parses the config spelling ("mid" or "microprice"). Error: `invalid_fair_price_mode`.
[[nodiscard]] inline core::result<fair_price_mode> parse_fair_price_mode(std::string_view text) {
    return core::parse_label<fair_price_mode>(text, "fair_price_mode", errc::invalid_fair_price_mode);
}

/// What each side's reference is built from.
///
/// `fair` (the default) centres both sides on the skewed fair price, so the edge against mid is
/// the half-spread whatever the market's spread is. `touch` builds each side from its own best
/// price, as the predecessor did: the edge against mid is then half the market spread plus the
/// half-spread, and it shrinks when the spread collapses (the edge floor's scenario,
/// docs/scenarios.md).
enum class quote_reference : std::uint8_t {
    fair,   ///< BUY and SELL from the skewed fair price
    touch,  ///< BUY from the best bid, SELL from the best ask (each skewed)
};

[[nodiscard]] constexpr std::string_view to_string(quote_reference r) noexcept {
    return core::enum_label(r);
}

/// Parses the config spelling ("fair" or "touch"). Error: `invalid_quote_reference`.
[[nodiscard]] inline core::result<quote_reference> parse_quote_reference(std::string_view text) {
    return core::parse_label<quote_reference>(text, "quote_reference", errc::invalid_quote_reference);
}

/// One symbol's quoting parameters. Defaults are deliberately inert (no size): a config must say
/// how much to quote.
struct quoter_params {
    fair_price_mode mode = fair_price_mode::mid;
    /// Where each side's reference starts: the fair price (default) or the same-side best price.
    quote_reference reference = quote_reference::fair;
    /// Distance of each quote's reference from the skewed fair price (or, with `touch`, from the
    /// skewed same-side best price), in bps of that price.
    core::bps half_spread;
    /// Size of each quote (the maker policy rounds it to the step).
    core::quantity order_qty;
    /// Fair-price shift at |position| = max_position: long moves quotes down, short up.
    core::bps skew_bps_at_max;
    /// Position at which the skew saturates and the exposure-increasing side stops quoting.
    core::quantity max_position;
    /// A live quote is replaced when the new reference differs from its reference by more than
    /// this many bps of the live reference.
    core::bps requote_threshold;
    /// A live quote older than this is replaced. Zero disables the age rule.
    std::chrono::nanoseconds max_quote_age{0};
};

/// Largest half-spread and skew accepted: 10000 bps (100 %) would quote a bid at zero.
inline constexpr std::int64_t max_offset_bps_raw = std::int64_t{10000} * 10000;  // at scale 4

/// Checks every bound once, at load. Error code `invalid_strategy`; the message names
/// `<symbol>.<field>` and the value ("BTCUSDT.order_qty: must be > 0, got \"0\"").
[[nodiscard]] inline core::result<void> validate(std::string_view symbol,
                                                 const quoter_params& p) {
    const auto fail = [&](std::string_view field, std::string_view rule, const auto& value) {
        return core::make_error(errc::invalid_strategy,
                                fmt::format("{}.{}: {}, got \"{}\"", symbol, field, rule, value));
    };
    const core::bps max_offset = core::bps::from_raw(max_offset_bps_raw);
    if (p.half_spread.is_negative() || p.half_spread >= max_offset) {
        return fail("half_spread", "must be >= 0 and < 10000 bps", p.half_spread);
    }
    if (!p.order_qty.is_positive()) return fail("order_qty", "must be > 0", p.order_qty);
    if (p.skew_bps_at_max.is_negative() || p.skew_bps_at_max >= max_offset) {
        return fail("skew_bps_at_max", "must be >= 0 and < 10000 bps", p.skew_bps_at_max);
    }
    if (!p.max_position.is_positive()) {
        return fail("max_position", "must be > 0", p.max_position);
    }
    if (p.requote_threshold.is_negative()) {
        return fail("requote_threshold", "must be >= 0", p.requote_threshold);
    }
    if (p.max_quote_age.count() < 0) {
        return fail("max_quote_age", "must be >= 0 (0 disables it)",
                    fmt::format("{}ns", p.max_quote_age.count()));
    }
    return {};
}

}  // namespace mmbot::strategy
