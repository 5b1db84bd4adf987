// mmbot/feed/book_set.hpp
//
// The books of one connection or capture, one per (symbol, depth stream): Bybit numbers the
// updates of `orderbook.1.BTCUSDT` and `orderbook.200.BTCUSDT` independently, so they are separate
// books. A book is created, at its stream's depth, by the first update that names it; lookups are
// a linear scan (a handful of symbols), and the books never move, so pointers stay valid.
//
//   mmbot::feed::book_set books;
//   mmbot::feed::l2_book& b = books.book_for(msg.book);   // created on first use
//   auto status = b.apply(msg.book);
//   if (const auto* btc = books.find("BTCUSDT")) ...
#pragma once

#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace mmbot::feed {

class book_set {
public:
    struct entry {
        symbol sym;
        std::uint32_t depth{0};
        l2_book book;
    };

    /// The book for an update's (symbol, depth), created empty on first use.
    [[nodiscard]] l2_book& book_for(const book_update& up) {
        for (auto& e : entries_) {
            if (e->depth == up.depth && e->sym == up.sym) return e->book;
        }
        entries_.push_back(std::make_unique<entry>(entry{up.sym, up.depth, l2_book(up.depth)}));
        return entries_.back()->book;
    }

    /// The book of `sym` at stream depth `depth`, or (depth 0) the deepest book of `sym`.
    [[nodiscard]] const l2_book* find(std::string_view sym, std::uint32_t depth = 0) const {
        const l2_book* best = nullptr;
        std::uint32_t best_depth = 0;
        for (const auto& e : entries_) {
            if (e->sym != sym) continue;
            if (depth != 0 && e->depth == depth) return &e->book;
            if (depth == 0 && e->depth > best_depth) {
                best = &e->book;
                best_depth = e->depth;
            }
        }
        return best;
    }

    [[nodiscard]] const std::vector<std::unique_ptr<entry>>& entries() const noexcept {
        return entries_;
    }

    /// Sum of every book's counters.
    [[nodiscard]] book_counters totals() const noexcept {
        book_counters t;
        for (const auto& e : entries_) {
            const book_counters& c = e->book.counters();
            t.snapshots += c.snapshots;
            t.deltas += c.deltas;
            t.dropped_deltas += c.dropped_deltas;
            t.gaps += c.gaps;
            t.resyncs += c.resyncs;
            t.resets += c.resets;
            t.crossed += c.crossed;
            t.crossed_episodes += c.crossed_episodes;
        }
        return t;
    }

private:
    std::vector<std::unique_ptr<entry>> entries_;
};

}  // namespace mmbot::feed
