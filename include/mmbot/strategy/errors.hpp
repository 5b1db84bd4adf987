// mmbot/strategy/errors.hpp
//
// The error codes of the strategy parameters.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::strategy {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    invalid_fair_price_mode,
    invalid_quote_reference,
    /// A strategy parameter out of its range (the message names symbol, field, rule, value).
    invalid_strategy,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    return core::enum_label(e);
}

/// Test frameworks print the label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

}  // namespace mmbot::strategy
