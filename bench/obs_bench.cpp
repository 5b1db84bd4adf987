// Observability hot path: what the trading loop pays per metric update once handles exist.
// Run: bazel run -c opt //bench:obs_bench
#include "mmbot/obs/json_log.hpp"
#include "mmbot/obs/mm_metrics.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace {

using namespace mmbot;

void bm_counter_inc(benchmark::State& state) {
    obs::registry reg;
    auto& c = reg.add_counter("c_total", "c", {"symbol", "side"}).with({"BTCUSDT", "BUY"});
    for (auto _ : state) {
        (void)_;
        c.inc();
    }
    benchmark::DoNotOptimize(c.value());
}
BENCHMARK(bm_counter_inc)->ThreadRange(1, 2);

void bm_histogram_observe(benchmark::State& state) {
    obs::registry reg;
    auto& h = reg.add_histogram("lat_seconds", "l", {"operation"}, obs::execution_latency_buckets)
                  .with({"place"});
    std::int64_t ns = 0;
    for (auto _ : state) {
        (void)_;
        h.observe(std::chrono::nanoseconds(ns));
        ns = (ns + 137'777) % 3'000'000'000;  // walk across all buckets
    }
    benchmark::DoNotOptimize(h.count());
}
BENCHMARK(bm_histogram_observe)->ThreadRange(1, 2);

void bm_decimal_gauge_set_int64(benchmark::State& state) {
    obs::registry reg;
    auto& g = reg.add_decimal_gauge<core::quantity_unit>("inv", "i", {"symbol"}).with({"BTCUSDT"});
    auto q = core::quantity::from_raw(1);
    for (auto _ : state) {
        (void)_;
        g.set(q);
        q = core::quantity::from_raw(q.raw() + 1);
    }
    benchmark::DoNotOptimize(g.value());
}
BENCHMARK(bm_decimal_gauge_set_int64);

void bm_decimal_gauge_set_notional(benchmark::State& state) {
    obs::registry reg;
    auto& g = reg.add_decimal_gauge<core::notional_unit>("pnl", "p", {"symbol"}).with({"BTCUSDT"});
    const auto pnl = core::notional::parse("-1234.5678901234567891").value();
    for (auto _ : state) {
        (void)_;
        g.set(pnl);
    }
    benchmark::DoNotOptimize(g.value());
}
BENCHMARK(bm_decimal_gauge_set_notional);

void bm_with_lookup(benchmark::State& state) {
    // The start-up path, for contrast: why handles are resolved once and kept.
    obs::registry reg;
    auto& fam = reg.add_counter("c_total", "c", {"symbol", "side"});
    (void)fam.with({"BTCUSDT", "BUY"});
    for (auto _ : state) {
        (void)_;
        benchmark::DoNotOptimize(&fam.with({"BTCUSDT", "BUY"}));
    }
}
BENCHMARK(bm_with_lookup);

void bm_expose_mm_metrics(benchmark::State& state) {
    obs::registry reg;
    obs::mm_metrics m(reg);
    for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
        auto sym = m.for_symbol(s);
        sym.placed_buy.inc();
    }
    (void)m.execution_latency.with({"place"});
    std::string out;
    for (auto _ : state) {
        (void)_;
        out.clear();
        reg.write(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(bm_expose_mm_metrics);

void bm_json_log_line(benchmark::State& state) {
    obs::fake_clock clock;
    obs::string_sink sink;
    obs::json_logger log(sink, clock);
    const auto px = core::price::parse("65114.2").value();
    for (auto _ : state) {
        (void)_;
        sink.clear();
        log.warn("order_blocked", {{"symbol", "BTCUSDT"}, {"reason", "cross_price"}, {"price", px}, {"n", 3}});
    }
}
BENCHMARK(bm_json_log_line);

}  // namespace

BENCHMARK_MAIN();
