// mmbot/app/control/unix_socket.hpp
//
// The control socket's plumbing: a Unix-domain stream socket at a path, owned by the bot's user
// and no one else (mode 0600), and the client side mmbot-ctl uses.
//
// sun_path holds 107 bytes; a deeper path (a test's scratch directory) is reached through
// /proc/self/fd/<dir>/<name> with the parent directory held open, so any path whose last component
// fits works. Opening the socket replaces a stale one (a bot that died left it behind: nothing
// accepts on it) and refuses a live one (another process answers on it) or anything that is not a
// socket.
//
//   auto fd = listen_unix("/run/mmbot/btc.ctl");      // non-blocking listener, 0600
//   auto c = connect_unix("/run/mmbot/btc.ctl", 2s);  // mmbot-ctl: blocking, with timeouts
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/unique_fd.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::app::control {

/// A sockaddr_un for a path, and the parent directory it goes through when the path is too long.
struct unix_address {
    sockaddr_un addr{};
    socklen_t length = 0;
    core::unique_fd directory;  ///< held while `addr` names /proc/self/fd/<it>/...
};

namespace detail {

[[nodiscard]] inline std::string os_reason(int err) {
    return fmt::format("{} (errno {})", std::system_category().message(err), err);
}

[[nodiscard]] inline core::error socket_error(errc code, std::string_view path, std::string_view what) {
    return core::make_error(code, fmt::format("control socket \"{}\": {}", path, what));
}

[[nodiscard]] inline bool fill(sockaddr_un& a, std::string_view p) {
    if (p.size() + 1 > sizeof(a.sun_path)) return false;
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, p.data(), p.size());
    a.sun_path[p.size()] = '\0';
    return true;
}

/// A connected (or failed) attempt on `a`: the socket, or errno.
struct attempt {
    core::unique_fd fd;
    int err = 0;
};
/// Connects with `timeout` on the connect itself too (Linux applies SO_SNDTIMEO to a Unix
/// connect): a listener whose backlog is full, a wedged bot, never hangs the caller.
[[nodiscard]] inline attempt try_connect(const unix_address& a, std::chrono::milliseconds timeout) {
    attempt out{core::unique_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)), 0};
    if (!out.fd.valid()) {
        out.err = errno;
        return out;
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(out.fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(out.fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc = 0;
    do {
        rc = ::connect(out.fd.get(), reinterpret_cast<const sockaddr*>(&a.addr), a.length);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        out.err = errno;
        out.fd.reset();
    }
    return out;
}

}  // namespace detail

/// The address of `path` (`code` names the failure in the caller's terms).
[[nodiscard]] inline core::result<unix_address> address_of(const std::string& path, errc code) {
    unix_address out;
    if (path.empty()) return detail::socket_error(code, path, "empty path");
    if (detail::fill(out.addr, path)) {
        out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
        return out;
    }
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    out.directory = core::unique_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!out.directory.valid()) {
        return detail::socket_error(code, path, fmt::format("directory: {}", detail::os_reason(errno)));
    }
    const std::string via = fmt::format("/proc/self/fd/{}/{}", out.directory.get(), name);
    if (!detail::fill(out.addr, via)) {
        return detail::socket_error(
            code, path, fmt::format("file name longer than {} bytes", sizeof(out.addr.sun_path) - 24));
    }
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + via.size() + 1);
    return out;
}

/// A non-blocking listening socket at `path`, mode 0600. A stale socket there is replaced; a live
/// one, or a file that is not a socket, is refused (errc::control_socket).
[[nodiscard]] inline core::result<core::unique_fd> listen_unix(const std::string& path) {
    auto addr = address_of(path, errc::control_socket);
    if (!addr) return addr.error();
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return detail::socket_error(errc::control_socket, path,
                                        "exists and is not a socket; refusing to replace it");
        }
        const auto probe = detail::try_connect(*addr, std::chrono::milliseconds(1000));
        if (probe.fd.valid()) {
            return detail::socket_error(errc::control_socket, path,
                                        "another process answers on it (another bot?); refusing to take it over");
        }
        // Only "connection refused" proves nobody listens; a permission error or a timeout may be
        // another user's live bot, whose socket is not ours to remove.
        if (probe.err != ECONNREFUSED) {
            return detail::socket_error(errc::control_socket, path,
                                        fmt::format("a socket is there and cannot be probed ({}); refusing to replace it",
                                                    detail::os_reason(probe.err)));
        }
        ::unlink(path.c_str());  // stale: its bot is gone
    }
    core::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return detail::socket_error(errc::control_socket, path, detail::os_reason(errno));
    // The socket file is created 0600: no other user may connect, even for the instant before a
    // chmod could run. umask is process-wide, so this runs at start, before any thread exists
    // that creates files.
    const ::mode_t old_mask = ::umask(0177);
    const int bound = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr->addr), addr->length);
    const int bind_err = errno;
    ::umask(old_mask);
    if (bound != 0) {
        return detail::socket_error(errc::control_socket, path, fmt::format("bind: {}", detail::os_reason(bind_err)));
    }
    if (::listen(fd.get(), 8) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        return detail::socket_error(errc::control_socket, path, fmt::format("listen: {}", detail::os_reason(err)));
    }
    return fd;
}

/// A blocking connection to the bot at `path`; reads and writes give up after `timeout`
/// (errc::control_unreachable when nothing answers there).
[[nodiscard]] inline core::result<core::unique_fd> connect_unix(const std::string& path,
                                                                std::chrono::milliseconds timeout) {
    auto addr = address_of(path, errc::control_unreachable);
    if (!addr) return addr.error();
    auto a = detail::try_connect(*addr, timeout);
    if (!a.fd.valid()) {
        const std::string why = a.err == ENOENT         ? "no such socket (is the bot running? --socket PATH)"
                                : a.err == ECONNREFUSED ? "nothing accepts on it (the bot has stopped)"
                                                        : detail::os_reason(a.err);
        return detail::socket_error(errc::control_unreachable, path, why);
    }
    return std::move(a.fd);
}

/// The user id of the process at the other end of a connected Unix socket.
[[nodiscard]] inline std::optional<::uid_t> peer_uid(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
    return cred.uid;
}

}  // namespace mmbot::app::control
