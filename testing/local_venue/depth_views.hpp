// testing/local_venue/depth_views.hpp
//
// Order book topics at every depth Bybit offers, derived from the capture's book, so a client
// that asks for `orderbook.50` of a capture recorded at 200 (or the reverse) is served, not
// acknowledged and left silent. A view of (symbol, depth) keeps the top `depth` levels it last
// sent; after each change of the capture's book it sends what changed in them as a Bybit delta
// (a level that left the view with size "0"), with its own update id `u` counting up by one per
// message, as Bybit numbers each topic on its own. A new subscriber gets the view's current
// levels as a snapshot carrying the current `u`, so it and the earlier subscribers read the same
// next delta. Nothing is sent when a change lies below the view's depth.
//
// Prices and sizes are printed with the instrument's decimals (number_format), as Bybit prints them.
//
// Depths Bybit serves (v5 public orderbook topic): 1, 50, 200 and 1000, on the linear and the spot
// stream alike (linear's 500 went offline on 2025-09-30, when its 1000 came; clients such as
// ccxt offer exactly these four).
// A topic at another depth, or for a symbol the capture does not carry, is refused the way Bybit
// refuses it (server.cpp): success false, the topic named, never an acknowledgement.
//
//   depth_views views;
//   std::string snap = views.subscribe(book, "BTCUSDT", 1, fmt, now_ms);   // orderbook.1.BTCUSDT
//   for (auto& [topic, text] : views.on_book(book, "BTCUSDT", fmt, now_ms)) broadcast(topic, text);
#pragma once

#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/instruments.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

/// Whether Bybit serves `orderbook.<depth>` in `category`.
[[nodiscard]] inline bool depth_offered(bybit::category category, std::uint32_t depth) noexcept {
    constexpr std::array<std::uint32_t, 4> linear{1, 50, 200, 1000};
    constexpr std::array<std::uint32_t, 4> spot{1, 50, 200, 1000};
    const auto& offered = category == bybit::category::spot ? spot : linear;
    return std::find(offered.begin(), offered.end(), depth) != offered.end();
}

using level_list = std::vector<feed::level>;

/// The top `depth` levels of one side of `book`.
[[nodiscard]] inline level_list top_levels(const feed::l2_book& book, feed::book_side s, std::uint32_t depth) {
    level_list out;
    for (std::size_t i = 0; i < book.levels(s) && i < depth; ++i) out.push_back(book.at(s, i));
    return out;
}

/// Levels as Bybit prints them: [["price","size"], ...] with the instrument's decimals.
[[nodiscard]] inline boost::json::array json_levels(const level_list& levels, number_format f) {
    boost::json::array out;
    for (const auto& l : levels) {
        out.push_back(boost::json::array{boost::json::string(l.px.to_string(f.price_digits)),
                                         boost::json::string(l.qty.to_string(f.qty_digits))});
    }
    return out;
}

/// A Bybit public order book message, as the venue sends every one it builds itself (snapshots
/// for new subscribers, derived deltas): topic, type, times, and data {s, b, a, u, seq}.
[[nodiscard]] inline std::string book_message(std::string_view topic, std::string_view type, std::string_view sym,
                                              const level_list& bids, const level_list& asks, std::uint64_t u,
                                              std::optional<std::uint64_t> seq, number_format f, std::int64_t now_ms) {
    boost::json::object data{{"s", sym}, {"b", json_levels(bids, f)}, {"a", json_levels(asks, f)}, {"u", u}};
    if (seq) data["seq"] = *seq;
    return boost::json::serialize(boost::json::object{
        {"topic", topic}, {"type", type}, {"ts", now_ms}, {"data", std::move(data)}, {"cts", now_ms}});
}

class depth_views {
public:
    /// The view of (sym, depth), created from `book` when new; its snapshot message.
    [[nodiscard]] std::string subscribe(const feed::l2_book& book, std::string_view sym, std::uint32_t depth,
                                        number_format f, std::int64_t now_ms) {
        view& v = view_of(book, sym, depth);
        return message(v, "snapshot", v.bids, v.asks, f, now_ms);
    }

    /// After `book` (the capture's book of `sym`) changed: (topic, delta) for each view of `sym`
    /// whose levels changed.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> on_book(const feed::l2_book& book,
                                                                           std::string_view sym, number_format f,
                                                                           std::int64_t now_ms) {
        std::vector<std::pair<std::string, std::string>> out;
        for (view& v : views_) {
            if (v.sym != sym) continue;
            level_list bids = top_levels(book, feed::book_side::bid, v.depth);
            level_list asks = top_levels(book, feed::book_side::ask, v.depth);
            const level_list bid_changes = changes(v.bids, bids);
            const level_list ask_changes = changes(v.asks, asks);
            if (bid_changes.empty() && ask_changes.empty()) continue;
            ++v.u;
            v.bids = std::move(bids);
            v.asks = std::move(asks);
            out.emplace_back(v.topic, message(v, "delta", bid_changes, ask_changes, f, now_ms));
        }
        return out;
    }

    /// Forgets every view (a capture that starts over).
    void clear() noexcept { views_.clear(); }

private:
    struct view {
        std::string sym;
        std::uint32_t depth = 0;
        std::string topic;
        level_list bids, asks;
        std::uint64_t u = 0;
        std::optional<std::uint64_t> seq;
    };

    view& view_of(const feed::l2_book& book, std::string_view sym, std::uint32_t depth) {
        for (view& v : views_) {
            if (v.sym == sym && v.depth == depth) return v;
        }
        views_.push_back(view{std::string(sym), depth, fmt::format("orderbook.{}.{}", depth, sym),
                              top_levels(book, feed::book_side::bid, depth), top_levels(book, feed::book_side::ask, depth),
                              book.last_u(), book.last_seq()});
        return views_.back();
    }

    /// What turns `before` into `after`: new or resized levels, and those gone with size 0.
    [[nodiscard]] static level_list changes(const level_list& before, const level_list& after) {
        level_list out;
        for (const auto& b : before) {
            const bool kept = std::any_of(after.begin(), after.end(), [&](const auto& a) { return a.px == b.px; });
            if (!kept) out.push_back(feed::level{b.px, core::quantity{}});
        }
        for (const auto& a : after) {
            const auto it = std::find_if(before.begin(), before.end(), [&](const auto& b) { return b.px == a.px; });
            if (it == before.end() || it->qty != a.qty) out.push_back(a);
        }
        return out;
    }

    [[nodiscard]] static std::string message(const view& v, std::string_view type, const level_list& bids,
                                             const level_list& asks, number_format f, std::int64_t now_ms) {
        return book_message(v.topic, type, v.sym, bids, asks, v.u, v.seq, f, now_ms);
    }

    std::vector<view> views_;
};

}  // namespace mmbot::venue::local
