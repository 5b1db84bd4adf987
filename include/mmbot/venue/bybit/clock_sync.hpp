// mmbot/venue/bybit/clock_sync.hpp
//
// Server-time sync and the clock-skew check for signed requests, on Bybit (the rule and the
// sampler are venue/clock_sync.hpp's, shared with Binance).
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
#include "mmbot/venue/clock_sync.hpp"

#include <fmt/format.h>

#include <chrono>

namespace mmbot::venue::bybit {

// Bybit's names for the shared rule (venue/clock_sync.hpp), as callers and tests spell them.
// NOLINTBEGIN(misc-unused-using-decls): re-exported, used outside this header
using venue::clock_sync_params;
using clock_sync = venue::basic_clock_sync<errc>;
using venue::assess_resync;
using venue::max_offset_jump;
using venue::max_resync_failures;
using venue::resync_report;
// NOLINTEND(misc-unused-using-decls)

/// Takes up to `attempts` GET /v5/market/time samples through `t` (send(request, signer*, ms)
/// -> result<{body}>) and returns the kept offset (venue::sample_clock says which error when none
/// was usable: bybit_tls, bybit_not_sent, bybit_timeout, an unparsable body, bybit_clock_skew).
template <class Transport, class NowFn>
[[nodiscard]] core::result<std::chrono::nanoseconds> sync_clock(clock_sync& sync, Transport& t,
                                                               NowFn now, int attempts) {
    rest_request req;
    write_server_time(req);
    const auto ask = [&]() -> core::result<std::chrono::nanoseconds> {
        auto r = t.send(req, nullptr, 0);
        if (!r) return r.error();
        auto server = parse_server_time(r->body);
        if (!server) {
            return core::make_error(server.error().code, fmt::format("market/time answer: {}", server.error().message));
        }
        return std::chrono::nanoseconds(*server);
    };
    return venue::sample_clock(sync, ask, now, attempts, "market/time");
}

}  // namespace mmbot::venue::bybit
