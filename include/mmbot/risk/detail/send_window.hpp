// mmbot/risk/detail/send_window.hpp
//
// Orders sent in the last second, for the risk gate's order-rate cap: the same count as
// risk::rolling_count (the times of the last Capacity sends; count(now) = how many are later than
// now - window), but in O(log n) instead of a scan of up to Capacity entries. The gate asks (through
// the order-rate cap) several times per book update, so a long run with a full ring would otherwise scan
// thousands of entries each time.
//
// Send times normally never go backwards, so the ring is sorted from its oldest entry and a binary
// search finds the boundary. A capture may step back in time, though (replay keeps times as
// recorded): while an out-of-order time is still in the ring, count() scans exactly as
// rolling_count does, so the answer is always the same.
//
//   send_window<4096> sent{std::chrono::seconds(1)};
//   sent.record(now);
//   std::int64_t last_second = sent.count(now);
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mmbot::risk::detail {

template <std::size_t Capacity>
class send_window {
    static_assert(Capacity > 0, "send_window: capacity must be > 0");

public:
    explicit send_window(std::chrono::nanoseconds window) : window_(window) {}

    void record(std::chrono::nanoseconds t) {
        if (size_ > 0 && t < last_) {
            unsorted_ = Capacity;  // sorted again once the earlier, larger time has left the ring
        } else if (unsorted_ > 0) {
            --unsorted_;
        }
        last_ = t;
        times_[head_] = t;
        head_ = (head_ + 1) % Capacity;
        if (size_ < Capacity) ++size_;
    }

    /// Sends with time > now - window.
    [[nodiscard]] std::int64_t count(std::chrono::nanoseconds now) const {
        const std::chrono::nanoseconds after = now - window_;
        if (unsorted_ > 0) {
            std::int64_t n = 0;
            for (std::size_t i = 0; i < size_; ++i) {
                if (times_[i] > after) ++n;
            }
            return n;
        }
        // Oldest first: the first logical index whose time is > after.
        const std::size_t oldest = size_ < Capacity ? 0 : head_;
        std::size_t lo = 0;
        std::size_t hi = size_;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (times_[(oldest + mid) % Capacity] > after) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return static_cast<std::int64_t>(size_ - lo);
    }

private:
    std::array<std::chrono::nanoseconds, Capacity> times_{};
    std::chrono::nanoseconds window_;
    std::chrono::nanoseconds last_{0};
    std::size_t head_ = 0;
    std::size_t size_ = 0;
    std::size_t unsorted_ = 0;  // records left before the ring is sorted again
};

}  // namespace mmbot::risk::detail
