// testing/local_venue/market_state.hpp
//
// The public market as the venue's REST answers see it, fed by the server as the capture replays:
// per symbol
//   - the book: the levels of the capture's deepest recorded book as its last message left them,
//     with that message's update id and sequence (numbered by the replay pass, replay_pass.hpp),
//     and the top of the last two-sided, uncrossed book;
//   - the ticker: the capture's `tickers` fields (snapshot, then each delta's changes), with the
//     last trade's price as lastPrice;
//   - the recent trades, newest first (the last 1000, Bybit's deepest page), stamped with the
//     venue's clock when they were replayed, as the public stream restamps them.
// `mark` is what account answers value positions at: the ticker's markPrice, else the mid of the
// top (rounded down to the price scale's last digit when the two ends differ by an odd unit).
//
//   market_state m;
//   m.on_book(book, feed.numbering());        // after each message of the deepest book
//   m.on_trade(print, feed.numbering(), now_ms);
//   if (auto px = m.mark("BTCUSDT")) ...
#pragma once

#include "mmbot/core/units.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "testing/local_venue/depth_views.hpp"
#include "testing/local_venue/replay_pass.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue::local {

/// One replayed public trade, as market/recent-trade lists it.
struct recent_trade {
    std::string id;
    feed::taker_side side = feed::taker_side::buy;
    core::price px;
    core::quantity qty;
    std::int64_t time_ms = 0;  ///< the venue's clock when it was replayed
    std::optional<std::uint64_t> seq;
    bool block_trade = false;
};

struct symbol_market {
    level_list bids, asks;  ///< best first
    std::uint64_t u = 0;
    std::optional<std::uint64_t> seq;
    std::optional<feed::level> best_bid, best_ask;  ///< of the last two-sided, uncrossed book
    std::optional<core::price> last_price, mark_price, index_price;
    std::optional<core::ratio> funding_rate;
    std::deque<recent_trade> trades;  ///< newest first
};

class market_state {
public:
    static constexpr std::size_t max_recent_trades = 1000;

    /// After a message changed `book` (the symbol's deepest recorded book).
    void on_book(const feed::l2_book& book, const replay_pass& pass) {
        if (!book.valid()) return;
        symbol_market& m = symbols_[std::string(book.sym().view())];
        m.bids = top_levels(book, feed::book_side::bid, static_cast<std::uint32_t>(book.levels(feed::book_side::bid)));
        m.asks = top_levels(book, feed::book_side::ask, static_cast<std::uint32_t>(book.levels(feed::book_side::ask)));
        m.u = pass.u(book.last_u());
        m.seq = book.last_seq() ? std::optional(pass.seq(*book.last_seq())) : std::nullopt;
        const auto bid = book.best_bid();
        const auto ask = book.best_ask();
        if (!book.crossed() && bid && ask) {
            m.best_bid = bid;
            m.best_ask = ask;
        }
    }

    void on_trade(const feed::trade& t, const replay_pass& pass, std::int64_t now_ms) {
        symbol_market& m = symbols_[std::string(t.sym.view())];
        m.trades.push_front({pass.trade_id(t.id.view()), t.side, t.px, t.qty, now_ms,
                             t.seq ? std::optional(pass.seq(*t.seq)) : std::nullopt, t.block_trade});
        if (m.trades.size() > max_recent_trades) m.trades.pop_back();
        m.last_price = t.px;
    }

    /// A `tickers` message: a snapshot sets, a delta changes only the fields it carries.
    void on_ticker(const feed::ticker& t) {
        symbol_market& m = symbols_[std::string(t.sym.view())];
        const auto take = [](auto& field, const auto& update) {
            if (update) field = update;
        };
        take(m.last_price, t.last_price);
        take(m.mark_price, t.mark_price);
        take(m.index_price, t.index_price);
        take(m.funding_rate, t.funding_rate);
    }

    /// The update id the book's REST answer reports when the venue's own differs from the book's
    /// (Binance: the last applied diff's `u`, while feed::l2_book counts its own sequence).
    void set_update_id(std::string_view sym, std::uint64_t u) {
        if (const auto it = symbols_.find(sym); it != symbols_.end()) it->second.u = u;
    }

    [[nodiscard]] const symbol_market* find(std::string_view sym) const {
        const auto it = symbols_.find(sym);
        return it == symbols_.end() ? nullptr : &it->second;
    }

    /// The price positions are valued at: markPrice, else the mid of the top; none without either.
    [[nodiscard]] std::optional<core::price> mark(std::string_view sym) const {
        const symbol_market* m = find(sym);
        if (m == nullptr) return std::nullopt;
        if (m->mark_price) return m->mark_price;
        if (!m->best_bid || !m->best_ask) return std::nullopt;
        return core::price::from_raw((m->best_bid->px.raw() + m->best_ask->px.raw()) / 2);
    }

private:
    std::map<std::string, symbol_market, std::less<>> symbols_;
};

}  // namespace mmbot::venue::local
