// mmbot/engine/impl/journal.hpp
//
// Bodies of journal.hpp: recovery scan, open, append and sync. Included at the bottom of
// journal.hpp; not meant to be included on its own.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply, and the include of the declarations below would bring this file in a second time.
#ifndef MMBOT_ENGINE_IMPL_JOURNAL_HPP
#define MMBOT_ENGINE_IMPL_JOURNAL_HPP

#include "mmbot/engine/journal.hpp"  // self-contained for tools that open this file alone

#include "mmbot/engine/detail/journal_codec.hpp"
#include "mmbot/engine/detail/posix_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::engine {

inline std::string recovery_report::describe() const {
    if (created && !truncated()) return "journal created (empty)";
    if (!truncated()) return fmt::format("journal recovered: {} records, clean tail", records_read);
    return fmt::format("journal recovered: {} records, truncated {} bytes at offset {} ({})",
                       records_read, bytes_truncated, valid_bytes, to_string(reason));
}

namespace detail {

/// The outcome of reading a journal's bytes: the valid records and where the good prefix ends.
struct journal_scan {
    std::vector<journal_entry> entries;
    std::uint64_t valid_bytes = 0;
    tail_damage damage = tail_damage::none;
};

/// Classifies `data` (which starts with the header). Pure, so tests can feed it any bytes.
[[nodiscard]] inline core::result<journal_scan> scan_journal(std::string_view data,
                                                             std::string_view path) {
    journal_scan scan;
    std::size_t pos = journal_magic.size();
    std::size_t resume = data.size();  // where to look for valid records after a damaged one
    std::uint64_t expected = 1;
    while (pos < data.size()) {
        const auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos) {
            scan.damage = tail_damage::partial_record;
            break;
        }
        decoded_line d = decode_record(data.substr(pos, nl - pos));
        if (d.status == line_status::malformed) {
            return core::make_error(
                "journal_malformed",
                fmt::format("journal {}: record at byte offset {} has a valid checksum but cannot "
                            "be read ({}); refusing to start",
                            path, pos, d.problem));
        }
        if (d.status == line_status::bad_crc || d.sequence != expected) {
            scan.damage =
                d.status == line_status::bad_crc ? tail_damage::bad_crc : tail_damage::bad_sequence;
            resume = nl + 1;
            break;
        }
        scan.entries.push_back(journal_entry{d.sequence, std::move(*d.event)});
        ++expected;
        pos = nl + 1;
    }
    scan.valid_bytes = pos;
    // A crash damages only the end. A checksum-valid line after the damage means the damage is in
    // the middle: truncating would silently drop good records, so refuse.
    for (std::size_t next = resume; next < data.size();) {
        const auto nl = data.find('\n', next);
        if (nl == std::string_view::npos) break;
        if (decode_record(data.substr(next, nl - next)).status != line_status::bad_crc) {
            return core::make_error(
                "journal_corrupted",
                fmt::format("journal {}: record at byte offset {} is damaged ({}) but a valid "
                            "record follows at byte offset {}; refusing to start rather than drop "
                            "it (inspect the file or restore a copy)",
                            path, pos, to_string(scan.damage), next));
        }
        next = nl + 1;
    }
    return scan;
}

[[nodiscard]] inline core::result<detail::unique_fd> open_locked(const std::string& path,
                                                                  bool& created) {
    constexpr int flags = O_RDWR | O_APPEND | O_CLOEXEC;
    constexpr ::mode_t mode = 0640;
    unique_fd fd(::open(path.c_str(), flags | O_CREAT | O_EXCL, mode));
    created = fd.valid();
    if (!created) {
        if (errno != EEXIST) return errno_error("open", path, errno);
        fd = unique_fd(::open(path.c_str(), flags));
        if (!fd.valid()) return errno_error("open", path, errno);
    }
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) {
            return core::make_error("journal_locked",
                                    fmt::format("journal {}: locked by another process", path));
        }
        return errno_error("flock", path, errno);
    }
    return fd;
}

}  // namespace detail

inline core::result<journal::opened> journal::open(std::string path, journal_options options) {
    bool created = false;
    auto fd = detail::open_locked(path, created);
    if (!fd) return fd.error();
    auto data = detail::read_all(fd->get(), path);
    if (!data) return data.error();

    recovery_report report;
    const std::string_view magic = detail::journal_magic;
    std::vector<journal_entry> entries;
    const bool torn_header = !data->empty() && data->size() < magic.size() &&
                             magic.substr(0, data->size()) == *data;
    if (data->empty() || torn_header) {
        // A new file, or one whose creation was cut short: (re)write the header.
        report.created = true;
        if (torn_header) {
            report.bytes_truncated = data->size();
            report.reason = tail_damage::partial_header;
            if (auto r = detail::truncate_to(fd->get(), 0, path); !r) return r.error();
        }
        if (auto r = detail::write_all(fd->get(), magic, path); !r) return r.error();
        if (auto r = detail::sync_data(fd->get(), path); !r) return r.error();
        if (created) {
            const auto dir = std::filesystem::path(path).parent_path();
            if (auto r = detail::sync_directory(dir.empty() ? "." : dir.string()); !r) {
                return r.error();
            }
        }
        report.valid_bytes = magic.size();
    } else {
        if (std::string_view(*data).substr(0, magic.size()) != magic) {
            return core::make_error(
                "journal_not_a_journal",
                fmt::format("journal {}: does not start with the header \"mmbot-journal 1\"",
                            path));
        }
        auto scan = detail::scan_journal(*data, path);
        if (!scan) return scan.error();
        report.records_read = scan->entries.size();
        report.last_sequence = scan->entries.empty() ? 0 : scan->entries.back().sequence;
        report.valid_bytes = scan->valid_bytes;
        report.bytes_truncated = data->size() - scan->valid_bytes;
        report.reason = scan->damage;
        if (report.truncated()) {
            if (auto r = detail::truncate_to(fd->get(), scan->valid_bytes, path); !r) {
                return r.error();
            }
            if (auto r = detail::sync_data(fd->get(), path); !r) return r.error();
        }
        entries = std::move(scan->entries);
    }
    journal log(std::move(*fd), std::move(path), options, report.valid_bytes,
                report.last_sequence);
    return opened{std::move(log), report, std::move(entries)};
}

inline journal::journal(detail::unique_fd fd, std::string path, journal_options options,
                        std::uint64_t size, std::uint64_t last_sequence)
    : fd_(std::move(fd)),
      path_(std::move(path)),
      options_(options),
      size_(size),
      last_sequence_(last_sequence),
      last_sync_(std::chrono::steady_clock::now()) {}

inline journal::~journal() {
    if (fd_.valid() && !failed_ && options_.policy != fsync_policy::none && unsynced_ != 0) {
        (void)do_sync();  // best effort: a graceful shutdown calls sync() and sees the error
    }
}

inline core::error journal::failed_error() const {
    return core::make_error("journal_failed",
                            fmt::format("journal {}: an earlier write or sync failed; no further "
                                        "appends are accepted",
                                        path_));
}

inline core::result<void> journal::write_line(const std::string& line) {
    auto written = detail::write_all(fd_.get(), line, path_);
    if (!written) {
        // Cut back a partial record: a later good record after it would read as corruption in
        // the middle on the next start.
        if (!detail::truncate_to(fd_.get(), size_, path_)) failed_ = true;
        return written.error();
    }
    size_ += line.size();
    ++last_sequence_;
    ++unsynced_;
    return {};
}

inline core::result<void> journal::do_sync() {
    if (unsynced_ == 0) return {};
    if (auto r = detail::sync_data(fd_.get(), path_); !r) {
        // After a failed fdatasync the kernel may have dropped the dirty pages: trust nothing.
        failed_ = true;
        return r.error();
    }
    ++syncs_;
    unsynced_ = 0;
    last_sync_ = std::chrono::steady_clock::now();
    return {};
}

template <journal_event Event>
core::result<journaled<Event>> journal::append(Event event) {
    if (failed_ || !fd_.valid()) return failed_error();
    const std::uint64_t seq = last_sequence_ + 1;
    if (auto r = write_line(detail::encode_record(seq, event)); !r) return r.error();
    switch (options_.policy) {
        case fsync_policy::every_record:
            if (auto r = do_sync(); !r) return r.error();
            break;
        case fsync_policy::interval:
            if (unsynced_ >= options_.interval_records ||
                std::chrono::steady_clock::now() - last_sync_ >= options_.interval) {
                if (auto r = do_sync(); !r) return r.error();
            }
            break;
        case fsync_policy::none:
            break;
    }
    return journaled<Event>(std::move(event), seq);
}

inline core::result<void> journal::sync() {
    if (failed_ || !fd_.valid()) return failed_error();
    return do_sync();
}

inline core::result<void> journal::sync_if_due() {
    if (options_.policy != fsync_policy::interval || unsynced_ == 0) return {};
    if (std::chrono::steady_clock::now() - last_sync_ < options_.interval) return {};
    return sync();
}

}  // namespace mmbot::engine

#endif  // MMBOT_ENGINE_IMPL_JOURNAL_HPP
