// mmbot/venue/binance/request_weight.hpp
//
// Binance's request-weight limit, as the venue reports it. Every REST answer carries
// X-MBX-USED-WEIGHT-1M (weight used by this IP in the current minute); past the limit
// (exchangeInfo: REQUEST_WEIGHT 2400/min on USD-M) the venue answers 429 with Retry-After
// (seconds), and an IP that keeps sending after 429s is banned with 418 and a longer Retry-After.
// This keeps the venue's count and the time before which nothing may be sent, so the gateway
// holds requests back instead of earning a ban:
//   - may_send(now, weight) is false while a Retry-After runs, and when the request would take the
//     minute's use above `limit - reserve` (the reserve keeps room for cancels: may_cancel may
//     use it); wait_for says how long until a request may go;
//   - the venue's count resets at the minute boundary (Binance's window is the calendar minute).
//
//   request_weight w(2400, 200);
//   if (!w.may_send(now, 1)) hold();
//   w.on_response(now, 200, headers.used_weight_1m, headers.retry_after);   // texts as received
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace mmbot::venue::binance {

inline constexpr std::string_view header_used_weight_1m = "X-MBX-USED-WEIGHT-1M";
inline constexpr std::string_view header_retry_after = "Retry-After";

/// A non-negative integer header value ("1187"); error binance_bad_value naming the header.
[[nodiscard]] inline core::result<std::uint32_t> parse_header_count(std::string_view header,
                                                                    std::string_view text) {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return core::make_error(errc::bad_value,
                                fmt::format("{}: \"{}\" is not a non-negative integer", header,
                                            text.substr(0, 32)));
    }
    return v;
}

class request_weight {
public:
    using clock_ns = std::chrono::nanoseconds;

    request_weight(std::uint32_t limit, std::uint32_t reserve) : limit_(limit), reserve_(reserve) {}

    /// Whether a request of `weight` may go now.
    [[nodiscard]] bool may_send(clock_ns now, std::uint32_t weight) const noexcept {
        if (now < blocked_until_) return false;
        const std::uint32_t used = minute_of(now) == minute_ ? used_ : 0;
        return used + weight + reserve_ <= limit_;
    }

    /// After an answer: the venue's count (header text, empty when absent) and, on 429/418, the
    /// Retry-After seconds. Errors: binance_bad_value for a malformed header (nothing changes).
    [[nodiscard]] core::result<void> on_response(clock_ns now, int http_status,
                                                 std::string_view used_weight_1m,
                                                 std::string_view retry_after) {
        if (!used_weight_1m.empty()) {
            auto used = parse_header_count(header_used_weight_1m, used_weight_1m);
            if (!used) return used.error();
            minute_ = minute_of(now);
            used_ = *used;
        }
        if (http_status == 429 || http_status == 418) {
            std::uint32_t seconds = http_status == 418 ? 120U : 60U;  // when the header is absent
            if (!retry_after.empty()) {
                auto s = parse_header_count(header_retry_after, retry_after);
                if (!s) return s.error();
                seconds = *s;
            }
            blocked_until_ = now + std::chrono::seconds{seconds};
        }
        return {};
    }

    /// A cancel may also use the reserve: only the venue's limit and a running Retry-After hold it.
    [[nodiscard]] bool may_cancel(clock_ns now, std::uint32_t weight) const noexcept {
        if (now < blocked_until_) return false;
        const std::uint32_t used = minute_of(now) == minute_ ? used_ : 0;
        return used + weight <= limit_;
    }

    /// How long from `now` before a request of `weight` (a cancel: `cancel`) may go; 0 when it may.
    [[nodiscard]] clock_ns wait_for(clock_ns now, std::uint32_t weight, bool cancel) const noexcept {
        if (cancel ? may_cancel(now, weight) : may_send(now, weight)) return clock_ns{0};
        if (now < blocked_until_) return blocked_until_ - now;
        // Over the minute's budget: the venue's count starts again at the next calendar minute.
        const auto next_minute = std::chrono::duration_cast<clock_ns>(std::chrono::minutes{minute_of(now) + 1});
        return next_minute - now;
    }

    [[nodiscard]] std::uint32_t used() const noexcept { return used_; }
    [[nodiscard]] clock_ns blocked_until() const noexcept { return blocked_until_; }

private:
    [[nodiscard]] static std::int64_t minute_of(clock_ns t) noexcept {
        return std::chrono::duration_cast<std::chrono::minutes>(t).count();
    }

    std::uint32_t limit_;
    std::uint32_t reserve_;
    std::int64_t minute_{-1};
    std::uint32_t used_{0};
    clock_ns blocked_until_{0};
};

}  // namespace mmbot::venue::binance
