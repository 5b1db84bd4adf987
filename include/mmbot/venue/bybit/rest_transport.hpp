// mmbot/venue/bybit/rest_transport.hpp
//
// HTTPS for the Bybit v5 REST API on Boost.Beast + OpenSSL: one keep-alive TLS connection, a
// synchronous call per request with connect and reply deadlines.
//
// The reply deadline depends on the request: order entry (create, cancel, cancel-all, the order
// query; endpoints.hpp is_order_entry) gets `order_timeout` (1 s), everything else `read_timeout`
// (5 s). The gateway sends one request at a time, so a connection that went silent holds every
// request behind it for that long: order entry answers in milliseconds, and a cancel must not wait
// 5 s behind a create the venue swallowed. A request that times out drops its connection; the next
// request opens a fresh one at once (the timed-out create is resolved by a query on it).
//
// TLS: 1.2 or newer only, the peer certificate verified against the trust store (verify_peer),
// the host name checked against the certificate (asio::ssl::host_name_verification), SNI set.
// Nothing here turns verification off; tests trust a test CA instead (`trust_pem`).
//
// Where requests go is decided by the environment at compile time: `default_endpoint<Env>()` is
// Env::rest_host:443, and `override_endpoint<Env>(host, port)` exists only for environments with
// `endpoint_override_allowed` (shadow and testnet, pointed at the local venue in tests). For live
// the call does not compile.
//
// Failures come back as errors whose code tells the retry policy what it may assume:
//   bybit_not_sent   nothing of the request was written (resolve, connect, TLS handshake)
//   bybit_timeout    the request was written, no complete response in time: outcome unknown
//   bybit_tls        certificate or host name verification failed (also not sent)
// set_deadline(t) bounds every later call by t (the orderly stop's deadline), whatever the
// connect and read timeouts say; once t has passed nothing is sent (bybit_not_sent).
// cancel_in_flight() ends a call already waiting on the venue (Beast's expiry covers only
// operations started after it is set): the stop calls it at its deadline.
// HTTP statuses other than 200 come back as a response (Bybit puts retCode in the body for most).
//
// The declaration is light; the Beast/OpenSSL definitions are in impl/rest_transport.hpp, compiled
// once in our build (core/compiled.hpp) and included here in a header-only one.
//
//   boost::asio::io_context io;
//   rest_transport t{io, default_endpoint<env::testnet>(), net::tls_client_context()};
//   auto resp = t.send(req, &signer, now_ms);   // result<http_response>
#pragma once
// A classic guard as well: a tool that opens impl/ as its main file, or pastes headers into one
// unit, must not define the class twice (#pragma once does not cover those).
#ifndef MMBOT_VENUE_BYBIT_REST_TRANSPORT_HPP
#define MMBOT_VENUE_BYBIT_REST_TRANSPORT_HPP

#include "mmbot/core/compiled.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mmbot::venue::bybit {

struct rest_endpoint {
    std::string host;
    std::string port = "443";
    std::chrono::milliseconds connect_timeout{3000};
    /// Reply deadline of everything but order entry (instruments, executions, time).
    std::chrono::milliseconds read_timeout{5000};
    /// Reply deadline of order entry (is_order_entry): how long a silent connection can hold the
    /// sender, and every cancel queued behind it.
    std::chrono::milliseconds order_timeout{1000};
};

template <env::environment Env>
[[nodiscard]] rest_endpoint default_endpoint() {
    return rest_endpoint{std::string(Env::rest_host)};
}

/// Another host (the local venue). Only where the environment allows it: not for live.
template <env::environment Env>
    requires(Env::endpoint_override_allowed)
[[nodiscard]] rest_endpoint override_endpoint(std::string host, std::string port) {
    return rest_endpoint{std::move(host), std::move(port)};
}

struct http_response {
    unsigned status = 0;
    std::string body;
    /// From X-Bapi-Limit-Status / X-Bapi-Limit / X-Bapi-Limit-Reset-Timestamp, when all present
    /// and well-formed.
    std::optional<rate_limit_status> limits;
};

class rest_transport {
public:
    /// Largest response body accepted (a full instruments-info page is well under 1 MiB).
    static constexpr std::uint64_t max_body_bytes = std::uint64_t{8} * 1024 * 1024;

    rest_transport(boost::asio::io_context& io, rest_endpoint ep, boost::asio::ssl::context& tls);
    rest_transport(const rest_transport&) = delete;
    rest_transport& operator=(const rest_transport&) = delete;
    rest_transport(rest_transport&&) = delete;
    rest_transport& operator=(rest_transport&&) = delete;
    ~rest_transport();

    /// Bounds every later send(): connect, write and read each end by `d` (steady clock) even
    /// when their own timeouts run longer, and after `d` nothing is sent (bybit_not_sent). The
    /// orderly stop sets it to its deadline so a hung venue cannot hold the exit. Any thread.
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept;
    /// Ends the send() in flight on another thread now (bybit_timeout: it was written, the outcome
    /// is unknown); the orderly stop calls it at its deadline. Any thread.
    void cancel_in_flight();

    /// Sends `req` (signed with `s` at `now_ms` when the endpoint is private) and reads the
    /// response. Reconnects when the kept-alive connection is gone.
    [[nodiscard]] core::result<http_response> send(const rest_request& req, signer* s, std::int64_t now_ms);

    [[nodiscard]] bool connected() const noexcept;
    [[nodiscard]] std::int64_t connects() const noexcept;
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace mmbot::venue::bybit

#if !defined(MMBOT_SEPARATE_COMPILATION)
#include "mmbot/venue/bybit/impl/rest_transport.hpp"
#endif

#endif  // MMBOT_VENUE_BYBIT_REST_TRANSPORT_HPP
