// mmbot/obs/errors.hpp
//
// The error codes of the observability area (log level, /health /ready /metrics server).
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::obs {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A log level that is not DEBUG, INFO, WARN or ERROR.
    log_level,
    /// start() called twice on the obs server.
    started,
    /// The obs server's address is not an IP address.
    address,
    /// The obs server cannot open, bind or listen on its port.
    bind,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    // log_level is shared with the log sink's own wording; the rest name the obs server.
    return e == errc::log_level ? "log_level" : core::enum_label<"obs_">(e);
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::obs
