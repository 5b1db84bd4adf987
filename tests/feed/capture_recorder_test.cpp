// --record's writer (feed/capture_recorder.hpp) and the replay of what it wrote
// (feed/capture_file.hpp reading gzip): frames come back byte for byte with their receive times,
// files rotate by size and by hour, a flushed prefix of an unfinished file replays, a full queue
// drops and counts instead of waiting, corrupt gzip is a read error.
#define BOOST_TEST_MODULE capture_recorder
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/capture_recorder.hpp"
#include "mmbot/feed/replay.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace mmbot::feed;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the test's temp dir.
std::string fresh_dir(const std::string& name) {
    const char* tmp = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe)
    const fs::path p = fs::path(tmp != nullptr ? tmp : "/tmp") / name;
    fs::remove_all(p);
    return p.string();
}

/// Frame n: a trade message whose id is n, `pad` bytes of padding in the id field.
std::string frame(int n, std::size_t pad = 0) {
    return fmt::format(R"({{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":{},"data":[{{"T":{},"s":"BTCUSDT",)"
                       R"("S":"Buy","v":"0.001","p":"65000.10","i":"{}{}","BT":false}}]}})",
                       1'786'310'818'000 + n, 1'786'310'818'000 + n, n, std::string(pad, 'x'));
}

struct replayed {
    std::vector<std::int64_t> recv;
    std::uint64_t messages = 0;
    std::uint64_t malformed = 0;
    bool error = false;
    std::string error_text;
    bool truncated = false;
};

replayed replay_file(const std::string& path) {
    replayed out;
    capture_file f;
    BOOST_TEST_REQUIRE(f.open(path).has_value());
    replay_reader r(f);
    replay_event ev;
    while (r.next(ev)) out.recv.push_back(ev.recv_ts_ns.value_or(-1));
    out.messages = r.stats().messages;
    out.malformed = r.stats().malformed_lines;
    out.error = r.error().has_value();
    if (r.error()) out.error_text = r.error()->message;
    out.truncated = f.truncated();
    return out;
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

constexpr std::int64_t t0 = 1'786'310'818'000'000'000;  // 2026-08-09T21:26:58Z

}  // namespace

BOOST_AUTO_TEST_CASE(frames_come_back_byte_for_byte_with_their_receive_times) {
    const auto dir = fresh_dir("roundtrip");
    auto rec = capture_recorder::open({.dir = dir});
    BOOST_TEST_REQUIRE(rec.has_value());
    for (int i = 0; i < 500; ++i) (*rec)->record(t0 + i * 1000, frame(i));
    (*rec)->close();
    const auto st = (*rec)->stats();
    BOOST_TEST(st.frames_recorded == 500U);
    BOOST_TEST(st.frames_dropped == 0U);
    BOOST_TEST(st.files == 1U);
    BOOST_TEST(st.bytes_out < st.bytes_in);  // compressed
    const auto files = files_in(dir);
    BOOST_TEST_REQUIRE(files.size() == 1U);
    BOOST_TEST(fs::path(files[0]).filename().string() == "capture-20260809T212658Z-000.jsonl.gz");

    const auto r = replay_file(files[0]);
    BOOST_TEST(!r.error);
    BOOST_TEST(!r.truncated);
    BOOST_TEST(r.malformed == 0U);
    BOOST_TEST_REQUIRE(r.recv.size() == 500U);
    for (int i = 0; i < 500; ++i) BOOST_TEST(r.recv[static_cast<std::size_t>(i)] == t0 + i * 1000);

    // The decompressed text is exactly the wrapped form around the frame's bytes.
    capture_file f;
    BOOST_TEST_REQUIRE(f.open(files[0]).has_value());
    std::string first;
    std::getline(f.stream(), first);
    BOOST_TEST(f.compressed());
    BOOST_TEST(first == fmt::format(R"({{"recv_ts_ns":{},"msg":{}}})", t0, frame(0)));
}

BOOST_AUTO_TEST_CASE(files_rotate_by_size_and_the_parts_replay_in_name_order) {
    const auto dir = fresh_dir("by_size");
    // Incompressible padding would be faster to fill; repeated text compresses ~20x, so 4 KiB of
    // gzip takes a few hundred frames.
    auto rec = capture_recorder::open({.dir = dir, .max_file_bytes = 4096, .flush_interval = std::chrono::milliseconds(1)});
    BOOST_TEST_REQUIRE(rec.has_value());
    for (int i = 0; i < 3000; ++i) {
        (*rec)->record(t0 + i, frame(i));
        if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));  // let flushes happen
    }
    (*rec)->close();
    const auto files = files_in(dir);
    BOOST_TEST(files.size() >= 2U);
    BOOST_TEST(files.size() == (*rec)->stats().files);
    BOOST_TEST(files == (*rec)->files());  // same second: -000, -001, ... sort in order
    std::vector<std::int64_t> all;
    for (const auto& f : files) {
        const auto r = replay_file(f);
        BOOST_TEST(!r.error);
        all.insert(all.end(), r.recv.begin(), r.recv.end());
    }
    BOOST_TEST_REQUIRE(all.size() == 3000U);
    for (int i = 0; i < 3000; ++i) BOOST_TEST(all[static_cast<std::size_t>(i)] == t0 + i);
}

BOOST_AUTO_TEST_CASE(files_rotate_when_the_utc_hour_changes) {
    const auto dir = fresh_dir("by_hour");
    constexpr std::int64_t hour = std::int64_t{3600} * 1'000'000'000;
    const std::int64_t before = (t0 / hour + 1) * hour - 1;  // 21:59:59.999999999
    auto rec = capture_recorder::open({.dir = dir});
    BOOST_TEST_REQUIRE(rec.has_value());
    (*rec)->record(before - 5, frame(1));
    (*rec)->record(before, frame(2));
    (*rec)->record(before + 1, frame(3));  // 22:00:00
    (*rec)->close();
    const auto files = files_in(dir);
    BOOST_TEST_REQUIRE(files.size() == 2U);
    BOOST_TEST(fs::path(files[0]).filename().string() == "capture-20260809T215959Z-000.jsonl.gz");
    BOOST_TEST(fs::path(files[1]).filename().string() == "capture-20260809T220000Z-000.jsonl.gz");
    BOOST_TEST(replay_file(files[0]).recv.size() == 2U);
    BOOST_TEST(replay_file(files[1]).recv.size() == 1U);
}

BOOST_AUTO_TEST_CASE(an_unfinished_file_replays_up_to_its_last_flush) {
    // What a crash leaves: the recorder still running (no gzip trailer), the frames flushed.
    const auto dir = fresh_dir("unfinished");
    auto rec = capture_recorder::open({.dir = dir, .flush_interval = std::chrono::milliseconds(50)});
    BOOST_TEST_REQUIRE(rec.has_value());
    for (int i = 0; i < 100; ++i) (*rec)->record(t0 + i, frame(i));
    replayed r;
    // Polls, not a timed assertion: the flush is due 50 ms after the frames; allow 10 s.
    for (int tries = 0; tries < 1000 && r.recv.size() < 100U; ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const auto files = files_in(dir);
        if (files.size() == 1U) r = replay_file(files[0]);
    }
    BOOST_TEST(r.recv.size() == 100U);
    BOOST_TEST(r.truncated);  // no trailer yet: a cut-short member, read as the end
    BOOST_TEST(!r.error);
    (*rec)->close();
    BOOST_TEST(!replay_file(files_in(dir)[0]).truncated);
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_and_counts_instead_of_waiting) {
    detail::frame_ring ring(1024);
    BOOST_TEST(ring.capacity() == 1024U);
    const std::string f(100, 'a');
    int pushed = 0;
    while (ring.push(t0, f)) ++pushed;
    BOOST_TEST(pushed == 1024 / (100 + static_cast<int>(detail::frame_ring::header)));
    std::string scratch;
    int drained = 0;
    ring.drain(scratch, [&](std::int64_t ns, std::string_view got) {
        BOOST_TEST(ns == t0);
        BOOST_TEST(got == f);
        ++drained;
    });
    BOOST_TEST(drained == pushed);
    BOOST_TEST(ring.push(t0, f));  // room again, across the end of the buffer

    const auto dir = fresh_dir("drops");
    auto rec = capture_recorder::open({.dir = dir, .queue_bytes = 1024});
    BOOST_TEST_REQUIRE(rec.has_value());
    (*rec)->record(t0, frame(1, 2000));  // larger than the whole queue: dropped at once
    (*rec)->record(t0 + 1, frame(2));
    (*rec)->close();
    BOOST_TEST((*rec)->stats().frames_dropped == 1U);
    BOOST_TEST((*rec)->stats().frames_recorded == 1U);
}

BOOST_AUTO_TEST_CASE(a_line_break_inside_a_frame_does_not_split_the_line) {
    const auto dir = fresh_dir("newline");
    auto rec = capture_recorder::open({.dir = dir});
    BOOST_TEST_REQUIRE(rec.has_value());
    std::string f = frame(7);
    f.insert(1, "\n");
    (*rec)->record(t0, f);
    (*rec)->close();
    const auto r = replay_file(files_in(dir)[0]);
    BOOST_TEST(r.recv.size() == 1U);
    BOOST_TEST(r.malformed == 0U);
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_is_a_read_error_not_an_end_of_file) {
    const auto dir = fresh_dir("corrupt");
    auto rec = capture_recorder::open({.dir = dir});
    BOOST_TEST_REQUIRE(rec.has_value());
    for (int i = 0; i < 50; ++i) (*rec)->record(t0 + i, frame(i, static_cast<std::size_t>(i)));
    (*rec)->close();
    const auto path = files_in(dir)[0];
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    for (std::size_t i = 20; i < 60 && i < bytes.size(); ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    const auto r = replay_file(path);
    BOOST_TEST(r.error);
    BOOST_TEST(r.error_text.find("read failed: gzip: ") != std::string::npos, r.error_text);
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_be_made_names_itself) {
    const auto r = capture_recorder::open({.dir = "/proc/no/such/dir"});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == errc::record_failed);
    BOOST_TEST(r.error().message.starts_with(R"(--record: cannot create "/proc/no/such/dir": )"), r.error().message);
}
