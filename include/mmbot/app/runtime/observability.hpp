// mmbot/app/runtime/observability.hpp
//
// What a run shows of itself while it runs, in one piece: the metrics registry and the mm_*
// metrics, the readiness board behind /ready, the book-fault bookkeeping (crossed books), the feed
// counters, and with --obs the health server that serves them (app/obs_endpoint.hpp). The server
// is declared last, so it stops (its thread joins) before anything it reads is destroyed.
//
//   run_observability<obs::fake_clock> seen(clock, symbol_names(setups), stale_after_of(setups));
//   if (auto ok = seen.serve(opts, log, Env::name); !ok) return exit_with(ok.error());
#pragma once

#include "mmbot/app/book_faults.hpp"
#include "mmbot/app/cli.hpp"
#include "mmbot/app/feed_metrics.hpp"
#include "mmbot/app/obs_endpoint.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/obs/health_server.hpp"
#include "mmbot/obs/metrics.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/obs/readiness.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app {

template <class Clock>
struct run_observability : core::pinned {
    run_observability(Clock& clock, const std::vector<std::string>& symbols, std::chrono::nanoseconds stale_after)
        : metrics(registry), board(clock, symbols, stale_after), faults(symbols, metrics), feed_counts(metrics) {}

    /// --obs: starts the health server (nothing without the flag). A bind failure stops the run.
    /// `status`: the /status page's data (run_pictures::status_json).
    template <class Logger>
    [[nodiscard]] outcome<void> serve(const cli_options& opts, Logger& log, std::string_view env_name,
                                      const std::function<std::string()>& status) {
        if (auto ok = serve_obs(opts, server, board, registry, metrics, log, env_name, status); !ok) {
            return fail_with(exit_code::runtime, ok.error());
        }
        return {};
    }

    obs::registry registry;
    obs::mm_metrics metrics;
    obs::readiness_board<Clock> board;
    book_faults faults;
    feed_metrics feed_counts;
    std::optional<obs::health_server> server;
};

}  // namespace mmbot::app
