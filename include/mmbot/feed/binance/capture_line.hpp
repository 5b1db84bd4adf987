// mmbot/feed/binance/capture_line.hpp
//
// The line format of Binance captures (../shared/data/binance, hftbacktest's recorder):
// `<local receive time, ns since the epoch> <one JSON message>`, one message per line. This splits
// a line into its time and its message, and refuses anything else with an error naming the part:
//   "recv_ns: \"12ab\" is not a non-negative integer", "line: no space after the receive time".
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace mmbot::feed::binance {

struct capture_line {
    std::int64_t recv_ns{0};
    std::string_view json;
};

/// Splits one line (without its newline; a trailing '\r' is dropped). Errors: feed_bad_value.
[[nodiscard]] inline core::result<capture_line> split_capture_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space + 1 == line.size()) {
        return core::make_error(errc::bad_value,
                                fmt::format("line: expected \"<recv_ns> <json>\", got \"{}\"",
                                            core::json::cut(line)));
    }
    const std::string_view digits = line.substr(0, space);
    capture_line out;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.recv_ns);
    if (ec != std::errc{} || end != digits.data() + digits.size() || out.recv_ns < 0) {
        return core::make_error(errc::bad_value,
                                fmt::format("recv_ns: \"{}\" is not a non-negative integer",
                                            core::json::cut(digits)));
    }
    out.json = line.substr(space + 1);
    return out;
}

}  // namespace mmbot::feed::binance
