// mmbot/app/control/ctl_cli.hpp
//
// mmbot-ctl's command line: the socket, one command and that command's options. Checked here in
// full, so a bad command never reaches the bot (exit 2, naming the word); the request it builds
// is the one parse_request on the bot reads back.
#pragma once

#include "mmbot/app/control/request.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/core/flags.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app::control {

inline constexpr std::string_view ctl_usage =
    R"(usage: mmbot-ctl [--socket PATH] [--timeout-ms N] COMMAND [options]
commands:
  status [--json] [--watch [--interval-ms N]]
                      state, freeze, positions, open orders, PnL, headroom of every risk limit;
                      --watch redraws it every N ms (default 1000) until Ctrl-C
  freeze [--reason WORD]    freeze and cancel every order; only `unfreeze` ends it
  unfreeze [--force]        quote again; refused while the breaking condition holds (--force:
                            unfreeze anyway) or while the kill-switch file exists
  cancel-all                cancel every open order
  reload                    read the config file again (as SIGHUP)
  kill [--reason WORD]      the kill switch: freeze and cancel every order
  kill --all [--reason WORD] [--clear] [--redis HOST:PORT] [--namespace NS]
                            every shard of a deployment, through its Redis (no --socket):
                            freeze and cancel everywhere; the kill stays in force (an unfreeze
                            is refused) until `kill --all --clear`
flags:
  --socket PATH       the bot's control socket (default: $MMBOT_CONTROL_SOCKET; the bots
                      listen on --control-socket, default the journal's path + ".ctl")
  --timeout-ms N      give up on a bot that does not answer within N ms (default 2000)
  --help              this text
exit codes: 0 done, 1 internal, 2 usage, 3 unreachable, 4 refused
)";

struct ctl_options {
    std::string socket;
    std::chrono::milliseconds timeout{2000};
    request req;
    bool json = false;
    bool watch = false;
    std::chrono::milliseconds interval{1000};
    bool help = false;
    /// kill --all: every shard through Redis, not one bot through its socket.
    bool all = false;
    bool clear = false;
    std::string redis_host = "127.0.0.1";
    int redis_port = 6379;
    std::string name_space = "mmbot";
};

namespace detail {

[[nodiscard]] inline core::error ctl_usage_error(std::string what) {
    return core::make_error(errc::usage, std::move(what));
}

[[nodiscard]] inline core::result<std::chrono::milliseconds> millis(std::string_view name, std::string_view v,
                                                                    std::int64_t low, std::int64_t high) {
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size() || n < low || n > high) {
        return ctl_usage_error(fmt::format("{}: expected a whole number of ms from {} to {}, got \"{}\"", name, low,
                                           high, v));
    }
    return std::chrono::milliseconds(n);
}

/// The options a command accepts, checked once the whole line is read.
[[nodiscard]] inline core::result<void> check_combination(const ctl_options& o,
                                                          const std::vector<std::string>& given) {
    const auto allowed = [&](std::string_view flag) -> bool {
        const action a = o.req.act;
        if (flag == "--json" || flag == "--watch") return a == action::status;
        if (flag == "--interval-ms") return a == action::status && o.watch;
        if (flag == "--force") return a == action::unfreeze;
        if (flag == "--reason") return a == action::freeze || a == action::kill;
        if (flag == "--all") return a == action::kill;
        if (flag == "--clear" || flag == "--redis" || flag == "--namespace") return a == action::kill && o.all;
        if (flag == "--socket") return !o.all;
        return true;
    };
    for (const auto& f : given) {
        if (!allowed(f)) {
            const bool needs_all = f == "--clear" || f == "--redis" || f == "--namespace";
            return ctl_usage_error(fmt::format("{}: not an option of {}{}", f,
                                               o.all && o.req.act == action::kill ? std::string("kill --all")
                                                                                  : std::string(command_word(o.req.act)),
                                               f == "--interval-ms" ? " without --watch"
                                               : needs_all && o.req.act == action::kill ? " without --all"
                                                                                        : ""));
        }
    }
    return {};
}

/// kill --all's --redis HOST:PORT and --namespace NS.
[[nodiscard]] inline std::vector<core::flag_spec> redis_flags(ctl_options& o) {
    return {
        core::value_flag("--redis", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            const auto colon = v.rfind(':');
            int port = 0;
            const auto* end = v.data() + v.size();
            const auto [p, ec] = colon == std::string_view::npos ? std::from_chars(end, end, port)
                                                                 : std::from_chars(v.data() + colon + 1, end, port);
            if (colon == std::string_view::npos || colon == 0 || ec != std::errc{} || p != end || port < 1 || port > 65535) {
                return ctl_usage_error(fmt::format("{}: expected HOST:PORT, got \"{}\"", n, v));
            }
            o.redis_host = std::string(v.substr(0, colon));
            o.redis_port = port;
            return {};
        }),
        core::value_flag("--namespace", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            if (v.empty()) return ctl_usage_error(fmt::format("{}: empty", n));
            o.name_space = std::string(v);
            return {};
        }),
    };
}

}  // namespace detail

/// Reads mmbot-ctl's arguments (argv without argv[0]). `env_socket` is $MMBOT_CONTROL_SOCKET.
[[nodiscard]] inline core::result<ctl_options> parse_ctl_args(std::span<const std::string_view> args,
                                                              const char* env_socket) {
    ctl_options o;
    std::optional<action> command;
    std::vector<std::string> given;
    const auto set = [](bool& b) {
        return [&b](std::string_view, std::string_view) -> core::result<void> {
            b = true;
            return {};
        };
    };
    std::vector<core::flag_spec> flags = {
        core::value_flag("--socket", [&](std::string_view, std::string_view v) -> core::result<void> {
            if (v.empty()) return detail::ctl_usage_error("--socket: empty path");
            o.socket = std::string(v);
            return {};
        }),
        core::value_flag("--timeout-ms", [&](std::string_view n, std::string_view v) -> core::result<void> {
            auto ms = detail::millis(n, v, 1, 600000);
            if (!ms) return ms.error();
            o.timeout = *ms;
            return {};
        }),
        core::value_flag("--interval-ms", [&](std::string_view n, std::string_view v) -> core::result<void> {
            auto ms = detail::millis(n, v, 100, 3600000);
            if (!ms) return ms.error();
            o.interval = *ms;
            return {};
        }),
        core::value_flag("--reason", [&](std::string_view, std::string_view v) -> core::result<void> {
            if (auto ok = check_reason(v); !ok) return detail::ctl_usage_error(ok.error().message);
            o.req.reason = std::string(v);
            return {};
        }),
        core::switch_flag("--all", set(o.all)),
        core::switch_flag("--clear", set(o.clear)),
        core::switch_flag("--force", set(o.req.force)),
        core::switch_flag("--json", set(o.json)),
        core::switch_flag("--watch", set(o.watch)),
        core::flag_spec{.name = "--help", .alias = "-h", .arity = core::flag_arity::none, .apply = set(o.help),
                        .stops = true},
    };
    for (auto& f : detail::redis_flags(o)) flags.push_back(std::move(f));
    auto ok = core::read_flags(
        args, {.flags = flags,
               .problem = [](const core::flag_problem& p) {
                   return detail::ctl_usage_error(
                       p.kind == core::flag_problem_kind::positional
                           ? fmt::format("\"{}\": one command only", p.arg)
                           : core::describe(p));
               },
               .positional = [&](std::string_view word) -> core::result<void> {
                   if (command) return detail::ctl_usage_error(fmt::format("\"{}\": one command only", word));
                   command = parse_action(word);
                   if (!command) {
                       return detail::ctl_usage_error(fmt::format(
                           "unknown command \"{}\" (status, freeze, unfreeze, cancel-all, reload, kill)", word));
                   }
                   return {};
               },
               .seen = [&](std::string_view name) { given.emplace_back(name); }});
    if (!ok) return ok.error();
    if (o.help) return o;
    if (!command) return detail::ctl_usage_error("missing command (status, freeze, unfreeze, cancel-all, reload, kill)");
    o.req.act = *command;
    if (auto c = detail::check_combination(o, given); !c) return c.error();
    if (o.all) return o;  // through Redis: no socket
    if (o.socket.empty() && env_socket != nullptr) o.socket = env_socket;
    if (o.socket.empty()) return detail::ctl_usage_error("--socket: required (or set MMBOT_CONTROL_SOCKET)");
    return o;
}

}  // namespace mmbot::app::control
