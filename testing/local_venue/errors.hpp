// testing/local_venue/errors.hpp
//
// The error codes of the local venue (mmbot-local-venue); each start-up error exits 2
// (app/exit_codes.hpp, docs/exit-codes.md).
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::venue::local {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A bad flag or flag value of mmbot-local-venue.
    usage,
    /// The port cannot be bound on 127.0.0.1.
    listen,
    /// An instruments file or capture that is unreadable or not the expected shape.
    config,
    /// A certificate or key file that cannot be read or written.
    io,
    /// The TLS identity cannot be made or loaded.
    tls,
    /// A --fault spec or /admin/faults body that is not valid.
    fault,
    /// A --state file that cannot be read, is not a saved state, or cannot be written at the stop.
    state,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    switch (e) {
        case errc::usage: return "local_usage";
        case errc::listen: return "local_listen";
        case errc::config: return "local_config";
        case errc::io: return "local_io";
        case errc::tls: return "local_tls";
        case errc::fault: return "local_fault";
        case errc::state: return "local_state";
    }
    return "unknown";
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::venue::local
