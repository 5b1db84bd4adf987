// mmbot/venue/binance/private_ws.hpp
//
// Binance USD-M user data stream client: wss://<stream host>/ws/<listenKey> over TLS
// (net::ws_session: verified chain and host name, SNI, reconnect with backoff), each message
// decoded by private_stream.hpp straight into the engine's sink calls. The key comes from
// listen_key.hpp (created and kept alive over REST, off this thread): `use_key(key)` points the
// next connection at it, and drops a connection on an older key.
//
// Threading as bybit::private_ws: the session's io_context runs only inside poll(), on the
// caller's (trading) thread.
//
//   ready        the connection is open (Binance has no subscribe step): poll() reports
//                `became_ready`, and the caller reconciles over REST before trusting its store
//   liveness     the stream may carry nothing for minutes on a quiet account; Binance pings every
//                3 minutes and the WebSocket layer answers, so the session counts those control
//                frames as signs of life (idle_timeout 7 minutes, two missed server pings)
//   key expired  a listenKeyExpired push: poll() reports `key_expired`, the session is dropped,
//                and the caller makes a new key (listen_key_keeper::expired, then use_key)
//   logs         the path is shown as /ws/<listenKey>: the key is never written into a message
//
// Fatal errors (poll() reports them in `fatal`): net_tls, the server's certificate or host name
// did not verify. Everything else is retried with backoff; malformed messages are counted
// (stats().bad_frames) and skipped.
//
//   private_ws ws{opts, tls};
//   ws.use_key(*fresh_key);
//   ws.start();
//   for (;;) {
//       auto r = ws.poll(loop, 50ms);
//       if (r.fatal) break;
//       if (r.key_expired) keeper.expired();
//       if (r.became_ready) gateway.reconcile(symbol, store_open_ids, now);
//   }
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/net/ws_session.hpp"
#include "mmbot/venue/binance/endpoints.hpp"
#include "mmbot/venue/binance/private_stream.hpp"

#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::binance {

struct private_ws_options {
    std::string host;
    std::string port = "443";
    std::chrono::milliseconds connect_timeout{5000};
    /// No message and no control frame for this long -> reconnect (Binance pings every 3 min).
    std::chrono::milliseconds idle_timeout{std::chrono::minutes{7}};
    std::chrono::milliseconds backoff_initial{250};
    std::chrono::milliseconds backoff_max{10000};
    std::size_t max_frame_bytes = std::size_t{4} * 1024 * 1024;
    /// The margin asset fees are booked in (private_stream.hpp).
    std::string fee_asset = "USDT";
};

/// The environment's stream host (endpoints.hpp), port 443.
template <env::environment Env>
[[nodiscard]] private_ws_options private_ws_endpoint() {
    private_ws_options o;
    o.host = std::string(hosts<Env>::stream);
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
    std::int64_t connects = 0;
    std::int64_t disconnects = 0;
    std::int64_t connect_failures = 0;
    std::int64_t frames = 0;
    std::int64_t bad_frames = 0;
    std::int64_t keys_used = 0;
    std::int64_t keys_expired = 0;
};

struct private_poll_result {
    std::int64_t frames = 0;
    /// A connection opened during this poll: reconcile before trusting the order store.
    bool became_ready = false;
    /// The connection was lost during this poll (events may have been missed until the next ready).
    bool lost = false;
    /// The stream said its key expired: make a new one (the session reconnects once use_key gives it).
    bool key_expired = false;
    std::optional<core::error> fatal;
    std::optional<core::error> bad_frame;
};

class private_ws : core::pinned {
public:
    static constexpr std::string_view shown_path = "/ws/<listenKey>";

    private_ws(private_ws_options opts, boost::asio::ssl::context& tls)
        : opts_(std::move(opts)),
          stream_(opts_.fee_asset),
          session_(session_options(opts_), tls,
                   {.on_open = [this] { on_open(); },
                    .ping_frame = {},
                    .on_event = [this](net::ws_session_event k, std::string_view detail, std::chrono::milliseconds) {
                        on_event(k, detail);
                    }}) {}

    /// The key the next connection uses; a connection on another key is dropped (and remade).
    void use_key(std::string key) {
        if (key == key_) return;
        key_ = std::move(key);
        ++stats_.keys_used;
        session_.set_path(user_stream_target(key_), std::string(shown_path));
        if (session_.open()) session_.lose("a new listenKey");
    }
    [[nodiscard]] bool has_key() const noexcept { return !key_.empty(); }

    void start() { session_.start(); }
    void stop() { session_.stop(); }

    /// Runs the client for at most `max_wait`, handing every order event to `sink`.
    template <class Sink>
    private_poll_result poll(Sink& sink, std::chrono::milliseconds max_wait) {
        result_ = private_poll_result{};
        const auto st = net::poll_frames(session_, std::chrono::steady_clock::now() + max_wait,
                                         [&](std::string_view frame) { handle_frame(frame, sink); });
        if (st == net::ws_session::status::failed) result_.fatal = session_.error();
        return result_;
    }

    [[nodiscard]] bool ready() const noexcept { return session_.open(); }
    /// Why the last connection ended or failed (empty until one did).
    [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }
    /// The session gave up for good (a certificate that does not verify), and why.
    [[nodiscard]] std::optional<core::error> fatal() const {
        if (!session_.failed()) return std::nullopt;
        return session_.error();
    }
    [[nodiscard]] private_ws_stats stats() const noexcept {
        const net::ws_session_stats s = session_.stats();
        private_ws_stats out = stats_;
        out.connects = static_cast<std::int64_t>(s.connects);
        out.disconnects = static_cast<std::int64_t>(s.disconnects);
        out.connect_failures = static_cast<std::int64_t>(s.connect_failures);
        return out;
    }
    [[nodiscard]] const stream_stats& stream() const noexcept { return stream_.stats(); }

private:
    [[nodiscard]] static net::ws_session_options session_options(const private_ws_options& o) {
        return {.host = o.host,
                .port = o.port,
                .path = std::string(shown_path),  // replaced by use_key before start()
                .connect_timeout = o.connect_timeout,
                // No application ping: the server's own pings are the heartbeat.
                .ping_interval = std::chrono::hours{24},
                .idle_timeout = o.idle_timeout,
                .watchdog_period = std::min(o.idle_timeout, std::chrono::milliseconds{1000}),
                .backoff = {.initial = o.backoff_initial, .cap = o.backoff_max},
                .reset_backoff_on_first_frame = false,
                .max_frame_bytes = o.max_frame_bytes,
                .shown_path = std::string(shown_path),
                .control_frames_are_liveness = true};
    }

    void on_event(net::ws_session_event k, std::string_view detail) {
        if (k == net::ws_session_event::disconnected) result_.lost = true;
        if (k == net::ws_session_event::disconnected || k == net::ws_session_event::connect_failed) {
            last_error_ = std::string(detail);
        }
    }

    void on_open() {
        // Binance has no subscribe step: an open stream is a ready one.
        session_.reset_backoff();
        result_.became_ready = true;
    }

    template <class Sink>
    void handle_frame(std::string_view text, Sink& sink) {
        ++stats_.frames;
        ++result_.frames;
        auto kind = stream_.handle(text, sink);
        if (!kind) {
            ++stats_.bad_frames;
            result_.bad_frame = kind.error();
            return;
        }
        if (*kind == stream_event::key_expired) {
            ++stats_.keys_expired;
            result_.key_expired = true;
            session_.lose("listenKeyExpired");
        }
    }

    private_ws_options opts_;
    private_stream stream_;
    std::string key_;
    std::string last_error_;
    private_ws_stats stats_;
    private_poll_result result_;
    // Last, so it is destroyed first: its handlers refer to the members above.
    net::ws_session session_;
};

}  // namespace mmbot::venue::binance
