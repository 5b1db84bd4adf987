// mmbot/obs/detail/seqlock.hpp
//
// A sequence-locked cell of a few 64-bit words, for gauge values wider than one atomic word (a
// 128-bit notional PnL). Readers never block a writer and never see a torn value: they retry
// when a write overlapped. Writers take the odd sequence number with a CAS, so two writers of
// the same cell serialize on each other only (the expected case is one writer: the trading
// loop). Nothing allocates.
//
//   seqlock_cell<3> cell;
//   cell.store({sign, hi, lo});
//   auto words = cell.load();
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mmbot::obs::detail {

template <std::size_t Words>
class seqlock_cell {
public:
    using words = std::array<std::uint64_t, Words>;

    void store(const words& w) noexcept {
        std::uint64_t s = seq_.load(std::memory_order_relaxed);
        for (;;) {
            if ((s & 1U) == 0U &&
                seq_.compare_exchange_weak(s, s + 1U, std::memory_order_relaxed)) {
                break;
            }
            s = seq_.load(std::memory_order_relaxed);
        }
        // The release fence orders "sequence is odd" before the data stores: a reader that sees
        // any new word also sees the odd (or a later) sequence number and retries.
        std::atomic_thread_fence(std::memory_order_release);
        for (std::size_t i = 0; i < Words; ++i) {
            words_[i].store(w[i], std::memory_order_relaxed);
        }
        seq_.store(s + 2U, std::memory_order_release);
    }

    [[nodiscard]] words load() const noexcept {
        words w{};
        for (;;) {
            const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
            if ((s1 & 1U) != 0U) {
                continue;
            }
            for (std::size_t i = 0; i < Words; ++i) {
                w[i] = words_[i].load(std::memory_order_relaxed);
            }
            std::atomic_thread_fence(std::memory_order_acquire);
            if (seq_.load(std::memory_order_relaxed) == s1) {
                return w;
            }
        }
    }

private:
    std::atomic<std::uint64_t> seq_{0};
    std::array<std::atomic<std::uint64_t>, Words> words_{};
};

}  // namespace mmbot::obs::detail
