// mmbot/feed/capture_file.hpp
//
// A recorded capture opened for replay: a read-only POSIX file behind a std::streambuf, so
// replay_reader reads it like any istream, but a failed read(2) is remembered with its errno
// instead of looking like the end of the file (std::ifstream reports EISDIR, EIO or ENOMEM as a
// plain EOF, and a replay that stopped there exited 0 having skipped the rest).
//
//   mmbot::feed::capture_file file;
//   if (auto ok = file.open(path); !ok) return fail(ok.error());   // names the path and strerror
//   mmbot::feed::replay_reader replay(file);
//   while (replay.next(ev)) ...
//   if (replay.error()) ...   // a read error or an over-long line, never a silent EOF
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <istream>
#include <streambuf>
#include <string>
#include <system_error>

namespace mmbot::feed {

class capture_file : public std::streambuf {
public:
    capture_file() = default;
    capture_file(const capture_file&) = delete;
    capture_file& operator=(const capture_file&) = delete;
    capture_file(capture_file&&) = delete;
    capture_file& operator=(capture_file&&) = delete;
    ~capture_file() override {
        if (fd_ >= 0) ::close(fd_);
    }

    /// Opens `path` for reading. Error "feed_unreadable": `cannot open "PATH": <strerror>`.
    [[nodiscard]] core::result<void> open(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // NOLINT(cppcoreguidelines-pro-type-vararg)
        if (fd_ < 0) {
            return core::make_error(errc::unreadable, fmt::format("cannot open \"{}\": {}", path,
                                                                   std::system_category().message(errno)));
        }
        path_ = path;
        return {};
    }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// The errno of the read that failed, 0 while every read has succeeded.
    [[nodiscard]] int read_errno() const noexcept { return errno_; }
    /// The stream replay_reader reads.
    [[nodiscard]] std::istream& stream() noexcept { return stream_; }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (fd_ < 0 || errno_ != 0) return traits_type::eof();
        ssize_t n = 0;
        do {
            n = ::read(fd_, buf_.data(), buf_.size());
        } while (n < 0 && errno == EINTR);
        if (n < 0) errno_ = errno;
        if (n <= 0) return traits_type::eof();
        setg(buf_.data(), buf_.data(), buf_.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    int fd_{-1};
    int errno_{0};
    std::string path_;
    std::array<char, std::size_t{64} * 1024> buf_{};
    std::istream stream_{this};
};

}  // namespace mmbot::feed
