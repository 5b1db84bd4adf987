// mmbot/core/node_pool.hpp
//
// Erased nodes of a node-based standard container (map, set, unordered_map), kept for the next
// insert. A structure that forgets as many entries as it adds (the order store, whose orders
// close and are pruned while new ones are placed; a risk check's orders awaiting an answer) then
// allocates nothing in steady state: an insert takes a kept node and writes the new key and value
// over it, and a string key keeps its capacity.
//
//   node_pool<std::map<std::string, std::size_t, std::less<>>> pool;
//   pool.erase(m, m.find("old"));          // the node is kept, not freed
//   pool.emplace(m, "new", 7);             // reuses it
//
// A copy of a pool is empty: the kept nodes are a cache, not state (a copied container still
// compares equal to its original).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace mmbot::core {

template <class Container>
class node_pool {
public:
    using node_type = typename Container::node_type;

    node_pool() = default;
    node_pool(const node_pool& /*other*/) {}
    node_pool& operator=(const node_pool& /*other*/) { return *this; }  // NOLINT(cert-oop54-cpp): nothing to copy
    node_pool(node_pool&&) noexcept = default;
    node_pool& operator=(node_pool&&) noexcept = default;
    ~node_pool() = default;

    /// Removes `it` from `c` and keeps its node.
    void erase(Container& c, typename Container::iterator it) { free_.push_back(c.extract(it)); }

    /// Inserts key -> mapped (a map), in a kept node when there is one. The key must not be in
    /// `c` (the caller checked).
    template <class Key, class Mapped>
    void emplace(Container& c, const Key& key, Mapped&& mapped) {
        if (free_.empty()) {
            c.emplace(key, std::forward<Mapped>(mapped));
            return;
        }
        node_type n = take();
        n.key() = key;
        n.mapped() = std::forward<Mapped>(mapped);
        c.insert(std::move(n));
    }

    /// Inserts `value` (a set), in a kept node when there is one.
    template <class Value>
    void insert(Container& c, const Value& value) {
        if (free_.empty()) {
            c.insert(value);
            return;
        }
        node_type n = take();
        n.value() = value;
        c.insert(std::move(n));
    }

    /// A kept node (empty when there is none), for a caller that fills it itself.
    [[nodiscard]] node_type take() {
        if (free_.empty()) return {};
        node_type n = std::move(free_.back());
        free_.pop_back();
        return n;
    }

    /// Makes `n` nodes ahead of need, each holding `proto...` (a map's key and value, or a set's
    /// value; a string longer than any real key leaves that capacity behind), and room to keep
    /// them: the first n inserts take these, and a structure that never holds more than n entries
    /// at once never allocates at all.
    template <class... Proto>
    void reserve(std::size_t n, const Proto&... proto) {
        free_.reserve(free_.size() + n);
        for (std::size_t i = 0; i < n; ++i) {
            Container one;
            one.emplace(proto...);
            free_.push_back(one.extract(one.begin()));
        }
    }

    [[nodiscard]] std::size_t kept() const noexcept { return free_.size(); }

private:
    std::vector<node_type> free_;
};

}  // namespace mmbot::core
