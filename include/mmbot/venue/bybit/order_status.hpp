// mmbot/venue/bybit/order_status.hpp
//
// Bybit's orderStatus strings as an enum, shared by the REST order list and the private
// WebSocket `order` topic.
//
//   auto s = parse_order_status("PartiallyFilledCanceled");   // order_status::partially_filled_canceled
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

enum class order_status : std::uint8_t {
    created,  ///< "Created": accepted by the gateway, not yet in the book
    new_,     ///< "New": resting
    partially_filled,
    untriggered,
    rejected,
    partially_filled_canceled,
    filled,
    cancelled,
    triggered,
    deactivated,
};

namespace detail {
inline constexpr std::array<std::pair<std::string_view, order_status>, 10> order_status_names{{
    {"Created", order_status::created},
    {"New", order_status::new_},
    {"PartiallyFilled", order_status::partially_filled},
    {"Untriggered", order_status::untriggered},
    {"Rejected", order_status::rejected},
    {"PartiallyFilledCanceled", order_status::partially_filled_canceled},
    {"Filled", order_status::filled},
    {"Cancelled", order_status::cancelled},
    {"Triggered", order_status::triggered},
    {"Deactivated", order_status::deactivated},
}};
}  // namespace detail

[[nodiscard]] constexpr std::optional<order_status> parse_order_status(std::string_view s) noexcept {
    for (const auto& [name, value] : detail::order_status_names) {
        if (name == s) return value;
    }
    return std::nullopt;
}

/// Whether the order can still trade (the venue holds it in the book or will).
[[nodiscard]] constexpr bool is_open(order_status s) noexcept {
    return s == order_status::created || s == order_status::new_ ||
           s == order_status::partially_filled || s == order_status::untriggered ||
           s == order_status::triggered;
}

}  // namespace mmbot::venue::bybit
