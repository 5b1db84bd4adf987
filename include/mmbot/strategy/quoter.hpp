// mmbot/strategy/quoter.hpp
//
// The quoting decision for one symbol: from the top of the book, the position and the quotes that
// are live now, what each side should do (keep, place, replace, cancel) and at which reference.
//
//   fair      mid or microprice of the top of book (exact fraction)
//   base      reference fair (default): fair for both sides
//             reference touch:          best bid for BUY, best ask for SELL (the predecessor's)
//   skewed    base x (1 - skew/10^4), skew = skew_bps_at_max x position / max_position, clamped
//             to +-skew_bps_at_max: long -> quotes move down, short -> up
//   ref BUY   skewed BUY base  x (1 - half_spread/10^4), rounded DOWN to the price scale (1e-8)
//   ref SELL  skewed SELL base x (1 + half_spread/10^4), rounded UP
//
// From the fair price the edge against mid is the half-spread whatever the market spread; from the
// touch it is half the market spread plus the half-spread, so it shrinks when the spread collapses
// (and the risk layer's edge floor freezes the bot: the spread_collapse scenario).
//
// The reference is NOT on the tick grid: the maker policy (mmbot/policy/maker_policy.hpp) adds its
// post-only offset and rounds it to the tick away from the book. The rules per side, in order:
//
//   no market      (a side missing, bid >= ask)          -> cancel the live quote, else nothing
//   position cap   (BUY when position >= max_position,
//                   SELL when position <= -max_position) -> cancel the live quote, else nothing
//   nothing live                                          -> place
//   |ref - live.ref| > requote_threshold x live.ref/10^4  -> replace (moved)
//   max_quote_age > 0 and now - live.placed_at > it       -> replace (stale)
//   otherwise                                             -> keep
//
// A pure function of its input: the engine tracks the live quotes and feeds them back in.
//
//   mmbot::strategy::quoter q = mmbot::strategy::quoter::make("BTCUSDT", params).value();
//   auto d = q.decide({.top = {book.best_bid(), book.best_ask()}, .position = pos, .now = now,
//                      .bid = live_bid, .ask = live_ask});
//   if (d.bid.action == quote_action::place) send(policy::decide(..., d.bid.intent.ref, ...));
// Include guards rather than #pragma once: this header and its impl/ include each other, and
// compilers ignore #pragma once in the file they were given, which tools like clang-tidy do.
#ifndef MMBOT_STRATEGY_QUOTER_HPP
#define MMBOT_STRATEGY_QUOTER_HPP

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/strategy/fair_price.hpp"
#include "mmbot/strategy/params.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmbot::strategy {

/// What to do with one side's quote.
enum class quote_action : std::uint8_t {
    none,     ///< nothing live and nothing wanted (position cap, no market)
    keep,     ///< the live quote stays
    place,    ///< nothing live: place the intent
    replace,  ///< cancel the live quote and place the intent
    cancel,   ///< cancel the live quote and place nothing
};

/// Why the action was chosen (the `reason` label of logs and metrics).
enum class quote_reason : std::uint8_t {
    unchanged,     ///< keep: within threshold and age
    new_quote,     ///< place: no live quote on this side
    moved,         ///< replace: the reference moved past requote_threshold
    stale,         ///< replace: the live quote is older than max_quote_age
    position_cap,  ///< cancel/none: this side would grow |position| beyond max_position
    no_market,     ///< cancel/none: no usable top of book
};

[[nodiscard]] constexpr std::string_view to_string(quote_action a) noexcept {
    return core::enum_label(a);
}

[[nodiscard]] constexpr std::string_view to_string(quote_reason r) noexcept {
    return core::enum_label(r);
}

/// Best bid and ask with their sizes, as `feed::l2_book::best_bid()/best_ask()` return them.
struct market_top {
    std::optional<feed::level> bid{};
    std::optional<feed::level> ask{};
};

/// A quote the engine has live on the venue (or in flight), as it placed it.
struct live_quote {
    core::price ref{};  ///< the reference the quote was built from (what thresholds compare)
    core::price price{};  ///< the price sent (after the maker policy); carried for logs
    std::chrono::nanoseconds placed_at{0};
};

struct quoter_input {
    market_top top{};
    /// Signed position in the base asset: positive long, negative short.
    core::quantity position{};
    std::chrono::nanoseconds now{0};
    std::optional<live_quote> bid{};
    std::optional<live_quote> ask{};
};

/// The order the strategy wants on one side, before the maker policy puts it on the grid.
struct quote_intent {
    core::side side{core::side::buy};
    core::price ref;      ///< exact rule, rounded passively to 1e-8; zero when the side is off
    core::quantity qty;   ///< order_qty, or zero when the side is off
};

struct side_decision {
    quote_action action{quote_action::none};
    quote_reason reason{quote_reason::no_market};
    quote_intent intent;
};

struct quote_decision {
    /// Unskewed fair price rounded DOWN (zero when there is no market): for logs and reports.
    core::price fair;
    /// Shift applied to the fair price in bps (negative when long), rounded toward zero.
    core::bps skew;
    side_decision bid;
    side_decision ask;
};

class quoter {
public:
    /// Unchecked: `params` must have passed validate(). Use make() with config input.
    explicit quoter(const quoter_params& params) : params_(params) {}

    /// Validates and builds (errors as validate()).
    [[nodiscard]] static core::result<quoter> make(std::string_view symbol,
                                                   const quoter_params& params) {
        if (auto ok = validate(symbol, params); !ok) return ok.error();
        return quoter(params);
    }

    [[nodiscard]] const quoter_params& params() const noexcept { return params_; }

    /// The decision for both sides. Deterministic; no allocation.
    [[nodiscard]] quote_decision decide(const quoter_input& in) const;

private:
    [[nodiscard]] side_decision decide_side(core::side s, const core::price& ref,
                                            const quoter_input& in) const;
    [[nodiscard]] bool moved(const core::price& live_ref, const core::price& ref) const;

    /// The exact prices of the last decision and what they were computed from. Most book updates
    /// leave the top and the position as they were, and the exact rule costs several 256-bit
    /// divisions, so decide() reuses them when its inputs repeat (same result, by construction).
    struct memo {
        bool valid = false;
        core::price bid_px, ask_px;
        core::quantity bid_qty, ask_qty;  // microprice only (zero for mid)
        core::quantity position;
        core::price fair, bid_ref, ask_ref;
        core::bps skew;
    };

    quoter_params params_;
    mutable memo memo_;  // a cache of a pure function: decide() stays logically const
};

/// A side that must stop quoting: cancel what is live, otherwise nothing to do.
[[nodiscard]] inline side_decision stop_side(core::side s, const std::optional<live_quote>& live,
                                             quote_reason why) {
    return {live ? quote_action::cancel : quote_action::none, why, quote_intent{s, {}, {}}};
}

}  // namespace mmbot::strategy

#include "mmbot/strategy/impl/quoter.hpp"

#endif  // MMBOT_STRATEGY_QUOTER_HPP
