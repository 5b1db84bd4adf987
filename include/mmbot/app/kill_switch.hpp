// mmbot/app/kill_switch.hpp
//
// The operator's kill switch: freeze and cancel every order, now. Two ways to pull it, both
// polled by the main loop once per turn:
//   - SIGUSR1 (`kill -USR1 <pid>`), seen on the next turn (an atomic load);
//   - a file appearing at --kill-switch-file PATH (`touch PATH`), for operators and supervisors
//     that cannot signal the process (another container, a shared volume). stat() costs about a
//     microsecond, so the file is looked at no more than once per `file_poll` of wall time
//     (1 ms by default): a touched file is seen within 1 ms plus one loop turn.
// The freeze it causes is sticky (its reason is risk::release::operator_only: risk::monitor never
// cools it down): the bot quotes again only
// after an operator unfreeze, and only once the file is gone. docs/README_EXECUTION.md.
//
//   mmbot::app::kill_switch ks{opts.kill_switch_file};
//   if (auto why = ks.poll()) loop.freeze(*why, now);   // "kill_switch_signal" / "kill_switch_file"
#pragma once

#include "mmbot/app/signals.hpp"
#include "mmbot/risk/freeze_reason.hpp"

#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::app {

/// Freeze reasons the kill switch reports: operator_only, so risk::monitor never cools them down.
inline constexpr risk::freeze_reason kill_switch_signal_reason{"kill_switch_signal",
                                                               risk::release::operator_only};
inline constexpr risk::freeze_reason kill_switch_file_reason{"kill_switch_file",
                                                             risk::release::operator_only};

class kill_switch {
public:
    using clock = std::chrono::steady_clock;

    explicit kill_switch(std::string file_path,
                         std::chrono::nanoseconds file_poll = std::chrono::milliseconds(1))
        : path_(std::move(file_path)), file_poll_(file_poll) {}

    /// The reason to freeze for, once per pull: the signal each time it is sent, the file when it
    /// appears (again after it has been removed).
    [[nodiscard]] std::optional<risk::freeze_reason> poll() {
        if (take_kill_request()) return kill_switch_signal_reason;
        if (path_.empty()) return std::nullopt;
        const auto now = clock::now();
        if (now - last_stat_ < file_poll_) return std::nullopt;
        last_stat_ = now;
        struct stat st {};
        const bool present = ::stat(path_.c_str(), &st) == 0;
        const bool pulled = present && !file_seen_;
        file_seen_ = present;
        if (pulled) return kill_switch_file_reason;
        return std::nullopt;
    }

    /// True while the kill-switch file exists (as of the last poll).
    [[nodiscard]] bool file_present() const noexcept { return file_seen_; }
    [[nodiscard]] const std::string& file_path() const noexcept { return path_; }

private:
    std::string path_;
    std::chrono::nanoseconds file_poll_;
    clock::time_point last_stat_{};
    bool file_seen_{false};
};

}  // namespace mmbot::app
