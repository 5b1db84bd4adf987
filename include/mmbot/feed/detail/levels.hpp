// mmbot/feed/detail/levels.hpp
//
// Checked reads shared by the venues' market-data decoders (Bybit, Binance): a side of a book as
// an array of ["price","size"] string pairs, and a string field that must be one of two words.
// Prices must be > 0 and sizes >= 0 (0 deletes a level in a delta); each error names the path,
// "data.b[3][0]: price must be > 0, got \"0\"".
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/feed/detail/json_fields.hpp"
#include "mmbot/feed/types.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::feed::detail {

/// One side of a book message: an array of [price, size] string pairs.
[[nodiscard]] inline core::result<void> read_levels(const boost::json::object& data,
                                                    const json_path& p, std::vector<level>& out) {
    out.clear();
    auto arr = fields.array_at(data, p);
    if (!arr) return arr.error();
    const auto n = static_cast<std::ptrdiff_t>((*arr)->size());
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        const boost::json::value& entry = (**arr)[static_cast<std::size_t>(i)];
        const auto* pair = entry.if_array();
        if (pair == nullptr || pair->size() != 2) {
            return fields.wrong_type(p.index(i), "a [price, size] pair of strings", entry);
        }
        auto px = fields.as_decimal<core::price>((*pair)[0], p.index(i, 0));
        if (!px) return px.error();
        auto qty = fields.as_decimal<core::quantity>((*pair)[1], p.index(i, 1));
        if (!qty) return qty.error();
        if (!px->is_positive()) {
            return fields.bad_value(p.index(i, 0),
                                    fmt::format("price must be > 0, got \"{}\"", *px));
        }
        if (qty->is_negative()) {
            return fields.bad_value(p.index(i, 1),
                                    fmt::format("size must be >= 0, got \"{}\"", *qty));
        }
        out.push_back(level{*px, *qty});
    }
    return {};
}

/// A string field holding one of two words, as the value each stands for.
template <class E>
[[nodiscard]] core::result<E> read_either(const boost::json::object& o, const json_path& p,
                                          std::pair<std::string_view, E> first,
                                          std::pair<std::string_view, E> second) {
    auto s = fields.string_at(o, p);
    if (!s) return s.error();
    if (*s == first.first) return first.second;
    if (*s == second.first) return second.second;
    return fields.bad_value(p, fmt::format("\"{}\" is neither \"{}\" nor \"{}\"", core::json::cut(*s),
                                           first.first, second.first));
}

}  // namespace mmbot::feed::detail
