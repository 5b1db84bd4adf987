// mmbot/feed/replay.hpp
//
// Reads a recorded capture of Bybit public messages, one message per line, decodes each through
// bybit_public_codec, keeps the books up to date and hands back one event per message together
// with its event time, for a replay clock to follow.
//
// Line forms (docs/market-data.md has examples):
//   {"topic":...}                              raw message: Bybit's historical order-book dumps,
//                                              and what a plain recorder writes
//   {"recv_ts_ns":1786310818130123456,"msg":{"topic":...}}   wrapped with the receive time
//   1786310818130123456 {"topic":...}          the same, as a plain prefix (hftbacktest style)
// Event time = the receive time when the line carries one, else the message's `ts` (ms -> ns);
// a message with neither (an op ack) keeps the previous event time. Times are reported as
// recorded, never reordered.
//
// Malformed lines (bad JSON, wrong types, "1e5" prices, missing fields) are counted, reported to
// the warning callback (line number, reason, the start of the line) and skipped; the reader never
// throws on input. Blank lines are skipped silently.
//
// Two faults end the replay instead, because what follows them cannot be read: a line longer than
// `max_line_bytes` (16 MiB by default; no Bybit message comes near it, and /dev/zero would
// otherwise be buffered whole) and a failed read (EIO, EISDIR, ...; needs a capture_file, which
// keeps the errno a plain istream turns into EOF). next() then returns false and error() says
// which, with the line number; an end of file is only ever an end of file.
//
//   std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl");
//   mmbot::feed::replay_reader replay(in, {.on_warning = [](const auto& w) { log(w.reason); }});
//   mmbot::feed::replay_event ev;
//   while (replay.next(ev)) {
//       clock.advance_to(ev.event_time_ns);
//       if (ev.book != nullptr && ev.book->valid()) strategy.on_book(*ev.book);
//   }
//   auto s = replay.stats();   // messages, book_updates, trades, gaps, resyncs, malformed_lines...
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_FEED_REPLAY_HPP
#define MMBOT_FEED_REPLAY_HPP

#include "mmbot/feed/book_set.hpp"
#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/capture_file.hpp"
#include "mmbot/feed/detail/line_source.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::feed {

/// A skipped line, as told to the warning callback. Views are valid during the call only.
struct replay_warning {
    std::uint64_t line{0};       ///< 1-based line number
    std::string_view reason;     ///< the decode error, naming the field and value
    std::string_view excerpt;    ///< the start of the line (at most excerpt_chars)
    static constexpr std::size_t excerpt_chars = 120;
};

/// The longest line a capture may hold (docs/market-data.md): 16 MiB.
inline constexpr std::size_t default_max_line_bytes = std::size_t{16} << 20U;

struct replay_options {
    /// Called once per malformed line; may be empty (the line is still counted).
    std::function<void(const replay_warning&)> on_warning;
    /// A longer line ends the replay with error "feed_line_too_long" (> 0).
    std::size_t max_line_bytes = default_max_line_bytes;
};

/// Totals since the reader was created.
struct replay_stats {
    std::uint64_t lines{0};             ///< lines read, blank ones included
    std::uint64_t messages{0};          ///< lines decoded (book, trade, ticker or ignored)
    std::uint64_t book_updates{0};      ///< orderbook messages (snapshots + deltas)
    std::uint64_t trade_messages{0};    ///< publicTrade messages
    std::uint64_t trades{0};            ///< trade prints inside them
    std::uint64_t tickers{0};           ///< tickers messages
    std::uint64_t ignored_messages{0};  ///< op acks, pongs, topics not decoded (kline, ...)
    std::uint64_t malformed_lines{0};   ///< lines skipped with a warning
    book_counters books;                ///< summed over every book: gaps, resyncs, resets, ...
};

/// One decoded message. Pointers are valid until the next call of next().
struct replay_event {
    std::uint64_t line{0};
    std::int64_t event_time_ns{0};
    std::optional<std::int64_t> recv_ts_ns;  ///< when the line carried a receive time
    const decoded_message* msg{nullptr};
    /// Book messages only: the book after applying the update, and what the apply did.
    const l2_book* book{nullptr};
    apply_status book_status{apply_status::applied};
};

/// The bookkeeping shared by every source of decoded messages (a capture here, the live
/// WebSocket in ws_feed.hpp): counts each message by kind, applies book updates to the right book
/// and fills the event's message/book fields. One place, so replay and live count alike.
class market_state {
public:
    /// A line or frame was read (blank lines included).
    void on_line() noexcept { ++stats_.lines; }
    /// A line or frame was skipped as malformed.
    void on_malformed() noexcept { ++stats_.malformed_lines; }

    /// Records a decoded message: counts it, applies a book update, and points `ev` at `msg` (and
    /// at the book). `ev.line`, `ev.event_time_ns` and `ev.recv_ts_ns` are the caller's.
    void on_decoded(message_kind kind, const decoded_message& msg, replay_event& ev) {
        ++stats_.messages;
        ev.msg = &msg;
        ev.book = nullptr;
        switch (kind) {
            case message_kind::book: {
                ++stats_.book_updates;
                l2_book& book = books_.book_for(msg.book);
                ev.book_status = book.apply(msg.book);
                ev.book = &book;
                break;
            }
            case message_kind::trades:
                ++stats_.trade_messages;
                stats_.trades += msg.trades.prints.size();
                break;
            case message_kind::ticker: ++stats_.tickers; break;
            case message_kind::ignored: ++stats_.ignored_messages; break;
        }
    }

    [[nodiscard]] replay_stats stats() const noexcept {
        replay_stats s = stats_;
        s.books = books_.totals();
        return s;
    }
    [[nodiscard]] const book_set& books() const noexcept { return books_; }
    [[nodiscard]] book_set& books() noexcept { return books_; }
    [[nodiscard]] std::uint64_t lines() const noexcept { return stats_.lines; }
    [[nodiscard]] std::uint64_t malformed() const noexcept { return stats_.malformed_lines; }

private:
    book_set books_;
    replay_stats stats_;
};

class replay_reader {
public:
    explicit replay_reader(std::istream& in, replay_options opts = {})
        : opts_(std::move(opts)), lines_(in, nullptr, opts_.max_line_bytes) {}
    /// Reads a capture file; a failed read is reported by error(), not taken for the end.
    explicit replay_reader(capture_file& file, replay_options opts = {})
        : opts_(std::move(opts)), lines_(file.stream(), &file, opts_.max_line_bytes) {}

    /// Reads up to the next decodable message; false at end of input or on error().
    [[nodiscard]] bool next(replay_event& ev);

    /// Why the replay stopped early: "feed_line_too_long" (line N is longer than the maximum) or
    /// "feed_read_error" (line N: strerror). Empty after a clean end of input.
    [[nodiscard]] const std::optional<core::error>& error() const noexcept { return lines_.error(); }

    [[nodiscard]] replay_stats stats() const noexcept { return state_.stats(); }
    [[nodiscard]] const book_set& books() const noexcept { return state_.books(); }

private:
    /// Decodes one non-blank line into msg_; fills recv_ts_ns when the line carries one.
    [[nodiscard]] core::result<message_kind> decode_line(std::string_view text,
                                                         std::optional<std::int64_t>& recv_ts_ns);
    void warn(std::string_view reason, std::string_view text);

    replay_options opts_;
    detail::line_source lines_;
    bybit_public_codec codec_;
    decoded_message msg_;
    market_state state_;
    std::int64_t last_event_ns_{0};
};

}  // namespace mmbot::feed

#include "mmbot/feed/impl/replay.hpp"

#endif  // MMBOT_FEED_REPLAY_HPP
