// mmbot/secrets/errors.hpp
//
// The error codes this area returns.
//
// Every failure in the secrets area is a `core::error` whose `code` is one of the codes below, so
// mmbot-secrets turns it into a documented exit code with one call (app/exit_codes.hpp, the one
// exit-code table; docs/exit-codes.md), and an operator's script can tell "wrong environment" from
// "file too open" from "vault is down" without parsing text. Messages name files, variables, secret
// names and exit statuses, never a secret value.
//
//   if (!creds) return app::exit_status(app::secrets_exit_for(creds.error().code));
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::secrets {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    /// Bad command line (unknown subcommand or option, missing NAME).
    usage,
    /// An operation the backend does not have (set on the read-only env backend, list on the command backend).
    unsupported,
    /// EXCHANGE_ENV is not shadow|testnet|live.
    exchange_env_unknown,
    /// EXCHANGE_ENV names another environment than the one the binary was built for.
    exchange_env_mismatch,
    /// A secret name in another environment's namespace (mm-bot/prod/... read by a testnet binary).
    namespace_violation,
    /// A secret name that is not mm-bot/<dev|testnet|prod>/<venue>.
    invalid_secret_name,
    secret_not_found,
    /// A secret document (file, command output, stdin) that is not the expected shape.
    secret_format,
    /// The backend itself failed: unreadable file, command exited non-zero, timed out, too much output.
    backend_error,
    /// The secrets file can be read or written by group or others.
    insecure_permissions,
};

}  // namespace mmbot::secrets
