// tests/venue/sim/market.hpp
//
// A hand-driven market for the simulated-venue tests: a BTCUSDT book fed by snapshots and deltas
// written as text pairs, trade prints, and terse decimal constructors.
#pragma once

#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/venue/sim/types.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

namespace mmbot::venue::sim::test {

using side_levels = std::initializer_list<std::pair<const char*, const char*>>;

inline core::price px(const char* t) { return core::price::parse(t).value(); }
inline core::quantity qty(const char* t) { return core::quantity::parse(t).value(); }
inline core::ratio rate(const char* t) { return core::ratio::parse(t).value(); }

class market {
public:
    explicit market(std::size_t depth = 50) : book(depth), depth_(depth) {}

    void snapshot(side_levels bids, side_levels asks) { send(feed::book_action::snapshot, bids, asks); }
    /// Size "0" deletes a level.
    void delta(side_levels bids, side_levels asks) { send(feed::book_action::delta, bids, asks); }

    feed::l2_book book;

private:
    void send(feed::book_action action, side_levels bids, side_levels asks) {
        feed::book_update up;
        (void)up.sym.assign("BTCUSDT");
        up.depth = static_cast<std::uint32_t>(depth_);
        up.action = action;
        up.u = ++u_;
        for (auto [p, q] : bids) up.bids.push_back({px(p), qty(q)});
        for (auto [p, q] : asks) up.asks.push_back({px(p), qty(q)});
        const auto status = book.apply(up);
        if (status == feed::apply_status::gap || status == feed::apply_status::awaiting_snapshot) {
            throw std::logic_error("test market: update not applied");
        }
    }

    std::size_t depth_;
    std::uint64_t u_{100};
};

/// A print: `taker` buy lifts asks (fills our sells), sell hits bids (fills our buys).
inline feed::trade print(feed::taker_side taker, const char* p, const char* q,
                         const char* symbol = "BTCUSDT") {
    feed::trade t;
    (void)t.sym.assign(symbol);
    t.side = taker;
    t.px = px(p);
    t.qty = qty(q);
    return t;
}

inline place_request order(std::string id, core::side s, const char* p, const char* q,
                           bool post_only = true) {
    return {std::move(id), "BTCUSDT", s, px(p), qty(q), post_only};
}

}  // namespace mmbot::venue::sim::test
