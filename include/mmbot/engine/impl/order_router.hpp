// mmbot/engine/impl/order_router.hpp
//
// Bodies of order_router.hpp: the split arithmetic (all on the exact quantity grid) and the
// symbol map.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply, and the include of the declarations below would bring this file in a second time.
#ifndef MMBOT_ENGINE_IMPL_ORDER_ROUTER_HPP
#define MMBOT_ENGINE_IMPL_ORDER_ROUTER_HPP

#include "mmbot/engine/errors.hpp"
#include "mmbot/engine/order_router.hpp"  // self-contained for tools that open this file alone

#include <fmt/format.h>

#include <utility>

namespace mmbot::engine {

namespace detail {
template <quantity_filters Filters>
[[nodiscard]] core::result<void> validate_qty_filters(const Filters& f) {
    const core::quantity step = f.qty_step;
    const core::quantity min_qty = f.min_qty;
    const core::quantity max_qty = f.max_qty;
    const auto fail = [](std::string_view field, const core::quantity& v, std::string_view why) {
        return core::make_error(errc::invalid_filter,
                                fmt::format("{}: {}, got \"{}\"", field, why, v));
    };
    if (!step.is_positive()) return fail("qty_step", step, "must be > 0");
    if (min_qty.is_negative()) return fail("min_qty", min_qty, "must be >= 0");
    if (max_qty < step) return fail("max_qty", max_qty, "must be >= qty_step");
    if (max_qty < min_qty) return fail("max_qty", max_qty, "must be >= min_qty");
    return {};
}
}  // namespace detail

template <quantity_filters Filters>
core::result<split_plan> split_order(const core::quantity& total, const Filters& filters,
                                     split_options options) {
    if (!total.is_positive()) {
        return core::make_error(errc::invalid_quantity,
                                fmt::format("qty: must be > 0, got \"{}\"", total));
    }
    if (auto v = detail::validate_qty_filters(filters); !v) return v.error();
    const core::quantity step = filters.qty_step;
    const core::quantity max_qty = filters.max_qty;
    // Smallest placeable child: min qty on the step grid.
    const core::quantity min_child = core::quantity(filters.min_qty).round_to(step,
                                                                              core::rounding::up);
    const core::quantity max_child = max_qty.round_to(step, core::rounding::down);

    split_plan plan;
    const core::quantity aligned = total.round_to(step, core::rounding::down);
    plan.below_step = total - aligned;
    if (aligned.is_zero()) return plan;
    if (aligned < min_child) {
        plan.dropped = aligned;
        plan.action = remainder_action::dropped;
        return plan;
    }
    const std::int64_t full = aligned.raw() / max_child.raw();
    const core::quantity rest = aligned - max_child * full;
    const std::size_t count = static_cast<std::size_t>(full) + (rest.is_zero() ? 0U : 1U);
    if (count > options.max_children) {
        return core::make_error(
            errc::split_too_large,
            fmt::format("qty \"{}\" needs {} children of at most \"{}\", limit {}", total, count,
                        max_child, options.max_children));
    }
    plan.children.assign(static_cast<std::size_t>(full), max_child);
    if (rest.is_zero()) return plan;
    if (rest >= min_child) {
        plan.children.push_back(rest);
        return plan;
    }
    // 0 < rest < min_child, and full >= 1 (otherwise aligned < min_child above).
    core::quantity& last = plan.children.back();
    if (options.policy == remainder_policy::rebalance) {
        const core::quantity borrowed = min_child - rest;
        if (last - borrowed >= min_child) {
            last -= borrowed;
            plan.children.push_back(min_child);
            plan.action = remainder_action::rebalanced;
            return plan;
        }
    }
    plan.dropped = rest;
    plan.action = remainder_action::dropped;
    return plan;
}

template <class Filters, class Handler>
core::result<void> order_router<Filters, Handler>::add(std::string symbol, Filters filters,
                                                       Handler handler) {
    if (routes_.contains(symbol)) {
        return core::make_error(errc::duplicate_route,
                                fmt::format("symbol \"{}\": already routed", symbol));
    }
    replace(std::move(symbol), std::move(filters), std::move(handler));
    return {};
}

template <class Filters, class Handler>
void order_router<Filters, Handler>::replace(std::string symbol, Filters filters,
                                             Handler handler) {
    const auto it = routes_.find(symbol);
    if (it != routes_.end()) {
        it->second.filters = std::move(filters);
        it->second.handler = std::move(handler);
        return;
    }
    std::string key = symbol;
    routes_.emplace(std::move(key),
                    route{std::move(symbol), std::move(filters), std::move(handler)});
}

template <class Filters, class Handler>
core::result<const typename order_router<Filters, Handler>::route*>
order_router<Filters, Handler>::route_for(std::string_view symbol) const {
    if (const route* r = find(symbol)) return r;
    return core::make_error(errc::unknown_symbol,
                            fmt::format("symbol \"{}\": no route configured", symbol));
}

template <class Filters, class Handler>
core::result<typename order_router<Filters, Handler>::routed_order>
order_router<Filters, Handler>::plan(std::string_view symbol, const core::quantity& total,
                                     split_options options) const {
    auto target = route_for(symbol);
    if (!target) return target.error();
    auto split = split_order(total, (*target)->filters, options);
    if (!split) return split.error();
    return routed_order{*target, std::move(*split)};
}

}  // namespace mmbot::engine

#endif  // MMBOT_ENGINE_IMPL_ORDER_ROUTER_HPP
