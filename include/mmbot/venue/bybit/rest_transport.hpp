// mmbot/venue/bybit/rest_transport.hpp
//
// HTTPS for the Bybit v5 REST API on Boost.Beast + OpenSSL: one keep-alive TLS connection, a
// synchronous call per request with connect and read deadlines.
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
// HTTP statuses other than 200 come back as a response (Bybit puts retCode in the body for most).
//
// Heavy include (Beast, Asio, OpenSSL): only the transport's own translation units use it; the
// parsers and builders stay in the small headers.
//
//   boost::asio::io_context io;
//   rest_transport t{io, default_endpoint<env::testnet>(), net::tls_client_context()};
//   auto resp = t.send(req, &signer, now_ms);   // result<http_response>
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/net/tls.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

struct rest_endpoint {
    std::string host;
    std::string port = "443";
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds read_timeout{5000};
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
    using tcp = boost::asio::ip::tcp;
    /// Largest response body accepted (a full instruments-info page is well under 1 MiB).
    static constexpr std::uint64_t max_body_bytes = std::uint64_t{8} * 1024 * 1024;

    rest_transport(boost::asio::io_context& io, rest_endpoint ep, boost::asio::ssl::context& tls)
        : io_(io), ep_(std::move(ep)), tls_(tls) {}

    /// Bounds every later send(): connect, write and read each end by `d` (steady clock) even
    /// when their own timeouts run longer, and after `d` nothing is sent (bybit_not_sent). The
    /// orderly stop sets it to its deadline so a hung venue cannot hold the exit. Any thread.
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept {
        deadline_ns_.store(d.time_since_epoch().count(), std::memory_order_relaxed);
    }

    /// Sends `req` (signed with `s` at `now_ms` when the endpoint is private) and reads the
    /// response. Reconnects when the kept-alive connection is gone.
    [[nodiscard]] core::result<http_response> send(const rest_request& req, signer* s,
                                                   std::int64_t now_ms) {
        namespace http = boost::beast::http;
        if (within(ep_.read_timeout).count() == 0) {
            return core::make_error(errc::not_sent, fmt::format("{}:{}: {}: the stop deadline has "
                                                                  "passed, not sent",
                                                                  ep_.host, ep_.port, req.path()));
        }
        http::request<http::string_body> msg{
            req.method() == http_method::get ? http::verb::get : http::verb::post, req.target(),
            11};
        msg.set(http::field::host, ep_.host);
        msg.set(http::field::connection, "keep-alive");
        msg.set(http::field::content_type, "application/json");
        if (is_signed(req.ep)) {
            if (s == nullptr) {
                return core::make_error(errc::not_sent,
                                        fmt::format("{}: needs a signer", req.path()));
            }
            auto sig = s->sign_rest(now_ms, req.payload());
            if (!sig) return sig.error();
            s->write_headers(*sig, [&](std::string_view name, std::string_view value) {
                msg.set(name, value);
            });
        }
        if (req.method() == http_method::post) msg.body() = req.body;
        msg.prepare_payload();

        if (!stream_) {
            if (auto ok = connect(); !ok) return ok.error();
        }
        auto r = exchange(msg);
        if (!r && r.error().code == errc::stale_connection) {
            // The server closed the kept-alive connection before we wrote: nothing was sent.
            stream_.reset();
            if (auto ok = connect(); !ok) return ok.error();
            r = exchange(msg);
        }
        if (!r) stream_.reset();
        return r;
    }

    [[nodiscard]] bool connected() const noexcept { return stream_.has_value(); }
    [[nodiscard]] std::int64_t connects() const noexcept { return connects_; }
    void close() { stream_.reset(); }

private:
    using stream_type = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    /// min(`normal`, time left before the deadline); zero when the deadline has passed.
    [[nodiscard]] std::chrono::milliseconds within(std::chrono::milliseconds normal) const {
        const auto d = deadline_ns_.load(std::memory_order_relaxed);
        if (d == no_deadline) return normal;
        const auto left = std::chrono::steady_clock::duration(d) -
                          std::chrono::steady_clock::now().time_since_epoch();
        if (left <= std::chrono::steady_clock::duration::zero()) return std::chrono::milliseconds{0};
        return std::min(normal, std::chrono::ceil<std::chrono::milliseconds>(left));
    }

    /// Runs the io_context until the pending operation completes.
    void run() {
        io_.restart();
        io_.run();
    }

    [[nodiscard]] core::result<void> connect() {
        boost::system::error_code ec;
        tcp::resolver resolver{io_};
        const auto addrs = resolver.resolve(ep_.host, ep_.port, ec);
        if (ec) return fail(errc::not_sent, "resolve", ec);
        stream_.emplace(io_, tls_);
        auto& s = *stream_;
        // SNI, and the certificate must name the host we asked for.
        if (SSL_set_tlsext_host_name(s.native_handle(), ep_.host.c_str()) != 1) {
            stream_.reset();
            return core::make_error(errc::not_sent, fmt::format("{}: cannot set SNI", ep_.host));
        }
        s.set_verify_mode(boost::asio::ssl::verify_peer);
        s.set_verify_callback(boost::asio::ssl::host_name_verification(ep_.host));
        boost::beast::get_lowest_layer(s).expires_after(within(ep_.connect_timeout));
        boost::beast::get_lowest_layer(s).async_connect(
            addrs, [&](boost::system::error_code e, const tcp::endpoint&) { ec = e; });
        run();
        if (ec) {
            stream_.reset();
            return fail(errc::not_sent, "connect", ec);
        }
        s.async_handshake(boost::asio::ssl::stream_base::client,
                          [&](boost::system::error_code e) { ec = e; });
        run();
        if (ec) {
            const long verify = SSL_get_verify_result(s.native_handle());
            stream_.reset();
            if (verify != X509_V_OK) {
                return core::make_error(
                    errc::tls, fmt::format("{}: certificate verification failed: {}", ep_.host,
                                             X509_verify_cert_error_string(verify)));
            }
            return fail(errc::tls, "TLS handshake", ec);
        }
        ++connects_;
        return {};
    }

    template <class Request>
    [[nodiscard]] core::result<http_response> exchange(Request& msg) {
        namespace http = boost::beast::http;
        auto& s = *stream_;
        boost::system::error_code ec;
        std::size_t written = 0;
        boost::beast::get_lowest_layer(s).expires_after(within(ep_.read_timeout));
        http::async_write(s, msg, [&](boost::system::error_code e, std::size_t n) {
            ec = e;
            written = n;
        });
        run();
        if (ec) {
            return fail(written == 0 ? errc::stale_connection : errc::timeout, "write", ec);
        }
        // A parser rather than a bare message: it carries the body limit, and the message stays
        // in place (read() into a message moves it into a parser and back).
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_body_bytes);
        buffer_.clear();
        http::async_read(s, buffer_, parser,
                         [&](boost::system::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return fail(errc::timeout, "read", ec);
        auto& resp = parser.get();
        http_response out;
        out.status = resp.result_int();
        out.body = std::move(resp.body());
        const auto st = resp.find("X-Bapi-Limit-Status");
        const auto li = resp.find("X-Bapi-Limit");
        const auto rs = resp.find("X-Bapi-Limit-Reset-Timestamp");
        if (st != resp.end() && li != resp.end() && rs != resp.end()) {
            auto lim = parse_rate_limit_headers(st->value(), li->value(), rs->value());
            if (lim) out.limits = *lim;
        }
        if (!resp.keep_alive()) stream_.reset();
        return out;
    }

    [[nodiscard]] core::error fail(errc code, std::string_view what,
                                   const boost::system::error_code& ec) const {
        return core::make_error(code,
                                fmt::format("{}:{}: {} failed: {}", ep_.host, ep_.port, what,
                                            ec.message()));
    }

    boost::asio::io_context& io_;
    rest_endpoint ep_;
    boost::asio::ssl::context& tls_;
    std::optional<stream_type> stream_;
    boost::beast::flat_buffer buffer_;
    std::int64_t connects_ = 0;
    static constexpr std::chrono::steady_clock::rep no_deadline =
        std::numeric_limits<std::chrono::steady_clock::rep>::max();
    /// set_deadline's time since the steady clock's epoch; written by the trading thread.
    std::atomic<std::chrono::steady_clock::rep> deadline_ns_{no_deadline};
};

}  // namespace mmbot::venue::bybit
