// mmbot/app/runtime/log_output.hpp
//
// Where a run's JSON log goes: --log PATH, `-` for stderr, or by default mmbot.log beside the
// journal. The file is closed when the run ends, on every path out of it (the run's phases return
// early on failures; nothing has to remember an fclose).
//
//   auto out = log_output::open(log_path_for(opts, journal_path), log_output::mode::truncate);
//   obs::file_sink sink(out->file());
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/runtime/failure.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

namespace mmbot::app {

/// --log, else mmbot.log in the journal's directory.
[[nodiscard]] inline std::string log_path_for(const cli_options& opts, const std::string& journal_path) {
    if (!opts.log_path.empty()) return opts.log_path;
    return (std::filesystem::path(journal_path).parent_path() / "mmbot.log").string();
}

/// The log's file, owned: closed on destruction unless it is stderr.
class log_output {
public:
    /// Shadow starts a fresh log (its output is a function of the capture); testnet and live
    /// append, so a restart keeps the previous run's lines.
    enum class mode { truncate, append };

    [[nodiscard]] static outcome<log_output> open(const std::string& path, mode m) {
        if (path == "-") return log_output(stderr);
        std::FILE* f = std::fopen(path.c_str(), m == mode::truncate ? "w" : "a");
        if (f == nullptr) return fail_with(exit_code::runtime, fmt::format("--log: cannot open \"{}\"", path));
        return log_output(f);
    }

    log_output(log_output&& other) noexcept : file_(std::exchange(other.file_, nullptr)) {}
    log_output& operator=(log_output&& other) noexcept {
        if (this != &other) {
            close();
            file_ = std::exchange(other.file_, nullptr);
        }
        return *this;
    }
    log_output(const log_output&) = delete;
    log_output& operator=(const log_output&) = delete;
    ~log_output() { close(); }

    [[nodiscard]] std::FILE* file() const noexcept { return file_; }

private:
    explicit log_output(std::FILE* f) noexcept : file_(f) {}
    void close() noexcept {
        if (file_ != nullptr && file_ != stderr) (void)std::fclose(file_);
        file_ = nullptr;
    }

    std::FILE* file_;
};

}  // namespace mmbot::app
