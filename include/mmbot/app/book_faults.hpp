// mmbot/app/book_faults.hpp
//
// Data faults of the traded symbols' books, as a run sees them: a crossed or locked book (best bid
// >= best ask) and a symbol whose book never became usable (no snapshot in the capture, or no
// message for it at all). A crossed book is not a market: it is neither quoted nor marked (the
// engine keeps the last good mid, engine/execution_loop.hpp) until it uncrosses. Each episode is
// logged once when it starts (WARN book_crossed) and once when it ends (INFO book_uncrossed),
// counted in mm_book_crossed_total{symbol}, shown in /ready ("book_crossed:<symbol>") and totalled
// in the report (crossed_book_events, crossed_book_ms; docs/report.md).
//
//   app::book_faults faults(symbols, metrics);
//   // on each update of symbol i's book (after apply):
//   if (faults.observe(i, book, now, board, log)) loop.on_book(...);   // false: crossed, skip
//   faults.close(now);                                                 // end of run
#pragma once

#include "mmbot/feed/l2_book.hpp"
#include "mmbot/obs/mm_metrics.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mmbot::app {

class book_faults {
public:
    struct symbol_faults {
        std::string symbol;
        obs::counter* crossed_metric{nullptr};
        std::uint64_t crossed_events{0};       ///< episodes: not crossed -> crossed
        std::chrono::nanoseconds crossed_time{0};  ///< closed episodes (and open ones after close())
        std::chrono::nanoseconds crossed_since{0};
        bool crossed{false};
        bool had_book{false};  ///< a valid book (a snapshot applied) was seen
    };

    book_faults(const std::vector<std::string>& symbols, obs::mm_metrics& metrics) {
        for (const auto& s : symbols) {
            faults_.push_back(symbol_faults{.symbol = s, .crossed_metric = &metrics.book_crossed.with({s})});
        }
    }

    /// Symbol i's book after an update at `now`. Returns true when the book is usable (valid and
    /// not crossed). Starts or ends a crossed episode: logs it, counts it, tells the board.
    template <class Board, class Log>
    bool observe(std::size_t i, const feed::l2_book& book, std::chrono::nanoseconds now, Board& board, Log& log) {
        if (i >= faults_.size() || !book.valid()) return false;
        symbol_faults& f = faults_[i];
        f.had_book = true;
        if (book.crossed() == f.crossed) return !f.crossed;
        f.crossed = book.crossed();
        board.set_book_crossed(i, f.crossed);
        if (f.crossed) {
            ++f.crossed_events;
            f.crossed_metric->inc();
            f.crossed_since = now;
            log.warn("book_crossed", {{"symbol", std::string_view{f.symbol}},
                                      {"best_bid", book.best_bid()->px},
                                      {"best_ask", book.best_ask()->px},
                                      {"action", std::string_view{"not quoted or marked until it uncrosses"}}});
            return false;
        }
        const auto lasted = now - f.crossed_since;
        f.crossed_time += lasted;
        log.info("book_uncrossed", {{"symbol", std::string_view{f.symbol}},
                                    {"crossed_ms", static_cast<std::int64_t>(to_ms(lasted))}});
        return true;
    }

    /// Ends the run: an episode still open is counted up to `now`.
    void close(std::chrono::nanoseconds now) {
        for (auto& f : faults_) {
            if (f.crossed) f.crossed_time += now - f.crossed_since;
            f.crossed_since = now;
        }
    }

    [[nodiscard]] const std::vector<symbol_faults>& symbols() const noexcept { return faults_; }
    [[nodiscard]] const symbol_faults* find(std::string_view symbol) const noexcept {
        for (const auto& f : faults_) {
            if (f.symbol == symbol) return &f;
        }
        return nullptr;
    }
    [[nodiscard]] std::vector<std::string> without_data() const {
        std::vector<std::string> out;
        for (const auto& f : faults_) {
            if (!f.had_book) out.push_back(f.symbol);
        }
        return out;
    }

    [[nodiscard]] static std::int64_t to_ms(std::chrono::nanoseconds d) noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    }

private:
    std::vector<symbol_faults> faults_;
};

}  // namespace mmbot::app
