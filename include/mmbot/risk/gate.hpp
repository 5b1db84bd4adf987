// mmbot/risk/gate.hpp
//
// A risk gate: a compile-time list of checks, evaluated in order. Each binary composes its own
// list in targets/<env>/ (live adds the canary cap, the order-rate cap and the price band), so a
// check a binary must have cannot be switched off by configuration.
//
//   using shadow_gate = mmbot::risk::gate<inventory_limit, loss_limit, edge_floor>;
//   shadow_gate g;
//   verdict v = g.check_order(intent, symbol, bot);   // freeze beats block beats pass
//
// A type in the list that is not a risk_check fails to compile with a message naming what it
// lacks (mmbot/risk/check.hpp). Checks that keep state get the engine's events through the gate's
// hooks (risk/hooks.hpp): `on(e)` for a sent, acked, answered or filled order, a book seen or a
// resume reaches every check with a hook for that event's type, in list order.
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/hooks.hpp"

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mmbot::risk {

template <class... Checks>
class gate {
    static_assert((detail::require_risk_check<Checks>() && ...));
    static_assert(sizeof...(Checks) > 0, "risk::gate: give it at least one check");

public:
    gate() = default;
    explicit gate(Checks... checks) : checks_(std::move(checks)...) {}

    /// The reason labels of the checks, in evaluation order (for docs, metrics and tests).
    static constexpr std::array<std::string_view, sizeof...(Checks)> names{Checks::name...};

    /// Pre-trade: the first freeze if any check freezes, else the first block, else pass. Every
    /// check runs, so a freeze is never hidden behind a cheaper block.
    [[nodiscard]] verdict check_order(const order_intent& o, const symbol_view& s,
                                      const bot_view& b) const {
        verdict out = verdict::ok();
        boost::hana::for_each(checks_, [&](const auto& check) {
            if (out.act == action::freeze) return;
            verdict v = judge_order(check, o, s, b);
            if (v.act == action::freeze || (v.act == action::block && out.passed())) out = v;
        });
        return out;
    }

    /// Per tick: the first freeze, if any.
    [[nodiscard]] verdict check_state(const symbol_view& s, const bot_view& b) const {
        verdict out = verdict::ok();
        boost::hana::for_each(checks_, [&](const auto& check) {
            if (out.act == action::freeze) return;
            verdict v = check.check_state(s, b);
            if (v.act == action::freeze) out = v;
        });
        return out;
    }

    /// One of the engine's events (risk/hooks.hpp), forwarded to the checks that declare a hook
    /// for its type.
    template <class Event>
    void on(const Event& e) {
        each([&e](auto& c) { if constexpr (requires { c.on(e); }) c.on(e); });
    }

    /// The check of type C in this gate (tests and reports read a check's state).
    template <class C>
        requires(std::is_same_v<C, Checks> || ...)
    [[nodiscard]] const C& get() const {
        constexpr std::array<bool, sizeof...(Checks)> is_c{std::is_same_v<C, Checks>...};
        constexpr auto index = static_cast<std::size_t>(std::find(is_c.begin(), is_c.end(), true) - is_c.begin());
        return boost::hana::at_c<index>(checks_);
    }

private:
    template <class F>
    void each(F&& f) {
        boost::hana::for_each(checks_, std::forward<F>(f));
    }

    boost::hana::tuple<Checks...> checks_;
};

/// True when the gate type lists `Check` (used by static_asserts in targets/, e.g. that the live
/// binary carries the canary cap).
template <class Gate, class Check>
struct gate_contains : std::false_type {};
template <class... Checks, class Check>
struct gate_contains<gate<Checks...>, Check>
    : std::bool_constant<(std::is_same_v<Checks, Check> || ...)> {};
template <class Gate, class Check>
inline constexpr bool gate_contains_v = gate_contains<Gate, Check>::value;

}  // namespace mmbot::risk
