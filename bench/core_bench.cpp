// Benchmarks for the money path's primitives: decimal parse and print, the post-only price and
// quantity rounding. Target: each under 50 ns/op. Run: bazel run -c opt //bench:core_bench
#include <benchmark/benchmark.h>

#include "mmbot/core/units.hpp"
#include "mmbot/policy/maker_policy.hpp"

#include <array>
#include <string_view>

namespace {

using namespace mmbot;

constexpr std::array<std::string_view, 8> venue_prices = {
    "65114.20", "0.00001", "3000.01", "0.00012345", "1999999.80", "49992.5", "0.1", "123456.789"};

void parse_price(benchmark::State& state) {
    std::size_t i = 0;
    while (state.KeepRunning()) {
        auto p = core::price::parse(venue_prices[i++ & 7U]);
        benchmark::DoNotOptimize(p);
    }
}
BENCHMARK(parse_price);

void print_price(benchmark::State& state) {
    std::array<core::price, 8> values{};
    for (std::size_t k = 0; k < values.size(); ++k) {
        values[k] = core::price::parse(venue_prices[k]).value();
    }
    std::array<char, core::max_decimal_chars> buf{};
    std::size_t i = 0;
    while (state.KeepRunning()) {
        const std::size_t n = values[i++ & 7U].to_chars(buf.data(), 2);
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(buf.data());
    }
}
BENCHMARK(print_price);

void post_only_price(benchmark::State& state) {
    const auto tick = core::price::parse("0.1").value();
    const auto offset = core::bps::parse("1.5").value();
    auto ref = core::price::parse("65114.23").value();
    const auto step = core::price::from_raw(1234567);
    std::size_t i = 0;
    while (state.KeepRunning()) {
        const auto s = (i++ & 1U) != 0U ? core::side::buy : core::side::sell;
        auto p = policy::calc_post_only_price(s, ref, offset, tick);
        benchmark::DoNotOptimize(p);
        ref += step;  // a moving reference, so nothing is hoisted
    }
}
BENCHMARK(post_only_price);

void round_qty(benchmark::State& state) {
    const auto step = core::quantity::parse("0.001").value();
    auto qty = core::quantity::parse("0.123456").value();
    const auto bump = core::quantity::from_raw(777);
    while (state.KeepRunning()) {
        auto q = policy::round_qty(qty, step);
        benchmark::DoNotOptimize(q);
        qty += bump;
    }
}
BENCHMARK(round_qty);

void decide_full_policy(benchmark::State& state) {
    const auto filters = core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.1",
                                              .qty_step = "0.001", .min_qty = "0.001",
                                              .max_qty = "1190", .min_notional = "5",
                                              .min_price = "0.1", .max_price = "1999999.8"})
                             .value();
    const policy::maker_params params;
    const auto qty = core::quantity::parse("0.0123").value();
    policy::top_of_book top{core::price::parse("65114.2").value(),
                            core::price::parse("65114.3").value()};
    std::size_t i = 0;
    while (state.KeepRunning()) {
        const auto s = (i++ & 1U) != 0U ? core::side::buy : core::side::sell;
        auto d = policy::decide(params, filters, s, qty, top);
        benchmark::DoNotOptimize(d);
    }
}
BENCHMARK(decide_full_policy);

/// The same post-only arithmetic through the compiler's native __int128, for comparison with the
/// Boost.Multiprecision intermediates the policy uses.
void post_only_price_native_int128(benchmark::State& state) {
    __extension__ typedef __int128 int128;  // NOLINT(modernize-use-using): needs typedef
    const int128 d = 100000000;
    const int128 tick = 10000000;
    int128 ref = 6511423000000;
    while (state.KeepRunning()) {
        const int128 num = ref * (d - 15000);
        const int128 q = core::detail::div_floor(num, int128(d * tick));
        int128 p = q * tick;
        benchmark::DoNotOptimize(p);
        ref += 1234567;
    }
}
BENCHMARK(post_only_price_native_int128);

void multiply_price_qty_to_notional(benchmark::State& state) {
    auto p = core::price::parse("65114.2").value();
    const auto q = core::quantity::parse("0.0123").value();
    while (state.KeepRunning()) {
        auto n = p * q;
        benchmark::DoNotOptimize(n);
        p += core::price::from_raw(1);
    }
}
BENCHMARK(multiply_price_qty_to_notional);

}  // namespace

BENCHMARK_MAIN();
