// mmbot/obs/health_server.hpp
//
// The operator's HTTP endpoint, on Boost.Beast, on its own thread:
//
//   GET /health   200 {"status":"ok"}                       liveness: the process answers
//   GET /ready    200 {"ready":true,"reasons":[]}           market data fresh, venue up, not frozen
//                 503 {"ready":false,"reasons":["frozen"]}  otherwise, with every reason
//   GET /metrics  200 text/plain; version=0.0.4             the Prometheus exposition
//   GET /status   200 text/html                             the live status page (with a status handler)
//   GET /status.json 200 application/json                   what the page shows, refreshed by the bot
//   other paths 404, other methods 405 (Allow: GET), malformed 400, header too large or too many
//   header fields 431, body too large 413.
//
// It is exposed to whatever can reach the port, so it is built to be boring under abuse: binds
// 127.0.0.1 unless told otherwise; a request must arrive whole within `read_timeout` (a slowloris
// client is cut off); a connection waiting for its next request is closed after `idle_timeout`;
// header bytes, header fields and body bytes are bounded; at most `max_connections` are open at
// once, and when all are taken a newcomer is still served: the least recently active idle
// connection (else the oldest one still sending its request) is closed to make room, so clients
// that hold keep-alive connections open can never lock a scraper out (a newcomer is closed on
// accept only when every connection is writing its answer); a handler that throws yields 500,
// never a dead server. It never touches the trading loop: it reads only what the loop
// publishes through atomics (mmbot/obs/readiness.hpp, the metrics registry) or under a lock (the
// status JSON, app/runtime/run_pictures.hpp).
//
//   mmbot::obs::health_server srv({.port = 9100},
//       {.readiness = [&] { return board.report(); },
//        .metrics = [&](std::string& out) { reg.write(out); }});
//   auto port = srv.start();            // result<uint16_t>: the bound port (0 asks for any)
//   ...
//   srv.stop();                         // also done by the destructor
#pragma once
// A classic guard as well, so that opening impl/ alone (static analysis) cannot include this twice.
#ifndef MMBOT_OBS_HEALTH_SERVER_HPP
#define MMBOT_OBS_HEALTH_SERVER_HPP

#include "mmbot/core/compiled.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/obs/errors.hpp"
#include "mmbot/obs/readiness.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mmbot::obs {

struct health_server_options {
    /// Loopback by default: exposing metrics beyond the host is an explicit decision.
    std::string address = "127.0.0.1";
    /// 0 binds an ephemeral port; start() reports the one bound.
    std::uint16_t port = 0;
    /// Request line plus header fields, in bytes.
    std::uint32_t header_limit = 8 * 1024;
    /// GETs carry no body; a small allowance tolerates clients that send one anyway.
    std::uint64_t body_limit = 1024;
    std::size_t max_header_fields = 64;
    /// Whole-request deadline, from the request's first byte.
    std::chrono::milliseconds read_timeout{5000};
    /// How long a connection may wait for the first byte of its next request (keep-alive idle).
    std::chrono::milliseconds idle_timeout{5000};
    std::chrono::milliseconds write_timeout{5000};
    std::size_t max_connections = 512;
};

struct health_server_handlers {
    /// Called on the server thread for /ready. Absent: always ready.
    std::function<readiness_report()> readiness;
    /// Appends the exposition for /metrics. Absent: empty body.
    std::function<void(std::string&)> metrics;
    /// The JSON of /status.json, the data of the /status page (obs/status_page.hpp). Absent: both
    /// paths answer 404.
    std::function<std::string()> status;
};

/// Counters for tests and for the server's own logging.
struct health_server_stats {
    std::uint64_t accepted = 0;
    std::uint64_t rejected_over_limit = 0;
    std::uint64_t requests = 0;
    std::uint64_t bad_requests = 0;
    std::uint64_t timeouts = 0;
    /// Connections closed to make room for a newcomer when every slot was taken.
    std::uint64_t evicted = 0;
    std::uint64_t active = 0;
};

namespace detail {
class health_server_core;
}

class health_server {
public:
    health_server(health_server_options options, health_server_handlers handlers);
    health_server(const health_server&) = delete;
    health_server& operator=(const health_server&) = delete;
    ~health_server();

    /// Binds, listens and starts the server thread. Errors: obs_address (unparsable address),
    /// obs_bind (cannot bind or listen; the message names address, port and the OS reason),
    /// obs_started (start called twice).
    [[nodiscard]] core::result<std::uint16_t> start();
    /// Closes the listener and every connection and joins the thread. Idempotent.
    void stop() noexcept;

    /// The bound port (0 before start).
    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] health_server_stats stats() const noexcept;

private:
    std::unique_ptr<detail::health_server_core> core_;
};

}  // namespace mmbot::obs

#if !defined(MMBOT_SEPARATE_COMPILATION)
#include "mmbot/obs/impl/health_server.hpp"
#endif

#endif  // MMBOT_OBS_HEALTH_SERVER_HPP
