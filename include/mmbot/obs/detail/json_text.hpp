// mmbot/obs/detail/json_text.hpp
//
// The JSON pieces the log and the health server write by hand: string escaping that always yields
// valid JSON (control characters escaped, invalid UTF-8 bytes replaced by U+FFFD, so a venue's
// junk cannot break a log line) and an RFC 3339 UTC timestamp with fixed nanosecond width.
//
//   std::string out;
//   mmbot::obs::detail::append_json_string(out, "a\"b");       // "\"a\\\"b\""
//   mmbot::obs::detail::append_rfc3339(out, std::chrono::nanoseconds(0));
//                                                              // 1970-01-01T00:00:00.000000000Z
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::obs::detail {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte there starts none
/// (stray continuation, overlong form, surrogate, beyond U+10FFFF, truncated).
[[nodiscard]] inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    const auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0U) == 0x80U; };
    if (c < 0x80U) return 1;
    if (c >= 0xC2U && c <= 0xDFU) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0U && c <= 0xEFU) {
        if (!cont(i + 1) || !cont(i + 2)) return 0;
        const unsigned char c1 = b(i + 1);
        if (c == 0xE0U && c1 < 0xA0U) return 0;  // overlong
        if (c == 0xEDU && c1 >= 0xA0U) return 0;  // UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0U && c <= 0xF4U) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        const unsigned char c1 = b(i + 1);
        if (c == 0xF0U && c1 < 0x90U) return 0;  // overlong
        if (c == 0xF4U && c1 >= 0x90U) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

/// Appends `v` as a quoted JSON string.
inline void append_json_string(std::string& out, std::string_view v) {
    static constexpr std::string_view hex = "0123456789abcdef";
    out += '"';
    std::size_t i = 0;
    while (i < v.size()) {
        const auto c = static_cast<unsigned char>(v[i]);
        switch (c) {
            case '"': out += "\\\""; ++i; continue;
            case '\\': out += "\\\\"; ++i; continue;
            case '\n': out += "\\n"; ++i; continue;
            case '\r': out += "\\r"; ++i; continue;
            case '\t': out += "\\t"; ++i; continue;
            case '\b': out += "\\b"; ++i; continue;
            case '\f': out += "\\f"; ++i; continue;
            default: break;
        }
        if (c < 0x20U) {
            out += "\\u00";
            out += hex[c >> 4U];
            out += hex[c & 0xFU];
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence_length(v, i);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        out.append(v.substr(i, n));
        i += n;
    }
    out += '"';
}

/// Appends `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` for nanoseconds since the Unix epoch (UTC).
inline void append_rfc3339(std::string& out, std::chrono::nanoseconds since_epoch) {
    constexpr std::int64_t ns_per_s = 1'000'000'000;
    constexpr std::int64_t s_per_day = 86'400;
    std::int64_t ns = since_epoch.count();
    std::int64_t secs = ns / ns_per_s;
    std::int64_t frac = ns % ns_per_s;
    if (frac < 0) {
        frac += ns_per_s;
        --secs;
    }
    std::int64_t days = secs / s_per_day;
    std::int64_t sod = secs % s_per_day;
    if (sod < 0) {
        sod += s_per_day;
        --days;
    }
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    const std::int64_t z = days + 719'468;
    const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
    const std::int64_t doe = z - era * 146'097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

    const auto put = [&out](std::int64_t v, int width) {
        std::array<char, 20> buf{};
        for (int k = width - 1; k >= 0; --k) {
            buf[static_cast<std::size_t>(k)] = static_cast<char>('0' + static_cast<int>(v % 10));
            v /= 10;
        }
        out.append(buf.data(), static_cast<std::size_t>(width));
    };
    put(year, 4);
    out += '-';
    put(month, 2);
    out += '-';
    put(day, 2);
    out += 'T';
    put(sod / 3600, 2);
    out += ':';
    put(sod / 60 % 60, 2);
    out += ':';
    put(sod % 60, 2);
    out += '.';
    put(frac, 9);
    out += 'Z';
}

}  // namespace mmbot::obs::detail
