// mmbot/app/runtime/operator_controls.hpp
//
// What an operator can do to a running bot, as one part every session owns (shadow, testnet and
// live alike), polled between market-data events (the kill switch every turn, the rest at most
// once per millisecond):
//   - the kill switch (SIGUSR1 or --kill-switch-file, app/kill_switch.hpp);
//   - a config reload (SIGHUP, a change of the config file, or `mmbot-ctl reload`): the new risk
//     limits and strategy parameters apply to the running loop; a bad file is refused naming the
//     field and value and the running config stays; mmbot-live refuses one that raises a canary
//     cap (app/config_reload.hpp);
//   - the control socket (--control-socket PATH, default "<journal>.ctl") and its commands
//     (app/control/operator_desk.hpp).
//
//   auto server = open_control_socket(opts, journal_path);      // exit 2 when it cannot open
//   operator_controls<Env, Logger> ops(s, std::move(*server), log, metrics, journal);
//   ops.poll(loop, now);                                         // each turn
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/config_reload.hpp"
#include "mmbot/app/control/operator_desk.hpp"
#include "mmbot/app/engine_setup.hpp"
#include "mmbot/app/kill_switch.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/app/signals.hpp"
#include "mmbot/core/env.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <utility>

namespace mmbot::app {

/// --control-socket, else the journal's path + ".ctl".
[[nodiscard]] inline std::string control_socket_path_of(const cli_options& opts, const std::string& journal_path) {
    return opts.control_socket.empty() ? journal_path + ".ctl" : opts.control_socket;
}

/// The listening control socket, or exit 2 naming the flag and the path.
[[nodiscard]] inline outcome<control::control_server> open_control_socket(const cli_options& opts,
                                                                           const std::string& journal_path) {
    auto server = control::control_server::open(control_socket_path_of(opts, journal_path));
    if (!server) return fail_with(exit_code::usage, "--control-socket: " + server.error().message);
    return std::move(*server);
}

template <env::environment Env, class Logger>
class operator_controls {
public:
    operator_controls(const cli_options& opts, const config& loaded, control::control_server server, Logger& log,
                      obs::mm_metrics& metrics, engine::journal& journal)
        : opts_(opts), reloader_(opts.config_path, loaded, Env::requires_canary_caps), kill_(opts.kill_switch_file),
          desk_(std::move(server), std::string(Env::name), log, metrics, journal), log_(log) {
        fmt::print(stderr, "control socket: {} (mmbot-ctl --socket {} status)\n", desk_.socket_path(),
                   desk_.socket_path());
        // Shadow's log is a function of the capture alone (byte-identical across runs): the path,
        // which differs per run directory, goes to stderr only there.
        if constexpr (Env::id != env::kind::shadow) log_.info("control_socket", {{"path", desk_.socket_path()}});
    }

    /// One turn: kill switch, SIGHUP or file-change reload, control commands. The config file's
    /// stat and the socket's accept are system calls: they run at most once per `every` of wall
    /// time, not on every turn (a replay turns once per market-data event).
    template <class Loop>
    void poll(Loop& loop, std::chrono::nanoseconds now) {
        if (const auto why = kill_.poll()) {
            // Freeze + cancel-all on this turn, whether or not quoting has started.
            log_.error("kill_switch", {{"trigger", *why}});
            loop.freeze(*why, now);
        }
        const auto wall = std::chrono::steady_clock::now();
        if (wall - last_look_ < every) return;
        last_look_ = wall;
        if (auto r = reloader_.poll(take_reload_request())) (void)apply(loop, std::move(*r));
        const control::session_controls controls{
            [this] { return kill_.file_present(); },
            [&]() -> core::result<std::string> { return apply(loop, *reloader_.poll(true)); }};
        desk_.poll(loop, now, controls);
    }

    /// Reloads applied so far, and the config they left in force (a shard's portfolio limits).
    [[nodiscard]] std::uint64_t reloads() const noexcept { return reloads_; }
    [[nodiscard]] const config& current_config() const noexcept { return reloader_.current(); }

private:
    /// The reloaded config applied to the loop, or the refusal (logged either way).
    template <class Loop>
    core::result<std::string> apply(Loop& loop, core::result<config> next) {
        auto setups = next ? apply_cli(*next, opts_) : core::result<config>(next.error());
        core::result<symbol_setups> st = setups ? to_setups(*setups) : core::result<symbol_setups>(setups.error());
        if (!st) {
            log_.error("config_reload_rejected", {{"code", st.error().code}, {"error", st.error().message}});
            return st.error();  // its own code: invalid_reload, invalid_config, config_unreadable
        }
        loop.apply_limits(*st, to_options(*setups));
        ++reloads_;
        return fmt::format("config reloaded: limits and strategy of {} symbol(s) applied", st->size());
    }

    static constexpr std::chrono::milliseconds every{1};
    std::chrono::steady_clock::time_point last_look_{};
    const cli_options& opts_;
    config_reloader reloader_;
    kill_switch kill_;
    control::operator_desk<Logger> desk_;
    Logger& log_;
    std::uint64_t reloads_ = 0;
};

}  // namespace mmbot::app
