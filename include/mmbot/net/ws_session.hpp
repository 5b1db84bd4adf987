// mmbot/net/ws_session.hpp
//
// One client WebSocket session over TLS, with everything a venue stream needs below its protocol:
// resolve, TCP connect, TLS handshake (verified chain and host name, SNI: net/tls.hpp), WebSocket
// handshake, one read at a time, a write queue, application pings, a liveness watchdog, and
// reconnect with core::backoff. The public market-data feed (feed/ws_feed.hpp) and Bybit's private
// stream (venue/bybit/private_ws.hpp) are protocol layers on top: they say what to send when a
// session opens, what a ping looks like, and what each frame means.
//
// Threading: the session owns an io_context that only the caller's thread runs, from poll().
// Every handler (connect, read, write, timers, reconnect) runs inside poll(), on the caller's
// thread: no second thread, no lock, no queue between the socket and the caller, and a slow
// caller is backpressure on the socket. Pings and liveness run only while the caller polls.
//
//   net::ws_session s{opts, tls, {.on_open = [&] { s.send(subscribe); },
//                                 .ping_frame = [](std::uint64_t n) { return ping(n); }}};
//   s.start();
//   std::string_view frame;
//   switch (s.poll(frame, deadline)) {
//       case net::ws_session::status::frame: handle(frame); break;  // valid until the next poll
//       case net::ws_session::status::idle: break;
//       case net::ws_session::status::failed: log(s.error().message); break;
//   }
//
// Lifecycle:
//   open         both handshakes done: on_open runs (send the subscribe or auth frames there)
//   liveness     no frame at all (pongs included) for idle_timeout, checked every watchdog_period
//                -> the session is dropped and made again
//   reconnect    every lost session or failed attempt waits backoff.next(); the backoff is reset
//                by the first frame of a session (reset_backoff_on_first_frame) or by the caller
//                (reset_backoff(), e.g. once a private session is authenticated)
//   gave up      max_consecutive_failures attempts in a row without a frame (0 = never): poll()
//                reports failed with give_up_code, the caller's error code for it
// Fatal errors (poll() reports failed; error() says why), each needing a person, not a retry:
//   net_tls      the server's certificate or host name did not verify (retrying against an
//                impostor is the wrong reflex), or SNI could not be set
//   give_up_code as above
//   anything the caller passes to fail()
#pragma once
// A classic guard as well: a tool that opens impl/ as its main file, or pastes headers into one
// unit, must not define the class twice (#pragma once does not cover those).
#ifndef MMBOT_NET_WS_SESSION_HPP
#define MMBOT_NET_WS_SESSION_HPP

#include "mmbot/core/backoff.hpp"
#include "mmbot/core/compiled.hpp"
#include "mmbot/core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mmbot::net {

struct ws_session_options {
    /// Also the TLS name checked and the SNI sent.
    std::string host;
    std::string port = "443";
    std::string path = "/";
    /// Each of TCP connect + TLS handshake, and the WebSocket handshake.
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds ping_interval{20'000};
    /// No frame at all (data or pong) for this long: the session is presumed dead.
    std::chrono::milliseconds idle_timeout{30'000};
    /// How often the watchdog looks at the last frame's time.
    std::chrono::milliseconds watchdog_period{1'000};
    core::backoff_options<std::chrono::milliseconds> backoff{.initial = std::chrono::milliseconds{500},
                                                             .cap = std::chrono::milliseconds{30'000}};
    /// Only a session that delivered a frame resets the backoff (and the failure count): a server
    /// that accepts and hangs up at once still gets ever longer waits.
    bool reset_backoff_on_first_frame = true;
    /// Give up after this many failed attempts in a row; 0 = never.
    std::uint32_t max_consecutive_failures = 0;
    /// The error code poll() reports when it gives up.
    core::error_code give_up_code{};
    std::size_t max_frame_bytes = std::size_t{4} * 1024 * 1024;
    /// What messages show for `path` (empty: `path` itself): a path carrying a token (Binance's
    /// /ws/<listenKey>) is never written into a log line.
    std::string shown_path;
    /// Count the server's control frames (pings, pongs) as signs of life too: for a stream that
    /// may carry no message for minutes and whose server pings (Binance's user data stream: a
    /// ping every 3 minutes, answered by the WebSocket layer).
    bool control_frames_are_liveness = false;
};

/// What happened to the connection (for the owner's log and counters).
enum class ws_session_event : std::uint8_t {
    connected,            ///< detail: host:port
    connect_failed,       ///< detail: why
    disconnected,         ///< detail: why
    reconnect_scheduled,  ///< detail: why; delay: the backoff
};

struct ws_session_stats {
    std::uint64_t connects{0};          ///< sessions opened (both handshakes done)
    std::uint64_t connect_failures{0};  ///< attempts that failed before the session opened
    std::uint64_t disconnects{0};       ///< open sessions lost (close, error, silence, lose())
    std::uint64_t pings_sent{0};
};

class ws_session {
public:
    struct handlers {
        /// The session opened: send its first frames. May call lose(), abandon() or fail().
        std::function<void()> on_open;
        /// The n-th application ping (n counts from 1).
        std::function<std::string(std::uint64_t n)> ping_frame;
        /// `detail` is valid during the call only.
        std::function<void(ws_session_event, std::string_view detail, std::chrono::milliseconds delay)>
            on_event;
    };

    enum class status : std::uint8_t {
        frame,   ///< `frame` holds the next text frame, valid until the next poll()
        idle,    ///< the deadline passed without one
        failed,  ///< a fatal error (error()); the session has stopped
    };

    /// `tls` must outlive the session (every connection it makes uses it).
    ws_session(ws_session_options opts, boost::asio::ssl::context& tls, handlers h);
    ws_session(const ws_session&) = delete;
    ws_session& operator=(const ws_session&) = delete;
    ws_session(ws_session&&) = delete;
    ws_session& operator=(ws_session&&) = delete;
    ~ws_session();

    /// The first connection and the ping and watchdog timers (they run inside poll()).
    void start();
    /// Closes the connection and stops the timers; poll() afterwards reports idle (or failed).
    void stop();
    /// Runs the session until a frame arrives or `deadline` passes. Releases the previous frame.
    [[nodiscard]] status poll(std::string_view& frame, std::chrono::steady_clock::time_point deadline);

    /// Queues a text frame on the open session; dropped when none is open (the next session
    /// starts again from on_open).
    void send(std::string frame);
    /// The open session is no good (the venue refused something): drop it, count a disconnect,
    /// reconnect after the backoff.
    void lose(std::string_view why);
    /// The session being opened could not finish opening (on_open failed): count a failed
    /// attempt, reconnect after the backoff.
    void abandon(std::string_view why);
    /// Stops for good: poll() reports failed with `e`.
    void fail(core::error e);
    void reset_backoff() noexcept;
    /// The path (and what messages show of it) of the next connection; the open one is kept.
    void set_path(std::string path, std::string shown_path);

    [[nodiscard]] bool open() const noexcept;
    [[nodiscard]] bool failed() const noexcept;
    /// The fatal error, once failed().
    [[nodiscard]] const core::error& error() const noexcept;
    [[nodiscard]] ws_session_stats stats() const noexcept;
    /// host:port, for messages.
    [[nodiscard]] std::string where() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Polls `s` until `deadline`, handing every frame to `on_frame(std::string_view)`; how it ended
/// (idle, or failed: s.error()). For streams whose every frame is handled in place (the private
/// streams), unlike the feeds, which return at each message.
template <class OnFrame>
ws_session::status poll_frames(ws_session& s, std::chrono::steady_clock::time_point deadline, OnFrame&& on_frame) {
    std::string_view frame;
    for (;;) {
        const auto st = s.poll(frame, deadline);
        if (st != ws_session::status::frame) return st;
        on_frame(frame);
    }
}

}  // namespace mmbot::net

#if !defined(MMBOT_SEPARATE_COMPILATION)
#include "mmbot/net/impl/ws_session.hpp"
#endif

#endif  // MMBOT_NET_WS_SESSION_HPP
