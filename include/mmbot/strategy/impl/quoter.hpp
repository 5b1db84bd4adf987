// mmbot/strategy/impl/quoter.hpp
//
// Bodies of mmbot::strategy::quoter (included at the bottom of mmbot/strategy/quoter.hpp).
// Include guards rather than #pragma once: this header and its impl/ include each other, and
// compilers ignore #pragma once in the file they were given, which tools like clang-tidy do.
#ifndef MMBOT_STRATEGY_IMPL_QUOTER_HPP
#define MMBOT_STRATEGY_IMPL_QUOTER_HPP

#include "mmbot/strategy/quoter.hpp"

namespace mmbot::strategy {

inline quote_decision quoter::decide(const quoter_input& in) const {
    quote_decision d;
    const market_top& top = in.top;
    if (!top.bid || !top.ask || !top.bid->px.is_positive() || top.bid->px >= top.ask->px) {
        d.bid = stop_side(core::side::buy, in.bid, quote_reason::no_market);
        d.ask = stop_side(core::side::sell, in.ask, quote_reason::no_market);
        return d;
    }
    const bool micro = params_.mode == fair_price_mode::microprice;
    const core::quantity bid_qty = micro ? top.bid->qty : core::quantity{};
    const core::quantity ask_qty = micro ? top.ask->qty : core::quantity{};
    memo& m = memo_;
    if (!m.valid || m.bid_px != top.bid->px || m.ask_px != top.ask->px || m.bid_qty != bid_qty ||
        m.ask_qty != ask_qty || m.position != in.position) {
        m.valid = false;  // to_price may throw (price range): never leave a half-updated memo
        const fraction fair = fair_value(params_.mode, *top.bid, *top.ask);
        const fraction skew =
            skew_factor(params_.skew_bps_at_max, in.position, params_.max_position);
        m.fair = to_price(fair, core::rounding::down);
        m.skew = applied_skew(params_.skew_bps_at_max, in.position, params_.max_position);
        // Each side's base before the half-spread: the fair price for both, or (touch) the side's
        // own best price. The skew shifts either base by the same factor, so inventory moves touch
        // quotes exactly as it moves fair ones. Prices are < 2^63 and the skew factor < 2^91: the
        // products stay far inside the 256-bit fraction (fair_price.hpp states the bound).
        const bool touch = params_.reference == quote_reference::touch;
        const fraction bid_base = touch ? fraction{core::wider_int(top.bid->px.raw())} : fair;
        const fraction ask_base = touch ? fraction{core::wider_int(top.ask->px.raw())} : fair;
        const fraction bid_skewed = scale(bid_base, skew.num, skew.den);
        const fraction ask_skewed = scale(ask_base, skew.num, skew.den);
        // Passive rounding: the bid reference never rounds up toward the ask, nor the ask down.
        m.bid_ref = to_price(
            scale(bid_skewed, spread_numerator(params_.half_spread, true), bps_denominator()),
            core::rounding::down);
        m.ask_ref = to_price(
            scale(ask_skewed, spread_numerator(params_.half_spread, false), bps_denominator()),
            core::rounding::up);
        m.bid_px = top.bid->px;
        m.ask_px = top.ask->px;
        m.bid_qty = bid_qty;
        m.ask_qty = ask_qty;
        m.position = in.position;
        m.valid = true;
    }
    d.fair = m.fair;
    d.skew = m.skew;
    d.bid = decide_side(core::side::buy, m.bid_ref, in);
    d.ask = decide_side(core::side::sell, m.ask_ref, in);
    return d;
}

inline side_decision quoter::decide_side(core::side s, const core::price& ref,
                                         const quoter_input& in) const {
    const bool buy = s == core::side::buy;
    const std::optional<live_quote>& live = buy ? in.bid : in.ask;
    // The side that would grow |position| past the cap stops; the other keeps quoting to unwind.
    const bool capped = buy ? in.position >= params_.max_position
                            : in.position <= -params_.max_position;
    if (capped) return stop_side(s, live, quote_reason::position_cap);

    const quote_intent intent{s, ref, params_.order_qty};
    if (!live) return {quote_action::place, quote_reason::new_quote, intent};
    if (moved(live->ref, ref)) return {quote_action::replace, quote_reason::moved, intent};
    if (params_.max_quote_age.count() > 0 && in.now - live->placed_at > params_.max_quote_age) {
        return {quote_action::replace, quote_reason::stale, intent};
    }
    return {quote_action::keep, quote_reason::unchanged, intent};
}

inline bool quoter::moved(const core::price& live_ref, const core::price& ref) const {
    // |ref - live| / live > threshold / 10^4 bps, cross-multiplied to stay exact (live_ref > 0 for
    // any quote that was placed; a zero one compares as "moved" whenever the ref differs).
    const core::wide_int diff = core::wide_int(ref.raw()) - core::wide_int(live_ref.raw());
    const core::wide_int abs_diff = diff < 0 ? core::wide_int(-diff) : diff;
    const core::wide_int lhs = abs_diff * core::wide_int(max_offset_bps_raw);
    const core::wide_int rhs =
        core::wide_int(params_.requote_threshold.raw()) * core::wide_int(live_ref.raw());
    return lhs > rhs;
}

}  // namespace mmbot::strategy

#endif  // MMBOT_STRATEGY_IMPL_QUOTER_HPP
