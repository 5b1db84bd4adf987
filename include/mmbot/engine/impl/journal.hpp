// mmbot/engine/impl/journal.hpp
//
// Bodies of journal.hpp: recovery scan, open, append and sync. Included at the bottom of
// journal.hpp; not meant to be included on its own.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply, and the include of the declarations below would bring this file in a second time.
#ifndef MMBOT_ENGINE_IMPL_JOURNAL_HPP
#define MMBOT_ENGINE_IMPL_JOURNAL_HPP

#include "mmbot/engine/errors.hpp"
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
    const std::string_view legacy =
        legacy_header ? " (header \"mmbot-journal 1\": no environment recorded)" : "";
    if (created && !truncated()) return "journal created (empty)";
    const std::string operators =
        operator_records == 0 ? std::string() : fmt::format(" (+{} operator actions)", operator_records);
    if (!truncated()) {
        return fmt::format("journal recovered: {} records{}, clean tail{}", records_read, operators, legacy);
    }
    return fmt::format("journal recovered: {} records{}, truncated {} bytes at offset {} ({}){}", records_read,
                       operators, bytes_truncated, valid_bytes, to_string(reason), legacy);
}

namespace detail {

/// The outcome of reading a journal's bytes: the valid records and where the good prefix ends.
struct journal_scan {
    std::vector<journal_entry> entries;
    std::uint64_t operator_records = 0;  ///< operator actions: valid, sequenced, not replayed
    std::uint64_t last_sequence = 0;
    std::uint64_t valid_bytes = 0;
    tail_damage damage = tail_damage::none;
};

/// Classifies `data` (which starts with the header). Pure, so tests can feed it any bytes.
[[nodiscard]] inline core::result<journal_scan> scan_journal(std::string_view data,
                                                             std::string_view path,
                                                             std::size_t header_bytes) {
    journal_scan scan;
    std::size_t pos = header_bytes;
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
                errc::journal_malformed,
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
        if (d.event) {
            scan.entries.push_back(journal_entry{d.sequence, std::move(*d.event)});
        } else {
            ++scan.operator_records;
        }
        scan.last_sequence = d.sequence;
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
                errc::journal_corrupted,
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
            const long pid = flock_holder_pid(fd.get());
            return core::make_error(
                errc::journal_locked,
                fmt::format("journal {}: locked by another process ({}); it was not read or "
                            "changed. Stop that process or use another --journal path",
                            path, pid > 0 ? fmt::format("pid {}", pid) : "pid unknown"));
        }
        return errno_error("flock", path, errno);
    }
    return fd;
}

/// What the first line of a journal says.
struct journal_header_info {
    enum class kind : std::uint8_t { empty, torn, legacy, current };
    kind what = kind::empty;
    std::size_t bytes = 0;     ///< length of the header (LF included; torn: the whole file)
    std::string environment;   ///< current: the environment that wrote the journal
};

[[nodiscard]] inline core::result<journal_header_info> read_header(std::string_view data,
                                                                    std::string_view path) {
    using kind = journal_header_info::kind;
    journal_header_info h;
    if (data.empty()) return h;
    const std::string_view prefix = journal_header_prefix;
    const auto nl = data.find('\n');
    if (nl == std::string_view::npos) {
        // A creation cut short leaves part of a header and nothing else.
        const bool torn = journal_magic_v1.starts_with(data) || prefix.starts_with(data) ||
                          (data.starts_with(prefix) &&
                           valid_environment_name(data.substr(prefix.size())));
        if (torn) return journal_header_info{kind::torn, data.size(), {}};
    } else if (data.substr(0, nl + 1) == journal_magic_v1) {
        return journal_header_info{kind::legacy, nl + 1, {}};
    } else if (data.starts_with(prefix)) {
        const auto env = data.substr(prefix.size(), nl - prefix.size());
        if (valid_environment_name(env)) {
            return journal_header_info{kind::current, nl + 1, std::string(env)};
        }
    }
    return core::make_error(
        errc::journal_not_a_journal,
        fmt::format("journal {}: does not start with a journal header (\"{}<environment>\", or "
                    "the older \"mmbot-journal 1\")",
                    path, prefix));
}

/// Refuses a journal that `environment` must not read or drop.
[[nodiscard]] inline core::result<void> check_owner(const journal_header_info& h, bool has_records,
                                                    std::string_view environment,
                                                    journal_open_mode mode, std::string_view path) {
    if (h.what == journal_header_info::kind::current && h.environment != environment) {
        return core::make_error(
            errc::journal_wrong_environment,
            fmt::format("journal {}: written by mmbot-{}, refused by mmbot-{}: a journal belongs "
                        "to the environment that wrote it (shadow's fills are simulated); it was "
                        "not changed. Use a separate --journal path per environment",
                        path, h.environment, environment));
    }
    if (h.what == journal_header_info::kind::legacy && has_records &&
        mode == journal_open_mode::start_fresh) {
        return core::make_error(
            errc::journal_unknown_environment,
            fmt::format("journal {}: an older journal (header \"mmbot-journal 1\") that does not "
                        "record which environment wrote it; mmbot-{} starts a fresh journal and "
                        "will not drop records that may be testnet's or live's. It was not "
                        "changed: delete it if it is yours, or use another --journal path",
                        path, environment));
    }
    return {};
}

/// Cuts the file to nothing and writes a new header for `environment`, durably.
[[nodiscard]] inline core::result<void> write_fresh_header(int fd, std::string_view environment,
                                                           bool created, const std::string& path) {
    if (auto r = truncate_to(fd, 0, path); !r) return r.error();
    if (auto r = write_all(fd, journal_header(environment), path); !r) return r.error();
    if (auto r = sync_data(fd, path); !r) return r.error();
    if (!created) return {};
    const auto dir = std::filesystem::path(path).parent_path();
    return sync_directory(dir.empty() ? "." : dir.string());
}

}  // namespace detail

inline core::result<journal::opened> journal::open(std::string path, std::string_view environment,
                                                   journal_options options,
                                                   journal_open_mode mode) {
    if (!detail::valid_environment_name(environment)) {
        return core::make_error(errc::journal_bad_environment,
                                fmt::format("journal {}: environment \"{}\" is not 1-32 of "
                                            "[a-z0-9_-]",
                                            path, environment));
    }
    bool created = false;
    auto fd = detail::open_locked(path, created);  // the lock comes before any read or write
    if (!fd) return fd.error();
    auto data = detail::read_all(fd->get(), path);
    if (!data) return data.error();
    auto header = detail::read_header(*data, path);
    if (!header) return header.error();
    const bool has_records = data->size() > header->bytes;
    if (auto owner = detail::check_owner(*header, has_records, environment, mode, path); !owner) {
        return owner.error();
    }

    using kind = detail::journal_header_info::kind;
    recovery_report report;
    std::vector<journal_entry> entries;
    if (header->what == kind::empty || header->what == kind::torn ||
        mode == journal_open_mode::start_fresh) {
        // A new file, one whose creation was cut short, or a shadow replay's fresh start: the
        // same file (same inode, lock held throughout) gets a new header.
        report.created = true;
        if (header->what == kind::torn) {
            report.bytes_truncated = data->size();
            report.reason = tail_damage::partial_header;
        }
        if (auto r = detail::write_fresh_header(fd->get(), environment, created, path); !r) {
            return r.error();
        }
        report.valid_bytes = detail::journal_header(environment).size();
    } else {
        auto scan = detail::scan_journal(*data, path, header->bytes);
        if (!scan) return scan.error();
        report.legacy_header = header->what == kind::legacy;
        report.records_read = scan->entries.size();
        report.operator_records = scan->operator_records;
        report.last_sequence = scan->last_sequence;
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
    return core::make_error(errc::journal_failed,
                            fmt::format("journal {}: an earlier write or sync failed; no further "
                                        "appends are accepted",
                                        path_));
}

inline core::result<void> journal::write_line(std::string_view line) {
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
core::result<journaled<Event>> journal::append(const Event& event) {
    if (failed_ || !fd_.valid()) return failed_error();
    const std::uint64_t seq = last_sequence_ + 1;
    detail::encode_record(line_, seq, event);
    if (auto r = write_line(line_); !r) return r.error();
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
    return journaled<Event>(seq);
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
