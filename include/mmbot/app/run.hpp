// mmbot/app/run.hpp
//
// What every binary does before it trades, and `main` itself. A target picks its environment,
// its venue (venue/venues.hpp), its risk gate and its session (what the environment runs) at
// compile time:
//
//   int main(int argc, char** argv) {
//       return mmbot::app::run_main<mmbot::env::shadow, mmbot::venue::bybit_v5, mmbot::app::standard_gate,
//                                   mmbot::app::shadow_session>(argc, argv);
//   }
//
// The phases, each stopping the process with its own exit code (docs/exit-codes.md):
//   flags        parse_flags: --help, bad or unused flags (2)
//   environment  EXCHANGE_ENV against the binary (4), live's acknowledgement (8)
//   config       the file (3), the command line's overrides (2), the engine setups (3), --report (2)
//   session      Session<Env, Venue, Gate>::run: shadow (app/run_shadow.hpp) or testnet/live
//                (app/run_trading.hpp). Only the session a target names is compiled into it: the
//                shadow binary holds no order gateway, signer or REST transport.
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/cli_rules.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/engine_setup.hpp"
#include "mmbot/app/quote_feasibility.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/secrets/exchange_env.hpp"
#include "mmbot/venue/venues.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::app {

/// What the start-up phases hand to a session.
struct startup {
    cli_options opts;
    config loaded;   ///< the config file as read: hot reload compares the next version with it
    config cfg;      ///< after the command line's overrides
    symbol_setups setups;
};

/// A session is what an environment runs once start-up has passed; it returns the exit code.
template <class S>
concept session = requires(const startup& s) {
    { S::run(s) } -> std::same_as<int>;
};

namespace detail {

/// A flag error: the message, then the usage text (as `error: ...` on stderr, exit 2).
[[nodiscard]] inline failure usage_failure(std::string_view message) {
    std::string_view usage = cli_usage;
    if (usage.ends_with('\n')) usage.remove_suffix(1);
    return fail_with(exit_code::usage, fmt::format("{}\n{}", message, usage));
}

/// EXCHANGE_ENV, the override flag and live's acknowledgement: before anything is read.
template <env::environment Env>
[[nodiscard]] outcome<void> check_environment(const cli_options& opts) {
    if (auto env_ok = secrets::check_exchange_env<Env>(secrets::read_exchange_env()); !env_ok) {
        return fail_with(exit_code::environment, env_ok.error());
    }
    if constexpr (!Env::endpoint_override_allowed) {
        if (!opts.endpoint_override.empty()) {
            return fail_with(exit_code::usage,
                             fmt::format("--endpoint-override: not available in mmbot-{} (it only talks "
                                         "to mainnet)", Env::name));
        }
    }
    if constexpr (Env::id == env::kind::live) {
        if (!opts.live_acknowledged && !opts.preflight) {
            return fail_with(exit_code::live_not_acknowledged,
                             "mmbot-live trades real money on Bybit mainnet: pass "
                             "--i-understand-this-is-live (and run --preflight first)");
        }
    }
    return {};
}

/// The config file, checked against the binary, with the command line's overrides applied.
template <env::environment Env>
[[nodiscard]] outcome<startup> load_startup(cli_options opts) {
    auto loaded = load_config_file(opts.config_path);
    if (!loaded) return fail_with(exit_code::config, loaded.error());
    if (loaded->environment != Env::name) {
        return fail_with(exit_code::config,
                         fmt::format("{}: environment: \"{}\" does not match this binary (mmbot-{})",
                                     opts.config_path, loaded->environment, Env::name));
    }
    auto cfg = apply_cli(*loaded, opts);
    if (!cfg) return fail_with(exit_code::usage, cfg.error());
    auto setups = to_setups(*cfg);
    if (!setups) return fail_with(exit_code::config, setups.error());
    // Now, not after the run: a report that cannot be written would be lost at the end.
    if (!opts.report_path.empty()) {
        if (auto ok = check_report_path(opts.report_path); !ok) return fail_with(exit_code::usage, ok.error());
    }
    if (!opts.html_report_path.empty()) {
        if (auto ok = check_report_path(opts.html_report_path, "--html-report"); !ok) {
            return fail_with(exit_code::usage, ok.error());
        }
    }
    return startup{std::move(opts), std::move(*loaded), std::move(*cfg), std::move(*setups)};
}

}  // namespace detail

/// The command line, with the flags this environment does not use refused.
template <env::environment Env, venue::venue_kind Venue>
[[nodiscard]] outcome<cli_options> parse_flags(int argc, char** argv) {
    auto opts = parse_cli(argc, argv, fmt::format("configs/{}{}.json", Venue::config_prefix, Env::name));
    if (!opts) return detail::usage_failure(opts.error().message);
    if (opts->help) return std::move(*opts);
    if (auto unused = refuse_unused_flags<Env>(*opts)) return detail::usage_failure(unused->message);
    return std::move(*opts);
}

/// Everything before the session: environment, config, setups.
template <env::environment Env>
[[nodiscard]] outcome<startup> prepare(cli_options opts) {
    if (auto ok = detail::check_environment<Env>(opts); !ok) return ok.error();
    return detail::load_startup<Env>(std::move(opts));
}

/// Runs one binary. Returns the process exit code (docs/exit-codes.md).
template <env::environment Env, venue::venue_kind Venue, class Gate, template <class, class, class> class Session>
    requires session<Session<Env, Venue, Gate>>
int run(int argc, char** argv) {
    auto opts = parse_flags<Env, Venue>(argc, argv);
    if (!opts) return exit_with(opts.error());
    if (opts->help) {
        fmt::print("{}", cli_usage);
        return 0;
    }
    auto started = prepare<Env>(std::move(*opts));
    if (!started) return exit_with(started.error());
    for (const auto& w : quoting_warnings(started->cfg)) fmt::print(stderr, "warning: {}\n", w);
    return Session<Env, Venue, Gate>::run(*started);
}

/// `main` for a target: `run`, with any exception that escapes it reported on stderr as an
/// internal error and turned into exit_code::runtime instead of std::terminate. Exceptions here
/// are ours or the library's (bad_alloc, decimal_overflow_error) and carry no secret.
template <env::environment Env, venue::venue_kind Venue, class Gate, template <class, class, class> class Session>
int run_main(int argc, char** argv) noexcept {
    try {
        return run<Env, Venue, Gate, Session>(argc, argv);
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
