// mmbot/app/control/server.hpp
//
// The bot's end of the control socket, polled by the main loop between events and never blocking
// it: new connections are accepted, bytes that have arrived are read, a complete request line is
// handed to the handler on the loop's own thread (so an action touches the engine exactly as a
// market-data event does), and the reply is written as the socket takes it. A client that sends
// no complete line within `request_timeout`, or more than max_request_bytes, is answered with an
// error and dropped; at most `max_connections` are open at once.
//
//   auto server = control_server::open("/run/mmbot/btc.ctl");
//   server->poll([&](std::string_view line, std::optional<uid_t> uid) { return reply_json; }, now);
//
// The socket file is removed when the server goes (if it is still the one it created).
#pragma once

#include "mmbot/app/control/request.hpp"
#include "mmbot/app/control/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app::control {

class control_server {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::size_t max_connections = 8;
    static constexpr std::chrono::seconds request_timeout{2};

    /// Listens at `path` (unix_socket.hpp's listen_unix).
    [[nodiscard]] static core::result<control_server> open(std::string path) {
        auto fd = listen_unix(path);
        if (!fd) return fd.error();
        struct stat st {};
        const auto inode = ::stat(path.c_str(), &st) == 0 ? st.st_ino : ::ino_t{0};
        return control_server(std::move(path), std::move(*fd), inode);
    }

    control_server(control_server&&) noexcept = default;
    control_server& operator=(control_server&&) noexcept = delete;
    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;
    ~control_server() {
        if (!listener_.valid()) return;  // moved from
        struct stat st {};
        if (::stat(path_.c_str(), &st) == 0 && st.st_ino == inode_) ::unlink(path_.c_str());
    }

    /// One look at the socket: accept, read, answer. `handle(line, uid)` returns the reply line
    /// (without LF) for a complete request.
    template <class Handler>
    void poll(Handler&& handle, clock::time_point now = clock::now()) {
        accept_new(now);
        for (auto& c : open_) {
            if (c.reply.empty()) read_request(c, handle, now);
            if (!c.reply.empty()) write_reply(c);
            // A client that does not read its reply does not hold a slot either.
            if (now >= c.deadline + request_timeout) c.done = true;
        }
        std::erase_if(open_, [](const connection& c) { return c.done; });
    }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    struct connection {
        core::unique_fd fd;
        std::optional<::uid_t> uid;
        clock::time_point deadline;
        std::string in;
        std::string reply;
        std::size_t written = 0;
        bool done = false;
    };

    control_server(std::string path, core::unique_fd listener, ::ino_t inode)
        : path_(std::move(path)), listener_(std::move(listener)), inode_(inode) {}

    void accept_new(clock::time_point now) {
        while (open_.size() < max_connections) {
            core::unique_fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (!fd.valid()) return;  // EAGAIN: nobody waiting (or a transient error: next turn)
            const auto uid = peer_uid(fd.get());
            open_.push_back(connection{std::move(fd), uid, now + request_timeout, {}, {}, 0, false});
        }
    }

    template <class Handler>
    void read_request(connection& c, Handler& handle, clock::time_point now) {
        char buf[512];
        for (;;) {
            const ::ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                if (c.in.find('\n') != std::string::npos || c.in.size() > max_request_bytes) break;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            c.done = true;  // closed by the client before a whole line, or an error
            return;
        }
        const auto nl = c.in.find('\n');
        if (nl == std::string::npos && c.in.size() <= max_request_bytes) {
            if (now >= c.deadline) c.done = true;  // a silent client does not hold a slot
            return;
        }
        const std::string_view line = std::string_view(c.in).substr(0, nl == std::string::npos ? c.in.size() : nl);
        c.reply = handle(line, c.uid);
        c.reply += '\n';
    }

    static void write_reply(connection& c) {
        while (c.written < c.reply.size()) {
            const ::ssize_t n = ::send(c.fd.get(), c.reply.data() + c.written, c.reply.size() - c.written,
                                       MSG_NOSIGNAL);
            if (n > 0) {
                c.written += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // the rest next turn
            break;  // the client went away
        }
        c.done = true;
    }

    std::string path_;
    core::unique_fd listener_;
    ::ino_t inode_;
    std::vector<connection> open_;
};

}  // namespace mmbot::app::control
