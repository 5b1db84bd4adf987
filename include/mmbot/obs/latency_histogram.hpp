// mmbot/obs/latency_histogram.hpp
//
// Percentiles of a latency stream in fixed memory: a log-linear histogram of nanoseconds (the
// HdrHistogram layout at 16 sub-buckets per power of two). A sample n >= 16 lands in the bucket of
// its highest set bit and the 4 bits below it, so a bucket spans at most 1/16 of its lower bound:
// a percentile read back as the bucket's upper bound is at most 6.25 % above the true sample and
// never below it. Samples under 16 ns have a bucket each. record() is a few shifts and an
// increment on a fixed array: no allocation, safe on the trading path.
//
//   latency_histogram h;
//   h.record(std::chrono::nanoseconds(1234));
//   h.percentile(0.99);   // upper bound of the bucket holding the 99th percentile sample
#pragma once

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mmbot::obs {

class latency_histogram {
public:
    static constexpr int sub_bits = 4;
    static constexpr std::uint64_t sub_buckets = std::uint64_t{1} << sub_bits;
    /// Buckets for every uint64: 16 exact ones below 16, then 16 per power of two from 2^4 to 2^63.
    static constexpr std::size_t bucket_count = sub_buckets + (64 - sub_bits) * sub_buckets;

    /// A negative duration (a clock that went back) counts as 0.
    void record(std::chrono::nanoseconds d) {
        const std::uint64_t n = d.count() < 0 ? 0 : static_cast<std::uint64_t>(d.count());
        ++counts_[index_of(n)];
        ++total_;
        if (n > max_) max_ = n;
    }

    [[nodiscard]] std::uint64_t count() const { return total_; }
    /// The largest sample, exact.
    [[nodiscard]] std::uint64_t max() const { return max_; }

    /// The upper bound (ns) of the bucket that holds the sample of rank ceil(q * count) (q in
    /// [0, 1]; 0 for an empty histogram), capped at max() so it never exceeds a real sample.
    [[nodiscard]] std::uint64_t percentile(double q) const {
        if (total_ == 0) return 0;
        q = q < 0 ? 0 : (q > 1 ? 1 : q);
        auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
        if (static_cast<double>(rank) < q * static_cast<double>(total_)) ++rank;
        if (rank == 0) rank = 1;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < bucket_count; ++i) {
            seen += counts_[i];
            if (seen >= rank) {
                const std::uint64_t upper = upper_bound_of(i);
                return upper < max_ ? upper : max_;
            }
        }
        return max_;
    }

    /// Bucket of sample n: n itself below 16; else (highest bit - 3) * 16 + the 4 bits below it.
    [[nodiscard]] static constexpr std::size_t index_of(std::uint64_t n) {
        if (n < sub_buckets) return static_cast<std::size_t>(n);
        const int msb = 63 - std::countl_zero(n);
        const std::uint64_t sub = (n >> (msb - sub_bits)) & (sub_buckets - 1);
        return static_cast<std::size_t>((static_cast<std::uint64_t>(msb - sub_bits + 1) << sub_bits) + sub);
    }
    /// The largest sample bucket i holds.
    [[nodiscard]] static constexpr std::uint64_t upper_bound_of(std::size_t i) {
        if (i < sub_buckets) return i;
        const int msb = static_cast<int>(i >> sub_bits) + sub_bits - 1;
        const std::uint64_t sub = i & (sub_buckets - 1);
        const std::uint64_t lower = (std::uint64_t{1} << msb) | (sub << (msb - sub_bits));
        return lower + ((std::uint64_t{1} << (msb - sub_bits)) - 1);
    }

private:
    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace mmbot::obs
