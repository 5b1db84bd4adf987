// mmbot/feed/capture_recorder.hpp
//
// --record DIR: every public frame as received, with its receive time, written to gzip files that
// the replay reads back directly (feed/capture_file.hpp). One line per frame, the "wrapped" form of
// docs/market-data.md:
//
//   {"recv_ts_ns":1786310818131402117,"msg":<the frame's text, byte for byte>}
//
// The trading thread only copies the frame into a bounded single-producer/single-consumer byte
// ring (record(): a memcpy and two atomics, no lock, no allocation, no system call). When the ring
// is full the frame is dropped and counted (frames_dropped, and the metric
// mm_capture_frames_dropped_total): recording never waits, so a slow disk costs recorded frames,
// never trading time. A writer thread drains the ring, compresses (zlib, gzip members), and:
//   flush     Z_SYNC_FLUSH + write(2) at least every `flush_interval` (500 ms): a crash of the
//             process loses at most the last flush interval; what was written reads as a capture
//             whose last gzip member is cut short (capture_file::truncated()).
//   rotate    a new file when the current one holds `max_file_bytes` compressed bytes, and when the
//             UTC hour of the frames changes; names DIR/<prefix>-YYYYMMDDTHHMMSSZ-NNN.jsonl.gz from
//             the first frame's receive time (NNN counts files started in the same second), so a
//             directory listing sorts in time order.
//   close     close() (or the destructor) drains the ring, ends the gzip member, fsyncs.
// A frame holding a line break (no Bybit frame does: they are one-line JSON) has it replaced by a
// space, so one frame stays one line.
//
// A write that fails (disk full) stops the recording: later frames are counted as dropped and
// error() names the file and the OS reason. Trading goes on.
//
//   auto rec = mmbot::feed::capture_recorder::open({.dir = "captures"});
//   if (!rec) return fail(rec.error());
//   feed_options.on_frame = [r = rec->get()](std::int64_t ns, std::string_view f) { r->record(ns, f); };
//   ...
//   (*rec)->close();   // the last frames flushed, the file complete
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace mmbot::feed {

struct recorder_options {
    std::string dir;                   ///< created if missing (one level)
    std::string prefix = "capture";    ///< file names: <prefix>-<UTC start>.jsonl.gz
    /// Rotate after this many compressed bytes (the file may pass it by one flush).
    std::uint64_t max_file_bytes = std::uint64_t{256} << 20U;
    bool rotate_hourly = true;         ///< also rotate when the frames' UTC hour changes
    /// The ring between the trading thread and the writer; a power of two (rounded up).
    std::size_t queue_bytes = std::size_t{16} << 20U;
    std::chrono::milliseconds flush_interval{500};
    int level = 6;                     ///< zlib level: 1 fast .. 9 small
};

/// Totals since open(); read from any thread.
struct recorder_stats {
    std::uint64_t frames_recorded = 0;  ///< written (compressed) to a file
    std::uint64_t frames_dropped = 0;   ///< ring full, frame larger than the ring, or writing failed
    std::uint64_t bytes_in = 0;         ///< uncompressed line bytes written
    std::uint64_t bytes_out = 0;        ///< compressed bytes written
    std::uint64_t files = 0;            ///< files opened
};

namespace detail {

/// The single-producer/single-consumer byte ring: records of [u32 size][i64 ns][bytes].
class frame_ring {
public:
    explicit frame_ring(std::size_t bytes) : mask_(round_up(bytes) - 1), buf_(mask_ + 1) {}

    /// Producer: false (nothing written) when the record does not fit now.
    bool push(std::int64_t ns, std::string_view frame) noexcept {
        const std::uint64_t need = header + frame.size();
        const std::uint64_t head = head_.load(std::memory_order_relaxed);
        const std::uint64_t tail = tail_.load(std::memory_order_acquire);
        if (need > buf_.size() - (head - tail)) return false;
        const auto size = static_cast<std::uint32_t>(frame.size());
        std::uint64_t at = head;
        put(at, &size, sizeof size);
        put(at, &ns, sizeof ns);
        put(at, frame.data(), frame.size());
        head_.store(head + need, std::memory_order_release);
        return true;
    }

    /// Consumer: appends each waiting record to `out` through `sink(ns, frame)`; the count taken.
    template <class Sink>
    std::size_t drain(std::string& scratch, Sink&& sink) {
        std::uint64_t tail = tail_.load(std::memory_order_relaxed);
        const std::uint64_t head = head_.load(std::memory_order_acquire);
        std::size_t n = 0;
        while (tail < head) {
            std::uint32_t size = 0;
            std::int64_t ns = 0;
            get(tail, &size, sizeof size);
            get(tail, &ns, sizeof ns);
            scratch.resize(size);
            get(tail, scratch.data(), size);
            sink(ns, std::string_view(scratch));
            ++n;
        }
        tail_.store(tail, std::memory_order_release);
        return n;
    }

    static constexpr std::size_t header = sizeof(std::uint32_t) + sizeof(std::int64_t);
    [[nodiscard]] std::size_t capacity() const noexcept { return buf_.size(); }

private:
    static std::size_t round_up(std::size_t n) {
        std::size_t p = 1024;
        while (p < n) p <<= 1U;
        return p;
    }
    void put(std::uint64_t& at, const void* src, std::size_t n) noexcept {
        const std::size_t off = at & mask_;
        const std::size_t first = std::min(n, buf_.size() - off);
        std::memcpy(buf_.data() + off, src, first);
        std::memcpy(buf_.data(), static_cast<const char*>(src) + first, n - first);
        at += n;
    }
    void get(std::uint64_t& at, void* dst, std::size_t n) const noexcept {
        const std::size_t off = at & mask_;
        const std::size_t first = std::min(n, buf_.size() - off);
        std::memcpy(dst, buf_.data() + off, first);
        std::memcpy(static_cast<char*>(dst) + first, buf_.data(), n - first);
        at += n;
    }

    std::size_t mask_;
    std::vector<char> buf_;
    // Apart, so the producer's and the consumer's writes do not share a cache line.
    alignas(64) std::atomic<std::uint64_t> head_{0};
    alignas(64) std::atomic<std::uint64_t> tail_{0};
};

/// "YYYYMMDDTHHMMSSZ" of a time in ns since the epoch (UTC).
[[nodiscard]] inline std::string utc_stamp(std::int64_t ns) {
    const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

}  // namespace detail

class capture_recorder : core::pinned {
public:
    /// Creates `dir` if needed and starts the writer thread (the first file opens with the first
    /// frame). Error "feed_record_failed" naming the directory and the OS reason.
    [[nodiscard]] static core::result<std::unique_ptr<capture_recorder>> open(recorder_options o) {
        if (o.dir.empty()) return core::make_error(errc::record_failed, "--record: empty directory");
        if (::mkdir(o.dir.c_str(), 0755) != 0 && errno != EEXIST) {
            return core::make_error(errc::record_failed, fmt::format("--record: cannot create \"{}\": {}", o.dir,
                                                                     std::system_category().message(errno)));
        }
        struct stat st {};
        if (::stat(o.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(o.dir.c_str(), W_OK) != 0) {
            return core::make_error(errc::record_failed,
                                    fmt::format("--record: \"{}\" is not a writable directory", o.dir));
        }
        return std::unique_ptr<capture_recorder>(new capture_recorder(std::move(o)));
    }

    ~capture_recorder() { close(); }

    /// The trading thread's side: copies the frame into the ring, or counts it as dropped. Never
    /// blocks, never allocates.
    void record(std::int64_t recv_ts_ns, std::string_view frame) noexcept {
        if (!ring_.push(recv_ts_ns, frame)) dropped_.fetch_add(1, std::memory_order_relaxed);
    }

    /// Drains the ring, ends the current file (gzip trailer, fsync) and stops the writer. Idempotent.
    void close() {
        if (!writer_.joinable()) return;
        stop_.store(true, std::memory_order_release);
        writer_.join();
    }

    [[nodiscard]] recorder_stats stats() const noexcept {
        return {recorded_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed),
                bytes_in_.load(std::memory_order_relaxed), bytes_out_.load(std::memory_order_relaxed),
                files_.load(std::memory_order_relaxed)};
    }
    /// The write that failed, once one has (the recording stopped there).
    [[nodiscard]] std::optional<core::error> error() const {
        const std::scoped_lock lock(error_mutex_);
        return error_;
    }
    /// The files written so far, in order.
    [[nodiscard]] std::vector<std::string> files() const {
        const std::scoped_lock lock(error_mutex_);
        return paths_;
    }
    [[nodiscard]] const recorder_options& options() const noexcept { return o_; }

private:
    explicit capture_recorder(recorder_options o) : o_(std::move(o)), ring_(o_.queue_bytes) {
        writer_ = std::thread([this] { write_loop(); });
    }

    /// The writer thread: drain, compress, flush on time, rotate; until close() and an empty ring.
    void write_loop() {
        using clock = std::chrono::steady_clock;
        auto last_flush = clock::now();
        std::string scratch;
        for (;;) {
            const bool stopping = stop_.load(std::memory_order_acquire);
            const std::size_t n = ring_.drain(scratch, [this](std::int64_t ns, std::string_view f) { write_frame(ns, f); });
            if (unflushed_ && clock::now() - last_flush >= o_.flush_interval) {
                deflate_out(Z_SYNC_FLUSH);
                last_flush = clock::now();
            }
            if (stopping && n == 0) break;
            if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        end_file();
    }

    void write_frame(std::int64_t ns, std::string_view frame) {
        if (failed_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (fd_ >= 0 && needs_rotation(ns)) end_file();
        if (fd_ < 0 && !start_file(ns)) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        line_.clear();
        fmt::format_to(std::back_inserter(line_), R"({{"recv_ts_ns":{},"msg":)", ns);
        const std::size_t start = line_.size();
        line_.append(frame);
        for (std::size_t i = start; i < line_.size(); ++i) {
            if (line_[i] == '\n' || line_[i] == '\r') line_[i] = ' ';
        }
        line_ += "}\n";
        z_.next_in = reinterpret_cast<Bytef*>(line_.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        z_.avail_in = static_cast<uInt>(line_.size());
        deflate_out(Z_NO_FLUSH);
        if (failed_) return;
        unflushed_ = true;
        recorded_.fetch_add(1, std::memory_order_relaxed);
        bytes_in_.fetch_add(line_.size(), std::memory_order_relaxed);
    }

    [[nodiscard]] bool needs_rotation(std::int64_t ns) const {
        if (file_bytes_ >= o_.max_file_bytes) return true;
        constexpr std::int64_t hour_ns = std::int64_t{3600} * 1'000'000'000;
        return o_.rotate_hourly && ns / hour_ns != file_hour_;
    }

    bool start_file(std::int64_t ns) {
        // -000, -001, ...: files started within one second (size rotation) still sort in order.
        const std::string base = fmt::format("{}/{}-{}", o_.dir, o_.prefix, detail::utc_stamp(ns));
        std::string path;
        for (int n = 0; n < 1000; ++n) {
            path = fmt::format("{}-{:03}.jsonl.gz", base, n);
            fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);  // NOLINT(cppcoreguidelines-pro-type-vararg)
            if (fd_ >= 0 || errno != EEXIST) break;
        }
        if (fd_ < 0) return fail(fmt::format("--record: cannot create \"{}\": {}", path,
                                             std::system_category().message(errno)));
        z_ = z_stream{};
        // 15 + 16: gzip framing; 8: zlib's default memory level.
        if (deflateInit2(&z_, o_.level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            return fail("--record: cannot initialise zlib");
        }
        path_ = path;
        file_bytes_ = 0;
        constexpr std::int64_t hour_ns = std::int64_t{3600} * 1'000'000'000;
        file_hour_ = ns / hour_ns;
        files_.fetch_add(1, std::memory_order_relaxed);
        const std::scoped_lock lock(error_mutex_);
        paths_.push_back(path);
        return true;
    }

    void end_file() {
        if (fd_ < 0) return;
        if (!failed_) deflate_out(Z_FINISH);
        deflateEnd(&z_);
        if (!failed_ && ::fsync(fd_) != 0) (void)fail(fmt::format("--record: fsync \"{}\": {}", path_, std::system_category().message(errno)));
        ::close(fd_);
        fd_ = -1;
        unflushed_ = false;
    }

    /// Runs deflate with `flush` over the pending input and writes what comes out.
    void deflate_out(int flush) {
        std::array<unsigned char, std::size_t{64} * 1024> out{};
        do {
            z_.next_out = out.data();
            z_.avail_out = static_cast<uInt>(out.size());
            if (deflate(&z_, flush) == Z_STREAM_ERROR) {
                (void)fail("--record: zlib stream error");
                return;
            }
            if (!write_all(out.data(), out.size() - z_.avail_out)) return;
        } while (z_.avail_out == 0);
        if (flush != Z_NO_FLUSH) unflushed_ = false;
    }

    bool write_all(const unsigned char* p, std::size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return fail(fmt::format("--record: write \"{}\": {}", path_, std::system_category().message(errno)));
            p += w;  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
            n -= static_cast<std::size_t>(w);
            file_bytes_ += static_cast<std::uint64_t>(w);
            bytes_out_.fetch_add(static_cast<std::uint64_t>(w), std::memory_order_relaxed);
        }
        return true;
    }

    bool fail(std::string message) {
        failed_ = true;
        const std::scoped_lock lock(error_mutex_);
        if (!error_) error_ = core::make_error(errc::record_failed, std::move(message));
        return false;
    }

    recorder_options o_;
    detail::frame_ring ring_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> recorded_{0}, dropped_{0}, bytes_in_{0}, bytes_out_{0}, files_{0};
    mutable std::mutex error_mutex_;
    std::optional<core::error> error_;
    std::vector<std::string> paths_;
    // The writer thread's own state.
    int fd_ = -1;
    std::string path_;
    z_stream z_{};
    std::uint64_t file_bytes_ = 0;
    std::int64_t file_hour_ = 0;
    bool unflushed_ = false;
    bool failed_ = false;
    std::string line_;
    std::thread writer_;  // last: started once everything above exists
};

}  // namespace mmbot::feed
