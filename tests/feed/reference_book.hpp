// tests/feed/reference_book.hpp
//
// The independent reference the L2 book is checked against: the most naive book there is, a
// std::map per side with no depth bound and no cleverness, plus a comparison that walks both
// books level by level from the touch.
#pragma once

#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace mmbot::feed::testing {

struct reference_book {
    std::map<core::price, core::quantity, std::greater<>> bids;  // best first
    std::map<core::price, core::quantity> asks;                  // best first

    void apply(const book_update& up) {
        if (up.action == book_action::snapshot || up.u == 1) {
            bids.clear();
            asks.clear();
        }
        for (const level& l : up.bids) {
            if (l.qty.is_zero()) {
                bids.erase(l.px);
            } else {
                bids[l.px] = l.qty;
            }
        }
        for (const level& l : up.asks) {
            if (l.qty.is_zero()) {
                asks.erase(l.px);
            } else {
                asks[l.px] = l.qty;
            }
        }
    }
};

/// Empty when the two books agree on the first `depth` levels of each side; else the first
/// difference, described.
template <class Map>
std::string compare_side(const l2_book& book, book_side s, const Map& ref, std::size_t depth) {
    const std::size_t expect = std::min(depth, ref.size());
    if (book.levels(s) != expect) {
        return fmt::format("{} levels: book {} reference {}", s == book_side::bid ? "bid" : "ask",
                           book.levels(s), expect);
    }
    std::size_t i = 0;
    for (auto it = ref.begin(); i < expect; ++it, ++i) {
        const level& got = book.at(s, i);
        if (got.px != it->first || got.qty != it->second) {
            return fmt::format("{}[{}]: book {}@{} reference {}@{}", s == book_side::bid ? "bid" : "ask",
                               i, got.qty, got.px, it->second, it->first);
        }
    }
    return {};
}

inline std::string compare(const l2_book& book, const reference_book& ref) {
    std::string d = compare_side(book, book_side::bid, ref.bids, book.max_depth());
    if (d.empty()) d = compare_side(book, book_side::ask, ref.asks, book.max_depth());
    return d;
}

}  // namespace mmbot::feed::testing
