// mmbot/engine/order_store.hpp
//
// Every order of the run (and of earlier runs, after recovery) by client order id, with its
// lifecycle driven by events: placement, ack, fills, cancel, reject.
//
// The store is the in-memory mirror of the journal: the same events in the same order build the
// same store, which is how a restart recovers (replay journal::opened::entries through apply).
// Operations are idempotent where the venue can repeat itself: placing a client id twice, a second
// ack with the same venue id, a fill with an execution id already seen, a second cancel or reject
// are counted as `duplicate_operations` and change nothing. Events that cannot be right (unknown
// order, illegal lifecycle transition, overfill, a fill whose symbol or side disagrees with the
// order) return an error naming the order and are counted as `invalid_events`.
//
// `check()` answers "what would apply do" without changing anything, so the execution loop can
// skip journaling an event the store would not apply.
//
//   order_store store;
//   for (const auto& e : opened.entries) (void)store.apply(e.event);   // recovery
//   ids.resume_after(store.max_id_counter());
//   auto r = store.apply(order_fill{...});          // result<apply_outcome>
//   for (const order* o : store.open_orders("BTCUSDT")) ...
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_ENGINE_ORDER_STORE_HPP
#define MMBOT_ENGINE_ORDER_STORE_HPP

#include "mmbot/core/error.hpp"
#include "mmbot/core/node_pool.hpp"
#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/order.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mmbot::engine {

/// One of the five alternatives of order_event.
template <class E>
concept order_event_type =
    std::same_as<E, new_order> || std::same_as<E, order_ack> || std::same_as<E, order_fill> ||
    std::same_as<E, order_cancel> || std::same_as<E, order_reject>;

/// Counters since the store was built (recovery included: they describe the journal's history).
struct order_stats {
    std::uint64_t placed = 0;      ///< new orders accepted
    std::uint64_t acked = 0;       ///< venue acks recorded
    std::uint64_t fills = 0;       ///< executions applied
    std::uint64_t filled = 0;      ///< orders that reached FILLED
    std::uint64_t cancelled = 0;   ///< orders that reached CANCELLED
    std::uint64_t rejected = 0;    ///< orders that reached REJECTED
    std::uint64_t duplicate_operations = 0;  ///< repeated events ignored (fills included)
    std::uint64_t duplicate_fills = 0;       ///< of which: fills with a known execution id
    std::uint64_t late_fills = 0;            ///< fills of an order already cancelled (applied)
    std::uint64_t invalid_events = 0;        ///< events refused with an error

    friend bool operator==(const order_stats&, const order_stats&) = default;
};

class order_store {
public:
    /// Applies one event. Errors (nothing changes, invalid_events is counted):
    ///   invalid_order       new order with a bad client id, non-positive price or qty
    ///   unknown_order       event for a client id never placed
    ///   illegal_transition  e.g. a fill or a cancel after FILLED
    ///   overfill            fills would exceed the order's quantity
    ///   fill_mismatch       the fill's symbol or side differ from the order's
    ///   ack_mismatch        a second ack carrying a different venue order id
    ///   invalid_fill        non-positive fill quantity or price, empty exec id
    [[nodiscard]] core::result<apply_outcome> apply(const order_event& e);

    /// What apply(e) would return, without changing anything (not even the counters).
    [[nodiscard]] core::result<apply_outcome> check(const order_event& e) const;

    /// apply() and check() for one event type, without building an order_event (which copies
    /// every string of the event).
    template <class Event>
        requires order_event_type<Event>
    [[nodiscard]] core::result<apply_outcome> apply(const Event& e);
    template <class Event>
        requires order_event_type<Event>
    [[nodiscard]] core::result<apply_outcome> check(const Event& e) const {
        return check_event(e);
    }

    [[nodiscard]] const order* find(std::string_view client_order_id) const;
    [[nodiscard]] const order* find_by_venue_id(std::string_view venue_order_id) const;

    /// Orders still NEW or PARTIALLY_FILLED on `symbol`, in placement order.
    [[nodiscard]] std::vector<const order*> open_orders(std::string_view symbol) const;
    /// All open orders, grouped by symbol (symbols in lexical order), placement order within.
    [[nodiscard]] std::vector<const order*> open_orders() const;
    /// The same into `out` (cleared first): a caller that keeps `out` does not allocate once it
    /// has held the largest number of open orders.
    void open_orders(std::vector<const order*>& out) const;
    [[nodiscard]] std::size_t open_count() const noexcept;

    /// The orders held, in placement order: every open one, and the terminal ones not pruned.
    [[nodiscard]] const std::map<std::size_t, order>& history() const noexcept { return orders_; }
    [[nodiscard]] std::size_t size() const noexcept { return orders_.size(); }

    /// Forgets terminal orders closed before `closed_before`; returns how many. A long run would
    /// otherwise hold every order it ever placed (the journal keeps them all). What is kept: every
    /// open order, and every order closed since, so a late event about it (a fill matched before
    /// the cancel took effect, a repeated cancel) still finds it; one about a forgotten order is
    /// an `unknown_order` error and changes nothing, and so is a repeated fill of one (its
    /// execution ids are forgotten with it). Statistics and counts_by_status() still count pruned
    /// orders. The pruned records are kept for new orders: a run that prunes as many orders as it
    /// places allocates nothing for them.
    std::size_t prune_closed(timestamp closed_before) {
        return prune_closed(closed_before, [](const std::string& /*exec_id*/) {});
    }
    /// The same, calling `on_exec_id_forgotten(const std::string&)` for each execution id of a
    /// pruned order (the execution loop's position book forgets them too).
    template <class OnForget>
    std::size_t prune_closed(timestamp closed_before, OnForget&& on_exec_id_forgotten);
    [[nodiscard]] std::uint64_t pruned() const noexcept { return pruned_total_; }

    /// Room for `orders` orders held at once (open, or closed and not yet pruned) and `fills`
    /// executions of them, made now: a run that stays within it allocates nothing for its orders
    /// from the first one on (without it, the store allocates until its first prunes give it
    /// records to reuse, and again whenever it holds more orders than ever before).
    void reserve(std::size_t orders, std::size_t fills);

    /// Orders in each status (pruned ones included), indexed by the status' underlying value.
    [[nodiscard]] std::array<std::size_t, 5> counts_by_status() const;
    [[nodiscard]] std::size_t count(order_status s) const {
        return counts_by_status()[static_cast<std::size_t>(s)];
    }
    [[nodiscard]] const order_stats& stats() const noexcept { return stats_; }

    /// Largest counter among ids of the form client_order_id.hpp generates (0 if none): feed it
    /// to client_order_id_generator::resume_after after recovery.
    [[nodiscard]] std::uint64_t max_id_counter() const noexcept { return max_counter_; }

    /// Same orders in the same states with the same counters (the recovery test's criterion).
    friend bool operator==(const order_store& a, const order_store& b) {
        return a.orders_ == b.orders_ && a.stats_ == b.stats_ && a.exec_ids_ == b.exec_ids_;
    }

private:
    [[nodiscard]] core::result<apply_outcome> check_event(const new_order& e) const;
    [[nodiscard]] core::result<apply_outcome> check_event(const order_ack& e) const;
    [[nodiscard]] core::result<apply_outcome> check_event(const order_fill& e) const;
    [[nodiscard]] core::result<apply_outcome> check_event(const order_cancel& e) const;
    [[nodiscard]] core::result<apply_outcome> check_event(const order_reject& e) const;
    void commit(const new_order& e);
    void commit(const order_ack& e);
    void commit(const order_fill& e);
    void commit(const order_cancel& e);
    void commit(const order_reject& e);

    [[nodiscard]] core::result<const order*> existing(const std::string& client_order_id) const;
    order& mutable_order(const std::string& client_order_id);
    void close(order& o, order_status to, std::string_view reason, timestamp at);

    /// Placement index -> order. A node map: references stay valid however others are added or
    /// pruned.
    std::map<std::size_t, order> orders_;
    std::size_t next_index_ = 0;
    /// (closed at, placement index) in closing order from closed_head_ on: what prune_closed
    /// walks (a vector whose front is cut now and then, so it keeps its capacity).
    std::vector<std::pair<timestamp, std::size_t>> closed_;
    std::size_t closed_head_ = 0;
    std::array<std::size_t, 5> pruned_by_status_{};
    std::uint64_t pruned_total_ = 0;
    using id_index = std::map<std::string, std::size_t, std::less<>>;
    id_index by_client_id_;
    id_index by_venue_id_;
    /// symbol -> indices of its open orders (ordered = placement order). A symbol stays once it
    /// had an order (its set may be empty).
    std::map<std::string, std::set<std::size_t>, std::less<>> open_by_symbol_;
    /// Execution id -> the order it filled (forgotten when the order is pruned).
    std::unordered_map<std::string, std::size_t> exec_ids_;
    // Nodes of pruned orders and closed entries, reused by the next ones.
    core::node_pool<std::map<std::size_t, order>> order_nodes_;
    core::node_pool<id_index> client_id_nodes_;  // apart: a node keeps its key's capacity,
    core::node_pool<id_index> venue_id_nodes_;   // and client and venue ids differ in length
    core::node_pool<std::set<std::size_t>> open_nodes_;
    core::node_pool<std::unordered_map<std::string, std::size_t>> exec_nodes_;
    order_stats stats_;
    std::uint64_t max_counter_ = 0;
};

}  // namespace mmbot::engine

#include "mmbot/engine/impl/order_store.hpp"

#endif  // MMBOT_ENGINE_ORDER_STORE_HPP
