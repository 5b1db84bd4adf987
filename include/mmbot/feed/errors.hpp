// mmbot/feed/errors.hpp
//
// The error codes of the market-data area (codec, replay, live feed).
//
// Value parses inside a message add the decimal_* codes of core/error.hpp. Labels appear in the log
// (`feed_failed`) and must not change.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::feed {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A --feed wss:// URL that is not wss://HOST[:PORT]/PATH.
    bad_url,
    /// The live feed gave up after too many failed connection attempts in a row.
    connect,
    /// The venue refused a subscription (a bad symbol).
    subscribe_rejected,
    /// A capture file that cannot be opened.
    unreadable,
    /// A capture line longer than the replay's maximum.
    line_too_long,
    /// A read of the capture failed (the OS reason or the gzip fault is in the message).
    read_error,
    /// --record: the capture directory or a capture file cannot be created or written.
    record_failed,
    /// A message that is not JSON.
    json_syntax,
    missing_field,
    wrong_type,
    bad_value,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    return core::enum_label<"feed_">(e);
}

/// The codes core::json::reader reports a bad field under (core/json_fields.hpp).
inline constexpr core::field_errors json_errors{errc::missing_field, errc::wrong_type,
                                               errc::bad_value};

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::feed
