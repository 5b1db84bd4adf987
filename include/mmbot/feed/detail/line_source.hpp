// mmbot/feed/detail/line_source.hpp
//
// The line reading every capture reader shares (Bybit's feed/replay.hpp, Binance's
// feed/binance/replay.hpp): one line at a time, bulk reads with a bound on what one line may take,
// and a failed read told apart from the end of the file. Two faults end the input, because what
// follows them cannot be read: a line longer than `max_line_bytes` ("feed_line_too_long") and a
// failed read ("feed_read_error", needs a capture_file, which keeps the errno a plain istream turns
// into EOF). Both name the line's number.
//
//   detail::line_source lines(in, file, max_line_bytes);
//   while (lines.next()) use(trim_line(lines.line()));
//   if (lines.error()) ...;   // else a clean end of input
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/feed/capture_file.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::feed::detail {

class line_source {
public:
    /// `file`: the capture_file behind `in`, for its read errors (may be null: a plain stream).
    line_source(std::istream& in, const capture_file* file, std::size_t max_line_bytes)
        : in_(in), file_(file), max_line_bytes_(max_line_bytes) {}

    /// Reads the next line (without its '\n') into line(); false at the end of input or on a
    /// fault (error() set). A last line without '\n' still counts.
    [[nodiscard]] bool next() {
        line_.clear();
        if (error_) return false;
        const std::uint64_t number = lines_ + 1;
        bool any = false;
        for (;;) {
            // A chunk that fills sets failbit without end of file: the line goes on.
            in_.getline(chunk_.data(), static_cast<std::streamsize>(chunk_.size()), '\n');
            const auto got = static_cast<std::size_t>(in_.gcount());
            const bool ended_by_newline = !in_.fail() && !in_.eof();
            const bool chunk_full = in_.fail() && !in_.eof();
            line_.append(chunk_.data(), ended_by_newline ? got - 1 : got);
            any = any || got > 0;
            if (line_.size() > max_line_bytes_) {
                error_ = core::make_error(errc::line_too_long, fmt::format("line {}: longer than the maximum of {} bytes",
                                                                           number, max_line_bytes_));
                line_.clear();
                return false;
            }
            if (ended_by_newline) break;
            if (!chunk_full) {  // end of input
                if (file_ != nullptr && !file_->read_error().empty()) {
                    error_ = core::make_error(errc::read_error,
                                              fmt::format("line {}: read failed: {}", number, file_->read_error()));
                    return false;
                }
                if (!any) return false;
                break;
            }
            in_.clear();
        }
        ++lines_;
        return true;
    }

    [[nodiscard]] std::string_view line() const noexcept { return line_; }
    /// Lines read so far, blank ones included.
    [[nodiscard]] std::uint64_t lines() const noexcept { return lines_; }
    /// Why the input ended early; empty after a clean end.
    [[nodiscard]] const std::optional<core::error>& error() const noexcept { return error_; }

private:
    std::istream& in_;
    const capture_file* file_;
    std::size_t max_line_bytes_;
    std::string line_;
    /// What one istream::getline call reads at most (next() appends it to line_).
    std::array<char, 4096> chunk_{};
    std::uint64_t lines_{0};
    std::optional<core::error> error_;
};

/// A line without the blanks around it (spaces, tabs, a '\r' before the newline).
[[nodiscard]] inline std::string_view trim_line(std::string_view text) noexcept {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    text.remove_prefix(std::min(text.find_first_not_of(" \t"), text.size()));
    return text;
}

}  // namespace mmbot::feed::detail
