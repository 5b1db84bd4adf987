// mmbot/feed/detail/level_array.hpp
//
// One side of an l2_book: its levels, sorted worst-first (the touch at the back), held in one
// buffer allocated up front with free room at BOTH ends. Inserting or erasing a level moves the
// shorter part of the side (the levels in front of it or those behind it) by one slot, and
// dropping the worst levels (the depth limit) only advances the front, so a change deep in a
// 200- or 500-level book no longer shifts the whole side. Never allocates after construction.
//
//   level_array side(401);                      // at most 401 levels
//   side.insert(side.begin() + 3, level{...});   // moves 3 levels, or size()-3, whichever is fewer
//   side.drop_front(side.size() - 200);          // O(1)
#pragma once
#ifndef MMBOT_FEED_DETAIL_LEVEL_ARRAY_HPP
#define MMBOT_FEED_DETAIL_LEVEL_ARRAY_HPP

#include "mmbot/feed/types.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <vector>

namespace mmbot::feed::detail {

class level_array {
public:
    using iterator = level*;
    using const_iterator = const level*;

    /// Room for `capacity` levels, plus as much again so both ends have slack.
    explicit level_array(std::size_t capacity) : buf_(2 * capacity + 2), cap_(capacity) { clear(); }

    [[nodiscard]] std::size_t size() const noexcept { return hi_ - lo_; }
    [[nodiscard]] bool empty() const noexcept { return hi_ == lo_; }
    [[nodiscard]] iterator begin() noexcept { return buf_.data() + lo_; }
    [[nodiscard]] iterator end() noexcept { return buf_.data() + hi_; }
    [[nodiscard]] const_iterator begin() const noexcept { return buf_.data() + lo_; }
    [[nodiscard]] const_iterator end() const noexcept { return buf_.data() + hi_; }
    [[nodiscard]] std::reverse_iterator<const_iterator> rbegin() const noexcept {
        return std::reverse_iterator<const_iterator>(end());
    }
    [[nodiscard]] std::reverse_iterator<const_iterator> rend() const noexcept {
        return std::reverse_iterator<const_iterator>(begin());
    }
    [[nodiscard]] const level& back() const noexcept { return buf_[hi_ - 1]; }
    [[nodiscard]] const level& operator[](std::size_t i) const noexcept { return buf_[lo_ + i]; }

    /// Empties the side; the next levels are appended from a third of the way in (a snapshot is
    /// written worst first, then most changes are near the touch at the back).
    void clear() noexcept { lo_ = hi_ = buf_.size() / 3; }

    /// Appends at the back (the caller keeps the order). Precondition: size() < capacity.
    void push_back(const level& lv) {
        if (hi_ == buf_.size()) recenter();
        buf_[hi_++] = lv;
    }

    /// Inserts before `pos`; returns nothing (iterators are invalidated). size() < capacity.
    void insert(const_iterator pos, const level& lv) {
        const auto i = static_cast<std::size_t>(pos - begin());
        const bool front_shorter = i < size() - i;
        if ((front_shorter && lo_ > 0) || hi_ == buf_.size()) {
            if (lo_ == 0) {
                recenter();
            }
            // Move the i levels in front of pos one slot toward the front.
            std::copy(begin(), begin() + i, begin() - 1);
            --lo_;
        } else {
            std::copy_backward(begin() + i, end(), end() + 1);
            ++hi_;
        }
        buf_[lo_ + i] = lv;
    }

    /// Erases the level at `pos`, moving whichever part of the side is shorter.
    void erase(const_iterator pos) noexcept {
        const auto i = static_cast<std::size_t>(pos - begin());
        if (i < size() - i - 1) {
            std::copy_backward(begin(), begin() + i, begin() + i + 1);
            ++lo_;
        } else {
            std::copy(begin() + i + 1, end(), begin() + i);
            --hi_;
        }
    }

    /// Drops the `n` worst levels (n <= size()). O(1).
    void drop_front(std::size_t n) noexcept { lo_ += n; }

    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }

private:
    /// Moves the levels to the middle of the buffer (both ends then have room).
    void recenter() noexcept {
        const std::size_t n = size();
        const std::size_t lo = (buf_.size() - n) / 2;
        if (lo < lo_) {
            std::copy(begin(), end(), buf_.data() + lo);
        } else if (lo > lo_) {
            std::copy_backward(begin(), end(), buf_.data() + lo + n);
        }
        lo_ = lo;
        hi_ = lo + n;
    }

    std::vector<level> buf_;
    std::size_t cap_;
    std::size_t lo_{0};
    std::size_t hi_{0};
};

}  // namespace mmbot::feed::detail

#endif  // MMBOT_FEED_DETAIL_LEVEL_ARRAY_HPP
