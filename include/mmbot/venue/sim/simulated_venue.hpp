// mmbot/venue/sim/simulated_venue.hpp
//
// A matching simulator standing in for the exchange: shadow mode sends its orders here instead of
// to Bybit, and the local Bybit-protocol venue puts its wire format in front of it. It has no
// transport, no clock and no threads: the caller drives it with the simulated time of each call,
// so the same calls give the same events, byte for byte.
//
// Order entry (`place`, `cancel`, `cancel_all`) only queues a request; it takes effect after the
// configured latency, when the caller next runs `advance` (or a market-data entry point, which
// advances first). Going live, an order is checked as Bybit checks it:
//   - PostOnly crossing the book (BUY >= best ask, SELL <= best bid): Bybit accepts the request,
//     then cancels the order; the sink sees on_ack, then on_cancel("EC_PostOnlyWillTakeLiquidity").
//   - A plain limit that crosses takes the displayed levels up to its price (taker fills at the
//     levels' prices and the taker fee); the rest rests.
//   - Otherwise it rests, with the displayed size at its price as the volume ahead of it.
// Then `on_trade` and `on_book` fill it by the rules of mmbot/venue/sim/fill_model.hpp (prints
// through or at its price after the queue ahead, or the book moving through it), always at its
// own limit price, with the maker fee (negative: rebate) rounded up.
//
// The venue remembers, per symbol, the last l2_book passed to on_book (a pointer, not a copy:
// the book must outlive the venue, as feed::book_set's books do) and uses it when later orders go
// live. For exact go-live checks call `advance(t)` BEFORE applying a message stamped t to the book,
// then `on_book(book, t)`: orders due before t then see the book as it was.
//
// Validation on place (each delivered as on_reject after the place latency): empty or >36
// character orderLinkId, empty or >32 character symbol, price <= 0, qty <= 0, and an orderLinkId
// already open or in flight ("duplicate orderLinkId", Bybit 110072). A cancel of an order that is
// not open gets on_reject("order not exists or too late to cancel", Bybit 110001).
//
// No heap allocation on market data once the reserved capacity (venue_config::reserve_orders)
// covers the open orders: orders live in a flat vector, ids are inline fixed-size text.
//
//   mmbot::venue::sim::simulated_venue v({.place_latency = 5ms, .cancel_latency = 5ms});
//   v.place({"q-1", "BTCUSDT", core::side::buy, px, qty, true}, now);
//   v.advance(ts, sink);        // requests due by ts take effect
//   book.apply(msg.book);
//   v.on_book(book, ts, sink);  // fills from the book moving through resting orders
//   v.on_trade(print, ts, sink);
// Include guards rather than #pragma once: this header and its impl/ include each other, and
// compilers ignore #pragma once in the file they were given, which tools like clang-tidy do.
#ifndef MMBOT_VENUE_SIM_SIMULATED_VENUE_HPP
#define MMBOT_VENUE_SIM_SIMULATED_VENUE_HPP

#include "mmbot/core/fee.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/venue/sim/fill_model.hpp"
#include "mmbot/venue/sim/sink.hpp"
#include "mmbot/venue/sim/types.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::venue::sim {

class simulated_venue {
public:
    /// Throws std::invalid_argument for a negative latency (start-up configuration).
    explicit simulated_venue(const venue_config& cfg = {});

    /// Queues a new order; it goes live (or is rejected) place_latency after `now`.
    void place(const place_request& req, nanoseconds now);
    /// Queues a cancel; it takes effect cancel_latency after `now`.
    void cancel(std::string_view symbol, std::string_view client_order_id, nanoseconds now);
    /// Queues a cancel of every open order of `symbol`. Idempotent: with nothing open it cancels
    /// nothing and reports zero (to a sink that has on_cancel_all).
    void cancel_all(std::string_view symbol, nanoseconds now);

    /// Carries out every queued request due at or before `now`, in time order, and reports them.
    template <class Sink>
    void advance(nanoseconds now, Sink& sink);

    /// Advances to `now`, remembers `book` as its symbol's book, then fills resting orders the
    /// book moved through and shrinks queues. Ignored for matching while the book is not valid()
    /// or is crossed().
    template <class Sink>
    void on_book(const feed::l2_book& book, nanoseconds now, Sink& sink);

    /// The books on_book remembered are gone (their feed ended and was destroyed): forget them,
    /// so requests still queued (an orderly stop's cancels, a placement in flight) are carried out
    /// as before any book (a placement rests with an unknown queue), never against freed memory.
    void forget_books() noexcept {
        for (auto& s : symbols_) s.book = nullptr;
    }

    /// Advances to `now`, then applies one trade print to the resting orders of its symbol.
    template <class Sink>
    void on_trade(const feed::trade& print, nanoseconds now, Sink& sink);

    /// Open orders of `symbol` in the order they went live (views valid until the next call).
    [[nodiscard]] std::vector<order_view> open_orders(std::string_view symbol) const;
    [[nodiscard]] std::size_t open_order_count(std::string_view symbol) const;
    /// Requests queued and not yet carried out.
    [[nodiscard]] std::size_t in_flight() const noexcept { return pending_.size() - head_; }
    [[nodiscard]] const venue_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] const venue_config& config() const noexcept { return cfg_; }
    /// The latest simulated time the venue has seen (time never goes backwards here: an earlier
    /// `now` passed in is read as this time).
    [[nodiscard]] nanoseconds clock() const noexcept { return clock_; }

private:
    struct symbol_state {
        feed::symbol sym;
        const feed::l2_book* book{nullptr};
    };

    struct resting_order {
        order_link_id client_id;
        sim_id venue_id;
        std::uint32_t sym{0};
        core::side side{core::side::buy};
        core::price price{};
        core::quantity qty{};
        core::quantity leaves{};
        core::quantity queue_ahead{};
        bool queue_known{false};
        bool open{true};
        nanoseconds live_since{0};
    };

    enum class action_kind : std::uint8_t { place, reject, cancel, cancel_all };

    struct pending_action {
        nanoseconds at{0};
        action_kind kind{action_kind::place};
        std::uint32_t sym{0};
        order_link_id client_id;
        core::side side{core::side::buy};
        core::price price{};
        core::quantity qty{};
        bool post_only{true};
        std::string reason;  // reject only: built at place(), off the market-data path
    };

    /// Marks an entry point busy for its duration; a re-entrant call from a callback throws.
    class busy_scope {
    public:
        explicit busy_scope(bool& flag);
        ~busy_scope() { flag_ = false; }
        busy_scope(const busy_scope&) = delete;
        busy_scope& operator=(const busy_scope&) = delete;
        busy_scope(busy_scope&&) = delete;
        busy_scope& operator=(busy_scope&&) = delete;

    private:
        bool& flag_;
    };

    void enqueue(pending_action&& a);
    [[nodiscard]] std::uint32_t symbol_index(std::string_view sym);
    /// Index of a known symbol, or npos.
    [[nodiscard]] std::size_t find_symbol(std::string_view sym) const;
    [[nodiscard]] bool link_id_in_use(std::string_view id) const;
    [[nodiscard]] std::string validate(const place_request& req) const;
    [[nodiscard]] order_view view_of(const resting_order& o) const;
    void compact();

    template <class Sink>
    void run_due(nanoseconds now, Sink& sink);
    template <class Sink>
    void go_live(pending_action& a, Sink& sink);
    template <class Sink>
    void take_liquidity(resting_order& o, const feed::l2_book& book, nanoseconds at, Sink& sink);
    template <class Sink>
    void do_cancel(const pending_action& a, Sink& sink);
    template <class Sink>
    void do_cancel_all(const pending_action& a, Sink& sink);
    template <class Sink>
    void execute(resting_order& o, core::price px, core::quantity qty, bool maker,
                 nanoseconds at, Sink& sink);

    /// Starts the outage clock at the first time seen; true when `now` is inside the outage
    /// (the request is then counted and dropped).
    bool lost_in_outage(nanoseconds now) noexcept {
        if (!has_origin_) {
            origin_ = now;
            has_origin_ = true;
        }
        if (cfg_.outage_for <= nanoseconds{0}) return false;
        const auto t = now - origin_;
        if (t < cfg_.outage_after || t >= cfg_.outage_after + cfg_.outage_for) return false;
        ++stats_.lost_in_outage;
        return true;
    }

    venue_config cfg_;
    nanoseconds origin_{0};
    bool has_origin_{false};
    // A deque: adding a symbol (a callback may place on a new one) never moves the text that
    // event views point at.
    std::deque<symbol_state> symbols_;
    std::vector<resting_order> orders_;   // go-live order: time priority among our own orders
    std::vector<pending_action> pending_;  // sorted by time; [0, head_) already carried out
    std::size_t head_{0};
    nanoseconds clock_{0};
    std::uint64_t next_order_{0};
    std::uint64_t next_exec_{0};
    sim_id exec_text_;  // the exec id of the fill being reported
    venue_stats stats_;
    bool busy_{false};
};

}  // namespace mmbot::venue::sim

#include "mmbot/venue/sim/impl/simulated_venue.hpp"

#endif  // MMBOT_VENUE_SIM_SIMULATED_VENUE_HPP
