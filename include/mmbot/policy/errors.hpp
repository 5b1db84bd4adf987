// mmbot/policy/errors.hpp
//
// The error code of the maker policy.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::policy {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// No valid post-only price for this reference, tick and offset.
    invalid_price,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    return core::enum_label(e);
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::policy
