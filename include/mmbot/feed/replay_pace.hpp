// mmbot/feed/replay_pace.hpp
//
// When a replayed message is due on the wall clock: the message stamped t is due
// (t - t_first) / speed after the replay starts, t_first being the first stamped message's time
// and speed an exact decimal (1 = real time, 10 = ten times faster, 0.5 = half speed). The local
// venue paces its public stream with it, mmbot-shadow its --speed replay, so both read a capture
// the same way. Exact: nanoseconds times 10^8 over the speed's raw value, in 128 bits.
//
//   feed::replay_pace pace(core::ratio::parse("10").value());
//   const auto due = pace.due(ev.event_time_ns);   // offset from the start, 0 for the first
//   std::this_thread::sleep_until(start + due);
#pragma once

#include "mmbot/core/units.hpp"

#include <cassert>
#include <chrono>
#include <cstdint>

namespace mmbot::feed {

class replay_pace {
public:
    /// `speed` must be > 0 (the flag readers refuse anything else, naming the flag).
    explicit replay_pace(core::ratio speed) : speed_(speed) { assert(speed.is_positive()); }

    /// Offset from the replay's start at which the message stamped `event_time_ns` is due. The
    /// first stamped message fixes t_first (due at 0); an unstamped one (0: a recorder's subscribe
    /// ack) is due at once, and so is one stamped before t_first (captures interleave topics
    /// whose stamps trail each other).
    [[nodiscard]] std::chrono::nanoseconds due(std::int64_t event_time_ns) {
        if (event_time_ns == 0) return std::chrono::nanoseconds{0};
        if (first_ns_ == 0) first_ns_ = event_time_ns;
        if (event_time_ns <= first_ns_) return std::chrono::nanoseconds{0};
        const core::wide_int dt = core::wide_int(event_time_ns - first_ns_);
        const core::wide_int scaled = dt * core::wide_int(core::ratio::one()) / core::wide_int(speed_.raw());
        return std::chrono::nanoseconds{scaled.convert_to<std::int64_t>()};
    }

private:
    core::ratio speed_;
    std::int64_t first_ns_ = 0;  // 0 until the first stamped message (0 is "unstamped")
};

}  // namespace mmbot::feed
