// mmbot/app/control/client.hpp
//
// mmbot-ctl's end of the control protocol (request.hpp): send one request line, read the bot's one
// JSON reply. A bot that is not there, does not answer within the timeout, or answers something
// that is not a protocol reply is errc::control_unreachable; a reply with "ok": false carries the
// bot's own error code and message (control_refused, control_request, invalid_reload, ...).
//
//   auto reply = ask("/run/mmbot/btc.ctl", request{action::status}, 2s);
//   if (reply) print(reply->at("state"));
#pragma once

#include "mmbot/app/control/request.hpp"
#include "mmbot/app/control/unix_socket.hpp"
#include "mmbot/core/enum_parse.hpp"

#include <sys/socket.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace mmbot::app::control {

/// A reply's error, as the bot named it.
struct bot_refusal {
    core::error_code code;  ///< the app::errc the bot named (control_refused for one it did not)
    std::string label;      ///< as sent: "control_refused", "invalid_reload", ...
    std::string message;
};

/// The app::errc whose label is `label`, else control_refused (a newer bot's code).
[[nodiscard]] inline core::error_code app_code_named(std::string_view label) {
    return core::enum_from_label<errc>(label).value_or(errc::control_refused);
}

/// What a request came back with: the reply object (ok true) or the bot's refusal.
struct answer {
    boost::json::object reply;
    std::optional<bot_refusal> refusal;
};

namespace detail {

/// Upper bound on a reply: a status of a few hundred symbols with their orders fits easily.
inline constexpr std::size_t max_reply_bytes = std::size_t{16} << 20;

[[nodiscard]] inline core::error unreachable(const std::string& path, std::string_view what) {
    return core::make_error(errc::control_unreachable, fmt::format("control socket \"{}\": {}", path, what));
}

[[nodiscard]] inline core::result<std::string> read_reply(int fd, const std::string& path) {
    std::string in;
    char buf[4096];
    while (in.find('\n') == std::string::npos) {
        const ::ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            in.append(buf, static_cast<std::size_t>(n));
            if (in.size() > max_reply_bytes) return unreachable(path, "reply too long");
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return unreachable(path, "no reply within the timeout");
        return unreachable(path, n == 0 ? "the bot closed the connection without a reply"
                                        : fmt::format("read: {}", os_reason(errno)));
    }
    in.resize(in.find('\n'));
    return in;
}

}  // namespace detail

/// Sends `req` to the bot at `path` and reads its reply.
[[nodiscard]] inline core::result<answer> ask(const std::string& path, const request& req,
                                              std::chrono::milliseconds timeout) {
    auto fd = connect_unix(path, timeout);
    if (!fd) return fd.error();
    const std::string line = req.to_line() + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
        const ::ssize_t n = ::send(fd->get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return detail::unreachable(path, fmt::format("write: {}", detail::os_reason(errno)));
        sent += static_cast<std::size_t>(n);
    }
    auto text = detail::read_reply(fd->get(), path);
    if (!text) return text.error();
    boost::system::error_code ec;
    auto parsed = boost::json::parse(*text, ec);
    if (ec || !parsed.is_object() || !parsed.as_object().contains("ok") || !parsed.at("ok").is_bool()) {
        return detail::unreachable(path, "the reply is not a control-protocol reply");
    }
    answer out{std::move(parsed.as_object()), std::nullopt};
    if (!out.reply.at("ok").as_bool()) {
        const auto text_of = [&](std::string_view key) {
            const auto* v = out.reply.if_contains(key);
            return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string("?");
        };
        const std::string label = text_of("error");
        out.refusal = bot_refusal{app_code_named(label), label, text_of("message")};
    }
    return out;
}

}  // namespace mmbot::app::control
