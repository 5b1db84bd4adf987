// mmbot/net/impl/ws_session.hpp
//
// net::ws_session's definitions (Beast + OpenSSL). Included by ws_session.hpp in a header-only
// build, compiled once by ws_session.cpp in ours (core/compiled.hpp).
#pragma once
// A classic guard as well: a tool that opens impl/ as its main file, or pastes headers into one
// unit, must not define the class twice (#pragma once does not cover those).
#ifndef MMBOT_NET_IMPL_WS_SESSION_HPP
#define MMBOT_NET_IMPL_WS_SESSION_HPP

#include "mmbot/net/tls.hpp"
#include "mmbot/net/ws_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace mmbot::net {

struct ws_session::impl {
    using steady = std::chrono::steady_clock;
    using tcp = boost::asio::ip::tcp;
    using ws_stream = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    /// One connection. Handlers hold it by shared_ptr and ignore themselves once it is no longer
    /// the current one, so an old connection's late completions cannot touch a new one.
    struct connection {
        connection(boost::asio::io_context& io, boost::asio::ssl::context& tls) : resolver(io), ws(io, tls) {}
        tcp::resolver resolver;
        ws_stream ws;
        boost::beast::flat_buffer buf;
        std::deque<std::string> out;
        bool writing{false};
        bool open{false};
        bool got_frame{false};
    };
    using conn_ptr = std::shared_ptr<connection>;

    impl(ws_session_options o, boost::asio::ssl::context& t, handlers h)
        : opts(std::move(o)), tls(t), on(std::move(h)), backoff(opts.backoff) {}

    // The io_context is declared first so it is destroyed last: handlers it still holds own
    // connections (and their sockets) that must be destroyed while it exists.
    boost::asio::io_context io{1};
    ws_session_options opts;
    boost::asio::ssl::context& tls;
    handlers on;
    core::backoff<std::chrono::milliseconds> backoff;
    boost::asio::steady_timer ping_timer{io};
    boost::asio::steady_timer watchdog{io};
    boost::asio::steady_timer reconnect_timer{io};
    conn_ptr conn;
    /// The connection whose frame poll() handed out last (released by the next poll()).
    conn_ptr held;
    ws_session_stats stats;
    core::error error;
    steady::time_point last_rx{};
    std::uint32_t consecutive_failures{0};
    bool started{false};
    bool stopped{false};
    bool failed{false};
    bool frame_ready{false};

    [[nodiscard]] std::string where() const { return fmt::format("{}:{}", opts.host, opts.port); }

    void event(ws_session_event k, std::string_view detail, std::chrono::milliseconds delay = {}) {
        if (on.on_event) on.on_event(k, detail, delay);
    }

    void stop_timers() {
        ping_timer.cancel();
        watchdog.cancel();
        reconnect_timer.cancel();
    }

    void fail(core::error e) {
        if (failed) return;
        failed = true;
        error = std::move(e);
        drop_connection();
        stop_timers();
    }

    void connect() {
        if (stopped || failed) return;
        auto c = std::make_shared<connection>(io, tls);
        conn = c;
        if (auto ok = prepare_client_stream(c->ws.next_layer(), opts.host); !ok) {
            fail(ok.error());
            return;
        }
        c->resolver.async_resolve(opts.host, opts.port,
                                  [this, c](boost::system::error_code ec, const tcp::resolver::results_type& r) {
                                      if (c != conn) return;
                                      if (ec) return attempt_failed(c, fmt::format("{}: resolve failed: {}", where(), ec.message()));
                                      on_resolved(c, r);
                                  });
    }

    void on_resolved(const conn_ptr& c, const tcp::resolver::results_type& addrs) {
        auto& tcp_layer = boost::beast::get_lowest_layer(c->ws);
        tcp_layer.expires_after(opts.connect_timeout);
        tcp_layer.async_connect(addrs, [this, c](boost::system::error_code ec, const tcp::endpoint&) {
            if (c != conn) return;
            if (ec) return attempt_failed(c, fmt::format("{}: connect failed: {}", where(), ec.message()));
            on_tcp(c);
        });
    }

    void on_tcp(const conn_ptr& c) {
        c->ws.next_layer().async_handshake(boost::asio::ssl::stream_base::client, [this, c](boost::system::error_code e) {
            if (c != conn) return;
            if (e) {
                auto err = describe_handshake_failure(c->ws.next_layer(), where(), e);
                // A certificate that does not verify will not verify on the next try either.
                if (verification_failed(c->ws.next_layer())) return fail(std::move(err));
                return attempt_failed(c, err.message);
            }
            on_tls(c);
        });
    }

    void on_tls(const conn_ptr& c) {
        namespace websocket = boost::beast::websocket;
        boost::beast::get_lowest_layer(c->ws).expires_never();
        // The WebSocket layer times the handshake; liveness after it is the watchdog's, because
        // venues want application pings, not protocol ones.
        websocket::stream_base::timeout t{};
        t.handshake_timeout = opts.connect_timeout;
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        c->ws.set_option(t);
        c->ws.read_message_max(opts.max_frame_bytes);
        c->ws.text(true);
        if (opts.control_frames_are_liveness) {
            // The stream owns this callback, so it must not own the stream's connection: a
            // shared_ptr here would be a cycle that outlives the session (LeakSanitizer). The raw
            // pointer is only compared, never followed, and dies with the connection.
            const connection* self = c.get();
            c->ws.control_callback([this, self](websocket::frame_type, boost::beast::string_view) {
                if (self == conn.get()) last_rx = steady::now();
            });
        }
        const std::string host_header = opts.port == "443" ? opts.host : where();
        c->ws.async_handshake(host_header, opts.path, [this, c](boost::system::error_code ec) {
            if (c != conn) return;
            if (ec) {
                return attempt_failed(c, fmt::format("{}{}: WebSocket handshake failed: {}", where(),
                                                     opts.shown_path.empty() ? opts.path : opts.shown_path,
                                                     ec.message()));
            }
            on_open(c);
        });
    }

    void on_open(const conn_ptr& c) {
        c->open = true;
        ++stats.connects;
        last_rx = steady::now();
        event(ws_session_event::connected, where());
        if (on.on_open) on.on_open();
        if (c == conn && c->open && !failed) start_read(c);
    }

    void start_read(const conn_ptr& c) {
        c->ws.async_read(c->buf, [this, c](boost::system::error_code ec, std::size_t) {
            if (c != conn) return;
            if (ec) return session_lost(c, fmt::format("{}: read failed: {}", where(), ec.message()));
            last_rx = steady::now();
            if (!c->got_frame) {
                c->got_frame = true;
                if (opts.reset_backoff_on_first_frame) {
                    backoff.reset();
                    consecutive_failures = 0;
                }
            }
            frame_ready = true;
        });
    }

    /// The frame poll() handed out is done with: drop it and read the next one.
    void release_frame() {
        if (!held) return;
        const conn_ptr c = std::exchange(held, nullptr);
        c->buf.consume(c->buf.size());
        if (c == conn && c->open && !failed) start_read(c);
    }

    void send(const conn_ptr& c, std::string frame) {
        c->out.push_back(std::move(frame));
        if (!c->writing) write_next(c);
    }

    void write_next(const conn_ptr& c) {
        if (c->out.empty() || !c->open) {
            c->writing = false;
            return;
        }
        c->writing = true;
        c->ws.async_write(boost::asio::buffer(c->out.front()), [this, c](boost::system::error_code ec, std::size_t) {
            if (c != conn) return;
            if (ec) return session_lost(c, fmt::format("{}: write failed: {}", where(), ec.message()));
            c->out.pop_front();
            write_next(c);
        });
    }

    /// Closes the socket: pending operations complete with operation_aborted and are ignored.
    void drop_connection() {
        if (!conn) return;
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(conn->ws).socket().close(ignored);
        conn->open = false;
        conn.reset();
        frame_ready = false;
    }

    /// The current connection ended, before it opened (connect_failed) or after (disconnected):
    /// count it, tell the owner, and try again after the backoff.
    void ended(const conn_ptr& c, ws_session_event how, const std::string& why) {
        if (c != conn) return;
        ++(how == ws_session_event::connect_failed ? stats.connect_failures : stats.disconnects);
        event(how, why);
        drop_connection();
        schedule_reconnect(why);
    }

    void attempt_failed(const conn_ptr& c, const std::string& why) { ended(c, ws_session_event::connect_failed, why); }

    void session_lost(const conn_ptr& c, const std::string& why) { ended(c, ws_session_event::disconnected, why); }

    void schedule_reconnect(const std::string& why) {
        if (stopped || failed) return;
        ++consecutive_failures;
        if (opts.max_consecutive_failures != 0 && consecutive_failures >= opts.max_consecutive_failures) {
            fail(core::make_error(opts.give_up_code, fmt::format("{}: gave up after {} failed attempts in a row; last: {}",
                                                                 where(), consecutive_failures, why)));
            return;
        }
        const auto delay = backoff.next();
        event(ws_session_event::reconnect_scheduled, why, delay);
        reconnect_timer.expires_after(delay);
        reconnect_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped || failed) return;
            connect();
        });
    }

    void arm_ping() {
        ping_timer.expires_after(opts.ping_interval);
        ping_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped || failed) return;
            if (conn && conn->open && on.ping_frame) {
                ++stats.pings_sent;
                send(conn, on.ping_frame(stats.pings_sent));
            }
            arm_ping();
        });
    }

    void arm_watchdog() {
        watchdog.expires_after(std::max(opts.watchdog_period, std::chrono::milliseconds(1)));
        watchdog.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped || failed) return;
            if (conn && conn->open && steady::now() - last_rx > opts.idle_timeout) {
                session_lost(conn, fmt::format("{}: no message for {} ms", where(), opts.idle_timeout.count()));
            }
            arm_watchdog();
        });
    }

    status poll(std::string_view& frame, steady::time_point deadline) {
        release_frame();
        for (;;) {
            if (failed) return status::failed;
            if (stopped) return status::idle;
            if (frame_ready) {
                frame_ready = false;
                if (!conn) continue;
                held = conn;
                // A flat_buffer is one contiguous block: the caller decodes it in place.
                const auto data = conn->buf.data();
                frame = std::string_view(static_cast<const char*>(data.data()), data.size());
                return status::frame;
            }
            if (io.stopped()) io.restart();
            if (io.run_one_until(deadline) == 0 && steady::now() >= deadline) return status::idle;
            if (steady::now() >= deadline && !frame_ready && !failed) return status::idle;
        }
    }

    void stop() {
        stopped = true;
        held.reset();
        drop_connection();
        stop_timers();
        // Let the cancelled handlers run so nothing refers to this object afterwards.
        io.restart();
        io.poll();
    }
};

MMBOT_DECL ws_session::ws_session(ws_session_options opts, boost::asio::ssl::context& tls, handlers h)
    : impl_(std::make_unique<impl>(std::move(opts), tls, std::move(h))) {}

MMBOT_DECL ws_session::~ws_session() {
    try {
        impl_->stop();
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do with an error at teardown
    }
}

MMBOT_DECL void ws_session::start() {
    if (impl_->started) return;
    impl_->started = true;
    impl_->backoff.reset();
    impl_->arm_ping();
    impl_->arm_watchdog();
    impl_->connect();
}

MMBOT_DECL void ws_session::stop() { impl_->stop(); }

MMBOT_DECL ws_session::status ws_session::poll(std::string_view& frame,
                                               std::chrono::steady_clock::time_point deadline) {
    return impl_->poll(frame, deadline);
}

MMBOT_DECL void ws_session::send(std::string frame) {
    if (impl_->conn && impl_->conn->open) impl_->send(impl_->conn, std::move(frame));
}

MMBOT_DECL void ws_session::lose(std::string_view why) {
    if (impl_->conn) impl_->session_lost(impl_->conn, std::string(why));
}

MMBOT_DECL void ws_session::abandon(std::string_view why) {
    if (impl_->conn) impl_->attempt_failed(impl_->conn, std::string(why));
}

MMBOT_DECL void ws_session::fail(core::error e) { impl_->fail(std::move(e)); }

MMBOT_DECL void ws_session::reset_backoff() noexcept { impl_->backoff.reset(); }

MMBOT_DECL void ws_session::set_path(std::string path, std::string shown_path) {
    impl_->opts.path = std::move(path);
    impl_->opts.shown_path = std::move(shown_path);
}

MMBOT_DECL bool ws_session::open() const noexcept { return impl_->conn != nullptr && impl_->conn->open; }

MMBOT_DECL bool ws_session::failed() const noexcept { return impl_->failed; }

MMBOT_DECL const core::error& ws_session::error() const noexcept { return impl_->error; }

MMBOT_DECL ws_session_stats ws_session::stats() const noexcept { return impl_->stats; }

MMBOT_DECL std::string ws_session::where() const { return impl_->where(); }

}  // namespace mmbot::net

#endif  // MMBOT_NET_IMPL_WS_SESSION_HPP
