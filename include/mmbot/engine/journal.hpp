// mmbot/engine/journal.hpp
//
// The append-only, write-ahead order journal: every order event (placement intent, ack, fill,
// cancel, reject) is written here before the engine acts on it, and on start the order store and
// positions are rebuilt from it.
//
// Write-ahead: `append(new_order)` returns a `journaled<new_order>` token (the record's sequence
// number), which only the journal can create once the record is written, or an error; the
// execution loop sends an order only after its append succeeded. Records are text lines with a sequence number and a CRC-32C (format in
// detail/journal_codec.hpp, docs/journal.md).
//
// Recovery on open reads every record and classifies the first damaged one:
//   * damage in the tail (a partial last record, a bad CRC, a wrong sequence number) with nothing
//     valid after it is what a crash or power loss leaves: it is reported in the
//     `recovery_report` and the file is truncated (ftruncate) to the last good record;
//   * damage followed by a valid record is corruption in the middle: open fails with
//     `journal_corrupted`, naming the byte offsets, instead of dropping the records after it;
//   * a record whose CRC is right but whose content does not parse fails with `journal_malformed`
//     (a writer bug or a newer format; never truncated away).
// The file is locked (flock) before a byte of it is read, cut or written, so two processes cannot
// interleave records and no process replaces a journal another one holds.
//
// The header names the environment that wrote the journal ("mmbot-journal 2 env=testnet"), and
// open refuses a journal of another environment (`journal_wrong_environment`): shadow's simulated
// fills must never be recovered by testnet or live as real positions. Every binary opens its
// journal through journal::open with its own env::<x>::name.
//
// Durability is the `fsync_policy` (docs/journal.md says what each survives):
//   every_record  fdatasync before append returns (default for testnet and live)
//   interval      fdatasync every N records or N ms, checked on append and by sync_if_due()
//   none          the OS writes back when it likes (shadow)
//
//   auto opened = journal::open("state/orders.journal", env::testnet::name,
//                               default_journal_options<env::testnet>());
//   if (!opened) return opened.error();            // corrupted middle, locked, I/O error
//   log.info(opened->report.describe());            // torn tail truncated, records read
//   for (const auto& e : opened->entries) (void)store.apply(e.event);
//   journal j = std::move(opened->log);
//   const new_order n{...};
//   if (auto token = j.append(n)) venue.send(n);     // journaled (and synced), or an error: not sent
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_ENGINE_JOURNAL_HPP
#define MMBOT_ENGINE_JOURNAL_HPP

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/engine/detail/posix_file.hpp"
#include "mmbot/engine/order.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mmbot::engine {

/// When appended records are forced to disk.
enum class fsync_policy : std::uint8_t {
    every_record,  ///< fdatasync after each append, before it returns
    interval,      ///< fdatasync after `interval_records` records or `interval` time
    none,          ///< never explicitly (the OS flushes the page cache on its own schedule)
};

[[nodiscard]] constexpr std::string_view to_string(fsync_policy p) noexcept {
    return core::enum_label(p);
}

struct journal_options {
    fsync_policy policy = fsync_policy::every_record;
    /// interval policy: sync when this much time has passed since the last sync...
    std::chrono::milliseconds interval{100};
    /// ...or when this many records are unsynced, whichever comes first.
    std::uint64_t interval_records = 64;
};

/// every_record for environments that send orders (testnet, live); none for shadow, where the
/// journal is a record of simulated orders and losing its tail to a power cut costs nothing.
template <env::environment Env>
[[nodiscard]] constexpr journal_options default_journal_options() noexcept {
    journal_options o;
    o.policy = Env::sends_orders ? fsync_policy::every_record : fsync_policy::none;
    return o;
}

/// Why the tail was cut on recovery.
enum class tail_damage : std::uint8_t {
    none,
    partial_record,  ///< the last record has no line end (a write cut short)
    bad_crc,         ///< the last record's checksum does not match its bytes
    bad_sequence,    ///< the last record's sequence number is not the previous one + 1
    partial_header,  ///< the file holds only part of the journal header
};

[[nodiscard]] constexpr std::string_view to_string(tail_damage d) noexcept {
    return core::enum_label(d);
}

/// What recovery found and did. Log it on every start: a truncation is a fact an operator wants.
struct recovery_report {
    bool created = false;             ///< the file did not exist (or was empty) and was started
    std::uint64_t records_read = 0;   ///< valid order records replayed
    std::uint64_t operator_records = 0;  ///< valid operator records (audit only, not replayed)
    std::uint64_t last_sequence = 0;  ///< sequence of the last valid record (0: none)
    std::uint64_t valid_bytes = 0;    ///< file size after recovery
    std::uint64_t bytes_truncated = 0;
    tail_damage reason = tail_damage::none;
    /// The header is the older "mmbot-journal 1", which does not record the environment.
    bool legacy_header = false;

    [[nodiscard]] bool truncated() const noexcept { return bytes_truncated != 0; }
    /// One sentence for the log: "journal recovered: 41 records, truncated 17 bytes at offset
    /// 3021 (partial_record)".
    [[nodiscard]] std::string describe() const;
};

/// One replayed record.
struct journal_entry {
    std::uint64_t sequence = 0;
    order_event event;
};

class journal;

/// Proof that an event is in the journal (and synced, as far as the policy promises): the
/// record's sequence number. Only the journal creates these, and only once the record is written,
/// so code that asks for a `journaled<new_order>` cannot be handed one for an order that was not
/// journaled first. It does not copy the event (appending must not allocate).
template <class Event>
class journaled {
public:
    [[nodiscard]] std::uint64_t sequence() const noexcept { return sequence_; }

private:
    friend class journal;
    explicit journaled(std::uint64_t seq) noexcept : sequence_(seq) {}

    std::uint64_t sequence_;
};

/// The event types a journal record can hold.
template <class E>
concept journal_event =
    std::same_as<E, new_order> || std::same_as<E, order_ack> || std::same_as<E, order_fill> ||
    std::same_as<E, order_cancel> || std::same_as<E, order_reject> || std::same_as<E, operator_action>;

/// What open does with the records of an existing journal once it holds the lock.
enum class journal_open_mode : std::uint8_t {
    recover,      ///< replay them (testnet, live)
    start_fresh,  ///< drop them: cut the file back to a new header, same inode (shadow replays)
};

class journal {
public:
    struct opened;

    /// Locks, then opens (creating if needed) and recovers the journal at `path` for
    /// `environment` (env::<x>::name; written into a new journal's header). Nothing in the file is
    /// read, cut or written before the lock is held. Errors:
    ///   journal_locked      another open file holds the journal (the message names the pid)
    ///   journal_wrong_environment  the header names another environment (both named)
    ///   journal_unknown_environment  start_fresh on a "mmbot-journal 1" journal with records:
    ///                       it may be testnet's or live's, so it is not dropped
    ///   journal_bad_environment  `environment` is not 1-32 of [a-z0-9_-]
    ///   journal_corrupted   damaged record followed by valid ones (offsets in the message)
    ///   journal_malformed   a record with a valid checksum whose content does not parse
    ///   journal_not_a_journal  the file does not start with a journal header
    ///   journal_io / journal_no_space  a system call failed (named, with errno)
    [[nodiscard]] static core::result<opened> open(
        std::string path, std::string_view environment, journal_options options,
        journal_open_mode mode = journal_open_mode::recover);

    journal(journal&&) noexcept = default;
    journal& operator=(journal&&) noexcept = default;
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;
    /// Syncs (unless the policy is none) and closes; errors here can only be logged, so call
    /// sync() first on a graceful shutdown to see them.
    ~journal();

    /// Appends one record and syncs as the policy says. On success the record is in the file
    /// (and on disk, for every_record). On failure nothing was added: a partial write is cut
    /// back; if even that fails, or an fdatasync fails, the journal refuses all further appends
    /// (`journal_failed`), because it can no longer vouch for its own contents. The record is
    /// encoded into a buffer the journal keeps: no allocation once it has held the longest line.
    template <journal_event Event>
    [[nodiscard]] core::result<journaled<Event>> append(const Event& event);

    /// Forces everything appended so far to disk now.
    [[nodiscard]] core::result<void> sync();
    /// interval policy: syncs if records are waiting and the interval has passed. Call from the
    /// loop's tick so an idle period does not leave records unsynced. No-op for other policies.
    [[nodiscard]] core::result<void> sync_if_due();

    [[nodiscard]] std::uint64_t last_sequence() const noexcept { return last_sequence_; }
    [[nodiscard]] std::uint64_t size_bytes() const noexcept { return size_; }
    [[nodiscard]] std::uint64_t sync_count() const noexcept { return syncs_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const journal_options& options() const noexcept { return options_; }
    [[nodiscard]] bool failed() const noexcept { return failed_; }

private:
    journal(detail::unique_fd fd, std::string path, journal_options options, std::uint64_t size,
            std::uint64_t last_sequence);
    [[nodiscard]] core::result<void> write_line(std::string_view line);
    [[nodiscard]] core::result<void> do_sync();
    [[nodiscard]] core::error failed_error() const;

    detail::unique_fd fd_;
    std::string path_;
    journal_options options_;
    std::uint64_t size_ = 0;
    std::uint64_t last_sequence_ = 0;
    std::uint64_t unsynced_ = 0;
    std::uint64_t syncs_ = 0;
    std::chrono::steady_clock::time_point last_sync_{};
    bool failed_ = false;
    std::string line_;  ///< the record being appended (kept: its capacity is reused)
};

/// The result of journal::open: the journal ready for appends, what recovery did, and every
/// valid order record in order (apply them to an order_store / position_book). Operator records
/// are an audit trail: counted in the report, not replayed.
struct journal::opened {
    journal log;
    recovery_report report;
    std::vector<journal_entry> entries;
};

}  // namespace mmbot::engine

#include "mmbot/engine/impl/journal.hpp"

#endif  // MMBOT_ENGINE_JOURNAL_HPP
