// mmbot/feed/binance/ws_feed.hpp
//
// Binance USD-M public stream, live (no keys): the combined stream of every symbol's diff depth,
// bookTicker and aggTrade over TLS (net::ws_session: verified chain and host name, SNI, liveness,
// reconnect with backoff), books kept by Binance's documented procedure (book_keeper.hpp: buffer
// the diffs, take a REST depth snapshot, drop diffs older than it, then `pu` must chain; any break
// waits for a new snapshot). It hands back the same feed::replay_event the capture replay does, so
// mmbot-shadow-binance runs one loop over either source.
//
//   URL        wss://<host>/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker/btcusdt@aggTrade
//              (fstream.binance.com by default; the local venue in tests)
//   snapshot   GET https://<rest host>/fapi/v1/depth?symbol=BTCUSDT&limit=1000, fetched on this
//              thread as soon as a symbol's book waits for one (its first diff, a gap, a
//              reconnect): the diffs meanwhile wait in the socket and the sync's buffer. A failed
//              fetch is retried after `snapshot_retry` with the next frame; the book stays invalid
//              (no quote on it) until one lands.
//   ping       {"method":"LIST_SUBSCRIPTIONS","id":N} every ping_interval: a request Binance
//              answers ({"result":[...],"id":N}), so a quiet market still shows the connection is
//              alive (Binance's own ping frames are answered by the WebSocket layer)
//   reconnect  every book waits for a new snapshot
//
// Threading as feed::ws_feed: everything runs inside poll(), on the caller's thread; at most one
// message per poll(). A snapshot fetch blocks that thread for one REST round trip (at the start
// and after a gap only).
//
// Fatal errors (poll() returns failed; error() says why): net_tls (the stream's certificate or
// host name did not verify) and feed_connect (max_consecutive_failures attempts in a row). A
// snapshot fetch that fails verification is reported (notice) and retried like any other failure.
//
//   feed::binance::ws_feed_options o;
//   o.endpoint = {"fstream.binance.com", "443", "/stream"};
//   o.rest = {"fapi.binance.com"};
//   o.symbols = {"BTCUSDT"};
//   feed::binance::ws_feed feed(o, tls);
//   feed.start();
//   while (feed.poll(ev, 200ms) != poll_status::failed) ...
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/binance/book_keeper.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/feed/ws_feed_stats.hpp"
#include "mmbot/net/https_client.hpp"
#include "mmbot/net/ws_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::feed::binance {

struct ws_feed_options {
    /// The stream host; `path` is the combined stream's base ("/stream").
    ws_endpoint endpoint{"fstream.binance.com", "443", "/stream"};
    /// Where REST depth snapshots come from.
    net::https_host rest{"fapi.binance.com"};
    std::vector<std::string> symbols;
    /// The diff stream's speed: "100ms" (Binance's default for mmbot), "250ms" or "0ms".
    std::string depth_speed = "100ms";
    /// Levels asked of each REST snapshot (Binance allows 5..1000).
    unsigned snapshot_limit = 1000;
    std::chrono::milliseconds snapshot_timeout{5000};
    /// After a failed snapshot fetch, the next one waits at least this long.
    std::chrono::milliseconds snapshot_retry{1000};
    std::chrono::milliseconds ping_interval{20'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30'000};
    std::uint64_t backoff_seed = 0x6D6D626F74ULL;
    /// Give up (feed_connect) after this many failed attempts in a row; 0 = never.
    std::uint32_t max_consecutive_failures = 0;
    std::size_t max_frame_bytes = std::size_t{4} * 1024 * 1024;
};

/// The combined stream's target: /stream?streams=<sym>@depth@<speed>/<sym>@bookTicker/<sym>@aggTrade
/// for every symbol, names lower-cased as Binance spells its streams.
[[nodiscard]] inline std::string stream_target(const ws_feed_options& o) {
    std::string t = o.endpoint.path + "?streams=";
    bool first = true;
    for (const auto& sym : o.symbols) {
        std::string lower;
        for (const char c : sym) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        for (const std::string& s : {fmt::format("{}@depth@{}", lower, o.depth_speed), lower + "@bookTicker",
                                     lower + "@aggTrade"}) {
            if (!first) t += '/';
            t += s;
            first = false;
        }
    }
    return t;
}

class ws_feed : core::pinned {
public:
    using notice_handler = std::function<void(const ws_notice&)>;

    /// `tls` must outlive the feed (the stream and the snapshot fetches share it).
    ws_feed(ws_feed_options opts, boost::asio::ssl::context& tls, notice_handler on_notice = {})
        : opts_(std::move(opts)),
          on_notice_(std::move(on_notice)),
          rest_(rest_io_, opts_.rest, tls),
          books_(sync_rule::usdm_futures),
          session_(public_session_options(opts_, stream_target(opts_)), tls,
                   {.on_open = [this] { books_.reset_all(); },
                    .ping_frame = [](std::uint64_t n) {
                        return fmt::format(R"({{"method":"LIST_SUBSCRIPTIONS","id":{}}})", n + 1);
                    },
                    .on_event = [this](net::ws_session_event k, std::string_view detail, std::chrono::milliseconds delay) {
                        notice(notice_of(k), detail, delay);
                    }}) {}

    void start() { session_.start(); }

    /// Runs the feed for at most `max_wait` and returns the next decoded message, if any. `ev`
    /// (and the message and book it points at) stays valid until the next poll().
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

    void stop() { session_.stop(); }

    [[nodiscard]] bool failed() const noexcept { return session_.failed(); }
    [[nodiscard]] const core::error& error() const noexcept { return session_.error(); }
    [[nodiscard]] bool connected() const noexcept { return session_.open(); }
    [[nodiscard]] replay_stats stats() const noexcept {
        replay_stats s = books_.stats();
        s.lines = lines_;
        s.messages = messages_;
        s.malformed_lines = malformed_;
        return s;
    }
    [[nodiscard]] ws_feed_stats feed_stats() const noexcept { return with_session_stats(fstats_, session_.stats()); }
    [[nodiscard]] const book_keeper& books() const noexcept { return books_; }
    /// REST depth snapshots fetched and applied, and fetches that failed.
    [[nodiscard]] std::uint64_t snapshots_fetched() const noexcept { return snapshots_; }
    [[nodiscard]] std::uint64_t snapshot_failures() const noexcept { return snapshot_failures_; }

private:
    void notice(ws_notice_kind k, std::string_view detail, std::chrono::milliseconds delay = {}) {
        if (on_notice_) on_notice_(ws_notice{k, detail, delay});
    }

    [[nodiscard]] static std::int64_t wall_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    /// Decodes one frame; true when `ev` now holds a market-data message (or the snapshot the
    /// frame's book was waiting for).
    bool handle_frame(std::string_view text, replay_event& ev) {
        ++lines_;
        const std::int64_t now_ns = wall_ns();
        auto kind = codec_.decode(text, msg_);
        if (!kind) return malformed(kind.error().message);
        if (*kind == event_kind::ignored && text.starts_with(R"({"result")")) {
            ++fstats_.pongs;  // the answer to our LIST_SUBSCRIPTIONS ping
            return false;
        }
        auto changed = books_.on_message(*kind, msg_);
        if (!changed) return malformed(changed.error().message);
        ++messages_;
        fill(ev, now_ns, &msg_.msg, *changed);
        if (auto snap = fetch_waiting_snapshot(); snap != nullptr) {
            // The frame's diff was buffered (no book): the engine sees the synced book instead.
            if (*changed == nullptr) fill(ev, wall_ns(), &snap_.msg, snap);
        }
        return true;
    }

    void fill(replay_event& ev, std::int64_t ns, const decoded_message* msg, const depth_sync* sync) const {
        ev.line = lines_;
        ev.event_time_ns = ns;
        ev.recv_ts_ns = ns;
        ev.msg = msg;
        ev.book = sync != nullptr ? &sync->book() : nullptr;
        ev.book_status = apply_status::applied;
    }

    /// One REST snapshot for the first symbol whose book waits for one, unless a failed fetch is
    /// too recent. The sync it was applied to, or null.
    const depth_sync* fetch_waiting_snapshot() {
        const std::string_view waiting = books_.first_waiting();
        if (waiting.empty()) return nullptr;
        const auto now = std::chrono::steady_clock::now();
        if (now < next_snapshot_at_) return nullptr;
        const std::string sym(waiting);
        ++fstats_.resync_requests;
        notice(ws_notice_kind::resync_requested, sym);
        const std::string target = fmt::format("/fapi/v1/depth?symbol={}&limit={}", sym, opts_.snapshot_limit);
        auto answer = rest_.exchange(net::https_request{net::http_verb::get, target, {}, {}, {}}, opts_.snapshot_timeout);
        const auto failed = [&](std::string_view why) -> const depth_sync* {
            ++snapshot_failures_;
            next_snapshot_at_ = now + opts_.snapshot_retry;
            notice(ws_notice_kind::snapshot_failed, fmt::format("depth snapshot {}: {}", sym, why));
            return nullptr;
        };
        if (!answer) return failed(answer.error().message);
        if (answer->status != 200) {
            return failed(fmt::format("HTTP {}: {}", answer->status, answer->body.substr(0, 120)));
        }
        auto kind = snap_codec_.decode(answer->body, snap_);
        if (!kind) return failed(kind.error().message);
        if (*kind != event_kind::depth_snapshot) return failed("the answer is not a depth snapshot");
        auto applied = books_.on_snapshot_for(sym, snap_);
        if (!applied) return failed(applied.error().message);
        ++snapshots_;
        return *applied;
    }

    bool malformed(std::string_view why) {
        ++malformed_;
        notice(ws_notice_kind::malformed_frame, why);
        return false;
    }

    ws_feed_options opts_;
    notice_handler on_notice_;
    boost::asio::io_context rest_io_;
    net::https_client rest_;
    public_codec codec_;
    /// Snapshots decode on their own codec: the frame's message stays intact beside them.
    public_codec snap_codec_;
    binance_message msg_;
    binance_message snap_;
    book_keeper books_;
    ws_feed_stats fstats_;
    std::uint64_t lines_{0};
    std::uint64_t messages_{0};
    std::uint64_t malformed_{0};
    std::uint64_t snapshots_{0};
    std::uint64_t snapshot_failures_{0};
    std::chrono::steady_clock::time_point next_snapshot_at_{};
    // Last, so it is destroyed first: its handlers refer to the members above.
    net::ws_session session_;
};

}  // namespace mmbot::feed::binance
