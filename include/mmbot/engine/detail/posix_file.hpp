// mmbot/engine/detail/posix_file.hpp
//
// The few POSIX file steps the journal needs, each retried on EINTR and turned into a
// core::error naming the operation, the path and the errno text. ENOSPC (and EDQUOT) get their own
// code, `journal_no_space`, because an operator fixes them differently from a broken disk.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/unique_fd.hpp"
#include "mmbot/engine/errors.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace mmbot::engine::detail {

/// An error for a failed system call, from the current errno.
[[nodiscard]] inline core::error errno_error(std::string_view op, std::string_view path,
                                             int err) {
    const errc code =
        (err == ENOSPC || err == EDQUOT) ? errc::journal_no_space : errc::journal_io;
    // system_category().message, unlike strerror, is safe to call from several threads.
    return core::make_error(code, fmt::format("journal {}: {} failed: {} (errno {})", path, op,
                                              std::system_category().message(err), err));
}

using core::unique_fd;

/// Writes all of `data`, looping over short writes and EINTR.
[[nodiscard]] inline core::result<void> write_all(int fd, std::string_view data,
                                                  std::string_view path) {
    while (!data.empty()) {
        const ::ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("write", path, errno);
        }
        if (n == 0) return errno_error("write", path, EIO);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

/// Reads the whole file from offset 0 (pread, so the append offset is untouched).
[[nodiscard]] inline core::result<std::string> read_all(int fd, std::string_view path) {
    struct ::stat st {};
    if (::fstat(fd, &st) != 0) return errno_error("fstat", path, errno);
    std::string out;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
        const ::ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<::off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("read", path, errno);
        }
        if (n == 0) break;  // shrank underneath us: keep what was read
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    // Implicit conversion is disabled for result<std::string> (error is constructible from a
    // string-like brace list), so name the alternative.
    return core::result<std::string>(boost::system::in_place_value, std::move(out));
}

/// fdatasync: the data and the size reach the disk (mtime may not).
[[nodiscard]] inline core::result<void> sync_data(int fd, std::string_view path) {
    while (::fdatasync(fd) != 0) {
        if (errno != EINTR) return errno_error("fdatasync", path, errno);
    }
    return {};
}

[[nodiscard]] inline core::result<void> truncate_to(int fd, std::uint64_t size,
                                                    std::string_view path) {
    while (::ftruncate(fd, static_cast<::off_t>(size)) != 0) {
        if (errno != EINTR) return errno_error("ftruncate", path, errno);
    }
    return {};
}

/// fsync of a directory, so that a newly created file's name survives power loss.
[[nodiscard]] inline core::result<void> sync_directory(const std::string& dir) {
    const unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno_error("open directory", dir, errno);
    while (::fsync(fd.get()) != 0) {
        if (errno != EINTR) return errno_error("fsync directory", dir, errno);
    }
    return {};
}

/// The pid holding a flock on the file `fd` refers to, read from /proc/locks (Linux); 0 when it
/// cannot be told. Only for error messages: the answer may be stale by the time it is printed.
[[nodiscard]] inline long flock_holder_pid(int fd) {
    struct ::stat st {};
    if (::fstat(fd, &st) != 0) return 0;
    // /proc/locks: "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1050639 0 EOF"; waiters show "->".
    const std::string file_id =
        fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), st.st_ino);
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
        std::istringstream fields(line);
        std::string ordinal, kind, advisory, mode, id;
        long pid = 0;
        if (!(fields >> ordinal >> kind >> advisory >> mode >> pid >> id)) continue;
        if (kind == "FLOCK" && id == file_id) return pid;
    }
    return 0;
}

}  // namespace mmbot::engine::detail
