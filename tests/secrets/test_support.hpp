// tests/secrets/test_support.hpp
//
// Shared fixtures for the secrets tests: a canary secret that must never be printed, a scratch
// directory under $TEST_TMPDIR, and a file writer that sets the mode.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace mmbot::secrets::test {

/// The canary: if this string shows up in any output, a secret leaked.
inline constexpr std::string_view canary = "CANARY-SECRET-d3adb33f-0123456789";
inline constexpr std::string_view canary_masked = "****";
inline constexpr std::string_view other_key = "1234567890abcdef";
inline constexpr std::string_view other_key_masked = "****cdef";

/// A fresh directory under $TEST_TMPDIR (or /tmp), unique per call.
inline std::filesystem::path scratch_dir() {
    static std::atomic<int> counter{0};
    const char* base = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe)
    std::filesystem::path dir = base != nullptr ? base : "/tmp";
    dir /= "secrets_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

/// Writes `content` to `path` and sets its permission bits to `mode`.
inline void write_file(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
    }
    ::chmod(path.c_str(), mode);
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace mmbot::secrets::test
