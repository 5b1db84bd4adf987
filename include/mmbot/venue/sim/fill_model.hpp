// mmbot/venue/sim/fill_model.hpp
//
// The fill model of the simulated venue as small pure functions: when a resting order trades, how
// much, and how its place in the queue moves. simulated_venue applies them; tests check them one
// by one. docs/simulator.md has the rules with worked examples.
//
// A resting order fills only when
//   (a) a trade prints through it: a print on the other side at a price strictly better than ours
//       swept our level, so we fill completely; a print AT our price first eats the volume ahead
//       of us in the queue, and only the excess fills us;
//   (b) the book moves through it: best ask <= our buy price (best bid >= our sell): the rest
//       fills at our price.
// The queue ahead starts as the displayed size at our price when the order goes live (zero at a
// new level) and only ever shrinks: by at-price prints, and to the displayed size whenever that
// drops below it. The second rule is conservative: a smaller level is read as cancels behind us
// first, and the queue ahead shrinks only by what the displayed size forces (it can never exceed
// the whole level). docs/simulator.md discusses what this does and does not model.
//
//   auto q = mmbot::venue::sim::displayed_queue(book, core::side::buy, px);  // nullopt: unknown
//   auto step = mmbot::venue::sim::print_at_price(queue, leaves, print_qty, filled_so_far);
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"

#include <algorithm>
#include <optional>

namespace mmbot::venue::sim {

/// The side of resting orders a print executes against: a taker buy lifts asks (our sells).
[[nodiscard]] constexpr core::side resting_side_hit_by(feed::taker_side taker) noexcept {
    return taker == feed::taker_side::buy ? core::side::sell : core::side::buy;
}

/// The book side our order rests on.
[[nodiscard]] constexpr feed::book_side book_side_of(core::side s) noexcept {
    return s == core::side::buy ? feed::book_side::bid : feed::book_side::ask;
}

/// A print at `print_px` is strictly better than our `limit` for the taker that hit our side: it
/// swept our whole level (a sell print below our bid, a buy print above our offer).
[[nodiscard]] inline bool prints_through(core::side resting, const core::price& limit,
                                            const core::price& print_px) noexcept {
    return resting == core::side::buy ? print_px < limit : print_px > limit;
}

/// The opposite best has reached our limit: best ask <= our bid, or best bid >= our offer.
[[nodiscard]] inline bool book_through(core::side resting, const core::price& limit,
                                       const feed::l2_book& book) noexcept {
    if (resting == core::side::buy) {
        const auto ask = book.best_ask();
        return ask && ask->px <= limit;
    }
    const auto bid = book.best_bid();
    return bid && bid->px >= limit;
}

/// The order would take liquidity if it went live now (the PostOnly test): BUY price >= best ask,
/// SELL price <= best bid.
[[nodiscard]] inline bool would_cross(core::side s, const core::price& limit,
                                      const feed::l2_book& book) noexcept {
    return book_through(s, limit, book);
}

/// The displayed volume at `limit` on our side, or nullopt when `limit` is outside the displayed
/// depth (the side is full to max_depth and our price is beyond its deepest level), where absence
/// from the book says nothing. A price inside the depth but without a level has zero ahead.
[[nodiscard]] inline std::optional<core::quantity> displayed_queue(const feed::l2_book& book,
                                                                   core::side s,
                                                                   const core::price& limit) {
    const feed::book_side bs = book_side_of(s);
    const std::size_t n = book.levels(bs);
    if (n >= book.max_depth()) {
        const core::price& deepest = book.at(bs, n - 1).px;
        const bool inside = s == core::side::buy ? limit >= deepest : limit <= deepest;
        if (!inside) return std::nullopt;
    }
    return book.size_at(bs, limit);
}

/// What one print at our price does to one resting order.
struct print_step {
    core::quantity fill{};         ///< to execute now (may be zero)
    core::quantity queue_after{};  ///< volume still ahead of us
};

/// A print of `print_qty` at our price. The queue ahead is eaten first; of the excess, what
/// earlier orders of ours already took from this same print (`taken`) is gone, and the rest fills
/// us up to `leaves`. Several of our orders at one price thus share the print, oldest first.
[[nodiscard]] inline print_step print_at_price(const core::quantity& queue_ahead,
                                               const core::quantity& leaves,
                                               const core::quantity& print_qty,
                                               const core::quantity& taken) {
    const core::quantity zero{};
    print_step r;
    r.queue_after = std::max(zero, queue_ahead - print_qty);
    const core::quantity excess = std::max(zero, print_qty - queue_ahead - taken);
    r.fill = std::min(leaves, excess);
    return r;
}

}  // namespace mmbot::venue::sim
