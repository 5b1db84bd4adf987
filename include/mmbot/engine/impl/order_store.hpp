// mmbot/engine/impl/order_store.hpp
//
// Bodies of order_store.hpp. Each event type has a check (pure: decides applied / duplicate /
// error) and a commit (mutates, only ever called after its check said `applied`), so apply and
// check can never disagree.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply, and the include of the declarations below would bring this file in a second time.
#ifndef MMBOT_ENGINE_IMPL_ORDER_STORE_HPP
#define MMBOT_ENGINE_IMPL_ORDER_STORE_HPP

#include "mmbot/engine/errors.hpp"
#include "mmbot/engine/order_store.hpp"  // self-contained for tools that open this file alone

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>
#include <variant>

namespace mmbot::engine {

inline core::result<apply_outcome> order_store::check(const order_event& e) const {
    return std::visit([this](const auto& ev) { return check_event(ev); }, e);
}

inline core::result<apply_outcome> order_store::apply(const order_event& e) {
    return std::visit([this](const auto& ev) { return apply(ev); }, e);
}

template <class Event>
    requires order_event_type<Event>
core::result<apply_outcome> order_store::apply(const Event& e) {
    auto verdict = check_event(e);
    if (!verdict) {
        ++stats_.invalid_events;
        return verdict;
    }
    if (*verdict == apply_outcome::duplicate) {
        ++stats_.duplicate_operations;
        if constexpr (std::is_same_v<Event, order_fill>) ++stats_.duplicate_fills;
        return verdict;
    }
    commit(e);
    return verdict;
}

// ------------------------------------------------------------------------------------ lookups

inline const order* order_store::find(std::string_view client_order_id) const {
    const auto it = by_client_id_.find(client_order_id);
    return it == by_client_id_.end() ? nullptr : &orders_.at(it->second);
}

inline const order* order_store::find_by_venue_id(std::string_view venue_order_id) const {
    const auto it = by_venue_id_.find(venue_order_id);
    return it == by_venue_id_.end() ? nullptr : &orders_.at(it->second);
}

inline std::vector<const order*> order_store::open_orders(std::string_view symbol) const {
    std::vector<const order*> out;
    const auto it = open_by_symbol_.find(symbol);
    if (it == open_by_symbol_.end()) return out;
    out.reserve(it->second.size());
    for (const std::size_t i : it->second) out.push_back(&orders_.at(i));
    return out;
}

inline std::vector<const order*> order_store::open_orders() const {
    std::vector<const order*> out;
    open_orders(out);
    return out;
}

inline void order_store::open_orders(std::vector<const order*>& out) const {
    out.clear();
    for (const auto& [symbol, indices] : open_by_symbol_) {
        for (const std::size_t i : indices) out.push_back(&orders_.at(i));
    }
}

inline std::size_t order_store::open_count() const noexcept {
    std::size_t n = 0;
    for (const auto& [symbol, indices] : open_by_symbol_) n += indices.size();
    return n;
}

inline std::array<std::size_t, 5> order_store::counts_by_status() const {
    std::array<std::size_t, 5> counts = pruned_by_status_;
    for (const auto& [index, o] : orders_) ++counts[static_cast<std::size_t>(o.status)];
    return counts;
}

template <class OnForget>
std::size_t order_store::prune_closed(timestamp closed_before, OnForget&& on_exec_id_forgotten) {
    std::size_t n = 0;
    while (closed_head_ < closed_.size() && closed_[closed_head_].first < closed_before) {
        const auto it = orders_.find(closed_[closed_head_].second);
        ++closed_head_;
        if (it == orders_.end()) continue;
        const order& o = it->second;
        client_id_nodes_.erase(by_client_id_, by_client_id_.find(o.client_order_id));
        if (!o.venue_order_id.empty()) {
            if (const auto v = by_venue_id_.find(o.venue_order_id); v != by_venue_id_.end()) {
                venue_id_nodes_.erase(by_venue_id_, v);
            }
        }
        ++pruned_by_status_[static_cast<std::size_t>(o.status)];
        order_nodes_.erase(orders_, it);
        ++n;
    }
    if (closed_head_ * 2 >= closed_.size()) {  // cut the walked front (no allocation)
        closed_.erase(closed_.begin(), closed_.begin() + static_cast<std::ptrdiff_t>(closed_head_));
        closed_head_ = 0;
    }
    if (n > 0) {
        // The pruned orders' execution ids: a late fill of one is unknown_order now.
        for (auto it = exec_ids_.begin(); it != exec_ids_.end();) {
            const auto next = std::next(it);
            if (!orders_.contains(it->second)) {
                on_exec_id_forgotten(std::as_const(it->first));
                exec_nodes_.erase(exec_ids_, it);
            }
            it = next;
        }
    }
    pruned_total_ += n;
    return n;
}

inline void order_store::reserve(std::size_t orders, std::size_t fills) {
    // Ids as long as any can be (orderLinkId, Bybit's 36-character order and execution UUIDs).
    const std::string longest_id(max_order_link_id_chars, 'x');
    order proto;
    proto.client_order_id = longest_id;
    proto.venue_order_id = longest_id;
    proto.reason = std::string(48, 'x');  // a venue's reject reason or a cancel's cause
    order_nodes_.reserve(orders, std::size_t{0}, proto);
    client_id_nodes_.reserve(orders, longest_id, std::size_t{0});
    venue_id_nodes_.reserve(orders, longest_id, std::size_t{0});
    open_nodes_.reserve(orders, std::size_t{0});
    exec_nodes_.reserve(fills, longest_id, std::size_t{0});
    exec_ids_.reserve(fills);
    closed_.reserve(orders);
}

inline core::result<const order*> order_store::existing(const std::string& client_order_id) const {
    if (const order* o = find(client_order_id)) return o;
    return core::make_error(errc::unknown_order,
                            fmt::format("client_order_id \"{}\": no such order", client_order_id));
}

inline order& order_store::mutable_order(const std::string& client_order_id) {
    return orders_.at(by_client_id_.find(client_order_id)->second);
}

// ------------------------------------------------------------------------------------- checks

namespace detail {
[[nodiscard]] inline core::error order_error(core::error_code code, std::string_view id,
                                             std::string_view what) {
    return core::make_error(code, fmt::format("client_order_id \"{}\": {}", id, what));
}
/// check_transition's error, prefixed with the order it concerns.
[[nodiscard]] inline core::result<apply_outcome> transition_to(const order& o, order_status to) {
    if (auto t = check_transition(o.status, to); !t) {
        return order_error(t.error().code, o.client_order_id, t.error().message);
    }
    return apply_outcome::applied;
}
}  // namespace detail

inline core::result<apply_outcome> order_store::check_event(const new_order& e) const {
    if (find(e.client_order_id) != nullptr) return apply_outcome::duplicate;
    if (auto v = validate_order_link_id(e.client_order_id); !v) {
        return core::make_error(errc::invalid_order, v.error().message);
    }
    if (e.symbol.empty()) {
        return detail::order_error(errc::invalid_order, e.client_order_id, "symbol is empty");
    }
    if (!e.price.is_positive()) {
        return detail::order_error(errc::invalid_order, e.client_order_id,
                                   fmt::format("price must be > 0, got \"{}\"", e.price));
    }
    if (!e.qty.is_positive()) {
        return detail::order_error(errc::invalid_order, e.client_order_id,
                                   fmt::format("qty must be > 0, got \"{}\"", e.qty));
    }
    return apply_outcome::applied;
}

inline core::result<apply_outcome> order_store::check_event(const order_ack& e) const {
    auto o = existing(e.client_order_id);
    if (!o) return o.error();
    if (e.venue_order_id.empty()) {
        return detail::order_error(errc::invalid_ack, e.client_order_id, "venue_order_id is empty");
    }
    if ((*o)->venue_order_id == e.venue_order_id) return apply_outcome::duplicate;
    if (!(*o)->venue_order_id.empty()) {
        return detail::order_error(errc::ack_mismatch, e.client_order_id,
                                   fmt::format("acked as \"{}\", now \"{}\"",
                                               (*o)->venue_order_id, e.venue_order_id));
    }
    if (find_by_venue_id(e.venue_order_id) != nullptr) {
        return detail::order_error(
            errc::ack_mismatch, e.client_order_id,
            fmt::format("venue_order_id \"{}\" already belongs to another order",
                        e.venue_order_id));
    }
    return apply_outcome::applied;
}

inline core::result<apply_outcome> order_store::check_event(const order_fill& e) const {
    if (e.exec_id.empty()) {
        return detail::order_error(errc::invalid_fill, e.client_order_id, "exec_id is empty");
    }
    if (!e.qty.is_positive() || !e.price.is_positive()) {
        return detail::order_error(
            errc::invalid_fill, e.client_order_id,
            fmt::format("exec_id \"{}\": price and qty must be > 0, got \"{}\" x \"{}\"",
                        e.exec_id, e.price, e.qty));
    }
    if (exec_ids_.contains(e.exec_id)) return apply_outcome::duplicate;
    auto found = existing(e.client_order_id);
    if (!found) return found.error();
    const order& o = **found;
    if (o.symbol != e.symbol || o.side != e.side) {
        return detail::order_error(
            errc::fill_mismatch, e.client_order_id,
            fmt::format("exec_id \"{}\" is {} {} but the order is {} {}", e.exec_id, e.symbol,
                        to_string(e.side), o.symbol, to_string(o.side)));
    }
    const core::quantity filled = o.filled_qty + e.qty;
    if (filled > o.qty) {
        return detail::order_error(errc::overfill, e.client_order_id,
                                   fmt::format("exec_id \"{}\" fills {} to {} of {}", e.exec_id,
                                               e.qty, filled, o.qty));
    }
    // A late fill: the venue matched the order before our cancel took effect there (a cancel's
    // answer means "accepted", and the trade can land in between). The fill is real money, so
    // it is applied; the order stays closed.
    if (o.status == order_status::cancelled) return apply_outcome::applied;
    return detail::transition_to(
        o, filled == o.qty ? order_status::filled : order_status::partially_filled);
}

inline core::result<apply_outcome> order_store::check_event(const order_cancel& e) const {
    auto o = existing(e.client_order_id);
    if (!o) return o.error();
    if ((*o)->status == order_status::cancelled) return apply_outcome::duplicate;
    return detail::transition_to(**o, order_status::cancelled);
}

inline core::result<apply_outcome> order_store::check_event(const order_reject& e) const {
    auto o = existing(e.client_order_id);
    if (!o) return o.error();
    if ((*o)->status == order_status::rejected) return apply_outcome::duplicate;
    return detail::transition_to(**o, order_status::rejected);
}

// ------------------------------------------------------------------------------------ commits

inline void order_store::commit(const new_order& e) {
    const std::size_t index = next_index_++;
    if (auto node = order_nodes_.take(); node.empty()) {
        orders_.emplace(index, make_order(e));
    } else {
        node.key() = index;
        assign_order(node.mapped(), e);
        orders_.insert(std::move(node));
    }
    client_id_nodes_.emplace(by_client_id_, e.client_order_id, index);
    open_nodes_.insert(open_by_symbol_[e.symbol], index);
    ++stats_.placed;
    if (const auto parsed = parse_client_order_id(e.client_order_id)) {
        max_counter_ = std::max(max_counter_, parsed->counter);
    }
}

inline void order_store::commit(const order_ack& e) {
    order& o = mutable_order(e.client_order_id);
    o.venue_order_id = e.venue_order_id;
    o.acked_at = e.at;
    o.updated_at = e.at;
    venue_id_nodes_.emplace(by_venue_id_, e.venue_order_id, by_client_id_.find(e.client_order_id)->second);
    ++stats_.acked;
}

inline void order_store::commit(const order_fill& e) {
    order& o = mutable_order(e.client_order_id);
    exec_nodes_.emplace(exec_ids_, e.exec_id, by_client_id_.find(e.client_order_id)->second);
    o.filled_qty += e.qty;
    o.filled_notional += e.price * e.qty;
    o.fees += e.fee;
    o.updated_at = e.at;
    ++stats_.fills;
    if (o.status == order_status::cancelled) {
        ++stats_.late_fills;
    } else if (o.filled_qty == o.qty) {
        close(o, order_status::filled, {}, e.at);
        ++stats_.filled;
    } else {
        o.status = order_status::partially_filled;
    }
}

inline void order_store::commit(const order_cancel& e) {
    close(mutable_order(e.client_order_id), order_status::cancelled, e.reason, e.at);
    ++stats_.cancelled;
}

inline void order_store::commit(const order_reject& e) {
    close(mutable_order(e.client_order_id), order_status::rejected, e.reason, e.at);
    ++stats_.rejected;
}

inline void order_store::close(order& o, order_status to, std::string_view reason, timestamp at) {
    o.status = to;
    if (!reason.empty()) o.reason.assign(reason);
    o.updated_at = at;
    const std::size_t index = by_client_id_.find(o.client_order_id)->second;
    closed_.emplace_back(at, index);
    const auto it = open_by_symbol_.find(o.symbol);
    if (it != open_by_symbol_.end()) {
        if (const auto i = it->second.find(index); i != it->second.end()) open_nodes_.erase(it->second, i);
    }
}

}  // namespace mmbot::engine

#endif  // MMBOT_ENGINE_IMPL_ORDER_STORE_HPP
