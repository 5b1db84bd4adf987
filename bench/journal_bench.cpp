// Journal append cost under each fsync policy (docs/journal.md). every_record is bounded by the
// disk's fdatasync latency; interval and none by write(2) and formatting. Also the recovery scan.
// Run: bazel run -c opt //bench:journal_bench  (writes under $TMPDIR or /tmp)
#include <benchmark/benchmark.h>

#include "mmbot/engine/journal.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

using namespace mmbot;
using namespace mmbot::engine;

/// A fresh journal file in a private temporary directory, removed afterwards.
class scratch {
public:
    scratch() {
        // temp_directory_path honours TMPDIR.
        std::string pattern =
            (std::filesystem::temp_directory_path() / "mmbot-jbench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
    }
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    [[nodiscard]] std::string file() const { return (dir_ / "orders.journal").string(); }

private:
    std::filesystem::path dir_;
};

new_order sample(std::uint64_t i) {
    return new_order{"mm-mifk3a2b0x7q-" + std::to_string(i), "BTCUSDT", core::side::buy,
                     core::price::parse("65000.1").value(), core::quantity::parse("0.001").value(),
                     timestamp{static_cast<std::int64_t>(i)}};
}

void append_with(benchmark::State& state, journal_options options) {
    const scratch dir;
    auto opened = journal::open(dir.file(), "testnet", options);
    if (!opened) {
        state.SkipWithError(opened.error().message.c_str());
        return;
    }
    std::uint64_t i = 0;
    while (state.KeepRunning()) {
        auto r = opened->log.append(sample(++i));
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            return;
        }
        benchmark::DoNotOptimize(r);
    }
    state.counters["syncs"] = static_cast<double>(opened->log.sync_count());
    state.counters["bytes_per_record"] =
        static_cast<double>(opened->log.size_bytes()) / static_cast<double>(i == 0 ? 1 : i);
}

void append_every_record(benchmark::State& state) {
    append_with(state, journal_options{fsync_policy::every_record, {}, 0});
}
void append_interval(benchmark::State& state) {
    append_with(state, journal_options{fsync_policy::interval, std::chrono::milliseconds(100), 64});
}
void append_none(benchmark::State& state) {
    append_with(state, journal_options{fsync_policy::none, {}, 0});
}
BENCHMARK(append_every_record)->Unit(benchmark::kMicrosecond)->Iterations(300);
BENCHMARK(append_interval)->Unit(benchmark::kMicrosecond);
BENCHMARK(append_none)->Unit(benchmark::kMicrosecond);

/// Recovery: open (read + CRC + parse) a journal of N records.
void recover(benchmark::State& state) {
    const scratch dir;
    const auto n = static_cast<std::uint64_t>(state.range(0));
    {
        auto opened = journal::open(dir.file(), "testnet", journal_options{fsync_policy::none, {}, 0});
        if (!opened) {
            state.SkipWithError(opened.error().message.c_str());
            return;
        }
        for (std::uint64_t i = 1; i <= n; ++i) (void)opened->log.append(sample(i));
    }
    while (state.KeepRunning()) {
        auto opened = journal::open(dir.file(), "testnet", journal_options{fsync_policy::none, {}, 0});
        benchmark::DoNotOptimize(opened);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(recover)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
