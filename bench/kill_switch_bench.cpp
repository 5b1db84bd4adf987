// bench/kill_switch_bench.cpp
//
// Kill switch → cancel-all on the wire, inside the process (issue 8: target ≤ 1 ms; the
// predecessor's bar was < 1 s). Each round: quotes resting on N symbols (2N open orders, acked),
// then the main loop's kill path: the kill switch is polled (SIGUSR1 flag already raised), the
// loop freezes, and the venue's cancel_all is called for each symbol. Measured from just before
// the poll to the moment the last symbol's cancel_all request is handed to the venue (for the
// Bybit adapter that call writes the signed request). The journal syncs nothing (fsync off), as
// the latency of the disk is not the switch's.
//
//   bazel run -c opt //bench:kill_switch_bench
#include "mmbot/app/kill_switch.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/risk/checks.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace mmbot;
using namespace std::chrono_literals;

namespace {

using wall = std::chrono::steady_clock;
constexpr int kill_signal = SIGUSR1;  // a named constant: clang-tidy 14 crashes on a macro argument

/// Notes when each cancel_all reaches it; acks places straight back through the loop later.
struct recording_venue {
    std::vector<std::string> placed;
    std::vector<wall::time_point> cancel_all_at;
    void place(const venue::order_request& r, std::chrono::nanoseconds /*now*/) {
        placed.emplace_back(r.client_order_id);
    }
    void cancel(std::string_view /*symbol*/, std::string_view /*id*/, std::chrono::nanoseconds /*now*/) {}
    void cancel_all(std::string_view /*symbol*/, std::chrono::nanoseconds /*now*/) {
        cancel_all_at.push_back(wall::now());
    }
};

using gate_t = risk::gate<risk::stale_market_data, risk::price_band, risk::inventory_limit,
                          risk::edge_floor, risk::loss_limit>;
using logger_t = obs::json_logger<obs::fake_clock>;
using loop_t = engine::execution_loop<recording_venue, gate_t, logger_t>;

core::price P(std::string_view s) { return core::price::parse(s).value(); }
core::quantity Q(std::string_view s) { return core::quantity::parse(s).value(); }

void kill_to_cancel_all(benchmark::State& state) {
    const auto symbols = static_cast<int>(state.range(0));
    const auto dir = std::filesystem::temp_directory_path() / "mmbot-kill-bench";
    std::filesystem::create_directories(dir);
    auto journal = engine::journal::open((dir / "journal.log").string(), "testnet", {}).value().log;
    obs::fake_clock clock{std::chrono::seconds(1'700'000'000)};
    // Log lines go to /dev/null through the same file sink (one write + flush per line) a run uses.
    std::FILE* devnull = std::fopen("/dev/null", "w");
    if (devnull == nullptr) {
        state.SkipWithError("cannot open /dev/null");
        return;
    }
    obs::file_sink sink{devnull};
    logger_t log{sink, clock, obs::log_level::info};
    obs::registry registry;
    obs::mm_metrics metrics{registry};
    recording_venue venue;

    std::map<std::string, engine::symbol_setup, std::less<>> setups;
    std::vector<std::string> names;
    for (int i = 0; i < symbols; ++i) {
        engine::symbol_setup s;
        s.filters = core::make_filters({.symbol = "SYM" + std::to_string(i), .tick_size = "0.10",
                                         .qty_step = "0.001", .min_qty = "0.001", .max_qty = "100",
                                         .min_notional = "5", .min_price = "0.10",
                                         .max_price = "1999999.80"})
                        .value();
        s.quoting.half_spread = core::bps::parse("5").value();
        s.quoting.order_qty = Q("0.01");
        s.quoting.max_position = Q("0.1");
        s.quoting.requote_threshold = core::bps::parse("2").value();
        s.limits.max_position_qty = Q("0.1");
        s.limits.price_band_bps = core::bps::parse("100").value();
        names.push_back("SYM" + std::to_string(i));
        setups.emplace(names.back(), s);
    }
    loop_t loop(venue, journal, engine::order_store{}, engine::position_book{}, engine::engine_options{},
                setups, metrics, log,
                engine::client_order_id_generator::for_run(clock.now(), 7));
    loop.start(clock.now());
    app::install_signal_handlers();
    app::kill_switch ks{""};
    const strategy::market_top top{feed::level{P("50000.0"), Q("1")}, feed::level{P("50000.1"), Q("1")}};

    std::vector<double> samples_ns;
    while (state.KeepRunning()) {
        state.PauseTiming();
        // Quote every symbol, ack every order, then raise the signal.
        clock.advance(100ms);
        venue.placed.clear();
        venue.cancel_all_at.clear();
        for (const auto& n : names) loop.on_book(n, top, clock.now());
        for (const auto& id : venue.placed) loop.on_ack(id, "v-" + id, clock.now());
        std::raise(kill_signal);
        state.ResumeTiming();

        const auto t0 = wall::now();
        if (const auto why = ks.poll()) loop.freeze(*why, clock.now());
        const auto t1 = venue.cancel_all_at.empty() ? t0 : venue.cancel_all_at.back();

        state.PauseTiming();
        if (venue.cancel_all_at.size() != names.size()) {
            state.SkipWithError("cancel_all did not reach every symbol");
            break;
        }
        samples_ns.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
        for (const auto& id : venue.placed) loop.on_cancel(id, "kill", clock.now());
        (void)loop.unfreeze(clock.now());
        state.ResumeTiming();
    }
    if (!samples_ns.empty()) {
        std::sort(samples_ns.begin(), samples_ns.end());
        const auto at = [&](double q) {
            return samples_ns[std::min(samples_ns.size() - 1,
                                       static_cast<std::size_t>(q * static_cast<double>(samples_ns.size())))];
        };
        state.counters["p50_us"] = at(0.50) / 1000.0;
        state.counters["p99_us"] = at(0.99) / 1000.0;
        state.counters["max_us"] = samples_ns.back() / 1000.0;
        state.counters["open_orders"] = static_cast<double>(2 * symbols);
    }
    std::filesystem::remove_all(dir);
    (void)std::fclose(devnull);
}

}  // namespace

BENCHMARK(kill_to_cancel_all)->Arg(1)->Arg(8)->Arg(64)->Iterations(2000)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    try {
        benchmark::Initialize(&argc, argv);
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        return 0;
    } catch (const std::exception& e) {
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
        return 1;
    }
}
