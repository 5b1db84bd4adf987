// mmbot/app/run.hpp
//
// The whole program behind targets/<env>/main.cpp: flags, config, journal, wiring, the event loop,
// signals, hot reload and the final report. A target picks its environment and its risk gate at
// compile time and calls
//
//   int main(int argc, char** argv) { return mmbot::app::run<mmbot::env::shadow, gate>(argc, argv); }
//
// Shadow mode drives the engine from a recorded capture through the simulated venue, with a fake
// clock that follows the capture's timestamps: the same capture and flags give a byte-identical
// report and log. With --feed live (or wss://...) the same per-event step is driven by Bybit's
// public WebSocket (feed/ws_feed.hpp) and the wall clock. The environments that send orders need the Bybit adapter (issue 7); until it is
// wired they stop after validating flags, config, EXCHANGE_ENV and journal with a clear message.
#pragma once

#include "mmbot/app/book_faults.hpp"
#include "mmbot/app/cli.hpp"
#include "mmbot/app/cli_rules.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/config_reload.hpp"
#include "mmbot/app/kill_switch.hpp"
#include "mmbot/app/feed_metrics.hpp"
#include "mmbot/app/obs_endpoint.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/net/tls.hpp"
#include "mmbot/obs/health_server.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/obs/readiness.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/secrets/exchange_env.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iterator>
#include <fstream>
#include <optional>
#include <string>

namespace mmbot::app {

namespace detail {

/// The simulated venue behind the engine's venue interface.
struct sim_order_venue {
    venue::sim::simulated_venue& sim;

    void place(const venue::order_request& r, std::chrono::nanoseconds now) {
        sim.place(venue::sim::place_request{std::string(r.client_order_id), std::string(r.symbol),
                                            r.side, r.price, r.qty, r.post_only},
                  now);
    }
    void cancel(std::string_view symbol, std::string_view id, std::chrono::nanoseconds now) {
        sim.cancel(symbol, id, now);
    }
    void cancel_all(std::string_view symbol, std::chrono::nanoseconds now) {
        sim.cancel_all(symbol, now);
    }
};

[[nodiscard]] inline int fail(exit_code code, std::string_view message) {
    fmt::print(stderr, "error: {}\n", message);
    return static_cast<int>(code);
}

/// The config after the command line has had its say (--symbols, maker flags, --max-inv).
[[nodiscard]] inline core::result<config> apply_cli(config c, const cli_options& o) {
    if (!o.symbols.empty()) {
        std::map<std::string, symbol_config, std::less<>> chosen;
        for (const auto& s : o.symbols) {
            auto it = c.symbols.find(s);
            if (it == c.symbols.end()) {
                return usage_error(fmt::format("--symbols: \"{}\" is not in the config", s));
            }
            chosen.emplace(it->first, it->second);
        }
        c.symbols = std::move(chosen);
    }
    if (o.maker_only) c.maker.maker_only = *o.maker_only;
    if (o.post_only_offset_bps) c.maker.post_only_offset_bps = *o.post_only_offset_bps;
    if (o.min_qty_pad) c.maker.min_qty_pad = *o.min_qty_pad;
    if (o.max_inv) {
        for (auto& [name, s] : c.symbols) {
            if (*o.max_inv < s.limits.max_position_notional) s.limits.max_position_notional = *o.max_inv;
        }
    }
    return c;
}

[[nodiscard]] inline core::result<strategy::quoter_params> to_quoter(const std::string& symbol,
                                                                    const strategy_config& s) {
    strategy::quoter_params q;
    auto mode = strategy::parse_fair_price_mode(s.fair_price);
    if (!mode) return mode.error();
    q.mode = *mode;
    auto reference = strategy::parse_quote_reference(s.quote_from);
    if (!reference) return reference.error();
    q.reference = *reference;
    q.half_spread = s.half_spread_bps;
    q.order_qty = s.order_qty;
    q.skew_bps_at_max = s.skew_bps_at_max;
    q.max_position = s.max_position;
    q.requote_threshold = s.requote_threshold_bps;
    q.max_quote_age = s.max_quote_age;
    if (auto ok = strategy::validate(symbol, q); !ok) return ok.error();
    return q;
}

[[nodiscard]] inline core::result<std::map<std::string, engine::symbol_setup, std::less<>>>
to_setups(const config& c) {
    std::map<std::string, engine::symbol_setup, std::less<>> out;
    for (const auto& [name, s] : c.symbols) {
        auto q = to_quoter(name, s.strategy);
        if (!q) return q.error();
        out.emplace(name, engine::symbol_setup{s.filters, s.limits, *q});
    }
    return out;
}

[[nodiscard]] inline engine::engine_options to_options(const config& c) {
    return engine::engine_options{c.maker, c.global_limits,
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(c.freeze_cool_down)};
}

[[nodiscard]] inline engine::journal_options journal_options_of(const config& c) {
    engine::journal_options j;
    j.policy = c.journal.fsync == "every_record" ? engine::fsync_policy::every_record
               : c.journal.fsync == "interval"   ? engine::fsync_policy::interval
                                                 : engine::fsync_policy::none;
    j.interval = c.journal.fsync_interval;
    return j;
}

/// Where a live feed connects: Bybit's public stream of the environment (`live`, `live:testnet`,
/// `:spot`), a wss:// URL, or `live` moved to --endpoint-override HOST:PORT. The last two only
/// where Env::endpoint_override_allowed. Errors: "usage" (refused override), feed_bad_url.
template <env::environment Env>
[[nodiscard]] core::result<feed::ws_endpoint> live_endpoint(std::string_view spec,
                                                            std::string_view override_host_port) {
    if (spec.starts_with("wss://")) {
        if constexpr (!Env::endpoint_override_allowed) {
            return core::make_error(errc::usage, fmt::format("--feed {}: another endpoint is not available "
                                                         "in mmbot-{}", spec, Env::name));
        }
        return feed::parse_wss_url(spec);
    }
    const auto live = parse_live_feed(spec);
    if (!live) return core::make_error(errc::usage, fmt::format("--feed: \"{}\" is not a live feed", spec));
    const auto cat = live->spot ? feed::ws_category::spot : feed::ws_category::linear;
    feed::ws_endpoint ep = feed::public_endpoint<Env>(cat);
    if (live->net == live_feed_spec::network::testnet) ep = feed::public_endpoint<env::testnet>(cat);
    if (live->net == live_feed_spec::network::mainnet) ep = feed::public_endpoint<env::live>(cat);
    if (!override_host_port.empty()) {
        if constexpr (!Env::endpoint_override_allowed) {
            return core::make_error(errc::usage, "--endpoint-override: not available here");
        }
        auto o = feed::parse_wss_url(fmt::format("wss://{}{}", override_host_port, ep.path));
        if (!o) return o.error();
        ep = *o;
    }
    return ep;
}

/// Progress on stderr for a person watching a long replay; silent when stderr is not a terminal.
class progress_line {
public:
    progress_line() : enabled_(::isatty(STDERR_FILENO) == 1), started_(clock::now()), last_(started_) {}

    template <class Loop>
    void maybe_print(std::uint64_t events, const Loop& loop) {
        if (!enabled_ || (events & 0x3FFU) != 0U) return;
        const auto now = clock::now();
        if (now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count();
        const auto rate = ms > 0 ? static_cast<std::int64_t>(events) * 1000 / ms : 0;
        const auto totals = loop.positions().totals(loop.marks());
        fmt::print(stderr, "\r{} events  {} ev/s  fills {}  pnl {}   ", events, rate,
                   loop.stats().fills, totals ? totals->net.to_string() : std::string("n/a"));
    }
    void done() const {
        if (enabled_) fmt::print(stderr, "\n");
    }

private:
    using clock = std::chrono::steady_clock;
    bool enabled_;
    clock::time_point started_;
    clock::time_point last_;
};

}  // namespace detail

/// Runs one binary. Returns the process exit code (docs/exit-codes.md).
template <env::environment Env, class Gate>
int run(int argc, char** argv) {
    using detail::fail;
    const std::string default_config = fmt::format("configs/{}.json", Env::name);
    auto opts = parse_cli(argc, argv, default_config);
    if (!opts) {
        fmt::print(stderr, "error: {}\n{}", opts.error().message, cli_usage);
        return static_cast<int>(exit_code::usage);
    }
    if (opts->help) {
        fmt::print("{}", cli_usage);
        return 0;
    }
    if (auto unused = refuse_unused_flags<Env>(*opts)) {  // app/cli_rules.hpp
        fmt::print(stderr, "error: {}\n{}", unused->message, cli_usage);
        return static_cast<int>(exit_code::usage);
    }
    if (auto env_ok = secrets::check_exchange_env<Env>(secrets::read_exchange_env()); !env_ok) {
        return fail(exit_code::environment, env_ok.error().message);
    }
    if constexpr (!Env::endpoint_override_allowed) {
        if (!opts->endpoint_override.empty()) {
            return fail(exit_code::usage, fmt::format("--endpoint-override: not available in "
                                                      "mmbot-{} (it only talks to mainnet)",
                                                      Env::name));
        }
    }
    if constexpr (Env::id == env::kind::live) {
        if (!opts->live_acknowledged && !opts->preflight) {
            return fail(exit_code::live_not_acknowledged,
                        "mmbot-live trades real money on Bybit mainnet: pass "
                        "--i-understand-this-is-live (and run --preflight first)");
        }
    }
    auto loaded = load_config_file(opts->config_path);
    if (!loaded) return fail(exit_code::config, loaded.error().message);
    if (loaded->environment != Env::name) {
        return fail(exit_code::config,
                    fmt::format("{}: environment: \"{}\" does not match this binary (mmbot-{})",
                                opts->config_path, loaded->environment, Env::name));
    }
    auto cfg = detail::apply_cli(*loaded, *opts);
    if (!cfg) return fail(exit_code::usage, cfg.error().message);
    auto setups = detail::to_setups(*cfg);
    if (!setups) return fail(exit_code::config, setups.error().message);
    if (!opts->report_path.empty()) {
        // Now, not after the run: a report that cannot be written would be lost at the end.
        if (auto ok = check_report_path(opts->report_path); !ok) return fail(exit_code::usage, ok.error().message);
    }

    if constexpr (Env::sends_orders) {
        // Testnet and live: the Bybit order gateway, private stream and reconcile
        // (app/run_trading.hpp, docs/environments.md).
        return run_trading<Env, Gate>(*opts, *cfg, *setups, detail::to_options(*cfg),
                                      detail::journal_options_of(*cfg));
    } else {
        // ------------------------------------------------ shadow: replay or live public feed
        std::string feed = opts->feed.empty() ? std::string("replay:data/sample/bybit_btcusdt_sample.jsonl")
                                              : opts->feed;
        const bool live_feed = is_live_feed(feed);
        std::optional<feed::ws_endpoint> endpoint;
        if (live_feed) {
            auto ep = detail::live_endpoint<Env>(feed, opts->endpoint_override);
            if (!ep) return fail(exit_code_for(ep.error().code, exit_code::feed), ep.error().message);
            endpoint = *ep;
        } else if (!opts->ca_file.empty()) {
            return fail(exit_code::usage, "--ca-file: only used with a live feed (--feed live or wss://...)");
        }
        const std::string capture = live_feed ? std::string() : feed.substr(std::string_view("replay:").size());
        feed::capture_file in;
        if (!live_feed) {
            if (auto ok = in.open(capture); !ok) return fail(exit_code::feed, "--feed: " + ok.error().message);
        }
        // The live feed's TLS context: verification always on; --ca-file adds a trusted CA.
        boost::asio::ssl::context tls = net::tls_client_context();
        if (!opts->ca_file.empty()) {
            if (auto ok = net::trust_pem_file(tls, opts->ca_file); !ok) {
                return fail(exit_code::feed, ok.error().message);
            }
        }

        if (opts->preflight) {
            // Shadow reaches no venue and holds no keys: config, market data source, journal.
            preflight::report verdict{std::string(Env::name)};
            verdict.record("config", core::result<std::string>(fmt::format(
                                         "{}: {} symbol(s)", opts->config_path, cfg->symbols.size())));
            verdict.record("secrets", core::result<std::string>(std::string(
                                          "not needed: mmbot-shadow holds no keys")));
            verdict.record("venue", core::result<std::string>(std::string(
                                        "simulated in-process: nothing to reach, no open orders")));
            verdict.record("market_data", core::result<std::string>(
                                              live_feed ? fmt::format("live feed {}:{}", endpoint->host, endpoint->port)
                                                        : fmt::format("capture {} opens", capture)));
            verdict.record("journal", core::result<std::string>(fmt::format(
                                          "{}: replays start a fresh journal",
                                          opts->journal_path.empty() ? cfg->journal.path : opts->journal_path)));
            fmt::print("{}", verdict.to_json());
            return verdict.passed() ? 0 : static_cast<int>(exit_code::preflight);
        }

        // A replay starts a fresh journal: the simulated venue starts empty, so there is nothing
        // to reconcile, and a stale journal must not leak into a deterministic report. The
        // journal drops its records itself, under its lock and only when the header says shadow
        // wrote them: a journal another process holds, or testnet's or live's, is refused (exit 5).
        const std::string journal_path = opts->journal_path.empty() ? cfg->journal.path : opts->journal_path;
        std::error_code fs_ec;
        if (const auto parent = std::filesystem::path(journal_path).parent_path(); !parent.empty()) {
            std::filesystem::create_directories(parent, fs_ec);
        }
        auto opened = engine::journal::open(journal_path, Env::name,
                                            detail::journal_options_of(*cfg),
                                            engine::journal_open_mode::start_fresh);
        if (!opened) return fail(exit_code::journal, opened.error().message);
        engine::journal journal = std::move(opened->log);

        // Logs: JSON lines to --log (default next to the journal), stamped by the replay clock.
        const std::string log_path = opts->log_path.empty()
            ? (std::filesystem::path(journal_path).parent_path() / "mmbot.log").string()
            : opts->log_path;
        std::FILE* log_file = log_path == "-" ? stderr : std::fopen(log_path.c_str(), "w");
        if (log_file == nullptr) {
            return fail(exit_code::runtime, fmt::format("--log: cannot open \"{}\"", log_path));
        }
        obs::file_sink log_sink(log_file);
        obs::fake_clock clock;
        obs::json_logger<obs::fake_clock> log(log_sink, clock,
                                              obs::parse_log_level(opts->log_level).value());

        obs::registry registry;
        obs::mm_metrics metrics(registry);
        venue::sim::venue_config sim_cfg;
        sim_cfg.place_latency = cfg->sim.latency;
        sim_cfg.cancel_latency = cfg->sim.latency;
        sim_cfg.maker_fee_rate = cfg->sim.maker_fee_rate;
        sim_cfg.outage_after = cfg->sim.outage_after;
        sim_cfg.outage_for = cfg->sim.outage_for;
        venue::sim::simulated_venue sim(sim_cfg);
        detail::sim_order_venue venue{sim};

        using loop_t = engine::execution_loop<detail::sim_order_venue, Gate,
                                              obs::json_logger<obs::fake_clock>>;
        // Client ids are derived from the first event's time, so replays are repeatable.
        std::optional<loop_t> loop;
        install_signal_handlers();
        config_reloader reloader(opts->config_path, *loaded);
        detail::progress_line progress;

        run_params params{std::string(Env::name), feed, {}, opts->iterations, cfg->maker};
        for (const auto& [name, s] : cfg->symbols) params.symbols.push_back(name);

        // --obs: /health, /ready and /metrics on 127.0.0.1, on the server's own thread. The loop
        // only writes atomics (the readiness board, the metrics) that the server reads.
        std::chrono::nanoseconds stale_after{std::chrono::seconds(5)};
        for (const auto& [name, s] : cfg->symbols) stale_after = std::min(stale_after, s.limits.stale_after);
        obs::readiness_board<obs::fake_clock> board(clock, params.symbols, stale_after);
        board.set_venue_connected(true);  // the simulated venue is in-process
        std::optional<obs::health_server> server;
        if (auto ok = serve_obs(*opts, server, board, registry, metrics, log, Env::name); !ok) {
            return fail(exit_code::runtime, ok.error().message);
        }

        book_faults faults(params.symbols, metrics);
        std::uint64_t events = 0;
        std::chrono::nanoseconds now{0};
        std::chrono::nanoseconds last_tick{0};
        std::optional<bool> was_ready;
        kill_switch kill{opts->kill_switch_file};
        // The one place that drives book -> sim -> loop, for replay and live alike. `ev` null is a
        // quiet turn of the live feed: time moves (the venue, the ticks, signals), no message.
        // Returns false when the run should stop (signal, --iterations).
        const auto step = [&](const feed::replay_event* ev, std::chrono::nanoseconds t) -> bool {
            // Engine time never goes backwards: captures interleave topics whose timestamps can
            // trail each other by seconds (a ticker stamped after the book deltas that follow it).
            now = std::max(now, t);
            clock.set(now);
            if (!loop) {
                if (ev == nullptr) return shutdown_requested() == 0;
                loop.emplace(venue, journal, engine::order_store{}, engine::position_book{},
                             detail::to_options(*cfg), *setups, metrics, log,
                             engine::client_order_id_generator::for_run(now, 0));
                loop->start(now);
            }
            sim.advance(now, *loop);
            if (ev != nullptr) {
                const feed::decoded_message& msg = *ev->msg;
                if (msg.kind == feed::message_kind::book && ev->book != nullptr) {
                    const std::string_view sym = msg.book.sym.view();
                    if (cfg->symbols.contains(sym) && ev->book->valid()) {
                        const auto idx = static_cast<std::size_t>(std::distance(
                            cfg->symbols.begin(), cfg->symbols.find(sym)));
                        // A crossed book is no fresh data: /ready keeps its age (and says why).
                        if (faults.observe(idx, *ev->book, now, board, log)) board.mark_market_data(idx, now);
                        sim.on_book(*ev->book, now, *loop);
                        // The loop pulls its quotes off a crossed top and keeps the last good mark.
                        loop->on_book(sym, strategy::market_top{ev->book->best_bid(), ev->book->best_ask()}, now);
                    }
                } else if (msg.kind == feed::message_kind::trades) {
                    for (const auto& print : msg.trades.prints) {
                        if (cfg->symbols.contains(print.sym.view())) sim.on_trade(print, now, *loop);
                    }
                }
            }
            if (const auto why = kill.poll()) {
                log.error("kill_switch", {{"trigger", *why}});
                loop->freeze(*why, now);
            }
            if (now - last_tick >= std::chrono::milliseconds(100)) {
                loop->on_tick(now);
                last_tick = now;
                board.set_frozen(loop->state() == engine::bot_state::freeze);
                // What /ready would answer, logged when it changes (a replay has no scraper).
                const auto r = board.report();
                if (!was_ready || *was_ready != r.ready) {
                    std::string reasons;
                    for (const auto& reason : r.reasons) reasons += (reasons.empty() ? "" : ",") + reason;
                    log.info("readiness", {{"ready", r.ready}, {"reasons", reasons}});
                    was_ready = r.ready;
                }
            }
            board.set_frozen(loop->state() == engine::bot_state::freeze);
            if (ev != nullptr) {
                ++events;
                progress.maybe_print(events, *loop);
            }
            if (const int sig = shutdown_requested(); sig != 0) {
                log.warn("signal", {{"signal", static_cast<std::int64_t>(sig)}});
                return false;
            }
            if (auto reload = reloader.poll(take_reload_request())) {
                if (*reload) {
                    if (auto c = detail::apply_cli(**reload, *opts); c) {
                        if (auto st = detail::to_setups(*c); st) loop->apply_limits(*st, detail::to_options(*c));
                    }
                } else {
                    log.error("config_reload_rejected", {{"error", reload->error().message}});
                }
            }
            return !(ev != nullptr && opts->iterations > 0 &&
                     static_cast<std::int64_t>(events) >= opts->iterations);
        };

        feed::replay_stats md_stats;
        std::optional<feed::ws_feed_stats> ws_stats;
        std::optional<core::error> feed_error;
        feed::replay_event ev;
        feed_metrics feed_counts(metrics);
        if (!live_feed) {
            feed::replay_reader replay(in, {.on_warning = [&log](const feed::replay_warning& w) {
                                           log.warn("malformed_line", {{"line", static_cast<std::int64_t>(w.line)},
                                                                       {"reason", w.reason}});
                                       }});
            while (replay.next(ev)) {
                // Control messages before the first timestamped one (subscribe acks) carry no time.
                if (ev.event_time_ns == 0) continue;
                feed_counts.market_data(replay.stats());
                if (!step(&ev, std::chrono::nanoseconds(ev.event_time_ns))) break;
            }
            md_stats = replay.stats();
            feed_counts.market_data(md_stats);
            if (replay.error()) {
                // The rest of the capture cannot be read: not an end of feed, and not exit 0.
                log.error("feed_failed", {{"code", replay.error()->code}, {"error", replay.error()->message}});
                if (log_file != stderr) std::fclose(log_file);
                return fail(exit_code::feed, fmt::format("--feed: \"{}\": {}", capture, replay.error()->message));
            }
        } else {
            // Live: the wall clock drives the fake clock the logger and the board read, so one
            // loop type serves both modes.
            obs::system_clock_source wall;
            feed::ws_feed_options fo;
            fo.endpoint = *endpoint;
            fo.topics.symbols = params.symbols;
            fo.max_consecutive_failures = 20;
            fo.backoff_seed = static_cast<std::uint64_t>(obs::unix_nanos(wall).count());
            feed::ws_feed ws(std::move(fo), tls, [&log](const feed::ws_notice& n) {
                switch (n.kind) {
                    case feed::ws_notice_kind::connected:
                        log.info(to_string(n.kind), {{"endpoint", n.detail}});
                        break;
                    case feed::ws_notice_kind::reconnect_scheduled:
                        log.warn(to_string(n.kind), {{"reason", n.detail},
                                                     {"delay_ms", static_cast<std::int64_t>(n.delay.count())}});
                        break;
                    case feed::ws_notice_kind::resync_requested:
                        log.warn(to_string(n.kind), {{"topic", n.detail}});
                        break;
                    default: log.warn(to_string(n.kind), {{"reason", n.detail}}); break;
                }
            });
            board.set_venue_connected(true);
            clock.set(obs::unix_nanos(wall));
            log.info("feed_live", {{"url", fmt::format("wss://{}:{}{}", endpoint->host, endpoint->port,
                                                        endpoint->path)}});
            ws.start();
            for (;;) {
                const auto st = ws.poll(ev, std::chrono::milliseconds(200));
                if (st == feed::poll_status::failed) {
                    feed_error = ws.error();
                    log.error("feed_failed", {{"code", ws.error().code}, {"error", ws.error().message}});
                    break;
                }
                feed_counts.market_data(ws.stats());
                feed_counts.public_stream(ws.feed_stats());
                if (!step(st == feed::poll_status::event ? &ev : nullptr, obs::unix_nanos(wall))) break;
            }
            md_stats = ws.stats();
            ws_stats = ws.feed_stats();
        }
        progress.done();
        if (!loop) {
            if (feed_error) return fail(exit_code::feed, fmt::format("--feed {}: {}", feed, feed_error->message));
            if (live_feed) return fail(exit_code::feed, fmt::format("--feed {}: stopped before any market data", feed));
            return fail(exit_code::feed, fmt::format("--feed: \"{}\" holds no market data", capture));
        }
        faults.close(now);
        for (const auto& sym : faults.without_data()) {
            // Nothing was quoted for it: say so instead of a quiet run with 0 orders.
            log.warn("symbol_without_data", {{"symbol", std::string_view{sym}},
                                             {"reason", std::string_view{"no snapshot of its book in the feed"}}});
            fmt::print(stderr, "warning: {}: no snapshot of its book in the feed; not quoted\n", sym);
        }
        loop->shutdown(shutdown_requested() != 0 ? "signal" : feed_error ? "feed_failed" : "end_of_feed", now);
        // Let the venue carry out the final cancels so the report sees a flat book of orders.
        sim.advance(now + std::chrono::seconds(10), *loop);

        const auto report = make_report(params, *loop, md_stats, ws_stats ? &*ws_stats : nullptr, &faults);
        if (!opts->report_path.empty()) {
            if (const auto parent = std::filesystem::path(opts->report_path).parent_path(); !parent.empty()) {
                std::filesystem::create_directories(parent, fs_ec);
            }
            if (auto w = write_report(opts->report_path, report); !w) {
                return fail(exit_code::runtime, w.error().message);
            }
        }
        const auto& st = loop->stats();
        const auto totals = loop->positions().totals(loop->marks());
        fmt::print(stderr,
                   "mmbot-{}: {} events, {} orders placed, {} fills, {} blocked, freeze {}, net pnl "
                   "{}{}\n",
                   Env::name, events, st.orders_placed, st.fills, st.orders_blocked,
                   loop->monitor().freeze_count() > 0 ? loop->monitor().last_freeze()->reason : "none",
                   totals ? totals->net.to_string() : "n/a",
                   opts->report_path.empty() ? "" : fmt::format(" (report: {})", opts->report_path));
        if (log_file != stderr) std::fclose(log_file);
        if (feed_error) return fail(exit_code::feed, fmt::format("--feed {}: {}", feed, feed_error->message));
        return 0;
    }
}

/// `main` for a target: `run`, with any exception that escapes it reported on stderr as an
/// internal error and turned into exit_code::runtime instead of std::terminate. Exceptions here
/// are ours or the library's (bad_alloc, decimal_overflow_error) and carry no secret.
template <env::environment Env, class Gate>
int run_main(int argc, char** argv) noexcept {
    try {
        return run<Env, Gate>(argc, argv);
    } catch (const std::exception& e) {
        // C stdio: it cannot throw while an exception is being reported.
        std::fputs("error: internal: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("error: internal: unknown exception\n", stderr);
    }
    return static_cast<int>(exit_code::runtime);
}

}  // namespace mmbot::app
