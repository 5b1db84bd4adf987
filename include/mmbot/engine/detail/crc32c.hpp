// mmbot/engine/detail/crc32c.hpp
//
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, for the journal's
// per-record checksums. Chosen over IEEE CRC-32 for its better error detection on short records;
// implemented here because the project takes no zlib dependency for eight lines of arithmetic.
// Check value: crc32c("123456789") == 0xE3069283.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mmbot::engine::detail {

[[nodiscard]] constexpr std::array<std::uint32_t, 256> make_crc32c_table() noexcept {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int bit = 0; bit < 8; ++bit) {
            c = (c & 1U) != 0 ? (c >> 1U) ^ 0x82F63B78U : c >> 1U;
        }
        table[i] = c;
    }
    return table;
}

inline constexpr std::array<std::uint32_t, 256> crc32c_table = make_crc32c_table();

/// CRC-32C of `bytes`.
[[nodiscard]] constexpr std::uint32_t crc32c(std::string_view bytes) noexcept {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : bytes) {
        c = crc32c_table[(c ^ static_cast<std::uint8_t>(ch)) & 0xFFU] ^ (c >> 8U);
    }
    return c ^ 0xFFFFFFFFU;
}

static_assert(crc32c("123456789") == 0xE3069283U, "CRC-32C check value");

}  // namespace mmbot::engine::detail
