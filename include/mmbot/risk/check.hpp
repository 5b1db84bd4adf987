// mmbot/risk/check.hpp
//
// The risk_check concept: what a type must provide to sit in a risk gate.
//
//   struct my_check {
//       static constexpr std::string_view name = "my_check";     // the block/freeze reason
//       verdict check_order(const order_intent&, const symbol_view&, const bot_view&) const;
//       verdict check_state(const symbol_view&, const bot_view&) const;   // per tick
//   };
//
// check_order may leave out the bot_view when the order and its symbol are all it reads. A check
// that only looks at orders derives from `order_only_check<"its_name">`, which names it and passes
// every state; one that only watches state derives from `state_only_check<itself>`, which judges an
// order by the same state (a breached loss limit also refuses the next order).
#pragma once

#include "mmbot/core/fixed_string.hpp"
#include "mmbot/risk/verdict.hpp"
#include "mmbot/risk/view.hpp"

#include <concepts>
#include <string_view>

namespace mmbot::risk {

template <class C>
concept named_check = requires {
    { C::name } -> std::convertible_to<std::string_view>;
};

/// Judges an order with the bot's state at hand.
template <class C>
concept order_check_with_bot = requires(const C& c, const order_intent& o, const symbol_view& s,
                                        const bot_view& b) {
    { c.check_order(o, s, b) } -> std::same_as<verdict>;
};

/// Judges an order by itself and its symbol.
template <class C>
concept order_check_by_symbol = requires(const C& c, const order_intent& o, const symbol_view& s) {
    { c.check_order(o, s) } -> std::same_as<verdict>;
};

template <class C>
concept order_check = order_check_with_bot<C> || order_check_by_symbol<C>;

/// The verdict of check `c` on order `o`, whichever of the two forms it has.
template <order_check C>
[[nodiscard]] verdict judge_order(const C& c, const order_intent& o, const symbol_view& s,
                                  const bot_view& b) {
    if constexpr (order_check_with_bot<C>) {
        return c.check_order(o, s, b);
    } else {
        return c.check_order(o, s);
    }
}

template <class C>
concept state_check = requires(const C& c, const symbol_view& s, const bot_view& b) {
    { c.check_state(s, b) } -> std::same_as<verdict>;
};

template <class C>
concept risk_check = named_check<C> && order_check<C> && state_check<C>;

/// Base for checks that have nothing to say between orders; Name is the block/freeze reason label.
template <core::fixed_string Name>
struct order_only_check {
    static constexpr std::string_view name = Name.view();

    [[nodiscard]] static verdict check_state(const symbol_view& /*unused*/,
                                             const bot_view& /*unused*/) {
        return verdict::ok();
    }
};

/// Base for checks whose order verdict is their state verdict (CRTP: Self is the check).
template <class Self>
struct state_only_check {
    [[nodiscard]] verdict check_order(const order_intent& /*unused*/, const symbol_view& s,
                                      const bot_view& b) const {
        return static_cast<const Self&>(*this).check_state(s, b);
    }
};

namespace detail {
/// Instantiated once per check in a gate, so the compiler's message names the offending type and
/// the assertion names the missing member.
template <class C>
constexpr bool require_risk_check() {
    static_assert(named_check<C>,
                  "risk check: the type needs `static constexpr std::string_view name`, used as its "
                  "block/freeze reason label");
    static_assert(order_check<C>,
                  "risk check: the type needs `verdict check_order(const order_intent&, const "
                  "symbol_view&, const bot_view&) const` (or without the bot_view)");
    static_assert(state_check<C>,
                  "risk check: the type needs `verdict check_state(const symbol_view&, const "
                  "bot_view&) const` (derive from risk::order_only_check if it has none)");
    return true;
}
}  // namespace detail

}  // namespace mmbot::risk
