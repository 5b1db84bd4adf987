// mmbot/risk/windows.hpp
//
// Fixed-capacity rolling windows the risk monitor keeps: orders sent in the last second and the
// mean of the last N acknowledgement latencies. Fixed arrays, so the per-order path allocates
// nothing.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mmbot::risk {

/// Counts events in a trailing time window (capacity bounds the count it can report).
template <std::size_t Capacity>
class rolling_count {
public:
    explicit rolling_count(std::chrono::nanoseconds window) : window_(window) {}

    void record(std::chrono::nanoseconds t) {
        times_[head_] = t;
        head_ = (head_ + 1) % Capacity;
        if (size_ < Capacity) ++size_;
    }
    /// Events with time > now - window.
    [[nodiscard]] std::int64_t count(std::chrono::nanoseconds now) const {
        std::int64_t n = 0;
        for (std::size_t i = 0; i < size_; ++i) {
            if (times_[i] > now - window_) ++n;
        }
        return n;
    }

private:
    std::array<std::chrono::nanoseconds, Capacity> times_{};
    std::chrono::nanoseconds window_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

/// Mean of the last `size` samples (size <= Capacity, set at run time from the limits).
template <std::size_t Capacity>
class latency_window {
public:
    void record(std::chrono::nanoseconds sample, std::size_t size) {
        size = size == 0 ? 1 : (size > Capacity ? Capacity : size);
        if (size != size_limit_) reset(size);
        if (count_ == size_limit_) sum_ -= samples_[head_];
        else ++count_;
        samples_[head_] = sample;
        sum_ += sample;
        head_ = (head_ + 1) % size_limit_;
    }
    [[nodiscard]] std::chrono::nanoseconds mean() const {
        return count_ == 0 ? std::chrono::nanoseconds{0}
                           : sum_ / static_cast<std::int64_t>(count_);
    }
    [[nodiscard]] std::int64_t count() const { return static_cast<std::int64_t>(count_); }
    void clear() { reset(size_limit_); }

private:
    void reset(std::size_t size) {
        size_limit_ = size;
        count_ = 0;
        head_ = 0;
        sum_ = std::chrono::nanoseconds{0};
    }

    std::array<std::chrono::nanoseconds, Capacity> samples_{};
    std::size_t size_limit_ = Capacity;
    std::size_t count_ = 0;
    std::size_t head_ = 0;
    std::chrono::nanoseconds sum_{0};
};

}  // namespace mmbot::risk
