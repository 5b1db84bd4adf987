// mmbot/core/fixed_string.hpp
//
// A string literal as a template argument: a label's prefix (core::enum_label<"feed_">), a risk
// check's name (risk::order_only_check<"price_band">), a unit's name (core::unit<..., "price">).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace mmbot::core {

template <std::size_t N>
struct fixed_string {
    // NOLINTNEXTLINE(google-explicit-constructor,hicpp-explicit-conversions): a literal argument
    constexpr fixed_string(const char (&s)[N]) noexcept {  // NOLINT(*-avoid-c-arrays)
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text.data(), N - 1}; }
    std::array<char, N> text{};
};

}  // namespace mmbot::core
