#define BOOST_TEST_MODULE engine_journal
#include <boost/test/unit_test.hpp>

#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/engine/order_store.hpp"
#include "mmbot/engine/positions.hpp"
#include "test_support.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace mmbot::engine;
using namespace mmbot::engine::test;

namespace {

journal_options no_sync() { return journal_options{fsync_policy::none, {}, 0}; }

/// A journal with a little of everything, and the store built live from the same events.
std::vector<order_event> sample_events() {
    return {
        place("mm-a-1", side::buy, "65000.1", "0.002"),
        order_ack{"mm-a-1", "f3b2c1a0-0000-4000-8000-000000000001", at_ms(2)},
        place("mm-a-2", side::sell, "65010.9", "0.003"),
        fill("mm-a-1", "exec-1", side::buy, "65000.1", "0.001", "BTCUSDT", "-0.0162500250"),
        order_reject{"mm-a-2", "EC_PostOnlyWillTakeLiquidity\twith tab\nand newline \\", at_ms(3)},
        fill("mm-a-1", "exec-2", side::buy, "65000.1", "0.001"),
        place("mm-a-3", side::sell, "3000.55", "1.5", "ETHUSDT"),
        order_cancel{"mm-a-3", "freeze: edge_below_threshold", at_ms(4)},
        place("mm-a-4", side::buy, "2999", "0.1", "ETHUSDT"),
    };
}

/// Writes `events` to a new journal at `path`; returns the byte offset where each record starts.
std::vector<std::uint64_t> write_events(const std::string& path,
                                        const std::vector<order_event>& events,
                                        order_store* live = nullptr) {
    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(opened);
    std::vector<std::uint64_t> starts;
    for (const auto& e : events) {
        starts.push_back(opened->log.size_bytes());
        auto r = std::visit([&](const auto& ev) { return opened->log.append(ev).has_value(); }, e);
        BOOST_REQUIRE(r);
        if (live != nullptr) (void)live->apply(e);
    }
    return starts;
}

order_store rebuild(const journal::opened& opened) {
    order_store store;
    for (const auto& entry : opened.entries) (void)store.apply(entry.event);
    return store;
}

}  // namespace

BOOST_AUTO_TEST_CASE(new_journal_is_created_with_header) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    auto opened = journal::open(path, "testnet", journal_options{});
    BOOST_REQUIRE(opened);
    BOOST_TEST(opened->report.created);
    BOOST_TEST(!opened->report.truncated());
    BOOST_TEST(opened->entries.empty());
    BOOST_TEST(read_file(path) == "mmbot-journal 2 env=testnet\n");
    BOOST_TEST(opened->report.describe() == "journal created (empty)");
}

BOOST_AUTO_TEST_CASE(round_trip_rebuilds_an_equal_store) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    order_store live;
    (void)write_events(path, sample_events(), &live);

    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(opened);
    BOOST_TEST(opened->report.records_read == sample_events().size());
    BOOST_TEST(opened->report.last_sequence == sample_events().size());
    BOOST_TEST(!opened->report.truncated());
    for (std::size_t i = 0; i < opened->entries.size(); ++i) {
        BOOST_TEST(opened->entries[i].sequence == i + 1);
    }
    const order_store recovered = rebuild(*opened);
    BOOST_TEST((recovered == live));
    BOOST_TEST(recovered.find("mm-a-2")->reason ==
               "EC_PostOnlyWillTakeLiquidity\twith tab\nand newline \\");
    BOOST_TEST(recovered.find("mm-a-1")->fees.to_string() == "-0.016250025");
    BOOST_TEST(recovered.find("mm-a-1")->venue_order_id == "f3b2c1a0-0000-4000-8000-000000000001");
    BOOST_TEST(recovered.find("mm-a-3")->price.to_string() == "3000.55");
    BOOST_TEST(recovered.find("mm-a-1")->created_at == at_ms(1));
    // Positions rebuild from the same entries.
    position_book book;
    for (const auto& entry : opened->entries) {
        if (const auto* f = std::get_if<order_fill>(&entry.event)) (void)book.apply(*f);
    }
    BOOST_TEST(book.qty("BTCUSDT").to_string() == "0.002");
    // Appends continue the sequence.
    BOOST_REQUIRE(opened->log.append(order_cancel{"mm-a-4", "", at_ms(9)}));
    BOOST_TEST(opened->log.last_sequence() == sample_events().size() + 1);
}

BOOST_AUTO_TEST_CASE(record_format_is_text_lines_with_crc) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    (void)write_events(path, {place("mm-a-1", side::buy, "65000.10", "0.0010")});
    const std::string text = read_file(path);
    BOOST_TEST(text.substr(0, 28) == "mmbot-journal 2 env=testnet\n");
    const std::string line = text.substr(28);
    BOOST_TEST(line.substr(0, line.rfind('\t')) ==
               "1\tnew\t1000000\tmm-a-1\tBTCUSDT\tBuy\t65000.1\t0.001");
    BOOST_TEST(line.back() == '\n');
    BOOST_TEST(line.size() - line.rfind('\t') == 10U);  // TAB, 8 hex digits, LF
}

BOOST_AUTO_TEST_CASE(torn_tail_at_every_byte_of_the_last_record) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    const auto events = sample_events();
    order_store before_last;
    const auto starts = write_events(path, events);
    for (std::size_t i = 0; i + 1 < events.size(); ++i) (void)before_last.apply(events[i]);
    const std::string full = read_file(path);
    const std::uint64_t last_start = starts.back();
    for (std::uint64_t cut = last_start + 1; cut < full.size(); ++cut) {
        write_file(path, std::string_view(full).substr(0, cut));
        auto opened = journal::open(path, "testnet", no_sync());
        BOOST_REQUIRE_MESSAGE(opened, "cut at " << cut << ": " << opened.error().message);
        const auto& report = opened->report;
        BOOST_TEST(report.records_read == events.size() - 1, "cut " << cut);
        BOOST_TEST(report.bytes_truncated == cut - last_start, "cut " << cut);
        BOOST_TEST(report.valid_bytes == last_start);
        BOOST_TEST((report.reason == tail_damage::partial_record), "cut " << cut);
        BOOST_TEST((rebuild(*opened) == before_last));
        // The file really was cut back, and a new record goes where the torn one was.
        BOOST_TEST(read_file(path) == full.substr(0, last_start));
        BOOST_REQUIRE(opened->log.append(order_cancel{"mm-a-4", "after", at_ms(8)}));
        BOOST_TEST(opened->log.last_sequence() == events.size());
    }
    // After the last cut's recovery + append, a reopen is clean.
    auto again = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(again);
    BOOST_TEST(!again->report.truncated());
    BOOST_TEST(again->report.records_read == events.size());
    BOOST_TEST(again->report.describe() ==
               "journal recovered: " + std::to_string(events.size()) + " records, clean tail");
}

BOOST_AUTO_TEST_CASE(bad_crc_in_the_tail_is_truncated) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    const auto events = sample_events();
    const auto starts = write_events(path, events);
    const std::string full = read_file(path);
    // Flip every byte of the last record (except its LF) in turn.
    for (std::uint64_t at = starts.back(); at + 1 < full.size(); ++at) {
        std::string damaged = full;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
        write_file(path, damaged);
        auto opened = journal::open(path, "testnet", no_sync());
        BOOST_REQUIRE_MESSAGE(opened, "flip at " << at << ": " << opened.error().message);
        BOOST_TEST(opened->report.records_read == events.size() - 1, "flip " << at);
        BOOST_TEST((opened->report.reason == tail_damage::bad_crc), "flip " << at);
        BOOST_TEST(opened->report.bytes_truncated == full.size() - starts.back());
        BOOST_TEST(read_file(path).size() == starts.back());
    }
}

BOOST_AUTO_TEST_CASE(bad_sequence_in_the_tail_is_truncated) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    const auto events = sample_events();
    (void)write_events(path, events);
    const std::string good = read_file(path);
    // A record with a valid checksum but sequence 5 again (a duplicated write).
    const std::string stale = detail::encode_record(5, order_cancel{"mm-a-4", "", at_ms(9)});
    write_file(path, good + stale);
    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(opened);
    BOOST_TEST((opened->report.reason == tail_damage::bad_sequence));
    BOOST_TEST(opened->report.bytes_truncated == stale.size());
    BOOST_TEST(opened->report.describe() ==
               "journal recovered: 9 records, truncated " + std::to_string(stale.size()) +
                   " bytes at offset " + std::to_string(good.size()) + " (bad_sequence)");
}

BOOST_AUTO_TEST_CASE(corruption_in_the_middle_refuses_to_start) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    const auto starts = write_events(path, sample_events());
    const std::string full = read_file(path);
    for (const std::size_t victim : {std::size_t{0}, std::size_t{3}, starts.size() - 2}) {
        std::string damaged = full;
        const std::uint64_t at = starts[victim] + 3;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x20);
        write_file(path, damaged);
        auto opened = journal::open(path, "testnet", no_sync());
        BOOST_REQUIRE(!opened);
        BOOST_TEST(opened.error().code == mmbot::engine::errc::journal_corrupted);
        BOOST_TEST(opened.error().message.find("byte offset " + std::to_string(starts[victim])) !=
                       std::string::npos,
                   opened.error().message);
        BOOST_TEST(opened.error().message.find("byte offset " +
                                               std::to_string(starts[victim + 1])) !=
                   std::string::npos);
        // Nothing was truncated: the evidence stays on disk.
        BOOST_TEST(read_file(path) == damaged);
    }
    // A lost line end merges two records: also corruption, as long as valid ones follow.
    std::string merged = full;
    merged[starts[2] - 1] = ' ';
    write_file(path, merged);
    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(!opened);
    BOOST_TEST(opened.error().code == mmbot::engine::errc::journal_corrupted);
}

BOOST_AUTO_TEST_CASE(malformed_record_with_valid_crc_is_an_error) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    (void)write_events(path, {place("mm-a-1", side::buy, "1", "1")});
    std::string body = "2\tnew\t5\tmm-a-2\tBTCUSDT\tBUY\t1\t1";
    body += fmt::format("\t{:08x}\n", detail::crc32c(body));
    write_file(path, read_file(path) + body);
    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(!opened);
    BOOST_TEST(opened.error().code == mmbot::engine::errc::journal_malformed);
    BOOST_TEST(opened.error().message.find("field side = \"BUY\"") != std::string::npos,
               opened.error().message);
}

BOOST_AUTO_TEST_CASE(not_a_journal_and_torn_header) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    write_file(path, "hello world, not a journal\n");
    auto refused = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(!refused);
    BOOST_TEST(refused.error().code == mmbot::engine::errc::journal_not_a_journal);
    write_file(path, "mmbot-jour");
    auto torn = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(torn);
    BOOST_TEST((torn->report.reason == tail_damage::partial_header));
    BOOST_TEST(torn->report.bytes_truncated == 10U);
    BOOST_TEST(read_file(path) == "mmbot-journal 2 env=testnet\n");
}

BOOST_AUTO_TEST_CASE(second_writer_is_locked_out) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    auto first = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(first);
    auto second = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(!second);
    BOOST_TEST(second.error().code == mmbot::engine::errc::journal_locked);
}

namespace {

/// Inode and bytes of a file: what a refused open must leave alone.
std::pair<ino_t, std::string> identity(const std::string& path) {
    struct ::stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return {st.st_ino, read_file(path)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(locked_journal_names_the_holder_and_is_left_alone) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    (void)write_events(path, sample_events());
    auto held = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(held);
    const auto before = identity(path);
    for (const auto mode : {journal_open_mode::recover, journal_open_mode::start_fresh}) {
        for (const std::string_view env : {"testnet", "shadow"}) {
            auto second = journal::open(path, env, no_sync(), mode);
            BOOST_REQUIRE(!second);
            BOOST_TEST(second.error().code == mmbot::engine::errc::journal_locked);
            BOOST_TEST(second.error().message.find(path) != std::string::npos);
            BOOST_TEST(second.error().message.find(fmt::format("pid {}", ::getpid())) !=
                           std::string::npos,
                       second.error().message);
        }
    }
    BOOST_TEST((identity(path) == before));
}

BOOST_AUTO_TEST_CASE(journal_of_another_environment_is_refused_untouched) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    (void)write_events(path, sample_events());  // testnet's
    const auto before = identity(path);
    for (const auto mode : {journal_open_mode::recover, journal_open_mode::start_fresh}) {
        for (const std::string_view env : {"shadow", "live"}) {
            auto other = journal::open(path, env, no_sync(), mode);
            BOOST_REQUIRE(!other);
            BOOST_TEST(other.error().code == mmbot::engine::errc::journal_wrong_environment);
            const auto& m = other.error().message;
            BOOST_TEST(m.find(path) != std::string::npos, m);
            BOOST_TEST(m.find("written by mmbot-testnet") != std::string::npos, m);
            BOOST_TEST(m.find(fmt::format("refused by mmbot-{}", env)) != std::string::npos, m);
        }
    }
    BOOST_TEST((identity(path) == before));
    // And the other way round: shadow's simulated fills never reach testnet or live.
    const auto shadow_path = dir.file("shadow.journal");
    BOOST_REQUIRE(journal::open(shadow_path, "shadow", no_sync()));
    auto real = journal::open(shadow_path, "live", no_sync());
    BOOST_REQUIRE(!real);
    BOOST_TEST(real.error().code == mmbot::engine::errc::journal_wrong_environment);
    BOOST_TEST(!journal::open(path, "", no_sync()));
    BOOST_TEST(!journal::open(path, "test net", no_sync()));
}

BOOST_AUTO_TEST_CASE(start_fresh_keeps_the_inode_and_drops_only_its_own_records) {
    temp_dir dir;
    const auto path = dir.file("shadow.journal");
    {
        auto first = journal::open(path, "shadow", no_sync(), journal_open_mode::start_fresh);
        BOOST_REQUIRE(first);
        BOOST_REQUIRE(first->log.append(place("mm-a-1", side::buy, "1", "1")));
    }
    const auto inode = identity(path).first;
    auto again = journal::open(path, "shadow", no_sync(), journal_open_mode::start_fresh);
    BOOST_REQUIRE(again);
    BOOST_TEST(again->entries.empty());
    BOOST_TEST(again->report.created);
    BOOST_TEST(identity(path).first == inode);
    BOOST_TEST(read_file(path) == "mmbot-journal 2 env=shadow\n");
}

BOOST_AUTO_TEST_CASE(legacy_header_is_recovered_but_never_dropped) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    (void)write_events(path, sample_events());
    // Rewrite the header as a journal written before headers named the environment.
    const std::string body = read_file(path).substr(28);
    write_file(path, "mmbot-journal 1\n" + body);
    auto fresh = journal::open(path, "shadow", no_sync(), journal_open_mode::start_fresh);
    BOOST_REQUIRE(!fresh);
    BOOST_TEST(fresh.error().code == mmbot::engine::errc::journal_unknown_environment);
    BOOST_TEST(read_file(path) == "mmbot-journal 1\n" + body);
    auto recovered = journal::open(path, "testnet", no_sync());
    BOOST_TEST_REQUIRE(recovered.has_value(), recovered.error().message);
    BOOST_TEST(recovered->report.legacy_header);
    BOOST_TEST(recovered->entries.size() == sample_events().size());
    BOOST_TEST(recovered->report.describe().find("no environment recorded") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(forked_child_is_locked_out_while_the_parent_holds_the_journal) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    auto held = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(held);
    const ::pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        auto second = journal::open(path, "shadow", no_sync(), journal_open_mode::start_fresh);
        ::_exit(!second && second.error().code == mmbot::engine::errc::journal_locked ? 0 : 1);
    }
    int status = 0;
    BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    BOOST_TEST(read_file(path) == "mmbot-journal 2 env=testnet\n");
}

BOOST_AUTO_TEST_CASE(fsync_policies) {
    temp_dir dir;
    {
        auto j = journal::open(dir.file("every"), "testnet", journal_options{});
        BOOST_REQUIRE(j);
        for (int i = 1; i <= 5; ++i) {
            BOOST_REQUIRE(j->log.append(place("mm-a-" + std::to_string(i), side::buy, "1", "1")));
        }
        BOOST_TEST(j->log.sync_count() == 5U);
    }
    {
        journal_options o{fsync_policy::interval, std::chrono::hours(1), 3};
        auto j = journal::open(dir.file("interval"), "testnet", o);
        BOOST_REQUIRE(j);
        for (int i = 1; i <= 7; ++i) {
            BOOST_REQUIRE(j->log.append(place("mm-a-" + std::to_string(i), side::buy, "1", "1")));
        }
        BOOST_TEST(j->log.sync_count() == 2U);  // after records 3 and 6
        BOOST_REQUIRE(j->log.sync_if_due());    // interval not elapsed: nothing
        BOOST_TEST(j->log.sync_count() == 2U);
        BOOST_REQUIRE(j->log.sync());
        BOOST_TEST(j->log.sync_count() == 3U);
    }
    {
        journal_options o{fsync_policy::interval, std::chrono::milliseconds(0), 1000};
        auto j = journal::open(dir.file("interval0"), "testnet", o);
        BOOST_REQUIRE(j);
        BOOST_REQUIRE(j->log.append(place("mm-a-1", side::buy, "1", "1")));
        BOOST_TEST(j->log.sync_count() == 1U);  // elapsed >= 0 ms: due at once
    }
    {
        auto j = journal::open(dir.file("none"), "testnet", no_sync());
        BOOST_REQUIRE(j);
        BOOST_REQUIRE(j->log.append(place("mm-a-1", side::buy, "1", "1")));
        BOOST_TEST(j->log.sync_count() == 0U);
    }
    static_assert(default_journal_options<mmbot::env::live>().policy == fsync_policy::every_record);
    static_assert(default_journal_options<mmbot::env::testnet>().policy ==
                  fsync_policy::every_record);
    static_assert(default_journal_options<mmbot::env::shadow>().policy == fsync_policy::none);
}

BOOST_AUTO_TEST_CASE(failed_append_is_cut_back_and_reported) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    auto opened = journal::open(path, "testnet", no_sync());
    BOOST_REQUIRE(opened);
    journal& log = opened->log;
    BOOST_REQUIRE(log.append(place("mm-a-1", side::buy, "1", "1")));
    const std::uint64_t good_size = log.size_bytes();
    // A file size limit 10 bytes above the current size: the next write is cut short, the one
    // after fails with EFBIG, exactly like a disk filling up in the middle of a record.
    std::signal(SIGXFSZ, SIG_IGN);
    ::rlimit saved{};
    BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    ::rlimit tight = saved;
    tight.rlim_cur = good_size + 10;
    BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &tight) == 0);
    auto r = log.append(place("mm-a-2", side::buy, "1", "1"));
    BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == mmbot::engine::errc::journal_io);
    BOOST_TEST(r.error().message.find("write failed") != std::string::npos, r.error().message);
    BOOST_TEST(read_file(path).size() == good_size);  // the partial record is gone
    BOOST_TEST(!log.failed());
    BOOST_TEST(log.last_sequence() == 1U);
    BOOST_REQUIRE(log.append(place("mm-a-2", side::buy, "1", "1")));
    BOOST_TEST(log.last_sequence() == 2U);
}

BOOST_AUTO_TEST_CASE(no_space_has_its_own_code) {
    // /dev/full fails every write with ENOSPC.
    const detail::unique_fd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
    if (!full.valid()) return;
    auto r = detail::write_all(full.get(), "record\n", "/dev/full");
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == mmbot::engine::errc::journal_no_space);
}

BOOST_AUTO_TEST_CASE(client_ids_stay_unique_across_two_restarts_through_the_journal) {
    temp_dir dir;
    const auto path = dir.file("orders.journal");
    std::set<std::string> used;
    // Three runs started in the same millisecond with the same entropy (the worst case): only
    // the counter recovered from the journal keeps their ids apart.
    for (int run = 0; run < 3; ++run) {
        auto opened = journal::open(path, "testnet", no_sync());
        BOOST_REQUIRE(opened);
        const order_store store = rebuild(*opened);
        BOOST_TEST(store.size() == static_cast<std::size_t>(run) * 10U);
        auto ids = client_order_id_generator::for_run(at_ms(5), 42);
        ids.resume_after(store.max_id_counter());
        for (int i = 0; i < 10; ++i) {
            const std::string id = ids.next();
            BOOST_TEST(used.insert(id).second, id);
            BOOST_REQUIRE(opened->log.append(place(id, side::buy, "1", "1")));
        }
    }
}

BOOST_AUTO_TEST_CASE(crc32c_check_value) {
    BOOST_TEST(detail::crc32c("123456789") == 0xE3069283U);
    BOOST_TEST(detail::crc32c("") == 0U);
}
