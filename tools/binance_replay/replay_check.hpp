// tools/binance_replay/replay_check.hpp
//
// Replays a Binance capture (`<recv_ns> <json>` lines) through the codec and the diff-depth sync
// and checks the book against the venue's own top of book: every bookTicker whose update id equals
// a diff's final id `u` must show exactly the book's best bid and ask (price and size). That is a
// check against the exchange, not against ourselves: the ticker is Binance's view of the same book
// at the same update.
//
// Tickers usually arrive before the diff that ends at their id (bookTicker is pushed at once,
// depth in batches), so a ticker waits in a short queue until the book reaches its id; one whose
// id falls inside a diff's range U..u can never be compared and is counted as `unmatched`.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/feed/binance/capture_line.hpp"
#include "mmbot/feed/binance/depth_sync.hpp"
#include "mmbot/feed/binance/public_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::tools::binance_replay {

using feed::binance::event_kind;

struct top_check {
    std::uint64_t compared{0};   ///< tickers compared with the book at the same update id
    std::uint64_t mismatched{0};
    std::uint64_t unmatched{0};  ///< ids never equal to a diff's u (inside U..u), or before sync
    std::string first_mismatch;  ///< the first difference, for the report
};

struct replay_totals {
    std::uint64_t lines{0};
    std::uint64_t diffs{0};
    std::uint64_t snapshots{0};
    std::uint64_t tickers{0};
    std::uint64_t trades{0};
    std::uint64_t ignored{0};
    std::uint64_t other_symbol{0};
};

class replay_checker {
public:
    replay_checker(std::string_view sym, feed::binance::sync_rule rule) : sync_(sym, rule) {}

    /// One capture line. Errors: the line's own (bad time, bad JSON, bad field), prefixed with
    /// its number by the caller.
    [[nodiscard]] core::result<void> feed_line(std::string_view line) {
        ++totals_.lines;
        auto cl = feed::binance::split_capture_line(line);
        if (!cl) return cl.error();
        auto kind = codec_.decode(cl->json, msg_);
        if (!kind) return kind.error();
        switch (*kind) {
            case event_kind::depth_diff: on_diff(); break;
            case event_kind::depth_snapshot:
                ++totals_.snapshots;
                (void)sync_.on_snapshot(msg_);
                settle_tickers();
                break;
            case event_kind::book_ticker: on_ticker(); break;
            case event_kind::trades: ++totals_.trades; break;
            case event_kind::ignored: ++totals_.ignored; break;
        }
        return {};
    }

    /// Call at the end: tickers still waiting never met their update.
    void finish() {
        top_.unmatched += waiting_.size();
        waiting_.clear();
    }

    [[nodiscard]] const replay_totals& totals() const noexcept { return totals_; }
    [[nodiscard]] const top_check& top() const noexcept { return top_; }
    [[nodiscard]] const feed::binance::depth_sync& sync() const noexcept { return sync_; }

private:
    struct ticker_at {
        std::uint64_t id;
        feed::ticker tick;
    };
    static constexpr std::size_t max_waiting = 4096;

    void on_diff() {
        if (msg_.msg.book.sym != sync_.sym()) {
            ++totals_.other_symbol;
            return;
        }
        ++totals_.diffs;
        (void)sync_.on_diff(msg_);
        settle_tickers();
    }

    void on_ticker() {
        ++totals_.tickers;
        if (msg_.msg.tick.sym != sync_.sym()) return;
        if (waiting_.size() == max_waiting) {
            waiting_.pop_front();
            ++top_.unmatched;
        }
        waiting_.push_back(ticker_at{msg_.ids.last, msg_.msg.tick});
        settle_tickers();
    }

    /// Compares the tickers the book has reached; drops those it went past without matching.
    void settle_tickers() {
        if (!sync_.synced()) return;
        const std::uint64_t at = sync_.last_update_id();
        while (!waiting_.empty() && waiting_.front().id <= at) {
            if (waiting_.front().id == at) {
                compare(waiting_.front().tick);
            } else {
                ++top_.unmatched;
            }
            waiting_.pop_front();
        }
    }

    void compare(const feed::ticker& t) {
        ++top_.compared;
        const auto& book = sync_.book();
        const auto bid = book.best_bid();
        const auto ask = book.best_ask();
        const bool same = bid && ask && bid->px == *t.bid1_price && bid->qty == *t.bid1_size &&
                          ask->px == *t.ask1_price && ask->qty == *t.ask1_size;
        if (same) return;
        ++top_.mismatched;
        if (top_.first_mismatch.empty()) {
            top_.first_mismatch = fmt::format(
                "at update {}: bookTicker {} x {} / {} x {}, book {} / {}", sync_.last_update_id(),
                *t.bid1_price, *t.bid1_size, *t.ask1_price, *t.ask1_size,
                bid ? fmt::format("{} x {}", bid->px, bid->qty) : std::string("none"),
                ask ? fmt::format("{} x {}", ask->px, ask->qty) : std::string("none"));
        }
    }

    feed::binance::public_codec codec_;
    feed::binance::binance_message msg_;
    feed::binance::depth_sync sync_;
    std::deque<ticker_at> waiting_;
    replay_totals totals_;
    top_check top_;
};

}  // namespace mmbot::tools::binance_replay
