// fuzz/feed_replay.cpp
//
// Any bytes, read as a capture (lines of raw, wrapped or prefixed Bybit messages), go through the
// replay reader: codec, book set and l2_book. Malformed lines must be counted, never crash, and
// after every applied message each book must still be sane: at most max_depth levels a side,
// strictly ordered from the touch, no zero sizes, and every line accounted for.
//
//   bazel test //fuzz:feed_replay_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:feed_replay     # libFuzzer binary
#include "mmbot/feed/replay.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

namespace {

bool sane(const mmbot::feed::l2_book& book) {
    using mmbot::feed::book_side;
    for (const book_side s : {book_side::bid, book_side::ask}) {
        const std::size_t n = book.levels(s);
        if (n > book.max_depth()) return false;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& lv = book.at(s, i);
            if (!lv.qty.is_positive()) return false;
            if (i > 0) {
                const auto& prev = book.at(s, i - 1);
                if (s == book_side::bid ? !(lv.px < prev.px) : !(lv.px > prev.px)) return false;
            }
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    mmbot::feed::replay_reader replay(in);
    mmbot::feed::replay_event ev;
    std::uint64_t decoded = 0;
    while (replay.next(ev)) {
        ++decoded;
        if (ev.book != nullptr && !sane(*ev.book)) __builtin_trap();
    }
    const auto s = replay.stats();
    if (s.messages != decoded || s.messages + s.malformed_lines > s.lines) __builtin_trap();
    return 0;
}
