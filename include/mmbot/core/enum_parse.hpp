// mmbot/core/enum_parse.hpp
//
// An enum read back from its label (core/enum_label.hpp): a config word ("microprice"), a code a
// peer named. The words a field accepts are the enumerators' own names, so the parser, the label
// and the error message listing the choices cannot drift apart.
//
//   enum class fair_price_mode : std::uint8_t { mid, microprice };
//   core::parse_label<fair_price_mode>("vwap", "fair_price_mode", errc::invalid_fair_price_mode)
//   // error: fair_price_mode: expected "mid" or "microprice", got "vwap"
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace mmbot::core {

/// The enumerator whose label is `label`, if one is.
template <class E>
    requires std::is_enum_v<E>
[[nodiscard]] constexpr std::optional<E> enum_from_label(std::string_view label) noexcept {
    for (std::size_t i = 0; i < enumerator_count<E>; ++i) {
        if (enum_label(static_cast<E>(i)) == label) return static_cast<E>(i);
    }
    return std::nullopt;
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`: the labels of E, for an error message.
template <class E>
    requires std::is_enum_v<E>
[[nodiscard]] std::string label_choices() {
    constexpr std::size_t count = enumerator_count<E>;
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) out += (i + 1 == count) ? " or " : ", ";
        out += fmt::format("\"{}\"", enum_label(static_cast<E>(i)));
    }
    return out;
}

/// The enumerator `text` names, or `code` with a message naming the field, the choices and the
/// text.
template <class E>
    requires std::is_enum_v<E>
[[nodiscard]] result<E> parse_label(std::string_view text, std::string_view field, error_code code) {
    if (const auto e = enum_from_label<E>(text)) return *e;
    return make_error(code, fmt::format("{}: expected {}, got \"{}\"", field, label_choices<E>(), text));
}

}  // namespace mmbot::core
