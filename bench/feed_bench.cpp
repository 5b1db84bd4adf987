// bench/feed_bench.cpp
//
// Market-data hot path over the bundled sample (data/sample/bybit_btcusdt_sample.jsonl):
//   BM_decode_book_delta   parse + decode one orderbook delta (no book)
//   BM_apply_book_delta    apply one pre-decoded delta to an l2_book (no parsing)
//   BM_decode_apply_book   decode + apply, cycling through the BTCUSDT book stream in order
//   BM_replay_sample       the whole capture through replay_reader (every message kind)
// Each reports items/s (messages/s) and allocs/msg, counted by the global operator new below, to
// show that the steady state does not touch the heap.
//
//   bazel run -c opt //bench:feed_bench
#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/replay.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// Every heap allocation is counted by the replaced operator new in //tests/venue/sim:counting_new.
namespace mmbot::test {
std::uint64_t allocations() noexcept;
}

namespace {

using namespace mmbot::feed;

struct sample {
    std::string text;                  // the whole capture
    std::vector<std::string> book;     // BTCUSDT orderbook lines, in order (snapshot first)
    std::vector<std::string> deltas;   // BTCUSDT orderbook deltas only
};

const sample& load() {
    static const sample s = [] {
        sample out;
        std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl");
        if (!in) return out;  // empty: every benchmark skips with a message
        std::ostringstream all;
        all << in.rdbuf();
        out.text = all.str();
        std::istringstream lines(out.text);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.find(R"("topic":"orderbook.50.BTCUSDT")") == std::string::npos) continue;
            out.book.push_back(line);
            if (line.find(R"("type":"delta")") != std::string::npos) out.deltas.push_back(line);
        }
        return out;
    }();
    return s;
}

/// False (and the benchmark skipped) when the sample could not be read.
bool have_sample(benchmark::State& state) {
    if (!load().book.empty()) return true;
    state.SkipWithError("data/sample not found: run with `bazel run -c opt //bench:feed_bench`");
    return false;
}

void report_allocs(benchmark::State& state, std::uint64_t before) {
    state.counters["allocs/msg"] = benchmark::Counter(
        static_cast<double>(mmbot::test::allocations() - before), benchmark::Counter::kAvgIterations);
    state.SetItemsProcessed(state.iterations());
}

void BM_decode_book_delta(benchmark::State& state) {
    if (!have_sample(state)) return;
    const auto& deltas = load().deltas;
    bybit_public_codec codec;
    decoded_message msg;
    for (const auto& d : deltas) (void)codec.decode(d, msg);  // warm the buffers
    std::size_t i = 0;
    const std::uint64_t before = mmbot::test::allocations();
    while (state.KeepRunning()) {
        auto r = codec.decode(deltas[i], msg);
        benchmark::DoNotOptimize(r);
        if (++i == deltas.size()) i = 0;
    }
    report_allocs(state, before);
}
BENCHMARK(BM_decode_book_delta);

void BM_apply_book_delta(benchmark::State& state) {
    if (!have_sample(state)) return;
    const auto& lines = load().book;
    bybit_public_codec codec;
    std::vector<book_update> updates;
    decoded_message msg;
    for (const auto& l : lines) {
        if (codec.decode(l, msg)) updates.push_back(msg.book);
    }
    l2_book book(50);
    for (const auto& u : updates) (void)book.apply(u);
    std::size_t i = 0;
    const std::uint64_t before = mmbot::test::allocations();
    while (state.KeepRunning()) {
        auto s = book.apply(updates[i]);
        benchmark::DoNotOptimize(s);
        if (++i == updates.size()) i = 0;  // the stream starts with a snapshot: a clean restart
    }
    report_allocs(state, before);
}
BENCHMARK(BM_apply_book_delta);

void BM_decode_apply_book(benchmark::State& state) {
    if (!have_sample(state)) return;
    const auto& lines = load().book;
    bybit_public_codec codec;
    decoded_message msg;
    l2_book book(50);
    for (const auto& l : lines) {
        if (codec.decode(l, msg)) (void)book.apply(msg.book);
    }
    std::size_t i = 0;
    const std::uint64_t before = mmbot::test::allocations();
    while (state.KeepRunning()) {
        if (codec.decode(lines[i], msg)) {
            auto s = book.apply(msg.book);
            benchmark::DoNotOptimize(s);
        }
        if (++i == lines.size()) i = 0;
    }
    report_allocs(state, before);
    if (book.counters().gaps != 0) state.SkipWithError("unexpected gap");
}
BENCHMARK(BM_decode_apply_book);

void BM_replay_sample(benchmark::State& state) {
    if (!have_sample(state)) return;
    const std::string& text = load().text;
    std::uint64_t messages = 0;
    std::uint64_t book_updates = 0;
    while (state.KeepRunning()) {
        std::istringstream in(text);
        replay_reader replay(in);
        replay_event ev;
        while (replay.next(ev)) benchmark::DoNotOptimize(ev.event_time_ns);
        messages += replay.stats().messages;
        book_updates += replay.stats().book_updates;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
    state.counters["book_updates/s"] =
        benchmark::Counter(static_cast<double>(book_updates), benchmark::Counter::kIsRate);
    state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_replay_sample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
