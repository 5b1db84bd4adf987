// mmbot/net/errors.hpp
//
// The error code of the TLS plumbing: one label, the message says which step failed.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::net {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A CA file, SNI, certificate verification or handshake failure.
    tls,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    return core::enum_label<"net_">(e);
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::net
