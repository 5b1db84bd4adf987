// mmbot/engine/execution_loop.hpp
//
// The execution loop: market data in, orders out, fills back. One instance trades every symbol of
// a run; every environment (shadow, testnet, live) runs this same code against its own venue.
//
// The order path (docs/architecture.md):
//   on_book -> quoter (fair price, spread, skew, requote rules) -> maker policy (grid, post-only,
//   never cross) -> risk gate (first freeze, else first block) -> journal (written BEFORE send)
//   -> order store -> venue.place
// and back: venue -> on_ack / on_fill / on_cancel / on_reject -> journal -> order store ->
// positions -> risk state. Every blocked intent is counted by reason and logged as one JSON line.
//
// A freeze (from any risk check, the kill switch or an operator) moves the state machine to FREEZE,
// cancels every open order (idempotent: a second cancel-all while cancels are in flight sends
// nothing and counts a duplicate operation) and stops quoting until unfrozen.
//
//   execution_loop<sim_venue, shadow_gate, logger_t> loop{venue, journal, std::move(store), ...};
//   loop.start(now);
//   loop.on_book("BTCUSDT", top, now);        // after each book update
//   venue.advance(now, loop);                 // the loop is the venue's event sink
//   loop.shutdown("end_of_feed", now);
#pragma once

#include "mmbot/core/filters.hpp"
#include "mmbot/core/node_pool.hpp"
#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/detail/kept_event.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/engine/order.hpp"
#include "mmbot/engine/order_store.hpp"
#include "mmbot/engine/positions.hpp"
#include "mmbot/engine/run_observer.hpp"
#include "mmbot/engine/state_machine.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/policy/maker_policy.hpp"
#include "mmbot/risk/detail/exposure.hpp"
#include "mmbot/risk/hooks.hpp"
#include "mmbot/risk/monitor.hpp"
#include "mmbot/strategy/quoter.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <array>
#include <concepts>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mmbot::engine {

/// Everything the loop needs to know about one symbol.
struct symbol_setup {
    core::instrument_filters filters;
    risk::symbol_limits limits;
    strategy::quoter_params quoting;
};

struct engine_options {
    policy::maker_params maker;
    risk::global_limits global;
    /// Automatic unfreeze after this long; zero = only an operator unfreezes.
    std::chrono::nanoseconds freeze_cool_down{0};
    /// Cancel until confirmed (retry_unconfirmed_cancels). Frozen or stopping: every open order
    /// is swept with cancel-all after this long, then at doubling intervals up to 8x (Bybit
    /// allows one linear cancel-all per second). Quoting: a cancel the venue refused goes again
    /// at the next tick, one with no answer at all after 10x this. Repeats are always safe:
    /// cancels are idempotent.
    std::chrono::nanoseconds cancel_retry_after{std::chrono::seconds(1)};
    /// Terminal orders are dropped from memory this long after they closed (the journal keeps
    /// them): a run's memory then follows its open orders, not its age. Long enough for any late
    /// event about a closed order (a fill matched just before its cancel) to find it.
    std::chrono::nanoseconds closed_order_retention{std::chrono::seconds(60)};
    /// Orders held at once (open, or closed within the retention) and fills of them that the
    /// order store and positions make room for at start (about 1 MB): within it, the order path
    /// allocates nothing from the first order on; beyond it, it allocates until pruning frees
    /// records to reuse.
    std::size_t reserve_orders = 1024;
};

/// The predecessor's statistics, plus what the report needs.
struct engine_stats {
    std::int64_t orders_placed = 0;
    std::int64_t orders_filled = 0;  ///< orders that reached FILLED
    std::int64_t orders_cancelled = 0;
    std::int64_t orders_rejected = 0;
    std::int64_t orders_blocked = 0;
    /// Venue events the order store had already applied (a push repeated, or an ack, fill or
    /// cancel reported by two channels: normal on testnet), ignored.
    std::int64_t duplicate_events = 0;
    /// Cancels not sent again because one for the same order is still pending (cancel_all and
    /// requotes asking for an order already being cancelled).
    std::int64_t cancels_already_pending = 0;
    /// Fills for an order the store does not know: never applied; each also logs
    /// `fill_for_unknown_order` at ERROR. The one of these counters that means a fault.
    std::int64_t fills_for_unknown_orders = 0;
    std::int64_t fills = 0;  ///< executions (a partially filled order has several)
    std::int64_t cancel_all_requests = 0;
    std::int64_t requotes = 0;
    /// Times a symbol's resting quotes were cancelled because its book went stale.
    std::int64_t stale_quote_pulls = 0;
    /// Cancels (or cancel-alls) sent again because the venue had not confirmed the first.
    std::int64_t cancel_retries = 0;
    /// Cancels the venue refused or that failed after the gateway's own retries.
    std::int64_t cancel_failures = 0;
    std::map<std::string, std::int64_t, std::less<>> blocked_by_reason;
};

/// A venue's fill as the loop consumes it (the simulator's and the Bybit adapter's both fit).
template <class F>
concept venue_fill = requires(const F& f) {
    { f.client_order_id } -> std::convertible_to<std::string_view>;
    { f.exec_id } -> std::convertible_to<std::string_view>;
    { f.price } -> std::convertible_to<core::price>;
    { f.qty } -> std::convertible_to<core::quantity>;
    { f.fee } -> std::convertible_to<core::notional>;
    { f.at } -> std::convertible_to<std::chrono::nanoseconds>;
};

/// What the loop asks of its quoter: built from a symbol's quoter_params, it decides each side.
template <class Q>
concept quoter_type = std::constructible_from<Q, const strategy::quoter_params&> &&
                      std::is_copy_assignable_v<Q> && requires(Q& q, const strategy::quoter_input& in) {
                          { q.decide(in) } -> std::same_as<strategy::quote_decision>;
                      };

/// What the loop asks of its maker policy: put a desired order on the grid (or block it, with a
/// reason it can label).
template <class P>
concept maker_policy_type = requires(const policy::maker_params& params, const core::instrument_filters& f,
                                     const core::quantity& q, const core::price& ref,
                                     const policy::top_of_book& top, policy::block_reason r) {
    { P::decide(params, f, core::side::buy, q, ref, top) } -> std::same_as<policy::maker_decision>;
    { P::label(r) } -> std::convertible_to<std::string_view>;
};

/// The loop composed at compile time from its venue, risk gate, logger, quoter and maker policy
/// (each binary picks them in targets/; a test composes its own).
template <class Venue, class Gate, class Logger, class Quoter = strategy::quoter,
          class Policy = policy::post_only_maker>
class execution_loop {
    static_assert(venue::order_venue<Venue>,
                  "execution_loop: Venue needs place(const venue::order_request&, ns), "
                  "cancel(symbol, client_order_id, ns) and cancel_all(symbol, ns)");
    static_assert(quoter_type<Quoter>,
                  "execution_loop: Quoter needs a constructor from const strategy::quoter_params&, "
                  "copy assignment and strategy::quote_decision decide(const strategy::quoter_input&)");
    static_assert(maker_policy_type<Policy>,
                  "execution_loop: Policy needs static maker_decision decide(params, filters, side, qty, "
                  "ref, top_of_book) and static label(block_reason) -> string_view");

public:
    using timestamp = std::chrono::nanoseconds;

    execution_loop(Venue& venue, journal& journal, order_store store, position_book positions,
                   engine_options options, const std::map<std::string, symbol_setup, std::less<>>& symbols,
                   obs::mm_metrics& metrics, Logger& log, client_order_id_generator ids)
        : venue_(venue),
          journal_(journal),
          store_(std::move(store)),
          positions_(std::move(positions)),
          options_(std::move(options)),
          monitor_(Gate{}, options_.freeze_cool_down),
          metrics_(metrics),
          log_(log),
          ids_(std::move(ids)),
          state_([this](bot_state from, bot_state to, std::string_view why) {
              log_.info("state_transition", {{"from", to_string(from)}, {"to", to_string(to)},
                                             {"reason", why}});
              (void)metrics_.set_state(lower_state_name(to));
              if (observer_ != nullptr) observer_->on_state(to, now_);
          }) {
        for (const auto& [name, setup] : symbols) {
            symbols_.emplace(name, symbol_state{setup, metrics_.for_symbol(name)});
        }
        store_.reserve(options_.reserve_orders, options_.reserve_orders);
        positions_.reserve(options_.reserve_orders);
        constexpr std::size_t in_flight = 64;  // cancels pending at once, open orders at a tick
        pending_nodes_.reserve(in_flight, std::string(max_order_link_id_chars, 'x'), timestamp{});
        open_snapshot_.reserve(in_flight);
        monitor_.on_freeze([this](const risk::freeze_event& e) { handle_freeze(e); });
        metrics_.maker_only_enabled.set(std::int64_t{options_.maker.maker_only ? 1 : 0});
    }

    execution_loop(const execution_loop&) = delete;
    execution_loop& operator=(const execution_loop&) = delete;

    /// Someone drawing the run (engine/run_observer.hpp); null: nobody. Not owned.
    void observe(run_observer* o) noexcept { observer_ = o; }

    /// INIT -> RUNNING.
    void start(timestamp now) {
        now_ = now;
        (void)state_.transition(bot_state::running, "start");
        metrics_.execution_healthy.set(std::int64_t{1});
    }

    // ------------------------------------------------------------------------------ market data

    /// A book changed: remember the top, run the risk state checks, then requote the symbol.
    /// A crossed or locked top (bid >= ask) is a data fault, not a market: the quotes resting on
    /// it are pulled and the book counts as not updated (no mark, no requote; stale_market_data
    /// keeps new orders blocked), until a top that is not crossed arrives.
    void on_book(std::string_view symbol, const strategy::market_top& top, timestamp now) {
        now_ = now;
        auto* s = find(symbol);
        if (s == nullptr) return;
        if (top.bid && top.ask && top.bid->px >= top.ask->px) {
            pull_quotes(*s, "book_crossed");
            return;
        }
        s->top = top;
        s->last_book_update = now;
        if (top.bid && top.ask) {
            s->mid = mid_of(top.bid->px, top.ask->px);
            if (observer_ != nullptr) observer_->on_book(symbol, top.bid->px, top.ask->px, s->mid, now);
        }
        s->metrics.market_data_age.set(std::chrono::nanoseconds{0});
        monitor_.hooks().on(risk::book_seen{symbol, now});
        (void)monitor_.on_tick(view_of(*s), bot_view());
        if (state_.quoting()) requote(*s);
    }

    /// Periodic work with no new book: risk state checks (stale data, latency, losses), pulling
    /// the quotes of a symbol whose book went stale, the freeze cool-down and the journal's
    /// interval sync.
    void on_tick(timestamp now) {
        now_ = now;
        if (monitor_.cool_down(now)) leave_freeze();
        for (auto& [name, s] : symbols_) {
            const auto age = now - s.last_book_update;
            if (s.last_book_update.count() > 0) {
                s.metrics.market_data_age.set(std::chrono::nanoseconds(age));
                if (age > s.setup.limits.stale_after) pull_stale_quotes(s, age);
            }
            (void)monitor_.on_tick(view_of(s), bot_view());
        }
        if (state_.state() == bot_state::freeze && !monitor_.frozen()) {
            (void)state_.transition(bot_state::running, "cool_down_elapsed");
        }
        retry_unconfirmed_cancels(now);
        (void)store_.prune_closed(now - options_.closed_order_retention,
                                  [this](const std::string& exec_id) { positions_.forget_exec_id(exec_id); });
        if (auto r = journal_.sync_if_due(); !r) journal_failure(r.error());
    }

    /// A fact from outside the loop for the checks that hook it (risk/hooks.hpp; a shard's
    /// portfolio view, risk/portfolio.hpp): handed to the gate, then the state checks run at once,
    /// as for a book, so a breach freezes on this turn rather than on the next tick.
    template <class Event>
    void notify_checks(const Event& e, timestamp now) {
        now_ = now;
        monitor_.hooks().on(e);
        for (const auto& [name, s] : symbols_) (void)monitor_.on_tick(view_of(s), bot_view());
    }

    /// Cancel until confirmed. A cancel can be lost (timeout, disconnect, venue outage) or
    /// refused; the order is then still live on the venue. Frozen or stopping, every open order
    /// must go: each symbol with one gets a cancel-all, repeated with backoff (see
    /// engine_options::cancel_retry_after) until nothing is open. Quoting, a refused cancel is
    /// sent again at once and an unanswered one after 10 x cancel_retry_after (a venue adapter
    /// reports its own failures, so silence that long means the request was lost). Called from
    /// on_tick, and by a runner's shutdown loop until nothing is open. Returns how many orders
    /// were covered.
    std::int64_t retry_unconfirmed_cancels(timestamp now) {
        now_ = now;
        if (store_.open_count() == 0) {
            sweep_interval_ = options_.cancel_retry_after;
            return 0;
        }
        const bool sweeping = !state_.quoting() && state_.state() != bot_state::init;
        if (sweeping && now - last_sweep_ < sweep_interval_) return 0;
        const auto overdue_after = sweeping ? sweep_interval_ : options_.cancel_retry_after * 10;
        std::int64_t covered = 0;
        std::set<std::string, std::less<>> sweep_symbols;  // copies: a venue may answer at once
        // A snapshot of the open orders (a venue may answer at once), in a buffer kept between
        // ticks: this runs every tick while quoting, and must not allocate there.
        store_.open_orders(open_snapshot_);
        for (const order* o : open_snapshot_) {
            auto it = pending_cancel_.find(o->client_order_id);
            if (it == pending_cancel_.end()) {
                if (!sweeping) continue;  // a live quote, or an order placed by hand
                start_cancel(o->client_order_id, now);
            } else if (it->second != refused && now - it->second < overdue_after) {
                continue;
            } else {
                it->second = now;
                ++stats_.cancel_retries;
                if (!sweeping) venue_.cancel(o->symbol, o->client_order_id, now);
            }
            if (sweeping) sweep_symbols.insert(o->symbol);
            ++covered;
        }
        if (sweeping && !sweep_symbols.empty()) {
            for (const auto& sym : sweep_symbols) venue_.cancel_all(sym, now);
            last_sweep_ = now;
            sweep_interval_ = std::min(sweep_interval_ * 2, options_.cancel_retry_after * 8);
        }
        if (covered > 0) {
            log_.warn("cancel_retry", {{"orders", covered},
                                       {"cancel_all_symbols", static_cast<std::int64_t>(sweep_symbols.size())}});
        }
        return covered;
    }

    // ---------------------------------------------------------------------------------- orders

    /// Places one order through the maker policy and the risk gate. Returns the client order id,
    /// or nothing when it was blocked (the reason is counted and logged).
    std::optional<std::string> place(std::string_view symbol, core::side side,
                                     const core::quantity& qty, const core::price& ref) {
        auto* s = find(symbol);
        if (s == nullptr || !state_.quoting()) return std::nullopt;
        const order* o = place_on(*s, side, qty, ref);
        return o == nullptr ? std::nullopt : std::optional<std::string>(o->client_order_id);
    }

    /// Cancels every open order. Idempotent: orders whose cancel is already in flight are not
    /// cancelled again (each counts in cancels_already_pending). Returns how many
    /// cancels were sent.
    std::int64_t cancel_all(std::string_view reason, timestamp now) {
        now_ = now;
        ++stats_.cancel_all_requests;
        std::int64_t sent = 0;
        std::set<std::string, std::less<>> symbols_touched;
        for (const order* o : store_.open_orders()) {
            if (pending_cancel_.contains(o->client_order_id)) {
                ++stats_.cancels_already_pending;
                continue;
            }
            start_cancel(o->client_order_id, now);
            cancelled_by_all_.emplace(o->client_order_id);
            symbols_touched.insert(o->symbol);
            ++sent;
        }
        for (const auto& sym : symbols_touched) venue_.cancel_all(sym, now);
        log_.warn("cancel_all", {{"reason", reason}, {"orders", sent}});
        return sent;
    }

    /// The kill switch and operator freezes: same path as a risk check's freeze. A kill switch's
    /// reason is release::operator_only: no cool-down ends it.
    void freeze(const risk::freeze_reason& reason, timestamp now) {
        now_ = now;
        monitor_.freeze_manually(reason, now);
    }
    /// A freeze the cool-down may end (an unresolved create).
    void freeze(std::string_view reason, timestamp now) {
        freeze(risk::freeze_reason{reason, risk::release::cool_down}, now);
    }

    /// Operator action: leave FREEZE and quote again.
    bool unfreeze(timestamp now) {
        now_ = now;
        if (!monitor_.unfreeze()) return false;
        leave_freeze();
        (void)state_.transition(bot_state::running, "operator_unfreeze");
        return true;
    }

    /// Graceful stop: cancel everything, sync the journal, SHUTDOWN.
    void shutdown(std::string_view reason, timestamp now) {
        if (state_.state() == bot_state::shutdown) return;
        cancel_all(reason, now);
        if (auto r = journal_.sync(); !r) journal_failure(r.error());
        (void)state_.transition(bot_state::shutdown, reason);
        metrics_.execution_healthy.set(std::int64_t{0});
    }

    /// The venue changed a symbol's filters (tick, step, limits): its resting quotes are pulled and
    /// the next ones are priced on the new grid. Orders already sent stay valid at the venue.
    void apply_filters(std::string_view symbol, const core::instrument_filters& f, timestamp now) {
        auto* s = find(symbol);
        if (s == nullptr) return;
        now_ = now;
        s->setup.filters = f;
        pull_quotes(*s, "filters_changed");
    }

    /// Hot reload: new limits and strategy parameters for known symbols (filters change only
    /// through apply_filters).
    void apply_limits(const std::map<std::string, symbol_setup, std::less<>>& next,
                      const engine_options& options) {
        options_.maker = options.maker;
        options_.global = options.global;
        for (const auto& [name, setup] : next) {
            if (auto* s = find(name)) {
                s->setup.limits = setup.limits;
                s->setup.quoting = setup.quoting;
                s->quoter = Quoter(setup.quoting);
            }
        }
        metrics_.maker_only_enabled.set(std::int64_t{options_.maker.maker_only ? 1 : 0});
        log_.info("limits_reloaded", {{"symbols", static_cast<std::int64_t>(next.size())}});
    }

    // ------------------------------------------------------------------ venue events (the sink)

    void on_ack(std::string_view client_order_id, std::string_view venue_order_id, timestamp at) {
        const order* o = store_.find(client_order_id);
        risk::acked_order ack{client_order_id, std::nullopt, options_.global.ack_latency_window, at};
        if (o != nullptr && o->created_at.count() > 0) {
            ack.latency = at - o->created_at;
            place_latency_.observe(*ack.latency);
        }
        detail::kept_event<order_ack>::lease e(acks_);
        e->client_order_id.assign(client_order_id);
        e->venue_order_id.assign(venue_order_id);
        e->at = at;
        record(*e);
        monitor_.hooks().on(ack);
    }

    void on_reject(std::string_view client_order_id, std::string_view reason, timestamp at) {
        detail::kept_event<order_reject>::lease e(rejects_);
        e->client_order_id.assign(client_order_id);
        e->reason.assign(reason);
        e->at = at;
        if (record(*e)) {
            ++stats_.orders_rejected;
            metrics_.venue_errors.with({reason}).inc();
            log_.warn("order_rejected", {{"client_order_id", client_order_id}, {"reason", reason}});
        }
        forget(client_order_id);
    }

    /// The venue refused a cancel, or it failed after the gateway's retries: the order may still
    /// be live. It stays pending, due again at the next tick (retry_unconfirmed_cancels).
    void on_cancel_failed(std::string_view client_order_id, std::string_view reason, timestamp at) {
        now_ = at;
        ++stats_.cancel_failures;
        metrics_.venue_errors.with({reason}).inc();
        log_.warn("cancel_failed", {{"client_order_id", client_order_id}, {"reason", reason}});
        const order* o = store_.find(client_order_id);
        if (o == nullptr || !o->is_open()) return;
        if (const auto it = pending_cancel_.find(client_order_id); it != pending_cancel_.end()) {
            it->second = refused;
        } else {
            pending_nodes_.emplace(pending_cancel_, client_order_id, refused);
        }
    }

    void on_cancel(std::string_view client_order_id, std::string_view reason, timestamp at) {
        observe_cancel_latency(client_order_id, at);
        const order* o = store_.find(client_order_id);
        feed::symbol symbol;  // a copy without the heap: the record may prune nothing, but be safe
        if (o != nullptr) (void)symbol.assign(o->symbol);
        detail::kept_event<order_cancel>::lease e(cancels_);
        e->client_order_id.assign(client_order_id);
        e->reason.assign(reason);
        e->at = at;
        if (record(*e)) {
            ++stats_.orders_cancelled;
            if (auto* s = find(symbol.view())) s->metrics.cancelled.inc();
        }
        forget(client_order_id);
    }

    /// Applies a venue fill; true when it changed the position (false: a repeated execution id,
    /// an unknown order, or a fill the store or the journal refused).
    template <venue_fill Fill>
    bool on_fill(const Fill& f) {
        const order* o = store_.find(f.client_order_id);
        if (o == nullptr) {
            ++stats_.fills_for_unknown_orders;  // not ours (or long gone): never applied blindly
            log_.error("fill_for_unknown_order", {{"client_order_id", f.client_order_id},
                                                  {"exec_id", f.exec_id}});
            return false;
        }
        detail::kept_event<order_fill>::lease kept(fills_);
        order_fill& fill = *kept;
        fill.client_order_id.assign(f.client_order_id);
        fill.exec_id.assign(f.exec_id);
        fill.symbol.assign(o->symbol);
        fill.side = o->side;
        fill.price = f.price;
        fill.qty = f.qty;
        fill.fee = f.fee;
        fill.at = f.at;
        const std::string_view symbol = fill.symbol;
        const core::side side = o->side;
        const bool late = o->status == order_status::cancelled;
        if (!record(fill)) return false;  // a repeated exec id is refused here: the checks hear each fill once
        monitor_.hooks().on(risk::filled_order{fill.client_order_id, fill.symbol, fill.at});
        if (late) {
            // Matched at the venue before our cancel took effect there: real, so applied.
            log_.warn("late_fill", {{"client_order_id", f.client_order_id}, {"exec_id", f.exec_id},
                                    {"qty", f.qty}, {"price", f.price}});
        }
        auto change = positions_.apply(fill);
        if (!change) {
            log_.error("position_update_failed", {{"error", change.error().message}});
            return false;
        }
        ++stats_.fills;
        auto* s = find(symbol);
        if (s == nullptr) return true;
        const order* after = store_.find(f.client_order_id);
        if (after != nullptr && after->status == order_status::filled) {
            ++stats_.orders_filled;
            s->metrics.filled(side).inc();
            ++s->orders_filled;
            forget(f.client_order_id);
        }
        publish_position(*s);
        log_.info("fill", {{"symbol", symbol}, {"side", to_string(side)}, {"price", f.price},
                           {"qty", f.qty}, {"fee", f.fee}, {"exec_id", f.exec_id}});
        if (const position* p = positions_.find(symbol); observer_ != nullptr && p != nullptr) {
            observer_->on_fill(symbol, side, f.price, f.qty, f.fee, *p, fill.at);
        }
        (void)monitor_.on_tick(view_of(*s), bot_view());
        return true;
    }

    // -------------------------------------------------------------------------------- queries

    [[nodiscard]] const engine_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] const order_store& store() const noexcept { return store_; }
    [[nodiscard]] const position_book& positions() const noexcept { return positions_; }
    [[nodiscard]] const risk::monitor<Gate>& monitor() const noexcept { return monitor_; }
    [[nodiscard]] bot_state state() const noexcept { return state_.state(); }
    [[nodiscard]] const engine_options& options() const noexcept { return options_; }

    /// Latest mid per symbol (zero before the first two-sided book).
    [[nodiscard]] std::map<std::string, core::price, std::less<>> marks() const {
        std::map<std::string, core::price, std::less<>> m;
        for (const auto& [name, s] : symbols_) m.emplace(name, s.mid);
        return m;
    }
    /// Orders placed and fully filled per symbol (the report's fill rate).
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> order_counts(std::string_view symbol) const {
        const auto it = symbols_.find(symbol);
        return it == symbols_.end() ? std::pair<std::int64_t, std::int64_t>{0, 0}
                                    : std::pair{it->second.orders_placed, it->second.orders_filled};
    }
    /// What the risk checks see at `now`, per symbol, and for the whole bot (an operator's status).
    [[nodiscard]] std::vector<risk::symbol_view> risk_views() const {
        std::vector<risk::symbol_view> views;
        views.reserve(symbols_.size());
        for (const auto& [name, s] : symbols_) views.push_back(view_of(s));
        return views;
    }
    [[nodiscard]] risk::bot_view risk_bot_view(timestamp now) const { return bot_view_at(now); }
    /// The first state check that would freeze the bot at `now`, if any: an operator's unfreeze
    /// is refused while the condition that froze the bot still holds. Nothing is recorded.
    [[nodiscard]] std::optional<risk::verdict> breaking_condition(timestamp now) const {
        const risk::bot_view b = bot_view_at(now);
        // Judged as the unfreeze would leave them: a check's evidence from before the pause (the
        // ack latencies of the venue_latency window) is reset by the resumed event, so it cannot refuse.
        Gate resumed = monitor_.gate();
        resumed.on(risk::resumed{now});
        for (const auto& [name, s] : symbols_) {
            const risk::verdict v = resumed.check_state(view_of(s), b);
            if (v.act == risk::action::freeze) return v;
        }
        return std::nullopt;
    }
    /// Market data fresh for every symbol (the /ready probe).
    [[nodiscard]] bool market_data_fresh(timestamp now) const {
        for (const auto& [name, s] : symbols_) {
            if (s.last_book_update.count() == 0 || now - s.last_book_update > s.setup.limits.stale_after) {
                return false;
            }
        }
        return true;
    }

private:
    /// Leaving FREEZE (cool-down or operator): the ack latencies in the window were measured
    /// before the pause and no order was sent since, so nothing would ever replace them; the
    /// venue is judged again on the acks of the orders sent from now on.
    void leave_freeze() { monitor_.hooks().on(risk::resumed{now_}); }

    struct live_slot {
        feed::bounded_string<max_order_link_id_chars> client_order_id;  // no heap: a slot per requote
        strategy::live_quote quote;
    };

    struct symbol_state {
        symbol_state(symbol_setup s, const obs::symbol_metrics& m)
            : setup(std::move(s)), quoter(setup.quoting), metrics(m) {}
        symbol_setup setup;
        Quoter quoter;
        obs::symbol_metrics metrics;
        strategy::market_top top;
        core::price mid;
        timestamp last_book_update{0};
        std::optional<live_slot> bid;
        std::optional<live_slot> ask;
        std::int64_t orders_placed = 0;
        std::int64_t orders_filled = 0;
        /// The symbol's position once it has one (map nodes never move; positions are never
        /// erased): view_of runs several times per book update and must not search each time.
        mutable const position* pos = nullptr;
        /// mm_orders_blocked_total{symbol, reason} handles resolved so far (a few reasons).
        std::vector<std::pair<std::string, obs::counter*>> blocked_counters;
    };

    [[nodiscard]] static std::string_view lower_state_name(bot_state s) noexcept {
        switch (s) {
            case bot_state::init: return "init";
            case bot_state::running: return "running";
            case bot_state::freeze: return "freeze";
            case bot_state::shutdown: return "shutdown";
        }
        return "init";
    }

    [[nodiscard]] static core::price mid_of(const core::price& bid, const core::price& ask) {
        // Rounded down to 1e-8: the mid is a mark and a reference, never an order price.
        return core::price::from_raw(core::detail::div_floor(bid.raw() + ask.raw(), std::int64_t{2}));
    }

    symbol_state* find(std::string_view symbol) {
        const auto it = symbols_.find(symbol);
        return it == symbols_.end() ? nullptr : &it->second;
    }

    [[nodiscard]] const position* position_of(const symbol_state& s) const {
        if (s.pos == nullptr) s.pos = positions_.find(s.setup.filters.symbol);
        return s.pos;
    }

    [[nodiscard]] core::quantity qty_of(const symbol_state& s) const {
        const position* p = position_of(s);
        return p == nullptr ? core::quantity{} : p->qty;
    }

    [[nodiscard]] risk::symbol_view view_of(const symbol_state& s) const {
        risk::symbol_view v;
        v.symbol = s.setup.filters.symbol;
        v.mid = s.mid;
        if (const position* p = position_of(s)) {
            v.position = p->qty;
            v.realized_pnl = p->realized_pnl - p->fees;
            if (s.mid.is_positive()) v.unrealized_pnl = p->unrealized_pnl(s.mid);
        }
        v.last_book_update = s.last_book_update;
        v.limits = &s.setup.limits;
        return v;
    }

    [[nodiscard]] risk::bot_view bot_view() const { return bot_view_at(now_); }
    [[nodiscard]] risk::bot_view bot_view_at(timestamp now) const {
        risk::bot_view b;
        b.now = now;
        for (const auto& [name, s] : symbols_) {
            const auto v = view_of(s);
            b.total_pnl += v.realized_pnl + v.unrealized_pnl;
        }
        b.limits = &options_.global;
        return b;
    }

    void requote(symbol_state& s) {
        strategy::quoter_input in;
        in.top = s.top;
        in.position = qty_of(s);
        in.now = now_;
        if (s.bid) in.bid = s.bid->quote;
        if (s.ask) in.ask = s.ask->quote;
        const strategy::quote_decision d = s.quoter.decide(in);
        act(s, d.bid, s.bid);
        if (state_.quoting()) act(s, d.ask, s.ask);
    }

    void act(symbol_state& s, const strategy::side_decision& d, std::optional<live_slot>& slot) {
        using strategy::quote_action;
        if (d.action == quote_action::replace || d.action == quote_action::cancel) {
            if (slot) {
                cancel_one(s.setup.filters.symbol, slot->client_order_id.view());
                slot.reset();
            }
        }
        if (d.action == quote_action::place || d.action == quote_action::replace) {
            if (d.action == quote_action::replace) ++stats_.requotes;
            if (const order* o = place_on(s, d.intent.side, d.intent.qty, d.intent.ref)) {
                slot.emplace(live_slot{{}, strategy::live_quote{d.intent.ref, o->price, now_}});
                (void)slot->client_order_id.assign(o->client_order_id);  // <= 36: the store checked it
            }
        }
    }

    /// The stale-data guard's other half: stale_market_data blocks new orders, and quotes already
    /// resting on a book we can no longer see are cancelled (a free option for everyone else).
    /// Once per stale episode; quoting resumes with the next book.
    void pull_stale_quotes(symbol_state& s, timestamp age) {
        if (!s.bid && !s.ask) return;
        const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(age).count();
        log_.warn("quotes_pulled", {{"symbol", std::string_view{s.setup.filters.symbol}},
                                    {"reason", std::string_view{"stale_market_data"}},
                                    {"book_age_ms", std::int64_t{age_ms}}});
        ++stats_.stale_quote_pulls;
        for (auto* slot : {&s.bid, &s.ask}) {
            if (*slot) {
                cancel_one(s.setup.filters.symbol, (*slot)->client_order_id.view());
                slot->reset();
            }
        }
    }

    /// Cancels the symbol's quotes at once (the book under them is not usable), logged once.
    void pull_quotes(symbol_state& s, std::string_view reason) {
        if (!s.bid && !s.ask) return;
        log_.warn("quotes_pulled", {{"symbol", std::string_view{s.setup.filters.symbol}}, {"reason", reason}});
        for (auto* slot : {&s.bid, &s.ask}) {
            if (*slot) {
                cancel_one(s.setup.filters.symbol, (*slot)->client_order_id.view());
                slot->reset();
            }
        }
    }

    void cancel_one(std::string_view symbol, std::string_view client_order_id) {
        if (pending_cancel_.contains(client_order_id)) {
            ++stats_.cancels_already_pending;
            return;
        }
        const order* o = store_.find(client_order_id);
        if (o == nullptr || !o->is_open()) return;
        start_cancel(client_order_id, now_);
        venue_.cancel(symbol, client_order_id, now_);
    }

    /// The first cancel of an order: pending until its end is confirmed, and the checks hear of
    /// it (venue_latency waits for the answer).
    void start_cancel(std::string_view client_order_id, timestamp at) {
        pending_nodes_.emplace(pending_cancel_, client_order_id, at);
        monitor_.hooks().on(risk::cancel_sent{client_order_id, at});
    }

    /// The placed order's record in the store, or null when the intent was blocked or not
    /// journaled.
    const order* place_on(symbol_state& s, core::side side, const core::quantity& qty, const core::price& ref) {
        const auto& f = s.setup.filters;
        detail::kept_event<new_order>::lease kept(placements_);
        new_order& n = *kept;
        // Every intent has its id from the start, so a blocked one is named in its log line too.
        ids_.next(n.client_order_id);
        const std::string_view id = n.client_order_id;
        if (!s.top.bid || !s.top.ask) {
            block(s, id, side, "no_market", ref, qty);
            return nullptr;
        }
        const policy::top_of_book top{s.top.bid->px, s.top.ask->px};
        const policy::maker_decision d = Policy::decide(options_.maker, f, side, qty, ref, top);
        if (!d.allowed()) {
            block(s, id, side, Policy::label(d.reason), ref, qty);
            return nullptr;
        }
        if (d.price_adjusted) {
            s.metrics.post_only_adjustments(side).inc();
        }
        const risk::order_intent intent{f.symbol, side, d.price, d.qty};
        const risk::verdict v = monitor_.check_order(intent, view_of(s), bot_view());
        if (!v.passed()) {
            block(s, id, side, v.reason, d.price, d.qty, &v);
            return nullptr;
        }
        publish_edge(s, intent);

        // Journal first: an order that is not on disk is never sent.
        n.symbol.assign(f.symbol);
        n.side = side;
        n.price = d.price;
        n.qty = d.qty;
        n.at = now_;
        if (!record(n)) return nullptr;
        const venue::order_request req{n.client_order_id, f.symbol, side, d.price, d.qty,
                                       options_.maker.maker_only, f.price_digits, f.qty_digits};
        monitor_.hooks().on(risk::sent_order{n.client_order_id, f.symbol, now_});
        venue_.place(req, now_);
        ++stats_.orders_placed;
        ++s.orders_placed;
        s.metrics.placed(side).inc();
        publish_fill_rate(s);
        log_.debug("order_placed", {{"client_order_id", n.client_order_id}, {"symbol", f.symbol},
                                    {"side", to_string(side)}, {"price", d.price}, {"qty", d.qty}});
        if (observer_ != nullptr) observer_->on_placed(f.symbol, side, d.price, now_);
        return store_.find(n.client_order_id);
    }

    void block(symbol_state& s, std::string_view client_order_id, core::side side, std::string_view reason,
               const core::price& price, const core::quantity& qty, const risk::verdict* v = nullptr) {
        ++stats_.orders_blocked;
        auto it = stats_.blocked_by_reason.find(reason);
        if (it == stats_.blocked_by_reason.end()) {
            it = stats_.blocked_by_reason.emplace(std::string(reason), 0).first;
        }
        ++it->second;
        blocked_counter(s, reason).inc();
        log_.warn("order_blocked",
                  {{"client_order_id", client_order_id},
                   {"symbol", s.setup.filters.symbol},
                   {"side", to_string(side)},
                   {"reason", reason},
                   {"price", price},
                   {"qty", qty},
                   {"min_qty_required", core::mul(s.setup.filters.min_qty, options_.maker.min_qty_pad, core::rounding::up)},
                   {"observed", v != nullptr ? v->observed.view() : std::string_view{}},
                   {"limit", v != nullptr ? v->limit.view() : std::string_view{}}});
    }

    /// The symbol's mm_orders_blocked_total handle for `reason`, resolved once (with() takes the
    /// registry's lock and allocates).
    obs::counter& blocked_counter(symbol_state& s, std::string_view reason) {
        for (const auto& [r, c] : s.blocked_counters) {
            if (r == reason) return *c;
        }
        obs::counter& c = metrics_.orders_blocked.with({s.setup.filters.symbol, reason});
        s.blocked_counters.emplace_back(std::string(reason), &c);
        return c;
    }

    void handle_freeze(const risk::freeze_event& e) {
        metrics_.freeze_events.with({e.reason}).inc();
        log_.error("freeze", {{"reason", e.reason}, {"symbol", e.symbol},
                              {"observed", e.observed}, {"limit", e.limit}});
        if (observer_ != nullptr) observer_->on_freeze(e.reason, now_);
        if (state_.state() == bot_state::running) {
            (void)state_.transition(bot_state::freeze, e.reason);
        }
        for (auto& [name, s] : symbols_) {
            s.bid.reset();
            s.ask.reset();
        }
        cancel_all(e.reason, now_);
    }

    /// Journals then applies an event; false when it was a duplicate or failed (logged).
    template <class Event>
    bool record(const Event& e) {
        // Per event type: no order_event variant, which would copy every string of the event.
        auto checked = store_.check(e);
        if (!checked) {
            log_.error("order_event_refused", {{"client_order_id", e.client_order_id},
                                               {"error", checked.error().message}});
            return false;
        }
        if (*checked == apply_outcome::duplicate) {
            ++stats_.duplicate_events;
            return false;
        }
        if (auto j = journal_.append(e); !j) {
            journal_failure(j.error());
            return false;
        }
        metrics_.journal_writes.inc();
        auto applied = store_.apply(e);
        return applied && *applied == apply_outcome::applied;
    }

    void journal_failure(const core::error& e) {
        log_.error("journal_failure", {{"error", e.message}});
        monitor_.freeze_manually("journal_failure", now_);
    }

    /// A confirmed cancel's venue round trip, from when it was (last) sent: under `cancel_all`
    /// when a cancel-all asked for it, else `cancel` (mm_execution_latency_seconds{operation}).
    void observe_cancel_latency(std::string_view client_order_id, timestamp at) {
        const auto it = pending_cancel_.find(client_order_id);
        if (it == pending_cancel_.end() || it->second == refused || at < it->second) return;
        const bool by_all = cancelled_by_all_.contains(client_order_id);
        (by_all ? cancel_all_latency_ : cancel_latency_).observe(at - it->second);
    }

    /// The order is no longer live (rejected, cancelled, filled): free its quote slot and its
    /// pending cancel; the checks hear the venue answered it.
    void forget(std::string_view client_order_id) {
        monitor_.hooks().on(risk::answered_order{client_order_id, now_});
        // Heterogeneous find, then erase by iterator: no temporary string per event.
        if (const auto it = pending_cancel_.find(client_order_id); it != pending_cancel_.end()) {
            pending_nodes_.erase(pending_cancel_, it);
        }
        if (const auto it = cancelled_by_all_.find(client_order_id); it != cancelled_by_all_.end()) {
            cancelled_by_all_.erase(it);
        }
        for (auto& [name, s] : symbols_) {
            if (s.bid && s.bid->client_order_id == client_order_id) s.bid.reset();
            if (s.ask && s.ask->client_order_id == client_order_id) s.ask.reset();
        }
    }

    void publish_position(symbol_state& s) {
        const auto v = view_of(s);
        s.metrics.inventory.set(v.position);
        s.metrics.pnl_realized.set(v.realized_pnl);
        s.metrics.pnl_unrealized.set(v.unrealized_pnl);
        publish_fill_rate(s);
    }
    void publish_fill_rate(symbol_state& s) {
        if (s.orders_placed == 0) return;
        // filled / placed at ratio scale, rounded down.
        const std::int64_t one = core::ratio::one();
        s.metrics.fill_rate.set(core::ratio::from_raw(s.orders_filled * one / s.orders_placed));
    }
    void publish_edge(symbol_state& s, const risk::order_intent& intent) {
        if (s.mid.is_positive()) s.metrics.quoted_edge.set(risk::detail::edge_bps(intent, s.mid));
    }

    Venue& venue_;
    journal& journal_;
    order_store store_;
    position_book positions_;
    engine_options options_;
    risk::monitor<Gate> monitor_;
    obs::mm_metrics& metrics_;
    /// Resolved once: looking a label set up takes the registry's lock, not for every ack.
    obs::histogram& place_latency_ = metrics_.execution_latency.with({"place"});
    obs::histogram& cancel_latency_ = metrics_.execution_latency.with({"cancel"});
    obs::histogram& cancel_all_latency_ = metrics_.execution_latency.with({"cancel_all"});
    Logger& log_;
    run_observer* observer_ = nullptr;
    client_order_id_generator ids_;
    state_machine state_;
    std::map<std::string, symbol_state, std::less<>> symbols_;
    /// Cancels in flight: client order id -> when the cancel was (last) sent, or `refused`.
    std::map<std::string, timestamp, std::less<>> pending_cancel_;
    core::node_pool<std::map<std::string, timestamp, std::less<>>> pending_nodes_;  // answered ones, reused
    // The order path's events, built over kept objects (no allocation once their ids have grown).
    detail::kept_event<new_order> placements_;
    detail::kept_event<order_ack> acks_;
    detail::kept_event<order_fill> fills_;
    detail::kept_event<order_cancel> cancels_;
    detail::kept_event<order_reject> rejects_;
    /// The pending cancels a cancel-all sent (their latency is cancel_all's, not cancel's).
    std::set<std::string, std::less<>> cancelled_by_all_;
    std::vector<const order*> open_snapshot_;  // retry_unconfirmed_cancels' scratch
    /// pending_cancel_'s mark for a cancel the venue refused: due again at once.
    static constexpr timestamp refused = timestamp::min();
    timestamp last_sweep_ = timestamp::min() / 2;  // (no overflow in now - last_sweep_)
    timestamp sweep_interval_ = options_.cancel_retry_after;
    engine_stats stats_;
    timestamp now_{0};
};

}  // namespace mmbot::engine
