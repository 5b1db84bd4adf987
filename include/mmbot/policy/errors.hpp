// mmbot/policy/errors.hpp
//
// The error code of the maker policy.
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::policy {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    /// No valid post-only price for this reference, tick and offset.
    invalid_price,
};

}  // namespace mmbot::policy
