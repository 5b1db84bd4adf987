// tests/venue/sim/counting_new.hpp
//
// Replaces the global operator new with one that counts every heap allocation in the process, so a
// test or benchmark can show that a hot path does not allocate. Include it in exactly ONE source
// file of a binary (it defines the replacement functions).
//
//   const std::uint64_t before = mmbot::test::allocations();
//   hot_path();
//   BOOST_TEST(mmbot::test::allocations() == before);
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace mmbot::test {
inline std::atomic<std::uint64_t> g_allocations{0};
/// Heap allocations so far.
[[nodiscard]] inline std::uint64_t allocations() noexcept {
    return g_allocations.load(std::memory_order_relaxed);
}
}  // namespace mmbot::test

// Not inlined: gcc 12 would otherwise pair the inlined malloc with a sized delete and warn
// (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
    mmbot::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;  // NOLINT(cppcoreguidelines-no-malloc)
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete(void* p, std::size_t /*n*/) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
