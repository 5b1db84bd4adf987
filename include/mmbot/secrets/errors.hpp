// mmbot/secrets/errors.hpp
//
// The error labels this area returns and the exit code of mmbot-secrets each one maps to.
//
// Every failure in the secrets area is a `core::error` whose `code` is one of the labels below, so
// mmbot-secrets turns it into a documented exit code with one call, and an operator's script
// can tell "wrong environment" from "file too open" from "vault is down" without parsing text.
// Messages name files, variables, secret names and exit statuses, never a secret value.
// docs/secrets.md lists the same table.
//
//   if (!creds) return static_cast<int>(secrets::exit_code_for(creds.error()));
#pragma once

#include "mmbot/core/error.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace mmbot::secrets {

/// Error labels (core::error::code) returned by this area.
namespace errc {
/// Bad command line (unknown subcommand or option, missing NAME) or an operation the backend does
/// not have (set on the read-only env backend, list on the command backend).
inline constexpr std::string_view usage = "usage";
inline constexpr std::string_view unsupported = "unsupported";
/// EXCHANGE_ENV is not shadow|testnet|live.
inline constexpr std::string_view exchange_env_unknown = "exchange_env_unknown";
/// EXCHANGE_ENV names another environment than the one the binary was built for.
inline constexpr std::string_view exchange_env_mismatch = "exchange_env_mismatch";
/// A secret name in another environment's namespace (mm-bot/prod/... read by a testnet binary).
inline constexpr std::string_view namespace_violation = "namespace_violation";
/// A secret name that is not mm-bot/<dev|testnet|prod>/<venue>.
inline constexpr std::string_view invalid_name = "invalid_secret_name";
inline constexpr std::string_view not_found = "secret_not_found";
/// A secret document (file, command output, stdin) that is not the expected shape.
inline constexpr std::string_view format = "secret_format";
/// The backend itself failed: unreadable file, command exited non-zero, timed out, too much output.
inline constexpr std::string_view backend = "backend_error";
/// The secrets file can be read or written by group or others.
inline constexpr std::string_view insecure_permissions = "insecure_permissions";
}  // namespace errc

/// Process exit codes of mmbot-secrets. The trading binaries exit 4 (app::exit_code::environment)
/// for every error of this area: their 5 and 6 mean journal and feed (docs/cli.md).
enum class exit_code : int {
    ok = 0,
    /// 1 is left to crashes and uncaught exceptions, so it never means a diagnosed error.
    usage = 2,
    environment_mismatch = 3,
    not_found = 4,
    backend_error = 5,
    insecure_permissions = 6,
};

/// The exit code for an error from this area; an unknown label is a backend error.
[[nodiscard]] inline exit_code exit_code_for(const core::error& e) noexcept {
    constexpr std::array<std::pair<std::string_view, exit_code>, 10> table{{
        {errc::usage, exit_code::usage},
        {errc::unsupported, exit_code::usage},
        {errc::invalid_name, exit_code::usage},
        {errc::exchange_env_unknown, exit_code::environment_mismatch},
        {errc::exchange_env_mismatch, exit_code::environment_mismatch},
        {errc::namespace_violation, exit_code::environment_mismatch},
        {errc::not_found, exit_code::not_found},
        {errc::format, exit_code::backend_error},
        {errc::backend, exit_code::backend_error},
        {errc::insecure_permissions, exit_code::insecure_permissions},
    }};
    for (const auto& [code, exit] : table) {
        if (code == e.code) return exit;
    }
    return exit_code::backend_error;
}

}  // namespace mmbot::secrets
