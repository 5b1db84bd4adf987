// mmbot/obs/readiness.hpp
//
// What /ready answers, and the board the trading loop writes it on.
//
// The trading loop must never wait for the health server, so it publishes its state through
// atomics only: the time of the last book update per feed, whether the venue session is up, and
// whether the bot is frozen. The server thread reads the board and builds a `readiness_report`
// (ready only when every feed is fresh and its book not crossed, the venue is connected and the
// bot is not frozen; else the reasons). Kept apart from the server header so the engine can include it without Beast.
//
//   mmbot::obs::readiness_board board(clock, {"BTCUSDT", "ETHUSDT"}, std::chrono::seconds(5));
//   board.set_venue_connected(true);       // trading loop
//   board.mark_market_data(0);             // on each BTCUSDT book update
//   auto r = board.report();               // server thread: r.ready, r.reasons
#pragma once

#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/detail/json_text.hpp"
#include "mmbot/obs/detail/text.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::obs {

/// The answer to /ready. Reasons are stable snake_case codes, a feed name after a colon where it
/// applies ("market_data_stale:BTCUSDT").
struct readiness_report {
    bool ready = false;
    std::vector<std::string> reasons;

    /// `{"ready":false,"reasons":["frozen"]}` (keys sorted, like every JSON we write).
    [[nodiscard]] std::string to_json() const {
        std::string out = ready ? "{\"ready\":true,\"reasons\":[" : "{\"ready\":false,\"reasons\":[";
        for (std::size_t i = 0; i < reasons.size(); ++i) {
            if (i != 0) out += ',';
            detail::append_json_string(out, reasons[i]);
        }
        out += "]}";
        return out;
    }
};

/// Atomics written by the trading loop, read by the health server. `Clock` is a clock_source
/// shared with the engine (a fake clock in replay and tests).
template <class Clock>
class readiness_board {
    static_assert(clock_source<Clock>,
                  "readiness_board<Clock>: Clock needs `now()` returning a duration since the Unix "
                  "epoch or a time_point (see mmbot/obs/clock.hpp)");

public:
    /// `feeds` are the market-data streams that must all be fresh (one per symbol, say); a feed
    /// older than `max_age` (or never seen) makes the bot not ready.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): delegates; the target initializes all
    readiness_board(Clock& clock, std::initializer_list<std::string_view> feeds,
                    std::chrono::nanoseconds max_age)
        : readiness_board(clock, std::vector<std::string>(feeds.begin(), feeds.end()), max_age) {}

    /// The same, with the feed names known only at run time (the symbols of a config).
    readiness_board(Clock& clock, std::vector<std::string> feeds, std::chrono::nanoseconds max_age)
        : clock_(clock), max_age_(max_age), names_(std::move(feeds)),
          last_update_(std::make_unique<std::atomic<std::int64_t>[]>(names_.size())),
          crossed_(std::make_unique<std::atomic<bool>[]>(names_.size())) {
        for (std::size_t i = 0; i < names_.size(); ++i) {
            last_update_[i].store(never, std::memory_order_relaxed);
            crossed_[i].store(false, std::memory_order_relaxed);
        }
    }

    [[nodiscard]] std::size_t feed_count() const noexcept { return names_.size(); }
    [[nodiscard]] const std::string& feed_name(std::size_t i) const { return names_.at(i); }

    /// A book update on feed `i` now (per the clock), or at `at` (the update's own time).
    void mark_market_data(std::size_t i) noexcept { mark_market_data(i, unix_nanos(clock_)); }
    void mark_market_data(std::size_t i, std::chrono::nanoseconds at) noexcept {
        if (i < names_.size()) last_update_[i].store(at.count(), std::memory_order_release);
    }
    /// Feed i's book is crossed or locked (best bid >= best ask): a data fault, not ready until
    /// it uncrosses ("book_crossed:<feed>").
    void set_book_crossed(std::size_t i, bool crossed) noexcept {
        if (i < names_.size()) crossed_[i].store(crossed, std::memory_order_release);
    }
    void set_venue_connected(bool up) noexcept { venue_connected_.store(up, std::memory_order_release); }
    void set_frozen(bool frozen) noexcept { frozen_.store(frozen, std::memory_order_release); }

    /// Age of feed i's last update; max() when none has been seen.
    [[nodiscard]] std::chrono::nanoseconds market_data_age(std::size_t i) const noexcept {
        const std::int64_t last = last_update_[i].load(std::memory_order_acquire);
        if (last == never) return std::chrono::nanoseconds::max();
        return unix_nanos(clock_) - std::chrono::nanoseconds(last);
    }

    [[nodiscard]] readiness_report report() const {
        readiness_report r;
        if (frozen_.load(std::memory_order_acquire)) r.reasons.emplace_back("frozen");
        for (std::size_t i = 0; i < names_.size(); ++i) {
            const auto age = market_data_age(i);
            if (age == std::chrono::nanoseconds::max()) {
                r.reasons.push_back("market_data_missing:" + names_[i]);
            } else if (age > max_age_) {
                r.reasons.push_back("market_data_stale:" + names_[i]);
            }
            if (crossed_[i].load(std::memory_order_acquire)) r.reasons.push_back("book_crossed:" + names_[i]);
        }
        if (!venue_connected_.load(std::memory_order_acquire)) r.reasons.emplace_back("venue_disconnected");
        r.ready = r.reasons.empty();
        return r;
    }

private:
    static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();

    Clock& clock_;
    std::chrono::nanoseconds max_age_;
    std::vector<std::string> names_;
    std::unique_ptr<std::atomic<std::int64_t>[]> last_update_;
    std::unique_ptr<std::atomic<bool>[]> crossed_;
    std::atomic<bool> venue_connected_{false};
    std::atomic<bool> frozen_{false};
};

template <class Clock>
readiness_board(Clock&, std::initializer_list<std::string_view>, std::chrono::nanoseconds)
    -> readiness_board<Clock>;

}  // namespace mmbot::obs
