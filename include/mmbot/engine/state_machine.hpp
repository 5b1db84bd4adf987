// mmbot/engine/state_machine.hpp
//
// The bot's lifecycle: INIT -> RUNNING -> FREEZE -> (RUNNING | SHUTDOWN), and SHUTDOWN from any
// state. Every transition is reported to a listener (the JSON log and the mm_state gauge); an
// illegal one is refused with an error naming both ends, so a bug cannot, say, resume quoting
// after shutdown began.
//
//   state_machine sm{[&](bot_state from, bot_state to, std::string_view why) { log(...); }};
//   sm.transition(bot_state::running, "startup complete");
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/engine/errors.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string_view>
#include <utility>

namespace mmbot::engine {

enum class bot_state : std::uint8_t { init, running, freeze, shutdown };

[[nodiscard]] constexpr std::string_view to_string(bot_state s) noexcept {
    return core::enum_label<"", core::letter_case::upper>(s);
}

inline std::ostream& operator<<(std::ostream& os, bot_state s) { return os << to_string(s); }

[[nodiscard]] constexpr bool is_legal_transition(bot_state from, bot_state to) noexcept {
    if (to == bot_state::shutdown) return from != bot_state::shutdown;
    switch (from) {
        case bot_state::init: return to == bot_state::running;
        case bot_state::running: return to == bot_state::freeze;
        case bot_state::freeze: return to == bot_state::running;
        case bot_state::shutdown: return false;
    }
    return false;
}

class state_machine {
public:
    using listener = std::function<void(bot_state from, bot_state to, std::string_view reason)>;

    state_machine() = default;
    explicit state_machine(listener l) : listener_(std::move(l)) {}

    /// Moves to `to`, telling the listener why. Errors: "illegal_state_transition".
    core::result<void> transition(bot_state to, std::string_view reason) {
        if (!is_legal_transition(state_, to)) {
            return core::make_error(errc::illegal_state_transition,
                                    fmt::format("bot state: illegal transition {} -> {} ({})",
                                                to_string(state_), to_string(to), reason));
        }
        const bot_state from = state_;
        state_ = to;
        ++transitions_;
        if (listener_) listener_(from, to, reason);
        return {};
    }

    [[nodiscard]] bot_state state() const noexcept { return state_; }
    [[nodiscard]] bool quoting() const noexcept { return state_ == bot_state::running; }
    [[nodiscard]] std::uint64_t transitions() const noexcept { return transitions_; }

private:
    bot_state state_ = bot_state::init;
    std::uint64_t transitions_ = 0;
    listener listener_;
};

}  // namespace mmbot::engine
