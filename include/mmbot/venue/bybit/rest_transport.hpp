// mmbot/venue/bybit/rest_transport.hpp
//
// HTTPS for the Bybit v5 REST API: signs a request (signer.hpp) and sends it over one keep-alive
// TLS connection (net/https_client.hpp), then reads the X-Bapi-Limit-* headers of the answer.
//
// The reply deadline depends on the request: order entry (create, cancel, cancel-all, the order
// query; endpoints.hpp is_order_entry) gets `order_timeout` (1 s), everything else `read_timeout`
// (5 s). The gateway sends one request at a time, so a connection that went silent holds every
// request behind it for that long: order entry answers in milliseconds, and a cancel must not wait
// 5 s behind a create the venue swallowed. A request that times out drops its connection; the next
// request opens a fresh one at once (the timed-out create is resolved by a query on it).
//
// TLS: 1.2 or newer only, the peer certificate verified against the trust store (verify_peer),
// the host name checked against the certificate, SNI set (net/https_client.hpp). Nothing here
// turns verification off; tests trust a test CA instead (`trust_pem`).
//
// Where requests go is decided by the environment at compile time: `default_endpoint<Env>()` is
// Env::rest_host:443, and `override_endpoint<Env>(host, port)` exists only for environments with
// `endpoint_override_allowed` (shadow and testnet, pointed at the local venue in tests). For live
// the call does not compile.
//
// Failures come back as errors whose code tells the retry policy what it may assume (the HTTPS
// client's codes under this adapter's labels):
//   bybit_not_sent   nothing of the request was written (resolve, connect, TLS handshake)
//   bybit_timeout    the request was written, no complete response in time: outcome unknown
//   bybit_tls        certificate or host name verification failed (also not sent)
// set_deadline(t) bounds every later call by t (the orderly stop's deadline), whatever the
// connect and read timeouts say; once t has passed nothing is sent (bybit_not_sent).
// cancel_in_flight() ends a call already waiting on the venue: the stop calls it at its deadline.
// HTTP statuses other than 200 come back as a response (Bybit puts retCode in the body for most).
//
//   boost::asio::io_context io;
//   rest_transport t{io, default_endpoint<env::testnet>(), net::tls_client_context()};
//   auto resp = t.send(req, &signer, now_ms);   // result<http_response>
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/net/errors.hpp"
#include "mmbot/net/https_client.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/rest_endpoint.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit {

/// Host, port and deadlines (venue/rest_endpoint.hpp).
using venue::rest_endpoint;

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
    static constexpr std::uint64_t max_body_bytes = net::https_client::max_body_bytes;

    rest_transport(boost::asio::io_context& io, const rest_endpoint& ep, boost::asio::ssl::context& tls)
        : ep_(ep), client_(io, net::https_host{ep.host, ep.port, ep.connect_timeout}, tls) {}

    /// Bounds every later send(): connect, write and read each end by `d` (steady clock) even
    /// when their own timeouts run longer, and after `d` nothing is sent (bybit_not_sent). The
    /// orderly stop sets it to its deadline so a hung venue cannot hold the exit. Any thread.
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept { client_.set_deadline(d); }
    /// Ends the send() in flight on another thread now (bybit_timeout: it was written, the outcome
    /// is unknown); the orderly stop calls it at its deadline. Any thread.
    void cancel_in_flight() { client_.cancel_in_flight(); }

    /// Sends `req` (signed with `s` at `now_ms` when the endpoint is private) and reads the
    /// response. Reconnects when the kept-alive connection is gone.
    [[nodiscard]] core::result<http_response> send(const rest_request& req, signer* s, std::int64_t now_ms) {
        const std::string target = req.target();
        net::https_request msg{req.method() == http_method::get ? net::http_verb::get : net::http_verb::post,
                               target, "application/json",
                               req.method() == http_method::post ? std::string_view{req.body} : std::string_view{},
                               {}};
        if (is_signed(req.ep)) {
            if (s == nullptr) return core::make_error(errc::not_sent, fmt::format("{}: needs a signer", req.path()));
            auto sig = s->sign_rest(now_ms, req.payload(), req.recv_window);
            if (!sig) return sig.error();
            s->write_headers(*sig, [&](std::string_view name, std::string_view value) {
                msg.headers.emplace_back(name, value);
            });
        }
        auto a = client_.exchange(msg, is_order_entry(req.ep) ? ep_.order_timeout : ep_.read_timeout);
        if (!a) return core::make_error(code_of(a.error().code), std::move(a.error().message));
        http_response out;
        out.status = a->status;
        out.body = std::move(a->body);
        const auto st = a->header("X-Bapi-Limit-Status");
        const auto li = a->header("X-Bapi-Limit");
        const auto rs = a->header("X-Bapi-Limit-Reset-Timestamp");
        if (st && li && rs) {
            if (auto lim = parse_rate_limit_headers(*st, *li, *rs); lim) out.limits = *lim;
        }
        return out;
    }

    [[nodiscard]] bool connected() const noexcept { return client_.connected(); }
    [[nodiscard]] std::int64_t connects() const noexcept { return client_.connects(); }
    void close() { client_.close(); }

private:
    /// The HTTPS client's failure under this adapter's label (what the retry policy reads).
    [[nodiscard]] static core::error_code code_of(core::error_code c) noexcept {
        if (c == net::errc::timeout) return errc::timeout;
        if (c == net::errc::tls) return errc::tls;
        if (c == net::errc::stale_connection) return errc::stale_connection;  // after one retry
        return errc::not_sent;
    }

    rest_endpoint ep_;
    net::https_client client_;
};

}  // namespace mmbot::venue::bybit
