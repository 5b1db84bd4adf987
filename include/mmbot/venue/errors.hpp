// mmbot/venue/errors.hpp
//
// The error code of the exchange filters (tick, step, min/max qty, min notional).
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>
#include <string_view>

namespace mmbot::venue {

/// Error codes (core::error::code) of this area; error_label gives each one's stable label.
enum class errc : std::uint8_t {
    /// A filter value that is missing, not a decimal, or out of range.
    invalid_filter,
};

[[nodiscard]] constexpr std::string_view error_label(errc e) noexcept {
    switch (e) {
        case errc::invalid_filter: return "invalid_filter";
    }
    return "unknown";
}

/// Test frameworks print the label.
template <class Os>
auto operator<<(Os& os, errc e) -> decltype(os << std::string_view{}) {
    return os << error_label(e);
}

}  // namespace mmbot::venue
