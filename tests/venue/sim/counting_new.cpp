// tests/venue/sim/counting_new.cpp
//
// Replaces the global operator new with one that counts every heap allocation in the process, so a
// test or benchmark can show that a hot path does not allocate. Link it (the cc_library is
// alwayslink) and declare the counter where it is read:
//
//   namespace mmbot::test { std::uint64_t allocations() noexcept; }
//   const std::uint64_t before = mmbot::test::allocations();
//   hot_path();
//   assert(mmbot::test::allocations() == before);
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace mmbot::test {
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

/// Heap allocations so far.
std::uint64_t allocations() noexcept { return g_allocations.load(std::memory_order_relaxed); }
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
