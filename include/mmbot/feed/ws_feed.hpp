// mmbot/feed/ws_feed.hpp
//
// Bybit v5 public WebSocket feed (no keys): TLS with certificate and host-name verification,
// subscribe, application pings, liveness, reconnect with backoff and resubscribe, and resync of a
// book whose update ids break. Frames are decoded by bybit_public_codec and counted/applied by the
// same market_state that replay uses, so a live run reports the same market-data stats.
//
// The connection itself (TLS, handshakes, pings, liveness, reconnect) is net::ws_session's; this
// header is Bybit's public protocol on top of it.
//
// Threading: the session owns an io_context that only the caller's thread runs, from poll(). Every
// handler (connect, read, write, ping and liveness timers, reconnect) runs inside poll(), on the
// trading thread; the feed hands back at most one decoded message per poll() and holds the next
// read until then. So there is no second thread, no lock and no queue between the socket and the
// engine: the run loop stays single-threaded, and a slow engine is simply backpressure on the
// socket. The cost is that pings and liveness checks only run while the caller polls, which it does
// at least every few hundred milliseconds (poll's max_wait).
//
// Protocol (https://bybit-exchange.github.io/docs/v5/ws/connect):
//   URL          wss://<host>/v5/public/linear (or /spot); Env::public_ws_host by default
//   subscribe    {"op":"subscribe","req_id":"sub-1","args":["orderbook.50.BTCUSDT", ...]}, at most
//                max_args_per_subscribe args per request (spot allows 10)
//   ping         {"op":"ping","req_id":"ping-1"} every ping_interval (Bybit asks for 20 s)
//   liveness     no frame at all for idle_timeout -> the connection is dropped and re-made
//   reconnect    core::backoff from backoff_initial to backoff_max, minus up to a quarter as
//                jitter (splitmix64 from backoff_seed: deterministic in tests); every topic is
//                subscribed again and every book waits for its new snapshot
//   resync       a delta whose `u` skips (gap) or a delta before any snapshot -> unsubscribe and
//                subscribe that one orderbook topic again: Bybit answers with a fresh snapshot
//
//   auto tls = mmbot::net::tls_client_context();
//   mmbot::feed::ws_feed_options o;
//   o.endpoint = mmbot::feed::public_endpoint<mmbot::env::shadow>(mmbot::feed::ws_category::linear);
//   o.topics.symbols = {"BTCUSDT"};
//   mmbot::feed::ws_feed feed(o, tls);
//   feed.start();
//   mmbot::feed::replay_event ev;
//   for (;;) {
//       auto st = feed.poll(ev, std::chrono::milliseconds(200));
//       if (st == mmbot::feed::poll_status::failed) { log(feed.error().message); break; }
//       if (st == mmbot::feed::poll_status::event && ev.book != nullptr && ev.book->valid()) ...;
//   }
//
// Fatal errors (poll() returns failed; error() says why), each needing a person, not a retry:
//   net_tls                   the server's certificate or host name did not verify
//   feed_subscribe_rejected   Bybit answered a subscribe with "success":false (a bad symbol or
//                             topic); the message carries ret_msg
//   feed_connect              max_consecutive_failures connection attempts failed in a row
// Everything else (refused connection, reset, close frame, silence) is retried with backoff and
// reported through on_notice. Malformed frames are counted, reported and skipped.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/feed/ws_feed_stats.hpp"
#include "mmbot/net/ws_session.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::feed {

/// Which public stream: USDT/USDC perpetuals (linear) or spot.
enum class ws_category : std::uint8_t { linear, spot };

/// Where the feed connects. `host` is also the TLS name checked and the SNI sent.
struct ws_endpoint {
    std::string host;
    std::string port = "443";
    std::string path = "/v5/public/linear";
};

[[nodiscard]] constexpr std::string_view public_path(ws_category c) noexcept {
    return c == ws_category::spot ? "/v5/public/spot" : "/v5/public/linear";
}

/// Bybit's public stream of an environment: wss://Env::public_ws_host/v5/public/<category>.
template <env::environment Env>
[[nodiscard]] ws_endpoint public_endpoint(ws_category c) {
    return ws_endpoint{std::string(Env::public_ws_host), "443", std::string(public_path(c))};
}

/// Parses `wss://HOST[:PORT]/PATH` (an endpoint override). Plain ws:// is refused: the feed always
/// verifies TLS. Errors: feed_bad_url, naming the URL and what is wrong with it.
[[nodiscard]] inline core::result<ws_endpoint> parse_wss_url(std::string_view url) {
    const auto bad = [url](std::string_view why) {
        return core::make_error(errc::bad_url, fmt::format("\"{}\": {} (expected wss://HOST[:PORT]/PATH)",
                                                            url, why));
    };
    constexpr std::string_view scheme = "wss://";
    if (!url.starts_with(scheme)) return bad("the scheme must be wss://");
    std::string_view rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    ws_endpoint ep;
    ep.path = slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash));
    const auto colon = authority.rfind(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
            return bad(fmt::format("port \"{}\" is not in [1, 65535]", port));
        }
        ep.port = std::string(port);
    }
    if (host.empty()) return bad("no host");
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '-';
        if (!ok) return bad(fmt::format("host \"{}\" has a character other than letters, digits, '.' "
                                        "and '-'", host));
    }
    ep.host = std::string(host);
    return ep;
}

/// What to subscribe to for each symbol.
struct ws_topics {
    std::vector<std::string> symbols;
    std::uint32_t book_depth = 50;  ///< orderbook.<depth>.<SYM>: linear 1/50/200/500, spot 1/50/200
    bool trades = true;             ///< publicTrade.<SYM>
    bool tickers = true;            ///< tickers.<SYM>
};

/// The topic list, symbol by symbol: orderbook, then trades, then tickers.
[[nodiscard]] inline std::vector<std::string> topics_for(const ws_topics& t) {
    std::vector<std::string> out;
    for (const auto& s : t.symbols) {
        out.push_back(fmt::format("orderbook.{}.{}", t.book_depth, s));
        if (t.trades) out.push_back(fmt::format("publicTrade.{}", s));
        if (t.tickers) out.push_back(fmt::format("tickers.{}", s));
    }
    return out;
}

/// `{"op":"<op>","req_id":"<prefix><n>","args":[...]}` frames with at most `max_args` topics each
/// (`max_args` 0 is taken as 1). `counter` numbers the requests and is advanced.
[[nodiscard]] inline std::vector<std::string> op_frames(std::string_view op,
                                                        std::span<const std::string> topics,
                                                        std::size_t max_args,
                                                        std::string_view req_prefix,
                                                        std::uint64_t& counter) {
    std::vector<std::string> out;
    const std::size_t chunk = std::max<std::size_t>(max_args, 1);
    for (std::size_t i = 0; i < topics.size(); i += chunk) {
        boost::json::object o;
        o["op"] = op;
        o["req_id"] = fmt::format("{}{}", req_prefix, ++counter);
        boost::json::array args;
        for (std::size_t j = i; j < std::min(topics.size(), i + chunk); ++j) args.emplace_back(topics[j]);
        o["args"] = std::move(args);
        out.push_back(boost::json::serialize(o));
    }
    return out;
}

struct ws_feed_options {
    ws_endpoint endpoint;
    ws_topics topics;
    std::size_t max_args_per_subscribe = 10;
    std::chrono::milliseconds ping_interval{20'000};
    /// No frame at all (data or pong) for this long: the connection is presumed dead.
    std::chrono::milliseconds idle_timeout{30'000};
    /// Each of TCP connect + TLS handshake, and the WebSocket handshake.
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30'000};
    std::uint64_t backoff_seed = 0x6D6D626F74ULL;
    /// Give up (feed_connect) after this many failed attempts in a row; 0 = never.
    std::uint32_t max_consecutive_failures = 0;
    /// Largest frame accepted (an orderbook.500 snapshot is ~40 KiB).
    std::size_t max_frame_bytes = std::size_t{4} * 1024 * 1024;
    /// Called with every frame that is not an op reply (acks, pongs), as received, and its receive
    /// time (the event time the engine sees): --record's tap (feed/capture_recorder.hpp). Runs on
    /// the trading thread, so it must not block.
    std::function<void(std::int64_t recv_ts_ns, std::string_view frame)> on_frame;
};

/// What the feed tells its owner about (for the log). `detail` is valid during the call only.
enum class ws_notice_kind : std::uint8_t {
    connected,            ///< detail: host:port
    disconnected,         ///< detail: why
    connect_failed,       ///< detail: why
    reconnect_scheduled,  ///< delay: the backoff
    resync_requested,     ///< detail: the orderbook topic
    malformed_frame,      ///< detail: the decode error
    op_failed,            ///< detail: an unsubscribe (or other op) answered "success":false
    snapshot_failed,      ///< detail: a REST depth snapshot that could not be fetched (Binance)
};

[[nodiscard]] constexpr std::string_view to_string(ws_notice_kind k) noexcept {
    return core::enum_label<"ws_">(k);
}

struct ws_notice {
    ws_notice_kind kind;
    std::string_view detail;
    std::chrono::milliseconds delay{0};
};

/// What one poll() produced.
enum class poll_status : std::uint8_t {
    event,   ///< `ev` holds a decoded market-data message
    idle,    ///< max_wait passed without one
    failed,  ///< a fatal error (error()); the feed has stopped
};

/// A public stream's session, whichever the venue's feed (`Options` has endpoint, connect_timeout,
/// ping_interval, idle_timeout, backoff_initial/max/seed, max_consecutive_failures,
/// max_frame_bytes): jittered backoff reset by the first frame, giving up as feed_connect.
template <class Options>
[[nodiscard]] net::ws_session_options public_session_options(const Options& o, const std::string& path) {
    return {.host = o.endpoint.host,
            .port = o.endpoint.port,
            .path = path,
            .connect_timeout = o.connect_timeout,
            .ping_interval = o.ping_interval,
            .idle_timeout = o.idle_timeout,
            .watchdog_period = std::max(o.idle_timeout / 4, std::chrono::milliseconds(5)),
            .backoff = {.initial = o.backoff_initial, .cap = o.backoff_max, .jitter = true, .seed = o.backoff_seed},
            .reset_backoff_on_first_frame = true,
            .max_consecutive_failures = o.max_consecutive_failures,
            .give_up_code = errc::connect,
            .max_frame_bytes = o.max_frame_bytes,
            .shown_path = {},
            .control_frames_are_liveness = false};
}

/// The session's event as the feed's notice.
[[nodiscard]] constexpr ws_notice_kind notice_of(net::ws_session_event e) noexcept {
    switch (e) {
        case net::ws_session_event::connected: return ws_notice_kind::connected;
        case net::ws_session_event::connect_failed: return ws_notice_kind::connect_failed;
        case net::ws_session_event::disconnected: return ws_notice_kind::disconnected;
        case net::ws_session_event::reconnect_scheduled: return ws_notice_kind::reconnect_scheduled;
    }
    return ws_notice_kind::disconnected;
}

/// A feed's own counters with its session's (connections, failures, pings).
[[nodiscard]] inline ws_feed_stats with_session_stats(ws_feed_stats own, const net::ws_session_stats& s) noexcept {
    own.connects = s.connects;
    own.reconnects = s.connects > 0 ? s.connects - 1 : 0;
    own.connect_failures = s.connect_failures;
    own.disconnects = s.disconnects;
    own.pings_sent = s.pings_sent;
    return own;
}

class ws_feed : core::pinned {
public:
    using notice_handler = std::function<void(const ws_notice&)>;

    /// `tls` must outlive the feed (it is shared by every connection the feed makes).
    ws_feed(ws_feed_options opts, boost::asio::ssl::context& tls, notice_handler on_notice = {})
        : opts_(std::move(opts)),
          on_notice_(std::move(on_notice)),
          topics_(topics_for(opts_.topics)),
          session_(public_session_options(opts_, opts_.endpoint.path), tls,
                   {.on_open = [this] { on_open(); },
                    .ping_frame = [](std::uint64_t n) { return fmt::format(R"({{"op":"ping","req_id":"ping-{}"}})", n); },
                    .on_event = [this](net::ws_session_event k, std::string_view detail,
                                       std::chrono::milliseconds delay) { notice(notice_of(k), detail, delay); }}) {}

    /// Starts the first connection and the ping/liveness timers (they run inside poll()).
    void start() { session_.start(); }

    /// Runs the feed for at most `max_wait` and returns the next decoded message, if any. Op
    /// messages (acks, pongs) are handled here and never returned. `ev` (and the message and book
    /// it points at) stays valid until the next poll().
    [[nodiscard]] poll_status poll(replay_event& ev, std::chrono::milliseconds max_wait) {
        const auto deadline = std::chrono::steady_clock::now() + max_wait;
        std::string_view frame;
        for (;;) {
            switch (session_.poll(frame, deadline)) {
                case net::ws_session::status::failed: return poll_status::failed;
                case net::ws_session::status::idle: return poll_status::idle;
                case net::ws_session::status::frame:
                    if (handle_frame(frame, ev)) return poll_status::event;
                    break;
            }
        }
    }

    /// Closes the connection and stops the timers. poll() afterwards only reports idle or failed.
    void stop() { session_.stop(); }

    [[nodiscard]] bool failed() const noexcept { return session_.failed(); }
    /// The fatal error, once poll() has returned failed.
    [[nodiscard]] const core::error& error() const noexcept { return session_.error(); }
    [[nodiscard]] bool connected() const noexcept { return session_.open(); }
    [[nodiscard]] replay_stats stats() const noexcept { return state_.stats(); }
    [[nodiscard]] ws_feed_stats feed_stats() const noexcept { return with_session_stats(fstats_, session_.stats()); }
    [[nodiscard]] const book_set& books() const noexcept { return state_.books(); }
    [[nodiscard]] const std::vector<std::string>& topics() const noexcept { return topics_; }

private:
    void notice(ws_notice_kind k, std::string_view detail, std::chrono::milliseconds delay = {}) {
        if (on_notice_) on_notice_(ws_notice{k, detail, delay});
    }

    /// A new session: every book waits for the snapshot its new subscription brings.
    void on_open() {
        for (const auto& e : state_.books().entries()) e->book.invalidate();
        pending_resync_.clear();
        for (auto& f : op_frames("subscribe", topics_, opts_.max_args_per_subscribe, "sub-", req_counter_)) {
            ++fstats_.subscribe_requests;
            session_.send(std::move(f));
        }
    }

    /// Decodes one frame; true when `ev` now holds a market-data message.
    bool handle_frame(std::string_view text, replay_event& ev) {
        state_.on_line();
        // The receive time: the event time of the message and the time a recording keeps.
        const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        auto doc = codec_.parse(text);
        if (!doc) {
            tap(now_ns, text);
            return malformed(doc.error().message);
        }
        const boost::json::object* obj = (*doc)->if_object();
        if (obj == nullptr) {
            tap(now_ns, text);
            return malformed("message: expected a JSON object");
        }
        if (const auto* op = obj->if_contains("op"); op != nullptr && op->is_string()) {
            // Op replies are the connection's, not the market's: not recorded.
            handle_op(op->get_string(), *obj);
            if (session_.failed()) return false;
        } else {
            tap(now_ns, text);
        }
        auto kind = codec_.decode(*obj, msg_);
        if (!kind) return malformed(kind.error().message);
        ev.line = state_.lines();
        ev.event_time_ns = now_ns;
        ev.recv_ts_ns = now_ns;
        state_.on_decoded(*kind, msg_, ev);
        if (*kind == message_kind::book && ev.book != nullptr) check_book(ev);
        return !(*kind == message_kind::ignored && msg_.ignored_what == ignored_reason::control);
    }

    void tap(std::int64_t recv_ns, std::string_view text) const {
        if (opts_.on_frame) opts_.on_frame(recv_ns, text);
    }

    bool malformed(std::string_view why) {
        state_.on_malformed();
        notice(ws_notice_kind::malformed_frame, why);
        return false;
    }

    void handle_op(std::string_view op, const boost::json::object& obj) {
        const auto* success = obj.if_contains("success");
        const bool ok = success == nullptr || !success->is_bool() || success->get_bool();
        const auto text_of = [&obj](std::string_view key) -> std::string {
            const auto* v = obj.if_contains(key);
            return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        if (op == "ping" || op == "pong") {
            // Linear answers a ping with op "ping" and ret_msg "pong"; spot with op "pong".
            ++fstats_.pongs;
        } else if (op == "subscribe") {
            if (ok) {
                ++fstats_.subscribe_acks;
            } else {
                session_.fail(core::make_error(errc::subscribe_rejected,
                                               fmt::format("{}: subscribe rejected (req_id \"{}\"): {}",
                                                           session_.where(), text_of("req_id"), text_of("ret_msg"))));
            }
        } else if (!ok) {
            const std::string what = fmt::format("{} failed (req_id \"{}\"): {}", op, text_of("req_id"),
                                                 text_of("ret_msg"));
            notice(ws_notice_kind::op_failed, what);
        }
    }

    /// Asks for a new snapshot when a book cannot continue: a gap, or a delta before any snapshot.
    void check_book(const replay_event& ev) {
        const book_update& up = msg_.book;
        std::string topic = fmt::format("orderbook.{}.{}", up.depth, up.sym.view());
        switch (ev.book_status) {
            case apply_status::snapshot:
            case apply_status::reset:
            case apply_status::resynced: pending_resync_.erase(topic); break;
            case apply_status::gap: request_resync(std::move(topic)); break;
            case apply_status::awaiting_snapshot:
                if (!ev.book->needs_resync()) request_resync(std::move(topic));
                break;
            case apply_status::applied: break;
        }
    }

    void request_resync(std::string topic) {
        if (!session_.open() || pending_resync_.contains(topic)) return;
        ++fstats_.resync_requests;
        notice(ws_notice_kind::resync_requested, topic);
        const std::vector<std::string> one{topic};
        for (auto& f : op_frames("unsubscribe", one, 1, "unsub-", req_counter_)) session_.send(std::move(f));
        for (auto& f : op_frames("subscribe", one, 1, "sub-", req_counter_)) {
            ++fstats_.subscribe_requests;
            session_.send(std::move(f));
        }
        pending_resync_.insert(std::move(topic));
    }

    ws_feed_options opts_;
    notice_handler on_notice_;
    std::vector<std::string> topics_;
    bybit_public_codec codec_;
    decoded_message msg_;
    market_state state_;
    /// The protocol's counters; the connection's come from the session.
    ws_feed_stats fstats_;
    std::set<std::string, std::less<>> pending_resync_;
    std::uint64_t req_counter_{0};
    // Last, so it is destroyed first: its handlers refer to the members above.
    net::ws_session session_;
};

}  // namespace mmbot::feed
