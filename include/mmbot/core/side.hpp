// mmbot/core/side.hpp
//
// Order side, shared by the policy, risk, engine and venue layers. Prints as Bybit spells it
// ("Buy"/"Sell") because that is the form every log, journal and request uses.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>

namespace mmbot::core {

enum class side : std::uint8_t { buy, sell };

[[nodiscard]] constexpr std::string_view to_string(side s) noexcept {
    return s == side::buy ? "Buy" : "Sell";
}

/// Streams "Buy" / "Sell" (test frameworks and diagnostics).
inline std::ostream& operator<<(std::ostream& os, side s) { return os << to_string(s); }

/// The other side of the book: a buy rests against asks, a sell against bids.
[[nodiscard]] constexpr side opposite(side s) noexcept {
    return s == side::buy ? side::sell : side::buy;
}

}  // namespace mmbot::core
