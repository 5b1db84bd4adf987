// mmbot/feed/capture_file.hpp
//
// A recorded capture opened for replay: a read-only POSIX file behind a std::streambuf, so
// replay_reader reads it like any istream, but a failed read(2) is remembered with its errno
// instead of looking like the end of the file (std::ifstream reports EISDIR, EIO or ENOMEM as a
// plain EOF, and a replay that stopped there exited 0 having skipped the rest).
//
// Compressed captures are read directly: a file that starts with gzip's magic bytes (1f 8b, what
// --record writes, feed/capture_recorder.hpp) is inflated on the fly, member after member (a
// `cat a.gz b.gz` file is one capture). Detection is by content, never by the name. A gzip stream
// that stops short of its end (the recorder's process died: it flushes at least once a second) is
// the end of the capture, not an error: everything up to the last flush reads normally and
// truncated() says so. Corrupt compressed data is a read error ("gzip: invalid ...").
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
#include <zlib.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>
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
        if (gz_) inflateEnd(&gz_->z);
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
    /// The errno of the read that failed, 0 while every read has succeeded (and for a gzip fault).
    [[nodiscard]] int read_errno() const noexcept { return errno_; }
    /// Why reading stopped early: the OS reason of a failed read, or the gzip fault; "" if none.
    [[nodiscard]] std::string read_error() const {
        if (errno_ != 0) return std::system_category().message(errno_);
        return gz_error_;
    }
    /// True when the file is gzip-compressed (known after the first read).
    [[nodiscard]] bool compressed() const noexcept { return gz_ != nullptr; }
    /// A compressed capture whose last gzip member stopped short of its end (a recorder that died).
    [[nodiscard]] bool truncated() const noexcept { return truncated_; }
    /// The stream replay_reader reads.
    [[nodiscard]] std::istream& stream() noexcept { return stream_; }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (fd_ < 0 || failed()) return traits_type::eof();
        if (!sniffed_ && !sniff()) return traits_type::eof();
        const std::size_t n = gz_ ? inflate_some() : raw_.take(buf_.data(), buf_.size(), fd_, errno_);
        if (n == 0) return traits_type::eof();
        setg(buf_.data(), buf_.data(), buf_.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    static constexpr std::size_t chunk = std::size_t{64} * 1024;

    /// Raw bytes of the file: what the first read brought (kept for the sniff), then read(2).
    struct raw_reader {
        std::array<char, chunk> in{};
        std::size_t begin = 0, end = 0;
        bool eof = false;
        /// Refills `in` when it is empty; false at the end of the file or on a failed read.
        bool fill(int fd, int& err) {
            if (begin < end) return true;
            if (eof) return false;
            ssize_t n = 0;
            do {
                n = ::read(fd, in.data(), in.size());
            } while (n < 0 && errno == EINTR);
            if (n < 0) err = errno;
            if (n <= 0) {
                eof = true;
                return false;
            }
            begin = 0;
            end = static_cast<std::size_t>(n);
            return true;
        }
        /// Copies up to `max` bytes to `out`; 0 at the end or on a failed read.
        std::size_t take(char* out, std::size_t max, int fd, int& err) {
            if (!fill(fd, err)) return 0;
            const std::size_t n = std::min(max, end - begin);
            std::memcpy(out, in.data() + begin, n);
            begin += n;
            return n;
        }
    };

    struct gzip_state {
        z_stream z{};
    };

    [[nodiscard]] bool failed() const noexcept { return errno_ != 0 || !gz_error_.empty(); }

    /// Looks at the first bytes: gzip's magic switches to inflating. False on an empty file or a
    /// failed first read.
    bool sniff() {
        sniffed_ = true;
        if (!raw_.fill(fd_, errno_)) return false;
        // A one-byte first read cannot show both magic bytes; captures are never that short.
        if (raw_.end - raw_.begin >= 2 && static_cast<unsigned char>(raw_.in[raw_.begin]) == 0x1FU &&
            static_cast<unsigned char>(raw_.in[raw_.begin + 1]) == 0x8BU) {
            gz_ = std::make_unique<gzip_state>();
            // 15 + 16: a gzip wrapper (not zlib, not raw deflate), the largest window.
            if (inflateInit2(&gz_->z, 15 + 16) != Z_OK) {
                gz_error_ = "gzip: cannot initialise zlib";
                return false;
            }
        }
        return true;
    }

    /// Inflates into buf_; the number of bytes produced, 0 at the end or on a fault.
    std::size_t inflate_some() {
        z_stream& z = gz_->z;
        z.next_out = reinterpret_cast<Bytef*>(buf_.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        z.avail_out = static_cast<uInt>(buf_.size());
        while (z.avail_out == buf_.size()) {
            if (!raw_.fill(fd_, errno_)) {
                // The input ended inside a member: the writer stopped mid-stream (a crash). What
                // it flushed has been produced; the rest never reached the file.
                if (errno_ == 0 && member_open_) truncated_ = true;
                break;
            }
            z.next_in = reinterpret_cast<Bytef*>(raw_.in.data() + raw_.begin);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
            z.avail_in = static_cast<uInt>(raw_.end - raw_.begin);
            member_open_ = true;
            const int rc = inflate(&z, Z_NO_FLUSH);
            raw_.begin = raw_.end - z.avail_in;
            if (rc == Z_STREAM_END) {
                member_open_ = false;
                inflateReset(&z);  // the next member of a concatenation, if any
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                gz_error_ = fmt::format("gzip: {}", z.msg != nullptr ? z.msg : "corrupt data");
                return 0;
            }
        }
        return buf_.size() - z.avail_out;
    }

    int fd_{-1};
    int errno_{0};
    std::string gz_error_;
    std::string path_;
    bool sniffed_ = false;
    bool member_open_ = false;
    bool truncated_ = false;
    raw_reader raw_;
    std::unique_ptr<gzip_state> gz_;
    std::array<char, chunk> buf_{};
    std::istream stream_{this};
};

}  // namespace mmbot::feed
