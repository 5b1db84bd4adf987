// mmbot/engine/run_observer.hpp
//
// What a run looks like over time, for whoever draws it (app/run_timeline.hpp feeds the HTML run
// report and the live status page). The execution loop calls these as things happen, after its
// own bookkeeping, with exact values; a loop without an observer calls nothing, so the replay's
// report, log and journal do not depend on one being attached.
//
//   loop.observe(&timeline);   // before start(); the observer outlives the loop's use of it
#pragma once

#include "mmbot/core/pinned.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/positions.hpp"
#include "mmbot/engine/state_machine.hpp"

#include <chrono>
#include <string_view>

namespace mmbot::engine {

class run_observer : core::pinned {
public:
    using timestamp = std::chrono::nanoseconds;

    run_observer() = default;
    virtual ~run_observer() = default;

    /// A book that is not crossed: the touch of a traded symbol and the loop's mid (its mark).
    virtual void on_book(std::string_view symbol, const core::price& bid, const core::price& ask,
                         const core::price& mid, timestamp now) = 0;
    /// An order was journaled and sent: one of our quotes.
    virtual void on_placed(std::string_view symbol, core::side side, const core::price& price,
                           timestamp now) = 0;
    /// An execution of ours, with the symbol's position after it.
    virtual void on_fill(std::string_view symbol, core::side side, const core::price& price,
                         const core::quantity& qty, const core::notional& fee, const position& after,
                         timestamp now) = 0;
    /// The bot froze (reason: the check's label, or the operator's).
    virtual void on_freeze(std::string_view reason, timestamp now) = 0;
    /// The bot's state changed (a freeze ends when it leaves `freeze`).
    virtual void on_state(bot_state to, timestamp now) = 0;
};

}  // namespace mmbot::engine
