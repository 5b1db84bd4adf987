// mmbot/feed/detail/arena.hpp
//
// A bump allocator for Boost.JSON documents that keeps its blocks between messages.
//
// json::monotonic_resource frees every block but the first on release(), so a feed whose messages
// sometimes outgrow the first block (a 500-level snapshot) would go back to the heap on each of
// them. This arena instead rewinds: reset() makes all retained blocks reusable, and only a message
// larger than anything seen before allocates. Deallocation is a no-op and is declared trivial, so
// Boost.JSON skips walking the document when it is destroyed.
#pragma once

#include <boost/json/memory_resource.hpp>

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace mmbot::feed::detail {

class arena final : public boost::json::memory_resource {
public:
    explicit arena(std::size_t first_block_bytes) { add_block(first_block_bytes); }

    /// Makes every byte handed out so far reusable. Documents allocated before are dead.
    void reset() noexcept {
        current_ = 0;
        used_ = 0;
    }

    /// Bytes held across resets (grows only when a message outgrows all blocks).
    [[nodiscard]] std::size_t reserved_bytes() const noexcept {
        std::size_t total = 0;
        for (const auto& b : blocks_) total += b.size;
        return total;
    }

private:
    struct block {
        std::unique_ptr<std::byte[]> data;
        std::size_t size;
    };

    void add_block(std::size_t bytes) {
        // make_unique would zero the block; the parser writes before it reads.
        blocks_.push_back(block{std::make_unique_for_overwrite<std::byte[]>(bytes), bytes});
    }

    void* do_allocate(std::size_t bytes, std::size_t align) override {
        for (;;) {
            block& b = blocks_[current_];
            const auto base = reinterpret_cast<std::uintptr_t>(b.data.get());
            const std::uintptr_t aligned = (base + used_ + align - 1) & ~(std::uintptr_t{align} - 1);
            const std::size_t offset = static_cast<std::size_t>(aligned - base);
            if (offset + bytes <= b.size) {
                used_ = offset + bytes;
                return b.data.get() + offset;
            }
            if (current_ + 1 == blocks_.size()) {
                // Double so that a run of growing messages needs only a few blocks.
                add_block(std::max(b.size * 2, bytes + align));
            }
            ++current_;
            used_ = 0;
        }
    }

    void do_deallocate(void* /*p*/, std::size_t /*bytes*/, std::size_t /*align*/) override {}

    [[nodiscard]] bool do_is_equal(const memory_resource& other) const noexcept override {
        return this == &other;
    }

    std::vector<block> blocks_;
    std::size_t current_{0};
    std::size_t used_{0};
};

}  // namespace mmbot::feed::detail

template <>
struct boost::json::is_deallocate_trivial<mmbot::feed::detail::arena> : std::true_type {};
