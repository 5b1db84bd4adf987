// mmbot/net/errors.hpp
//
// The error codes of the TLS plumbing and the HTTPS client: what a caller may assume about a
// request that failed (https_client.hpp); the message says which step failed.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::net {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A CA file, SNI, certificate verification or handshake failure (nothing was sent).
    tls,
    /// Failed before any byte of the request was written (resolve, connect, deadline passed).
    not_sent,
    /// Written, no complete answer in time: the outcome is unknown.
    timeout,
    /// The server closed the kept-alive connection before the write (nothing was sent).
    stale_connection,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    return core::enum_label<"net_">(e);
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::net
