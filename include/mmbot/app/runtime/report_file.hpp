// mmbot/app/runtime/report_file.hpp
//
// --report at the end of a run: the JSON report (app/report.hpp) written where the flag says,
// its directory created first. The path was already checked at start (check_report_path), so a
// failure here is the disk's (exit 1, runtime); write_report leaves no .tmp behind.
#pragma once

#include "mmbot/app/report.hpp"
#include "mmbot/app/runtime/failure.hpp"

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>
#include <system_error>

namespace mmbot::app {

/// Nothing when `path` is empty (no --report).
[[nodiscard]] inline outcome<void> write_report_file(const std::string& path, const boost::json::value& report) {
    if (path.empty()) return {};
    std::error_code ec;
    if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent, ec);
    }
    if (auto w = write_report(path, report); !w) return fail_with(exit_code::runtime, w.error());
    return {};
}

}  // namespace mmbot::app
