// build_support/fuzz/replay_main.cpp
//
// A stand-in for libFuzzer's driver: runs LLVMFuzzerTestOneInput once on the empty input and once
// on every file named on the command line (directories are walked, in sorted order).
//
// It lets every fuzz target double as an ordinary `bazel test` under the default compiler (gcc),
// replaying its seed corpus without clang or libFuzzer. A property violation in the target
// (`__builtin_trap()`, `abort()`, a sanitizer report under --config=asan) ends the process and so
// fails the test; the input being run is printed first so the log names the culprit. Each input is
// copied into a heap buffer of exactly its size, as libFuzzer does, so AddressSanitizer catches
// reads past the end.
//
//   bazel-bin/fuzz/example_decimal_parse_replay fuzz/corpus/example_decimal_parse
//   bazel-bin/fuzz/example_decimal_parse_replay crash-5f1c...   # reproduce one libFuzzer finding
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional in libFuzzer too: a target may define it to set itself up once.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

/// Runs the target on `bytes` placed in an allocation of exactly their size.
void run_one(const std::vector<char>& bytes) {
    const std::size_t size = bytes.size();
    const std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[size]);  // NOLINT(*-avoid-c-arrays): exact-size buffer, like libFuzzer
    std::copy(bytes.begin(), bytes.end(), copy.get());
    (void)LLVMFuzzerTestOneInput(copy.get(), size);
}

/// Reads and runs one file; false when it cannot be read (a missing seed is a broken test).
bool replay_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return false;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
    run_one(bytes);
    return true;
}

/// Expands a directory into its regular files, sorted so runs are reproducible.
std::vector<fs::path> inputs_of(const fs::path& arg) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) return {arg};
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) (void)LLVMFuzzerInitialize(&argc, &argv);

    run_one({});
    std::size_t count = 1;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        for (const fs::path& file : inputs_of(argv[i])) {  // NOLINT(*-pointer-arithmetic): argv
            ok = replay_file(file) && ok;
            ++count;
        }
    }
    std::fprintf(stderr, "replay: %zu inputs (including the empty one), %s\n", count,
                 ok ? "all passed" : "some unreadable");
    return ok ? 0 : 1;
}
