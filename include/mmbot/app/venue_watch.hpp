// mmbot/app/venue_watch.hpp
//
// What testnet and live keep asking the venue while they trade, on a thread of their own with a
// REST connection of their own (the gateway's sender thread owns the other), so a slow or hung
// venue never stalls the loop. The venue's side of it is a `watch_client` (app/trading/
// bybit_side.hpp, binance_side.hpp): how to sample its clock, fetch its filters, and any upkeep
// it needs.
//
//   - its clock, every `clock_interval` (--clock-resync-s, default 60): the venue-time offset every
//     signature uses, measured at start by app/run_trading.hpp, is replaced at once (an atomic:
//     the sender thread signs with it) and judged by venue::assess_resync (venue/clock_sync.hpp):
//     a jump of more than 500 ms since the last sample (half of the 1 s Bybit and Binance accept
//     a timestamp ahead of their clock) means requests signed in between may have missed the
//     window, and 3 failures in a row mean the drift can no longer be bounded: the loop freezes
//     (clock_skew, clock_unsynced);
//   - its instruments, every `filters_interval` (--filters-refresh-s, default 300): each traded
//     symbol's filters (app/venue_filters.hpp); the loop requotes on a changed grid or freezes
//     when the config's filters are no longer at least as strict;
//   - the client's upkeep, every second, when it has any (`Client::has_upkeep`; Binance: keeping
//     the user data stream's listenKey alive, and making a new one at once when `poke()`d).
//
// The loop takes each outcome once per turn (take_clock_report, take_filters) and acts on it
// on its own thread: logging, mm_clock_skew_seconds, freezes, requotes.
//
//   venue_watch<bybit_watch_client> watch({60s, 300s, symbols}, offset_from_start, now_fn, ep.rest, tls);
//   watch.start();
//   sign_at(t + watch.offset());                 // any thread
//   if (auto r = watch.take_clock_report()) ...  // the loop
#pragma once

#include "mmbot/app/venue_filters.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/venue/clock_sync.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mmbot::app {

using clock_report = venue::resync_report;

/// A venue's side of the watch, used on the watch thread only (but set_deadline, any thread).
template <class C>
concept watch_client = requires(C& c, const std::vector<std::string>& symbols,
                                const std::function<std::chrono::nanoseconds()>& now,
                                std::chrono::steady_clock::time_point deadline) {
    /// One server-time sample: the venue-time offset, or why there is none.
    { c.sample_clock(now) } -> std::same_as<core::result<std::chrono::nanoseconds>>;
    /// The symbols' filters from the venue.
    { c.fetch_filters(symbols) } -> std::same_as<core::result<venue_filter_map>>;
    /// Whatever else the venue needs kept up, called every second when has_upkeep.
    c.upkeep(now());
    { C::has_upkeep } -> std::convertible_to<bool>;
    /// Ends the request in flight and refuses later ones (the watch is stopping).
    c.set_deadline(deadline);
};

template <class Client>
class venue_watch {
    static_assert(watch_client<Client>, "venue_watch: the client needs sample_clock(now), fetch_filters(symbols), "
                                        "upkeep(now), has_upkeep and set_deadline(time_point) (watch_client)");

public:
    using now_fn = std::function<std::chrono::nanoseconds()>;
    struct schedule {
        std::chrono::seconds clock_interval{60};
        std::chrono::seconds filters_interval{300};
        std::vector<std::string> symbols;  ///< whose instruments-info is asked again
    };

    /// The client is built in place from `client_args` (it owns a REST connection).
    template <class... ClientArgs>
    venue_watch(schedule plan, std::chrono::nanoseconds offset, now_fn now, ClientArgs&&... client_args)
        : client_(std::forward<ClientArgs>(client_args)...), plan_(std::move(plan)), now_(std::move(now)),
          offset_ns_(offset.count()) {}

    venue_watch(const venue_watch&) = delete;
    venue_watch& operator=(const venue_watch&) = delete;
    venue_watch(venue_watch&&) = delete;
    venue_watch& operator=(venue_watch&&) = delete;
    ~venue_watch() { stop(); }

    /// Starts the thread (once).
    void start() {
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }

    /// Ends the thread; an in-flight request is cut short by the transport's deadline.
    void stop() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        client_.set_deadline(std::chrono::steady_clock::now());
        if (thread_.joinable()) thread_.join();
    }

    /// Runs the client's upkeep now rather than at the next second (Binance: a listenKey expired).
    void poke() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            poked_ = true;
        }
        wake_.notify_all();
    }

    /// The client, for what it hands the loop itself (Binance: a new listenKey). Its own methods
    /// say which are safe from the loop's thread.
    [[nodiscard]] Client& client() noexcept { return client_; }
    [[nodiscard]] const Client& client() const noexcept { return client_; }

    /// The offset to add to local time to get the venue's. Any thread.
    [[nodiscard]] std::chrono::nanoseconds offset() const noexcept {
        return std::chrono::nanoseconds(offset_ns_.load(std::memory_order_acquire));
    }

    /// The last resync's outcome, once. Loop thread.
    [[nodiscard]] std::optional<clock_report> take_clock_report() { return take(clock_report_); }
    /// The last instruments-info refresh, once. Loop thread.
    [[nodiscard]] std::optional<core::result<venue_filter_map>> take_filters() { return take(filters_); }

private:
    template <class T>
    std::optional<T> take(std::optional<T>& slot) {
        if (!has_news_.load(std::memory_order_acquire)) return std::nullopt;
        const std::lock_guard<std::mutex> lock(mutex_);
        auto out = std::exchange(slot, std::nullopt);
        has_news_.store(clock_report_.has_value() || filters_.has_value(), std::memory_order_release);
        return out;
    }

    void run() {
        using steady = std::chrono::steady_clock;
        auto next_clock = steady::now() + plan_.clock_interval;
        auto next_filters = steady::now() + plan_.filters_interval;
        auto next_upkeep = steady::now();
        const bool filters_on = plan_.filters_interval.count() > 0 && !plan_.symbols.empty();
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            auto wake = filters_on ? std::min(next_clock, next_filters) : next_clock;
            if constexpr (Client::has_upkeep) wake = std::min(wake, next_upkeep);
            if (wake_.wait_until(lock, wake, [this] { return stopping_ || poked_; }) && stopping_) return;
            poked_ = false;
            const auto now = steady::now();
            lock.unlock();
            std::optional<clock_report> c;
            std::optional<core::result<venue_filter_map>> f;
            if (now >= next_clock) {
                c = resync();
                next_clock = now + plan_.clock_interval;
            }
            if (filters_on && now >= next_filters) {
                f = client_.fetch_filters(plan_.symbols);
                next_filters = now + plan_.filters_interval;
            }
            if constexpr (Client::has_upkeep) {
                client_.upkeep(now_());
                next_upkeep = now + std::chrono::seconds(1);
            }
            lock.lock();
            if (c) clock_report_ = std::move(c);
            if (f) filters_ = std::move(f);
            has_news_.store(clock_report_.has_value() || filters_.has_value(), std::memory_order_release);
        }
    }

    /// One sample through the watch's own connection, judged (watch thread).
    clock_report resync() {
        const auto measured = client_.sample_clock(now_);
        clock_report r = venue::assess_resync(offset(), measured, failures_);
        failures_ = r.failures_in_a_row;
        if (r.offset) offset_ns_.store(r.offset->count(), std::memory_order_release);
        return r;
    }

    Client client_;
    schedule plan_;
    now_fn now_;
    std::atomic<std::int64_t> offset_ns_;
    int failures_ = 0;  ///< watch thread only
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool poked_ = false;
    std::optional<clock_report> clock_report_;
    std::optional<core::result<venue_filter_map>> filters_;
    std::atomic<bool> has_news_{false};
    std::thread thread_;
};

}  // namespace mmbot::app
