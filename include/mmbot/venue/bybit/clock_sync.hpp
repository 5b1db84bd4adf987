// mmbot/venue/bybit/clock_sync.hpp
//
// Server-time sync and the clock-skew check for signed requests.
//
// Bybit refuses a signed request whose X-BAPI-TIMESTAMP is more than recv_window behind its clock
// or more than 1 s ahead of it (10002). The adapter therefore stamps requests with local time
// plus an offset measured from GET /v5/market/time: sent at t0, answered at t1, server time ts,
// offset = ts - (t0 + t1) / 2, good to within rtt / 2. A sample whose round trip is too long is
// discarded (its midpoint says little); the kept offset is the one from the shortest round trip
// seen in the current window of samples. If the corrected clock still cannot be trusted to land
// inside the window (|offset| beyond `max_skew`), signing is refused rather than sent to fail.
//
//   clock_sync sync{{.max_rtt = 1s, .max_skew = 30s}};
//   sync.add_sample(t0, t1, parse_server_time(body).value());
//   auto ts = sync.venue_time_ms(local_now);     // result: error bybit_clock_skew / _unsynced
//   auto off = sync_clock(sync, transport, now_fn, 3);  // the offset, or why no sample was usable
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit {

struct clock_sync_params {
    /// Samples with a longer round trip are discarded.
    std::chrono::nanoseconds max_rtt{std::chrono::seconds{1}};
    /// Largest |offset| the adapter accepts to trade with: beyond it the local clock is broken.
    std::chrono::nanoseconds max_skew{std::chrono::seconds{30}};
};

class clock_sync {
public:
    explicit clock_sync(clock_sync_params p = {}) : p_(p) {}

    /// One market/time exchange: local send time, local receive time, server time (all ns).
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

    /// Local time corrected to the venue's clock, in ms for X-BAPI-TIMESTAMP. Errors:
    ///   bybit_clock_unsynced  no usable sample yet
    ///   bybit_clock_skew      |offset| above max_skew (the message gives both)
    [[nodiscard]] core::result<std::int64_t> venue_time_ms(std::chrono::nanoseconds local) const {
        if (!has_sample_) {
            return core::make_error(errc::clock_unsynced,
                                    "server time: no usable market/time sample yet");
        }
        const auto skew = offset_.count() < 0 ? -offset_ : offset_;
        if (skew > p_.max_skew) {
            return core::make_error(
                errc::clock_skew,
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

/// Takes up to `attempts` GET /v5/market/time samples through `t` (send(request, signer*, ms)
/// -> result<{body}>) and returns the kept offset. When none was usable the error says why the
/// last attempt failed: the transport's own error (code and text: bybit_tls for a certificate or
/// host-name mismatch, bybit_not_sent, bybit_timeout), an unparsable body, or a round trip above
/// max_rtt. Otherwise as venue_time_ms (bybit_clock_skew).
template <class Transport, class NowFn>
[[nodiscard]] core::result<std::chrono::nanoseconds> sync_clock(clock_sync& sync, Transport& t,
                                                               NowFn now, int attempts) {
    rest_request req;
    write_server_time(req);
    std::optional<core::error> last;
    for (int i = 0; i < attempts; ++i) {
        const std::chrono::nanoseconds sent = now();
        auto r = t.send(req, nullptr, 0);
        const std::chrono::nanoseconds received = now();
        if (!r) {
            last = r.error();
            continue;
        }
        auto server = parse_server_time(r->body);
        if (!server) {
            last = core::make_error(server.error().code,
                                    fmt::format("market/time answer: {}", server.error().message));
        } else if (!sync.add_sample(sent, received, *server)) {
            last = core::make_error(errc::clock_unsynced,
                                    fmt::format("market/time round trip of {} ms is too long",
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

/// A jump of the offset above this between two samples freezes: half of the 1 s Bybit accepts
/// a timestamp ahead of its clock, so requests signed with the old offset may have missed.
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

}  // namespace mmbot::venue::bybit
