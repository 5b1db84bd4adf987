// mmbot/policy/maker_policy.hpp
//
// The maker-only policy: every order rests on the book and never takes liquidity.
//
// The rules (docs/maker-policy.md has worked examples):
//   price  BUY  ref - ref*bps/10000 rounded DOWN to the tick
//          SELL ref + ref*bps/10000 rounded UP   to the tick
//          computed exactly: the unrounded value is the rational ref*(10^4 -+ bps)/10^4
//   qty    rounded DOWN to the step; must be >= min_qty x pad (pad 1.1 by default)
//   cross  BUY crosses when price >= best ask; SELL when price <= best bid -> blocked
//   value  price x qty >= min_notional, price within [min_price, max_price]
// Each blocking outcome carries a block_reason whose label is the metrics label.
//
//   auto d = mmbot::policy::decide(params, filters, side::buy, qty, ref, {bid, ask});
//   if (!d.allowed()) metrics.blocked(symbol, label(d.reason));
//
// The functions are generic over the decimal units (any decimal<Unit> for prices, quantities and
// basis points) and over the filter type (anything modelling core::exchange_filters).
#pragma once

#include "mmbot/core/decimal.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/filters.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/policy/block_reason.hpp"
#include "mmbot/policy/errors.hpp"

#include <fmt/format.h>

namespace mmbot::policy {

using core::side;

namespace detail {
/// Intermediates are Boost.Multiprecision's checked 128-bit integer: a 63-bit price times a
/// factor below 2^35 cannot overflow it, and if a future caller manages to, it throws instead of
/// wrapping. bench/core_bench.cpp measures it beside native __int128: both well inside budget.
using core::wide_int;
using core::detail::div_ceil;
using core::detail::div_floor;
using core::detail::pow10;
}  // namespace detail

/// The post-only price for `s`, offset `offset_bps` basis points away from `ref` (to the passive
/// side) and rounded to `tick` away from the book. Errors: "invalid_price" when ref or tick is not
/// positive, the offset is negative, or no positive price on the grid results (a BUY offset of
/// 10000 bps or more).
template <class PriceUnit, class BpsUnit>
[[nodiscard]] core::result<core::decimal<PriceUnit>> calc_post_only_price(
    side s, const core::decimal<PriceUnit>& ref, const core::decimal<BpsUnit>& offset_bps,
    const core::decimal<PriceUnit>& tick) {
    static_assert(std::is_same_v<typename PriceUnit::rep, std::int64_t> &&
                      std::is_same_v<typename BpsUnit::rep, std::int64_t>,
                  "calc_post_only_price: price and bps units must have an int64 representation");
    using price_t = core::decimal<PriceUnit>;
    if (!ref.is_positive() || !tick.is_positive() || offset_bps.is_negative()) {
        return core::make_error(
            errc::invalid_price,
            fmt::format("post-only price: ref {}, tick {} and offset {} bps must be positive", ref,
                        tick, offset_bps));
    }
    // bps/10^4 with bps at scale k is raw/10^(4+k): the exact multiplier is (D -+ raw)/D.
    constexpr int bps_denominator_digits = 4 + BpsUnit::scale;
    static const detail::wide_int d = detail::pow10<detail::wide_int>(bps_denominator_digits);
    const detail::wide_int factor = s == side::buy ? d - offset_bps.raw() : d + offset_bps.raw();
    const detail::wide_int numerator = detail::wide_int(ref.raw()) * factor;
    const detail::wide_int grid = d * tick.raw();
    const detail::wide_int steps = s == side::buy ? detail::div_floor(numerator, grid)
                                                  : detail::div_ceil(numerator, grid);
    const detail::wide_int raw = steps * tick.raw();
    static const detail::wide_int max_raw(std::numeric_limits<std::int64_t>::max());
    const bool representable = raw > 0 && raw <= max_raw;
    if (!representable) {
        return core::make_error(
            errc::invalid_price,
            fmt::format("post-only price: {} {} offset {} bps leaves no valid price on tick {}",
                        core::to_string(s), ref, offset_bps, tick));
    }
    return price_t::from_raw(raw.convert_to<std::int64_t>());
}

/// Quantity rounded toward zero to a multiple of `step` (> 0).
template <class QtyUnit>
[[nodiscard]] core::decimal<QtyUnit> round_qty(const core::decimal<QtyUnit>& qty,
                                               const core::decimal<QtyUnit>& step) {
    return qty.round_to(step, qty.is_negative() ? core::rounding::up : core::rounding::down);
}

/// True when qty >= min_qty x pad, compared exactly (no rounding of the padded minimum).
template <class QtyUnit, class RatioUnit>
[[nodiscard]] bool check_min_qty(const core::decimal<QtyUnit>& qty,
                                 const core::decimal<QtyUnit>& min_qty,
                                 const core::decimal<RatioUnit>& pad) {
    // qty*10^r >= min*pad_raw, both sides at scale q+r.
    static const detail::wide_int scale = detail::pow10<detail::wide_int>(RatioUnit::scale);
    const detail::wide_int lhs = detail::wide_int(qty.raw()) * scale;
    const detail::wide_int rhs = detail::wide_int(min_qty.raw()) * detail::wide_int(pad.raw());
    return lhs >= rhs;
}

/// True when a limit order at `price` would take liquidity: BUY at or above the best ask, SELL at
/// or below the best bid.
template <class PriceUnit>
[[nodiscard]] constexpr bool check_price_crosses_market(side s,
                                                        const core::decimal<PriceUnit>& price,
                                                        const core::decimal<PriceUnit>& best_bid,
                                                        const core::decimal<PriceUnit>& best_ask) {
    return s == side::buy ? price >= best_ask : price <= best_bid;
}

/// True when price x qty meets the venue's minimum order value.
[[nodiscard]] inline bool check_min_notional(const core::price& price, const core::quantity& qty,
                                             const core::notional& min_notional) {
    return price * qty >= min_notional;
}

/// Tunables of the maker policy (CLI: --maker-only, --post-only-offset-bps, --min-qty-pad).
struct maker_params {
    core::bps post_only_offset_bps = core::bps::from_raw(15000);   // 1.5 bps
    core::ratio min_qty_pad = core::ratio::from_raw(110000000);     // 1.1
    /// When false the offset is not applied (the order is a plain limit at ref rounded to the
    /// tick away from the book); the crossing check still applies: mmbot never crosses.
    bool maker_only = true;
};

struct top_of_book {
    core::price best_bid;
    core::price best_ask;
};

/// What the policy decided for one order: either a price and quantity on the grid, or a reason.
struct maker_decision {
    block_reason reason = block_reason::none;
    core::price price;
    core::quantity qty;
    /// The post-only offset moved the price away from the reference (mm_post_only_adjustments).
    bool price_adjusted = false;

    [[nodiscard]] bool allowed() const noexcept { return reason == block_reason::none; }
};

/// Applies the whole policy to a desired order: `ref` is the price the strategy wants to quote
/// around (the predecessor used the same-side best: best bid for BUY, best ask for SELL).
template <core::exchange_filters Filters>
[[nodiscard]] maker_decision decide(const maker_params& params, const Filters& filters, side s,
                                    const core::quantity& desired_qty, const core::price& ref,
                                    const top_of_book& top) {
    maker_decision d;
    const auto block = [&d](block_reason r) {
        d.reason = r;
        return d;
    };
    if (!top.best_bid.is_positive() || !top.best_ask.is_positive() ||
        top.best_bid >= top.best_ask) {
        return block(block_reason::no_market);
    }
    d.qty = round_qty(desired_qty, filters.qty_step);
    if (d.qty > filters.max_qty) return block(block_reason::max_qty);
    if (!check_min_qty(d.qty, filters.min_qty, params.min_qty_pad)) {
        return block(block_reason::min_qty);
    }
    const core::bps offset = params.maker_only ? params.post_only_offset_bps : core::bps{};
    auto px = calc_post_only_price(s, ref, offset, filters.tick_size);
    if (!px) return block(block_reason::invalid_price);
    d.price = *px;
    d.price_adjusted = d.price != ref;
    if (d.price < filters.min_price || d.price > filters.max_price) {
        return block(block_reason::price_filter);
    }
    if (check_price_crosses_market(s, d.price, top.best_bid, top.best_ask)) {
        return block(block_reason::cross_price);
    }
    if (!check_min_notional(d.price, d.qty, filters.min_notional)) {
        return block(block_reason::min_notional);
    }
    return d;
}

/// The predecessor's form: the reference is the same-side best price.
template <core::exchange_filters Filters>
[[nodiscard]] maker_decision decide(const maker_params& params, const Filters& filters, side s,
                                    const core::quantity& desired_qty, const top_of_book& top) {
    return decide(params, filters, s, desired_qty, s == side::buy ? top.best_bid : top.best_ask,
                  top);
}

/// The rule above as a type: what the execution loop is composed with (its `Policy` parameter,
/// engine/execution_loop.hpp). Another maker policy is another type with the same two members.
struct post_only_maker {
    template <core::exchange_filters Filters>
    [[nodiscard]] static maker_decision decide(const maker_params& params, const Filters& filters, side s,
                                               const core::quantity& desired_qty, const core::price& ref,
                                               const top_of_book& top) {
        return policy::decide(params, filters, s, desired_qty, ref, top);
    }
    [[nodiscard]] static constexpr std::string_view label(block_reason r) noexcept { return policy::label(r); }
};

}  // namespace mmbot::policy
