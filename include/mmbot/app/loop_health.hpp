// mmbot/app/loop_health.hpp
//
// Does the trading loop keep turning? Each turn reports its time; once per window (5 s) the
// tracker hands back how many turns there were and the longest gap between two of them, which
// the runner logs as {"msg":"loop_health","turns":..,"max_turn_ms":..}. A soak or an operator
// reads a stall straight off that line (docs/reliability.md: max_turn_ms > 1000 is a stall),
// without a profiler and without a clock call of its own on the hot path.
//
//   loop_health h{start};
//   for (;;) { if (auto w = h.turn(now)) log.info("loop_health", {...w->turns, w->max_turn_ms}); ... }
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace mmbot::app {

struct loop_health_window {
    std::int64_t turns = 0;
    std::int64_t max_turn_ms = 0;
};

class loop_health {
public:
    explicit loop_health(std::chrono::nanoseconds start,
                         std::chrono::nanoseconds window = std::chrono::seconds(5)) noexcept
        : window_(window), window_start_(start), last_(start) {}

    /// One loop turn at `now`; a closed window when `now` ends one.
    [[nodiscard]] std::optional<loop_health_window> turn(std::chrono::nanoseconds now) noexcept {
        // A clock that steps back never makes a negative gap.
        max_gap_ = std::max(max_gap_, now - last_);
        last_ = std::max(last_, now);
        ++turns_;
        if (now - window_start_ < window_) return std::nullopt;
        const loop_health_window w{
            turns_, std::chrono::duration_cast<std::chrono::milliseconds>(max_gap_).count()};
        window_start_ = now;
        turns_ = 0;
        max_gap_ = std::chrono::nanoseconds{0};
        return w;
    }

private:
    std::chrono::nanoseconds window_;
    std::chrono::nanoseconds window_start_;
    std::chrono::nanoseconds last_;
    std::chrono::nanoseconds max_gap_{0};
    std::int64_t turns_ = 0;
};

}  // namespace mmbot::app
