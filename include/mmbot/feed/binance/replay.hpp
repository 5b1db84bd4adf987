// mmbot/feed/binance/replay.hpp
//
// Replays a Binance capture (`<recv_ns> <json>` lines, feed/binance/capture_line.hpp; plain or
// gzip, through feed::capture_file) as the same feed::replay_event stream the Bybit reader
// (feed/replay.hpp) hands the shadow engine: one event per decoded message, in file order, at its
// receive time. Books are kept by a book_keeper (feed/binance/book_keeper.hpp: a depth_sync per
// symbol, created at its first diff; the REST depth snapshot a recorder writes
// (`{"lastUpdateId":...}`, no symbol) is taken by the one sync that waits for a snapshot). An event's `book` is that symbol's
// book when the message changed it (a diff applied, a snapshot synced) or broke it (a gap: the book
// is invalid until the next snapshot); null for a diff that was buffered or dropped as stale.
//
// Malformed lines (no receive time, bad JSON, a bad field, a snapshot nobody or several symbols
// wait for) are counted, told to the warning callback and skipped, as in the Bybit reader; a line
// too long or a failed read ends the replay with error(). Stats use the Bybit reader's fields:
// book_updates counts depth diffs and snapshots, books.gaps the chain breaks, books.resyncs the
// snapshots that ended one.
//
//   feed::capture_file in;  (void)in.open(path);
//   feed::binance::replay_reader replay(in, {.on_warning = log_it});
//   feed::replay_event ev;
//   while (replay.next(ev)) engine.step(ev);
#pragma once

#include "mmbot/feed/binance/book_keeper.hpp"
#include "mmbot/feed/binance/capture_line.hpp"
#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/feed/capture_file.hpp"
#include "mmbot/feed/detail/line_source.hpp"
#include "mmbot/feed/replay.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::feed::binance {

class replay_reader {
public:
    /// At most this many symbols get a book (a capture is one or a few symbols).
    static constexpr std::size_t max_symbols = book_keeper::max_symbols;

    explicit replay_reader(std::istream& in, replay_options opts = {}, sync_rule rule = sync_rule::usdm_futures)
        : opts_(std::move(opts)), lines_(in, nullptr, opts_.max_line_bytes), books_(rule) {}
    /// Reads a capture file; a failed read is reported by error(), not taken for the end.
    explicit replay_reader(capture_file& file, replay_options opts = {}, sync_rule rule = sync_rule::usdm_futures)
        : opts_(std::move(opts)), lines_(file.stream(), &file, opts_.max_line_bytes), books_(rule) {}

    /// Reads up to the next decodable message; false at end of input or on error().
    [[nodiscard]] bool next(replay_event& ev) {
        while (lines_.next()) {
            ++stats_.lines;
            const std::string_view text = feed::detail::trim_line(lines_.line());
            if (text.empty()) continue;
            auto line = split_capture_line(text);
            auto kind = line ? codec_.decode(line->json, msg_) : core::result<event_kind>(line.error());
            const depth_sync* book_of = nullptr;
            if (kind) {
                auto changed = books_.on_message(*kind, msg_);
                if (!changed) {
                    kind = changed.error();
                } else {
                    book_of = *changed;
                }
            }
            if (!kind) {
                warn(kind.error().message, text);
                continue;
            }
            ++stats_.messages;
            ev.line = stats_.lines;
            ev.event_time_ns = line->recv_ns;
            ev.recv_ts_ns = line->recv_ns;
            ev.msg = &msg_.msg;
            ev.book = book_of != nullptr ? &book_of->book() : nullptr;
            ev.book_status = apply_status::applied;
            return true;
        }
        return false;
    }

    /// Why the replay stopped early ("feed_line_too_long", "feed_read_error"); empty after a
    /// clean end of input.
    [[nodiscard]] const std::optional<core::error>& error() const noexcept { return lines_.error(); }

    [[nodiscard]] replay_stats stats() const noexcept {
        replay_stats s = books_.stats();
        s.lines = stats_.lines;
        s.messages = stats_.messages;
        s.malformed_lines = stats_.malformed_lines;
        return s;
    }

    /// The sync of `sym`, or null before its first diff.
    [[nodiscard]] const depth_sync* sync_of(std::string_view sym) const noexcept { return books_.sync_of(sym); }
    [[nodiscard]] depth_sync* sync_of(std::string_view sym) noexcept { return books_.sync_of(sym); }

private:
    void warn(std::string_view reason, std::string_view text) {
        ++stats_.malformed_lines;
        if (!opts_.on_warning) return;
        opts_.on_warning(replay_warning{stats_.lines, reason,
                                        text.substr(0, std::min(text.size(), replay_warning::excerpt_chars))});
    }

    replay_options opts_;
    feed::detail::line_source lines_;
    public_codec codec_;
    binance_message msg_;
    book_keeper books_;
    /// lines, messages, malformed_lines; the rest is the books'.
    replay_stats stats_;
};

}  // namespace mmbot::feed::binance
