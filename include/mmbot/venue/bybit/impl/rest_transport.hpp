// mmbot/venue/bybit/impl/rest_transport.hpp
//
// rest_transport's definitions (Beast HTTP + OpenSSL). Included by rest_transport.hpp in a
// header-only build, compiled once by rest_transport.cpp in ours (core/compiled.hpp).
#pragma once
// A classic guard as well: a tool that opens impl/ as its main file, or pastes headers into one
// unit, must not define the class twice (#pragma once does not cover those).
#ifndef MMBOT_VENUE_BYBIT_IMPL_REST_TRANSPORT_HPP
#define MMBOT_VENUE_BYBIT_IMPL_REST_TRANSPORT_HPP

#include "mmbot/net/tls.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
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
#include <limits>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

struct rest_transport::impl {
    using tcp = boost::asio::ip::tcp;

    impl(boost::asio::io_context& io, rest_endpoint ep, boost::asio::ssl::context& tls)
        : io_(io), ep_(std::move(ep)), tls_(tls) {}

    void set_deadline(std::chrono::steady_clock::time_point d) noexcept {
        deadline_ns_.store(d.time_since_epoch().count(), std::memory_order_relaxed);
    }

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
            auto sig = s->sign_rest(now_ms, req.payload(), req.recv_window);
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
        const auto reply_timeout = is_order_entry(req.ep) ? ep_.order_timeout : ep_.read_timeout;
        auto r = exchange(msg, reply_timeout);
        if (!r && r.error().code == errc::stale_connection) {
            // The server closed the kept-alive connection before we wrote: nothing was sent.
            stream_.reset();
            if (auto ok = connect(); !ok) return ok.error();
            r = exchange(msg, reply_timeout);
        }
        // A connection that failed or went silent is not reused: the next request opens a new one.
        if (!r) stream_.reset();
        return r;
    }

    [[nodiscard]] bool connected() const noexcept { return stream_.has_value(); }
    [[nodiscard]] std::int64_t connects() const noexcept { return connects_; }
    void close() { stream_.reset(); }

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

    /// Ends the operation in flight on the sending thread: the cancel is posted to the
    /// io_context that thread runs, so only that thread touches the stream. With no call in
    /// flight it waits for the next one's run() (after the stop's deadline there is none).
    void cancel_in_flight() {
        boost::asio::post(io_, [this] {
            if (stream_) boost::beast::get_lowest_layer(*stream_).cancel();
        });
    }

    [[nodiscard]] core::result<void> connect() {
        boost::system::error_code ec;
        tcp::resolver resolver{io_};
        const auto addrs = resolver.resolve(ep_.host, ep_.port, ec);
        if (ec) return fail(errc::not_sent, "resolve", ec);
        stream_.emplace(io_, tls_);
        auto& s = *stream_;
        // SNI, and the certificate must name the host we asked for.
        if (auto ok = net::prepare_client_stream(s, ep_.host); !ok) {
            stream_.reset();
            return core::make_error(errc::not_sent, ok.error().message);
        }
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
            // The message names the verification failure when there was one.
            auto why = net::describe_handshake_failure(s, ep_.host, ec);
            const bool verify_failed = net::verification_failed(s);
            stream_.reset();
            if (verify_failed) return core::make_error(errc::tls, std::move(why.message));
            return fail(errc::tls, "TLS handshake", ec);
        }
        ++connects_;
        return {};
    }

    template <class Request>
    [[nodiscard]] core::result<http_response> exchange(Request& msg, std::chrono::milliseconds reply_timeout) {
        namespace http = boost::beast::http;
        auto& s = *stream_;
        boost::system::error_code ec;
        std::size_t written = 0;
        // One deadline for writing the request and reading the whole reply.
        boost::beast::get_lowest_layer(s).expires_after(within(reply_timeout));
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

MMBOT_DECL rest_transport::rest_transport(boost::asio::io_context& io, rest_endpoint ep,
                                          boost::asio::ssl::context& tls)
    : impl_(std::make_unique<impl>(io, std::move(ep), tls)) {}

MMBOT_DECL rest_transport::~rest_transport() = default;

MMBOT_DECL void rest_transport::cancel_in_flight() { impl_->cancel_in_flight(); }

MMBOT_DECL void rest_transport::set_deadline(std::chrono::steady_clock::time_point d) noexcept {
    impl_->set_deadline(d);
}

MMBOT_DECL core::result<http_response> rest_transport::send(const rest_request& req, signer* s,
                                                            std::int64_t now_ms) {
    return impl_->send(req, s, now_ms);
}

MMBOT_DECL bool rest_transport::connected() const noexcept { return impl_->connected(); }

MMBOT_DECL std::int64_t rest_transport::connects() const noexcept { return impl_->connects(); }

MMBOT_DECL void rest_transport::close() { impl_->close(); }

}  // namespace mmbot::venue::bybit

#endif  // MMBOT_VENUE_BYBIT_IMPL_REST_TRANSPORT_HPP
