// mmbot/obs/mm_metrics.hpp
//
// The bot's metric set: the predecessor's names and labels (kept verbatim so existing alert rules
// and dashboards keep working) plus what an operator needs to run it: PnL, inventory, quoted
// edge, market-data age, venue errors, reconnects, journal writes, rate-limit headroom, state.
// docs/metrics.md lists every metric with its labels and meaning; docs/alerts.yml and
// docs/grafana-dashboard.json use these names.
//
// The engine owns one `mm_metrics` and resolves the label sets it knows at start-up: a
// `symbol_metrics` per traded symbol holds every per-symbol handle, so the trading loop touches
// only atomics afterwards (no lock, no allocation, no string lookup).
//
//   mmbot::obs::registry reg;
//   mmbot::obs::mm_metrics m(reg);
//   auto btc = m.for_symbol("BTCUSDT");                    // start-up
//   btc.placed_buy.inc();                                  // hot path
//   btc.pnl_realized.set(position.realized_pnl());         // exact decimal, no double
//   auto& cross = m.orders_blocked.with({"BTCUSDT", "cross_price"});  // resolve once, keep
//   (void)m.set_state("running");
//   // in the /metrics handler, so alerts see readiness as of the scrape:
//   m.ready.set(board.report().ready);
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/obs/metrics.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::obs {

/// Side label values, as the predecessor printed them (not Bybit's "Buy"/"Sell": dashboards and
/// alert rules written for the predecessor match on these).
inline constexpr std::string_view side_buy = "BUY";
inline constexpr std::string_view side_sell = "SELL";

/// Bucket bounds of mm_execution_latency_seconds: 0.5 ms to 5 s (REST round trips to the venue).
inline constexpr std::array<std::string_view, 13> execution_latency_buckets = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",   "5"};

/// The engine's states for the one-hot mm_state{state} gauge (issue 3's state machine).
inline constexpr std::array<std::string_view, 4> default_engine_states = {
    "init", "running", "freeze", "shutdown"};

/// Every per-symbol handle, resolved once. Cheap to copy (references only).
struct symbol_metrics {
    counter& placed_buy;
    counter& placed_sell;
    counter& filled_buy;
    counter& filled_sell;
    counter& cancelled;
    counter& post_only_adjustments_buy;
    counter& post_only_adjustments_sell;
    decimal_gauge<core::ratio_unit>& fill_rate;
    decimal_gauge<core::notional_unit>& pnl_realized;
    decimal_gauge<core::notional_unit>& pnl_unrealized;
    decimal_gauge<core::quantity_unit>& inventory;
    decimal_gauge<core::bps_unit>& quoted_edge;
    decimal_gauge<seconds_unit>& market_data_age;

    [[nodiscard]] counter& placed(core::side s) const noexcept {
        return s == core::side::buy ? placed_buy : placed_sell;
    }
    [[nodiscard]] counter& filled(core::side s) const noexcept {
        return s == core::side::buy ? filled_buy : filled_sell;
    }
    [[nodiscard]] counter& post_only_adjustments(core::side s) const noexcept {
        return s == core::side::buy ? post_only_adjustments_buy : post_only_adjustments_sell;
    }
};

/// The predecessor's metric set, names and labels verbatim (its alert rules and dashboards match
/// on them).
struct predecessor_metrics {
    explicit predecessor_metrics(registry& reg);

    counter_family& orders_placed;            ///< mm_orders_placed_total{symbol,side}
    counter_family& orders_filled;            ///< mm_orders_filled_total{symbol,side}
    counter_family& orders_cancelled;         ///< mm_orders_cancelled_total{symbol}
    counter_family& orders_blocked;           ///< mm_orders_blocked_total{symbol,reason}
    counter_family& freeze_events;            ///< mm_freeze_events_total{reason}
    histogram_family& execution_latency;      ///< mm_execution_latency_seconds{operation}
    counter_family& post_only_adjustments;    ///< mm_post_only_adjustments_total{symbol,side}
    gauge& maker_only_enabled;                ///< mm_maker_only_enabled
    gauge& execution_healthy;                 ///< mm_execution_healthy
    decimal_gauge_family<core::ratio_unit>& fill_rate;  ///< mm_fill_rate{symbol}

};

/// What an operator needs beyond the predecessor's set: PnL, inventory, edge, data age, errors,
/// reconnects, journal, rate limits, state, readiness, recording, crossed books, clock skew.
struct operator_metrics {
    explicit operator_metrics(registry& reg);

    decimal_gauge_family<core::notional_unit>& pnl_realized;    ///< mm_pnl_realized{symbol}
    decimal_gauge_family<core::notional_unit>& pnl_unrealized;  ///< mm_pnl_unrealized{symbol}
    decimal_gauge_family<core::quantity_unit>& inventory;       ///< mm_inventory{symbol}
    decimal_gauge_family<core::bps_unit>& quoted_edge;          ///< mm_quoted_edge_bps{symbol}
    decimal_gauge_family<seconds_unit>& market_data_age;        ///< mm_market_data_age_seconds{symbol}
    counter_family& venue_errors;             ///< mm_venue_errors_total{code}
    counter_family& ws_reconnects;            ///< mm_ws_reconnects_total{stream}
    counter& journal_writes;                  ///< mm_journal_writes_total
    gauge_family& rate_limit_headroom;        ///< mm_rate_limit_headroom{endpoint}
    gauge_family& state;                      ///< mm_state{state}, one-hot
    gauge& ready;                             ///< mm_ready: 1 when /ready would answer 200
    counter& md_messages;                     ///< mm_md_messages_total
    counter& md_gaps;                         ///< mm_md_gaps_total
    counter& capture_frames;                  ///< mm_capture_frames_total (--record)
    counter& capture_dropped;                 ///< mm_capture_frames_dropped_total (--record)
    counter_family& book_crossed;             ///< mm_book_crossed_total{symbol}: crossed episodes
    counter_family& operator_actions;         ///< mm_operator_actions_total{action}: mmbot-ctl commands
    decimal_gauge<seconds_unit>& clock_skew;  ///< mm_clock_skew_seconds: venue clock minus local clock (testnet/live)
    /// mm_bot_info{environment, venue}: 1 for the binary's own pair, so every series of a bot can
    /// be joined to the venue it trades (`* on(instance) group_left(venue) mm_bot_info`).
    gauge_family& bot_info;
};

/// A shard's view of the portfolio (docs/deploy.md). Series exist only in a bot that is a shard
/// (app/portfolio_link.hpp resolves them), so alerts on them never fire elsewhere.
struct portfolio_metrics {
    explicit portfolio_metrics(registry& reg);

    decimal_gauge_family<core::notional_unit>& portfolio_exposure;      ///< mm_portfolio_exposure{asset}: gross
    decimal_gauge_family<core::notional_unit>& portfolio_net_exposure;  ///< mm_portfolio_net_exposure{asset}
    decimal_gauge_family<core::notional_unit>& portfolio_loss;          ///< mm_portfolio_loss
    gauge_family& shard_lease_held;                                    ///< mm_shard_lease_held
    gauge_family& redis_up;                                            ///< mm_redis_up

};

/// The bundle the engine owns. Families are public: label sets outside `symbol_metrics` (block
/// reasons, freeze reasons, error codes, endpoints, streams) are resolved with `with(...)`. The
/// three groups register in this order, which is the order /metrics lists them in.
class mm_metrics : public predecessor_metrics, public operator_metrics, public portfolio_metrics {
public:
    /// `engine_states` are the values of mm_state{state}; the first is set at construction.
    explicit mm_metrics(registry& reg, std::span<const std::string_view> engine_states = default_engine_states);

    /// Resolves (creating on first use) every per-symbol handle. Start-up path: locks, allocates.
    [[nodiscard]] symbol_metrics for_symbol(std::string_view symbol);

    /// Sets mm_state{state=name} to 1 and every other state to 0. Returns false (and changes
    /// nothing) for a name not given at construction. Lock- and allocation-free.
    [[nodiscard]] bool set_state(std::string_view name) noexcept;

private:
    std::vector<std::pair<std::string, gauge*>> states_;
};

inline predecessor_metrics::predecessor_metrics(registry& reg)
    : orders_placed(reg.add_counter("mm_orders_placed_total",
                                    "Orders sent to the venue.", {"symbol", "side"})),
      orders_filled(reg.add_counter("mm_orders_filled_total",
                                    "Orders filled (fully or partly) by the venue.", {"symbol", "side"})),
      orders_cancelled(reg.add_counter("mm_orders_cancelled_total",
                                       "Orders cancelled (by the bot or the venue).", {"symbol"})),
      orders_blocked(reg.add_counter(
          "mm_orders_blocked_total",
          "Order intents blocked before placement by the maker policy or the risk gate.",
          {"symbol", "reason"})),
      freeze_events(reg.add_counter("mm_freeze_events_total",
                                    "Freezes (cancel-all, stop quoting) by trigger reason.", {"reason"})),
      execution_latency(reg.add_histogram("mm_execution_latency_seconds",
                                          "Venue round-trip latency of order operations.",
                                          {"operation"}, execution_latency_buckets)),
      post_only_adjustments(reg.add_counter(
          "mm_post_only_adjustments_total",
          "Quote prices moved away from the touch to stay post-only.", {"symbol", "side"})),
      maker_only_enabled(reg.add_gauge("mm_maker_only_enabled",
                                       "Maker-only mode enabled (1 = yes, 0 = no).").with({})),
      execution_healthy(reg.add_gauge("mm_execution_healthy",
                                      "Execution loop healthy (1 = yes, 0 = no).").with({})),
      fill_rate(reg.add_decimal_gauge<core::ratio_unit>(
          "mm_fill_rate", "Orders filled / orders placed since start (0..1).", {"symbol"})) {}

inline operator_metrics::operator_metrics(registry& reg)
    : pnl_realized(reg.add_decimal_gauge<core::notional_unit>(
          "mm_pnl_realized", "Realized PnL in quote currency, fees and rebates included.", {"symbol"})),
      pnl_unrealized(reg.add_decimal_gauge<core::notional_unit>(
          "mm_pnl_unrealized", "Unrealized PnL in quote currency, marked at mid.", {"symbol"})),
      inventory(reg.add_decimal_gauge<core::quantity_unit>(
          "mm_inventory", "Signed position in base currency (long > 0).", {"symbol"})),
      quoted_edge(reg.add_decimal_gauge<core::bps_unit>(
          "mm_quoted_edge_bps", "Edge of the current quotes against fair price, in basis points.",
          {"symbol"})),
      market_data_age(reg.add_decimal_gauge<seconds_unit>(
          "mm_market_data_age_seconds", "Time since the last order-book update.", {"symbol"})),
      venue_errors(reg.add_counter("mm_venue_errors_total",
                                   "Orders the venue refused and cancels that failed, by reason.",
                                   {"code"})),
      ws_reconnects(reg.add_counter("mm_ws_reconnects_total", "WebSocket reconnections by stream.",
                                    {"stream"})),
      journal_writes(reg.add_counter("mm_journal_writes_total",
                                     "Records appended to the order journal.").with({})),
      rate_limit_headroom(reg.add_gauge(
          "mm_rate_limit_headroom", "Requests left in the venue's current rate-limit window.",
          {"endpoint"})),
      state(reg.add_gauge("mm_state", "Engine state, one-hot: 1 for the current state.", {"state"})),
      ready(reg.add_gauge("mm_ready",
                          "1 when the bot is ready (market data fresh, venue connected, not frozen).")
                .with({})),
      md_messages(reg.add_counter("mm_md_messages_total", "Market-data messages processed.").with({})),
      md_gaps(reg.add_counter("mm_md_gaps_total",
                              "Market-data sequence gaps detected (each forces a resync).").with({})),
      capture_frames(reg.add_counter("mm_capture_frames_total",
                                     "Public frames --record wrote to the capture.").with({})),
      capture_dropped(reg.add_counter("mm_capture_frames_dropped_total",
                                      "Public frames --record dropped (queue full or write failed).").with({})),
      book_crossed(reg.add_counter(
          "mm_book_crossed_total",
          "Times a book became crossed or locked (best bid >= best ask); not quoted or marked until it uncrosses.",
          {"symbol"})),
      operator_actions(reg.add_counter("mm_operator_actions_total",
                                       "Operator commands received on the control socket (mmbot-ctl), by action.",
                                       {"action"})),
      clock_skew(reg.add_decimal_gauge<seconds_unit>(
                     "mm_clock_skew_seconds", "Venue clock minus local clock, as last measured (testnet/live).")
                     .with({})),
      bot_info(reg.add_gauge("mm_bot_info", "1 for the environment and venue this binary was built for.",
                             {"environment", "venue"})) {}

inline portfolio_metrics::portfolio_metrics(registry& reg)
    : portfolio_exposure(reg.add_decimal_gauge<core::notional_unit>(
          "mm_portfolio_exposure",
          "Gross exposure of an asset across every shard and venue: |position x mid| plus open-order notional.",
          {"asset"})),
      portfolio_net_exposure(reg.add_decimal_gauge<core::notional_unit>(
          "mm_portfolio_net_exposure", "Net exposure of an asset across every shard and venue: |sum of position x mid|.",
          {"asset"})),
      portfolio_loss(reg.add_decimal_gauge<core::notional_unit>(
          "mm_portfolio_loss", "Loss across every shard: -(realized + unrealized PnL); negative is a profit.")),
      shard_lease_held(reg.add_gauge("mm_shard_lease_held", "This process holds its shard's lease in Redis (1 = yes).")),
      redis_up(reg.add_gauge("mm_redis_up", "The shard's coordinator reaches Redis (1 = yes).")) {}

inline mm_metrics::mm_metrics(registry& reg, std::span<const std::string_view> engine_states)
    : predecessor_metrics(reg), operator_metrics(reg), portfolio_metrics(reg) {
    for (const std::string_view s : engine_states) {
        states_.emplace_back(std::string(s), &state.with({s}));
    }
    if (!states_.empty()) {
        states_.front().second->set(std::int64_t{1});
    }
}

inline symbol_metrics mm_metrics::for_symbol(std::string_view symbol) {
    return symbol_metrics{
        .placed_buy = orders_placed.with({symbol, side_buy}),
        .placed_sell = orders_placed.with({symbol, side_sell}),
        .filled_buy = orders_filled.with({symbol, side_buy}),
        .filled_sell = orders_filled.with({symbol, side_sell}),
        .cancelled = orders_cancelled.with({symbol}),
        .post_only_adjustments_buy = post_only_adjustments.with({symbol, side_buy}),
        .post_only_adjustments_sell = post_only_adjustments.with({symbol, side_sell}),
        .fill_rate = fill_rate.with({symbol}),
        .pnl_realized = pnl_realized.with({symbol}),
        .pnl_unrealized = pnl_unrealized.with({symbol}),
        .inventory = inventory.with({symbol}),
        .quoted_edge = quoted_edge.with({symbol}),
        .market_data_age = market_data_age.with({symbol}),
    };
}

inline bool mm_metrics::set_state(std::string_view name) noexcept {
    gauge* target = nullptr;
    for (const auto& [n, g] : states_) {
        if (n == name) target = g;
    }
    if (target == nullptr) return false;
    // A scrape between these stores may see no state or two; Prometheus resolves on the next one.
    for (const auto& [n, g] : states_) {
        if (g != target) g->set(std::int64_t{0});
    }
    target->set(std::int64_t{1});
    return true;
}

}  // namespace mmbot::obs
