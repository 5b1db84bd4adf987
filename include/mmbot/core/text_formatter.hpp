// mmbot/core/text_formatter.hpp
//
// fmt for a type that prints as the text one function gives: a secret name, a masked secret, an
// error code's label. Format specs (width, alignment) apply to that text, as to a string.
//
//   template <>
//   struct fmt::formatter<mmbot::secrets::secret_name>
//       : mmbot::core::text_formatter<mmbot::secrets::secret_name, &mmbot::secrets::secret_name::str> {};
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string_view>

namespace mmbot::core {

/// Formats a T as `std::invoke(Text, value)` (a string or a string_view).
template <class T, auto Text>
struct text_formatter : fmt::formatter<std::string_view> {
    template <class FormatContext>
    auto format(const T& value, FormatContext& ctx) const {
        const auto text = std::invoke(Text, value);
        return fmt::formatter<std::string_view>::format(std::string_view{text}, ctx);
    }
};

}  // namespace mmbot::core
