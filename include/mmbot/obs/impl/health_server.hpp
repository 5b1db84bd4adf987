// mmbot/obs/impl/health_server.hpp: the Beast/Asio body of mmbot::obs::health_server.
// Included at the bottom of mmbot/obs/health_server.hpp; not for direct inclusion.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply to it, and the parent header would include it a second time.
#ifndef MMBOT_OBS_IMPL_HEALTH_SERVER_HPP
#define MMBOT_OBS_IMPL_HEALTH_SERVER_HPP

#include "mmbot/obs/errors.hpp"
#include "mmbot/obs/health_server.hpp"  // self-contained for tools that open this file alone
#include "mmbot/obs/metrics.hpp"
#include "mmbot/obs/status_page.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <exception>
#include <iterator>
#include <list>
#include <optional>
#include <thread>
#include <utility>

namespace mmbot::obs::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class health_session;

/// Shared by the server and its sessions; outlives every session (the io_context holding them is
/// destroyed first).
class health_server_core {
public:
    health_server_core(health_server_options o, health_server_handlers h)
        : options(std::move(o)), handlers(std::move(h)) {}

    health_server_options options;
    health_server_handlers handlers;

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> rejected_over_limit{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> bad_requests{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> evicted{0};
    std::atomic<std::uint64_t> active{0};
    std::atomic<std::uint16_t> port{0};

    std::unique_ptr<net::io_context> ioc;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<net::steady_timer> backoff;
    std::thread thread;

    /// Open sessions, least recently active first. Touched only on the server thread (and by
    /// the destructor after that thread has ended), so it needs no lock.
    std::list<health_session*> sessions;

    core::result<std::uint16_t> start();
    void stop() noexcept;

private:
    void do_accept();
    /// Makes room for one more connection when every slot is taken; false when nothing may go.
    bool make_room();
};

/// One connection: wait for a request (idle), read it under a deadline (reading), answer
/// (writing), repeat while keep-alive. An idle or reading session can be evicted when the server
/// is full, so connections held open by clients that are slow or merely keep-alive never lock out
/// a new scraper.
class health_session : public std::enable_shared_from_this<health_session> {
public:
    enum class phase { idle, reading, writing };

    health_session(tcp::socket socket, health_server_core& core)
        : stream_(std::move(socket)), core_(core) {
        core_.sessions.push_back(this);
        place_ = std::prev(core_.sessions.end());
        core_.active.fetch_add(1, std::memory_order_relaxed);
    }
    health_session(const health_session&) = delete;
    health_session& operator=(const health_session&) = delete;
    ~health_session() { forget(); }

    void run() { wait_for_request(); }

    [[nodiscard]] phase current_phase() const noexcept { return phase_; }

    /// Closes the connection to free its slot for a newcomer. The pending operation ends with
    /// operation_aborted and the session object goes with its last handler.
    void evict() {
        forget();
        close();
    }

private:
    using response = http::response<http::string_body>;

    /// Leaves the server's list (once): the slot is free from here on.
    void forget() noexcept {
        if (!listed_) return;
        core_.sessions.erase(place_);
        listed_ = false;
        core_.active.fetch_sub(1, std::memory_order_relaxed);
    }

    /// Marks this session the most recently active one.
    void touch() noexcept {
        if (listed_) core_.sessions.splice(core_.sessions.end(), core_.sessions, place_);
    }

    /// Idle: no byte of the next request has arrived. Waits at most `idle_timeout`.
    void wait_for_request() {
        phase_ = phase::idle;
        touch();
        if (buffer_.size() > 0) return do_read();  // a pipelined request is already here
        stream_.expires_after(core_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(first_read_bytes),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec == beast::error::timeout) {
                                        self->core_.timeouts.fetch_add(1, std::memory_order_relaxed);
                                    }
                                    if (ec) return self->close();
                                    self->buffer_.commit(n);
                                    self->do_read();
                                });
    }

    void do_read() {
        phase_ = phase::reading;
        touch();
        parser_.emplace();
        parser_->header_limit(core_.options.header_limit);
        parser_->body_limit(core_.options.body_limit);
        // One deadline for the whole request: trickling bytes does not extend it.
        stream_.expires_after(core_.options.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t /*n*/) {
                             self->on_read(ec);
                         });
    }

    void on_read(beast::error_code ec) {
        if (ec == beast::error::timeout) {
            core_.timeouts.fetch_add(1, std::memory_order_relaxed);
            return close();
        }
        if (ec == http::error::header_limit) return reject(http::status::request_header_fields_too_large);
        if (ec == http::error::body_limit) return reject(http::status::payload_too_large);
        if (ec == http::error::end_of_stream || ec == http::error::partial_message) return close();
        if (ec && ec.category() == http::make_error_code(http::error::bad_target).category()) {
            return reject(http::status::bad_request);
        }
        if (ec) return close();  // reset, aborted: the peer is gone

        const auto& req = parser_->get();
        core_.requests.fetch_add(1, std::memory_order_relaxed);
        if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) >
            core_.options.max_header_fields) {
            return reject(http::status::request_header_fields_too_large);
        }
        respond(req);
    }

    void respond(const http::request<http::string_body>& req) {
        res_ = {};
        res_.version(req.version());
        res_.keep_alive(req.keep_alive());
        try {
            route(req);
        } catch (const std::exception&) {
            // A throwing provider must not take the server down; the scrape just fails.
            set_json(http::status::internal_server_error, R"({"error":"internal"})");
            res_.keep_alive(false);
        }
        res_.prepare_payload();
        do_write(res_.keep_alive());
    }

    void route(const http::request<http::string_body>& req) {
        std::string_view target = req.target();
        target = target.substr(0, target.find('?'));
        const bool status = target == "/status" || target == "/status.json";
        const bool known = target == "/health" || target == "/ready" || target == "/metrics" ||
                           (status && core_.handlers.status);
        if (!known) {
            set_json(http::status::not_found, R"({"error":"not_found"})");
            return;
        }
        if (req.method() != http::verb::get) {
            set_json(http::status::method_not_allowed, R"({"error":"method_not_allowed"})");
            res_.set(http::field::allow, "GET");
            return;
        }
        if (target == "/health") {
            set_json(http::status::ok, R"({"status":"ok"})");
        } else if (target == "/ready") {
            readiness_report r;
            r.ready = true;
            if (core_.handlers.readiness) r = core_.handlers.readiness();
            set_json(r.ready ? http::status::ok : http::status::service_unavailable, r.to_json());
        } else if (target == "/status") {
            res_.result(http::status::ok);
            res_.set(http::field::content_type, "text/html; charset=utf-8");
            res_.set(http::field::cache_control, "no-store");
            res_.body() = std::string(status_page_html);
        } else if (target == "/status.json") {
            set_json(http::status::ok, core_.handlers.status());
        } else {
            res_.result(http::status::ok);
            res_.set(http::field::content_type, exposition_content_type);
            res_.body().clear();
            if (core_.handlers.metrics) core_.handlers.metrics(res_.body());
        }
    }

    void set_json(http::status s, std::string body) {
        res_.result(s);
        res_.set(http::field::content_type, "application/json");
        res_.set(http::field::cache_control, "no-store");
        res_.body() = std::move(body);
    }

    /// Answers an unusable request and closes: the parser state is unknown, so no keep-alive.
    void reject(http::status s) {
        core_.bad_requests.fetch_add(1, std::memory_order_relaxed);
        res_ = {};
        res_.version(11);
        res_.keep_alive(false);
        switch (s) {
            case http::status::request_header_fields_too_large:
                set_json(s, R"({"error":"request_header_fields_too_large"})");
                break;
            case http::status::payload_too_large: set_json(s, R"({"error":"payload_too_large"})"); break;
            default: set_json(s, R"({"error":"bad_request"})"); break;
        }
        res_.prepare_payload();
        do_write(false);
    }

    void do_write(bool keep_alive) {
        phase_ = phase::writing;
        stream_.expires_after(core_.options.write_timeout);
        http::async_write(stream_, res_,
                          [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t /*n*/) {
                              if (ec) return self->close();
                              if (keep_alive) return self->wait_for_request();
                              self->linger();
                          });
    }

    /// Half-closes, then discards what the client still sends (briefly) before closing: closing
    /// with unread input would send a RST that can destroy the response we just wrote.
    void linger() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::milliseconds(500));
        drain();
    }

    void drain() {
        stream_.async_read_some(net::buffer(discard_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t /*n*/) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    /// What the idle wait reads at most; the parser takes over from there.
    static constexpr std::size_t first_read_bytes = 1024;

    beast::tcp_stream stream_;
    health_server_core& core_;
    std::list<health_session*>::iterator place_;
    bool listed_ = true;
    phase phase_ = phase::idle;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    response res_;
    std::array<char, 4096> discard_{};
};

inline core::result<std::uint16_t> health_server_core::start() {
    if (ioc) return core::make_error(errc::started, "obs server: start() called twice");
    beast::error_code ec;
    const auto addr = net::ip::make_address(options.address, ec);
    if (ec) {
        return core::make_error(errc::address,
                                "obs server: address \"" + options.address.substr(0, 64) +
                                    "\" is not an IP address: " + ec.message());
    }
    auto io = std::make_unique<net::io_context>(1);
    auto acc = std::make_unique<tcp::acceptor>(*io);
    const tcp::endpoint ep(addr, options.port);
    const auto fail = [&](std::string_view step) {
        return core::make_error(errc::bind, "obs server: cannot " + std::string(step) + " " +
                                                options.address + ":" + std::to_string(options.port) +
                                                ": " + ec.message());
    };
    if (acc->open(ep.protocol(), ec); ec) return fail("open");
    if (acc->set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
    if (acc->bind(ep, ec); ec) return fail("bind");
    if (acc->listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
    const std::uint16_t bound = acc->local_endpoint(ec).port();
    if (ec) return fail("read the bound port of");

    ioc = std::move(io);
    acceptor = std::move(acc);
    backoff = std::make_unique<net::steady_timer>(*ioc);
    port.store(bound, std::memory_order_relaxed);
    do_accept();
    thread = std::thread([this] {
        // A handler that throws out of run() (bad_alloc, say) must not end the server: resume.
        for (;;) {
            try {
                ioc->run();
                return;
            } catch (...) {  // NOLINT(bugprone-empty-catch): resuming is the handling
            }
        }
    });
    return bound;
}

inline void health_server_core::do_accept() {
    acceptor->async_accept(*ioc, [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
        if (ec) {
            // Out of descriptors and the like: back off instead of spinning on the error.
            backoff->expires_after(std::chrono::milliseconds(50));
            backoff->async_wait([this](beast::error_code wait_ec) {
                if (!wait_ec) do_accept();
            });
            return;
        }
        accepted.fetch_add(1, std::memory_order_relaxed);
        if (sessions.size() >= options.max_connections && !make_room()) {
            rejected_over_limit.fetch_add(1, std::memory_order_relaxed);
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            std::make_shared<health_session>(std::move(socket), *this)->run();
        }
        do_accept();
    });
}

inline bool health_server_core::make_room() {
    // The least recently active idle connection goes first (a keep-alive client between requests
    // loses nothing but its connection); failing that, the oldest one still sending its request.
    // A session writing its answer is never cut.
    for (const auto wanted : {health_session::phase::idle, health_session::phase::reading}) {
        for (health_session* s : sessions) {
            if (s->current_phase() != wanted) continue;
            evicted.fetch_add(1, std::memory_order_relaxed);
            s->evict();
            return true;
        }
    }
    return false;
}

inline void health_server_core::stop() noexcept {
    if (!ioc) return;
    try {
        net::post(*ioc, [this] {
            beast::error_code ignored;
            acceptor->close(ignored);
            backoff->cancel();
            ioc->stop();
        });
    } catch (...) {
        // Posting can only fail on allocation; stopping the context directly still ends run().
        ioc->stop();
    }
    if (thread.joinable()) {
        try {
            thread.join();
        } catch (...) {  // NOLINT(bugprone-empty-catch): join fails only if already joined
        }
    }
    // Destroying the io_context destroys the queued handlers, hence the sessions they own, hence
    // their sockets.
    backoff.reset();
    acceptor.reset();
    ioc.reset();
}

}  // namespace mmbot::obs::detail

namespace mmbot::obs {

MMBOT_DECL health_server::health_server(health_server_options options, health_server_handlers handlers)
    : core_(std::make_unique<detail::health_server_core>(std::move(options), std::move(handlers))) {}

MMBOT_DECL health_server::~health_server() { stop(); }

MMBOT_DECL core::result<std::uint16_t> health_server::start() { return core_->start(); }

MMBOT_DECL void health_server::stop() noexcept { core_->stop(); }

MMBOT_DECL std::uint16_t health_server::port() const noexcept {
    return core_->port.load(std::memory_order_relaxed);
}

MMBOT_DECL health_server_stats health_server::stats() const noexcept {
    return {
        .accepted = core_->accepted.load(std::memory_order_relaxed),
        .rejected_over_limit = core_->rejected_over_limit.load(std::memory_order_relaxed),
        .requests = core_->requests.load(std::memory_order_relaxed),
        .bad_requests = core_->bad_requests.load(std::memory_order_relaxed),
        .timeouts = core_->timeouts.load(std::memory_order_relaxed),
        .evicted = core_->evicted.load(std::memory_order_relaxed),
        .active = core_->active.load(std::memory_order_relaxed),
    };
}

}  // namespace mmbot::obs

#endif  // MMBOT_OBS_IMPL_HEALTH_SERVER_HPP
