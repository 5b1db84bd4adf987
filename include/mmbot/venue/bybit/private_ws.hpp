// mmbot/venue/bybit/private_ws.hpp
//
// Bybit v5 private WebSocket client: TLS (verified chain and host name, SNI), auth, subscribe to
// `order` and `execution`, application pings, liveness, reconnect with backoff. Frames are decoded
// by private_stream.hpp straight into the engine's sink calls (on_ack, on_reject, on_cancel,
// on_fill).
//
// Threading: like feed::ws_feed, the client owns an io_context that only the caller's thread runs,
// from poll(sink, max_wait). Every handler runs inside poll(), on the trading thread, so frames
// reach the engine without a lock or a queue.
//
// Session (https://bybit-exchange.github.io/docs/v5/ws/connect):
//   connect      wss://<host>/v5/private (Env::private_ws_host, or the local venue in tests)
//   auth         {"op":"auth","args":[key, expires, hex HMAC-SHA256(secret, "GET/realtime"+expires)]}
//                with expires = venue time + auth_expiry (signer::append_ws_auth)
//   subscribe    {"op":"subscribe","args":["order","execution"]} once auth succeeded
//   ready        the subscribe is acknowledged: poll() reports `became_ready`, and the caller
//                reconciles over REST (order_gateway::reconcile) before trusting its order store
//   ping         {"op":"ping"} every ping_interval (Bybit asks for 20 s)
//   liveness     no frame for idle_timeout -> the connection is dropped and made again
//   reconnect    core::backoff from backoff_initial to backoff_max (no jitter); a session that
//                became ready resets it
//
// Fatal errors (poll() reports them in `fatal`; the client stops), each needing a person:
//   bybit_ws_auth   the venue refused the auth (bad key, signature, expired): retrying with the
//                   same key cannot help
//   net_tls         the server's certificate or host name did not verify
// Everything else (refused, reset, closed, silence, a refused subscribe) is retried with backoff.
// Malformed frames are counted (stats().bad_frames) and skipped: a message is applied whole or
// not at all (private_stream validates before calling the sink).
//
//   private_ws ws{opts, tls, signer, venue_ms};
//   ws.start();
//   for (;;) {
//       auto r = ws.poll(loop, 50ms);
//       if (r.fatal) { log(r.fatal->message); break; }
//       if (r.became_ready) gateway.reconcile(symbol, store_open_ids, now);
//   }
#pragma once

#include "mmbot/core/backoff.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/net/tls.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

struct private_ws_options {
    std::string host;
    std::string port = "443";
    std::string path = "/v5/private";
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds ping_interval{20000};
    /// No frame at all for this long (pongs included) -> reconnect.
    std::chrono::milliseconds idle_timeout{45000};
    std::chrono::milliseconds backoff_initial{250};
    std::chrono::milliseconds backoff_max{10000};
    /// The auth frame's expires = venue time + this.
    std::chrono::milliseconds auth_expiry{10000};
    std::size_t max_frame_bytes = std::size_t{4} * 1024 * 1024;
};

/// Env::private_ws_host:443.
template <env::environment Env>
[[nodiscard]] private_ws_options private_ws_endpoint() {
    private_ws_options o;
    o.host = std::string(Env::private_ws_host);
    return o;
}

/// Another host (the local venue). Only where the environment allows it: not for live.
template <env::environment Env>
    requires(Env::endpoint_override_allowed)
[[nodiscard]] private_ws_options private_ws_override(std::string host, std::string port) {
    private_ws_options o;
    o.host = std::move(host);
    o.port = std::move(port);
    return o;
}

struct private_ws_stats {
    std::int64_t connects = 0;   ///< TLS + WebSocket handshakes that succeeded
    std::int64_t sessions = 0;   ///< sessions that became ready (auth + subscribe acknowledged)
    std::int64_t disconnects = 0;
    std::int64_t connect_failures = 0;
    std::int64_t pings_sent = 0;
    std::int64_t frames = 0;
    std::int64_t bad_frames = 0;
};

/// What one poll() did.
struct private_poll_result {
    std::int64_t frames = 0;
    /// A session became ready during this poll: reconcile before trusting the order store.
    bool became_ready = false;
    /// The session was lost during this poll (events may have been missed until the next ready).
    bool lost = false;
    std::optional<core::error> fatal;
    /// The last malformed frame's error, if one was skipped during this poll.
    std::optional<core::error> bad_frame;
};

class private_ws {
public:
    using venue_ms_fn = std::function<core::result<std::int64_t>()>;

    /// `tls` and `sig` must outlive the client. `venue_ms` gives the venue's clock in ms (the
    /// auth frame's expiry is computed from it).
    private_ws(private_ws_options opts, boost::asio::ssl::context& tls, signer& sig,
               venue_ms_fn venue_ms)
        : opts_(std::move(opts)),
          tls_(tls),
          signer_(sig),
          venue_ms_(std::move(venue_ms)),
          backoff_({.initial = opts_.backoff_initial, .cap = opts_.backoff_max}) {}

    private_ws(const private_ws&) = delete;
    private_ws& operator=(const private_ws&) = delete;
    private_ws(private_ws&&) = delete;
    private_ws& operator=(private_ws&&) = delete;
    ~private_ws() {
        try {
            stop();
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do with an error at teardown
        }
    }

    void start() {
        if (started_) return;
        started_ = true;
        backoff_.reset();
        arm_ping();
        arm_watchdog();
        connect();
    }

    /// Runs the client for at most `max_wait`, handing every order/execution frame to `sink`.
    template <class Sink>
    private_poll_result poll(Sink& sink, std::chrono::milliseconds max_wait) {
        result_ = private_poll_result{};
        const auto deadline = steady::now() + max_wait;
        for (;;) {
            if (fatal_) {
                result_.fatal = fatal_;
                return result_;
            }
            if (frame_ready_) {
                frame_ready_ = false;
                const conn_ptr c = conn_;
                if (!c) continue;
                const auto data = c->buf.data();
                handle_frame(c, std::string_view(static_cast<const char*>(data.data()), data.size()),
                             sink);
                c->buf.consume(c->buf.size());
                if (c == conn_ && c->open && !fatal_) start_read(c);
                continue;
            }
            if (io_.stopped()) io_.restart();
            if (io_.run_one_until(deadline) == 0 || steady::now() >= deadline) {
                if (!frame_ready_) return result_;
            }
        }
    }

    void stop() {
        stopped_ = true;
        drop_connection();
        ping_timer_.cancel();
        watchdog_.cancel();
        reconnect_timer_.cancel();
        io_.restart();
        io_.poll();
    }

    /// Authenticated and subscribed: events flow.
    [[nodiscard]] bool ready() const noexcept { return conn_ != nullptr && conn_->ready; }
    [[nodiscard]] const private_ws_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] const stream_stats& stream() const noexcept { return stream_.stats(); }
    [[nodiscard]] const std::optional<core::error>& fatal() const noexcept { return fatal_; }

private:
    using steady = std::chrono::steady_clock;
    using tcp = boost::asio::ip::tcp;
    using ws_stream =
        boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    struct connection {
        connection(boost::asio::io_context& io, boost::asio::ssl::context& tls)
            : resolver(io), ws(io, tls) {}
        tcp::resolver resolver;
        ws_stream ws;
        boost::beast::flat_buffer buf;
        std::deque<std::string> out;
        bool writing = false;
        bool open = false;
        bool ready = false;
    };
    using conn_ptr = std::shared_ptr<connection>;

    [[nodiscard]] std::string where() const { return fmt::format("{}:{}", opts_.host, opts_.port); }

    void fail(core::error e) {
        if (fatal_) return;
        fatal_ = std::move(e);
        drop_connection();
        ping_timer_.cancel();
        watchdog_.cancel();
        reconnect_timer_.cancel();
    }

    void connect() {
        if (stopped_ || fatal_) return;
        auto c = std::make_shared<connection>(io_, tls_);
        conn_ = c;
        if (auto ok = net::prepare_client_stream(c->ws.next_layer(), opts_.host); !ok) {
            fail(ok.error());
            return;
        }
        c->resolver.async_resolve(
            opts_.host, opts_.port,
            [this, c](boost::system::error_code ec, const tcp::resolver::results_type& addrs) {
                if (c != conn_) return;
                if (ec) return attempt_failed(c, fmt::format("{}: resolve: {}", where(), ec.message()));
                auto& tcp_layer = boost::beast::get_lowest_layer(c->ws);
                tcp_layer.expires_after(opts_.connect_timeout);
                tcp_layer.async_connect(addrs, [this, c](boost::system::error_code e,
                                                         const tcp::endpoint&) {
                    if (c != conn_) return;
                    if (e) return attempt_failed(c, fmt::format("{}: connect: {}", where(), e.message()));
                    on_tcp(c);
                });
            });
    }

    void on_tcp(const conn_ptr& c) {
        c->ws.next_layer().async_handshake(
            boost::asio::ssl::stream_base::client, [this, c](boost::system::error_code e) {
                if (c != conn_) return;
                if (e) {
                    auto err = net::describe_handshake_failure(c->ws.next_layer(), where(), e);
                    // A certificate that does not verify will not verify next time either.
                    if (net::verification_failed(c->ws.next_layer())) return fail(std::move(err));
                    return attempt_failed(c, err.message);
                }
                on_tls(c);
            });
    }

    void on_tls(const conn_ptr& c) {
        namespace websocket = boost::beast::websocket;
        boost::beast::get_lowest_layer(c->ws).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = opts_.connect_timeout;
        t.idle_timeout = websocket::stream_base::none();  // liveness is the watchdog's
        t.keep_alive_pings = false;
        c->ws.set_option(t);
        c->ws.read_message_max(opts_.max_frame_bytes);
        c->ws.text(true);
        const std::string host_header = opts_.port == "443" ? opts_.host : where();
        c->ws.async_handshake(host_header, opts_.path, [this, c](boost::system::error_code ec) {
            if (c != conn_) return;
            if (ec) {
                return attempt_failed(c, fmt::format("{}{}: WebSocket handshake: {}", where(),
                                                     opts_.path, ec.message()));
            }
            on_open(c);
        });
    }

    void on_open(const conn_ptr& c) {
        c->open = true;
        ++stats_.connects;
        last_rx_ = steady::now();
        auto now_ms = venue_ms_();
        if (!now_ms) return attempt_failed(c, now_ms.error().message);
        std::string auth;
        const auto expires = *now_ms + opts_.auth_expiry.count();
        if (auto ok = signer_.append_ws_auth(expires, auth); !ok) return fail(ok.error());
        send(c, std::move(auth));  // never logged: it carries the api key
        start_read(c);
    }

    template <class Sink>
    void handle_frame(const conn_ptr& c, std::string_view text, Sink& sink) {
        ++stats_.frames;
        ++result_.frames;
        auto kind = stream_.handle(text, sink);
        if (!kind) {
            if (kind.error().code == errc::ws_auth) return fail(kind.error());
            if (kind.error().code == errc::ws_subscribe) {
                return session_lost(c, kind.error().message);
            }
            ++stats_.bad_frames;
            result_.bad_frame = kind.error();
            return;
        }
        if (*kind == stream_event::auth_ok) {
            send(c, std::string(subscribe_frame));
        } else if (*kind == stream_event::subscribed && !c->ready) {
            c->ready = true;
            ++stats_.sessions;
            backoff_.reset();
            result_.became_ready = true;
        }
    }

    void start_read(const conn_ptr& c) {
        c->ws.async_read(c->buf, [this, c](boost::system::error_code ec, std::size_t) {
            if (c != conn_) return;
            if (ec) return session_lost(c, fmt::format("{}: read: {}", where(), ec.message()));
            last_rx_ = steady::now();
            frame_ready_ = true;
        });
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
        c->ws.async_write(boost::asio::buffer(c->out.front()),
                          [this, c](boost::system::error_code ec, std::size_t) {
                              if (c != conn_) return;
                              if (ec) {
                                  return session_lost(c, fmt::format("{}: write: {}", where(),
                                                                     ec.message()));
                              }
                              c->out.pop_front();
                              write_next(c);
                          });
    }

    void drop_connection() {
        if (!conn_) return;
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(conn_->ws).socket().close(ignored);
        conn_->open = false;
        conn_.reset();
        frame_ready_ = false;
    }

    void attempt_failed(const conn_ptr& c, const std::string& why) {
        if (c != conn_) return;
        ++stats_.connect_failures;
        last_error_ = why;
        drop_connection();
        schedule_reconnect();
    }

    void session_lost(const conn_ptr& c, const std::string& why) {
        if (c != conn_) return;
        ++stats_.disconnects;
        last_error_ = why;
        result_.lost = true;
        drop_connection();
        schedule_reconnect();
    }

    void schedule_reconnect() {
        if (stopped_ || fatal_) return;
        const auto delay = backoff_.next();
        reconnect_timer_.expires_after(delay);
        reconnect_timer_.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped_ || fatal_) return;
            connect();
        });
    }

    void arm_ping() {
        ping_timer_.expires_after(opts_.ping_interval);
        ping_timer_.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped_ || fatal_) return;
            if (conn_ && conn_->open) {
                ++stats_.pings_sent;
                send(conn_, std::string(ping_frame));
            }
            arm_ping();
        });
    }

    void arm_watchdog() {
        watchdog_.expires_after(std::min(opts_.idle_timeout, std::chrono::milliseconds{1000}));
        watchdog_.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped_ || fatal_) return;
            if (conn_ && conn_->open && steady::now() - last_rx_ > opts_.idle_timeout) {
                session_lost(conn_, fmt::format("{}: no frame for {} ms", where(),
                                                opts_.idle_timeout.count()));
            }
            arm_watchdog();
        });
    }

public:
    /// Why the last connection attempt or session ended (for logs; never carries key material).
    [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

private:
    private_ws_options opts_;
    boost::asio::ssl::context& tls_;
    signer& signer_;
    venue_ms_fn venue_ms_;
    // The io_context first so it is destroyed last: handlers it holds own connections.
    boost::asio::io_context io_{1};
    boost::asio::steady_timer ping_timer_{io_};
    boost::asio::steady_timer watchdog_{io_};
    boost::asio::steady_timer reconnect_timer_{io_};
    conn_ptr conn_;
    private_stream stream_;
    private_ws_stats stats_;
    private_poll_result result_;
    std::optional<core::error> fatal_;
    std::string last_error_;
    core::backoff<std::chrono::milliseconds> backoff_;
    steady::time_point last_rx_{};
    bool started_ = false;
    bool stopped_ = false;
    bool frame_ready_ = false;
};

}  // namespace mmbot::venue::bybit
