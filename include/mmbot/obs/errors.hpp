// mmbot/obs/errors.hpp
//
// The error codes of the observability area (log level, /health /ready /metrics server).
#pragma once

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
    switch (e) {
        case errc::log_level: return "log_level";
        case errc::started: return "obs_started";
        case errc::address: return "obs_address";
        case errc::bind: return "obs_bind";
    }
    return "unknown";
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::obs
