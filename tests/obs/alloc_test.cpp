// Proves the hot path allocation-free: a counting global operator new in this binary sees no
// allocation from increments, sets and observes once the label set's handle exists.
#define BOOST_TEST_MODULE obs_alloc
#include <boost/test/unit_test.hpp>

#include "mmbot/obs/mm_metrics.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions (all forms route through these two).
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*n*/) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t /*n*/) noexcept { std::free(p); }

using namespace mmbot;

BOOST_AUTO_TEST_CASE(hot_path_does_not_allocate) {
    obs::registry reg;
    obs::mm_metrics m(reg);
    auto sym = m.for_symbol("BTCUSDT");
    auto& blocked = m.orders_blocked.with({"BTCUSDT", "cross_price"});
    auto& place_latency = m.execution_latency.with({"place"});
    const auto pnl = core::notional::parse("-12.3456789012345678").value();
    const auto inventory = core::quantity::parse("0.015").value();
    const auto edge = core::bps::parse("3.25").value();
    (void)reg.expose();  // warm up anything lazily sized

    const long before = g_allocations.load();
    for (int i = 0; i < 10000; ++i) {
        sym.placed_buy.inc();
        sym.filled_sell.inc();
        sym.cancelled.inc();
        sym.pnl_realized.set(pnl);
        sym.pnl_unrealized.set(pnl);
        sym.inventory.set(inventory);
        sym.quoted_edge.set(edge);
        sym.market_data_age.set(std::chrono::milliseconds(i));
        blocked.inc();
        place_latency.observe(std::chrono::microseconds(i));
        m.md_messages.inc();
        m.maker_only_enabled.set(true);
        (void)m.set_state("running");
    }
    const long after = g_allocations.load();
    BOOST_TEST(after - before == 0);
    BOOST_TEST(sym.placed_buy.value() == 10000U);
    // The counter above is live: creating a new label set does allocate.
    (void)m.orders_blocked.with({"BTCUSDT", "min_qty"});
    BOOST_TEST(g_allocations.load() > after);
}
