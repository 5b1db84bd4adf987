// mmbot/app/exit_codes.hpp
//
// Every binary's process exit codes, in one place: for each binary its numbers, names and a
// one-line meaning, and which error codes end it with which exit code.
//
// Scripts and runbooks rely on these numbers, so they are stable. docs/exit-codes.md lists the same
// rows; //tests/app:exit_codes_doc_test checks the doc against these tables both ways (number,
// name, and the error codes of each row), so neither can change alone.
//
//   if (!ep) return fail(exit_code_for(ep.error().code, exit_code::feed), ep.error().message);
//   return exit_status(secrets_exit_for(e.code));                   // mmbot-secrets
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/engine/errors.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/net/errors.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/shard/errors.hpp"

#include <array>
#include <span>
#include <string_view>
#include <type_traits>

namespace mmbot::app {

/// Exit codes of the trading binaries: mmbot-shadow, mmbot-testnet, mmbot-live.
enum class exit_code : int {
    ok = 0,
    runtime = 1,                ///< unexpected failure while running
    usage = 2,                  ///< bad flag or flag value
    config = 3,                 ///< config file missing or invalid
    environment = 4,            ///< EXCHANGE_ENV disagrees with the binary, or secrets unusable
    journal = 5,                ///< journal unreadable, corrupt in the middle, or unwritable
    feed = 6,                   ///< market data source cannot be opened
    preflight = 7,              ///< preflight checks failed
    live_not_acknowledged = 8,  ///< mmbot-live started without --i-understand-this-is-live
    shard = 9,                  ///< the shard's lease cannot be taken (another holder, Redis unreachable)
};

/// Exit codes of mmbot-secrets. Not the trading binaries' numbers: there 5 and 6 mean journal and
/// feed, so every secrets failure exits 4 (exit_code::environment) from a trading binary.
enum class secrets_exit : int {
    ok = 0,
    internal = 1,  ///< left to crashes and uncaught exceptions: never a diagnosed error
    usage = 2,
    environment_mismatch = 3,
    not_found = 4,
    backend_error = 5,
    insecure_permissions = 6,
};

/// Exit codes of mmbot-local-venue (a test tool): every diagnosed start-up error is 2.
enum class local_venue_exit : int {
    ok = 0,
    internal = 1,
    start_failed = 2,
};

/// Exit codes of mmbot-ctl, the operator's client of a bot's control socket.
enum class ctl_exit : int {
    ok = 0,
    internal = 1,     ///< left to uncaught exceptions: never a diagnosed error
    usage = 2,        ///< bad flag, command or option (also when the bot cannot read the request)
    unreachable = 3,  ///< no bot answers on the socket, or the answer is not a protocol reply
    refused = 4,      ///< the bot read the command and refused it (the message says why)
};

/// What main() returns for an exit code of any binary.
template <class Exit>
    requires std::is_enum_v<Exit>
[[nodiscard]] constexpr int exit_status(Exit e) noexcept {
    return static_cast<int>(e);
}

/// One documented exit code: number, name (as in docs/exit-codes.md) and a one-line meaning.
struct exit_code_row {
    int number;
    std::string_view name;
    std::string_view meaning;
};

/// An error code and the exit code a binary ends with when that error stops it.
struct error_exit {
    template <class Exit>
        requires std::is_enum_v<Exit>
    constexpr error_exit(core::error_code c, Exit e) noexcept : code(c), exit(exit_status(e)) {}
    core::error_code code;
    int exit;
};

/// One binary's (or one group's) exit codes, as docs/exit-codes.md has them under `binaries`.
struct exit_code_table {
    std::string_view binaries;
    std::span<const exit_code_row> rows;
    std::span<const error_exit> errors;
};

namespace detail {

inline constexpr std::array trading_rows = std::to_array<exit_code_row>({
    {0, "ok", "success; a freeze during the run is in the report, not the exit code"},
    {1, "runtime", "unexpected failure while running, or orders still open after the orderly stop"},
    {2, "usage", "bad flag or flag value, unknown symbol, a --report, --html-report or --record path that cannot be written"},
    {3, "config", "config file missing, unreadable or invalid"},
    {4, "environment", "EXCHANGE_ENV unknown or not this binary's, or credentials unusable"},
    {5, "journal", "journal unreadable, corrupt in the middle, locked, another environment's, or unwritable"},
    {6, "feed", "market data source cannot be opened, holds no data, or the live feed failed"},
    {7, "preflight", "preflight checks failed, or one order at the first book cannot trade"},
    {8, "live_not_acknowledged", "mmbot-live started without --i-understand-this-is-live"},
    {9, "shard", "the shard's lease cannot be taken: another process holds the shard, or Redis is unreachable at start"},
});

inline constexpr std::array trading_errors = std::to_array<error_exit>({
    {app::errc::venue_not_ready, exit_code::runtime},
    {app::errc::open_at_exit, exit_code::runtime},
    {app::errc::usage, exit_code::usage},
    {app::errc::report_unwritable, exit_code::usage},
    {app::errc::config_unreadable, exit_code::config},
    {app::errc::invalid_config, exit_code::config},
    {secrets::errc::usage, exit_code::environment},
    {secrets::errc::unsupported, exit_code::environment},
    {secrets::errc::exchange_env_unknown, exit_code::environment},
    {secrets::errc::exchange_env_mismatch, exit_code::environment},
    {secrets::errc::namespace_violation, exit_code::environment},
    {secrets::errc::invalid_secret_name, exit_code::environment},
    {secrets::errc::secret_not_found, exit_code::environment},
    {secrets::errc::secret_format, exit_code::environment},
    {secrets::errc::backend_error, exit_code::environment},
    {secrets::errc::insecure_permissions, exit_code::environment},
    {engine::errc::journal_io, exit_code::journal},
    {engine::errc::journal_no_space, exit_code::journal},
    {engine::errc::journal_malformed, exit_code::journal},
    {engine::errc::journal_corrupted, exit_code::journal},
    {engine::errc::journal_locked, exit_code::journal},
    {engine::errc::journal_not_a_journal, exit_code::journal},
    {engine::errc::journal_wrong_environment, exit_code::journal},
    {engine::errc::journal_unknown_environment, exit_code::journal},
    {engine::errc::journal_bad_environment, exit_code::journal},
    {feed::errc::bad_url, exit_code::feed},
    {feed::errc::connect, exit_code::feed},
    {feed::errc::subscribe_rejected, exit_code::feed},
    {feed::errc::unreadable, exit_code::feed},
    {feed::errc::line_too_long, exit_code::feed},
    {feed::errc::read_error, exit_code::feed},
    {feed::errc::record_failed, exit_code::usage},
    {net::errc::tls, exit_code::feed},
    {app::errc::preflight_clock_skew, exit_code::preflight},
    {app::errc::preflight_instrument, exit_code::preflight},
    {app::errc::preflight_open_orders, exit_code::preflight},
    {app::errc::preflight_cannot_trade, exit_code::preflight},
    {app::errc::control_socket, exit_code::usage},
    {shard::errc::shard_taken, exit_code::shard},
    {shard::errc::redis_unreachable, exit_code::shard},
    {shard::errc::redis_reply, exit_code::shard},
    {shard::errc::shard_state, exit_code::shard},
});

inline constexpr std::array secrets_rows = std::to_array<exit_code_row>({
    {0, "ok", "success"},
    {1, "internal", "internal error (uncaught exception); never a diagnosed error"},
    {2, "usage", "usage error, invalid secret name, or an operation the backend does not support"},
    {3, "environment_mismatch", "EXCHANGE_ENV unknown or not this binary's, or NAME outside its namespace"},
    {4, "not_found", "secret not found"},
    {5, "backend_error", "backend failed: unreadable or non-regular file, symlink on set/delete, bad format, command failed"},
    {6, "insecure_permissions", "secrets file permissions too open (must be 0600 or stricter)"},
});

inline constexpr std::array secrets_errors = std::to_array<error_exit>({
    {secrets::errc::usage, secrets_exit::usage},
    {secrets::errc::unsupported, secrets_exit::usage},
    {secrets::errc::invalid_secret_name, secrets_exit::usage},
    {secrets::errc::exchange_env_unknown, secrets_exit::environment_mismatch},
    {secrets::errc::exchange_env_mismatch, secrets_exit::environment_mismatch},
    {secrets::errc::namespace_violation, secrets_exit::environment_mismatch},
    {secrets::errc::secret_not_found, secrets_exit::not_found},
    {secrets::errc::secret_format, secrets_exit::backend_error},
    {secrets::errc::backend_error, secrets_exit::backend_error},
    {secrets::errc::insecure_permissions, secrets_exit::insecure_permissions},
});

inline constexpr std::array local_venue_rows = std::to_array<exit_code_row>({
    {0, "ok", "stopped by SIGINT or SIGTERM"},
    {1, "internal", "internal error (uncaught exception)"},
    {2, "start_failed", "bad flag, or a start-up failure (unreadable file, port in use, bad config)"},
});

inline constexpr std::array ctl_rows = std::to_array<exit_code_row>({
    {0, "ok", "the bot carried out the command (status: printed)"},
    {1, "internal", "internal error (uncaught exception)"},
    {2, "usage", "bad flag, command or option, or a request the bot could not read"},
    {3, "unreachable", "no bot answers on the control socket (missing, refused, no permission, timeout), or kill --all cannot reach Redis"},
    {4, "refused", "the bot refused the command: unfreeze while the condition holds, a rejected reload"},
});

inline constexpr std::array ctl_errors = std::to_array<error_exit>({
    {app::errc::usage, ctl_exit::usage},
    {app::errc::control_request, ctl_exit::usage},
    {app::errc::control_unreachable, ctl_exit::unreachable},
    {shard::errc::redis_unreachable, ctl_exit::unreachable},
    {shard::errc::redis_reply, ctl_exit::unreachable},
    {app::errc::control_refused, ctl_exit::refused},
    {app::errc::invalid_reload, ctl_exit::refused},
    {app::errc::invalid_config, ctl_exit::refused},
    {app::errc::config_unreadable, ctl_exit::refused},
});

/// Row i has number i, and each enumerator names the row of its number.
template <std::size_t N>
consteval bool numbered_in_order(const std::array<exit_code_row, N>& rows) {
    for (std::size_t i = 0; i < N; ++i) {
        if (rows[i].number != static_cast<int>(i)) return false;
    }
    return true;
}
static_assert(numbered_in_order(trading_rows) && numbered_in_order(secrets_rows) &&
              numbered_in_order(local_venue_rows) && numbered_in_order(ctl_rows));
static_assert(ctl_rows[exit_status(ctl_exit::refused)].name == "refused" &&
              ctl_rows[exit_status(ctl_exit::unreachable)].name == "unreachable");
static_assert(trading_rows[exit_status(exit_code::live_not_acknowledged)].name == "live_not_acknowledged" &&
              trading_rows[exit_status(exit_code::environment)].name == "environment" &&
              trading_rows[exit_status(exit_code::shard)].name == "shard");
static_assert(secrets_rows[exit_status(secrets_exit::insecure_permissions)].name == "insecure_permissions" &&
              secrets_rows[exit_status(secrets_exit::environment_mismatch)].name == "environment_mismatch");
static_assert(local_venue_rows[exit_status(local_venue_exit::start_failed)].name == "start_failed");

template <class Exit>
[[nodiscard]] constexpr Exit exit_for(std::span<const error_exit> table, core::error_code code,
                                      Exit otherwise) noexcept {
    for (const auto& e : table) {
        if (e.code == code) return static_cast<Exit>(e.exit);
    }
    return otherwise;
}

}  // namespace detail

/// Every binary's table, in the order docs/exit-codes.md lists them.
inline constexpr std::array exit_code_tables = std::to_array<exit_code_table>({
    {"mmbot-shadow, mmbot-testnet, mmbot-live", detail::trading_rows, detail::trading_errors},
    {"mmbot-secrets", detail::secrets_rows, detail::secrets_errors},
    {"mmbot-local-venue", detail::local_venue_rows, {}},
    {"mmbot-ctl", detail::ctl_rows, detail::ctl_errors},
});

/// The trading binaries' exit code for an error that stops them; `otherwise` for a code the table
/// does not map (the call site knows which stage failed).
[[nodiscard]] constexpr exit_code exit_code_for(core::error_code code, exit_code otherwise) noexcept {
    return detail::exit_for(detail::trading_errors, code, otherwise);
}

/// mmbot-secrets' exit code for an error; a code the table does not map is a backend error.
[[nodiscard]] constexpr secrets_exit secrets_exit_for(core::error_code code) noexcept {
    return detail::exit_for(detail::secrets_errors, code, secrets_exit::backend_error);
}

/// mmbot-ctl's exit code for an error (the bot's refusal code included); unmapped: refused.
[[nodiscard]] constexpr ctl_exit ctl_exit_for(core::error_code code) noexcept {
    return detail::exit_for(detail::ctl_errors, code, ctl_exit::refused);
}

}  // namespace mmbot::app
