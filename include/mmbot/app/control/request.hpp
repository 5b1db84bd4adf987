// mmbot/app/control/request.hpp
//
// The control protocol, both ends: mmbot-ctl sends one line, the bot answers one JSON line and
// closes the connection.
//
//   request  = action *(" " option) LF          at most max_request_bytes, printable ASCII
//   action   = "status" | "freeze" | "unfreeze" | "cancel-all" | "reload" | "kill"
//   option   = "--force"                        unfreeze only: even while the breaking
//                                               condition still holds
//            | "--reason " word                 freeze and kill: the operator's note, 1-64 of
//                                               [A-Za-z0-9_.:-], kept in the log and journal
//   reply    = {"ok":true,"action":...,...} | {"ok":false,"action":...,"error":<code>,"message":...}
//
// A line the bot cannot read gets errc::control_request naming the word; nothing is done.
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app::control {

/// What an operator can do to a running bot.
enum class action : std::uint8_t {
    status,      ///< read only: state, positions, orders, PnL, freeze, risk headroom
    freeze,      ///< freeze + cancel-all; only an operator's unfreeze ends it
    unfreeze,    ///< leave FREEZE and quote again, refused while the breaking condition holds
    cancel_all,  ///< cancel every open order; the bot keeps quoting unless frozen
    reload,      ///< read the config file again (as SIGHUP does)
    kill,        ///< the kill switch: freeze + cancel-all, as SIGUSR1 or the kill-switch file
};

inline constexpr std::size_t max_request_bytes = 1024;
inline constexpr std::size_t max_reason_bytes = 64;

/// The label in metrics and logs ("cancel_all").
[[nodiscard]] constexpr std::string_view to_string(action a) noexcept { return core::enum_label(a); }

/// The word on the command line and the wire ("cancel-all").
[[nodiscard]] inline std::string command_word(action a) {
    std::string w(to_string(a));
    for (char& c : w) {
        if (c == '_') c = '-';
    }
    return w;
}

struct request {
    control::action act = action::status;
    bool force = false;
    std::string reason;

    /// The wire line (without LF).
    [[nodiscard]] std::string to_line() const {
        std::string line = command_word(act);
        if (force) line += " --force";
        if (!reason.empty()) line += " --reason " + reason;
        return line;
    }
};

namespace detail {

[[nodiscard]] inline core::error request_error(std::string what) {
    return core::make_error(errc::control_request, std::move(what));
}

[[nodiscard]] inline bool reason_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
}

[[nodiscard]] inline std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    while (!line.empty()) {
        const auto sp = line.find(' ');
        words.push_back(line.substr(0, sp));
        if (sp == std::string_view::npos) break;
        line.remove_prefix(sp + 1);
    }
    return words;
}

}  // namespace detail

/// The action named by `word` ("cancel-all"), if any.
[[nodiscard]] inline std::optional<action> parse_action(std::string_view word) {
    for (std::size_t i = 0; i < core::enumerator_count<action>; ++i) {
        const auto a = static_cast<action>(i);
        if (word == command_word(a)) return a;
    }
    return std::nullopt;
}

/// Checks an operator's reason word (1-64 of [A-Za-z0-9_.:-]).
[[nodiscard]] inline core::result<void> check_reason(std::string_view reason) {
    bool ok = !reason.empty() && reason.size() <= max_reason_bytes;
    for (const char c : reason) ok = ok && detail::reason_char(c);
    if (!ok) {
        return detail::request_error(fmt::format(
            "--reason: expected 1-{} of [A-Za-z0-9_.:-], got \"{}\"", max_reason_bytes,
            reason.substr(0, max_reason_bytes)));
    }
    return {};
}

/// Reads one request line (its LF already removed).
[[nodiscard]] inline core::result<request> parse_request(std::string_view line) {
    if (line.size() > max_request_bytes) {
        return detail::request_error(fmt::format("request longer than {} bytes", max_request_bytes));
    }
    for (const char c : line) {
        if (c < ' ' || c > '~') {
            return detail::request_error(fmt::format("request holds a non-printable byte 0x{:02x}",
                                                     static_cast<unsigned char>(c)));
        }
    }
    const auto words = detail::words_of(line);
    if (words.empty() || words.front().empty()) return detail::request_error("empty request");
    const auto act = parse_action(words.front());
    if (!act) {
        return detail::request_error(fmt::format(
            "unknown action \"{}\" (expected status, freeze, unfreeze, cancel-all, reload or kill)",
            words.front().substr(0, 32)));
    }
    request r{*act, false, {}};
    for (std::size_t i = 1; i < words.size(); ++i) {
        const auto w = words[i];
        if (w == "--force" && *act == action::unfreeze && !r.force) {
            r.force = true;
        } else if (w == "--reason" && (*act == action::freeze || *act == action::kill) && r.reason.empty()) {
            if (++i == words.size()) return detail::request_error("--reason: missing value");
            if (auto ok = check_reason(words[i]); !ok) return ok.error();
            r.reason = std::string(words[i]);
        } else {
            return detail::request_error(fmt::format("{}: unexpected \"{}\"", command_word(*act), w.substr(0, 32)));
        }
    }
    return r;
}

}  // namespace mmbot::app::control
