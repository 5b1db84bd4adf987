// fuzz/fuzz_input.hpp
//
// Carves typed values out of a fuzzer's byte string, front to back, so that each target can ask
// for "an int64 in [lo, hi]" without caring how many bytes are left (missing bytes read as zero).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mmbot::fuzz {

class input {
public:
    input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    /// A value in [lo, hi] (lo <= hi) built from the next eight bytes.
    [[nodiscard]] std::int64_t in_range(std::int64_t lo, std::int64_t hi) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            v = (v << 8U) | next_byte();
        }
        const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
        if (span == UINT64_MAX) return static_cast<std::int64_t>(v);
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + v % (span + 1U));
    }
    [[nodiscard]] bool flag() { return (next_byte() & 1U) != 0U; }

private:
    std::uint8_t next_byte() {
        if (pos_ >= size_) return 0;
        return data_[pos_++];
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace mmbot::fuzz
