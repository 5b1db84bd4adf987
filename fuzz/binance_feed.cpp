// fuzz/binance_feed.cpp
//
// Any bytes, read as a Binance capture (`<recv_ns> <json>` lines, or bare JSON lines), go through
// the capture-line split, the public codec and the diff-depth sync. Malformed lines must be refused
// with an error (never a crash), and after every message the sync's book must still be sane: at
// most max_depth levels a side, strictly ordered from the touch, no zero sizes; a synced book
// follows the venue's last update id; the sync's counters account for every diff it was given.
// The same bytes then go through the capture reader shadow uses (feed/binance/replay.hpp): every
// line is counted once (read, or refused as malformed), and every book it hands out is sane.
//
//   bazel test //fuzz:binance_feed_replay                     # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:binance_feed    # libFuzzer binary
#include "fuzz/book_invariants.hpp"
#include "mmbot/feed/binance/capture_line.hpp"
#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"
#include "mmbot/feed/binance/replay.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace {

/// The reader over the same bytes: no crash, each non-blank line an event or a malformed count,
/// every book it shows sane.
void replay_as_capture(std::string_view text) {
    std::istringstream in{std::string(text)};
    mmbot::feed::replay_options opts;
    opts.max_line_bytes = std::size_t{1} << 16U;
    mmbot::feed::binance::replay_reader reader(in, std::move(opts));
    mmbot::feed::replay_event ev;
    std::uint64_t events = 0;
    while (reader.next(ev)) {
        ++events;
        if (ev.msg == nullptr) __builtin_trap();
        if (ev.book != nullptr && !mmbot::fuzz::sane(*ev.book)) __builtin_trap();
    }
    const auto s = reader.stats();
    if (reader.error()) return;  // a line over the bound ends the input: counts stop there
    if (s.messages != events || events + s.malformed_lines > s.lines) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mmbot::feed::binance;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    public_codec codec;
    binance_message m;
    // Both rules over the same input: a small depth so that trimming is exercised too.
    depth_sync futures("BTCUSDT", sync_rule::usdm_futures, 8, 16);
    depth_sync spot("BTCUSDT", sync_rule::spot, 8, 16);
    std::uint64_t diffs = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        if (line.front() != '{') {
            auto cl = split_capture_line(line);
            if (!cl) {
                if (cl.error().message.empty()) __builtin_trap();
                continue;
            }
            line = cl->json;
        }
        auto kind = codec.decode(line, m);
        if (!kind) {
            if (kind.error().message.empty() || kind.error().code.empty()) __builtin_trap();
            continue;
        }
        if (*kind != m.kind) __builtin_trap();
        for (depth_sync* s : {&futures, &spot}) {
            // Each sync renumbers the message it applies, so each gets its own copy.
            binance_message copy = m;
            if (*kind == event_kind::depth_diff) (void)s->on_diff(copy);
            if (*kind == event_kind::depth_snapshot) (void)s->on_snapshot(copy);
            if (!mmbot::fuzz::sane(s->book())) __builtin_trap();
            if (s->synced() && !s->book().valid()) __builtin_trap();
        }
        if (*kind == event_kind::depth_diff && m.msg.book.sym == "BTCUSDT") ++diffs;
    }
    for (const depth_sync* s : {&futures, &spot}) {
        const auto& c = s->counters();
        // Every diff is applied, stale, still buffered or dropped from a full buffer; a gap also
        // discards the diff that broke the chain and whatever was buffered behind it.
        const std::uint64_t accounted = c.applied + c.stale + s->buffered() + c.buffer_drops;
        if (c.gaps == 0 ? accounted != diffs : accounted > diffs) __builtin_trap();
    }
    replay_as_capture(text);
    return 0;
}
