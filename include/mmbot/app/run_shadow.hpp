// mmbot/app/run_shadow.hpp
//
// mmbot-shadow's session (app/run.hpp runs it after flags, environment and config): the engine
// trades against the simulated venue (app/sim_engine.hpp), driven either by a recorded capture
// (--feed replay:PATH) on a fake clock that follows the capture's timestamps, or by a live public
// stream (--feed live / wss://...) on the wall clock. The same capture and flags give a
// byte-identical report, log and journal.
//
// The phases:
//   feed       which source, opened before anything is written (exit 2 / 6)
//   preflight  --preflight: config, market data source, journal as one JSON verdict (exit 0 / 7)
//   journal    started fresh under its lock (exit 5): the simulated venue starts empty
//   log        --log, else mmbot.log beside the journal (truncated: the log is the run's)
//   pump       each event: book -> faults/readiness -> simulated venue -> loop; then ticks, the
//              kill switch, signals and hot reload (shadow_session::step). A live message runs
//              at its receive time, which --record keeps (runtime/capture_recording.hpp), so a
//              recording replays to the same decisions
//   finish     final cancels carried out, the report written, the summary line on stderr
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/engine_setup.hpp"
#include "mmbot/app/preflight/verdict.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/runtime/book_step.hpp"
#include "mmbot/app/runtime/capture_recording.hpp"
#include "mmbot/app/runtime/decision_timing.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/app/runtime/journal_file.hpp"
#include "mmbot/app/runtime/live_feed_of.hpp"
#include "mmbot/app/runtime/log_output.hpp"
#include "mmbot/app/runtime/observability.hpp"
#include "mmbot/app/runtime/operator_controls.hpp"
#include "mmbot/app/runtime/report_file.hpp"
#include "mmbot/app/runtime/run_pictures.hpp"
#include "mmbot/app/runtime/tls_context.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/app/sim_engine.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/capture_file.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/replay_pace.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/venue/venues.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace mmbot::app {

/// What --feed asks shadow to read.
struct shadow_feed {
    std::string spec;                   ///< --feed, or the bundled sample
    std::optional<live_source> source;  ///< a live stream's, else empty
    std::string capture;                ///< a replay's file
    [[nodiscard]] bool live() const noexcept { return source.has_value(); }
};

/// Where a live feed connects: Bybit's public stream of the environment (`live`, `live:testnet`,
/// `:spot`), a wss:// URL, or `live` moved to --endpoint-override HOST:PORT. The last two only
/// where Env::endpoint_override_allowed (exit 2 elsewhere); a bad URL is exit 6.
template <env::environment Env>
[[nodiscard]] outcome<feed::ws_endpoint> live_endpoint(std::string_view spec, std::string_view override_host_port) {
    if (spec.starts_with("wss://")) {
        if constexpr (!Env::endpoint_override_allowed) {
            return fail_with(exit_code::usage,
                             fmt::format("--feed {}: another endpoint is not available in mmbot-{}", spec, Env::name));
        }
        auto url = feed::parse_wss_url(spec);
        if (!url) return fail_with(exit_code::feed, url.error());
        return *url;
    }
    const auto live = parse_live_feed(spec);
    if (!live) return fail_with(exit_code::usage, fmt::format("--feed: \"{}\" is not a live feed", spec));
    const auto cat = live->spot ? feed::ws_category::spot : feed::ws_category::linear;
    feed::ws_endpoint ep = feed::public_endpoint<Env>(cat);
    if (live->net == live_feed_spec::network::testnet) ep = feed::public_endpoint<env::testnet>(cat);
    if (live->net == live_feed_spec::network::mainnet) ep = feed::public_endpoint<env::live>(cat);
    if (!override_host_port.empty()) {
        if constexpr (!Env::endpoint_override_allowed) {
            return fail_with(exit_code::usage, "--endpoint-override: not available here");
        }
        auto moved = feed::parse_wss_url(fmt::format("wss://{}{}", override_host_port, ep.path));
        if (!moved) return fail_with(exit_code::feed, moved.error());
        ep = *moved;
    }
    return ep;
}

template <env::environment Env, venue::venue_kind Venue>
[[nodiscard]] outcome<shadow_feed> resolve_shadow_feed(const cli_options& opts) {
    shadow_feed f;
    f.spec = opts.feed.empty() ? fmt::format("replay:{}", Venue::sample_capture) : opts.feed;
    if (is_live_feed(f.spec)) {
        if constexpr (std::same_as<Venue, venue::binance_usdm>) {
            auto src = live_feed_of<Venue>::template source_of<Env>(opts);
            if (!src) return src.error();
            f.source = std::move(*src);
        } else {
            auto ep = live_endpoint<Env>(f.spec, opts.endpoint_override);
            if (!ep) return ep.error();
            f.source = live_source{*ep, std::nullopt};
        }
        return f;
    }
    if (!opts.ca_file.empty()) {
        return fail_with(exit_code::usage, "--ca-file: only used with a live feed (--feed live or wss://...)");
    }
    f.capture = f.spec.substr(std::string_view("replay:").size());
    return f;
}

/// Shadow reaches no venue and holds no keys: its verdict covers config, market data, journal.
template <env::environment Env>
[[nodiscard]] preflight::report shadow_preflight(const startup& s, const shadow_feed& f) {
    preflight::report verdict{std::string(Env::name)};
    verdict.record("config", core::result<std::string>(
                                 fmt::format("{}: {} symbol(s)", s.opts.config_path, s.cfg.symbols.size())));
    verdict.record("secrets", core::result<std::string>(std::string("not needed: mmbot-shadow holds no keys")));
    verdict.record("venue", core::result<std::string>(std::string(
                                "simulated in-process: nothing to reach, no open orders")));
    verdict.record("market_data", core::result<std::string>(
                                      f.live() ? fmt::format("live feed {}:{}", f.source->stream.host, f.source->stream.port)
                                               : fmt::format("capture {} opens", f.capture)));
    verdict.record("journal", core::result<std::string>(
                                  fmt::format("{}: replays start a fresh journal", journal_path_of(s.opts, s.cfg))));
    return verdict;
}

namespace detail {

/// --speed: holds each replayed message back until it is due on the wall clock
/// (feed/replay_pace.hpp); without --speed it never waits. Only the pace changes: the engine
/// still runs on the capture's timestamps, so the report, log and journal are those of an unpaced
/// replay. Sleeps in slices of at most 50 ms so that a stop signal ends a wait across a long gap.
class replay_pacer {
public:
    explicit replay_pacer(const std::optional<core::ratio>& speed) {
        if (speed) pace_.emplace(*speed);
    }

    void wait_for(std::int64_t event_time_ns) {
        if (!pace_) return;
        using std::chrono::nanoseconds;
        const auto due = start_ + pace_->due(event_time_ns);
        while (shutdown_requested() == 0) {
            const auto now = steady::now();
            if (now >= due) return;
            std::this_thread::sleep_for(std::min<nanoseconds>(due - now, std::chrono::milliseconds(50)));
        }
    }

private:
    using steady = std::chrono::steady_clock;
    std::optional<feed::replay_pace> pace_;
    steady::time_point start_ = steady::now();
};

/// What a live feed's retries look like on stderr: the log has every notice, but a person at the
/// terminal with no network would otherwise wait minutes in silence. One line per retry says why,
/// when, and how many failures in a row the run has left before it gives up (exit 6). Failures
/// count as net::ws_session counts them: every lost connect or session, until data arrives.
class feed_retry_notes {
public:
    explicit feed_retry_notes(std::uint32_t give_up_after) : give_up_after_(give_up_after) {}

    /// The line to print for `n`, or "" for a notice that needs none.
    [[nodiscard]] std::string line(const feed::ws_notice& n) {
        switch (n.kind) {
            case feed::ws_notice_kind::connect_failed:
            case feed::ws_notice_kind::disconnected: why_ = std::string(n.detail); return {};
            case feed::ws_notice_kind::reconnect_scheduled:
                ++failures_;
                return fmt::format("mmbot-shadow: live feed: {}; retrying in {} ms ({} of {} failed attempts in a "
                                   "row, then exit 6)",
                                   why_.empty() ? std::string(n.detail) : why_, n.delay.count(), failures_,
                                   give_up_after_);
            case feed::ws_notice_kind::connected:
                if (failures_ == 0) return {};  // a first connect that works is no news
                return fmt::format("mmbot-shadow: live feed: connected to {} after {} failed attempt(s)", n.detail,
                                   failures_);
            default: return {};
        }
    }

    /// Market data arrived: the failures in a row start again from zero.
    void data_arrived() { failures_ = 0; }

private:
    std::uint32_t give_up_after_;
    std::uint32_t failures_ = 0;
    std::string why_;
};

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
        fmt::print(stderr, "\r{} events  {} ev/s  fills {}  pnl {}   ", events, rate, loop.stats().fills,
                   totals ? totals->net.to_string() : std::string("n/a"));
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

/// What the market-data source said when it ended.
struct pump_result {
    feed::replay_stats md;
    std::optional<feed::ws_feed_stats> ws;
    std::optional<core::error> error;  ///< the live feed gave up
};

}  // namespace detail

/// One shadow run, its parts built in order and torn down in reverse.
template <env::environment Env, venue::venue_kind Venue, class Gate>
class shadow_session : core::pinned {
public:
    using logger_type = obs::json_logger<obs::fake_clock>;

    /// The phases of app/run.hpp's `session` concept.
    [[nodiscard]] static int run(const startup& s) {
        auto source = resolve_shadow_feed<Env, Venue>(s.opts);
        if (!source) return exit_with(source.error());
        feed::capture_file in;
        if (!source->live()) {
            if (auto ok = in.open(source->capture); !ok) {
                return exit_with(fail_with(exit_code::feed, "--feed: " + ok.error().message));
            }
        }
        auto tls = client_tls(s.opts);
        if (!tls) return exit_with(tls.error());
        if (s.opts.preflight) {
            const auto verdict = shadow_preflight<Env>(s, *source);
            fmt::print("{}", verdict.to_json());
            return verdict.passed() ? 0 : static_cast<int>(exit_code::preflight);
        }
        // A replay starts a fresh journal: a stale one must not leak into a deterministic report.
        // The journal drops its records itself, under its lock and only when the header says
        // shadow wrote them (another process's, or testnet's or live's, is refused: exit 5).
        const std::string journal_path = journal_path_of(s.opts, s.cfg);
        auto opened = open_journal(journal_path, Env::name, journal_options_of(s.cfg),
                                   engine::journal_open_mode::start_fresh);
        if (!opened) return exit_with(opened.error());
        auto log_out = log_output::open(log_path_for(s.opts, journal_path), log_output::mode::truncate);
        if (!log_out) return exit_with(log_out.error());
        auto control = open_control_socket(s.opts, journal_path);
        if (!control) return exit_with(control.error());
        auto recording = capture_recording::open(s.opts);  // only with a live feed (cli_rules.hpp)
        if (!recording) return exit_with(recording.error());
        shadow_session session(s, *source, std::move(opened->log), std::move(*log_out), std::move(*control),
                               std::move(*recording));
        return session.trade(in, *tls);
    }

private:
    shadow_session(const startup& s, const shadow_feed& source, engine::journal journal, log_output log_out,
                   control::control_server control, capture_recording recording)
        : s_(s), source_(source), recording_(std::move(recording)), journal_(std::move(journal)),
          log_out_(std::move(log_out)),
          sink_(log_out_.file()), log_(sink_, clock_, obs::parse_log_level(s.opts.log_level).value()),
          seen_(clock_, symbol_names(s.setups), stale_after_of(s.setups)),
          engine_(s.cfg, s.setups, journal_, seen_.metrics, log_),
          ops_(s.opts, s.loaded, std::move(control), log_, seen_.metrics, journal_), pictures_(s.opts),
          timing_(s.opts.decision_timing) {
        engine_.observe(pictures_.observer());
        install_signal_handlers();
        seen_.board.set_venue_connected(true);  // the simulated venue is in-process
        seen_.metrics.bot_info.with({Env::name, Venue::name}).set(std::int64_t{1});
    }

    /// Pump the feed to its end (or a stop), then finish. Returns the exit code.
    int trade(feed::capture_file& in, boost::asio::ssl::context& tls) {
        if (auto ok = seen_.serve(s_.opts, log_, Env::name, [this] { return pictures_.status_json(); }); !ok) {
            return exit_with(ok.error());
        }
        auto pumped = source_.live() ? follow_live(tls) : replay(in);
        // The feed, and the books the simulated venue read, died with the pump; the final cancels
        // and any placement still in flight run after it (finish).
        engine_.venue().forget_books();
        if (!pumped) return exit_with(pumped.error());
        progress_.done();
        return finish(*pumped);
    }

    outcome<detail::pump_result> replay(feed::capture_file& in) {
        typename Venue::capture_reader replay(in, {.on_warning = [this](const feed::replay_warning& w) {
                                       log_.warn("malformed_line", {{"line", static_cast<std::int64_t>(w.line)},
                                                                    {"reason", w.reason}});
                                   }});
        feed::replay_event ev;
        detail::replay_pacer pacer(s_.opts.speed);
        while (replay.next(ev)) {
            // Control messages before the first timestamped one (subscribe acks) carry no time.
            if (ev.event_time_ns == 0) continue;
            pacer.wait_for(ev.event_time_ns);
            seen_.feed_counts.market_data(replay.stats());
            if (!step(&ev, std::chrono::nanoseconds(ev.event_time_ns))) break;
        }
        seen_.feed_counts.market_data(replay.stats());
        if (replay.error()) {
            // The rest of the capture cannot be read: not an end of feed, and not exit 0.
            log_.error("feed_failed", {{"code", replay.error()->code}, {"error", replay.error()->message}});
            return fail_with(exit_code::feed,
                             fmt::format("--feed: \"{}\": {}", source_.capture, replay.error()->message));
        }
        return detail::pump_result{replay.stats(), std::nullopt, std::nullopt};
    }

    /// Live: the wall clock drives the fake clock the logger and the board read, so one loop type
    /// serves both sources.
    outcome<detail::pump_result> follow_live(boost::asio::ssl::context& tls) {
        obs::system_clock_source wall;
        typename live_feed_of<Venue>::type ws(live_feed_options(wall), tls,
                                              [this](const feed::ws_notice& n) { log_notice(n); });
        seen_.board.set_venue_connected(true);
        clock_.set(obs::unix_nanos(wall));
        const auto& ep = source_.source->stream;
        log_.info("feed_live", {{"url", fmt::format("wss://{}:{}{}", ep.host, ep.port, ep.path)}});
        ws.start();
        detail::pump_result out;
        feed::replay_event ev;
        for (;;) {
            const auto st = ws.poll(ev, std::chrono::milliseconds(200));
            if (st == feed::poll_status::failed) {
                out.error = ws.error();
                log_.error("feed_failed", {{"code", ws.error().code}, {"error", ws.error().message}});
                break;
            }
            if (st == feed::poll_status::event) retry_notes_.data_arrived();
            seen_.feed_counts.market_data(ws.stats());
            seen_.feed_counts.public_stream(ws.feed_stats());
            recording_.publish(seen_.feed_counts);
            // A message runs at its receive time, the time a recording keeps: replaying the
            // recording steps the engine at the same times (docs/research.md). A quiet turn has no
            // message, and runs at the wall clock.
            const bool event = st == feed::poll_status::event;
            if (!step(event ? &ev : nullptr, event ? std::chrono::nanoseconds(ev.event_time_ns) : obs::unix_nanos(wall))) {
                break;
            }
        }
        out.md = ws.stats();
        out.ws = ws.feed_stats();
        return out;
    }

    [[nodiscard]] typename live_feed_of<Venue>::options live_feed_options(obs::system_clock_source& wall) const {
        auto fo = live_feed_of<Venue>::options_for({*source_.source, symbol_names(s_.setups), live_feed_give_up_after,
                                                    static_cast<std::uint64_t>(obs::unix_nanos(wall).count())});
        // Binance refuses --record up front (live_feed_of.hpp): only Bybit's frames are tapped.
        if constexpr (std::same_as<Venue, venue::bybit_v5>) recording_.tap(fo);
        return fo;
    }

    void log_notice(const feed::ws_notice& n) {
        if (const auto note = retry_notes_.line(n); !note.empty()) fmt::print(stderr, "{}\n", note);
        switch (n.kind) {
            case feed::ws_notice_kind::connected: log_.info(to_string(n.kind), {{"endpoint", n.detail}}); break;
            case feed::ws_notice_kind::reconnect_scheduled:
                log_.warn(to_string(n.kind),
                          {{"reason", n.detail}, {"delay_ms", static_cast<std::int64_t>(n.delay.count())}});
                break;
            case feed::ws_notice_kind::resync_requested: log_.warn(to_string(n.kind), {{"topic", n.detail}}); break;
            default: log_.warn(to_string(n.kind), {{"reason", n.detail}}); break;
        }
    }

    /// One turn, for replay and live alike. `ev` null is a quiet turn of the live feed: time moves
    /// (the venue, the ticks, signals), no message. False when the run should stop.
    bool step(const feed::replay_event* ev, std::chrono::nanoseconds t) {
        // Engine time never goes backwards: captures interleave topics whose timestamps can
        // trail each other by seconds (a ticker stamped after the book deltas that follow it).
        now_ = std::max(now_, t);
        clock_.set(now_);
        if (!engine_.started()) {
            if (ev == nullptr) return shutdown_requested() == 0;
            engine_.start_at(now_);
        }
        engine_.advance(now_);
        if (ev != nullptr) on_market(*ev);
        ops_.poll(engine_.loop(), now_);
        pictures_.publish_status(engine_.loop(), Env::name, now_);
        if (now_ - last_tick_ >= std::chrono::milliseconds(100)) on_tick();
        seen_.board.set_frozen(engine_.loop().state() == engine::bot_state::freeze);
        if (ev != nullptr) {
            ++events_;
            progress_.maybe_print(events_, engine_.loop());
        }
        if (const int sig = shutdown_requested(); sig != 0) {
            log_.warn("signal", {{"signal", static_cast<std::int64_t>(sig)}});
            return false;
        }
        return !(ev != nullptr && s_.opts.iterations > 0 && static_cast<std::int64_t>(events_) >= s_.opts.iterations);
    }

    /// Books of traded symbols reach the venue and the loop (a crossed one too: the loop pulls its
    /// quotes off it and keeps the last good mark); trades may fill resting orders.
    void on_market(const feed::replay_event& ev) {
        if (const auto u = observe_book(s_.setups, ev, now_, seen_, log_)) {
            timing_.time([&] { engine_.on_book(u->symbol, *u->book, now_); });
            return;
        }
        if (ev.msg->kind != feed::message_kind::trades) return;
        for (const auto& print : ev.msg->trades.prints) {
            if (s_.setups.contains(print.sym.view())) engine_.on_trade(print, now_);
        }
    }

    void on_tick() {
        engine_.loop().on_tick(now_);
        last_tick_ = now_;
        seen_.board.set_frozen(engine_.loop().state() == engine::bot_state::freeze);
        // What /ready would answer, logged when it changes (a replay has no scraper).
        const auto r = seen_.board.report();
        if (!was_ready_ || *was_ready_ != r.ready) {
            std::string reasons;
            for (const auto& reason : r.reasons) reasons += (reasons.empty() ? "" : ",") + reason;
            log_.info("readiness", {{"ready", r.ready}, {"reasons", reasons}});
            was_ready_ = r.ready;
        }
    }

    int finish(const detail::pump_result& pumped) {
        if (!engine_.started()) return exit_with(no_market_data(pumped));
        seen_.faults.close(now_);
        for (const auto& sym : seen_.faults.without_data()) {
            // Nothing was quoted for it: say so instead of a quiet run with 0 orders.
            log_.warn("symbol_without_data", {{"symbol", std::string_view{sym}},
                                              {"reason", std::string_view{"no snapshot of its book in the feed"}}});
            fmt::print(stderr, "warning: {}: no snapshot of its book in the feed; not quoted\n", sym);
        }
        auto& loop = engine_.loop();
        loop.shutdown(shutdown_requested() != 0 ? "signal" : pumped.error ? "feed_failed" : "end_of_feed", now_);
        // Let the venue carry out the final cancels so the report sees a flat book of orders.
        engine_.advance(now_ + std::chrono::seconds(10));
        recording_.close(log_, seen_.feed_counts);
        auto report = make_report(run_params_of(), loop, pumped.md, pumped.ws ? &*pumped.ws : nullptr,
                                  &seen_.faults, &pictures_.timeline());
        recording_.add_to_report(report);
        timing_.add_to_report(report);
        if (auto ok = write_report_file(s_.opts.report_path, report); !ok) return exit_with(ok.error());
        if (auto ok = pictures_.write_html(report); !ok) return exit_with(ok.error());
        print_summary();
        if (pumped.error) return exit_with(fail_with(exit_code::feed,
                                                     fmt::format("--feed {}: {}", source_.spec, pumped.error->message)));
        return 0;
    }

    [[nodiscard]] failure no_market_data(const detail::pump_result& pumped) const {
        if (pumped.error) return fail_with(exit_code::feed, fmt::format("--feed {}: {}", source_.spec, pumped.error->message));
        if (source_.live()) return fail_with(exit_code::feed, fmt::format("--feed {}: stopped before any market data", source_.spec));
        return fail_with(exit_code::feed, fmt::format("--feed: \"{}\" holds no market data", source_.capture));
    }

    [[nodiscard]] run_params run_params_of() const {
        return run_params{std::string(Env::name), source_.spec, symbol_names(s_.setups), s_.opts.iterations,
                          s_.cfg.maker, std::string(Venue::name)};
    }

    void print_summary() const {
        const auto& loop = engine_.loop();
        const auto& st = loop.stats();
        const auto totals = loop.positions().totals(loop.marks());
        fmt::print(stderr,
                   "mmbot-{}{}: {} events, {} orders placed, {} fills, {} blocked, freeze {}, net pnl {}{}\n",
                   Env::name, Venue::binary_suffix, events_, st.orders_placed, st.fills, st.orders_blocked,
                   loop.monitor().freeze_count() > 0 ? loop.monitor().last_freeze()->reason : "none",
                   totals ? totals->net.to_string() : "n/a",
                   s_.opts.report_path.empty() ? "" : fmt::format(" (report: {})", s_.opts.report_path));
    }

    const startup& s_;
    const shadow_feed& source_;
    capture_recording recording_;
    engine::journal journal_;
    log_output log_out_;
    obs::file_sink sink_;
    obs::fake_clock clock_;
    logger_type log_;
    run_observability<obs::fake_clock> seen_;
    sim_engine<Gate, logger_type> engine_;
    operator_controls<Env, logger_type> ops_;
    run_pictures pictures_;
    decision_timing timing_;  ///< --decision-timing
    detail::progress_line progress_;
    /// A live feed stops (exit 6) after this many failed connects in a row.
    static constexpr std::uint32_t live_feed_give_up_after = 20;
    detail::feed_retry_notes retry_notes_{live_feed_give_up_after};
    std::uint64_t events_ = 0;
    std::chrono::nanoseconds now_{0};
    std::chrono::nanoseconds last_tick_{0};
    std::optional<bool> was_ready_;
};

}  // namespace mmbot::app
