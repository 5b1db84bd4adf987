// mmbot/net/impl/https_client.hpp
//
// https_client's definitions (Beast HTTP + OpenSSL). Included by https_client.hpp in a header-only
// build, compiled once by https_client.cpp in ours (core/compiled.hpp).
#pragma once
#ifndef MMBOT_NET_IMPL_HTTPS_CLIENT_HPP
#define MMBOT_NET_IMPL_HTTPS_CLIENT_HPP

#include "mmbot/net/errors.hpp"
#include "mmbot/net/https_client.hpp"
#include "mmbot/net/tls.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <string_view>
#include <utility>

namespace mmbot::net {

struct https_client::impl {
    using tcp = boost::asio::ip::tcp;
    using stream_type = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    impl(boost::asio::io_context& io, https_host host, boost::asio::ssl::context& tls)
        : io_(io), host_(std::move(host)), tls_(tls) {}

    [[nodiscard]] core::result<https_answer> exchange(const https_request& r,
                                                      std::chrono::milliseconds reply_timeout) {
        namespace http = boost::beast::http;
        if (within(reply_timeout).count() == 0) {
            return core::make_error(errc::not_sent, fmt::format("{}:{}: {}: the stop deadline has passed, not sent",
                                                                host_.host, host_.port, path_of(r.target)));
        }
        http::request<http::string_body> msg{verb_of(r.verb), r.target, 11};
        msg.set(http::field::host, host_.host);
        msg.set(http::field::connection, "keep-alive");
        for (const auto& [name, value] : r.headers) msg.set(name, value);
        if (!r.content_type.empty()) msg.set(http::field::content_type, r.content_type);
        if (!r.body.empty()) msg.body() = r.body;
        msg.prepare_payload();

        if (!stream_) {
            if (auto ok = connect(); !ok) return ok.error();
        }
        auto a = send_and_read(msg, reply_timeout);
        if (!a && a.error().code == errc::stale_connection) {
            // The server closed the kept-alive connection before we wrote: nothing was sent.
            stream_.reset();
            if (auto ok = connect(); !ok) return ok.error();
            a = send_and_read(msg, reply_timeout);
        }
        if (!a) stream_.reset();
        return a;
    }

    [[nodiscard]] static boost::beast::http::verb verb_of(http_verb v) noexcept {
        using boost::beast::http::verb;
        switch (v) {
            case http_verb::get: return verb::get;
            case http_verb::post: return verb::post;
            case http_verb::put: return verb::put;
            case http_verb::del: return verb::delete_;
        }
        return verb::get;
    }

    /// The target without its query string: error messages never carry parameters.
    [[nodiscard]] static std::string_view path_of(std::string_view target) noexcept {
        return target.substr(0, target.find('?'));
    }

    void set_deadline(std::chrono::steady_clock::time_point d) noexcept {
        deadline_ns_.store(d.time_since_epoch().count(), std::memory_order_relaxed);
    }

    /// min(`normal`, time left before the deadline); zero when the deadline has passed.
    [[nodiscard]] std::chrono::milliseconds within(std::chrono::milliseconds normal) const {
        const auto d = deadline_ns_.load(std::memory_order_relaxed);
        if (d == no_deadline) return normal;
        const auto left = std::chrono::steady_clock::duration(d) - std::chrono::steady_clock::now().time_since_epoch();
        if (left <= std::chrono::steady_clock::duration::zero()) return std::chrono::milliseconds{0};
        return std::min(normal, std::chrono::ceil<std::chrono::milliseconds>(left));
    }

    /// Runs the io_context until the pending operation completes.
    void run() {
        io_.restart();
        io_.run();
    }

    /// Ends the operation in flight on the sending thread: the cancel is posted to the
    /// io_context that thread runs, so only that thread touches the stream.
    void cancel_in_flight() {
        boost::asio::post(io_, [this] {
            if (stream_) boost::beast::get_lowest_layer(*stream_).cancel();
        });
    }

    [[nodiscard]] core::result<void> connect() {
        boost::system::error_code ec;
        tcp::resolver resolver{io_};
        const auto addrs = resolver.resolve(host_.host, host_.port, ec);
        if (ec) return fail(errc::not_sent, "resolve", ec);
        stream_.emplace(io_, tls_);
        auto& s = *stream_;
        // SNI, and the certificate must name the host we asked for.
        if (auto ok = prepare_client_stream(s, host_.host); !ok) {
            stream_.reset();
            return core::make_error(errc::not_sent, ok.error().message);
        }
        boost::beast::get_lowest_layer(s).expires_after(within(host_.connect_timeout));
        boost::beast::get_lowest_layer(s).async_connect(addrs,
                                                        [&](boost::system::error_code e, const tcp::endpoint&) { ec = e; });
        run();
        if (ec) {
            stream_.reset();
            return fail(errc::not_sent, "connect", ec);
        }
        s.async_handshake(boost::asio::ssl::stream_base::client, [&](boost::system::error_code e) { ec = e; });
        run();
        if (ec) {
            // The message names the verification failure when there was one.
            auto why = describe_handshake_failure(s, host_.host, ec);
            const bool verify_failed = verification_failed(s);
            stream_.reset();
            if (verify_failed) return core::make_error(errc::tls, std::move(why.message));
            return fail(errc::tls, "TLS handshake", ec);
        }
        ++connects_;
        return {};
    }

    template <class Request>
    [[nodiscard]] core::result<https_answer> send_and_read(Request& msg, std::chrono::milliseconds reply_timeout) {
        namespace http = boost::beast::http;
        auto& s = *stream_;
        boost::system::error_code ec;
        std::size_t written = 0;
        // One deadline for writing the request and reading the whole answer.
        boost::beast::get_lowest_layer(s).expires_after(within(reply_timeout));
        http::async_write(s, msg, [&](boost::system::error_code e, std::size_t n) {
            ec = e;
            written = n;
        });
        run();
        if (ec) return fail(written == 0 ? errc::stale_connection : errc::timeout, "write", ec);
        // A parser rather than a bare message: it carries the body limit.
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_body_bytes);
        buffer_.clear();
        http::async_read(s, buffer_, parser, [&](boost::system::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return fail(errc::timeout, "read", ec);
        auto& resp = parser.get();
        https_answer out;
        out.status = resp.result_int();
        out.body = std::move(resp.body());
        for (const auto& f : resp) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        if (!resp.keep_alive()) stream_.reset();
        return out;
    }

    [[nodiscard]] core::error fail(errc code, std::string_view what, const boost::system::error_code& ec) const {
        return core::make_error(code, fmt::format("{}:{}: {} failed: {}", host_.host, host_.port, what, ec.message()));
    }

    boost::asio::io_context& io_;
    https_host host_;
    boost::asio::ssl::context& tls_;
    std::optional<stream_type> stream_;
    boost::beast::flat_buffer buffer_;
    std::int64_t connects_ = 0;
    static constexpr std::chrono::steady_clock::rep no_deadline = std::numeric_limits<std::chrono::steady_clock::rep>::max();
    /// set_deadline's time since the steady clock's epoch; written by another thread.
    std::atomic<std::chrono::steady_clock::rep> deadline_ns_{no_deadline};
};

MMBOT_DECL std::optional<std::string_view> https_answer::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (boost::beast::iequals(n, name)) return std::string_view{v};
    }
    return std::nullopt;
}

MMBOT_DECL https_client::https_client(boost::asio::io_context& io, https_host host, boost::asio::ssl::context& tls)
    : impl_(std::make_unique<impl>(io, std::move(host), tls)) {}

MMBOT_DECL https_client::~https_client() = default;

MMBOT_DECL void https_client::set_deadline(std::chrono::steady_clock::time_point d) noexcept { impl_->set_deadline(d); }

MMBOT_DECL void https_client::cancel_in_flight() { impl_->cancel_in_flight(); }

MMBOT_DECL core::result<https_answer> https_client::exchange(const https_request& r,
                                                            std::chrono::milliseconds reply_timeout) {
    return impl_->exchange(r, reply_timeout);
}

MMBOT_DECL const https_host& https_client::host() const noexcept { return impl_->host_; }

MMBOT_DECL bool https_client::connected() const noexcept { return impl_->stream_.has_value(); }

MMBOT_DECL std::int64_t https_client::connects() const noexcept { return impl_->connects_; }

MMBOT_DECL void https_client::close() { impl_->stream_.reset(); }

}  // namespace mmbot::net

#endif  // MMBOT_NET_IMPL_HTTPS_CLIENT_HPP
