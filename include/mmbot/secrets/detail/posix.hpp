// mmbot/secrets/detail/posix.hpp
//
// Small POSIX helpers for the file and command backends: an owning file descriptor, errno as text,
// and reading a descriptor to the end with a size limit into wiped memory.
//
//   detail::unique_fd fd{::open(path, O_RDONLY | O_CLOEXEC)};
//   if (!fd) return errno_text();
#pragma once

#include "mmbot/secrets/detail/wipe.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <system_error>
#include <utility>

namespace mmbot::secrets::detail {

/// Owns one file descriptor; closes it on destruction.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    ~unique_fd() { reset(); }

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Closes now; returns false when close() reports an error (a write-back that may be lost).
    bool reset(int fd = -1) noexcept {
        bool ok = true;
        if (fd_ >= 0) ok = ::close(fd_) == 0;
        fd_ = fd;
        return ok;
    }

private:
    int fd_ = -1;
};

/// errno as text ("No such file or directory"), read right after the failing call.
[[nodiscard]] inline std::string errno_text(int err = errno) {
    return std::error_code(err, std::generic_category()).message();
}

/// A stack buffer for read(2) that is wiped on every way out of the scope that owns it.
struct read_chunk {
    char data[4096]{};
    read_chunk() = default;
    read_chunk(const read_chunk&) = delete;
    read_chunk& operator=(const read_chunk&) = delete;
    read_chunk(read_chunk&&) = delete;
    read_chunk& operator=(read_chunk&&) = delete;
    ~read_chunk() { wipe(data, sizeof data); }
};

/// Result of reading a descriptor to its end.
enum class read_status { ok, too_large, failed };

/// Appends everything readable from `fd` to `out`, stopping with too_large past `limit` bytes.
/// Retries on EINTR; `failed` leaves errno set.
[[nodiscard]] inline read_status read_all(int fd, wiped_string& out, std::size_t limit) {
    read_chunk chunk;
    for (;;) {
        const ssize_t n = ::read(fd, chunk.data, sizeof chunk.data);
        if (n < 0) {
            if (errno == EINTR) continue;
            return read_status::failed;
        }
        if (n == 0) return read_status::ok;
        const auto got = static_cast<std::size_t>(n);
        if (out.size() + got > limit) return read_status::too_large;
        out.append(chunk.data, got);
    }
}

}  // namespace mmbot::secrets::detail
