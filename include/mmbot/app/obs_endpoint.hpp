// mmbot/app/obs_endpoint.hpp
//
// --obs for every binary: /health, /ready and /metrics on 127.0.0.1 (or --obs-address), on the health server's own
// thread. The event loop only writes atomics (the readiness board, the metrics) that the server
// reads, so serving never blocks trading.
//
//   std::optional<obs::health_server> server;
//   if (auto ok = app::serve_obs(opts, server, board, registry, metrics, log, Env::name); !ok) ...
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/obs/health_server.hpp"
#include "mmbot/obs/metrics.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/obs/readiness.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::app {

/// Starts the server into `server` when --obs was given (nothing otherwise). Prints the bound port
/// on stderr and logs `obs_listening`. Error: the server's (address, bind, listen).
/// `status`: the JSON of /status.json (the /status page's data).
template <class Board, class Logger>
[[nodiscard]] core::result<void> serve_obs(const cli_options& opts, std::optional<obs::health_server>& server,
                                           const Board& board, const obs::registry& registry,
                                           obs::mm_metrics& metrics, Logger& log, std::string_view env_name,
                                           const std::function<std::string()>& status) {
    if (!opts.obs) return {};
    obs::health_server_options so;
    so.port = opts.obs_port;
    so.address = opts.obs_address;
    server.emplace(so, obs::health_server_handlers{
                           .readiness = [&board] { return board.report(); },
                           .metrics = [&registry, &metrics, &board](std::string& out) {
                               metrics.ready.set(board.report().ready);
                               out += registry.expose();
                           },
                           .status = status});
    auto port = server->start();
    if (!port) return port.error();
    fmt::print(stderr, "mmbot-{}: serving /health /ready /metrics /status on {}:{}\n", env_name, so.address, *port);
    log.info("obs_listening", {{"port", static_cast<std::int64_t>(*port)}});
    return {};
}

}  // namespace mmbot::app
