// mmbot/venue/sim/impl/simulated_venue.hpp
//
// Bodies of mmbot::venue::sim::simulated_venue (included at the bottom of
// mmbot/venue/sim/simulated_venue.hpp).
// Include guards rather than #pragma once: this header and its impl/ include each other, and
// compilers ignore #pragma once in the file they were given, which tools like clang-tidy do.
#ifndef MMBOT_VENUE_SIM_IMPL_SIMULATED_VENUE_HPP
#define MMBOT_VENUE_SIM_IMPL_SIMULATED_VENUE_HPP

#include "mmbot/venue/sim/simulated_venue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace mmbot::venue::sim {

namespace detail {
/// "<prefix><n>" as inline text ("sim-o12").
[[nodiscard]] inline sim_id make_id(std::string_view prefix, std::uint64_t n) noexcept {
    std::array<char, sim_id::capacity> buf{};
    std::copy(prefix.begin(), prefix.end(), buf.begin());
    const auto res = std::to_chars(buf.data() + prefix.size(), buf.data() + buf.size(), n);
    sim_id id;
    // Always fits: a 5-character prefix and at most 20 digits.
    (void)id.assign(std::string_view(buf.data(), static_cast<std::size_t>(res.ptr - buf.data())));
    return id;
}
}  // namespace detail

// ---------------------------------------------------------------------------------- order entry

inline simulated_venue::busy_scope::busy_scope(bool& flag) : flag_(flag) {
    if (flag_) {
        throw std::logic_error(
            "simulated_venue: advance/on_book/on_trade called from inside a sink callback");
    }
    flag_ = true;
}

inline simulated_venue::simulated_venue(const venue_config& cfg) : cfg_(cfg) {
    if (cfg.place_latency.count() < 0 || cfg.cancel_latency.count() < 0) {
        throw std::invalid_argument("simulated_venue: latencies must be >= 0");
    }
    orders_.reserve(cfg.reserve_orders);
    pending_.reserve(cfg.reserve_orders);
}

inline std::string simulated_venue::validate(const place_request& req) const {
    const auto& id = req.client_order_id;
    if (id.empty()) return "orderLinkId: must not be empty";
    if (id.size() > order_link_id::capacity) {
        return fmt::format("orderLinkId: at most {} characters, got \"{}\"",
                           order_link_id::capacity, id);
    }
    if (req.symbol.empty() || req.symbol.size() > feed::symbol::capacity) {
        return fmt::format("symbol: must be 1..{} characters, got \"{}\"", feed::symbol::capacity,
                           req.symbol);
    }
    if (!req.price.is_positive()) return fmt::format("price: must be > 0, got \"{}\"", req.price);
    if (!req.qty.is_positive()) return fmt::format("qty: must be > 0, got \"{}\"", req.qty);
    if (link_id_in_use(id)) return fmt::format("duplicate orderLinkId \"{}\"", id);
    return {};
}

inline void simulated_venue::place(const place_request& req, nanoseconds now) {
    ++stats_.placed;
    if (lost_in_outage(now)) {
        // Never reached the book. An adapter learns that once the venue answers again (Bybit:
        // the create timed out, the query says "not found"): a reject when the outage ends.
        pending_action a;
        a.at = origin_ + cfg_.outage_after + cfg_.outage_for + cfg_.place_latency;
        a.kind = action_kind::reject;
        a.reason = std::string(reason::lost_in_outage);
        (void)a.client_id.assign(std::string_view(req.client_order_id).substr(0, order_link_id::capacity));
        enqueue(std::move(a));
        return;
    }
    pending_action a;
    a.at = std::max(now, clock_) + cfg_.place_latency;
    a.reason = validate(req);
    if (!a.reason.empty()) {
        a.kind = action_kind::reject;
        // Over-long ids are reported truncated to what fits: the reason carries the full text.
        (void)a.client_id.assign(
            std::string_view(req.client_order_id).substr(0, order_link_id::capacity));
        enqueue(std::move(a));
        return;
    }
    a.kind = action_kind::place;
    a.sym = symbol_index(req.symbol);
    (void)a.client_id.assign(req.client_order_id);
    a.side = req.side;
    a.price = req.price;
    a.qty = req.qty;
    a.post_only = req.post_only;
    enqueue(std::move(a));
}

inline void simulated_venue::cancel(std::string_view symbol, std::string_view client_order_id,
                                    nanoseconds now) {
    if (lost_in_outage(now)) return;
    pending_action a;
    a.at = std::max(now, clock_) + cfg_.cancel_latency;
    a.kind = action_kind::cancel;
    a.sym = symbol_index(symbol.substr(0, feed::symbol::capacity));
    if (!a.client_id.assign(client_order_id)) {
        // Longer than any orderLinkId can be, so no open order has it; a non-empty reason makes
        // do_cancel refuse it (a truncated prefix might name a real order).
        (void)a.client_id.assign(client_order_id.substr(0, order_link_id::capacity));
        a.reason = std::string(reason::cancel_unknown);
    }
    enqueue(std::move(a));
}

inline void simulated_venue::cancel_all(std::string_view symbol, nanoseconds now) {
    if (lost_in_outage(now)) return;
    pending_action a;
    a.at = std::max(now, clock_) + cfg_.cancel_latency;
    a.kind = action_kind::cancel_all;
    a.sym = symbol_index(symbol.substr(0, feed::symbol::capacity));
    enqueue(std::move(a));
}

inline void simulated_venue::enqueue(pending_action&& a) {
    // Stable: requests due at the same time keep the order they were made in.
    const auto pos = std::upper_bound(
        pending_.begin() + static_cast<std::ptrdiff_t>(head_), pending_.end(), a.at,
        [](nanoseconds t, const pending_action& p) { return t < p.at; });
    pending_.insert(pos, std::move(a));
}

inline std::uint32_t simulated_venue::symbol_index(std::string_view sym) {
    if (const std::size_t i = find_symbol(sym); i != std::string_view::npos) {
        return static_cast<std::uint32_t>(i);
    }
    symbol_state s;
    (void)s.sym.assign(sym);
    symbols_.push_back(s);
    return static_cast<std::uint32_t>(symbols_.size() - 1);
}

inline std::size_t simulated_venue::find_symbol(std::string_view sym) const {
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
        if (symbols_[i].sym == sym) return i;
    }
    return std::string_view::npos;
}

inline bool simulated_venue::link_id_in_use(std::string_view id) const {
    const bool open = std::any_of(orders_.begin(), orders_.end(), [&](const resting_order& o) {
        return o.open && o.client_id == id;
    });
    return open || std::any_of(pending_.begin() + static_cast<std::ptrdiff_t>(head_),
                               pending_.end(), [&](const pending_action& a) {
                                   return a.kind == action_kind::place && a.client_id == id;
                               });
}

// ------------------------------------------------------------------------------------- queries

inline order_view simulated_venue::view_of(const resting_order& o) const {
    return {o.client_id.view(), o.venue_id.view(), symbols_[o.sym].sym.view(), o.side,
            o.price,            o.qty,             o.leaves,                     o.queue_ahead,
            o.queue_known,      o.live_since};
}

inline std::vector<order_view> simulated_venue::open_orders(std::string_view symbol) const {
    std::vector<order_view> out;
    for (const auto& o : orders_) {
        if (o.open && symbols_[o.sym].sym == symbol) out.push_back(view_of(o));
    }
    return out;
}

inline std::size_t simulated_venue::open_order_count(std::string_view symbol) const {
    return static_cast<std::size_t>(std::count_if(
        orders_.begin(), orders_.end(),
        [&](const resting_order& o) { return o.open && symbols_[o.sym].sym == symbol; }));
}

inline void simulated_venue::compact() {
    std::erase_if(orders_, [](const resting_order& o) { return !o.open; });
}

// ------------------------------------------------------------------------ time and market data

template <class Sink>
void simulated_venue::advance(nanoseconds now, Sink& sink) {
    detail::require_sink<Sink>();
    const busy_scope busy(busy_);
    run_due(now, sink);
    compact();
}

template <class Sink>
void simulated_venue::run_due(nanoseconds now, Sink& sink) {
    if (!has_origin_) (void)lost_in_outage(now);  // the outage clock starts with the first event
    // Index-based: a callback may queue new requests (always behind the current one, since they
    // are stamped no earlier than clock_), which can reallocate pending_.
    while (head_ < pending_.size() && pending_[head_].at <= now) {
        pending_action a = std::move(pending_[head_]);
        ++head_;
        clock_ = std::max(clock_, a.at);
        switch (a.kind) {
            case action_kind::place: go_live(a, sink); break;
            case action_kind::reject:
                ++stats_.rejected;
                sink.on_reject(a.client_id.view(), a.reason, a.at);
                break;
            case action_kind::cancel: do_cancel(a, sink); break;
            case action_kind::cancel_all: do_cancel_all(a, sink); break;
        }
    }
    if (head_ > 0) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    clock_ = std::max(clock_, now);
}

template <class Sink>
void simulated_venue::go_live(pending_action& a, Sink& sink) {
    resting_order o;
    o.client_id = a.client_id;
    o.venue_id = detail::make_id("sim-o", ++next_order_);
    o.sym = a.sym;
    o.side = a.side;
    o.price = a.price;
    o.qty = a.qty;
    o.leaves = a.qty;
    o.live_since = a.at;
    ++stats_.acked;

    // Without a usable book nothing can be checked: the order rests with an unknown queue.
    const feed::l2_book* book = symbols_[a.sym].book;
    const bool have_book = book != nullptr && book->valid() && !book->crossed();
    const bool crosses = have_book && would_cross(a.side, a.price, *book);
    if (crosses && a.post_only) {
        // Bybit accepts the request, then cancels the order instead of letting it take.
        sink.on_ack(o.client_id.view(), o.venue_id.view(), a.at);
        ++stats_.cancelled;
        ++stats_.post_only_cancelled;
        sink.on_cancel(o.client_id.view(), reason::post_only_would_take, a.at);
        return;
    }
    orders_.push_back(o);
    resting_order& live = orders_.back();
    sink.on_ack(live.client_id.view(), live.venue_id.view(), a.at);
    if (crosses) take_liquidity(live, *book, a.at, sink);
    if (have_book && live.open) {
        if (const auto q = displayed_queue(*book, live.side, live.price)) {
            live.queue_ahead = *q;
            live.queue_known = true;
        }
    }
}

template <class Sink>
void simulated_venue::take_liquidity(resting_order& o, const feed::l2_book& book, nanoseconds at,
                                     Sink& sink) {
    const feed::book_side opposite = book_side_of(core::opposite(o.side));
    for (std::size_t i = 0; i < book.levels(opposite) && o.open; ++i) {
        const feed::level& lv = book.at(opposite, i);
        const bool reachable = o.side == core::side::buy ? lv.px <= o.price : lv.px >= o.price;
        if (!reachable) break;
        execute(o, lv.px, std::min(o.leaves, lv.qty), false, at, sink);
    }
}

template <class Sink>
void simulated_venue::do_cancel(const pending_action& a, Sink& sink) {
    const auto it = !a.reason.empty()
                        ? orders_.end()
                        : std::find_if(orders_.begin(), orders_.end(), [&](const resting_order& o) {
                              return o.open && o.sym == a.sym && o.client_id == a.client_id;
                          });
    if (it == orders_.end()) {
        ++stats_.cancel_rejected;
        sink.on_reject(a.client_id.view(), reason::cancel_unknown, a.at);
        return;
    }
    it->open = false;
    ++stats_.cancelled;
    sink.on_cancel(it->client_id.view(), reason::cancel_by_user, a.at);
}

template <class Sink>
void simulated_venue::do_cancel_all(const pending_action& a, Sink& sink) {
    ++stats_.cancel_all_requests;
    std::size_t n = 0;
    for (auto& o : orders_) {
        if (!o.open || o.sym != a.sym) continue;
        o.open = false;
        ++n;
        ++stats_.cancelled;
        sink.on_cancel(o.client_id.view(), reason::cancel_by_user, a.at);
    }
    if constexpr (reports_cancel_all<Sink>) sink.on_cancel_all(symbols_[a.sym].sym.view(), n, a.at);
}

template <class Sink>
void simulated_venue::execute(resting_order& o, core::price px, core::quantity qty, bool maker,
                              nanoseconds at, Sink& sink) {
    // By value: callers pass o.leaves and o.price, which this function changes.
    if (!qty.is_positive()) return;
    o.leaves -= qty;
    if (o.leaves.is_zero()) o.open = false;
    exec_text_ = detail::make_id("sim-e", ++next_exec_);
    const core::notional fee =
        core::fee_for(px, qty, maker ? cfg_.maker_fee_rate : cfg_.taker_fee_rate);
    ++stats_.fills;
    if (maker) ++stats_.maker_fills;
    stats_.filled_qty += qty;
    stats_.filled_notional += px * qty;
    stats_.fees += fee;
    sink.on_fill(fill{o.client_id.view(), o.venue_id.view(), exec_text_.view(),
                      symbols_[o.sym].sym.view(), o.side, px, qty, o.leaves, fee, maker, at});
}

template <class Sink>
void simulated_venue::on_book(const feed::l2_book& book, nanoseconds now, Sink& sink) {
    detail::require_sink<Sink>();
    const busy_scope busy(busy_);
    const std::uint32_t idx = symbol_index(book.sym().view());
    symbols_[idx].book = &book;
    run_due(now, sink);
    if (book.valid() && !book.crossed()) {
        for (auto& o : orders_) {
            if (!o.open || o.sym != idx) continue;
            if (book_through(o.side, o.price, book)) {
                execute(o, o.price, o.leaves, true, clock_, sink);
                continue;
            }
            const auto shown = displayed_queue(book, o.side, o.price);
            if (!shown) continue;
            if (!o.queue_known || *shown < o.queue_ahead) o.queue_ahead = *shown;
            o.queue_known = true;
        }
    }
    compact();
}

template <class Sink>
void simulated_venue::on_trade(const feed::trade& print, nanoseconds now, Sink& sink) {
    detail::require_sink<Sink>();
    const busy_scope busy(busy_);
    run_due(now, sink);
    if (const std::size_t i = find_symbol(print.sym.view()); i != std::string_view::npos) {
        const auto idx = static_cast<std::uint32_t>(i);
        const core::side hit = resting_side_hit_by(print.side);
        core::quantity taken{};  // what our orders at the print's price already took from it
        for (auto& o : orders_) {
            if (!o.open || o.sym != idx || o.side != hit) continue;
            if (prints_through(o.side, o.price, print.px)) {
                execute(o, o.price, o.leaves, true, clock_, sink);
            } else if (o.price == print.px && o.queue_known) {
                const print_step step = print_at_price(o.queue_ahead, o.leaves, print.qty, taken);
                o.queue_ahead = step.queue_after;
                taken += step.fill;
                execute(o, o.price, step.fill, true, clock_, sink);
            }
        }
    }
    compact();
}

}  // namespace mmbot::venue::sim

#endif  // MMBOT_VENUE_SIM_IMPL_SIMULATED_VENUE_HPP
