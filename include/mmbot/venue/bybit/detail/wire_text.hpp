// mmbot/venue/bybit/detail/wire_text.hpp
//
// Checks on the identifiers that go into request bodies and query strings unescaped.
//
// Request builders write JSON and query strings by hand (no escaping, no allocation beyond the
// caller's buffer), which is only sound because every free-text field is checked against the
// character set Bybit itself allows: symbols and orderLinkIds are [A-Za-z0-9_-] (orderLinkId at
// most 36 characters), cursors are already percent-encoded by Bybit.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <string_view>

namespace mmbot::venue::bybit::detail {

inline constexpr std::size_t max_order_link_id = 36;
inline constexpr std::size_t max_symbol = 32;
inline constexpr std::size_t max_cursor = 512;
/// Longest value quoted back in an error message: enough to recognise, short enough for a log.
inline constexpr std::size_t max_quoted = 40;

[[nodiscard]] constexpr bool id_char(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c == '-';
}

/// Unreserved URI characters plus '%' (Bybit's cursors arrive percent-encoded).
[[nodiscard]] constexpr bool cursor_char(char c) noexcept {
    return id_char(c) || c == '.' || c == '~' || c == '%';
}

template <class Pred>
[[nodiscard]] core::result<void> check_text(std::string_view field, std::string_view value,
                                            std::size_t max_size, bool allow_empty, Pred ok) {
    if (value.empty() && !allow_empty) {
        return core::make_error(errc::request, fmt::format("{}: must not be empty", field));
    }
    if (value.size() > max_size) {
        return core::make_error(errc::request,
                                fmt::format("{}: longer than {} characters, got \"{}...\"", field,
                                            max_size, value.substr(0, max_quoted)));
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!ok(value[i])) {
            return core::make_error(
                errc::request,
                fmt::format("{}: character {} not allowed, got \"{}\"", field, i,
                            value.substr(0, max_quoted)));
        }
    }
    return {};
}

[[nodiscard]] inline core::result<void> check_symbol(std::string_view v) {
    return check_text("symbol", v, max_symbol, false, id_char);
}
[[nodiscard]] inline core::result<void> check_link_id(std::string_view v) {
    return check_text("orderLinkId", v, max_order_link_id, false, id_char);
}
[[nodiscard]] inline core::result<void> check_cursor(std::string_view v) {
    return check_text("cursor", v, max_cursor, true, cursor_char);
}

}  // namespace mmbot::venue::bybit::detail
