// mmbot/venue/detail/grid_text.hpp
//
// An order's price or quantity as the venue wants it on the wire: printed from the exact decimal
// with the instrument's own fraction digits ("65000.10" for a 0.10 tick). A value that needs more
// digits than that is off the grid and is refused (never rounded here), as is a value <= 0; the
// error, under the calling venue's `request` code, names the field and the value.
#pragma once

#include "mmbot/core/decimal.hpp"
#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace mmbot::venue::detail {

template <class Decimal>
[[nodiscard]] core::result<std::string_view> grid_text(std::string_view field, const Decimal& v,
                                                       int digits,
                                                       std::array<char, core::max_decimal_chars>& buf,
                                                       core::error_code refused) {
    if (!v.is_positive()) {
        return core::make_error(refused, fmt::format("{}: must be > 0, got {}", field, v.to_string()));
    }
    if (digits < 0 || digits > Decimal::scale || v.fraction_digits() > digits) {
        return core::make_error(
            refused, fmt::format("{}: {} does not fit the instrument's {} fraction digits", field,
                                 v.to_string(), digits));
    }
    return std::string_view{buf.data(), v.to_chars(buf.data(), digits)};
}

}  // namespace mmbot::venue::detail
