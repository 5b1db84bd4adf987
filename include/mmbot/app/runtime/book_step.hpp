// mmbot/app/runtime/book_step.hpp
//
// The one place a book message of a traded symbol becomes market data for the run, in every
// binary: the book-fault bookkeeping sees it first (a crossed book is logged, counted and shown
// in /ready), and only a usable book refreshes the symbol's age on the readiness board. What the
// engine then does with it is the caller's (shadow also feeds the simulated venue; testnet and
// live check the first book against the order caps).
//
//   if (const auto u = observe_book(setups, ev, now, seen, log)) loop.on_book(u->symbol, top_of(*u->book), now);
#pragma once

#include "mmbot/app/runtime/observability.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/strategy/quoter.hpp"

#include <chrono>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

namespace mmbot::app {

/// A traded symbol's book after an update.
struct book_update {
    std::size_t index;           ///< the symbol's position among the traded symbols
    std::string_view symbol;
    const feed::l2_book* book;   ///< valid (a snapshot applied); may be crossed
    bool usable;                 ///< not crossed: fresh market data
};

/// The event's book when it is a valid book of one of `symbols` (a map keyed by symbol name),
/// after the fault bookkeeping and the readiness board have seen it; nothing otherwise.
template <class Symbols, class Clock, class Logger>
[[nodiscard]] std::optional<book_update> observe_book(const Symbols& symbols, const feed::replay_event& ev,
                                                      std::chrono::nanoseconds now,
                                                      run_observability<Clock>& seen, Logger& log) {
    const feed::decoded_message& msg = *ev.msg;
    if (msg.kind != feed::message_kind::book || ev.book == nullptr || !ev.book->valid()) return std::nullopt;
    const auto it = symbols.find(msg.book.sym.view());
    if (it == symbols.end()) return std::nullopt;
    const auto index = static_cast<std::size_t>(std::distance(symbols.begin(), it));
    const bool usable = seen.faults.observe(index, *ev.book, now, seen.board, log);
    if (usable) seen.board.mark_market_data(index, now);
    return book_update{index, std::string_view(it->first), ev.book, usable};
}

/// The quoter's view of a book: its best bid and ask.
[[nodiscard]] inline strategy::market_top top_of(const feed::l2_book& book) {
    return strategy::market_top{book.best_bid(), book.best_ask()};
}

}  // namespace mmbot::app
