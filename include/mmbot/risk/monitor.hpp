// mmbot/risk/monitor.hpp
//
// The risk monitor runs a gate for every order intent and every tick and owns the freeze state.
// When any check says freeze, it records a structured freeze_event (reason, symbol, observed value,
// limit, time), counts it by reason and calls the engine's freeze handler exactly once per freeze
// (the engine cancels all open orders and stops quoting). While frozen, every order is blocked as
// "frozen". Unfreezing is an operator action, or automatic after a configured cool-down (zero =
// never automatic).
//
//   risk::monitor<shadow_gate> m{gate, cool_down};
//   m.on_freeze([&](const risk::freeze_event& e) { engine.cancel_all(e.reason); });
//   auto v = m.check_order(intent, symbol_view, bot_view);
#pragma once

#include "mmbot/risk/freeze_reason.hpp"
#include "mmbot/risk/gate.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace mmbot::risk {

struct freeze_event {
    std::string reason;
    std::string symbol;
    std::string observed;
    std::string limit;
    std::chrono::nanoseconds time{0};
    /// operator_only for a kill switch: cool_down() never ends that freeze.
    release how = release::cool_down;
};

template <class Gate>
class monitor {
public:
    using freeze_handler = std::function<void(const freeze_event&)>;

    explicit monitor(Gate gate = Gate{}, std::chrono::nanoseconds cool_down = {})
        : gate_(std::move(gate)), cool_down_(cool_down) {}

    void on_freeze(freeze_handler h) { handler_ = std::move(h); }

    /// Pre-trade verdict. A freeze verdict freezes the bot before returning.
    [[nodiscard]] verdict check_order(const order_intent& o, const symbol_view& s,
                                      const bot_view& b) {
        if (frozen_) {
            return verdict{action::block, "frozen", value_text{}, value_text{}};
        }
        verdict v = gate_.check_order(o, s, b);
        if (v.act == action::freeze) freeze(v, s.symbol, b.now);
        return v;
    }

    /// Per-tick evaluation of the state checks; returns the verdict (freeze when it froze now).
    verdict on_tick(const symbol_view& s, const bot_view& b) {
        (void)cool_down(b.now);
        if (frozen_) return verdict::ok();
        verdict v = gate_.check_state(s, b);
        if (v.act == action::freeze) freeze(v, s.symbol, b.now);
        return v;
    }

    /// An operator's freeze (kill switch, drill): same path as a check's freeze.
    /// It always takes effect, even on a bot a check has frozen already: it becomes the freeze of
    /// record (sticky when `reason.how` is operator_only, as for a kill switch) and the handler
    /// runs again, so cancel-all goes out for anything still open.
    void freeze_manually(const freeze_reason& reason, std::chrono::nanoseconds now) {
        // A later automatic freeze (journal failure, clock) must not let a cool-down undo an
        // operator's or a kill switch's: the freeze of record stays operator_only.
        const bool sticky = frozen_ && last_ && last_->how == release::operator_only;
        frozen_ = false;
        freeze(verdict{action::freeze, reason.label, value_text{}, value_text{}}, "*", now,
               sticky ? release::operator_only : reason.how);
    }
    /// A freeze the cool-down may end (a journal failure, an unresolved create).
    void freeze_manually(std::string_view reason, std::chrono::nanoseconds now) {
        freeze_manually(freeze_reason{reason, release::cool_down}, now);
    }

    /// Operator action. Returns false when the bot was not frozen.
    bool unfreeze() {
        const bool was = frozen_;
        frozen_ = false;
        return was;
    }

    [[nodiscard]] bool frozen() const noexcept { return frozen_; }
    [[nodiscard]] const std::optional<freeze_event>& last_freeze() const noexcept { return last_; }
    [[nodiscard]] const std::map<std::string, std::int64_t, std::less<>>& freezes_by_reason() const {
        return counts_;
    }
    [[nodiscard]] std::int64_t freeze_count() const noexcept { return total_; }
    [[nodiscard]] const Gate& gate() const noexcept { return gate_; }
    /// The gate's hooks (risk/hooks.hpp): the engine tells the checks what happened.
    [[nodiscard]] Gate& hooks() noexcept { return gate_; }

    /// Ends a freeze whose cool-down has elapsed; true when it did. A caller that keeps state the
    /// checks read (a latency window) calls this first, to reset that state before the checks
    /// run again: otherwise the evidence that froze the bot re-freezes it on the same tick.
    bool cool_down(std::chrono::nanoseconds now) {
        // A kill switch is an operator's decision: only an operator's unfreeze undoes it.
        const bool sticky = last_ && last_->how == release::operator_only;
        if (frozen_ && !sticky && cool_down_.count() > 0 && now - frozen_at_ >= cool_down_) {
            frozen_ = false;
            return true;
        }
        return false;
    }

private:
    void freeze(const verdict& v, std::string_view symbol, std::chrono::nanoseconds now,
                release how = release::cool_down) {
        if (frozen_) return;  // one event per freeze: cancel-all is not re-triggered
        frozen_ = true;
        frozen_at_ = now;
        last_ = freeze_event{std::string(v.reason), std::string(symbol),
                             std::string(v.observed.view()), std::string(v.limit.view()), now, how};
        ++counts_[last_->reason];
        ++total_;
        if (handler_) handler_(*last_);
    }
    Gate gate_;
    std::chrono::nanoseconds cool_down_;
    bool frozen_ = false;
    std::chrono::nanoseconds frozen_at_{0};
    std::optional<freeze_event> last_;
    std::map<std::string, std::int64_t, std::less<>> counts_;
    std::int64_t total_ = 0;
    freeze_handler handler_;
};

}  // namespace mmbot::risk
