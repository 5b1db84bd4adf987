// mmbot/engine/order_router.hpp
//
// Routing by symbol, and splitting an order larger than the venue's max qty into children the
// venue accepts.
//
// The router maps a symbol to its route: the instrument's filters and a per-symbol handler (a
// venue client, a category tag, whatever the execution loop dispatches on). Any filters type
// with `qty_step`, `min_qty` and `max_qty` convertible to core::quantity works
// (mmbot::core::instrument_filters does; `qty_limits` below is the minimal one).
//
// Splitting keeps every child a multiple of the step and at most max qty:
//   * the part of the total below one step cannot be placed and is reported (`below_step`);
//   * full children of max qty (rounded down to the step) are cut first;
//   * a remainder of at least min qty becomes the last child;
//   * a remainder below min qty is, by `remainder_policy`:
//       drop       reported in `dropped`, not placed;
//       rebalance  the previous child gives the remainder enough to reach min qty (both stay
//                  >= min qty and <= max qty); if it cannot, dropped and reported.
//     Plain merging into the previous child is never possible here: that child is max qty
//     rounded down to the step, so it has less than one step of room, and a non-zero remainder
//     is at least one step. Rebalancing is the merge that keeps every child within the filters.
// Nothing is ever silently lost: children + below_step + dropped == the requested total.
//
//   order_router<core::instrument_filters> router;
//   router.add("BTCUSDT", btc_filters).value();
//   auto plan = router.plan("BTCUSDT", qty);          // unknown_symbol, invalid_quantity, ...
//   for (auto child : plan->split.children) place(plan->target->symbol, child);
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_ENGINE_ORDER_ROUTER_HPP
#define MMBOT_ENGINE_ORDER_ROUTER_HPP

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::engine {

/// What a filters type must provide for splitting.
template <class F>
concept quantity_filters = requires(const F& f) {
    { f.qty_step } -> std::convertible_to<core::quantity>;
    { f.min_qty } -> std::convertible_to<core::quantity>;
    { f.max_qty } -> std::convertible_to<core::quantity>;
};

/// The minimal filters: just the quantity grid.
struct qty_limits {
    core::quantity qty_step;
    core::quantity min_qty;
    core::quantity max_qty;
};
static_assert(quantity_filters<qty_limits>);

enum class remainder_policy : std::uint8_t { drop, rebalance };

/// What happened to a remainder below min qty.
enum class remainder_action : std::uint8_t { none, rebalanced, dropped };

[[nodiscard]] constexpr std::string_view to_string(remainder_action a) noexcept {
    return core::enum_label(a);
}

struct split_options {
    remainder_policy policy = remainder_policy::rebalance;
    /// A split into more children than this is refused (`split_too_large`): a runaway intent,
    /// not something to spray at the venue.
    std::size_t max_children = 50;
};

/// The children of one order and what could not be placed.
struct split_plan {
    std::vector<core::quantity> children;
    /// Part of the total finer than the qty step.
    core::quantity below_step;
    /// Step-aligned remainder below min qty that was not placed.
    core::quantity dropped;
    remainder_action action = remainder_action::none;

    /// Sum of the children.
    [[nodiscard]] core::quantity placed() const {
        core::quantity sum;
        for (const auto& c : children) sum += c;
        return sum;
    }
};

/// Splits `total` into compliant children. Errors: `invalid_quantity` (total <= 0),
/// `invalid_filter` (qty_step <= 0, min_qty < 0, max_qty below the step or below min_qty; the
/// message names the field and value), `split_too_large`.
template <quantity_filters Filters>
[[nodiscard]] core::result<split_plan> split_order(const core::quantity& total,
                                                   const Filters& filters,
                                                   split_options options = {});

/// A per-symbol handler for routers that only need the filters.
struct no_handler {
    friend bool operator==(const no_handler&, const no_handler&) = default;
};

template <class Filters, class Handler = no_handler>
class order_router {
    static_assert(quantity_filters<Filters>,
                  "order_router<Filters>: Filters must have qty_step, min_qty and max_qty "
                  "convertible to mmbot::core::quantity (see quantity_filters)");

public:
    struct route {
        std::string symbol;
        Filters filters;
        Handler handler;
    };
    /// A planned order: where it goes and how it is cut.
    struct routed_order {
        const route* target = nullptr;
        split_plan split;
    };

    /// Adds a route. Error `duplicate_route` if the symbol already has one (use replace).
    [[nodiscard]] core::result<void> add(std::string symbol, Filters filters, Handler handler = {});
    /// Adds or replaces a route (config reload). Pointers from find() to this route stay valid.
    void replace(std::string symbol, Filters filters, Handler handler = {});

    [[nodiscard]] const route* find(std::string_view symbol) const {
        const auto it = routes_.find(symbol);
        return it == routes_.end() ? nullptr : &it->second;
    }
    /// The route or `unknown_symbol` naming it.
    [[nodiscard]] core::result<const route*> route_for(std::string_view symbol) const;

    /// Route + split. Errors: those of route_for and split_order.
    [[nodiscard]] core::result<routed_order> plan(std::string_view symbol,
                                                  const core::quantity& total,
                                                  split_options options = {}) const;

    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }

private:
    std::map<std::string, route, std::less<>> routes_;
};

}  // namespace mmbot::engine

#include "mmbot/engine/impl/order_router.hpp"

#endif  // MMBOT_ENGINE_ORDER_ROUTER_HPP
