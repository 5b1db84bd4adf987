// mmbot/app/errors.hpp
//
// The error codes of the app area (flags, config, preflight, report, the trading run).
//
// Their exit codes are in app/exit_codes.hpp (docs/exit-codes.md).
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::app {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    /// A bad flag or flag value, a refused --endpoint-override, an unknown --symbols entry.
    usage,
    /// The config file cannot be read (the message has the path and the OS reason).
    config_unreadable,
    /// The config is not valid (the message names the file, the field and the value).
    invalid_config,
    /// A SIGHUP reload that changes what cannot change while running.
    invalid_reload,
    /// The --report path cannot be written.
    report_unwritable,
    preflight_clock_skew,
    preflight_instrument,
    preflight_open_orders,
    /// One order of order_qty at the first book cannot trade (min notional, caps).
    preflight_cannot_trade,
    /// testnet/live: private stream or reconcile not done within 30 s of start.
    venue_not_ready,
    /// testnet/live: orders still open when the orderly stop gave up.
    open_at_exit,
    /// The control socket cannot be opened: path too long, directory missing, in use by a live
    /// process, or something that is not a socket in its place (app/control/unix_socket.hpp).
    control_socket,
    /// mmbot-ctl: no bot answers on the control socket (missing, refused, permission, timeout).
    control_unreachable,
    /// A control command the bot cannot read: unknown action, option or value.
    control_request,
    /// A control command the bot read and refused: unfreeze while the breaking condition holds,
    /// a reload the running config keeps out.
    control_refused,
};

}  // namespace mmbot::app
