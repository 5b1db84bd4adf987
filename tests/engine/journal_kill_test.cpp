// The acceptance test for durability: a child process journals orders (fsync every record) and
// tells the parent, through a pipe, each order it has journaled, only after append returned. The
// parent SIGKILLs it at a random moment, reopens the journal and checks that every order the child
// reported is in the rebuilt store. Repeated 20 times with random kill delays.
#define BOOST_TEST_MODULE engine_journal_kill
#include <boost/test/unit_test.hpp>

#include "mmbot/engine/journal.hpp"
#include "mmbot/engine/order_store.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mmbot::engine;
using namespace mmbot::engine::test;

namespace {

std::string id_of(std::uint64_t i) { return "mm-kill-" + detail::to_base36(i); }

/// The child: append forever, report each journaled order id number on `report_fd`. With
/// `tear_after` > 0 it stops after that many orders and leaves half a record at the end of the
/// file (what a write cut short by a crash leaves), then waits to be killed.
[[noreturn]] void journal_until_killed(const std::string& path, int report_fd,
                                       std::uint64_t tear_after) {
    auto opened = journal::open(path, "testnet", journal_options{fsync_policy::every_record, {}, 0});
    if (!opened) ::_exit(2);
    journal& log = opened->log;
    for (std::uint64_t i = 1;; ++i) {
        const std::string id = id_of(i);
        if (!log.append(place(id, i % 2 == 0 ? side::buy : side::sell, "65000.5", "0.001",
                              "BTCUSDT", static_cast<std::int64_t>(i)))) {
            ::_exit(3);
        }
        // Only now may the order "leave": tell the parent.
        const std::string_view bytes(reinterpret_cast<const char*>(&i), sizeof i);
        if (!detail::write_all(report_fd, bytes, "pipe")) ::_exit(4);
        if (i % 3 == 0 && !log.append(order_ack{id, "v" + std::to_string(i), timestamp{}})) {
            ::_exit(5);
        }
        if (i % 5 == 0 && !log.append(order_cancel{id_of(i - 1), "requote", timestamp{}})) {
            ::_exit(6);
        }
        if (i == tear_after) {
            const std::string next = detail::encode_record(
                log.last_sequence() + 1, place(id_of(i + 1), side::buy, "1", "1"));
            const detail::unique_fd raw(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
            if (!detail::write_all(raw.get(), std::string_view(next).substr(0, next.size() / 2),
                                   path)) {
                ::_exit(7);
            }
            // Marker 0: the torn record is on disk, the parent may kill now.
            const std::uint64_t marker = 0;
            const std::string_view done(reinterpret_cast<const char*>(&marker), sizeof marker);
            if (!detail::write_all(report_fd, done, "pipe")) ::_exit(8);
            for (;;) ::pause();
        }
    }
}

/// Reads reports until EOF, or until the marker 0 when `until_marker`. Returns the ids (the
/// marker excluded).
std::vector<std::uint64_t> read_reports(int fd, bool until_marker) {
    std::vector<std::uint64_t> ids;
    std::string pending;
    char buf[4096];
    for (;;) {
        const ::ssize_t n = ::read(fd, buf, until_marker ? sizeof(std::uint64_t) : sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        while (pending.size() >= sizeof(std::uint64_t)) {
            std::uint64_t id = 0;
            std::memcpy(&id, pending.data(), sizeof id);
            pending.erase(0, sizeof id);
            if (id == 0) return ids;
            ids.push_back(id);
        }
    }
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kill_9_loses_no_journaled_order) {
    const auto seed = static_cast<std::uint32_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    BOOST_TEST_MESSAGE("seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(20, 150);
    std::uint64_t total_reported = 0;
    int truncated_runs = 0;
    for (int round = 0; round < 20; ++round) {
        temp_dir dir;
        const std::string path = dir.file("orders.journal");
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        const ::pid_t pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        // Every fourth round the child tears its last record on purpose (a kill -9 between two
        // write calls of one record); the others are killed wherever they are.
        const bool tear = round % 4 == 3;
        if (pid == 0) {
            ::close(fds[0]);
            journal_until_killed(path, fds[1], tear ? 3 : 0);
        }
        ::close(fds[1]);
        std::vector<std::uint64_t> reported;
        if (tear) {
            reported = read_reports(fds[0], true);  // blocks until the tear is written
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        }
        BOOST_REQUIRE(::kill(pid, SIGKILL) == 0);
        int status = 0;
        BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
        BOOST_TEST_REQUIRE(WIFSIGNALED(status), "child exited on its own, status " << status);
        if (!tear) reported = read_reports(fds[0], false);
        ::close(fds[0]);

        auto opened = journal::open(path, "testnet", journal_options{});
        BOOST_REQUIRE_MESSAGE(opened, "round " << round << ": " << opened.error().message);
        order_store store;
        for (const auto& e : opened->entries) {
            auto r = store.apply(e.event);
            BOOST_TEST(static_cast<bool>(r), "round " << round << " seq " << e.sequence);
        }
        std::size_t missing = 0;
        for (const std::uint64_t i : reported) {
            if (store.find(id_of(i)) == nullptr) ++missing;
        }
        BOOST_TEST(missing == 0U, "round " << round << ": " << missing << " of "
                                           << reported.size() << " journaled orders lost");
        // At most the one order being appended when the kill came is beyond the reports.
        BOOST_TEST(store.size() <= reported.size() + 1);
        BOOST_TEST(store.stats().invalid_events == 0U);
        if (tear) {
            BOOST_TEST(reported.size() == 3U);
            BOOST_TEST(opened->report.truncated(), "round " << round);
            BOOST_TEST((opened->report.reason == tail_damage::partial_record));
        }
        if (opened->report.truncated()) ++truncated_runs;
        BOOST_TEST_MESSAGE("round " << round << ": " << reported.size() << " reported, "
                                    << opened->report.describe());
        total_reported += reported.size();
    }
    BOOST_TEST_MESSAGE(total_reported << " orders reported over 20 kills, " << truncated_runs
                                      << " torn tails truncated");
    BOOST_TEST(total_reported > 0U);
}
