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
//
// Every replaceable allocation form is counted: plain, array, nothrow and over-aligned new (the
// array and nothrow forms of libstdc++ already forward to the plain one, but not every standard
// library does, and aligned new never does). Shared libraries (Boost.JSON, fmt, libstdc++) call
// these replacements too: the executable's definitions win at dynamic link time. Only direct
// malloc() calls from C code escape; //bench:shadow_pipeline_bench documents a cross-check of the
// count against a uprobe on malloc (docs/performance.md).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace mmbot::test {
namespace {
std::atomic<std::uint64_t> g_allocations{0};

void* counted(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;  // NOLINT(cppcoreguidelines-no-malloc)
    throw std::bad_alloc();
}

void* counted_aligned(std::size_t n, std::align_val_t al) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    const auto align = static_cast<std::size_t>(al);
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t size = ((n == 0 ? 1 : n) + align - 1) / align * align;
    if (void* p = std::aligned_alloc(align, size)) return p;  // NOLINT(cppcoreguidelines-no-malloc)
    throw std::bad_alloc();
}
}  // namespace

/// Heap allocations so far.
std::uint64_t allocations() noexcept { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace mmbot::test

// Not inlined: gcc 12 would otherwise pair the inlined malloc with a sized delete and warn
// (-Wmismatched-new-delete).
// NOLINTBEGIN(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void* operator new(std::size_t n) { return mmbot::test::counted(n); }
[[gnu::noinline]] void* operator new[](std::size_t n) { return mmbot::test::counted(n); }
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t& /*tag*/) noexcept {
    try {
        return mmbot::test::counted(n);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t& /*tag*/) noexcept {
    try {
        return mmbot::test::counted(n);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void* operator new(std::size_t n, std::align_val_t al) {
    return mmbot::test::counted_aligned(n, al);
}
[[gnu::noinline]] void* operator new[](std::size_t n, std::align_val_t al) {
    return mmbot::test::counted_aligned(n, al);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t /*n*/) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t /*n*/) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t /*al*/) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t /*n*/, std::align_val_t /*al*/) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t /*al*/) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t /*n*/, std::align_val_t /*al*/) noexcept {
    std::free(p);
}
// NOLINTEND(cppcoreguidelines-no-malloc)
