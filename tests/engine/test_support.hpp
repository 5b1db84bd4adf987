// tests/engine/test_support.hpp
//
// Helpers shared by the engine tests: a private temporary directory (under Bazel's TEST_TMPDIR
// when set) and terse constructors for decimals and order events.
#pragma once

#include "mmbot/core/units.hpp"
#include "mmbot/engine/order.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace mmbot::engine {
// Printers so BOOST_TEST can show enum operands when a comparison fails.
inline std::ostream& operator<<(std::ostream& os, order_status s) { return os << to_string(s); }
}  // namespace mmbot::engine

namespace mmbot::engine::test {

inline core::price px(std::string_view s) { return core::price::parse(s).value(); }
inline core::quantity qt(std::string_view s) { return core::quantity::parse(s).value(); }
inline core::notional nt(std::string_view s) { return core::notional::parse(s).value(); }
inline core::ratio rt(std::string_view s) { return core::ratio::parse(s).value(); }

inline timestamp at_ms(std::int64_t ms) { return std::chrono::milliseconds(ms); }

inline new_order place(std::string id, side s, std::string_view price, std::string_view qty,
                       std::string symbol = "BTCUSDT", std::int64_t ms = 1) {
    return new_order{std::move(id), std::move(symbol), s, px(price), qt(qty), at_ms(ms)};
}

inline order_fill fill(std::string id, std::string exec, side s, std::string_view price,
                       std::string_view qty, std::string symbol = "BTCUSDT",
                       std::string_view fee = "0", std::int64_t ms = 2) {
    return order_fill{std::move(id), std::move(exec), std::move(symbol), s, px(price), qt(qty),
                      nt(fee), at_ms(ms)};
}

/// A fresh empty directory, removed with its contents on destruction.
class temp_dir {
public:
    temp_dir() {
        const char* base = std::getenv("TEST_TMPDIR");
        std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/mmbot-engine-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    [[nodiscard]] std::string file(std::string_view name) const {
        return (path_ / std::string(name)).string();
    }

private:
    std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace mmbot::engine::test
