// mmbot/venue/clock_sync.hpp
//
// Server-time sync and the clock-skew check for signed requests, for any venue.
//
// Bybit and Binance both refuse a signed request whose timestamp is more than recvWindow behind
// their clock or more than 1 s ahead of it (Bybit 10002, Binance -1021). An adapter therefore
// stamps requests with local time plus an offset measured from the venue's server-time endpoint:
// sent at t0, answered at t1, server time ts, offset = ts - (t0 + t1) / 2, good to within rtt / 2.
// A sample whose round trip is too long is discarded (its midpoint says little); the kept offset
// is the one from the shortest round trip seen in the current window of samples. If the corrected
// clock still cannot be trusted to land inside the window (|offset| beyond `max_skew`), signing is
// refused rather than sent to fail. The error codes are the venue's (`Errc::clock_unsynced`,
// `Errc::clock_skew`), so logs and metrics name the venue.
//
//   basic_clock_sync<bybit::errc> sync{{.max_rtt = 1s, .max_skew = 30s}};
//   sync.add_sample(t0, t1, server_time);
//   auto ts = sync.venue_time_ms(local_now);          // result: <venue>_clock_skew / _unsynced
//   auto off = sample_clock(sync, ask, now_fn, 3, "market/time");  // the offset, or why not
#pragma once

#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue {

struct clock_sync_params {
    /// Samples with a longer round trip are discarded.
    std::chrono::nanoseconds max_rtt{std::chrono::seconds{1}};
    /// Largest |offset| the adapter accepts to trade with: beyond it the local clock is broken.
    std::chrono::nanoseconds max_skew{std::chrono::seconds{30}};
};

template <class Errc>
class basic_clock_sync {
public:
    explicit basic_clock_sync(clock_sync_params p = {}) : p_(p) {}

    /// One server-time exchange: local send time, local receive time, server time (all ns).
    /// Returns false (and keeps the previous offset) when the sample is unusable.
    bool add_sample(std::chrono::nanoseconds sent, std::chrono::nanoseconds received,
                    std::chrono::nanoseconds server) {
        const auto rtt = received - sent;
        if (rtt.count() < 0 || rtt > p_.max_rtt) return false;
        const auto midpoint = sent + rtt / 2;
        if (!has_sample_ || rtt <= best_rtt_) {
            has_sample_ = true;
            best_rtt_ = rtt;
            offset_ = server - midpoint;
        }
        return true;
    }

    /// Forgets the kept sample so the next one replaces it (call periodically: clocks drift).
    void start_window() { has_sample_ = false; }

    [[nodiscard]] std::optional<std::chrono::nanoseconds> offset() const {
        if (!has_sample_) return std::nullopt;
        return offset_;
    }

    /// Local time corrected to the venue's clock, in ms for the request's timestamp. Errors:
    ///   <venue>_clock_unsynced  no usable sample yet
    ///   <venue>_clock_skew      |offset| above max_skew (the message gives both)
    [[nodiscard]] core::result<std::int64_t> venue_time_ms(std::chrono::nanoseconds local) const {
        if (!has_sample_) {
            return core::make_error(Errc::clock_unsynced,
                                    "server time: no usable sample yet");
        }
        const auto skew = offset_.count() < 0 ? -offset_ : offset_;
        if (skew > p_.max_skew) {
            return core::make_error(
                Errc::clock_skew,
                fmt::format("server time: local clock off by {} ms, more than the {} ms allowed",
                            std::chrono::duration_cast<std::chrono::milliseconds>(offset_).count(),
                            std::chrono::duration_cast<std::chrono::milliseconds>(p_.max_skew).count()));
        }
        return std::chrono::duration_cast<std::chrono::milliseconds>(local + offset_).count();
    }

private:
    clock_sync_params p_;
    // A flag beside a plain duration rather than std::optional: gcc 12 -O2 reports a false
    // maybe-uninitialized through the optional once this is inlined into run_trading.
    bool has_sample_ = false;
    std::chrono::nanoseconds best_rtt_{0};
    std::chrono::nanoseconds offset_{0};
};

/// Takes up to `attempts` samples, each `ask()` (-> core::result<nanoseconds>, the server's time
/// or the transport's or parser's error) timed by `now`, and returns the kept offset. When none was
/// usable the error says why the last attempt failed: the transport's own error (code and text: a
/// certificate or host-name mismatch, not sent, a timeout), an unparsable body (`what` names the
/// endpoint), or a round trip above max_rtt. Otherwise as venue_time_ms (clock_skew).
template <class Errc, class AskFn, class NowFn>
[[nodiscard]] core::result<std::chrono::nanoseconds> sample_clock(basic_clock_sync<Errc>& sync, AskFn ask, NowFn now,
                                                                 int attempts, std::string_view what) {
    std::optional<core::error> last;
    for (int i = 0; i < attempts; ++i) {
        const std::chrono::nanoseconds sent = now();
        core::result<std::chrono::nanoseconds> server = ask();
        const std::chrono::nanoseconds received = now();
        if (!server) {
            last = server.error();
        } else if (!sync.add_sample(sent, received, *server)) {
            last = core::make_error(Errc::clock_unsynced,
                                    fmt::format("{} round trip of {} ms is too long", what,
                                                std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    received - sent).count()));
        }
    }
    if (auto ms = sync.venue_time_ms(now()); !ms) {
        if (!last) return ms.error();
        return core::make_error(last->code, fmt::format("{}; last of {} attempt(s): {}", ms.error().message,
                                                        attempts, last->message));
    }
    return *sync.offset();
}

/// What one periodic resync found (app/venue_watch.hpp), for the loop to log, export and act on.
struct resync_report {
    std::optional<std::chrono::nanoseconds> offset;  ///< the new offset; empty when the resync failed
    std::chrono::nanoseconds previous{0};            ///< the offset before it
    std::string error;                               ///< why it failed (transport, round trip)
    int failures_in_a_row = 0;
    /// Set when the loop must freeze: "clock_skew" (a jump) or "clock_unsynced" (failures).
    std::optional<std::string_view> freeze_reason;
};

/// A jump of the offset above this between two samples freezes: half of the 1 s Bybit and Binance
/// accept a timestamp ahead of their clock, so requests signed with the old offset may have missed.
inline constexpr std::chrono::milliseconds max_offset_jump{500};
/// Resyncs failing in a row before the drift since the last good sample counts as unbounded.
inline constexpr int max_resync_failures = 3;

/// Judges one resync: `measured` is sync_clock's outcome, `previous` the offset in use, and
/// `failures_before` the failed resyncs just before this one.
[[nodiscard]] inline resync_report assess_resync(std::chrono::nanoseconds previous,
                                                 const core::result<std::chrono::nanoseconds>& measured,
                                                 int failures_before) {
    resync_report r;
    r.previous = previous;
    if (!measured) {
        r.error = measured.error().message;
        r.failures_in_a_row = failures_before + 1;
        if (r.failures_in_a_row >= max_resync_failures) r.freeze_reason = "clock_unsynced";
        return r;
    }
    r.offset = *measured;
    const auto jump = *measured - previous;
    if (jump > max_offset_jump || -jump > max_offset_jump) r.freeze_reason = "clock_skew";
    return r;
}

}  // namespace mmbot::venue
