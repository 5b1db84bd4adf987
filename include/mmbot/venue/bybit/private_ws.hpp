// mmbot/venue/bybit/private_ws.hpp
//
// Bybit v5 private WebSocket client: TLS (verified chain and host name, SNI), auth, subscribe to
// `order` and `execution`, application pings, liveness, reconnect with backoff. Frames are decoded
// by private_stream.hpp straight into the engine's sink calls (on_ack, on_reject, on_cancel,
// on_fill).
//
// The connection itself (TLS, handshakes, pings, liveness, reconnect) is net::ws_session's; this
// header is Bybit's private protocol on top of it.
//
// Threading: like feed::ws_feed, the client's session owns an io_context that only the caller's thread runs,
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

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/net/ws_session.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/asio/ssl/context.hpp>

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

class private_ws : core::pinned {
public:
    using venue_ms_fn = std::function<core::result<std::int64_t>()>;

    /// `tls` and `sig` must outlive the client. `venue_ms` gives the venue's clock in ms (the
    /// auth frame's expiry is computed from it).
    private_ws(private_ws_options opts, boost::asio::ssl::context& tls, signer& sig,
               venue_ms_fn venue_ms)
        : opts_(std::move(opts)),
          signer_(sig),
          venue_ms_(std::move(venue_ms)),
          session_(session_options(opts_), tls,
                   {.on_open = [this] { on_open(); },
                    .ping_frame = [](std::uint64_t) { return std::string(ping_frame); },
                    .on_event = [this](net::ws_session_event k, std::string_view detail,
                                       std::chrono::milliseconds) { on_event(k, detail); }}) {}

    void start() { session_.start(); }

    /// Runs the client for at most `max_wait`, handing every order/execution frame to `sink`.
    template <class Sink>
    private_poll_result poll(Sink& sink, std::chrono::milliseconds max_wait) {
        result_ = private_poll_result{};
        const auto st = net::poll_frames(session_, std::chrono::steady_clock::now() + max_wait,
                                         [&](std::string_view frame) { handle_frame(frame, sink); });
        if (st == net::ws_session::status::failed) result_.fatal = session_.error();
        return result_;
    }

    void stop() { session_.stop(); }

    /// Authenticated and subscribed: events flow.
    [[nodiscard]] bool ready() const noexcept { return session_.open() && ready_; }
    [[nodiscard]] private_ws_stats stats() const noexcept {
        const net::ws_session_stats s = session_.stats();
        private_ws_stats out = stats_;
        out.connects = static_cast<std::int64_t>(s.connects);
        out.disconnects = static_cast<std::int64_t>(s.disconnects);
        out.connect_failures = static_cast<std::int64_t>(s.connect_failures);
        out.pings_sent = static_cast<std::int64_t>(s.pings_sent);
        return out;
    }
    [[nodiscard]] const stream_stats& stream() const noexcept { return stream_.stats(); }
    [[nodiscard]] std::optional<core::error> fatal() const {
        if (!session_.failed()) return std::nullopt;
        return session_.error();
    }
    /// Why the last connection attempt or session ended (for logs; never carries key material).
    [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

private:
    [[nodiscard]] static net::ws_session_options session_options(const private_ws_options& o) {
        return {.host = o.host,
                .port = o.port,
                .path = o.path,
                .connect_timeout = o.connect_timeout,
                .ping_interval = o.ping_interval,
                .idle_timeout = o.idle_timeout,
                .watchdog_period = std::min(o.idle_timeout, std::chrono::milliseconds{1000}),
                .backoff = {.initial = o.backoff_initial, .cap = o.backoff_max},
                // A private session counts as working once it is authenticated and subscribed.
                .reset_backoff_on_first_frame = false,
                .max_frame_bytes = o.max_frame_bytes,
                .shown_path = {},
                .control_frames_are_liveness = false};
    }

    void on_event(net::ws_session_event k, std::string_view detail) {
        switch (k) {
            case net::ws_session_event::connected: ready_ = false; break;
            case net::ws_session_event::disconnected:
                result_.lost = true;
                last_error_ = std::string(detail);
                ready_ = false;
                break;
            case net::ws_session_event::connect_failed:
                last_error_ = std::string(detail);
                ready_ = false;
                break;
            case net::ws_session_event::reconnect_scheduled: break;
        }
    }

    void on_open() {
        auto now_ms = venue_ms_();
        if (!now_ms) return session_.abandon(now_ms.error().message);
        std::string auth;
        const auto expires = *now_ms + opts_.auth_expiry.count();
        if (auto ok = signer_.append_ws_auth(expires, auth); !ok) return session_.fail(ok.error());
        session_.send(std::move(auth));  // never logged: it carries the api key
    }

    template <class Sink>
    void handle_frame(std::string_view text, Sink& sink) {
        ++stats_.frames;
        ++result_.frames;
        auto kind = stream_.handle(text, sink);
        if (!kind) {
            if (kind.error().code == errc::ws_auth) return session_.fail(kind.error());
            if (kind.error().code == errc::ws_subscribe) return session_.lose(kind.error().message);
            ++stats_.bad_frames;
            result_.bad_frame = kind.error();
            return;
        }
        if (*kind == stream_event::auth_ok) {
            session_.send(std::string(subscribe_frame));
        } else if (*kind == stream_event::subscribed && !ready_) {
            ready_ = true;
            ++stats_.sessions;
            session_.reset_backoff();
            result_.became_ready = true;
        }
    }

    private_ws_options opts_;
    signer& signer_;
    venue_ms_fn venue_ms_;
    private_stream stream_;
    /// The protocol's counters; the connection's come from the session.
    private_ws_stats stats_;
    private_poll_result result_;
    std::string last_error_;
    bool ready_ = false;
    // Last, so it is destroyed first: its handlers refer to the members above.
    net::ws_session session_;
};

}  // namespace mmbot::venue::bybit
