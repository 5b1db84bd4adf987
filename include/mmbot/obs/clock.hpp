// mmbot/obs/clock.hpp
//
// The clock the observability code reads (log timestamps, market-data age, readiness). It is a
// concept, not a type, so the engine can hand in its own clock: the real one in production and a
// fake one driven by a capture's timestamps in replay, which is what makes logs byte-stable.
//
// A clock is anything with `now()` returning either a duration since the Unix epoch (nanoseconds
// or coarser) or a std::chrono time_point whose epoch is the Unix epoch (system_clock's is).
//
//   mmbot::obs::fake_clock clk{std::chrono::seconds(1'700'000'000)};
//   clk.advance(std::chrono::milliseconds(5));
//   auto ns = mmbot::obs::unix_nanos(clk);   // 1700000000005000000ns
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <type_traits>

namespace mmbot::obs {

namespace detail {
template <class T>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

template <class T>
concept epoch_time_point = requires(const T& t) {
    { t.time_since_epoch() };
} && is_duration<decltype(std::declval<const T&>().time_since_epoch())>::value;

template <class T>
[[nodiscard]] std::chrono::nanoseconds to_unix_nanos(const T& t) {
    if constexpr (is_duration<T>::value) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(t);
    } else {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
    }
}
}  // namespace detail

/// What a clock must offer: `now()` giving a chrono duration since the Unix epoch or a time_point.
template <class C>
concept clock_source = requires(C& c) {
    { c.now() };
} && (detail::is_duration<std::remove_cvref_t<decltype(std::declval<C&>().now())>>::value ||
      detail::epoch_time_point<std::remove_cvref_t<decltype(std::declval<C&>().now())>>);

/// Nanoseconds since the Unix epoch from any clock_source.
template <class C>
[[nodiscard]] std::chrono::nanoseconds unix_nanos(C& clock) {
    static_assert(clock_source<C>,
                  "unix_nanos: the clock type needs `now()` returning a std::chrono::duration since "
                  "the Unix epoch or a std::chrono::time_point (see mmbot/obs/clock.hpp)");
    return detail::to_unix_nanos(clock.now());
}

/// The wall clock (production).
struct system_clock_source {
    [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept {
        return std::chrono::system_clock::now();
    }
};

/// A clock that moves only when told to (tests, replay). Thread-safe: one thread may drive it
/// while the log and the health server read it.
class fake_clock {
public:
    fake_clock() = default;
    explicit fake_clock(std::chrono::nanoseconds start) noexcept : ns_(start.count()) {}

    [[nodiscard]] std::chrono::nanoseconds now() const noexcept {
        return std::chrono::nanoseconds(ns_.load(std::memory_order_acquire));
    }
    void set(std::chrono::nanoseconds t) noexcept { ns_.store(t.count(), std::memory_order_release); }
    void advance(std::chrono::nanoseconds d) noexcept {
        ns_.fetch_add(d.count(), std::memory_order_acq_rel);
    }

private:
    std::atomic<std::int64_t> ns_{0};
};

static_assert(clock_source<fake_clock> && clock_source<system_clock_source>);

}  // namespace mmbot::obs
