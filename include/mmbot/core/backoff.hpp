// mmbot/core/backoff.hpp
//
// The one exponential backoff. Wait n (counted from 0) is initial * 2^n, capped; with jitter, a
// pseudo-random part of at most a quarter of it is taken off, so that many clients that lost the
// same server do not all come back in step, and no wait ever exceeds the cap. The jitter is
// splitmix64 from a seed: the same sequence on every platform (std's distributions are not), so
// tests and replays are deterministic.
//
//   core::backoff<std::chrono::milliseconds> b({.initial = 500ms, .cap = 30s, .jitter = true,
//                                               .seed = 7});
//   timer.expires_after(b.next());   // 376..500 ms, then 751..1000 ms, ..., never above 30 s
//   b.reset();                       // a connection worked: the next failure starts at 500 ms
//
// Callers that count their attempts themselves (retry budgets) call exponential_delay directly.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace mmbot::core {

/// initial * 2^doublings, capped at `cap`. Doubles only while below the cap, so a large count
/// neither loops long nor overflows.
template <class Duration>
[[nodiscard]] constexpr Duration exponential_delay(Duration initial, Duration cap,
                                                   std::uint32_t doublings) noexcept {
    Duration d = initial;
    for (std::uint32_t i = 0; i < doublings && d > Duration::zero() && d < cap; ++i) d *= 2;
    return std::min(d, cap);
}

template <class Duration>
struct backoff_options {
    Duration initial{};
    Duration cap{};
    /// Take up to a quarter off each wait (seeded, deterministic).
    bool jitter = false;
    std::uint64_t seed = 0;
};

/// A backoff that counts its own attempts. An initial wait below one tick is raised to one tick
/// and a cap below the initial wait is raised to it, so every wait is positive and ordered.
template <class Duration = std::chrono::milliseconds>
class backoff {
public:
    using options = backoff_options<Duration>;

    explicit backoff(const options& o) noexcept
        : initial_(std::max(o.initial, Duration(1))),
          cap_(std::max(o.cap, initial_)),
          jitter_(o.jitter),
          state_(o.seed) {}

    /// The wait before the next attempt; counts the attempt.
    [[nodiscard]] Duration next() noexcept {
        const Duration d = exponential_delay(initial_, cap_, attempts_);
        ++attempts_;
        if (!jitter_) return d;
        const auto quarter = static_cast<std::uint64_t>(d.count() / 4);
        return d - Duration(static_cast<typename Duration::rep>(mix() % (quarter + 1)));
    }
    /// A connection worked: the next failure starts from `initial` again.
    void reset() noexcept { attempts_ = 0; }
    [[nodiscard]] std::uint32_t attempts() const noexcept { return attempts_; }

private:
    /// splitmix64: tiny, and the same numbers on every platform.
    std::uint64_t mix() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }

    Duration initial_;
    Duration cap_;
    bool jitter_;
    std::uint64_t state_;
    std::uint32_t attempts_ = 0;
};

}  // namespace mmbot::core
