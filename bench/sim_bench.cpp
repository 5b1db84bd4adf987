// bench/sim_bench.cpp
//
// The simulated venue and the quoter on their hot paths, with ten resting orders (five bids, five
// asks at the touch and the four levels behind it) on a 50-level BTCUSDT-like book:
//   BM_sim_on_book          on_book with an unchanged book: book-through test + queue per order
//   BM_sim_on_trade         a print at one of our prices per call (queues eaten, partial fills,
//                           filled orders re-placed as the engine would)
//   BM_sim_book_and_trade   one book delta applied + on_book + one print + re-place: the shadow
//                           pipeline's venue share per (book, trade) pair
//   BM_quoter_mid           decision with no live quotes (mid, no skew)
//   BM_quoter_microprice    decision with live quotes, microprice, inventory skew
// Each reports allocs/op, counted by the global operator new of
// tests/venue/sim/counting_new.cpp.
//
//   bazel run -c opt //bench:sim_bench
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/strategy/quoter.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mmbot::test {
/// Heap allocations so far, counted by tests/venue/sim/counting_new.cpp (linked in).
std::uint64_t allocations() noexcept;
}  // namespace mmbot::test

namespace {

using namespace mmbot;
using venue::sim::nanoseconds;

constexpr std::int64_t tick_raw = 10000000;            // 0.1
constexpr std::int64_t touch_bid_raw = 6511420000000;  // 65114.2
constexpr int book_levels = 50;
constexpr int quotes_per_side = 5;

core::price bid_level(int i) { return core::price::from_raw(touch_bid_raw - i * tick_raw); }
core::price ask_level(int i) { return core::price::from_raw(touch_bid_raw + (i + 1) * tick_raw); }
core::quantity lots(std::int64_t thousandths) {
    return core::quantity::from_raw(thousandths * 100000);  // 0.001 units
}

/// Counts events without keeping them; remembers which quote slots filled completely.
struct counting_sink {
    std::uint64_t events = 0;
    std::uint64_t fills = 0;
    std::uint32_t done = 0;  // bit i: quote slot i filled

    void on_ack(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_reject(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_cancel(std::string_view, std::string_view, nanoseconds) { ++events; }
    void on_fill(const venue::sim::fill& f) {
        ++events;
        ++fills;
        if (f.leaves_qty.is_zero()) done |= 1U << static_cast<unsigned>(f.client_order_id[1] - 'a');
    }
};

feed::book_update snapshot() {
    feed::book_update up;
    (void)up.sym.assign("BTCUSDT");
    up.depth = book_levels;
    up.action = feed::book_action::snapshot;
    up.u = 1000;
    for (int i = 0; i < book_levels; ++i) {
        up.bids.push_back({bid_level(i), lots(2000 + 100 * i)});
        up.asks.push_back({ask_level(i), lots(2000 + 100 * i)});
    }
    return up;
}

/// The book, the venue with ten quotes live, and the messages the benchmarks cycle through.
struct rig {
    rig() : deltas(), prints() {
        (void)book.apply(snapshot());
        venue.on_book(book, now, sink);
        for (int i = 0; i < 2 * quotes_per_side; ++i) requote(i);
        venue.advance(now, sink);
        // Deltas: the sizes of the five levels on each side near the touch breathe up and down.
        std::uint64_t u = 1000;
        for (int k = 0; k < 64; ++k) {
            feed::book_update d;
            (void)d.sym.assign("BTCUSDT");
            d.depth = book_levels;
            d.action = feed::book_action::delta;
            d.u = ++u;
            const int lvl = k % quotes_per_side;
            d.bids.push_back({bid_level(lvl), lots(500 + 250 * (k % 7))});
            d.asks.push_back({ask_level(lvl), lots(500 + 250 * ((k + 3) % 7))});
            deltas.push_back(d);
        }
        // Prints at each of our prices in turn, hitting our side.
        for (int i = 0; i < 2 * quotes_per_side; ++i) {
            feed::trade t;
            (void)t.sym.assign("BTCUSDT");
            const bool bid = i < quotes_per_side;
            t.side = bid ? feed::taker_side::sell : feed::taker_side::buy;
            t.px = bid ? bid_level(i) : ask_level(i - quotes_per_side);
            t.qty = lots(300);
            prints.push_back(t);
        }
    }

    void requote(int slot) {
        const bool bid = slot < quotes_per_side;
        req.client_order_id.assign(1, 'q');
        req.client_order_id.push_back(static_cast<char>('a' + slot));
        req.symbol = "BTCUSDT";
        req.side = bid ? core::side::buy : core::side::sell;
        req.price = bid ? bid_level(slot) : ask_level(slot - quotes_per_side);
        req.qty = lots(100);
        venue.place(req, now);
    }
    void requote_filled() {
        for (int i = 0; i < 2 * quotes_per_side; ++i) {
            if ((sink.done >> static_cast<unsigned>(i)) & 1U) requote(i);
        }
        sink.done = 0;
    }

    feed::l2_book book{book_levels};
    venue::sim::simulated_venue venue;
    counting_sink sink;
    venue::sim::place_request req;
    std::vector<feed::book_update> deltas;
    std::vector<feed::trade> prints;
    nanoseconds now{1};
};

void report(benchmark::State& state, std::uint64_t allocs_before, std::uint64_t fills) {
    state.counters["allocs/op"] = benchmark::Counter(
        static_cast<double>(test::allocations() - allocs_before), benchmark::Counter::kAvgIterations);
    state.counters["fills/op"] =
        benchmark::Counter(static_cast<double>(fills), benchmark::Counter::kAvgIterations);
    state.SetItemsProcessed(state.iterations());
}

void BM_sim_on_book(benchmark::State& state) {
    rig r;
    const std::uint64_t before = test::allocations();
    while (state.KeepRunning()) {
        r.now += nanoseconds{1000};
        r.venue.on_book(r.book, r.now, r.sink);
    }
    report(state, before, r.sink.fills);
}
BENCHMARK(BM_sim_on_book);

void BM_sim_on_trade(benchmark::State& state) {
    rig r;
    std::size_t i = 0;
    const std::uint64_t before = test::allocations();
    while (state.KeepRunning()) {
        r.now += nanoseconds{1000};
        r.venue.on_trade(r.prints[i], r.now, r.sink);
        if (r.sink.done != 0) r.requote_filled();
        if (++i == r.prints.size()) i = 0;
    }
    report(state, before, r.sink.fills);
}
BENCHMARK(BM_sim_on_trade);

void BM_sim_book_and_trade(benchmark::State& state) {
    rig r;
    std::size_t d = 0;
    std::size_t p = 0;
    std::uint64_t u = r.book.last_u();
    const std::uint64_t before = test::allocations();
    while (state.KeepRunning()) {
        r.now += nanoseconds{1000};
        feed::book_update& up = r.deltas[d];
        up.u = ++u;  // keep the sequence contiguous as the cycle wraps
        (void)r.book.apply(up);
        r.venue.on_book(r.book, r.now, r.sink);
        r.venue.on_trade(r.prints[p], r.now, r.sink);
        if (r.sink.done != 0) r.requote_filled();
        if (++d == r.deltas.size()) d = 0;
        if (++p == r.prints.size()) p = 0;
    }
    report(state, before, r.sink.fills);
}
BENCHMARK(BM_sim_book_and_trade);

// ----------------------------------------------------------------------------------- quoter

strategy::quoter make_quoter(strategy::fair_price_mode mode) {
    strategy::quoter_params p;
    p.mode = mode;
    p.half_spread = core::bps::from_raw(25000);  // 2.5 bps
    p.order_qty = lots(10);
    p.skew_bps_at_max = core::bps::from_raw(100000);  // 10 bps
    p.max_position = lots(1000);
    p.requote_threshold = core::bps::from_raw(10000);  // 1 bps
    p.max_quote_age = std::chrono::seconds(5);
    return strategy::quoter::make("BTCUSDT", p).value();
}

/// One decision per iteration on a BTCUSDT-like top of book (2 bid x 0.75 ask).
void run_quoter(benchmark::State& state, const strategy::quoter& q, strategy::quoter_input in) {
    in.top = {feed::level{bid_level(0), lots(2000)}, feed::level{ask_level(0), lots(750)}};
    const std::uint64_t before = test::allocations();
    while (state.KeepRunning()) {
        benchmark::DoNotOptimize(in);
        auto d = q.decide(in);
        benchmark::DoNotOptimize(d);
    }
    report(state, before, 0);
}

void BM_quoter_mid(benchmark::State& state) {
    run_quoter(state, make_quoter(strategy::fair_price_mode::mid), {});
}
BENCHMARK(BM_quoter_mid);

void BM_quoter_microprice(benchmark::State& state) {
    strategy::quoter_input in;
    in.position = lots(333);
    in.now = std::chrono::seconds(1);
    in.bid = strategy::live_quote{bid_level(1), bid_level(2), std::chrono::nanoseconds{0}};
    in.ask = strategy::live_quote{ask_level(1), ask_level(2), std::chrono::nanoseconds{0}};
    run_quoter(state, make_quoter(strategy::fair_price_mode::microprice), in);
}
BENCHMARK(BM_quoter_microprice);

}  // namespace

BENCHMARK_MAIN();
