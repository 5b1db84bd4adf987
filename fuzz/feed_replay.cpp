// fuzz/feed_replay.cpp
//
// Any bytes, read as a capture (lines of raw, wrapped or prefixed Bybit messages), go through the
// replay reader: codec, book set and l2_book. Malformed lines must be counted, never crash, and
// after every applied message each book must still be sane: at most max_depth levels a side,
// strictly ordered from the touch, no zero sizes, and every line accounted for. Each line also
// goes through the codec both ways: whatever the fast (SAX) path accepts, the checked (DOM) path
// must decode to the same values, and decode(text) must return exactly the checked path's result.
//
//   bazel test //fuzz:feed_replay_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:feed_replay     # libFuzzer binary
#include "fuzz/book_invariants.hpp"
#include "mmbot/feed/replay.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using mmbot::fuzz::sane;

bool same_trade(const mmbot::feed::trade& a, const mmbot::feed::trade& b) {
    return a.ts_ms == b.ts_ms && a.sym == b.sym && a.side == b.side && a.px == b.px &&
           a.qty == b.qty && a.id == b.id && a.block_trade == b.block_trade && a.seq == b.seq;
}

/// The member `kind` names, and the common fields, are equal.
bool same(const mmbot::feed::decoded_message& a, const mmbot::feed::decoded_message& b) {
    using mmbot::feed::message_kind;
    if (a.kind != b.kind || a.ignored_what != b.ignored_what || a.ts_ms != b.ts_ms) return false;
    switch (a.kind) {
        case message_kind::book:
            return a.book.sym == b.book.sym && a.book.depth == b.book.depth &&
                   a.book.action == b.book.action && a.book.ts_ms == b.book.ts_ms &&
                   a.book.cts_ms == b.book.cts_ms && a.book.u == b.book.u &&
                   a.book.seq == b.book.seq && a.book.bids == b.book.bids &&
                   a.book.asks == b.book.asks;
        case message_kind::trades:
            if (a.trades.ts_ms != b.trades.ts_ms) return false;
            if (a.trades.prints.size() != b.trades.prints.size()) return false;
            for (std::size_t i = 0; i < a.trades.prints.size(); ++i) {
                if (!same_trade(a.trades.prints[i], b.trades.prints[i])) return false;
            }
            return true;
        case message_kind::ticker:
            return a.tick.sym == b.tick.sym && a.tick.action == b.tick.action &&
                   a.tick.ts_ms == b.tick.ts_ms && a.tick.last_price == b.tick.last_price &&
                   a.tick.mark_price == b.tick.mark_price &&
                   a.tick.index_price == b.tick.index_price &&
                   a.tick.bid1_price == b.tick.bid1_price && a.tick.bid1_size == b.tick.bid1_size &&
                   a.tick.ask1_price == b.tick.ask1_price && a.tick.ask1_size == b.tick.ask1_size &&
                   a.tick.funding_rate == b.tick.funding_rate;
        case message_kind::ignored: return true;
    }
    return false;
}

/// Fast path vs checked path on one line (see the header comment).
void check_line(std::string_view line, mmbot::feed::bybit_public_codec& fast,
                mmbot::feed::bybit_public_codec& slow) {
    mmbot::feed::decoded_message fm;
    mmbot::feed::decoded_message sm;
    auto doc = slow.parse(line);
    if (!doc || !(*doc)->is_object()) {
        // Syntax errors and non-objects are the checked path's alone: the fast path must refuse.
        if (fast.try_decode(line, fm)) __builtin_trap();
        return;
    }
    const auto reference = slow.decode((*doc)->get_object(), sm);
    if (fast.try_decode(line, fm) && (!reference || !same(fm, sm))) __builtin_trap();
    const auto full = fast.decode(line, fm);
    if (full.has_value() != reference.has_value()) __builtin_trap();
    if (full && !same(fm, sm)) __builtin_trap();
    if (!full && full.error().message != reference.error().message) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string text(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t max_line = 1024;  // above every seed's lines, within libFuzzer's reach
    std::size_t longest_line = 0;
    {
        mmbot::feed::bybit_public_codec fast;
        mmbot::feed::bybit_public_codec slow;
        std::size_t start = 0;
        while (start <= text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            check_line(std::string_view(text).substr(start, end - start), fast, slow);
            longest_line = std::max(longest_line, end - start);
            start = end + 1;
        }
    }
    // A small line limit, so that the limit is reached (and read in several chunks) here too:
    // the reader stops with feed_line_too_long exactly when some line is longer.
    std::istringstream in(text);
    mmbot::feed::replay_reader replay(in, {.on_warning = {}, .max_line_bytes = max_line});
    mmbot::feed::replay_event ev;
    std::uint64_t decoded = 0;
    while (replay.next(ev)) {
        ++decoded;
        if (ev.book != nullptr && !sane(*ev.book)) __builtin_trap();
    }
    const auto s = replay.stats();
    if (s.messages != decoded || s.messages + s.malformed_lines > s.lines) __builtin_trap();
    if (replay.error().has_value() != (longest_line > max_line)) __builtin_trap();
    return 0;
}
