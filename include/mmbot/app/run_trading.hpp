// mmbot/app/run_trading.hpp
//
// The order-sending run of mmbot-testnet and mmbot-live (app::run calls it once flags, config,
// EXCHANGE_ENV and the environment checks have passed):
//
//   credentials   mm-bot/<Env namespace>/bybit from the secrets backend: the file named by
//                 MMBOT_SECRETS_FILE (mode 0600), else MMBOT_SECRET_<NS>_BYBIT_API_KEY/_SECRET
//   journal       opened and recovered, never deleted: its records rebuild the order store and
//                 the positions before anything is sent
//   clock         one GET /v5/market/time: the venue-time offset every signature uses
//   venue         bybit::order_gateway on rest_transport (sender thread) + bybit::private_ws
//                 (order + execution, polled on this thread) + feed::ws_feed (public books)
//   reconcile     after the private stream is ready, and again after each reconnect: orders open
//                 at the venue that the store does not know are cancelled, store-open orders the
//                 venue does not list are queried and their final state applied. Quoting starts
//                 only when every symbol has reconciled.
//   stop          SIGINT/SIGTERM or --iterations: cancel-all, wait (bounded) for the venue to
//                 confirm, journal synced, report written like shadow's
//
// --endpoint-override HOST:PORT (only where Env::endpoint_override_allowed: never live; testnet
// only loopback or Bybit testnet, app/endpoint_override.hpp) points REST, the private and the
// public WebSocket at one host (the local venue); --ca-file adds the CA it presents. Certificate and host-name verification stay on.
//
// Errors and exit codes: environment (credentials missing or malformed), journal (cannot open or
// recover), feed (public feed failed), runtime (clock sync, auth refused, venue never ready).
#pragma once

#include "mmbot/app/book_faults.hpp"
#include "mmbot/app/cli.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/endpoint_override.hpp"
#include "mmbot/app/kill_switch.hpp"
#include "mmbot/app/loop_health.hpp"
#include "mmbot/app/feed_metrics.hpp"
#include "mmbot/app/obs_endpoint.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/net/tls.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/secrets/any_provider.hpp"
#include "mmbot/secrets/namespaced_provider.hpp"
#include "mmbot/venue/bybit/clock_sync.hpp"
#include "mmbot/venue/bybit/failover_transport.hpp"
#include "mmbot/venue/bybit/order_gateway.hpp"
#include "mmbot/venue/bybit/private_ws.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
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
    auto backend = file != nullptr && *file != '\0'
                       ? secrets::any_provider{secrets::file_provider{file}}
                       : secrets::any_provider{secrets::env_provider{}};
    const secrets::namespaced_provider<Env, secrets::any_provider> p{std::move(backend)};
    return p.credentials_for("bybit");
}

/// The engine's sink for the gateway and the private stream, plus what the engine has no call
/// for: reconcile progress and unresolved creates (freeze, then reconcile).
template <class Loop, class Logger>
struct trading_sink {
    Loop& loop;
    Logger& log;
    std::map<std::string, bool, std::less<>>& reconciled;
    bool reconcile_needed = false;

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
        loop.on_fill(f);
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

/// The testnet/live run. Returns the process exit code.
template <env::environment Env, class Gate>
int run_trading(const cli_options& opts, const config& cfg,
                const std::map<std::string, engine::symbol_setup, std::less<>>& setups,
                const engine::engine_options& options, const engine::journal_options& jopts) {
    namespace bybit = venue::bybit;
    const auto fail = [](exit_code code, std::string_view message) {
        fmt::print(stderr, "error: {}\n", message);
        return static_cast<int>(code);
    };
    // --feed is refused before this (app/cli_rules.hpp): the public stream is always Env's own
    // (or the --endpoint-override host's).

    // ------------------------------------------------------------------------- endpoints, TLS
    bybit::rest_endpoint rest_ep = bybit::default_endpoint<Env>();
    bybit::private_ws_options ws_opts = bybit::private_ws_endpoint<Env>();
    feed::ws_endpoint public_ep = feed::public_endpoint<Env>(feed::ws_category::linear);
    if (!opts.endpoint_override.empty()) {
        if constexpr (Env::endpoint_override_allowed) {
            // Testnet: loopback or Bybit testnet only (app/endpoint_override.hpp).
            auto hp = check_endpoint_override<Env>(opts.endpoint_override);
            if (!hp) return fail(exit_code::usage, hp.error().message);
            rest_ep = bybit::override_endpoint<Env>(hp->host, hp->port);
            ws_opts = bybit::private_ws_override<Env>(hp->host, hp->port);
            public_ep.host = hp->host;
            public_ep.port = hp->port;
        } else {
            return fail(exit_code::usage, "--endpoint-override: not available here");
        }
    }
    boost::asio::ssl::context tls = net::tls_client_context();
    if (!opts.ca_file.empty()) {
        if (auto ok = net::trust_pem_file(tls, opts.ca_file); !ok) {
            return fail(exit_code::feed, ok.error().message);
        }
    }

    // -------------------------------------------------------------------------- --preflight
    // Every check the bot relies on before it may quote, as one JSON verdict (app/preflight.hpp);
    // nothing is placed or cancelled. --preflight prints it and exits; an environment that
    // requires it (live) runs it at every start and refuses to trade on a failure.
    const auto run_preflight = [&]() {
        preflight::report verdict{std::string(Env::name)};
        verdict.record("config", core::result<std::string>(
                                     fmt::format("{}: {} symbol(s), environment {}", opts.config_path,
                                                 cfg.symbols.size(), cfg.environment)));
        auto shown = trading_detail::load_credentials<Env>();
        verdict.record("secrets", shown ? core::result<std::string>(fmt::format("{}", *shown))
                                        : core::result<std::string>(shown.error()));
        boost::asio::io_context pf_io;
        bybit::rest_transport pf_rest{pf_io, rest_ep, tls};
        obs::system_clock_source pf_wall;
        const auto local_now = [&pf_wall] { return obs::unix_nanos(pf_wall); };
        const auto clock_ok = preflight::check_venue_clock(pf_rest, local_now, bybit::default_recv_window);
        verdict.record("venue_clock", clock_ok);
        if (clock_ok) {
            verdict.record("instruments", preflight::check_instruments(pf_rest, cfg, bybit::category::linear));
            verdict.record("order_fits",
                           preflight::check_order_fits_at_venue(pf_rest, cfg, bybit::category::linear));
        } else {
            verdict.skip("instruments", "the venue did not answer market/time");
            verdict.skip("order_fits", "the venue did not answer market/time");
        }
        const std::string pf_journal = opts.journal_path.empty() ? cfg.journal.path : opts.journal_path;
        auto jstate = preflight::check_journal(pf_journal, Env::name, jopts);
        verdict.record("journal", jstate ? core::result<std::string>(jstate->detail)
                                         : core::result<std::string>(jstate.error()));
        auto pf_signer = shown ? bybit::signer::make(std::move(*shown))
                               : core::result<bybit::signer>(shown.error());
        if (clock_ok && jstate && pf_signer) {
            const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(local_now()).count();
            verdict.record("open_orders", preflight::check_open_orders(pf_rest, *pf_signer, now_ms, cfg,
                                                                       bybit::category::linear,
                                                                       jstate->open_orders));
        } else {
            verdict.skip("open_orders", "needs the secrets, the venue clock and the journal");
        }
        return verdict;
    };
    if (opts.preflight) {
        const auto verdict = run_preflight();
        fmt::print("{}", verdict.to_json());
        return verdict.passed() ? 0 : static_cast<int>(exit_code::preflight);
    }
    if constexpr (Env::requires_preflight) {
        if (const auto verdict = run_preflight(); !verdict.passed()) {
            fmt::print(stderr, "{}", verdict.to_json());
            return fail(exit_code::preflight, fmt::format("mmbot-{}: preflight failed (verdict above); "
                                                          "nothing was sent",
                                                          Env::name));
        }
    }

    // ------------------------------------------------------------------ credentials, signers
    // After the preflight: its verdict reports missing or unreadable secrets as a failed check.
    // One signer per connection (they are not thread-safe): REST (sender thread) and private WS.
    auto rest_creds = trading_detail::load_credentials<Env>();
    if (!rest_creds) return fail(exit_code::environment, rest_creds.error().message);
    auto rest_signer = bybit::signer::make(std::move(*rest_creds));
    if (!rest_signer) return fail(exit_code::environment, rest_signer.error().message);
    auto ws_creds = trading_detail::load_credentials<Env>();
    if (!ws_creds) return fail(exit_code::environment, ws_creds.error().message);
    auto ws_signer = bybit::signer::make(std::move(*ws_creds));
    if (!ws_signer) return fail(exit_code::environment, ws_signer.error().message);

    // --------------------------------------------------------------- journal: open + recover
    const std::string journal_path = opts.journal_path.empty() ? cfg.journal.path : opts.journal_path;
    std::error_code fs_ec;
    if (const auto parent = std::filesystem::path(journal_path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent, fs_ec);
    }
    auto opened = engine::journal::open(journal_path, Env::name, jopts);
    if (!opened) return fail(exit_code::journal, opened.error().message);
    engine::journal journal = std::move(opened->log);
    engine::order_store store;
    engine::position_book positions;
    for (const auto& e : opened->entries) {
        (void)store.apply(e.event);
        if (const auto* f = std::get_if<engine::order_fill>(&e.event)) (void)positions.apply(*f);
    }

    // ------------------------------------------------------------------------------- logging
    const std::string log_path = opts.log_path.empty()
        ? (std::filesystem::path(journal_path).parent_path() / "mmbot.log").string()
        : opts.log_path;
    std::FILE* log_file = log_path == "-" ? stderr : std::fopen(log_path.c_str(), "a");
    if (log_file == nullptr) return fail(exit_code::runtime, fmt::format("--log: cannot open \"{}\"", log_path));
    obs::file_sink log_sink(log_file);
    obs::fake_clock clock;
    obs::system_clock_source wall;
    clock.set(obs::unix_nanos(wall));
    obs::json_logger<obs::fake_clock> log(log_sink, clock, obs::parse_log_level(opts.log_level).value());
    log.info("journal_recovered", {{"records", static_cast<std::int64_t>(opened->entries.size())},
                                   {"open_orders", static_cast<std::int64_t>(store.open_orders().size())},
                                   {"summary", opened->report.describe()}});
    const auto close_log = [&] {
        if (log_file != stderr) std::fclose(log_file);
    };

    // ------------------------------------------------------------------- clock sync (REST)
    boost::asio::io_context rest_io;
    bybit::rest_transport rest{rest_io, rest_ep, tls};
    std::chrono::nanoseconds offset{0};
    {
        // The error names why the last attempt failed (TLS, connect, timeout), not only that no
        // sample arrived.
        bybit::clock_sync clock_sync;
        auto synced = bybit::sync_clock(clock_sync, rest, [&wall] { return obs::unix_nanos(wall); }, 3);
        if (!synced) {
            log.error("clock_sync_failed", {{"code", synced.error().code}, {"error", synced.error().message}});
            close_log();
            return fail(exit_code::runtime,
                        fmt::format("{}:{}: {}", rest_ep.host, rest_ep.port, synced.error().message));
        }
        offset = *synced;
        log.info("clock_synced", {{"offset_ns", static_cast<std::int64_t>(offset.count())}});
    }
    const auto now_fn = [&wall] { return obs::unix_nanos(wall); };
    const auto venue_ms_at = [offset](std::chrono::nanoseconds t) -> core::result<std::int64_t> {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t + offset).count();
    };

    // ----------------------------------------------------------------- venue and the engine
    // The second domain of the same environment, when it has one and no override is in force.
    std::optional<bybit::rest_transport> rest_failover;
    if (opts.endpoint_override.empty() && bybit::host_failover<Env>::has_failover()) {
        rest_failover.emplace(rest_io, bybit::rest_endpoint{std::string(Env::rest_failover_host)}, tls);
    }
    trading_detail::failover_t<Env> rest_hosts{
        trading_detail::transport_ref{&rest},
        rest_failover ? std::optional(trading_detail::transport_ref{&*rest_failover}) : std::nullopt, now_fn};
    trading_detail::gateway_t<Env> gateway{trading_detail::failover_ref<Env>{&rest_hosts}, &*rest_signer,
                                           bybit::gateway_params{}, now_fn, venue_ms_at};
    bybit::private_ws pws{ws_opts, tls, *ws_signer, [&]() { return venue_ms_at(now_fn()); }};

    obs::registry registry;
    obs::mm_metrics metrics(registry);
    using loop_t = engine::execution_loop<trading_detail::gateway_t<Env>, Gate, obs::json_logger<obs::fake_clock>>;
    const auto t_start = now_fn();
    loop_t loop{gateway, journal, std::move(store), std::move(positions), options, setups, metrics, log,
                engine::client_order_id_generator::for_run(t_start, 0)};
    std::map<std::string, bool, std::less<>> reconciled;
    for (const auto& [name, s] : setups) reconciled[name] = false;
    trading_detail::trading_sink<loop_t, obs::json_logger<obs::fake_clock>> sink{loop, log, reconciled};

    const auto request_reconcile = [&](std::chrono::nanoseconds now) {
        for (auto& [name, done] : reconciled) {
            std::vector<std::string> open;
            for (const auto* o : loop.store().open_orders()) {
                if (o->symbol == name) open.push_back(o->client_order_id);
            }
            done = false;
            if (auto ok = gateway.reconcile(name, std::move(open), now); !ok) {
                log.error("reconcile_failed", {{"symbol", name}, {"error", ok.error().message}});
            }
        }
    };

    feed::ws_feed_options fo;
    fo.endpoint = public_ep;
    for (const auto& [name, s] : setups) fo.topics.symbols.push_back(name);
    fo.max_consecutive_failures = 20;
    fo.backoff_seed = static_cast<std::uint64_t>(t_start.count());
    feed::ws_feed md(std::move(fo), tls, [&log](const feed::ws_notice& n) {
        log.warn(to_string(n.kind), {{"detail", n.detail}});
    });

    // --obs: /ready is 200 only while the private stream is up, every symbol's book is fresh and
    // the bot is not frozen (docs/observability.md).
    std::vector<std::string> symbol_names;
    std::chrono::nanoseconds stale_after{std::chrono::seconds(5)};
    for (const auto& [name, s] : setups) {
        symbol_names.push_back(name);
        stale_after = std::min(stale_after, s.limits.stale_after);
    }
    obs::readiness_board<obs::fake_clock> board(clock, symbol_names, stale_after);
    book_faults faults(symbol_names, metrics);  // crossed books: logged, counted, not ready
    feed_metrics feed_counts(metrics);
    std::optional<obs::health_server> server;
    if (auto ok = serve_obs(opts, server, board, registry, metrics, log, Env::name); !ok) {
        close_log();
        return fail(exit_code::runtime, ok.error().message);
    }

    install_signal_handlers();
    kill_switch kill{opts.kill_switch_file};
    gateway.start();
    pws.start();
    md.start();
    log.info("trading_started", {{"rest", fmt::format("{}:{}", rest_ep.host, rest_ep.port)},
                                 {"rest_failover", rest_failover ? Env::rest_failover_host : std::string_view("none")},
                                 {"private_ws", fmt::format("{}:{}", ws_opts.host, ws_opts.port)}});

    std::optional<core::error> fatal;
    exit_code fatal_code = exit_code::runtime;
    bool quoting = false;
    std::int64_t events = 0;
    std::chrono::nanoseconds now = t_start;
    std::chrono::nanoseconds last_tick{0};
    feed::replay_event ev;
    const auto ready_deadline = t_start + std::chrono::seconds(30);
    loop_health health{t_start};
    std::set<std::string, std::less<>> fits_checked;
    for (;;) {
        now = now_fn();
        clock.set(now);
        if (const auto h = health.turn(now)) {
            log.info("loop_health", {{"turns", h->turns}, {"max_turn_ms", h->max_turn_ms}});
        }
        const auto pr = pws.poll(sink, std::chrono::milliseconds(1));
        if (pr.fatal) {
            fatal = *pr.fatal;
            break;
        }
        if (pr.bad_frame) log.warn("private_ws_bad_frame", {{"error", pr.bad_frame->message}});
        if (pr.lost) log.warn("private_ws_lost", {{"reason", pws.last_error()}});
        if (pr.became_ready || sink.reconcile_needed) {
            sink.reconcile_needed = false;
            log.info("private_ws_ready", {{"sessions", pws.stats().sessions}});
            request_reconcile(now);
        }
        (void)gateway.drain(sink);
        if (!quoting) {
            const bool all = std::all_of(reconciled.begin(), reconciled.end(),
                                         [](const auto& p) { return p.second; });
            if (all && pws.ready()) {
                loop.start(now);
                quoting = true;
                log.info("quoting_started", {});
                // Orders the journal and the venue both still hold (a previous run that died)
                // were re-adopted by the reconcile; no quote slot owns them, so they go now and
                // the quoter places fresh ones.
                if (!loop.store().open_orders().empty()) loop.cancel_all("recovered_open_orders", now);
            } else if (now > ready_deadline) {
                fatal = core::make_error(errc::venue_not_ready,
                                         fmt::format("private stream or reconcile not done within 30 s "
                                                     "(last: {})", pws.last_error()));
                break;
            }
        }
        const auto st = md.poll(ev, std::chrono::milliseconds(quoting ? 5 : 1));
        if (st == feed::poll_status::failed) {
            fatal = md.error();
            fatal_code = exit_code::feed;
            break;
        }
        if (st == feed::poll_status::event && quoting) {
            const feed::decoded_message& msg = *ev.msg;
            if (msg.kind == feed::message_kind::book && ev.book != nullptr && ev.book->valid()) {
                const std::string_view sym = msg.book.sym.view();
                if (const auto it = setups.find(sym); it != setups.end()) {
                    const auto idx = static_cast<std::size_t>(std::distance(setups.begin(), it));
                    if (faults.observe(idx, *ev.book, now, board, log)) {
                        // The first good (uncrossed) book of each symbol: one order must fit the
                        // caps, else every intent would be blocked; stop at once naming the
                        // numbers (exit 7).
                        if (!fits_checked.contains(sym)) {  // no string built per book message
                            fits_checked.emplace(sym);
                            auto fits = preflight::check_order_fits(cfg, sym, ev.book->best_bid()->px);
                            if (fits) fits = preflight::check_order_fits(cfg, sym, ev.book->best_ask()->px);
                            if (!fits) {
                                fatal = fits.error();
                                fatal_code = exit_code::preflight;
                                break;
                            }
                            log.info("order_fits", {{"detail", *fits}});
                        }
                        board.mark_market_data(idx, now);
                    }
                    loop.on_book(sym, strategy::market_top{ev.book->best_bid(), ev.book->best_ask()}, now);
                    ++events;
                }
            }
        }
        if (const auto why = kill.poll()) {
            // Freeze + cancel-all on this turn, whether or not quoting has started.
            log.error("kill_switch", {{"trigger", *why}});
            loop.freeze(*why, now);
        }
        if (now - last_tick >= std::chrono::milliseconds(100)) {
            if (quoting) loop.on_tick(now);
            last_tick = now;
            board.set_venue_connected(pws.ready());
            board.set_frozen(loop.state() == engine::bot_state::freeze);
            feed_counts.market_data(md.stats());
            feed_counts.public_stream(md.feed_stats());
            feed_counts.private_stream(pws.stats().sessions);
            for (std::size_t e = 0; e < bybit::endpoint_count; ++e) {
                const auto ep = static_cast<bybit::endpoint>(e);
                if (const auto left = gateway.rate_limit_remaining(ep)) {
                    metrics.rate_limit_headroom.with({bybit::path_of(ep)}).set(*left);
                }
            }
        }
        if (const int sig = shutdown_requested(); sig != 0) {
            log.warn("signal", {{"signal", static_cast<std::int64_t>(sig)}});
            break;
        }
        if (opts.iterations > 0 && events >= opts.iterations) break;
    }
    if (fatal) log.error("trading_stopped", {{"code", fatal->code}, {"error", fatal->message}});

    // ---------------------------------------------------------------------- orderly stop
    loop.shutdown(shutdown_requested() != 0 ? "signal" : fatal ? "fatal" : "iterations", now_fn());
    // Cancel until confirmed. A cancel-all that was lost or refused is swept again every
    // cancel_retry_after (retry_unconfirmed_cancels). Cancel-all answers with what it cancelled,
    // not with orders that were already gone: an order filled while its push was dropped stays
    // open here although the venue has closed it, so every 2 s with orders still open the
    // orders are reconciled (each queried, its final state applied).
    const auto stop_started = now_fn();
    const auto stop_deadline = stop_started + std::chrono::seconds(opts.stop_timeout_s);
    // Every REST call from here on (the sender thread's in-flight one included) ends by the
    // deadline, so a hung venue cannot hold gateway.stop() below beyond it.
    const auto stop_deadline_steady = std::chrono::steady_clock::now() + std::chrono::seconds(opts.stop_timeout_s);
    rest.set_deadline(stop_deadline_steady);
    if (rest_failover) rest_failover->set_deadline(stop_deadline_steady);
    auto next_reconcile = stop_started + std::chrono::seconds(1);
    while (now_fn() < stop_deadline) {
        const auto t = now_fn();
        clock.set(t);
        if (!pws.fatal()) (void)pws.poll(sink, std::chrono::milliseconds(5));
        (void)gateway.drain(sink);
        if (gateway.pending() == 0 && loop.store().open_orders().empty()) break;
        (void)loop.retry_unconfirmed_cancels(t);
        if (gateway.pending() == 0 && t >= next_reconcile) {
            next_reconcile = t + std::chrono::seconds(2);
            log.warn("open_after_cancel_all",
                     {{"orders", static_cast<std::int64_t>(loop.store().open_orders().size())}});
            request_reconcile(t);
        }
    }
    if (!loop.store().open_orders().empty()) {
        log.error("open_at_exit", {{"orders", static_cast<std::int64_t>(loop.store().open_orders().size())},
                                   {"stop_timeout_s", static_cast<std::int64_t>(opts.stop_timeout_s)}});
        if (!fatal) {
            fatal = core::make_error(errc::open_at_exit,
                                     fmt::format("{} order(s) still open after {} s of cancel-all "
                                                 "and reconcile; the journal keeps them for the "
                                                 "next start's reconcile",
                                                 loop.store().open_orders().size(), opts.stop_timeout_s));
        }
    }
    gateway.stop();
    pws.stop();
    md.stop();
    (void)gateway.drain(sink);

    run_params params{std::string(Env::name),
                      fmt::format("wss://{}:{}{}", public_ep.host, public_ep.port, public_ep.path), {},
                      opts.iterations, cfg.maker};
    for (const auto& [name, s] : setups) params.symbols.push_back(name);
    const auto ws_stats = md.feed_stats();
    faults.close(now);
    const auto report = make_report(params, loop, md.stats(), &ws_stats, &faults);
    if (!opts.report_path.empty()) {
        if (const auto parent = std::filesystem::path(opts.report_path).parent_path(); !parent.empty()) {
            std::filesystem::create_directories(parent, fs_ec);
        }
        if (auto w = write_report(opts.report_path, report); !w) {
            close_log();
            return fail(exit_code::runtime, w.error().message);
        }
    }
    const auto& st = loop.stats();
    const auto gs = gateway.stats();
    const auto totals = loop.positions().totals(loop.marks());
    fmt::print(stderr,
               "mmbot-{}: {} book events, {} orders placed, {} fills, {} cancelled, {} rejected, "
               "{} open at exit, requests {} (throttled {}, 10006 {}, unresolved {}), fills recovered {}, "
               "cancel retries {}, host failovers {}, net pnl {}\n",
               Env::name, events, st.orders_placed, st.fills, st.orders_cancelled, st.orders_rejected,
               loop.store().open_orders().size(), gs.requests_sent, gs.throttled,
               gs.venue_rate_limited, gs.unresolved, gs.fills_recovered, st.cancel_retries, rest_hosts.switches(),
               totals ? totals->net.to_string() : "n/a");
    close_log();
    if (fatal) return fail(fatal_code, fmt::format("{}: {}", fatal->code, fatal->message));
    return 0;
}

}  // namespace mmbot::app
