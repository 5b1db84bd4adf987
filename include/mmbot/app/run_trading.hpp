// mmbot/app/run_trading.hpp
//
// The session of mmbot-testnet and mmbot-live (app/run.hpp runs it once flags, config,
// EXCHANGE_ENV and the environment checks have passed). The phases:
//
//   endpoints     Env's REST, private and public streams, or --endpoint-override HOST:PORT (only
//                 where Env::endpoint_override_allowed: never live; testnet only loopback or Bybit
//                 testnet, app/endpoint_override.hpp); --ca-file adds the CA it presents.
//                 Certificate and host-name verification stay on.
//   preflight     --preflight prints the verdict and exits; live runs it at every start and
//                 refuses to trade on a failure (app/preflight.hpp)
//   credentials   mm-bot/<Env namespace>/bybit from the secrets backend: the file named by
//                 MMBOT_SECRETS_FILE (mode 0600), else MMBOT_SECRET_<NS>_BYBIT_API_KEY/_SECRET
//   shard         with a "portfolio" config section: the shard's lease in Redis (a second process
//                 with the same shard is refused, exit 9, naming the holder), before anything
//                 touches the venue or the journal (app/portfolio_link.hpp)
//   journal       opened and recovered, never deleted: its records rebuild the order store and
//                 the positions before anything is sent
//   clock         GET /v5/market/time: the venue-time offset every signature uses
//   venue         bybit::order_gateway on rest_transport (sender thread) + bybit::private_ws
//                 (order + execution, polled on this thread) + feed::ws_feed (public books)
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
#include "mmbot/app/endpoint_override.hpp"
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
#include "mmbot/app/runtime/tls_context.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/core/backoff.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/venue/venues.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/secrets/env_provider.hpp"
#include "mmbot/secrets/file_provider.hpp"
#include "mmbot/secrets/namespaced_provider.hpp"
#include "mmbot/venue/bybit/clock_sync.hpp"
#include "mmbot/venue/bybit/failover_transport.hpp"
#include "mmbot/venue/bybit/order_gateway.hpp"
#include "mmbot/venue/bybit/private_ws.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
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

/// The rest_transport lives beside its io_context; the gateway's sender thread is its only user.
struct transport_ref {
    venue::bybit::rest_transport* t = nullptr;
    core::result<venue::bybit::http_response> send(const venue::bybit::rest_request& r,
                                                   venue::bybit::signer* s, std::int64_t ms) {
        return t->send(r, s, ms);
    }
};

/// mmbot-live's REST goes through host failover (api.bybit.com, then api.bytick.com); testnet
/// has one host, and an --endpoint-override is one host too.
template <env::environment Env>
using failover_t = venue::bybit::failover_transport<Env, transport_ref>;

template <env::environment Env>
struct failover_ref {
    failover_t<Env>* t = nullptr;
    auto send(const venue::bybit::rest_request& r, venue::bybit::signer* s, std::int64_t ms) {
        return t->send(r, s, ms);
    }
};

template <env::environment Env>
using gateway_t = venue::bybit::order_gateway<failover_ref<Env>>;

template <env::environment Env>
[[nodiscard]] core::result<secrets::credentials> load_credentials() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up, before any thread starts
    const char* file = std::getenv("MMBOT_SECRETS_FILE");
    // Each backend in its own namespaced provider, not both in an any_provider: gcc 12 at -O2 warns
    // (falsely) about the variant's inactive alternatives when it is moved.
    if (file != nullptr && *file != '\0') {
        return secrets::namespaced_provider<Env, secrets::file_provider>{secrets::file_provider{file}}
            .credentials_for("bybit");
    }
    return secrets::namespaced_provider<Env, secrets::env_provider>{secrets::env_provider{}}.credentials_for("bybit");
}

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
    void on_gateway_notice(const venue::bybit::gateway_event& e) {
        using k = venue::bybit::gateway_event::kind;
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

/// Where testnet and live connect: Env's hosts, or all three moved to --endpoint-override.
struct trading_endpoints {
    venue::bybit::rest_endpoint rest;
    venue::bybit::private_ws_options private_ws;
    feed::ws_endpoint public_ws;
};

template <env::environment Env>
[[nodiscard]] outcome<trading_endpoints> trading_endpoints_of(const cli_options& opts) {
    namespace bybit = venue::bybit;
    trading_endpoints ep{bybit::default_endpoint<Env>(), bybit::private_ws_endpoint<Env>(),
                         feed::public_endpoint<Env>(feed::ws_category::linear)};
    if (opts.endpoint_override.empty()) return ep;
    if constexpr (Env::endpoint_override_allowed) {
        // Testnet: loopback or Bybit testnet only (app/endpoint_override.hpp).
        auto hp = check_endpoint_override<Env>(opts.endpoint_override);
        if (!hp) return fail_with(exit_code::usage, hp.error());
        ep.rest = bybit::override_endpoint<Env>(hp->host, hp->port);
        ep.private_ws = bybit::private_ws_override<Env>(hp->host, hp->port);
        ep.public_ws.host = hp->host;
        ep.public_ws.port = hp->port;
        return ep;
    } else {
        return fail_with(exit_code::usage, "--endpoint-override: not available here");
    }
}

/// Every check the bot relies on before it may quote, as one JSON verdict (app/preflight.hpp);
/// nothing is placed or cancelled.
template <env::environment Env>
[[nodiscard]] preflight::report trading_preflight(const startup& s, const trading_endpoints& ep,
                                                  boost::asio::ssl::context& tls) {
    namespace bybit = venue::bybit;
    preflight::report verdict{std::string(Env::name)};
    verdict.record("config", core::result<std::string>(fmt::format("{}: {} symbol(s), environment {}",
                                                                   s.opts.config_path, s.cfg.symbols.size(),
                                                                   s.cfg.environment)));
    auto shown = trading_detail::load_credentials<Env>();
    verdict.record("secrets", shown ? core::result<std::string>(fmt::format("{}", *shown))
                                    : core::result<std::string>(shown.error()));
    boost::asio::io_context io;
    bybit::rest_transport rest{io, ep.rest, tls};
    obs::system_clock_source wall;
    const auto local_now = [&wall] { return obs::unix_nanos(wall); };
    const auto clock_ok = preflight::check_venue_clock(rest, local_now, bybit::default_recv_window);
    verdict.record("venue_clock", clock_ok);
    if (clock_ok) {
        verdict.record("instruments", preflight::check_instruments(rest, s.cfg, bybit::category::linear));
        verdict.record("order_fits", preflight::check_order_fits_at_venue(rest, s.cfg, bybit::category::linear));
    } else {
        verdict.skip("instruments", "the venue did not answer market/time");
        verdict.skip("order_fits", "the venue did not answer market/time");
    }
    auto jstate = preflight::check_journal(journal_path_of(s.opts, s.cfg), Env::name, journal_options_of(s.cfg));
    verdict.record("journal", jstate ? core::result<std::string>(jstate->detail)
                                     : core::result<std::string>(jstate.error()));
    auto sig = shown ? bybit::signer::make(std::move(*shown)) : core::result<bybit::signer>(shown.error());
    if (clock_ok && jstate && sig) {
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(local_now()).count();
        verdict.record("open_orders", preflight::check_open_orders(rest, *sig, now_ms, s.cfg, bybit::category::linear,
                                                                   jstate->open_orders));
    } else {
        verdict.skip("open_orders", "needs the secrets, the venue clock and the journal");
    }
    return verdict;
}

namespace trading_detail {

/// instruments-info for `symbols`, asked up to `attempts` times: a transport failure or a 5xx
/// (not JSON) is retried after 200 ms, 400 ms, ...; a verdict (a symbol not listed or not
/// Trading) and a certificate that does not verify are not: asking again changes neither.
template <class Transport>
[[nodiscard]] core::result<venue_filter_map> fetch_filters_with_retries(Transport& rest,
                                                                        const std::vector<std::string>& symbols,
                                                                        std::uint32_t attempts) {
    for (std::uint32_t i = 0;; ++i) {
        auto fetched = preflight::fetch_venue_filters(rest, symbols, venue::bybit::category::linear);
        const bool final = fetched || fetched.error().code == errc::preflight_instrument ||
                           fetched.error().code == venue::bybit::errc::tls || i + 1 >= attempts;
        if (final) return fetched;
        std::this_thread::sleep_for(
            core::exponential_delay(std::chrono::milliseconds(200), std::chrono::milliseconds(2000), i));
    }
}

/// `s` with every symbol's filters from the venue's instruments-info, narrowed by the config's
/// (app/venue_filters.hpp), and its engine setups rebuilt from them. Exit 7 when the venue does
/// not list a symbol or a config filter is looser than the venue's; exit 3 when an order of
/// order_qty cannot trade under the venue's filters; exit 1 (runtime, as a failed clock sync)
/// when the venue cannot be asked: TLS, connect, timeouts, 5 failed attempts.
[[nodiscard]] inline outcome<startup> with_venue_filters_of(const startup& s, const trading_endpoints& ep,
                                                           boost::asio::ssl::context& tls) {
    boost::asio::io_context io;
    venue::bybit::rest_transport rest{io, ep.rest, tls};
    auto fetched = fetch_filters_with_retries(rest, symbol_names(s.setups), 5);
    if (!fetched) {
        const exit_code code = fetched.error().code == errc::preflight_instrument ? exit_code::preflight
                                                                                   : exit_code::runtime;
        return fail_with(code, fmt::format("instruments-info from {}:{}: {}", ep.rest.host, ep.rest.port,
                                           fetched.error().message));
    }
    auto cfg = with_venue_filters(s.cfg, *fetched);
    if (!cfg) return fail_with(exit_code_for(cfg.error().code, exit_code::preflight), cfg.error());
    auto setups = to_setups(*cfg);
    if (!setups) return fail_with(exit_code::config, setups.error());
    return startup{s.opts, s.loaded, std::move(*cfg), std::move(*setups)};
}

}  // namespace trading_detail

/// One signer per connection (they are not thread-safe): REST (sender thread) and private WS.
struct trading_signers {
    venue::bybit::signer rest;
    venue::bybit::signer ws;
};

template <env::environment Env>
[[nodiscard]] outcome<trading_signers> load_signers() {
    const auto one = [] () -> outcome<venue::bybit::signer> {
        auto creds = trading_detail::load_credentials<Env>();
        if (!creds) return fail_with(exit_code::environment, creds.error());
        auto sig = venue::bybit::signer::make(std::move(*creds));
        if (!sig) return fail_with(exit_code::environment, sig.error());
        return std::move(*sig);
    };
    auto rest = one();
    if (!rest) return rest.error();
    auto ws = one();
    if (!ws) return ws.error();
    return trading_signers{std::move(*rest), std::move(*ws)};
}

/// One testnet or live run, its parts built in order and torn down in reverse: the public feed
/// first, then the loop, the private stream, the gateway (its sender thread joins), REST.
template <env::environment Env, venue::venue_kind Venue, class Gate>
class trading_session : core::pinned {
    // The gateway, signer and streams below are Bybit's (bybit_v5 is the one venue with
    // `trading`); a second trading venue brings its own through this parameter.
    static_assert(Venue::trading,
                  "trading_session: this venue has no order gateway, private stream or REST transport yet "
                  "(venue/venues.hpp); only mmbot-shadow can be built for it");

public:
    using logger_type = obs::json_logger<obs::fake_clock>;
    using gateway_type = trading_detail::gateway_t<Env>;
    using loop_type = engine::execution_loop<gateway_type, Gate, logger_type>;
    using sink_type = trading_detail::trading_sink<loop_type, logger_type>;

    /// The phases of app/run.hpp's `session` concept.
    [[nodiscard]] static int run(const startup& given) {
        auto ep = trading_endpoints_of<Env>(given.opts);
        if (!ep) return exit_with(ep.error());
        auto tls = client_tls(given.opts);
        if (!tls) return exit_with(tls.error());
        if (given.opts.preflight) return preflight_only(given, *ep, *tls);
        // testnet: credentials first (a local problem, exit 4, before any request). live: after
        // its mandatory preflight, whose verdict reports missing or unreadable secrets itself.
        std::optional<trading_signers> keys;
        if constexpr (!Env::requires_preflight) {
            auto k = load_signers<Env>();
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
        auto merged = trading_detail::with_venue_filters_of(given, *ep, *tls);
        if (!merged) return exit_with(merged.error());
        const startup& s = *merged;
        if constexpr (Env::requires_preflight) {
            if (const auto verdict = trading_preflight<Env>(s, *ep, *tls); !verdict.passed()) {
                fmt::print(stderr, "{}", verdict.to_json());
                return exit_with(fail_with(exit_code::preflight,
                                           fmt::format("mmbot-{}: preflight failed (verdict above); nothing was sent",
                                                       Env::name)));
            }
            auto k = load_signers<Env>();
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
    [[nodiscard]] static int preflight_only(const startup& given, const trading_endpoints& ep,
                                            boost::asio::ssl::context& tls) {
        auto merged = trading_detail::with_venue_filters_of(given, ep, tls);
        const auto verdict = trading_preflight<Env>(merged ? *merged : given, ep, tls);
        fmt::print("{}", verdict.to_json());
        return verdict.passed() ? 0 : static_cast<int>(exit_code::preflight);
    }

private:
    trading_session(const startup& s, const trading_endpoints& ep, boost::asio::ssl::context& tls,
                    trading_signers keys, engine::journal::opened opened, log_output log_out,
                    control::control_server control, capture_recording recording,
                    std::unique_ptr<shard::coordinator> shard)
        : s_(s), ep_(ep), tls_(tls), keys_(std::move(keys)), recording_(std::move(recording)),
          journal_(std::move(opened.log)),
          log_out_(std::move(log_out)), sink_(log_out_.file()),
          log_(sink_, clock_, obs::parse_log_level(s.opts.log_level).value()), rest_{rest_io_, ep.rest, tls},
          seen_(clock_, symbol_names(s.setups), stale_after_of(s.setups)),
          ops_(s.opts, s.loaded, std::move(control), log_, seen_.metrics, journal_), pictures_(s.opts) {
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
    [[nodiscard]] core::result<std::int64_t> venue_ms_at(std::chrono::nanoseconds t) const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t + venue_watch_->offset()).count();
    }

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
        venue::bybit::clock_sync sync;
        auto synced = venue::bybit::sync_clock(sync, rest_, [this] { return now(); }, 3);
        if (!synced) {
            log_.error("clock_sync_failed", {{"code", synced.error().code}, {"error", synced.error().message}});
            return fail_with(exit_code::runtime,
                             fmt::format("{}:{}: {}", ep_.rest.host, ep_.rest.port, synced.error().message));
        }
        venue_watch_.emplace(ep_.rest, tls_,
                             venue_watch::schedule{std::chrono::seconds(s_.opts.clock_resync_s),
                                                   std::chrono::seconds(s_.opts.filters_refresh_s),
                                                   symbol_names(s_.setups)},
                             *synced, [this] { return now(); });
        seen_.metrics.clock_skew.set(*synced);
        log_.info("clock_synced", {{"offset_ns", static_cast<std::int64_t>(synced->count())}});
        return {};
    }

    /// REST (with live's second domain when no override is in force), the gateway, the private
    /// and public streams, and the loop on the journal's store and positions.
    void connect() {
        namespace bybit = venue::bybit;
        const auto now_fn = [this] { return now(); };
        if (s_.opts.endpoint_override.empty() && bybit::host_failover<Env>::has_failover()) {
            rest_failover_.emplace(rest_io_, bybit::rest_endpoint{std::string(Env::rest_failover_host)}, tls_);
        }
        hosts_.emplace(trading_detail::transport_ref{&rest_},
                       rest_failover_ ? std::optional(trading_detail::transport_ref{&*rest_failover_}) : std::nullopt,
                       now_fn);
        gateway_.emplace(trading_detail::failover_ref<Env>{&*hosts_}, &keys_.rest, bybit::gateway_params{}, now_fn,
                         [this](std::chrono::nanoseconds t) { return venue_ms_at(t); });
        pws_.emplace(ep_.private_ws, tls_, keys_.ws, [this]() { return venue_ms_at(now()); });
        started_at_ = now();
        loop_.emplace(*gateway_, journal_, std::move(store_), std::move(positions_), to_options(s_.cfg), s_.setups,
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

    [[nodiscard]] feed::ws_feed_options public_feed_options() const {
        feed::ws_feed_options fo;
        fo.endpoint = ep_.public_ws;
        fo.topics.symbols = symbol_names(s_.setups);
        fo.max_consecutive_failures = 20;
        fo.backoff_seed = static_cast<std::uint64_t>(started_at_.count());
        recording_.tap(fo);
        return fo;
    }

    void start() {
        venue_watch_->start();
        gateway_->start();
        pws_->start();
        md_->start();
        log_.info("trading_started",
                  {{"rest", fmt::format("{}:{}", ep_.rest.host, ep_.rest.port)},
                   {"rest_failover", rest_failover_ ? Env::rest_failover_host : std::string_view("none")},
                   {"private_ws", fmt::format("{}:{}", ep_.private_ws.host, ep_.private_ws.port)}});
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
        (void)gateway_->drain(*events_sink_);
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
        auto r = venue_watch_->take_clock_report();
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
                                        {"max_jump_ms", static_cast<std::int64_t>(venue::bybit::max_offset_jump.count())}});
            loop_->freeze(risk::freeze_reason{*r->freeze_reason, risk::release::cool_down}, now_);
        }
    }

    /// An instruments-info refresh (app/venue_filters.hpp): a symbol whose filters changed is
    /// requoted on the new grid; one whose config filters are no longer at least as strict as the
    /// venue's, or whose order can no longer trade, freezes the bot (filters_conflict).
    void poll_filters() {
        auto fetched = venue_watch_->take_filters();
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
        const auto pr = pws_->poll(*events_sink_, std::chrono::milliseconds(1));
        if (pr.fatal) {
            fatal_ = *pr.fatal;
            return false;
        }
        if (pr.bad_frame) log_.warn("private_ws_bad_frame", {{"error", pr.bad_frame->message}});
        if (pr.lost) log_.warn("private_ws_lost", {{"reason", pws_->last_error()}});
        if (pr.became_ready || events_sink_->reconcile_needed) {
            events_sink_->reconcile_needed = false;
            log_.info("private_ws_ready", {{"sessions", pws_->stats().sessions}});
            request_reconcile(now_);
        }
        return true;
    }

    /// Quoting starts once the private stream is up and every symbol has reconciled; 30 s after
    /// the start without that, the run stops.
    bool try_start_quoting() {
        const bool all = last_reconcile_done();
        if (all && pws_->ready()) {
            loop_->start(now_);
            quoting_ = true;
            log_.info("quoting_started", {});
            // Orders the journal and the venue both still hold (a previous run that died) were
            // re-adopted by the reconcile; no quote slot owns them, so they go now and the quoter
            // places fresh ones.
            if (!loop_->store().open_orders().empty()) loop_->cancel_all("recovered_open_orders", now_);
        } else if (now_ > ready_deadline_) {
            fatal_ = core::make_error(errc::venue_not_ready, fmt::format("private stream or reconcile not done within "
                                                                     "30 s (last: {})", pws_->last_error()));
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
        namespace bybit = venue::bybit;
        if (quoting_) loop_->on_tick(now_);
        last_tick_ = now_;
        seen_.board.set_venue_connected(pws_->ready());
        seen_.board.set_frozen(loop_->state() == engine::bot_state::freeze);
        seen_.feed_counts.market_data(md_->stats());
        seen_.feed_counts.public_stream(md_->feed_stats());
        seen_.feed_counts.private_stream(pws_->stats().sessions);
        recording_.publish(seen_.feed_counts);
        for (std::size_t e = 0; e < bybit::endpoint_count; ++e) {
            const auto ep = static_cast<bybit::endpoint>(e);
            if (const auto left = gateway_->protocol().rate_limit_remaining(ep)) {
                seen_.metrics.rate_limit_headroom.with({bybit::path_of(ep)}).set(*left);
            }
        }
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
            if (auto ok = gateway_->reconcile(name, std::move(open), at); !ok) {
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
        rest_.set_deadline(steady_deadline);
        if (rest_failover_) rest_failover_->set_deadline(steady_deadline);
        auto next_reconcile = stop_started + std::chrono::seconds(1);
        while (now() < stop_deadline) {
            const auto t = now();
            clock_.set(t);
            if (!pws_->fatal()) (void)pws_->poll(*events_sink_, std::chrono::milliseconds(5));
            (void)gateway_->drain(*events_sink_);
            if (gateway_->pending() == 0 && loop_->store().open_orders().empty()) break;
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
        rest_.cancel_in_flight();
        if (rest_failover_) rest_failover_->cancel_in_flight();
        gateway_->stop();
        pws_->stop();
        md_->stop();
        venue_watch_->stop();
        (void)gateway_->drain(*events_sink_);
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
        const auto& pub = ep_.public_ws;
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
        const auto gs = gateway_->stats();
        const auto totals = loop_->positions().totals(loop_->marks());
        fmt::print(stderr,
                   "mmbot-{}: {} book events, {} orders placed, {} fills, {} cancelled, {} rejected, "
                   "{} open at exit, requests {} (throttled {}, 10006 {}, unresolved {}), fills recovered {} "
                   "(of {} read back), cancel retries {}, host failovers {}, net pnl {}\n",
                   Env::name, events_, st.orders_placed, st.fills, st.orders_cancelled, st.orders_rejected,
                   loop_->store().open_orders().size(), gs.requests_sent, gs.throttled, gs.venue_rate_limited,
                   gs.unresolved, events_sink_ ? events_sink_->fills_recovered : 0, gs.executions_read_back,
                   st.cancel_retries, hosts_->switches(),
                   totals ? totals->net.to_string() : "n/a");
    }

    // What start-up hands over.
    const startup& s_;
    const trading_endpoints& ep_;
    boost::asio::ssl::context& tls_;
    trading_signers keys_;
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
    // The venue, built after the clock sync (connect()).
    boost::asio::io_context rest_io_;
    venue::bybit::rest_transport rest_;
    std::optional<venue_watch> venue_watch_;  ///< the venue's clock and instruments, on their own thread
    /// Each symbol's filters as the loop uses them (a refresh compares against these).
    std::map<std::string, core::instrument_filters, std::less<>> filters_;
    std::optional<venue::bybit::rest_transport> rest_failover_;
    std::optional<trading_detail::failover_t<Env>> hosts_;
    std::optional<gateway_type> gateway_;
    std::optional<venue::bybit::private_ws> pws_;
    run_observability<obs::fake_clock> seen_;
    std::optional<loop_type> loop_;
    std::map<std::string, bool, std::less<>> reconciled_;
    std::optional<sink_type> events_sink_;
    std::optional<feed::ws_feed> md_;
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
