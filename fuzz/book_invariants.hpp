// fuzz/book_invariants.hpp
//
// What every fuzz target that drives an l2_book checks after each update: at most max_depth levels
// a side, strictly ordered from the touch, and no zero (or negative) size left resting.
#pragma once

#include "mmbot/feed/l2_book.hpp"

#include <cstddef>

namespace mmbot::fuzz {

[[nodiscard]] inline bool sane(const mmbot::feed::l2_book& book) {
    using mmbot::feed::book_side;
    for (const book_side s : {book_side::bid, book_side::ask}) {
        const std::size_t n = book.levels(s);
        if (n > book.max_depth()) return false;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& lv = book.at(s, i);
            if (!lv.qty.is_positive()) return false;
            if (i > 0) {
                const auto& prev = book.at(s, i - 1);
                if (s == book_side::bid ? !(lv.px < prev.px) : !(lv.px > prev.px)) return false;
            }
        }
    }
    return true;
}

}  // namespace mmbot::fuzz
