// mmbot/app/venue_clock.hpp
//
// The venue-time offset every signature uses, kept fresh. Measured at start (app/run_trading.hpp,
// three samples of GET /v5/market/time), then resynced every `interval` (--clock-resync-s, default
// 60) on a thread of its own with its own REST connection (the gateway's sender thread owns the
// other one), so a slow or hung venue never stalls the loop. Each resync:
//   - replaces the offset at once (an atomic: the sender thread signs with it);
//   - is reported to the loop (take_report), which sets mm_clock_skew_seconds (venue clock minus
//     local clock) and logs clock_resynced;
//   - is judged by venue::bybit::assess_resync: when the offset moved by more than 500 ms since the
//     last sync (half of the 1 s Bybit accepts a timestamp ahead of its clock), requests signed in
//     between may have been stamped outside the window: the loop freezes (reason clock_skew),
//     naming both offsets; when 3 resyncs in a row fail, the drift since the last good sample can
//     no longer be bounded: the loop freezes (reason clock_unsynced). Each failure is logged.
//
//   venue_clock clock(ep.rest, tls, 60s, offset_from_start, now_fn);
//   clock.start();                               // the resync thread
//   sign_at(t + clock.offset());                 // any thread
//   if (auto r = clock.take_report()) ...        // the loop, once per turn
#pragma once

#include "mmbot/venue/bybit/clock_sync.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace mmbot::app {

using clock_report = venue::bybit::resync_report;

class venue_clock {
public:
    using now_fn = std::function<std::chrono::nanoseconds()>;

    venue_clock(venue::bybit::rest_endpoint ep, boost::asio::ssl::context& tls, std::chrono::seconds interval,
                std::chrono::nanoseconds offset, now_fn now)
        : transport_(io_, std::move(ep), tls), interval_(interval), now_(std::move(now)), offset_ns_(offset.count()) {}

    venue_clock(const venue_clock&) = delete;
    venue_clock& operator=(const venue_clock&) = delete;
    venue_clock(venue_clock&&) = delete;
    venue_clock& operator=(venue_clock&&) = delete;
    ~venue_clock() { stop(); }

    /// Starts the resync thread (once).
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
        transport_.set_deadline(std::chrono::steady_clock::now());
        if (thread_.joinable()) thread_.join();
    }

    /// The offset to add to local time to get the venue's. Any thread.
    [[nodiscard]] std::chrono::nanoseconds offset() const noexcept {
        return std::chrono::nanoseconds(offset_ns_.load(std::memory_order_acquire));
    }

    /// The last resync's outcome, once (nothing when none finished since the last call). Loop thread.
    [[nodiscard]] std::optional<clock_report> take_report() {
        if (!has_report_.load(std::memory_order_acquire)) return std::nullopt;
        const std::lock_guard<std::mutex> lock(mutex_);
        has_report_.store(false, std::memory_order_release);
        return std::exchange(report_, std::nullopt);
    }

private:
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            clock_report r = resync();
            lock.lock();
            report_ = std::move(r);
            has_report_.store(true, std::memory_order_release);
        }
    }

    /// One sample through the clock's own connection, judged (resync thread).
    clock_report resync() {
        venue::bybit::clock_sync sync;
        const auto measured = venue::bybit::sync_clock(sync, transport_, now_, 1);
        clock_report r = venue::bybit::assess_resync(offset(), measured, failures_);
        failures_ = r.failures_in_a_row;
        if (r.offset) offset_ns_.store(r.offset->count(), std::memory_order_release);
        return r;
    }

    boost::asio::io_context io_;
    venue::bybit::rest_transport transport_;
    std::chrono::seconds interval_;
    now_fn now_;
    std::atomic<std::int64_t> offset_ns_;
    int failures_ = 0;  ///< resync thread only
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::optional<clock_report> report_;
    std::atomic<bool> has_report_{false};
    std::thread thread_;
};

}  // namespace mmbot::app
