// mmbot/strategy/errors.hpp
//
// The error codes of the strategy parameters.
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::strategy {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    invalid_fair_price_mode,
    invalid_quote_reference,
    /// A strategy parameter out of its range (the message names symbol, field, rule, value).
    invalid_strategy,
};

}  // namespace mmbot::strategy
