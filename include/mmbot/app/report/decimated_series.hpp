// mmbot/app/report/decimated_series.hpp
//
// A time series that stays small however long the run: at most `cap` buckets, each the lowest and
// the highest value seen over its stretch of time, so a chart of a day-long run loads at once and
// still shows every spike. When the buckets overflow, neighbours are merged in pairs (the first
// one's time, the lower low, the higher high): every bucket always stands for the same number of
// raw points, and no extreme is ever dropped.
//
//   decimated_series mid(2048);
//   mid.add(now, price.raw());          // values are integers in the series' own scale
//   for (const auto& b : mid.buckets()) draw(b.t, b.lo, b.hi);
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mmbot::app::report {

class decimated_series {
public:
    struct bucket {
        std::chrono::nanoseconds t{0};  ///< time of the first point it holds
        std::int64_t lo = 0;
        std::int64_t hi = 0;
    };

    /// `cap`: the most buckets kept (at least 2).
    explicit decimated_series(std::size_t cap) : cap_(std::max<std::size_t>(cap, 2)) {}

    void add(std::chrono::nanoseconds t, std::int64_t v) {
        ++points_;
        if (!buckets_.empty() && last_count_ < per_bucket_) {
            bucket& last = buckets_.back();
            last.lo = std::min(last.lo, v);
            last.hi = std::max(last.hi, v);
            ++last_count_;
            return;
        }
        buckets_.push_back({t, v, v});
        last_count_ = 1;
        if (buckets_.size() > cap_) halve();
    }

    [[nodiscard]] const std::vector<bucket>& buckets() const noexcept { return buckets_; }
    /// Raw points added (buckets().size() while nothing was merged).
    [[nodiscard]] std::uint64_t points() const noexcept { return points_; }

private:
    /// Merges neighbours in pairs; an odd last bucket stays alone and takes more points.
    void halve() {
        const bool odd = buckets_.size() % 2 == 1;
        std::size_t out = 0;
        for (std::size_t i = 0; i < buckets_.size(); i += 2) {
            bucket b = buckets_[i];
            if (i + 1 < buckets_.size()) {
                b.lo = std::min(b.lo, buckets_[i + 1].lo);
                b.hi = std::max(b.hi, buckets_[i + 1].hi);
            }
            buckets_[out++] = b;
        }
        buckets_.resize(out);
        // Every bucket but the last held per_bucket_ points; a pair ending in the last holds both.
        last_count_ = odd ? last_count_ : last_count_ + per_bucket_;
        per_bucket_ *= 2;
    }

    std::size_t cap_;
    std::vector<bucket> buckets_;
    std::uint64_t points_ = 0;
    /// Raw points one bucket stands for, and how many the last one holds.
    std::uint64_t per_bucket_ = 1;
    std::uint64_t last_count_ = 0;
};

}  // namespace mmbot::app::report
