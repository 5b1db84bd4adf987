// mmbot/app/run_trading.hpp
//
// The session of mmbot-testnet and mmbot-live, on Bybit or on Binance (app/run.hpp runs it once
// flags, config, EXCHANGE_ENV and the environment checks have passed). Written once: what differs
// between venues is the venue's side (app/trading/venue_side.hpp: bybit_side, binance_side). The
// phases:
//
//   endpoints     Env's REST, private and public streams of the venue, or --endpoint-override
//                 HOST:PORT (only where Env::endpoint_override_allowed: never live; testnet only
//                 loopback or the venue's testnet, app/endpoint_override.hpp); --ca-file adds the
//                 CA it presents. Certificate and host-name verification stay on.
//   preflight     --preflight prints the verdict and exits; live runs it at every start and
//                 refuses to trade on a failure (app/preflight.hpp)
//   credentials   mm-bot/<Env namespace>/<venue> from the secrets backend: the file named by
//                 MMBOT_SECRETS_FILE (mode 0600), else MMBOT_SECRET_<NS>_<VENUE>_API_KEY/_SECRET
//                 (app/trading/credentials.hpp)
//   shard         with a "portfolio" config section: the shard's lease in Redis (a second process
//                 with the same shard is refused, exit 9, naming the holder), before anything
//                 touches the venue or the journal (app/portfolio_link.hpp)
//   journal       opened and recovered, never deleted: its records rebuild the order store and
//                 the positions before anything is sent
//   clock         the venue's server time (Bybit /v5/market/time, Binance /fapi/v1/time): the
//                 venue-time offset every signature uses, kept by the venue watch's thread
//                 (app/venue_watch.hpp) with the venue's filters (and Binance's listenKey)
//   venue         the venue's order gateway on its REST transport (sender thread), its private
//                 stream (polled on this thread) and its public stream (app/runtime/live_feed_of.hpp)
//   reconcile     after the private stream is ready, and again after each reconnect: orders open
//                 at the venue that the store does not know are cancelled, store-open orders the
//                 venue does not list are queried and their final state applied. Quoting starts
//                 only when every symbol has reconciled.
//   stop          SIGINT/SIGTERM or --iterations: cancel-all, wait (bounded by --stop-timeout-s)
//                 for the venue to confirm, journal synced, report written like shadow's
//
// Exit codes: environment (credentials missing or malformed), journal (cannot open or recover),
// feed (public feed failed), preflight (a failed verdict, or one order that cannot fit the caps at
// the first book), runtime (clock sync, auth refused, venue never ready, orders open at exit).
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/engine_setup.hpp"
#include "mmbot/app/loop_health.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/runtime/book_step.hpp"
#include "mmbot/app/runtime/capture_recording.hpp"
#include "mmbot/app/runtime/decision_timing.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/app/runtime/journal_file.hpp"
#include "mmbot/app/runtime/log_output.hpp"
#include "mmbot/app/runtime/observability.hpp"
#include "mmbot/app/runtime/operator_controls.hpp"
#include "mmbot/app/portfolio_link.hpp"
#include "mmbot/app/venue_filters.hpp"
#include "mmbot/app/venue_watch.hpp"
#include "mmbot/app/runtime/report_file.hpp"
#include "mmbot/app/runtime/run_pictures.hpp"
#include "mmbot/app/runtime/live_feed_of.hpp"
#include "mmbot/app/runtime/tls_context.hpp"
#include "mmbot/app/trading/credentials.hpp"
#include "mmbot/app/trading/venue_side.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/core/backoff.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/venue/venues.hpp"
#include "mmbot/obs/mm_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mmbot::app {

namespace trading_detail {

/// The engine's sink for the gateway and the private stream, plus what the engine has no call
/// for: reconcile progress and unresolved creates (freeze, then reconcile).
template <class Loop, class Logger>
struct trading_sink {
    Loop& loop;
    Logger& log;
    std::map<std::string, bool, std::less<>>& reconciled;
    bool reconcile_needed = false;
    /// Fills read back over REST that the engine applied: their push never came (a private
    /// WebSocket gap). Read-backs of fills already pushed are dropped by execId, not counted.
    std::int64_t fills_recovered = 0;

    void on_ack(std::string_view id, std::string_view venue_id, std::chrono::nanoseconds at) {
        loop.on_ack(id, venue_id, at);
    }
    void on_reject(std::string_view id, std::string_view reason, std::chrono::nanoseconds at) {
        loop.on_reject(id, reason, at);
    }
    void on_cancel(std::string_view id, std::string_view reason, std::chrono::nanoseconds at) {
        loop.on_cancel(id, reason, at);
    }
    template <class Fill>
    void on_fill(const Fill& f) {
        (void)loop.on_fill(f);
    }
    template <class Fill>
    void on_recovered_fill(const Fill& f) {
        if (loop.on_fill(f)) ++fills_recovered;
    }
    void on_gateway_notice(const venue::gateway_event& e) {
        using k = venue::gateway_event::kind;
        switch (e.what) {
            case k::reconciled:
                reconciled[e.symbol] = true;
                log.info("reconciled", {{"symbol", e.symbol}, {"summary", e.text}});
                break;
            case k::reconcile_failed:
                log.error("reconcile_failed", {{"symbol", e.symbol}, {"error", e.text}});
                reconcile_needed = true;
                break;
            case k::cancel_failed:
                // A cancel-all failure names no order: every open order of the symbol is owed.
                if (e.client_order_id.empty()) {
                    for (const auto* o : loop.store().open_orders()) {
                        if (o->symbol == e.symbol) loop.on_cancel_failed(o->client_order_id, e.text, e.at);
                    }
                } else {
                    loop.on_cancel_failed(e.client_order_id, e.text, e.at);
                }
                break;
            case k::unresolved:
                log.error("create_unresolved", {{"client_order_id", e.client_order_id},
                                                {"reason", e.text}});
                loop.freeze("create_unresolved", e.at);
                reconcile_needed = true;
                break;
            default:
                log.warn(to_string(e.what), {{"client_order_id", e.client_order_id},
                                             {"symbol", e.symbol}, {"detail", e.text}});
                break;
        }
    }
};

}  // namespace trading_detail

/// Every check the bot relies on before it may quote, as one JSON verdict (app/preflight.hpp);
/// nothing is placed or cancelled. The venue's checks are its side's (Side::check_venue).
template <env::environment Env, class Side>
[[nodiscard]] preflight::report trading_preflight(const startup& s, const typename Side::endpoints& ep,
                                                  boost::asio::ssl::context& tls) {
    preflight::report verdict{std::string(Env::name)};
    verdict.record("config", core::result<std::string>(fmt::format("{}: {} symbol(s), environment {}",
                                                                   s.opts.config_path, s.cfg.symbols.size(),
                                                                   s.cfg.environment)));
    auto shown = load_credentials<Env>(Side::secrets_name);
    verdict.record("secrets", shown ? core::result<std::string>(fmt::format("{}", *shown))
                                    : core::result<std::string>(shown.error()));
    typename Side::venue_checks venue{ep, tls};
    const bool clock_ok = venue.market(verdict, s);
    auto jstate = preflight::check_journal(journal_path_of(s.opts, s.cfg), Env::name, journal_options_of(s.cfg));
    verdict.record("journal", jstate ? core::result<std::string>(jstate->detail)
                                     : core::result<std::string>(jstate.error()));
    venue.open_orders(verdict, s, std::move(shown), jstate, clock_ok);
    return verdict;
}

namespace trading_detail {

/// `s` with every symbol's filters from the venue (Side::fetch_filters), narrowed by the config's
/// (app/venue_filters.hpp), and its engine setups rebuilt from them. Exit 7 when the venue does
/// not list a symbol or a config filter is looser than the venue's; exit 3 when an order of
/// order_qty cannot trade under the venue's filters; exit 1 (runtime, as a failed clock sync)
/// when the venue cannot be asked: TLS, connect, timeouts, 5 failed attempts.
template <class Side>
[[nodiscard]] outcome<startup> with_venue_filters_of(const startup& s, const typename Side::endpoints& ep,
                                                     boost::asio::ssl::context& tls) {
    auto fetched = Side::fetch_filters(ep, tls, symbol_names(s.setups));
    if (!fetched) {
        const exit_code code = fetched.error().code == errc::preflight_instrument ? exit_code::preflight
                                                                                   : exit_code::runtime;
        return fail_with(code, fmt::format("instruments from {}:{}: {}", ep.rest.host, ep.rest.port,
                                           fetched.error().message));
    }
    auto cfg = with_venue_filters(s.cfg, *fetched);
    if (!cfg) return fail_with(exit_code_for(cfg.error().code, exit_code::preflight), cfg.error());
    auto setups = to_setups(*cfg);
    if (!setups) return fail_with(exit_code::config, setups.error());
    return startup{s.opts, s.loaded, std::move(*cfg), std::move(*setups)};
}

}  // namespace trading_detail

/// One testnet or live run, its parts built in order and torn down in reverse: the public feed
/// first, then the loop, the private stream, the gateway (its sender thread joins), REST.
template <env::environment Env, venue::venue_kind Venue, class Gate>
class trading_session : core::pinned {
    static_assert(Venue::trading,
                  "trading_session: this venue has no order gateway, private stream or REST transport yet "
                  "(venue/venues.hpp); only mmbot-shadow can be built for it");

public:
    /// Everything the run asks of the venue (app/trading/venue_side.hpp).
    using side_type = typename trading_side_of<Venue, Env>::type;
    static_assert(venue_side<side_type>, "trading_session: the venue's side lacks a member venue_side needs");
    using endpoints = typename side_type::endpoints;
    using logger_type = obs::json_logger<obs::fake_clock>;
    using gateway_type = typename side_type::gateway_type;
    using loop_type = engine::execution_loop<gateway_type, Gate, logger_type>;
    using sink_type = trading_detail::trading_sink<loop_type, logger_type>;

    /// The phases of app/run.hpp's `session` concept.
    [[nodiscard]] static int run(const startup& given) {
        auto ep = side_type::endpoints_of(given.opts);
        if (!ep) return exit_with(ep.error());
        auto tls = client_tls(given.opts);
        if (!tls) return exit_with(tls.error());
        if (given.opts.preflight) return preflight_only(given, *ep, *tls);
        // testnet: credentials first (a local problem, exit 4, before any request). live: after
        // its mandatory preflight, whose verdict reports missing or unreadable secrets itself.
        std::optional<typename side_type::keys> keys;
        if constexpr (!Env::requires_preflight) {
            auto k = side_type::load_keys();
            if (!k) return exit_with(k.error());
            keys.emplace(std::move(*k));
        }
        // A shard takes its lease before it asks the venue anything or opens the journal: the
        // duplicate of a running shard stops here, having touched nothing.
        auto shard = start_shard<Env>(given.cfg, [] {
            obs::system_clock_source wall;
            return obs::unix_nanos(wall);
        });
        if (!shard) return exit_with(shard.error());
        // The venue's filters (narrowed by the config's): what every later phase trades with.
        auto merged = trading_detail::with_venue_filters_of<side_type>(given, *ep, *tls);
        if (!merged) return exit_with(merged.error());
        const startup& s = *merged;
        if constexpr (Env::requires_preflight) {
            if (const auto verdict = trading_preflight<Env, side_type>(s, *ep, *tls); !verdict.passed()) {
                fmt::print(stderr, "{}", verdict.to_json());
                return exit_with(fail_with(exit_code::preflight,
                                           fmt::format("mmbot-{}: preflight failed (verdict above); nothing was sent",
                                                       Env::name)));
            }
            auto k = side_type::load_keys();
            if (!k) return exit_with(k.error());
            keys.emplace(std::move(*k));
        }
        const std::string journal_path = journal_path_of(s.opts, s.cfg);
        auto opened = open_journal(journal_path, Env::name, journal_options_of(s.cfg), engine::journal_open_mode::recover);
        if (!opened) return exit_with(opened.error());
        auto log_out = log_output::open(log_path_for(s.opts, journal_path), log_output::mode::append);
        if (!log_out) return exit_with(log_out.error());
        auto control = open_control_socket(s.opts, journal_path);
        if (!control) return exit_with(control.error());
        auto recording = capture_recording::open(s.opts);
        if (!recording) return exit_with(recording.error());
        trading_session session(s, *ep, *tls, std::move(*keys), std::move(*opened), std::move(*log_out),
                                std::move(*control), std::move(*recording), std::move(*shard));
        return session.trade();
    }

    /// --preflight: the verdict on stdout, exit 0 or 7. Filters the venue cannot give are
    /// reported by the verdict's instruments check rather than ending the run.
    [[nodiscard]] static int preflight_only(const startup& given, const endpoints& ep,
                                            boost::asio::ssl::context& tls) {
        auto merged = trading_detail::with_venue_filters_of<side_type>(given, ep, tls);
        const auto verdict = trading_preflight<Env, side_type>(merged ? *merged : given, ep, tls);
        fmt::print("{}", verdict.to_json());
        return verdict.passed() ? 0 : static_cast<int>(exit_code::preflight);
    }

private:
    trading_session(const startup& s, const endpoints& ep, boost::asio::ssl::context& tls,
                    typename side_type::keys keys, engine::journal::opened opened, log_output log_out,
                    control::control_server control, capture_recording recording,
                    std::unique_ptr<shard::coordinator> shard)
        : s_(s), ep_(ep), tls_(tls), recording_(std::move(recording)),
          journal_(std::move(opened.log)),
          log_out_(std::move(log_out)), sink_(log_out_.file()),
          log_(sink_, clock_, obs::parse_log_level(s.opts.log_level).value()),
          side_(ep, tls, std::move(keys), [this] { return now(); }),
          seen_(clock_, symbol_names(s.setups), stale_after_of(s.setups)),
          ops_(s.opts, s.loaded, std::move(control), log_, seen_.metrics, journal_), pictures_(s.opts) {
        seen_.metrics.bot_info.with({Env::name, Venue::name}).set(std::int64_t{1});
        if (shard) {
            portfolio_.emplace(std::move(shard), *s.cfg.portfolio, seen_.metrics);
            log_.info("shard_lease_taken", {{"shard", s.cfg.portfolio->shard},
                                            {"holder", portfolio_->coordinator().holder()}});
        }
        for (const auto& e : opened.entries) {
            (void)store_.apply(e.event);
            if (const auto* f = std::get_if<engine::order_fill>(&e.event)) (void)positions_.apply(*f);
        }
        clock_.set(now());
        log_.info("journal_recovered", {{"records", static_cast<std::int64_t>(opened.entries.size())},
                                        {"open_orders", static_cast<std::int64_t>(store_.open_orders().size())},
                                        {"summary", opened.report.describe()}});
        for (const auto& [name, sc] : s.cfg.symbols) {
            filters_.emplace(name, sc.filters);
            const auto& f = sc.filters;
            log_.info("instrument_filters",
                      {{"symbol", name}, {"source", sc.filters_from_config ? "config" : "venue"},
                       {"tick_size", f.tick_size}, {"qty_step", f.qty_step}, {"min_qty", f.min_qty},
                       {"max_qty", f.max_qty}, {"min_notional", f.min_notional}});
        }
    }

    [[nodiscard]] std::chrono::nanoseconds now() const { return obs::unix_nanos(wall_); }

    int trade() {
        if (auto ok = sync_clock(); !ok) return exit_with(ok.error());
        connect();
        if (auto ok = seen_.serve(s_.opts, log_, Env::name, [this] { return pictures_.status_json(); }); !ok) {
            return exit_with(ok.error());
        }
        install_signal_handlers();
        start();
        while (turn()) {
        }
        if (fatal_) log_.error("trading_stopped", {{"code", fatal_->code}, {"error", fatal_->message}});
        orderly_stop();
        return finish();
    }

    /// The venue-time offset every signature uses. The error names why the last attempt failed
    /// (TLS, connect, timeout), not only that no sample arrived.
    outcome<void> sync_clock() {
        auto synced = side_.sync_clock({std::chrono::seconds(s_.opts.clock_resync_s),
                                        std::chrono::seconds(s_.opts.filters_refresh_s), symbol_names(s_.setups)});
        if (!synced) {
            log_.error("clock_sync_failed", {{"code", synced.error().code}, {"error", synced.error().message}});
            return fail_with(exit_code::runtime,
                             fmt::format("{}:{}: {}", ep_.rest.host, ep_.rest.port, synced.error().message));
        }
        seen_.metrics.clock_skew.set(*synced);
        log_.info("clock_synced", {{"offset_ns", static_cast<std::int64_t>(synced->count())}});
        return {};
    }

    /// REST (with live's second domain when no override is in force), the gateway, the private
    /// and public streams, and the loop on the journal's store and positions.
    void connect() {
        side_.connect(s_.opts);
        started_at_ = now();
        loop_.emplace(side_.gateway(), journal_, std::move(store_), std::move(positions_), to_options(s_.cfg), s_.setups,
                      seen_.metrics, log_,
                      engine::client_order_id_generator::for_run(started_at_, 0,
                                                                 s_.cfg.portfolio ? s_.cfg.portfolio->shard : ""));
        loop_->observe(pictures_.observer());
        for (const auto& [name, setup] : s_.setups) reconciled_[name] = false;
        events_sink_.emplace(sink_type{*loop_, log_, reconciled_});
        md_.emplace(public_feed_options(), tls_, [this](const feed::ws_notice& n) {
            log_.warn(to_string(n.kind), {{"detail", n.detail}});
        });
    }

    [[nodiscard]] typename live_feed_of<Venue>::options public_feed_options() const {
        auto fo = live_feed_of<Venue>::options_for(
            {ep_.public_feed, symbol_names(s_.setups), 20, static_cast<std::uint64_t>(started_at_.count())});
        // Binance refuses --record up front (binance_side::endpoints_of): only Bybit's frames are tapped.
        if constexpr (std::same_as<Venue, venue::bybit_v5>) recording_.tap(fo);
        return fo;
    }

    void start() {
        side_.watch().start();
        side_.start();
        md_->start();
        log_.info("trading_started",
                  {{"venue", Venue::name},
                   {"rest", fmt::format("{}:{}", ep_.rest.host, ep_.rest.port)},
                   {"rest_failover", side_.failover_host()},
                   {"private_ws", side_.private_where()}});
        now_ = started_at_;
        ready_deadline_ = started_at_ + std::chrono::seconds(30);
        health_.emplace(started_at_);
    }

    /// One turn of the event loop. False when the run should stop (fatal_ says why, if anything
    /// failed).
    bool turn() {
        now_ = now();
        clock_.set(now_);
        if (const auto h = health_->turn(now_)) {
            log_.info("loop_health", {{"turns", h->turns}, {"max_turn_ms", h->max_turn_ms}});
        }
        poll_clock();
        poll_filters();
        if (!poll_private()) return false;
        (void)side_.gateway().drain(*events_sink_);
        if (!quoting_ && !try_start_quoting()) return false;
        if (!poll_market_data()) return false;
        ops_.poll(*loop_, now_);
        if (portfolio_ && quoting_) poll_portfolio();
        pictures_.publish_status(*loop_, Env::name, now_);
        if (now_ - last_tick_ >= std::chrono::milliseconds(100)) on_tick();
        if (const int sig = shutdown_requested(); sig != 0) {
            log_.warn("signal", {{"signal", static_cast<std::int64_t>(sig)}});
            return false;
        }
        return !(s_.opts.iterations > 0 && events_ >= s_.opts.iterations);
    }

    /// The shard's side of the portfolio; a reload's new portfolio limits apply from now on.
    void poll_portfolio() {
        if (ops_.reloads() != portfolio_reloads_) {
            portfolio_reloads_ = ops_.reloads();
            portfolio_->set_limits(ops_.current_config().portfolio->limits);
        }
        portfolio_->poll(*loop_, now_, log_);
    }

    /// A resync's outcome (app/venue_watch.hpp): exported, logged, and a freeze when the offset
    /// jumped or could not be measured max_failures times in a row.
    void poll_clock() {
        auto r = side_.watch().take_clock_report();
        if (!r) return;
        const auto ms = [](std::chrono::nanoseconds d) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
        };
        if (r->offset) {
            seen_.metrics.clock_skew.set(*r->offset);
            log_.info("clock_resynced", {{"offset_ms", ms(*r->offset)}, {"previous_ms", ms(r->previous)}});
        } else {
            log_.warn("clock_resync_failed", {{"error", r->error}, {"failures_in_a_row", r->failures_in_a_row}});
        }
        if (r->freeze_reason) {
            log_.error("clock_freeze", {{"reason", *r->freeze_reason},
                                        {"offset_ms", r->offset ? ms(*r->offset) : ms(r->previous)},
                                        {"previous_ms", ms(r->previous)},
                                        {"max_jump_ms", static_cast<std::int64_t>(venue::max_offset_jump.count())}});
            loop_->freeze(risk::freeze_reason{*r->freeze_reason, risk::release::cool_down}, now_);
        }
    }

    /// An instruments-info refresh (app/venue_filters.hpp): a symbol whose filters changed is
    /// requoted on the new grid; one whose config filters are no longer at least as strict as the
    /// venue's, or whose order can no longer trade, freezes the bot (filters_conflict).
    void poll_filters() {
        auto fetched = side_.watch().take_filters();
        if (!fetched) return;
        if (!*fetched) {
            if (fetched->error().code == errc::preflight_instrument) {  // a symbol gone or not Trading
                log_.error("filters_conflict", {{"error", fetched->error().message}});
                loop_->freeze(risk::freeze_reason{"filters_conflict", risk::release::operator_only}, now_);
                return;
            }
            log_.warn("instruments_refresh_failed", {{"code", fetched->error().code}, {"error", fetched->error().message}});
            return;
        }
        for (const auto& [name, sc] : s_.cfg.symbols) {
            const auto it = (*fetched)->find(name);
            auto next = it == (*fetched)->end() ? core::result<config>(core::make_error(
                                                      errc::preflight_instrument, name + ": no longer listed"))
                                                : refreshed_config(name, it->second);
            if (!next) {
                log_.error("filters_conflict", {{"symbol", name}, {"error", next.error().message}});
                loop_->freeze(risk::freeze_reason{"filters_conflict", risk::release::operator_only}, now_);
                continue;
            }
            const auto& now_filters = next->symbols.at(name).filters;
            const auto diff = preflight::detail::filter_mismatch(filters_.at(name), now_filters, "was", "now");
            if (diff.empty()) continue;
            log_.warn("filters_changed", {{"symbol", name}, {"change", diff}});
            filters_[name] = now_filters;
            loop_->apply_filters(name, now_filters, now_);
        }
    }

    /// The config with `symbol`'s filters from a refresh, checked as at start.
    [[nodiscard]] core::result<config> refreshed_config(const std::string& symbol,
                                                        const core::instrument_filters& venue) const {
        config one = s_.cfg;
        std::erase_if(one.symbols, [&](const auto& kv) { return kv.first != symbol; });
        return with_venue_filters(std::move(one), venue_filter_map{{symbol, venue}});
    }

    /// The private stream's acks, fills and cancels; a (re)connect asks for a reconcile.
    bool poll_private() {
        const auto pr = side_.poll_private(*events_sink_, std::chrono::milliseconds(1));
        if (pr.fatal) {
            fatal_ = *pr.fatal;
            return false;
        }
        if (pr.bad_frame) log_.warn("private_ws_bad_frame", {{"error", pr.bad_frame->message}});
        if (pr.lost) log_.warn("private_ws_lost", {{"reason", side_.private_last_error()}});
        // Binance: the user data stream's key expired; the venue watch makes a new one at once.
        if constexpr (requires { pr.key_expired; }) {
            if (pr.key_expired) log_.warn("listen_key_expired", {});
        }
        if (pr.became_ready || events_sink_->reconcile_needed) {
            events_sink_->reconcile_needed = false;
            log_.info("private_ws_ready", {{"sessions", side_.private_sessions()}});
            request_reconcile(now_);
        }
        return true;
    }

    /// Quoting starts once the private stream is up and every symbol has reconciled; 30 s after
    /// the start without that, the run stops.
    bool try_start_quoting() {
        const bool all = last_reconcile_done();
        if (all && side_.private_ready()) {
            loop_->start(now_);
            quoting_ = true;
            log_.info("quoting_started", {});
            // Orders the journal and the venue both still hold (a previous run that died) were
            // re-adopted by the reconcile; no quote slot owns them, so they go now and the quoter
            // places fresh ones.
            if (!loop_->store().open_orders().empty()) loop_->cancel_all("recovered_open_orders", now_);
        } else if (now_ > ready_deadline_) {
            fatal_ = core::make_error(errc::venue_not_ready, fmt::format("private stream or reconcile not done within "
                                                                     "30 s (last: {})", side_.private_last_error()));
            return false;
        }
        return true;
    }

    bool poll_market_data() {
        const auto st = md_->poll(ev_, std::chrono::milliseconds(quoting_ ? 5 : 1));
        if (st == feed::poll_status::failed) {
            fatal_ = md_->error();
            fatal_code_ = exit_code::feed;
            return false;
        }
        if (st != feed::poll_status::event || !quoting_) return true;
        const auto u = observe_book(s_.setups, ev_, now_, seen_, log_);
        if (!u) return true;
        if (u->usable && !fits_checked_.contains(u->symbol) && !first_book_fits(*u)) return false;
        timing_.time([&] { loop_->on_book(u->symbol, top_of(*u->book), now_); });
        ++events_;
        return true;
    }

    /// The first good (uncrossed) book of each symbol: one order must fit the caps, else every
    /// intent would be blocked; stop at once naming the numbers (exit 7).
    bool first_book_fits(const book_update& u) {
        fits_checked_.emplace(u.symbol);
        auto fits = preflight::check_order_fits(s_.cfg, u.symbol, u.book->best_bid()->px);
        if (fits) fits = preflight::check_order_fits(s_.cfg, u.symbol, u.book->best_ask()->px);
        if (!fits) {
            fatal_ = fits.error();
            fatal_code_ = exit_code::preflight;
            return false;
        }
        log_.info("order_fits", {{"detail", *fits}});
        return true;
    }

    void on_tick() {
        if (quoting_) loop_->on_tick(now_);
        last_tick_ = now_;
        seen_.board.set_venue_connected(side_.private_ready());
        seen_.board.set_frozen(loop_->state() == engine::bot_state::freeze);
        seen_.feed_counts.market_data(md_->stats());
        seen_.feed_counts.public_stream(md_->feed_stats());
        seen_.feed_counts.private_stream(side_.private_sessions());
        recording_.publish(seen_.feed_counts);
        side_.publish_headroom(seen_.metrics);
    }

    /// Every symbol's last reconcile has reported (reconciled or reconcile_failed, which asks again).
    [[nodiscard]] bool last_reconcile_done() const {
        return std::all_of(reconciled_.begin(), reconciled_.end(), [](const auto& p) { return p.second; });
    }

    void request_reconcile(std::chrono::nanoseconds at) {
        for (auto& [name, done] : reconciled_) {
            std::vector<std::string> open;
            for (const auto* o : loop_->store().open_orders()) {
                if (o->symbol == name) open.push_back(o->client_order_id);
            }
            done = false;
            if (auto ok = side_.gateway().reconcile(name, std::move(open), at); !ok) {
                log_.error("reconcile_failed", {{"symbol", name}, {"error", ok.error().message}});
            }
        }
    }

    /// Cancel until confirmed, for at most --stop-timeout-s. A cancel-all that was lost or refused
    /// is swept again every cancel_retry_after (retry_unconfirmed_cancels). Cancel-all answers with
    /// what it cancelled, not with orders that were already gone: an order filled while its push
    /// was dropped stays open here although the venue has closed it, so every 2 s with orders
    /// still open the orders are reconciled (each queried, its final state applied).
    void orderly_stop() {
        loop_->shutdown(shutdown_requested() != 0 ? "signal" : fatal_ ? "fatal" : "iterations", now());
        const auto stop_started = now();
        const auto stop_deadline = stop_started + std::chrono::seconds(s_.opts.stop_timeout_s);
        // Every REST call from here on ends by the deadline, and the one in flight is cancelled at
        // it (below), so a hung venue cannot hold gateway.stop() beyond it.
        const auto steady_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(s_.opts.stop_timeout_s);
        side_.set_deadline(steady_deadline);
        auto next_reconcile = stop_started + std::chrono::seconds(1);
        while (now() < stop_deadline) {
            const auto t = now();
            clock_.set(t);
            if (!side_.private_failed()) (void)side_.poll_private(*events_sink_, std::chrono::milliseconds(5));
            (void)side_.gateway().drain(*events_sink_);
            if (side_.gateway().pending() == 0 && loop_->store().open_orders().empty()) break;
            (void)loop_->retry_unconfirmed_cancels(t);
            // Requests still in flight (a create being resolved, a cancel retried) do not hold the
            // reconcile back: it skips the orders the gateway is still creating.
            if (t >= next_reconcile && (last_reconcile_done() || events_sink_->reconcile_needed)) {
                events_sink_->reconcile_needed = false;
                next_reconcile = t + std::chrono::seconds(2);
                log_.warn("open_after_cancel_all",
                          {{"orders", static_cast<std::int64_t>(loop_->store().open_orders().size())}});
                request_reconcile(t);
            }
        }
        if (!loop_->store().open_orders().empty()) note_open_at_exit();
        // A call started before the deadline was set still waits for its own read timeout: end it.
        side_.cancel_in_flight();
        side_.stop();
        md_->stop();
        (void)side_.gateway().drain(*events_sink_);
    }

    void note_open_at_exit() {
        const auto open = loop_->store().open_orders().size();
        log_.error("open_at_exit", {{"orders", static_cast<std::int64_t>(open)},
                                    {"stop_timeout_s", static_cast<std::int64_t>(s_.opts.stop_timeout_s)}});
        if (fatal_) return;
        fatal_ = core::make_error(errc::open_at_exit,
                                  fmt::format("{} order(s) still open after {} s of cancel-all and reconcile; the "
                                              "journal keeps them for the next start's reconcile",
                                              open, s_.opts.stop_timeout_s));
    }

    int finish() {
        const auto& pub = ep_.public_feed.stream;
        const run_params params{std::string(Env::name), fmt::format("wss://{}:{}{}", pub.host, pub.port, pub.path),
                                symbol_names(s_.setups), s_.opts.iterations, s_.cfg.maker,
                                std::string(Venue::name)};
        const auto ws_stats = md_->feed_stats();
        seen_.faults.close(now_);
        recording_.close(log_, seen_.feed_counts);
        auto report = make_report(params, *loop_, md_->stats(), &ws_stats, &seen_.faults, &pictures_.timeline());
        recording_.add_to_report(report);
        timing_.add_to_report(report);
        if (auto ok = write_report_file(s_.opts.report_path, report); !ok) return exit_with(ok.error());
        if (auto ok = pictures_.write_html(report); !ok) return exit_with(ok.error());
        print_summary();
        if (fatal_) return exit_with(fail_with(fatal_code_, fmt::format("{}: {}", fatal_->code, fatal_->message)));
        return 0;
    }

    void print_summary() const {
        const auto& st = loop_->stats();
        const auto gs = side_.gateway().stats();
        const auto totals = loop_->positions().totals(loop_->marks());
        fmt::print(stderr,
                   "mmbot-{}{}: {} book events, {} orders placed, {} fills, {} cancelled, {} rejected, "
                   "{} open at exit, requests {} (throttled {}, rate-limited {}, unresolved {}), fills recovered {} "
                   "(of {} read back), cancel retries {}, host failovers {}, net pnl {}\n",
                   Env::name, Venue::binary_suffix, events_, st.orders_placed, st.fills, st.orders_cancelled, st.orders_rejected,
                   loop_->store().open_orders().size(), gs.requests_sent, gs.throttled, gs.venue_rate_limited,
                   gs.unresolved, events_sink_ ? events_sink_->fills_recovered : 0, gs.executions_read_back,
                   st.cancel_retries, side_.host_switches(),
                   totals ? totals->net.to_string() : "n/a");
    }

    // What start-up hands over.
    const startup& s_;
    const endpoints& ep_;
    boost::asio::ssl::context& tls_;
    /// --record: declared before md_, whose frame tap points into it.
    capture_recording recording_;
    engine::journal journal_;
    engine::order_store store_;       ///< the journal's, until the loop takes it
    engine::position_book positions_;
    log_output log_out_;
    obs::file_sink sink_;
    obs::fake_clock clock_;
    obs::system_clock_source wall_;
    logger_type log_;
    /// The venue: its REST, its watch (clock, filters), then, from connect(), its gateway and
    /// private stream.
    side_type side_;
    /// Each symbol's filters as the loop uses them (a refresh compares against these).
    std::map<std::string, core::instrument_filters, std::less<>> filters_;
    run_observability<obs::fake_clock> seen_;
    std::optional<loop_type> loop_;
    std::map<std::string, bool, std::less<>> reconciled_;
    std::optional<sink_type> events_sink_;
    std::optional<typename live_feed_of<Venue>::type> md_;
    operator_controls<Env, logger_type> ops_;
    run_pictures pictures_;
    /// Always on: a trading run's report is not reproducible anyway, and its decision latency is
    /// what `./mmw compare` sets beside a shadow run's.
    decision_timing timing_{true};
    /// A shard's lease, published state and portfolio view (none when the bot is not a shard).
    std::optional<portfolio_link> portfolio_;
    std::uint64_t portfolio_reloads_ = 0;
    // The event loop's state.
    std::chrono::nanoseconds started_at_{0};
    std::chrono::nanoseconds now_{0};
    std::chrono::nanoseconds last_tick_{0};
    std::chrono::nanoseconds ready_deadline_{0};
    std::optional<loop_health> health_;
    std::optional<core::error> fatal_;
    exit_code fatal_code_ = exit_code::runtime;
    bool quoting_ = false;
    std::int64_t events_ = 0;
    feed::replay_event ev_;
    std::set<std::string, std::less<>> fits_checked_;
};

}  // namespace mmbot::app
